// SPDX-License-Identifier: MIT
/**
 * Contract over real loopback HTTP: the Windows sign-in (protocol/windows/federated.ts) and join client
 * (protocol/windows/join.ts) against the reference server's identity provider and device registration stand-in
 * in a tenant that requires MFA to register or join devices (server/policy/join-mfa.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { federatedSignIn } from "../../../src/protocol/windows/federated.js";
import { DRS_RESOURCE, joinDirectory } from "../../../src/protocol/windows/join.js";
import { RealClock } from "../../../src/platform/node/clock.js";
import { NodeHttp } from "../../../src/platform/node/http.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { mfaCode, verifyToken } from "../../../src/wire/windows/token.js";
import { harness } from "../../support/scep-harness.js";

const clock = new RealClock();
const http = new NodeHttp({ clock });
const KEY = "enrollsim-test-token-key"; // the reference server's default token key (server/windows/config.ts)
const ID = (n: number) => n.toString(16).toUpperCase().padStart(32, "0");
let server: ReferenceServer;

beforeAll(async () => {
  server = await ReferenceServer.start({
    host: "127.0.0.1",
    policy: { directory: { users: [{ upn: "ann@contoso.com" }, { upn: "bob@contoso.com", mfaRegistered: false }], requireMfaToJoin: true } },
  });
}, 60_000);
afterAll(async () => server?.close());

const ctx = () => harness(http, clock, { url: server.scepUrl }).ctx;
const signIn = (upn: string, join: boolean) => federatedSignIn(ctx(), `${server.url}/EnrollmentServer/Auth`, upn, "enrollsim", { secondFactor: () => mfaCode(upn, KEY, ctx().crypto), ...(join ? { query: { resource: DRS_RESOURCE } } : {}) });
const join = (upn: string, n: number, token?: string) => joinDirectory(ctx(), `${server.url}/windows/drs/join`, { upn, deviceId: ID(n), bulk: false, serialNumber: `PC${n}` }, token);

describe("MFA to join: sign-in and join over loopback", () => {
  it("the join's sign-in prompts for a second factor; the token carries amr mfa and the join succeeds", async () => {
    const s = await signIn("ann@contoso.com", true);
    expect(s.status).toBe("token");
    const token = (s as { token: string }).token;
    expect(verifyToken(token, KEY, ctx().crypto, Date.now())?.amr).toEqual(["pwd", "mfa"]);
    expect(await join("ann@contoso.com", 1, token)).toMatchObject({ status: "joined" });
  });

  it("an enrolment sign-in (no DRS resource) is not prompted: its token holds pwd only and the join refuses it with AADSTS50076", async () => {
    const s = await signIn("ann@contoso.com", false);
    const token = (s as { token: string }).token;
    expect(verifyToken(token, KEY, ctx().crypto, Date.now())?.amr).toEqual(["pwd"]);
    const out = await join("ann@contoso.com", 2, token);
    expect(out).toMatchObject({ status: "refused", serverError: "AADSTS50076", reason: "mfa-required", httpStatus: 401 });
    expect((out as { message: string }).message).toContain("the user must use multi-factor authentication to access the resource");
    expect((out as { error?: string }).error).toBeUndefined();
  });

  it("a join with no token, or with another user's token, is refused; a userless attested join is exempt", async () => {
    expect(await join("ann@contoso.com", 3)).toMatchObject({ status: "refused", reason: "mfa-required" });
    const other = (await signIn("ann@contoso.com", true)) as { token: string };
    expect(await join("dee@contoso.com", 4, other.token)).toMatchObject({ status: "refused", reason: "mfa-required" });
    server.policy.config.directory!.devices = [{ serials: ["KIOSK5"] }];
    const kiosk = await joinDirectory(ctx(), `${server.url}/windows/drs/join`, { deviceId: ID(5), bulk: false, serialNumber: "KIOSK5", attested: true, autopilot: true, tpm: "2.0" });
    expect(kiosk).toMatchObject({ status: "joined" });
  });

  it("a user with no registered method meets the registration interrupt AADSTS50072 at the join's sign-in", async () => {
    const s = await signIn("bob@contoso.com", true);
    expect(s).toMatchObject({ status: "refused", oauth: { error: "interaction_required", aadsts: [50072] } });
  });
});
