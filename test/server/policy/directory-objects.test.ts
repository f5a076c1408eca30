// SPDX-License-Identifier: MIT
/**
 * Directory device objects (server/policy/directory-objects.ts): the join service answers from the
 * object's state — deleted, disabled, not synced, a TPM 1.2 key, two Autopilot profiles — and the
 * quota and join rights are counted on the same objects; scenario data and timeline changes reach them.
 */
import { describe, expect, it } from "vitest";
import { PolicyEngine, type JoinRequest } from "../../../src/server/policy/engine.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";

const ID = (n: number) => n.toString(16).toUpperCase().padStart(32, "0");
const userJoin = (n: number, over: Partial<JoinRequest> = {}): JoinRequest => ({ upn: "dee@contoso.com", deviceKey: ID(n), serial: `SN${n}`, registration: false, ...over });
const attested = (n: number, over: Partial<JoinRequest> = {}): JoinRequest => ({ deviceKey: ID(n), serial: `SN${n}`, registration: false, attested: true, autopilot: true, tpm: "2.0", ...over });
const refusal = (e: PolicyEngine, q: JoinRequest) => {
  const d = e.join(q);
  return d.ok ? "joined" : d.refusal;
};

describe("the join service answers from the device object's state", () => {
  it("a TPM-attested join needs the Autopilot object: deleted → device-object-missing, present or imported → joined", () => {
    const e = new PolicyEngine({ directory: { devices: [{ serials: ["SN1"], state: "deleted" }, { serials: ["SN2"] }] } });
    expect(refusal(e, attested(1))).toBe("device-object-missing");
    expect(refusal(e, attested(2))).toBe("joined");
    // No object listed: the Autopilot import made one for every imported hash (autopilot.registered absent = all).
    expect(refusal(e, attested(3))).toBe("joined");
    expect(e.records().refusals.map((r) => r.refusal)).toEqual(["device-object-missing"]);
  });
  it("a hash that was never imported has no object either; a user-driven join makes its own", () => {
    const e = new PolicyEngine({ autopilot: { registered: ["SN1"] } });
    expect(refusal(e, attested(1))).toBe("joined");
    expect(refusal(e, attested(2))).toBe("device-object-missing");
    const cfg: PolicyConfig = { directory: { devices: [{ serials: ["SN4"], state: "deleted" }] } };
    expect(refusal(new PolicyEngine(cfg), userJoin(4, { autopilot: true, tpm: "2.0" }))).toBe("joined");
  });
  it("a disabled object refuses the joins that authenticate as it; enabling it (a new list) lets them through", () => {
    const e = new PolicyEngine({
      directory: {
        devices: [
          { serials: ["SN1"], state: "disabled" },
          { deviceIds: [ID(2)], state: "disabled", joinType: "hybrid" },
        ],
      },
    });
    expect(refusal(e, attested(1))).toBe("device-object-disabled");
    expect(refusal(e, userJoin(2, { hybrid: true }))).toBe("device-object-disabled");
    e.holder.set("directory.devices", [{ serials: ["SN1"] }, { deviceIds: [ID(2)], joinType: "hybrid" }]);
    expect(refusal(e, attested(1))).toBe("joined");
    expect(refusal(e, userJoin(2, { hybrid: true }))).toBe("joined");
  });
  it("a hybrid sync join finds no object until it synced from Active Directory (pending → enabled)", () => {
    const e = new PolicyEngine({ directory: { devices: [{ deviceIds: [ID(1)], state: "pending", joinType: "hybrid" }] } });
    expect(refusal(e, userJoin(1, { hybrid: true }))).toBe("device-object-pending");
    expect(refusal(e, userJoin(9, { hybrid: true }))).toBe("joined"); // an unlisted computer counts as synced
    e.holder.set("directory.devices", [{ deviceIds: [ID(1)], state: "enabled", joinType: "hybrid" }]);
    expect(refusal(e, userJoin(1, { hybrid: true }))).toBe("joined");
  });
  it("an Autopilot join bound to a TPM 1.2, or with two explicit profiles, is not authorized; one profile is", () => {
    const e = new PolicyEngine({
      autopilot: {
        profiles: [
          { name: "A", serials: ["SN1", "SN2"] },
          { name: "B", serials: ["SN1"], joinType: "hybrid" },
        ],
      },
    });
    expect(refusal(e, userJoin(3, { autopilot: true, tpm: "1.2" }))).toBe("device-attestation-refused");
    expect(refusal(e, userJoin(3, { autopilot: false, tpm: "1.2" }))).toBe("joined"); // not an Autopilot join
    expect(refusal(e, userJoin(1, { autopilot: true, tpm: "2.0" }))).toBe("autopilot-profile-conflict");
    expect(refusal(e, userJoin(2, { autopilot: true, tpm: "2.0" }))).toBe("joined");
    expect(e.autopilotProfiles("sn1").map((p) => p.name)).toEqual(["A", "B"]);
  });
});

describe("quota and join rights count the same objects", () => {
  it("objects the scenario gives a user count toward the quota; hybrid and deleted ones do not", () => {
    const e = new PolicyEngine({
      directory: {
        deviceQuota: 2,
        devices: [
          { deviceIds: [ID(100)], joinType: "registered", owner: "Dee@contoso.com" },
          { deviceIds: [ID(101)], joinType: "hybrid", owner: "dee@contoso.com" },
          { deviceIds: [ID(102)], state: "deleted", owner: "dee@contoso.com" },
        ],
      },
    });
    expect(refusal(e, userJoin(1))).toBe("joined");
    expect(refusal(e, userJoin(2))).toBe("device-quota");
    expect(refusal(e, userJoin(1))).toBe("joined"); // the same device again is not a new one
    expect(e.records().joins).toEqual([{ deviceKey: ID(1), upn: "dee@contoso.com", kind: "joined" }]);
  });
  it("users may join devices applies to user joins, not to a userless attested join", () => {
    const e = new PolicyEngine({ directory: { usersMayJoin: "none" } });
    expect(refusal(e, userJoin(1))).toBe("join-not-allowed");
    expect(refusal(e, attested(2))).toBe("joined");
  });
});

describe("admin changes", () => {
  it("a deletion sticks until the object list itself changes; other configuration changes do not bring it back", () => {
    const e = new PolicyEngine({ directory: { devices: [{ serials: ["SN1"] }] } });
    expect(e.directory.delete([{ serial: "sn1" }, { serial: "SN7" }])).toBe(2); // SN7: the object the import made implicitly
    expect(refusal(e, attested(1))).toBe("device-object-missing");
    expect(refusal(e, attested(7))).toBe("device-object-missing");
    e.holder.set("restrictions.deviceLimit", 3);
    expect(refusal(e, attested(1))).toBe("device-object-missing");
    // Re-registration recreates the object (the list now says enabled).
    e.holder.set("directory.devices", [{ serials: ["SN1"], state: "enabled" }]);
    expect(refusal(e, attested(1))).toBe("joined");
    expect(e.records().directory.find((o) => o.serial === "SN1")).toMatchObject({ state: "enabled", deviceId: ID(1), autopilot: true });
  });
});
