// SPDX-License-Identifier: MIT
/**
 * `embedded.apple.profile`: the enrollment profile as a misconfigured server builds it (issue 10: one
 * mechanism for the profile defects that were three named faults). The server signs what it built.
 */
import { describe, expect, it } from "vitest";
import { editPayloads } from "../../../src/server/apple/profile-service.js";
import { parseSignedData } from "../../../src/wire/cms/signed-data.js";
import { parsePlistDict, type PlistDict } from "../../../src/wire/apple/plist.js";
import { appleWorld } from "../../device/apple/harness.js";

const payloads: PlistDict[] = [
  { PayloadType: "com.apple.security.root", PayloadContent: "der" },
  { PayloadType: "com.apple.security.scep", PayloadContent: { URL: "http://x/scep", Challenge: "c", "Key Type": "RSA" } },
  { PayloadType: "com.apple.mdm", IdentityCertificateUUID: "U", Topic: "com.apple.mgmt.External.x", CheckInURL: "https://x/checkin" },
];

describe("editPayloads", () => {
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
});
