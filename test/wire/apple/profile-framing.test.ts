// SPDX-License-Identifier: MIT
/**
 * Bytes before a profile's content (fleetdm/fleet#35208): the reader finds the CMS envelope or plist
 * after them and refuses the body as what it is; macOS shows its published text, iOS the
 * malformed-profile chain with the condition reported unknown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { appleShownForChain } from "../../../src/device/apple/shown.js";
import { describeShown } from "../../../src/device/shown-for.js";
import { editBytes } from "../../../src/wire/body-bytes.js";
import { ProfileError, parseMobileconfig, signProfile } from "../../../src/wire/apple/profile.js";
import { misplacedContent, startsAsProfile } from "../../../src/wire/apple/profile-framing.js";
import { crypto, testPki, type TestPki } from "./helpers.js";

const plist = new Uint8Array(readFileSync(join(import.meta.dirname, "../../fixtures/apple/enrollment-profile.mobileconfig")));
const refusal = (fn: () => unknown): ProfileError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProfileError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
};

let pki: TestPki;
let signed: Uint8Array;
beforeAll(async () => {
  pki = await testPki();
  signed = signProfile(plist, { cert: pki.leaf, key: pki.leafKey, chain: [pki.ca] }, crypto);
});

describe("bytes before a profile's content", () => {
  it("a clean envelope, a plist after whitespace, and bplist start as profiles; nothing is looked for in them", () => {
    expect(startsAsProfile(signed)).toBe(true);
    expect(startsAsProfile(editBytes(plist, { prefix: "\n  " }))).toBe(true);
    expect(misplacedContent(signed)).toBeUndefined();
    expect(misplacedContent(plist)).toBeUndefined();
    expect(parseMobileconfig(signed, { crypto, trust: [pki.ca] }).signature).toBe("verified");
  });

  it("NUL bytes before the CMS envelope: found at their offset, refused as bytes-before-content", () => {
    const body = editBytes(signed, { prefix: { hex: "00 00 00 00" } });
    expect(misplacedContent(body)).toMatchObject({ offset: 4, kind: "cms", leading: expect.stringMatching(/^00 00 00 00 30 /) });
    const e = refusal(() => parseMobileconfig(body, { crypto, trust: [pki.ca] }));
    expect(e.apple.symptom).toBe("apple.profile.bytes-before-content");
    expect(e.apple.chain).toMatchObject([{ ErrorDomain: "MCProfileErrorDomain", ErrorCode: 1000 }]);
    expect(e.apple.chain[0]!.LocalizedDescription).toContain("4 bytes");
  });

  it("a BOM or a PHP notice before an XML plist is the same condition, kind plist", () => {
    expect(misplacedContent(editBytes(plist, { prefix: "\uFEFF" }))).toMatchObject({ offset: 3, kind: "plist", leading: "ef bb bf 3c 3f 78 6d 6c" });
    const notice = editBytes(plist, { prefix: "Notice: Undefined index: udid in /var/www/enroll.php on line 12\n" });
    expect(refusal(() => parseMobileconfig(notice)).apple.symptom).toBe("apple.profile.bytes-before-content");
  });

  it("garbage with no profile in it stays a malformed profile (not this condition)", () => {
    expect(misplacedContent(new Uint8Array(Buffer.from("<html><body>Login</body></html>")))).toBeUndefined();
    expect(refusal(() => parseMobileconfig(new Uint8Array(Buffer.from("garbage 0 0 0")))).apple.symptom).toBe("apple.profile.malformed");
    // A truncated envelope after the bytes is no envelope: malformed too.
    expect(refusal(() => parseMobileconfig(editBytes(signed.slice(0, 300), { prefix: { hex: "00" } }))).apple.symptom).toBe("apple.profile.malformed");
  });

  it("the Mac shows the published InternalError1 text, code unknown; an iPhone the chain, condition unknown", () => {
    const e = refusal(() => parseMobileconfig(editBytes(signed, { prefix: { hex: "0000" } }))).apple;
    const mac = appleShownForChain(e, "profile.parse", "macos-profile");
    expect(mac.text).toBe("Unable to install profile. Unexpected error InternalError1.");
    expect(mac.code).toBeUndefined();
    expect(mac.unknown?.raw).toMatch(/^2 bytes before the CMS envelope/);
    expect(appleShownForChain(e, "profile.parse", undefined, "macOS").text).toBe(mac.text);
    const phone = appleShownForChain(e, "profile.parse", "ios-profile");
    expect(phone.code).toBe("MCProfileErrorDomain 1000");
    expect(phone.text).toMatch(/^The profile cannot be read: 2 bytes/);
    expect(phone.unknown).toMatchObject({ raw: expect.stringMatching(/^2 bytes before the CMS envelope/), of: "condition" });
    // The one-line form says what the raw value is: a condition with no published code or text, not a server code.
    expect(describeShown(mac)).toMatch(/^\(no published code or text for this condition: "2 bytes before the CMS envelope, starting 00 00 30 /);
    expect(describeShown(mac)).not.toContain("server code");
  });
});
