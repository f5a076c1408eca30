// SPDX-License-Identifier: MIT
/**
 * The Workspace ONE Intelligent Hub on iOS (device/apple/hub.ts, server/apple/ws1.ts) against the one Workspace ONE
 * tenant (server/workspace-one/uem.ts, embedded.policy.workspaceOne) over loopback: the shipped pairs, the tenant's
 * order (a wrong password is not "not allowed"), the same tenant data refusing the Android Hub, the old key as an alias,
 * a vendor agent the project does not ship (--agents DIR), hostile answers, and bad scenario input at file:line:column.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../src/api/run-scenario.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { scenarioLoadError } from "../support/scenario-load-error.js";
import { testKeys } from "../support/scep-harness.js";

const dir = join(import.meta.dirname, "../../scenarios/failures");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const HUB = (user: string, password: string, extra = "") => `{ apple: { agent: { id: workspace-one-hub, groupId: CORP, user: ${user}, password: "${password}"${extra} } } }`;

function scenarioFile(text: string): string {
  const d = mkdtempSync(join(tmpdir(), "ws1-ios-"));
  writeFileSync(join(d, "s.yaml"), text);
  return join(d, "s.yaml");
}

describe("the Hub on iOS: shipped pairs over loopback", () => {
  it("ios-ws1-user-not-allowed-failing / -fixed", async () => {
    const failing = (await runScenario(join(dir, "ios-ws1-user-not-allowed-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.outcomes).toEqual({ "apple.agent.user-not-allowed": 2, "apple.enrolled": 1 });
    // Refused at the Hub: no profile was downloaded for the refused users.
    expect(failing.steps["agent.enroll"]).toMatchObject({ count: 3, failed: 2 });
    expect(failing.steps["profile.download"]).toMatchObject({ count: 1 });
    const fixed = (await runScenario(join(dir, "ios-ws1-user-not-allowed-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 120_000);

  it("ios-ws1-registered-other-environment-failing / -fixed", async () => {
    const failing = (await runScenario(join(dir, "ios-ws1-registered-other-environment-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 2, enrolled: 1 });
    expect(failing.outcomes).toEqual({ "apple.agent.device-registered-elsewhere": 1, "apple.enrolled": 1 });
    const fixed = (await runScenario(join(dir, "ios-ws1-registered-other-environment-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
  }, 120_000);
});

describe("one Workspace ONE tenant", () => {
  it("checks in order: Group ID, credentials, the user-group restriction, a record in another environment; an accepted iOS Hub gets its profile link", async () => {
    const keys = await testKeys();
    const tenant = {
      groupIds: ["CORP"],
      users: [
        { user: "sam", password: "pw-1", userGroups: ["Sales"] },
        { user: "pat", password: "pw-2", userGroups: ["Pilot"] },
      ],
      restrictEnrollmentTo: { userGroups: ["Pilot"] },
      registeredDevices: [{ environment: "old.example", udids: ["UDID-OLD"] }],
    };
    const server = await ReferenceServer.start({ host: "127.0.0.1", port: 0, httpsPort: 0, keys: { ca: await keys.rsa(31) }, policy: { workspaceOne: tenant } });
    const post = async (body: Record<string, unknown>) => {
      const r = await server.handler({ method: "POST", url: "https://127.0.0.1/apple/ws1/enroll", headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(body))) } as never);
      return { status: r.status, json: JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, unknown> };
    };
    const hub = (over: Record<string, unknown>) => ({ groupId: "CORP", username: "pat", password: "pw-2", serialNumber: "F2LX0001", udid: "UDID-NEW", product: "iPhone15,4", osVersion: "18.5", ...over });
    expect(await post(hub({ groupId: "CROP", username: "sam" }))).toMatchObject({ status: 400, json: { reason: "INVALID_GROUP_ID" } });
    // A wrong password is a failed login, whatever the restriction says.
    expect(await post(hub({ username: "sam", password: "nope" }))).toMatchObject({ status: 401, json: { reason: "INVALID_CREDENTIALS" } });
    expect(await post(hub({ username: "sam", password: "pw-1" }))).toMatchObject({ status: 403, json: { reason: "USER_NOT_ALLOWED" } });
    expect(await post(hub({ udid: "udid-old" }))).toMatchObject({ status: 409, json: { reason: "DEVICE_REGISTERED_ELSEWHERE" } });
    const ok = await post(hub({}));
    expect(ok).toMatchObject({ status: 200, json: { status: "OK", deviceId: "UDID-NEW" } });
    expect(String(ok.json.profileUrl)).toMatch(/^\/apple\/enroll\?enrollment=[0-9a-f-]{36}$/);
    // The link serves this enrollment's profile without a portal configured.
    const profile = await server.handler({ method: "GET", url: `https://127.0.0.1${String(ok.json.profileUrl)}`, headers: {} } as never);
    expect(profile.headers["content-type"]).toContain("application/x-apple-aspen-config");
    await server.close();
  });

  it("the same tenant data refuses the Android Hub's staging user outside the restriction, with the Hub's text", async () => {
    const text = `name: t
server: embedded
embedded:
  policy:
    workspaceOne:
      groupIds: [CORP]
      stagingUsers: [{ user: staging, password: "Stage-26", userGroups: [Warehouse] }]
      restrictEnrollmentTo: { userGroups: [iOS Pilot] }
  android:
    profiles:
      staging: { mode: fully-managed, dpc: workspace-one }
groups:
  - { name: g, model: zebra-tc52, count: 1, flow: android-qr, options: { android: { profile: staging } } }
expect:
  # The Hub's screen: its first sentence (the row's code) over its text (agents/workspace-one-hub.yaml).
  shown:
    - { text: "Your account is not allowed to enroll.", code: android.ws1.user-not-allowed, count: 1 }
    - { text: "Please contact your system administrator", code: android.ws1.user-not-allowed, count: 1 }
`;
    const s = (await runScenario(scenarioFile(text), opts)).summary;
    expect(s.outcomes).toEqual({ "android.ws1.user-not-allowed": 1 });
    expect(s.expectations?.filter((x) => !x.ok)).toEqual([]);
  }, 120_000);

  it("embedded.android.workspaceOne, the old key, is the tenant of the iOS Hub too; both keys at once are refused at file:line:column", async () => {
    const text = `name: t
server: embedded
embedded:
  android:
    workspaceOne: { groupIds: [CORP], users: [{ user: kim, password: "pw-3" }] }
groups:
  - { name: g, model: iphone-15, count: 1, flow: ios-profile, options: ${HUB("kim", "pw-3")} }
`;
    expect((await runScenario(scenarioFile(text), opts)).summary).toMatchObject({ devices: 1, enrolled: 1 });
    const both = text.replace("embedded:\n", "embedded:\n  policy: { workspaceOne: { groupIds: [CORP] } }\n");
    const e = scenarioLoadError(both, "ticket.yaml", scenarioContext(loadCatalog()));
    expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
    expect(e.message).toContain("old name of embedded.policy.workspaceOne");
  }, 120_000);

  it("a vendor the project does not ship: its own agent file (--agents DIR) puts its published screen on the refusal", async () => {
    const agents = mkdtempSync(join(tmpdir(), "agents-"));
    writeFileSync(
      join(agents, "acme-hub.yaml"),
      "id: acme-hub\nname: ACME Hub\nvendor: ACME\nsource: acme.example/kb\nplatforms:\n  ios: { enrollment: workspace-one }\nscreens:\n  - { cause: user-not-allowed, code: ACME-403, title: Not permitted, text: Ask IT to add you to an enrollment group., screen: ACME Hub sign-in, source: acme.example/kb/403 }\n",
    );
    const text = `name: t
server: embedded
embedded: { policy: { workspaceOne: { groupIds: [CORP], users: [{ user: sam, password: "pw-1" }], restrictEnrollmentTo: { userGroups: [Pilot] } } } }
groups:
  - { name: g, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { agent: { id: acme-hub, groupId: CORP, user: sam, password: "pw-1" } } } }
expect:
  shown:
    - { text: "ACME-403", code: apple.agent.user-not-allowed, count: 1 }
    - { text: "Ask IT to add you to an enrollment group.", code: apple.agent.user-not-allowed, count: 1 }
`;
    const s = (await runScenario(scenarioFile(text), { ...opts, agentsDir: agents })).summary;
    expect(s.expectations?.every((x) => x.ok)).toBe(true);
    expect(s.outcomes).toEqual({ "apple.agent.user-not-allowed": 1 });
    // Without the directory the agent is unknown: refused at its key with the agents that fit.
    const e = scenarioLoadError(text, "ticket.yaml", scenarioContext(loadCatalog()));
    expect(e.location).toMatch(/^ticket\.yaml:5:\d+$/);
    expect(e.message).toContain('unknown agent "acme-hub"');
    expect(e.message).toContain("workspace-one-hub");
  }, 120_000);

  it("an agent without an enrollment on iOS is refused at load with a did-you-mean", () => {
    const text = `name: t\nserver: embedded\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { agent: { id: knox-manage, user: a, password: b } } } }\n`;
    const e = scenarioLoadError(text, "ticket.yaml", scenarioContext(loadCatalog()));
    expect(e.location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect(e.message).toContain('agent "knox-manage" has no enrollment on ios');
    const typo = scenarioLoadError(text.replace("knox-manage", "workspace-one-hb"), "ticket.yaml", scenarioContext(loadCatalog()));
    expect(typo.message).toContain('did you mean "workspace-one-hub"');
  });
});

describe("hostile UEM answers to the iOS Hub", () => {
  it("garbage, an HTML page, a JSON list, an oversized body, a profile link to another origin: the device ends at agent.enroll, never enrolled, no crash", async () => {
    const bodies = ["\u0000\u0001garbage", "<html>maintenance</html>", '["OK"]', `{"status":"OK","profileUrl":"/x"${" ".repeat(70_000)}}`, '{"status":"OK","profileUrl":"https://evil.example/profile"}', '{"status":"OK","profileUrl":"http://["}'];
    let next = 0;
    const srv = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(bodies[next++ % bodies.length]));
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const text = `name: t\nserver: embedded\ngroups:\n  - { name: g, model: iphone-15, count: ${bodies.length}, flow: ios-profile, options: ${HUB("kim", "pw-3", `, serverUrl: "${url}"`)} }\nload: { concurrency: 1 }\n`;
      const s = (await runScenario(scenarioFile(text), opts)).summary;
      expect(s).toMatchObject({ devices: bodies.length, enrolled: 0 });
      expect(s.steps["agent.enroll"]).toMatchObject({ count: bodies.length, failed: bodies.length });
      expect(s.steps["profile.download"]).toBeUndefined();
      // Each is the server's fault, named as such (not a transport error, not the simulator's own bug).
      expect(Object.fromEntries(Object.entries(s.errors).map(([code, e]) => [code, { count: e.count, blame: e.blame, step: e.step }]))).toEqual({
        "apple.agent.malformed": { count: bodies.length, blame: "server", step: "agent.enroll" },
      });
    } finally {
      srv.close();
    }
  }, 120_000);
});
