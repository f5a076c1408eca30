// SPDX-License-Identifier: MIT
/**
 * A payload handler's refusal, for every payload type Apple's schemas describe (wire/apple/payload-errors.ts,
 * device/apple/profile-schema.ts), and the installer's outermost error per install path
 * (devices/profile-installers/*.yaml, device/profile-install-paths.ts): micromdm/micromdm#496 (4001),
 * thrasr/mdm-server#15 (4000).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProfile, type ProfileCheckDevice } from "../../../src/device/apple/profile-schema.js";
import { appleShownForChain } from "../../../src/device/apple/shown.js";
import { parseProfileInstallPaths } from "../../../src/device/profile-install-paths.js";
import { loadProfileInstallPaths } from "../../../src/runner/catalog-files.js";
import { AppleErrors, errorChainPlist, type AppleError } from "../../../src/wire/apple/errors.js";
import { atInstallPath, payloadFieldMissing } from "../../../src/wire/apple/payload-errors.js";
import { buildPlistBytes, type PlistDict } from "../../../src/wire/apple/plist.js";
import { buildProfileDict, parseMobileconfig, payloadHeader, ProfileError } from "../../../src/wire/apple/profile.js";

const iphone: ProfileCheckDevice = { os: "iOS", version: "18.1", supervised: false, ade: false, userEnrollment: false, kind: "iPhone" };
const bytes = (payloads: PlistDict[]) => buildPlistBytes(buildProfileDict({ identifier: "com.example.p", uuid: "P", displayName: "Office Wi-Fi", payloads }));
const check = (payload: PlistDict) => checkProfile(parseMobileconfig(bytes([payload])), iphone).refusal;
const chainOf = (e: AppleError | undefined) => e?.chain.map((i) => [i.ErrorDomain, i.ErrorCode, i.suggestion ?? i.LocalizedDescription]);
const acme = (extra: PlistDict = {}): PlistDict => ({
  ...payloadHeader("com.apple.security.acme", "com.example.p.acme", "A1", "ACME"),
  DirectoryURL: "https://acme.example/dir",
  ClientIdentifier: "id-1",
  KeySize: 256,
  KeyType: "ECSECPrimeRandom",
  HardwareBound: true,
  Subject: [[["CN", "device"]]],
  ...extra,
});

describe("payload refusals from Apple's schemas, any payload type", () => {
  it("a well-formed ACME payload passes; without its required DirectoryURL the ACME handler refuses it as MDM's does (2000 under 1000 under 4000)", () => {
    expect(check(acme())).toBeUndefined();
    const { DirectoryURL: _, ...noUrl } = acme();
    const r = check(noUrl)!;
    expect(r.symptom).toBe("apple.profile.missing-field");
    expect(r.payloadFault).toEqual({ field: "DirectoryURL", payloadType: "com.apple.security.acme" });
    expect(chainOf(r)).toEqual([
      ["MCInstallationErrorDomain", 4000, 'The payload "Office Wi-Fi" is invalid.'],
      ["MCProfileErrorDomain", 1000, 'The required field "DirectoryURL" is missing.'],
      ["MCPayloadErrorDomain", 2000, 'The required field "DirectoryURL" is missing.'],
    ]);
  });

  it("an empty required string reads as missing (micromdm#496's empty Topic); a wrong type is 2003, a value not allowed 2004, their texts unpublished", () => {
    expect(chainOf(check(acme({ ClientIdentifier: "" })))?.at(-1)).toEqual(["MCPayloadErrorDomain", 2000, 'The required field "ClientIdentifier" is missing.']);
    const type = check(acme({ KeySize: "256" }))!;
    expect(type.chain.at(-1)).toMatchObject({ ErrorDomain: "MCPayloadErrorDomain", ErrorCode: 2003 });
    expect(type.unpublished?.raw).toBe("KeySize: expected integer, got string");
    const webclip = { ...payloadHeader("com.apple.webClip.managed", "com.example.p.clip", "W1", "Clip"), URL: "https://intranet.example", Label: "Intranet", Precomposed: "yes" };
    expect(check(webclip)?.chain.at(-1)).toMatchObject({ ErrorDomain: "MCPayloadErrorDomain", ErrorCode: 2003 });
    const { Label: _l, ...noLabel } = webclip;
    expect(chainOf(check({ ...noLabel, Precomposed: true }))?.at(-1)).toEqual(["MCPayloadErrorDomain", 2000, 'The required field "Label" is missing.']);
  });

  it("a dictionary value's own keys: the SCEP payload without its PayloadContent URL is refused by the parser the same way", () => {
    const scep = { ...payloadHeader("com.apple.security.scep", "com.example.p.scep", "S1", "SCEP"), PayloadContent: { URL: "" } };
    let err: ProfileError | undefined;
    try {
      parseMobileconfig(bytes([scep]));
    } catch (e) {
      err = e as ProfileError;
    }
    expect(chainOf(err?.apple)?.at(-1)).toEqual(["MCPayloadErrorDomain", 2000, 'The required field "URL" is missing.']);
  });

  it("the interactive install path gives 4001 Profile Installation Failed over the same inner chain; other errors and the queued path are unchanged", () => {
    const queued = payloadFieldMissing("Topic", "com.apple.mdm", "Enrollment Profile");
    const inter = atInstallPath(queued, "interactive");
    expect(chainOf(inter)).toEqual([
      ["MCInstallationErrorDomain", 4001, 'The payload "Enrollment Profile" is invalid.'],
      ["MCProfileErrorDomain", 1000, 'The required field "Topic" is missing.'],
      ["MCPayloadErrorDomain", 2000, 'The required field "Topic" is missing.'],
    ]);
    expect(inter.chain[0]!.LocalizedDescription).toBe("Profile Installation Failed");
    expect(atInstallPath(queued, "queued")).toBe(queued);
    const topLevel = AppleErrors.missingField("PayloadUUID");
    expect(atInstallPath(topLevel, "interactive")).toBe(topLevel);
    // The alert is the outermost error's title and suggestion, as in the captured log; the payload's code is its cause.
    expect(appleShownForChain(inter, "profile.install", "ios-profile")).toMatchObject({
      code: "MCInstallationErrorDomain 4001",
      text: 'Profile Installation Failed. The payload "Enrollment Profile" is invalid.',
      cause: { code: "MCPayloadErrorDomain 2000" },
    });
    expect(appleShownForChain(queued, "profile.install", "ios-profile").text).toBe('Invalid Profile. The payload "Enrollment Profile" is invalid.');
    // The MDM ErrorChain carries Apple's documented keys only.
    expect(Object.keys(errorChainPlist(inter)[1]!)).toEqual(["ErrorCode", "ErrorDomain", "LocalizedDescription", "USEnglishDescription"]);
  });
});

describe("profile install paths (devices/profile-installers/*.yaml)", () => {
  const shipped = loadProfileInstallPaths();

  it("the shipped row: iOS 11 installs a downloaded profile interactively (micromdm#496); a release without a row is queued; iPads follow ios rows", () => {
    expect(shipped.forDevice("ios", "11.4").path).toBe("interactive");
    expect(shipped.forDevice("ios", "11.4").row?.source).toMatch(/micromdm\/micromdm\/issues\/496/);
    expect(shipped.forDevice("ipados", "11.0").path).toBe("interactive");
    expect(shipped.forDevice("ios", "12.0").path).toBe("queued");
    expect(shipped.forDevice("ios", "10.3.3").path).toBe("queued");
    expect(shipped.forDevice("macos", "10.13.6").path).toBe("queued");
    // iOS 14.6: queued, and Safari shows its own alert for the download it cannot queue (WangGuibin/WebClipChangeAppLogo#1).
    expect(shipped.forDevice("ios", "14.6")).toMatchObject({ path: "queued", row: { alert: { text: "Bad Profile. This profile is corrupted and cannot be read." } } });
    expect(shipped.forDevice("ios", "14.7").row).toBeUndefined();
  });

  it("an app's own alert replaces the installer's words on screen, with no code; the installer's code is its cause", () => {
    const e = { ...payloadFieldMissing("URL", "com.apple.webClip.managed", "Clips"), alert: { text: "Bad Profile. This profile is corrupted and cannot be read.", screen: "Safari", source: "x" } };
    expect(appleShownForChain(e, "profile.parse", "ios-profile")).toEqual({ text: "Bad Profile. This profile is corrupted and cannot be read.", screen: "Safari", cause: { code: "MCInstallationErrorDomain 4000" } });
    expect(() => parseProfileInstallPaths('paths:\n  - { platform: ios, releases: ["14.6"], path: queued, alert: { text: "x" }, source: y }\n', "f.yaml")).toThrow(/alert is/);
  });

  it("a --devices DIR's rows come first; a bad row names file:line:column, what was expected", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-install-paths-"));
    mkdirSync(join(dir, "profile-installers"));
    writeFileSync(join(dir, "profile-installers", "mine.yaml"), 'paths:\n  - { platform: ios, releases: ["11.4"], path: queued, source: "our lab" }\n  - { platform: macos, from: "10.13", until: "10.14", path: interactive, source: "our lab" }\n');
    const mine = loadProfileInstallPaths(dir);
    expect(mine.forDevice("ios", "11.4").path).toBe("queued");
    expect(mine.forDevice("ios", "11.3").path).toBe("interactive");
    expect(mine.forDevice("macos", "10.13.6").path).toBe("interactive");
    expect(() => parseProfileInstallPaths('paths:\n  - { platform: ios, releases: ["11.4"], path: queue, source: x }\n', "f.yaml")).toThrow(/f\.yaml:2:\d+[\s\S]*queued \| interactive|paths\[0\]\.path is "queue"/);
    expect(() => parseProfileInstallPaths('paths:\n  - { platform: ios, release: ["11.4"], path: queued, source: x }\n', "f.yaml")).toThrow(/unknown field "release"/);
    expect(() => parseProfileInstallPaths("paths:\n  - { platform: ios, from: 11.4, path: queued, source: x }\n", "f.yaml")).toThrow(/from is 11\.4/);
    expect(() => parseProfileInstallPaths("paths:\n  - { platform: ios, path: queued }\n", "f.yaml")).toThrow(/source is missing/);
  });
});
