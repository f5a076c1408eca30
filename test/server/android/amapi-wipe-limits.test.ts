// SPDX-License-Identifier: MIT
/**
 * The fake AMAPI's remote wipe (enterprises.devices.delete with wipe data flags, issueCommand WIPE, the
 * timeline's admin wipe) and the tenant's per-user device limit and DEM ceiling at token redemption
 * (embedded.policy, replacing the removed embedded.android.restrictions.deviceLimit).
 */
import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { androidServer, BASE } from "../../protocol/android/harness.js";

type Handler = (r: HttpRequest) => Promise<{ status: number; body: Uint8Array }>;
const call = async (h: Handler, method: string, path: string, body?: unknown) => {
  const r = await h({ method: method as "GET", url: BASE + path, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : new Uint8Array(Buffer.from(JSON.stringify(body))) });
  return { status: r.status, json: JSON.parse(Buffer.from(r.body).toString("utf8") || "{}") as any };
};
const token = async (h: Handler, profile: string) => (await call(h, "GET", `/android/provisioning/${profile}/token`)).json.value as string;
const redeem = (h: Handler, t: string, o: { serial: string; user?: string; mode?: string; ownership?: string; apiLevel?: number; imei?: string }) =>
  call(h, "POST", "/android/amapi/device/v1/enrollmentTokens:redeem", {
    enrollmentToken: t,
    managementMode: o.mode ?? "DEVICE_OWNER",
    ownership: o.ownership ?? "COMPANY_OWNED",
    apiLevel: o.apiLevel ?? 34,
    hardwareInfo: { manufacturer: "Google", serialNumber: o.serial },
    networkInfo: { ...(o.imei ? { imei: o.imei } : {}) },
    ...(o.user ? { enrollmentUser: o.user } : {}),
  });

describe("AMAPI remote wipe", () => {
  it("devices.delete with wipe data flags: gone from the EMM's view at once, WIPE at the next status report, the acknowledgement ends the record", async () => {
    const { server, half } = await androidServer();
    const e = half.config.enterpriseId;
    const d = await redeem(server.handler, await token(server.handler, "fully-managed"), { serial: "S1" });
    const id = String(d.json.name).split("/").pop();
    expect((await call(server.handler, "DELETE", `/android/amapi/v1/enterprises/${e}/devices/${id}?wipeDataFlags=PRESERVE_RESET_PROTECTION_DATA&wipeReasonMessage=lost`)).status).toBe(200);
    expect((await call(server.handler, "GET", `/android/amapi/v1/enterprises/${e}/devices/${id}`)).status).toBe(404);
    const st = await call(server.handler, "POST", "/android/amapi/device/v1/devices:reportStatus", { hardwareInfo: { serialNumber: "S1" } });
    expect(st.status).toBe(200);
    expect(st.json.pendingCommands).toHaveLength(1);
    expect(st.json.pendingCommands[0].metadata).toMatchObject({ type: "WIPE", wipeParams: { wipeDataFlags: ["PRESERVE_RESET_PROTECTION_DATA"], wipeReason: { defaultMessage: "lost" } } });
    await call(server.handler, "POST", `/android/amapi/device/v1/${st.json.pendingCommands[0].name}:ack`, {});
    expect((await call(server.handler, "POST", "/android/amapi/device/v1/devices:reportStatus", { hardwareInfo: { serialNumber: "S1" } })).status).toBe(404);
  });

  it("issueCommand WIPE keeps the resource until the device acknowledges it; the admin wipe reaches AMAPI devices by serial", async () => {
    const { server, half } = await androidServer();
    const e = half.config.enterpriseId;
    const a = await redeem(server.handler, await token(server.handler, "fully-managed"), { serial: "A1" });
    await redeem(server.handler, await token(server.handler, "fully-managed"), { serial: "B2" });
    const id = String(a.json.name).split("/").pop();
    const op = await call(server.handler, "POST", `/android/amapi/v1/enterprises/${e}/devices/${id}:issueCommand`, { type: "WIPE" });
    expect(op.json.metadata.type).toBe("WIPE");
    expect((await call(server.handler, "GET", `/android/amapi/v1/enterprises/${e}/devices/${id}`)).status).toBe(200);
    await call(server.handler, "POST", `/android/amapi/device/v1/${op.json.name}:ack`, {});
    expect((await call(server.handler, "GET", `/android/amapi/v1/enterprises/${e}/devices/${id}`)).status).toBe(404);
    expect(half.admin!.wipe!([{ serialNumber: "B2" } as never])).toBe(1);
    expect(half.amapi.devices.size).toBe(0);
    const st = await call(server.handler, "POST", "/android/amapi/device/v1/devices:reportStatus", { hardwareInfo: { serialNumber: "B2" } });
    expect(st.json.pendingCommands[0].metadata.type).toBe("WIPE");
  });
});

