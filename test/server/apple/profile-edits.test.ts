// SPDX-License-Identifier: MIT
/**
 * `embedded.apple.profile`: the enrollment profile as a misconfigured server builds it (issue 10: one
 * mechanism for the profile defects that were three named faults). The server signs what it built.
 */
import { describe, expect, it } from "vitest";
import { applyProfileEdits } from "../../../src/server/apple/profile-edits.js";
import { REFERENCE_PROFILE_KEYS, editProfile } from "../../../src/wire/apple/profile-edits.js";
import { parseSignedData } from "../../../src/wire/cms/signed-data.js";
import { parsePlistDict, type PlistDict } from "../../../src/wire/apple/plist.js";
import { appleWorld } from "../../device/apple/harness.js";

const payloads: PlistDict[] = [
  { PayloadType: "com.apple.security.root", PayloadContent: "der" },
  { PayloadType: "com.apple.security.scep", PayloadContent: { URL: "http://x/scep", Challenge: "c", "Key Type": "RSA" } },
  { PayloadType: "com.apple.mdm", IdentityCertificateUUID: "U", Topic: "com.apple.mgmt.External.x", CheckInURL: "https://x/checkin" },
];

const profile: PlistDict = { PayloadType: "Configuration", PayloadVersion: 1, PayloadIdentifier: "p", PayloadUUID: "u", PayloadContent: payloads };
const editPayloads = (_p: PlistDict[], e: Parameters<typeof applyProfileEdits>[1]): PlistDict[] => applyProfileEdits(profile, e).PayloadContent as PlistDict[];

describe("applyProfileEdits: payloads", () => {
  it("removes a key of a payload type, a nested key, or whole payloads; sets a key; leaves the input alone", () => {
    const out = editPayloads(payloads, {
      remove: ["com.apple.mdm/IdentityCertificateUUID", "com.apple.security.root", "com.apple.security.scep/PayloadContent/Challenge"],
      set: { "com.apple.mdm/Topic": "not-a-topic", "com.apple.security.scep/PayloadContent/Key Type": "ECC" },
    });
    expect(out.map((p) => p.PayloadType)).toEqual(["com.apple.security.scep", "com.apple.mdm"]);
    expect(out[1]).toEqual({ PayloadType: "com.apple.mdm", Topic: "not-a-topic", CheckInURL: "https://x/checkin" });
    expect(out[0]!.PayloadContent).toEqual({ URL: "http://x/scep", "Key Type": "ECC" });
    // The built payloads are untouched (the server builds a fresh profile per request anyway).
    expect(payloads[2]).toMatchObject({ IdentityCertificateUUID: "U", Topic: "com.apple.mgmt.External.x" });
    expect((payloads[1]!.PayloadContent as PlistDict).Challenge).toBe("c");
  });

  it("adds payloads with the header keys they lack; a later remove of their type drops them too", () => {
    const out = editPayloads(payloads, { add: [{ PayloadType: "com.apple.applicationaccess", allowHostPairing: false }] });
    expect(out).toHaveLength(4);
    expect(out[3]).toMatchObject({ PayloadType: "com.apple.applicationaccess", allowHostPairing: false, PayloadVersion: 1, PayloadIdentifier: "com.enrollsim.ref.added.1" });
    expect(typeof out[3]!.PayloadUUID).toBe("string");
    expect(editPayloads(payloads, { add: [{ PayloadType: "com.apple.applicationaccess" }], remove: ["com.apple.applicationaccess"] })).toHaveLength(3);
  });

  it("a path that names nothing changes nothing", () => {
    expect(editPayloads(payloads, { remove: ["com.apple.wifi.managed", "com.apple.mdm/NoSuchKey", "com.apple.mdm/Topic/Deeper"], set: { "com.apple.vpn.managed/X": 1 } })).toEqual(payloads);
  });
});

