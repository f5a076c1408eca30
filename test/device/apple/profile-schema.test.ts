// SPDX-License-Identifier: MIT
/**
 * The device's schema-driven profile checks (device/apple/profile-schema.ts) and what
 * ServerCapabilities and PayloadScope decide (device/apple/mdm-capabilities.ts), issue 10 /
 * blind trial 4 tickets 05 and 06.
 */
import { describe, expect, it } from "vitest";
import { bootstrapTokenBlocked, capabilityRefusal, userChannelBlocked } from "../../../src/device/apple/mdm-capabilities.js";
import { checkProfile, type ProfileCheckDevice } from "../../../src/device/apple/profile-schema.js";
import { appleShownForChain } from "../../../src/device/apple/shown.js";
import { buildPlistBytes, type PlistDict } from "../../../src/wire/apple/plist.js";
import { buildProfileDict, parseMobileconfig, payloadHeader, type MdmPayload } from "../../../src/wire/apple/profile.js";

const SCEP = "11111111-2222-3333-4444-555555555555";
const mdmPayload = (extra: PlistDict = {}): PlistDict => ({
  ...payloadHeader("com.apple.mdm", "p.mdm", "22222222-2222-3333-4444-555555555555", "MDM"),
  IdentityCertificateUUID: SCEP,
  Topic: "com.apple.mgmt.External.test",
  ServerURL: "https://mdm.test/mdm",
  ServerCapabilities: ["com.apple.mdm.per-user-connections"],
  ...extra,
});
const profile = (top: PlistDict = {}, mdm: PlistDict = {}) => {
  const d = { ...buildProfileDict({ identifier: "p", uuid: "P", displayName: "p", payloads: [{ ...payloadHeader("com.apple.security.scep", "p.scep", SCEP, "SCEP"), PayloadContent: { URL: "https://ca.test/scep" } }, mdmPayload(mdm)] }), ...top };
  return parseMobileconfig(buildPlistBytes(d));
};
const iphone: ProfileCheckDevice = { os: "iOS", version: "18.1", supervised: false, ade: false, userEnrollment: false, kind: "iPhone" };
const mac: ProfileCheckDevice = { os: "macOS", version: "15.5", supervised: false, ade: false, userEnrollment: false, kind: "Mac" };

describe("checkProfile: Apple's schemas, table-driven", () => {
  it("a well-formed enrollment profile passes on iPhone and Mac", () => {
    expect(checkProfile(profile(), iphone)).toEqual({ ignored: [] });
    expect(checkProfile(profile(), mac)).toEqual({ ignored: [] });
  });

  it("a key the platform or release does not have is ignored and noted: PayloadScope on iOS, ManagedAppleID on iOS 18, PayloadRemovalDisallowed unsupervised", () => {
    const r = checkProfile(profile({ PayloadScope: "System", PayloadRemovalDisallowed: true }, { ManagedAppleID: "a@b.test" }), iphone);
    expect(r.refusal).toBeUndefined();
    expect(r.ignored).toEqual([
      { key: "PayloadRemovalDisallowed", where: "profile", why: "the device is not supervised" },
      { key: "PayloadScope", where: "profile", why: "not available on iOS" },
      { key: "ManagedAppleID", where: "com.apple.mdm", why: "removed in iOS 18.0" },
    ]);
    expect(checkProfile(profile({ PayloadScope: "System" }), mac).ignored).toEqual([]);
    expect(checkProfile(profile({ PayloadRemovalDisallowed: true }), { ...iphone, supervised: true }).ignored).toEqual([]);
  });

  it("a value outside the schema is refused, and since no text is published the raw condition is reported as unknown", () => {
    const scope = checkProfile(profile({ PayloadScope: "Device" }), mac).refusal!;
    expect(scope.symptom).toBe("apple.profile.invalid-field");
    expect(scope.unpublished?.raw).toBe('PayloadScope: "Device" is not one of "System", "User"');
    const shown = appleShownForChain(scope, "profile.install", "macos-profile");
    expect(shown.unknown).toEqual({ raw: 'PayloadScope: "Device" is not one of "System", "User"', of: "condition" });
    expect(checkProfile(profile({ PayloadVersion: 2 }), mac).refusal?.unpublished?.raw).toBe("PayloadVersion: 2 is not one of 1");
    expect(checkProfile(profile({}, { ServerCapabilities: ["com.apple.mdm.per-user-connection"] }), mac).refusal?.unpublished?.raw).toMatch(/^ServerCapabilities: item 0: "com.apple.mdm.per-user-connection" is not one of/);
    expect(checkProfile(profile({}, { EnrollmentMode: "BYOD2" }), iphone).refusal?.unpublished?.raw).toBe('EnrollmentMode: "BYOD2" is not one of "BYOD", "ADDE"');
    expect(checkProfile(profile({}, { UseDevelopmentAPNS: 1 }), iphone).refusal?.unpublished?.raw).toBe("UseDevelopmentAPNS: expected boolean, got integer");
    // Types the profile parser reads itself are refused there, the same way (raw condition, unknown text).
    expect(() => profile({}, { SignMessage: "yes" })).toThrow(expect.objectContaining({ apple: expect.objectContaining({ unpublished: expect.objectContaining({ raw: expect.stringContaining("SignMessage") }) }) }));
  });

  it("a required key that is missing: the published text; PayloadContent may be absent when the payloads come encrypted", () => {
    const parsed = profile();
    delete (parsed.profile.payloads[1]!.raw as PlistDict).PayloadVersion;
    const r = checkProfile(parsed, mac).refusal!;
    expect(r.symptom).toBe("apple.profile.missing-field");
    // A payload's key: the payload handler's error under the profile's (micromdm#496, thrasr/mdm-server#15).
    expect(r.chain.map((i) => [i.ErrorDomain, i.ErrorCode, i.LocalizedDescription, i.suggestion])).toEqual([
      ["MCInstallationErrorDomain", 4000, "Invalid Profile", 'The payload "p" is invalid.'],
      ["MCProfileErrorDomain", 1000, 'The profile "p" is invalid.', 'The required field "PayloadVersion" is missing.'],
      ["MCPayloadErrorDomain", 2000, 'The payload "p" is invalid.', 'The required field "PayloadVersion" is missing.'],
    ]);
    expect(r.unpublished).toBeUndefined();
    const enc = profile();
    delete (enc.profile.raw as PlistDict).PayloadContent;
    expect(checkProfile(enc, mac).refusal?.chain.at(-1)!.LocalizedDescription).toBe('The required field "PayloadContent" is missing.');
    (enc.profile.raw as PlistDict).EncryptedPayloadContent = new Uint8Array(1);
    expect(checkProfile(enc, mac).refusal).toBeUndefined();
  });

  it("the rules the schema states in words: TargetDeviceType names the kind of device; AccessRights 0", () => {
    expect(checkProfile(profile({ TargetDeviceType: 5 }), iphone).refusal).toMatchObject({ symptom: "apple.profile.wrong-target-device", unpublished: { raw: "TargetDeviceType 5 on iPhone" } });
    expect(checkProfile(profile({ TargetDeviceType: 5 }), mac).refusal).toBeUndefined();
    expect(checkProfile(profile({ TargetDeviceType: 1 }), iphone).refusal).toBeUndefined();
    expect(checkProfile(profile({ TargetDeviceType: 9 }), iphone).refusal?.unpublished?.raw).toMatch(/^TargetDeviceType: 9 is not one of/);
    expect(checkProfile(profile({}, { AccessRights: 0 }), iphone).refusal?.unpublished?.raw).toMatch(/^AccessRights: 0 grants nothing/);
  });
});

