// SPDX-License-Identifier: MIT
/** Templates end to end against the embedded server over loopback: server data, payload URLs, run variables in server data. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { identityOf } from "../../src/runner/fleet.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";
import type { ResolvedScenario } from "../../src/runner/scenario/types.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

function withOptions(s: ResolvedScenario, count: number, key: "apple" | "windows", extra: Record<string, unknown>): ResolvedScenario {
  const groups = [{ ...s.groups[0]!, count, firstIndex: 0, options: { ...s.groups[0]!.options, [key]: { ...(s.groups[0]!.options[key] as object), ...extra } } }];
  return { ...s, groups, totalDevices: count };
}

describe("templates over loopback", () => {
  it("policy-corporate-serials-template: %SERIAL@corp% lists exactly the corp group's serials", async () => {
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(scenario("policy-corporate-serials-template.yaml"), { ...opts, onServer: (x) => (server = x) });
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 2, "apple.checkin.http-403": 3 });
    const s = await loadScenario(scenario("policy-corporate-serials-template.yaml"));
    const entropy = new SeededEntropySource(s.seed);
    const corp = [0, 1].map((i) => identityOf(loadCatalog(), { entropy }, "iphone-15", i).identity.serialNumber);
    expect(server!.records().policy.filter((p) => p.ownership === "corporate").length).toBe(2);
    expect(corp.every((sn) => /^[A-Z0-9]+$/.test(sn))).toBe(true);
  }, 120_000);

  it("a device option pointing at the embedded server with %SERVER% (Apple profileUrl, Windows discoveryUrl)", async () => {
    const ios = await runScenario(withOptions(await loadScenario(scenario("ios-byod-profile.yaml")), 2, "apple", { profileUrl: "%SERVER%/apple/enroll" }), opts);
    expect(ios.summary).toMatchObject({ enrolled: 2, ok: true });
    const win = await runScenario(withOptions(await loadScenario(scenario("windows-byod.yaml")), 1, "windows", { discoveryUrl: "%SERVER%/EnrollmentServer/Discovery.svc" }), opts);
    expect(win.summary.outcomes).toEqual({ "windows.byod.enrolled": 1 });
    expect(win.summary.steps["discovery.dns"]).toBeUndefined(); // the URL was given: no DNS discovery
  }, 120_000);

  it("run variables in the server's data expand once it listens (ADE cloud configuration URL)", async () => {
    const s = await loadScenario(scenario("ios-ade.yaml"));
    if (s.server.kind !== "embedded") throw new Error("embedded expected");
    const apple = { ...(s.server.platforms.apple as object), cloudConfig: { url: "%SERVER%/apple/ade/enroll" } };
    const run = { ...s, server: { ...s.server, platforms: { ...s.server.platforms, apple } }, groups: [{ ...s.groups[0]!, count: 2, firstIndex: 0 }], totalDevices: 2 };
    const { summary } = await runScenario(run, opts);
    expect(summary).toMatchObject({ enrolled: 2, ok: true });
  }, 120_000);

  it("a variable a device does not have fails that device with a scenario error naming it", async () => {
    const s = await loadScenario(scenario("windows-byod.yaml"));
    const { summary } = await runScenario({ ...withOptions(s, 1, "windows", { upn: "%UDID%@contoso.com" }), expect: { ...s.expect, successRatio: 0 } }, opts);
    expect(summary.errors["scenario.invalid"]).toMatchObject({ count: 1, blame: "scenario" });
    expect(summary.errors["scenario.invalid"]!.example).toContain("%UDID% has no value here (only Apple devices have a UDID)");
  }, 60_000);
});
