// SPDX-License-Identifier: MIT
/**
 * Windows device minutes follow the run's time scale unless a group sets minuteMs, and a run whose
 * Autopilot groups would wait real minutes past its deadline says so at the start (blind trial 3:
 * a 5-PC run looked hung). On virtual time: the ESP's 30 device minutes pass in 30 × 20 ms.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { deviceMinuteMs, enrollMinutesNote, withDeviceMinutes } from "../../src/runner/device-minutes.js";
import type { ResolvedScenario } from "../../src/runner/scenario/types.js";
import { testKeys } from "../support/scep-harness.js";

const write = (yaml: string) => {
  const f = join(mkdtempSync(join(tmpdir(), "enrollsim-minutes-")), "s.yaml");
  writeFileSync(f, yaml);
  return f;
};

const espTimeout = (extra: string) => `name: esp-minutes
seed: 30
server: embedded
embedded:
  windows:
    esp:
      timeoutMinutes: 30
      apps:
        - { name: LegacyAgent, installMinutes: 120 }
groups:
  - { name: pcs, model: windows-11-laptop, count: 2, flow: windows-autopilot }
arrival: { concurrency: 2 }
${extra}`;

const group = (flow: string, windows?: Record<string, unknown>) => ({ name: "g", model: "m", count: 1, flow, firstIndex: 0, options: windows ? { windows } : {} });
const scenarioOf = (groups: ReturnType<typeof group>[], durationSeconds = 600) => ({ file: "s.yaml", groups, limits: { durationSeconds } }) as unknown as ResolvedScenario;

describe("Windows device minutes", () => {
  it("unset minuteMs follows the time scale (60,000 ms / timeScale); a group's own minuteMs is kept", () => {
    expect(deviceMinuteMs(undefined)).toBe(60_000);
    expect(deviceMinuteMs(3000)).toBe(20);
    const { scenario } = withDeviceMinutes(scenarioOf([group("windows-autopilot"), group("windows-byod", { minuteMs: 100 }), group("ios-ade")]), 3000);
    expect(scenario.groups.map((g) => (g.options.windows as { minuteMs?: number } | undefined)?.minuteMs)).toEqual([20, 100, undefined]);
  });

  it("an Autopilot group on real minutes whose ESP cannot fit the deadline gets a start-of-run note naming the knobs; none when minuteMs, a time scale or a long deadline says real minutes are meant", () => {
    const { notices } = withDeviceMinutes(scenarioOf([group("windows-autopilot")]), undefined);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^s\.yaml: note: groups\[0\] \(g, windows-autopilot\) runs on real minutes: one device minute lasts 60 s/);
    expect(notices[0]).toContain("options.windows.minuteMs");
    expect(notices[0]).toContain("load.timeScale");
    expect(withDeviceMinutes(scenarioOf([group("windows-autopilot", { minuteMs: 60_000 })]), undefined).notices).toEqual([]);
    expect(withDeviceMinutes(scenarioOf([group("windows-autopilot")]), 3000).notices).toEqual([]);
    expect(withDeviceMinutes(scenarioOf([group("windows-autopilot")], 7200), undefined).notices).toEqual([]);
  });

  it("enroll windows-autopilot without windows.minuteMs notes the real minutes and the --set that compresses them; other flows and set minutes get none", () => {
    expect(enrollMinutesNote("windows-autopilot", undefined)).toContain("--set windows.minuteMs=20");
    expect(enrollMinutesNote("windows-autopilot", { minuteMs: 20 })).toBeUndefined();
    expect(enrollMinutesNote("windows-byod", undefined)).toBeUndefined();
  });

  it("on virtual time: with load.timeScale 3000 the ESP's 30-minute timeout passes in 30 × 20 ms, and the message counts device minutes", async () => {
    const clock = new VirtualClock(Date.now());
    const start = clock.now();
    const warnings: string[] = [];
    const { summary } = await clock.run(
      runScenario(write(espTimeout("load: { timeScale: 3000 }\nlimits: { durationSeconds: 120 }\n")), { adapters: { clock }, keys: await testKeys(), progress: false, capacity: false, onWarning: (w) => warnings.push(w) }),
      3_600_000,
    );
    expect(summary.outcomes).toEqual({ "windows.esp.timeout": 2 });
    expect(summary.errors["windows.esp.timeout"]!.example).toMatch(/DeviceSetup failed after 3[01] min/);
    // 30 device minutes at 20 ms each, not 30 real minutes.
    expect(clock.now() - start).toBeLessThan(60_000);
    expect(warnings.filter((w) => w.includes("note:"))).toEqual([]);
  }, 120_000);

  it("on virtual time without minuteMs or timeScale the same ESP takes 30 real minutes, and the run said so at its start", async () => {
    const clock = new VirtualClock(Date.now());
    const start = clock.now();
    const warnings: string[] = [];
    const { summary } = await clock.run(runScenario(write(espTimeout("limits: { durationSeconds: 600 }\n")), { adapters: { clock }, keys: await testKeys(), progress: false, capacity: false, onWarning: (w) => warnings.push(w) }), 3_600_000);
    expect(warnings.some((w) => w.includes("runs on real minutes"))).toBe(true);
    // The run deadline (600 s) comes before the ESP's 30 device minutes.
    expect(summary.outcomes["windows.esp.timeout"] ?? 0).toBe(0);
    expect(clock.now() - start).toBeGreaterThanOrEqual(600_000);
  }, 120_000);
});