describe("ServerCapabilities and PayloadScope decide the channels", () => {
  const mdm = (caps: string[]): MdmPayload => ({ ...(profile().profile.payloads[1] as MdmPayload), serverCapabilities: caps });
  const p = (scope?: string) => ({ ...profile().profile, ...(scope ? { scope } : {}) });

  it("macOS 26 refuses an MDM payload without per-user-connections with the published text; older macOS and iOS install it", () => {
    const r = capabilityRefusal({ os: "macOS", version: "26.0" }, mdm(["com.apple.mdm.bootstraptoken"]))!;
    expect(r.symptom).toBe("apple.profile.missing-user-channel-capability");
    expect(appleShownForChain(r, "profile.install", "macos-profile").text).toBe("Profile Installation Failed. MDM payload is missing ServerCapabilities key that indicates it supports a user channel.");
    expect(capabilityRefusal({ os: "macOS", version: "26.0" }, mdm(["com.apple.mdm.per-user-connections"]))).toBeUndefined();
    expect(capabilityRefusal({ os: "macOS", version: "15.5" }, mdm([]))).toBeUndefined();
    expect(capabilityRefusal({ os: "iOS", version: "26.0" }, mdm([]))).toBeUndefined();
  });

  it("no user channel without per-user-connections, or with PayloadScope System on a profile-based enrollment from macOS 11 (ADE unaffected)", () => {
    const m15 = { os: "macOS" as const, version: "15.5" };
    expect(userChannelBlocked(m15, mdm([]), p(), false)).toMatch(/lacks com.apple.mdm.per-user-connections/);
    expect(userChannelBlocked(m15, mdm(["com.apple.mdm.per-user-connections"]), p("System"), false)).toMatch(/PayloadScope System/);
    expect(userChannelBlocked(m15, mdm(["com.apple.mdm.per-user-connections"]), p("System"), true)).toBeUndefined();
    expect(userChannelBlocked({ os: "macOS", version: "10.15.7" }, mdm(["com.apple.mdm.per-user-connections"]), p("System"), false)).toBeUndefined();
    expect(userChannelBlocked(m15, mdm(["com.apple.mdm.per-user-connections"]), p("User"), false)).toBeUndefined();
  });

  it("no Bootstrap Token without com.apple.mdm.bootstraptoken from macOS 11", () => {
    expect(bootstrapTokenBlocked({ os: "macOS", version: "15.5" }, mdm(["com.apple.mdm.per-user-connections"]))).toMatch(/lacks com.apple.mdm.bootstraptoken/);
    expect(bootstrapTokenBlocked({ os: "macOS", version: "15.5" }, mdm(["com.apple.mdm.bootstraptoken"]))).toBeUndefined();
    expect(bootstrapTokenBlocked({ os: "macOS", version: "10.15" }, mdm([]))).toBeUndefined();
  });
});