describe("applyProfileEdits: every level, any value", () => {
  it("Configuration/… edits the top level; set takes lists, mappings, dates and data; a digit step indexes an array", () => {
    const out = applyProfileEdits(profile, {
      set: {
        "Configuration/PayloadScope": "System",
        "Configuration/ConsentText": { default: "Agree?" },
        "Configuration/RemovalDate": { $date: "2030-01-02T03:04:05Z" },
        "com.apple.mdm/ServerCapabilities": ["com.apple.mdm.per-user-connections"],
        "com.apple.mdm/UseDevelopmentAPNS": true,
        "com.apple.security.root/PayloadContent": { $data: "AAEC" },
      },
      remove: ["Configuration/PayloadVersion"],
    });
    expect(out).toMatchObject({ PayloadScope: "System", ConsentText: { default: "Agree?" } });
    expect(out.PayloadVersion).toBeUndefined();
    expect((out.RemovalDate as Date).toISOString()).toBe("2030-01-02T03:04:05.000Z");
    const [root, , mdm] = out.PayloadContent as PlistDict[];
    expect(mdm).toMatchObject({ ServerCapabilities: ["com.apple.mdm.per-user-connections"], UseDevelopmentAPNS: true });
    expect(root!.PayloadContent).toEqual(Uint8Array.from([0, 1, 2]));
    const twice = applyProfileEdits(out, { set: { "com.apple.mdm/ServerCapabilities/1": "com.apple.mdm.bootstraptoken" }, remove: ["com.apple.mdm/ServerCapabilities/0"] });
    expect((twice.PayloadContent as PlistDict[])[2]!.ServerCapabilities).toEqual([]);
    expect(profile.PayloadScope).toBeUndefined();
  });

  it("reports every edit that reaches nothing, with what exists there", () => {
    const { misses } = editProfile(profile, { remove: ["com.apple.wifi.managed", "com.apple.mdm/NoSuchKey", "com.apple.mdm/Topic/Deeper", "Configuration"], set: { "com.apple.mdm/Nope/X": 1, "com.apple.vpn.managed/X": 1 } }, (p) => p);
    expect(misses.map((m) => [m.edit, m.path, m.step])).toEqual([
      ["remove", "com.apple.wifi.managed", -1],
      ["remove", "com.apple.mdm/NoSuchKey", 0],
      ["remove", "com.apple.mdm/Topic/Deeper", 0],
      ["remove", "Configuration", -1],
      ["set", "com.apple.mdm/Nope/X", 0],
      ["set", "com.apple.vpn.managed/X", -1],
    ]);
    expect(misses[1]!.known).toContain("IdentityCertificateUUID");
    expect(misses[0]!.known).toEqual(["Configuration", "com.apple.security.root", "com.apple.security.scep", "com.apple.mdm"]);
  });
});

/** The keys of a dictionary, recursively (payloads by type), for comparing shapes. */
const shape = (v: unknown): unknown =>
  v instanceof Uint8Array || v instanceof Date || typeof v !== "object" || v === null
    ? typeof v
    : Array.isArray(v)
      ? v.every((x) => typeof x === "object" && x !== null && "PayloadType" in x)
        ? Object.fromEntries(v.map((x) => [(x as PlistDict).PayloadType, shape(x)]))
        : "array"
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, shape((v as PlistDict)[k])]),
        );

describe("the served profile carries the edits and is signed after them", () => {
  it("IdentityCertificateUUID removed, the CMS signature still covers the edited content", async () => {
    const w = await appleWorld({ profile: { remove: ["com.apple.mdm/IdentityCertificateUUID"], set: { "com.apple.mdm/Topic": "not-a-topic" } } });
    const res = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll", headers: {} });
    expect(res.status).toBe(200);
    const sd = parseSignedData(res.body, "profile");
    const profile = parsePlistDict(sd.content!, "profile", { maxBytes: 1 << 20 });
    const mdm = (profile.PayloadContent as PlistDict[]).find((p) => p.PayloadType === "com.apple.mdm")!;
    expect(mdm.IdentityCertificateUUID).toBeUndefined();
    expect(mdm.Topic).toBe("not-a-topic");
    expect(sd.signers).toHaveLength(1);
  });

  it("REFERENCE_PROFILE_KEYS (what the loader checks edits against) has the keys of the profile the server builds", async () => {
    const w = await appleWorld({});
    const res = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll", headers: {} });
    const served = parsePlistDict(parseSignedData(res.body, "profile").content!, "profile", { maxBytes: 1 << 20 });
    expect(shape(served)).toEqual(shape(REFERENCE_PROFILE_KEYS));
  });
});
