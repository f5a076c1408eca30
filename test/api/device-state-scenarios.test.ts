// SPDX-License-Identifier: MIT
/** The shipped Apple device-state scenarios (issue 10 #2, #3): each passes its own expectations, with the symptom shown. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);

describe("Apple device-state scenarios", () => {
  it("ios-ade-activation-lock: locked phones stop at the lock; escrowed bypass codes let two enroll", async () => {
    const { summary } = await runScenario(file("ios-ade-activation-lock"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["apple.ade.activation-locked"]!.example).toContain("This iPhone is linked to an Apple Account");
  }, 60_000);

  it("mac-vm-blank-serial-ade: VMs with a blank serial get no assignment", async () => {
    const { summary } = await runScenario(file("mac-vm-blank-serial-ade"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
  }, 60_000);

  it("ios-payload-not-on-os: iOS 16 phones refuse the Relay payload, iOS 17 phones install it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-state-")), "trace");
    const { summary } = await runScenario(file("ios-payload-not-on-os"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, ok: true });
    const refusals = readdirSync(dir)
      .flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n"))
      .filter((l) => l.includes("profile.payload-not-on-os"));
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toContain("needs iOS 17.0 (device runs 16.7.10)");
  }, 60_000);

  it("ios-ade-already-activated (moved onto state.activated)", async () => {
    const { summary } = await runScenario(file("ios-ade-already-activated"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
  }, 60_000);
});

describe("Android device-state scenarios", () => {
  it("android-dpc-not-integrated: Android 14 refuses the old DPC, Android 11 provisions with the legacy flow", async () => {
    const { summary } = await runScenario(file("android-dpc-not-integrated"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["android.provision.dpc-not-integrated"]!.example).toContain("GET_PROVISIONING_MODE");
  }, 60_000);
});
