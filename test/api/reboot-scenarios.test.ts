// SPDX-License-Identifier: MIT
/**
 * The shipped `reboot` scenarios over loopback against the embedded server: what each platform does
 * after a restart emerges from what its flow kept on the device's disk, not from a per-scenario knob.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const scenario = (path: string) => join(import.meta.dirname, "../../scenarios", path);
const opts = { keyPoolSize: 24, progress: false as const };
type Line = { device: string; step: string; kind: string; t: number; data: Record<string, unknown> };
const traceLines = (dir: string): Line[] =>
  readdirSync(dir).flatMap((f) =>
    readFileSync(join(dir, f), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line),
  );

describe("shipped reboot scenarios (loopback)", () => {
  it("android-reboot-mid-wizard: restarted before the owner is set, the wizard runs again and the devices enroll", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-reboot-")), "trace");
    const { summary } = await runScenario(scenario("timeline/android-reboot-mid-wizard.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    const power = traceLines(dir).filter((l) => l.kind === "note" && l.data.action === "reboot" && l.data.power !== undefined);
    expect(power.map((l) => `${l.device} ${String(l.data.power)} ${l.step}`).sort()).toEqual(["pixel-8#0 off android.provision.mode", "pixel-8#0 on device.boot", "pixel-8#1 off android.provision.mode", "pixel-8#1 on device.boot"]);
    // Off for at least the Pixel's default minute on the scenario clock (the 2 min skip makes it pass at once).
    const on = power.find((l) => l.device === "pixel-8#0" && l.data.power === "on")!;
    const off = power.find((l) => l.device === "pixel-8#0" && l.data.power === "off")!;
    expect(on.t - off.t).toBeGreaterThanOrEqual(60_000);
  }, 120_000);

  it("android-reboot-mid-enrollment: restarted after the owner is set, the device is interrupted (looks enrolled, no policy)", async () => {
    const { summary } = await runScenario(scenario("failures/android-reboot-mid-enrollment.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["android.provision.interrupted"]).toMatchObject({ count: 3, step: "android.provision.compliance" });
    expect(summary.errors["android.provision.interrupted"]!.shown?.text).toContain("won't be protected");
  }, 120_000);
});
