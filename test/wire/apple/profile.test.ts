// SPDX-License-Identifier: MIT
/** .mobileconfig parsing: golden profile, mutated copies, CMS signatures and policies. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ProfileError, parseMobileconfig, signProfile } from "../../../src/wire/apple/profile.js";
import { crypto, testPki, type TestPki } from "./helpers.js";

const fx = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, "../../fixtures/apple", name)));
const refusal = (fn: () => unknown): string => {
  try {
    fn();
    return "accepted";
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return (e as ProfileError).apple.symptom;
  }
};

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

describe(".mobileconfig", () => {
  it("parses the golden profile into the payload model, whatever the payload order", () => {
    const { profile, signature } = parseMobileconfig(fx("enrollment-profile.mobileconfig"));
    expect(signature).toBe("unsigned");
    expect(profile.payloads.map((p) => p.kind)).toEqual(["mdm", "scep", "other"]);
    const mdm = profile.payloads[0]!;
    const scep = profile.payloads[1]!;
    if (mdm.kind !== "mdm" || scep.kind !== "scep") throw new Error("kinds");
    expect(mdm).toMatchObject({
      identityCertificateUUID: scep.uuid,
      signMessage: true,
      accessRights: 8191,
      checkOutWhenRemoved: true,
      checkInURL: "https://mdm.example.test/mdm/checkin",
      serverCapabilities: ["com.apple.mdm.per-user-connections", "com.apple.mdm.bootstraptoken"],
    });
    expect(scep).toMatchObject({ url: "http://mdm.example.test/scep", keysize: 2048, keyUsage: 5, retries: 3, retryDelay: 10, subject: [[["O", "Example"]], [["CN", "%HardwareUUID%"]]] });
  });

  it("refuses each mutated copy with the documented Apple error", () => {
    const cases: [string, string][] = [
      ["profile-no-identity-uuid", "apple.profile.missing-identity-uuid"],
      ["profile-dangling-identity-uuid", "apple.profile.missing-identity-uuid"],
      ["profile-bad-topic", "apple.profile.bad-topic"],
      ["profile-unknown-payload", "apple.profile.unsupported-payload"],
      ["profile-keysize-string", "apple.profile.invalid-field"],
      ["profile-checkin-http", "apple.profile.invalid-field"],
      ["profile-rights-2-without-1", "apple.profile.invalid-field"],
    ];
    for (const [f, code] of cases) expect(refusal(() => parseMobileconfig(fx(`mutated/${f}.mobileconfig`))), f).toBe(code);
  });

  it("a payload's missing field: MCInstallationErrorDomain 4000 ← MCProfileErrorDomain 1000 ← MCPayloadErrorDomain 2000, named by the profile (thrasr/mdm-server#15)", () => {
    expect.assertions(1);
    try {
      parseMobileconfig(fx("mutated/profile-no-identity-uuid.mobileconfig"));
    } catch (e) {
      expect((e as ProfileError).apple.chain).toMatchObject([
        { ErrorDomain: "MCInstallationErrorDomain", ErrorCode: 4000, LocalizedDescription: "Invalid Profile", suggestion: 'The payload "Example MDM enrollment" is invalid.' },
        { ErrorDomain: "MCProfileErrorDomain", ErrorCode: 1000, LocalizedDescription: 'The profile "Example MDM enrollment" is invalid.', suggestion: 'The required field "IdentityCertificateUUID" is missing.' },
        { ErrorDomain: "MCPayloadErrorDomain", ErrorCode: 2000, LocalizedDescription: 'The payload "Example MDM enrollment" is invalid.', suggestion: 'The required field "IdentityCertificateUUID" is missing.' },
      ]);
    }
  });

  it("hostile bodies are malformed profiles, never crashes", () => {
    for (const body of ["", "garbage", "<plist><dict><key>a</key></dict></plist>", '<!DOCTYPE plist [<!ENTITY a "b">]><plist/>', "<plist><array/></plist>"]) {
      expect(refusal(() => parseMobileconfig(new Uint8Array(Buffer.from(body)))), body).toMatch(/^apple\.profile\./);
    }
    expect(refusal(() => parseMobileconfig(new Uint8Array([0x30, 0x82, 0xff, 0xff, 0x01])))).toBe("apple.profile.malformed");
    const deep = `<plist version="1.0">${"<array>".repeat(200)}${"</array>".repeat(200)}</plist>`;
    expect(refusal(() => parseMobileconfig(new Uint8Array(Buffer.from(deep))))).toBe("apple.profile.malformed");
  });

  it("signed profiles: verified when the signer chains to a trusted anchor; policies refuse the rest", () => {
    const plist = fx("enrollment-profile.mobileconfig");
    const signed = signProfile(plist, { cert: pki.leaf, key: pki.leafKey, chain: [pki.ca] }, crypto);
    expect(parseMobileconfig(signed, { crypto, trust: [pki.ca] }).signature).toBe("verified");
    expect(parseMobileconfig(signed, { crypto, trust: [] }).signature).toBe("signer-untrusted");
    expect(parseMobileconfig(signed, { crypto, trust: [pki.ca], signaturePolicy: "require-trusted" }).profile.identifier).toBe("com.example.enrollment");
    expect(refusal(() => parseMobileconfig(signed, { crypto, trust: [pki.other], signaturePolicy: "require-trusted" }))).toBe("apple.profile.signature-invalid");
    expect(refusal(() => parseMobileconfig(plist, { crypto, signaturePolicy: "require-valid" }))).toBe("apple.profile.signature-invalid");
    // Signed by one key, certificate of another: the signature does not verify.
    const forged = signProfile(plist, { cert: pki.leaf, key: pki.otherKey }, crypto);
    expect(parseMobileconfig(forged, { crypto, trust: [pki.ca] }).signature).toBe("signature-invalid");
    expect(refusal(() => parseMobileconfig(forged, { crypto, trust: [pki.ca], signaturePolicy: "require-valid" }))).toBe("apple.profile.signature-invalid");
  });
});
