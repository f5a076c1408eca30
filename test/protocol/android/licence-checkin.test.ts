// SPDX-License-Identifier: MIT
/**
 * A licence the EMM checks at check-in (`embedded.policy.licences[].enforcedAt: [enrollment, checkin]`) on virtual
 * time: the devices enroll while it runs; once it has ended their status reports are refused
 * (android.checkin.licence-expired) and they stay enrolled; a licence checked at enrollment only leaves check-ins alone.
 * A Knox licence (`product: knox-suite`) restricts instead: the status reports are answered with the policy the
 * devices already had, the apps assigned since and every command but WIPE are withheld, and the Knox Manage agent
 * records Samsung's sentence.
 */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import type { CheckinSample, DeviceResult } from "../../../src/runner/observer.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import { androidServer, START } from "./harness.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { testFleetEnv } from "../../support/fleet-env.js";

async function steady(policy: PolicyConfig) {
  const catalog = loadCatalog();
  const clock = new VirtualClock(START);
  const { server } = await androidServer({}, clock, policy);
  const s = parseScenario("name: licence-steady\nseed: 9\ngroups:\n  - { name: fm, model: samsung-galaxy-s23, count: 2, flow: android-qr, options: { android: { dialect: knox-manage } } }\n", "licence-steady.yaml", {
    modelIds: catalog.ids(),
    flows: Object.keys(FLOWS),
  } as never);
  const results: DeviceResult[] = [];
  const checkins: CheckinSample[] = [];
  const done = runFleet(
    s,
    catalog,
    { ...(await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: { "https://mdm.test": server.handler } }), seed: s.seed })), observer: { onDeviceEnd: (r) => results.push(r), onCheckin: (c) => checkins.push(c) } },
    { targets: { server: { https: "https://mdm.test", embedded: true } }, load: { concurrency: 2, steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 3 } } },
  );
  await clock.run(done, 24 * 3_600_000);
  await server.close?.();
  return { results, checkins, server };
}

describe("licence checked at check-in (virtual time)", () => {
  it("check-ins after the end are refused; the devices stay enrolled", async () => {
    const { results, checkins, server } = await steady({ licences: [{ name: "Knox Manage", platforms: ["android"], endsAt: 90, enforcedAt: ["enrollment", "checkin"] }] });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(checkins).toHaveLength(6);
    const before = checkins.filter((c) => c.at - START < 90_000);
    const after = checkins.filter((c) => c.at - START >= 90_000);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((c) => c.ok)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((c) => !c.ok && c.code === "android.checkin.licence-expired")).toBe(true);
    expect(server.policy.records().enrollments.filter((e) => !e.removed)).toHaveLength(2);
    expect(server.policy.records().refusals.every((r) => r.refusal === "licence-expired")).toBe(true);
  });

  it("a licence checked at enrollment only (the default) leaves an enrolled device's check-ins alone", async () => {
    const { checkins } = await steady({ licences: [{ name: "Knox Manage", platforms: ["android"], endsAt: 90 }] });
    expect(checkins).toHaveLength(6);
    expect(checkins.every((c) => c.ok)).toBe(true);
  });

  it("a lapsed Knox Suite licence restricts: served what it had, no new app, no LOCK, the WIPE still; the agent's sentence", async () => {
    const { results, checkins, server, half, answers, hook } = await knox(false);
    expect(results.every((r) => r.ok)).toBe(true);
    const [locked] = hook.names;
    // The wiped phone got its WIPE at its first check-in (Factory Reset still reaches a restricted device) and checks in no more.
    const wipedId = checkins.find((c) => c.code === "android.device.wiped")?.device;
    expect(checkins.filter((c) => c.device === wipedId).map((c) => c.code)).toEqual(["android.device.wiped"]);
    // The other checks in three times, restricted each time, and keeps its LOCK pending.
    const other = checkins.filter((c) => c.device !== wipedId);
    expect(other.map((c) => [c.ok, c.code])).toEqual(Array(3).fill([false, "android.checkin.service-restricted"]));
    expect(other[0]!.shown).toMatchObject({ text: "Access to the Knox Manage service is restricted. The existing policies still apply." });
    expect(JSON.stringify((half.amapi as unknown as { pending: Map<string, unknown> }).pending.get(locked!))).toContain('"LOCK"');
    // Every answer keeps the enrolment's policy: version 1, without the app assigned since.
    expect(answers.length).toBeGreaterThanOrEqual(4);
    for (const a of answers) expect(a).toMatchObject({ policyVersion: "1", serviceRestricted: { reason: "LICENSE_EXPIRED", licence: "Knox Suite" } });
    expect(JSON.stringify(answers)).not.toContain("com.contoso.timesheets");
    expect(
      server.policy
        .records()
        .enrollments.filter((e) => !e.removed)
        .map((e) => e.licence),
    ).toContain("restricted");
  });

  it("renewed (holder.set of endsAt), the restricted phone is served again: the new policy version, its app and the LOCK", async () => {
    const { checkins, answers } = await knox(true);
    const wipedId = checkins.find((c) => c.code === "android.device.wiped")?.device;
    const other = checkins.filter((c) => c.device !== wipedId);
    expect(other.map((c) => [c.ok, c.code])).toEqual([
      [false, "android.checkin.service-restricted"],
      [true, undefined],
      [true, undefined],
    ]);
    const served = answers.filter((a) => !("serviceRestricted" in a));
    expect(served[0]).toMatchObject({ policyVersion: "2", applications: [{ packageName: "com.contoso.timesheets" }], pendingCommands: [{ metadata: { type: "LOCK" } }] });
  });
});