describe("the tenant's device limit at AMAPI token redemption", () => {
  it("counts a user's enrollments against embedded.policy.restrictions.deviceLimit; a wipe frees the place", async () => {
    const { server, half } = await androidServer({}, undefined, { restrictions: { deviceLimit: 1 } });
    const wp = await token(server.handler, "work-profile");
    const first = await redeem(server.handler, wp, { serial: "P1", user: "ann@contoso.com", mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" });
    expect(first.status).toBe(200);
    const second = await redeem(server.handler, wp, { serial: "P2", user: "ann@contoso.com", mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" });
    expect(second.json.error).toMatchObject({ code: 403, status: "PERMISSION_DENIED", reason: "DEVICE_LIMIT" });
    expect((await redeem(server.handler, wp, { serial: "P3", user: "bob@contoso.com", mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" })).status).toBe(200);
    // Wiped and acknowledged: the record no longer counts.
    half.admin!.wipe!([{ serialNumber: "P1" } as never]);
    const st = await call(server.handler, "POST", "/android/amapi/device/v1/devices:reportStatus", { hardwareInfo: { serialNumber: "P1" } });
    await call(server.handler, "POST", `/android/amapi/device/v1/${st.json.pendingCommands[0].name}:ack`, {});
    expect((await redeem(server.handler, wp, { serial: "P2", user: "ann@contoso.com", mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" })).status).toBe(200);
  });

  it("a device enrollment manager enrolls at most 10 personally owned work profiles (server-policies.md §6)", async () => {
    const { server } = await androidServer({}, undefined, { deviceEnrollmentManagers: { users: ["dem@contoso.com"] } });
    const wp = await token(server.handler, "work-profile");
    for (let i = 0; i < 10; i++) expect((await redeem(server.handler, wp, { serial: `D${i}`, user: "dem@contoso.com", mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" })).status).toBe(200);
    const eleventh = await redeem(server.handler, wp, { serial: "D10", user: "dem@contoso.com", mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" });
    expect(eleventh.json.error.reason).toBe("DEVICE_LIMIT");
    expect(server.policy.records().refusals.map((r) => r.refusal)).toEqual(["dem-limit"]);
  });

  it("a personally owned work profile with an imported IMEI passes Personally owned: Block on Android 11, not on Android 12", async () => {
    const { server } = await androidServer({}, undefined, { restrictions: { platform: { androidWorkProfile: { personal: "block" } } }, corporateIdentifiers: { imeis: ["356938035643809"] } });
    const wp = await token(server.handler, "work-profile");
    const ok = await redeem(server.handler, wp, { serial: "C1", imei: "356938035643809", apiLevel: 30, mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" });
    expect(ok.status).toBe(200);
    const no = await redeem(server.handler, wp, { serial: "C2", imei: "356938035643809", apiLevel: 31, mode: "PROFILE_OWNER", ownership: "PERSONALLY_OWNED" });
    expect(no.json.error).toMatchObject({ reason: "ENROLLMENT_BLOCKED" });
    expect(server.policy.records().enrollments.map((r) => r.ownership)).toEqual(["corporate"]);
  });
});
