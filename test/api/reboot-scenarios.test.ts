// SPDX-License-Identifier: MIT
/**
 * The shipped `reboot` scenarios over loopback against the embedded server: what each platform does
 * after a restart emerges from what its flow kept on the device's disk, not from a per-scenario knob.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { traceLines } from "../support/trace-lines.js";

const scenario = (path: string) => join(import.meta.dirname, "../../scenarios", path);
const opts = { keyPoolSize: 24, progress: false as const };

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

  it("windows-reboot-mid-esp: PCs restarted at device setup or account setup resume that phase with their enrollment kept", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-reboot-")), "trace");
    const { summary } = await runScenario(scenario("timeline/windows-reboot-mid-esp.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    expect(summary.steps["enroll.rst"]).toMatchObject({ count: 4, failed: 0 });
    const lines = traceLines(dir);
    const phases = (device: string) => lines.filter((l) => l.device === device && l.kind === "decoded" && l.step.startsWith("esp.") && l.step !== "esp.device-preparation").map((l) => `${l.step} ${String(l.data.result)}`);
    // Restarted as device setup began: that phase ran once, after the restart, and installed both apps.
    expect(phases("windows-11-laptop#0")).toEqual(["esp.device-setup success", "esp.account-setup success"]);
    const setup = lines.find((l) => l.device === "windows-11-laptop#0" && l.kind === "decoded" && l.step === "esp.device-setup")!;
    expect((setup.data.items as { kind: string; state: string }[]).filter((i) => i.kind === "msi").map((i) => i.state)).toEqual(["done", "done"]);
    // Restarted as account setup began: device setup was not repeated.
    expect(phases("windows-11-laptop#2")).toEqual(["esp.device-setup success", "esp.account-setup success"]);
    const resumed = lines.find((l) => l.device === "windows-11-laptop#2" && l.kind === "note" && typeof l.data.restarted === "string")!;
    expect(resumed.data.espPhase).toMatchObject({ phase: "AccountSetup" });
    // After the restart the PC went straight to OMA-DM: no discovery, no second WSTEP request.
    const after = lines.filter((l) => l.device === "windows-11-laptop#2" && l.t >= resumed.t && l.kind === "http").map((l) => l.step);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s === "dm.session")).toBe(true);
  }, 120_000);

  it("apple-reboot-in-setup-assistant: before the profile the cloud configuration is fetched again; after it the enrollment is kept", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-reboot-")), "trace");
    const { summary } = await runScenario(scenario("timeline/apple-reboot-in-setup-assistant.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    expect(summary.steps["ade.cloudconfig"]).toMatchObject({ count: 6 });
    expect(summary.steps["scep.pkioperation"]).toMatchObject({ count: 4 });
    const lines = traceLines(dir);
    const kept = lines.filter((l) => l.kind === "decoded" && typeof l.data.resume === "string" && String(l.data.resume).startsWith("restarted"));
    expect(kept.map((l) => l.device).sort()).toEqual(["iphone-15#2", "iphone-15#3"]);
    expect(String(kept[0]!.data.resume)).toContain("continuing from apple.authenticate");
  }, 120_000);
});
