// SPDX-License-Identifier: MIT
/**
 * Contract: the Windows join client (protocol/windows/join.ts) against the reference server's device
 * registration stand-in (server/windows/drs.ts) over real loopback HTTP — the refusal a directory
 * device object's state produces reaches the device with its HRESULT, server code and HTTP status,
 * and a timeline-style change to the objects applies to the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinDirectory } from "../../../src/protocol/windows/join.js";
import { RealClock } from "../../../src/platform/node/clock.js";
import { NodeHttp } from "../../../src/platform/node/http.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { accessTokenClaims } from "../../../src/wire/windows/entra-token.js";
import { mintToken } from "../../../src/wire/windows/token.js";
import { crypto, harness } from "../../support/scep-harness.js";

const clock = new RealClock();
const http = new NodeHttp({ clock });
const ID = (n: number) => n.toString(16).toUpperCase().padStart(32, "0");
let server: ReferenceServer;

beforeAll(async () => {
  server = await ReferenceServer.start({
    host: "127.0.0.1",
    policy: {
      directory: {
        users: [{ upn: "dee@contoso.com", groups: ["joiners"] }, { upn: "ray@contoso.com" }],
        usersMayJoin: { groups: ["joiners"] },
        deviceQuota: 1,
        devices: [
          { serials: ["BENCH1"], state: "deleted" },
          { serials: ["BENCH2"], state: "disabled" },
          { deviceIds: [ID(3)], state: "pending", joinType: "hybrid" },
        ],
      },
    },
  });
}, 60_000);
afterAll(async () => server?.close());

const join = (body: Parameters<typeof joinDirectory>[2], token?: string) => {
  const h = harness(http, clock, { url: server.scepUrl });
  return joinDirectory(h.ctx, `${server.url}/windows/drs/join`, body, token);
};
/** A provisioning package's bulk token (the `bulk` claim), signed with the reference server's default token key. */
const bulkToken = (days: number) =>
  mintToken(
    accessTokenClaims({ app: { appId: "urn:ms-drs:enterpriseregistration.windows.net", identifierUris: [] }, tenantId: "00000000-0000-0000-0000-00000000e501", upn: "dee@contoso.com", nowMs: clock.now(), lifetimeSeconds: days * 86400, bulk: true }),
    "enrollsim-test-token-key",
    crypto,
  );

describe("join client ↔ device registration stand-in over loopback", () => {
  it("pre-provisioning with a deleted Autopilot object: 400, 0x801C03F3, DirectoryError", async () => {
    const out = await join({ deviceId: ID(1), bulk: false, serialNumber: "BENCH1", attested: true, autopilot: true, tpm: "2.0" });
    expect(out).toMatchObject({ status: "refused", error: "0x801C03F3", serverError: "DirectoryError", reason: "device-object-missing", httpStatus: 400 });
  });
  it("a disabled object: 403 with AADSTS135011 and no HRESULT (none is published for a join)", async () => {
    const out = await join({ deviceId: ID(2), bulk: false, serialNumber: "BENCH2", attested: true, autopilot: true, tpm: "2.0" });
    expect(out).toMatchObject({ status: "refused", serverError: "AADSTS135011", httpStatus: 403 });
    expect((out as { error?: string }).error).toBeUndefined();
  });
  it("a hybrid sync join before the object synced: 0x801C03F2 with the published server message", async () => {
    const out = await join({ upn: "dee@contoso.com", deviceId: ID(3), bulk: false, hybrid: true });
    expect(out).toMatchObject({ status: "refused", error: "0x801C03F2", httpStatus: 400 });
    expect((out as { message: string }).message).toContain("The device object by the given ID is not found.");
  });
  it("the quota on the same objects: the second user join is 403 0x801C0003; after the admin deletes the first object it joins", async () => {
    expect(await join({ upn: "dee@contoso.com", deviceId: ID(4), bulk: false, serialNumber: "PC4" })).toMatchObject({ status: "joined", mdm: true });
    expect(await join({ upn: "dee@contoso.com", deviceId: ID(5), bulk: false, serialNumber: "PC5" })).toMatchObject({ status: "refused", error: "0x801C0003", reason: "device-quota", httpStatus: 403 });
    expect(server.policy.directory.delete([{ serial: "PC4" }])).toBe(1);
    expect(await join({ upn: "dee@contoso.com", deviceId: ID(5), bulk: false, serialNumber: "PC5" })).toMatchObject({ status: "joined" });
  });
  it("Users may join devices (Selected) leaves Ray out: 403 0x801C03ED with the server message, no server error code (none is published); a hybrid sync join is not asked", async () => {
    const out = await join({ upn: "ray@contoso.com", deviceId: ID(6), bulk: false, serialNumber: "PC6" });
    expect(out).toMatchObject({ status: "refused", error: "0x801C03ED", reason: "join-not-allowed", httpStatus: 403, message: "Administrator policy does not allow user ray@contoso.com to device join" });
    expect((out as { serverError?: string }).serverError).toBeUndefined();
    expect(await join({ upn: "ray@contoso.com", deviceId: ID(7), bulk: false, hybrid: true })).toMatchObject({ status: "joined" });
  });
  it("a provisioning package's expired bulk token is refused where it is redeemed: 400 invalid_grant, AADSTS700082; a valid one joins", async () => {
    const out = await join({ upn: "dee@contoso.com", deviceId: ID(8), bulk: true, serialNumber: "PC8" }, bulkToken(-2));
    expect(out).toMatchObject({ status: "refused", oauthError: "invalid_grant", serverError: "AADSTS700082", reason: "bulk-token-expired", httpStatus: 400 });
    expect((out as { message: string }).message).toMatch(/^AADSTS700082: The refresh token has expired due to inactivity\. The token was issued on .+ and was inactive for 182\.00:00:\d\d\.$/);
    // Dee's quota (1) is held by PC5 from the test above: free it, so only the token decides.
    server.policy.directory.delete([{ serial: "PC5" }]);
    expect(await join({ upn: "dee@contoso.com", deviceId: ID(9), bulk: true, serialNumber: "PC9" }, bulkToken(180))).toMatchObject({ status: "joined" });
  });
  it("a malformed request is refused as the strict server it is", async () => {
    const out = await join({ deviceId: "not-a-device-id", bulk: false, upn: "dee@contoso.com" });
    expect(out).toMatchObject({ status: "refused", error: "expected {upn, deviceId}", httpStatus: 400 });
  });
});