/**
 * Two Knox Manage phones under a Knox Suite licence that ends 30 s in, before their first check-in (t=60 s). At
 * enrolment the admin assigns their policy a new app, queues a LOCK on one and a wipe on the other; `renew` renews the
 * licence after the first restricted check-in. `answers` are the status-report answers of the steady phase.
 */
async function knox(renew: boolean) {
  const catalog = loadCatalog();
  const clock = new VirtualClock(START);
  const { server, half } = await androidServer({}, clock, { licences: [{ name: "Knox Suite", product: "knox-suite", platforms: ["android"], endsAt: 30 }] });
  const s = parseScenario("name: knox-restricted\nseed: 9\ngroups:\n  - { name: fm, model: samsung-galaxy-s23, count: 2, flow: android-qr, options: { android: { dialect: knox-manage } } }\n", "knox.yaml", {
    modelIds: catalog.ids(),
    flows: Object.keys(FLOWS),
  } as never);
  const results: DeviceResult[] = [];
  const checkins: CheckinSample[] = [];
  const answers: Record<string, unknown>[] = [];
  const hook = { names: [] as string[] };
  const handler: HttpHandler = async (req) => {
    const res = await server.handler(req);
    if (req.url.includes("devices:reportStatus") && results.length === 2) answers.push(JSON.parse(Buffer.from(res.body).toString("utf8")) as Record<string, unknown>);
    return res;
  };
  const onDeviceEnd = (r: DeviceResult) => {
    results.push(r);
    if (results.length < 2) return;
    half.config.profiles["fully-managed"]!.applications = [{ packageName: "com.contoso.timesheets" }];
    hook.names = [...half.amapi.devices.keys()];
    (half.amapi as unknown as { queue(d: string, c: object): unknown }).queue(hook.names[0]!, { type: "LOCK" });
    half.amapi.wipe(hook.names[1]!, { delete: false });
  };
  const onCheckin = (c: CheckinSample) => {
    checkins.push(c);
    if (renew && c.code === "android.checkin.service-restricted") server.policy.holder.set("licences.0.endsAt", 31_536_000);
  };
  const done = runFleet(
    s,
    catalog,
    { ...(await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: { "https://mdm.test": handler } }), seed: s.seed })), observer: { onDeviceEnd, onCheckin } },
    { targets: { server: { https: "https://mdm.test", embedded: true } }, load: { concurrency: 2, steady: { durationSeconds: 600, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 3 } } },
  );
  await clock.run(done, 24 * 3_600_000);
  await server.close?.();
  return { results, checkins, server, half, answers, hook };
}
