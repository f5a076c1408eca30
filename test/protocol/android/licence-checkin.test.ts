// SPDX-License-Identifier: MIT
/**
 * A licence the EMM checks at check-in (`embedded.policy.licences[].enforcedAt: [enrollment, checkin]`) on virtual
 * time: the devices enroll while it runs; once it has ended their status reports are refused
 * (android.checkin.licence-expired) and they stay enrolled; a licence checked at enrollment only leaves check-ins alone.
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
});
