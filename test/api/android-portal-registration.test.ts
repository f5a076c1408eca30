// SPDX-License-Identifier: MIT
/**
 * Vendor enrollment portals hold devices (timeline `deleteRecords: { in: zero-touch | kme }`), over loopback against
 * the embedded server: a device removed from the portal gets no configuration at its next setup and sets up as a
 * consumer device (android.provision.not-registered, nothing else sent); one still registered enrolls; the two
 * portals are separate lists.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const inline = (yaml: string) => {
  const p = join(mkdtempSync(join(tmpdir(), "enrollsim-portal-")), "s.yaml");
  writeFileSync(p, yaml);
  return p;
};

describe("vendor enrollment portal registration (zero-touch, KME)", () => {
  it("unclaimed zero-touch phones set up as consumer devices without reaching the DPC; registered again, all enroll", async () => {
    const failing = (await runScenario(file("android-zero-touch-unclaimed-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 4, enrolled: 2 });
    expect(failing.outcomes).toEqual({ "android.provision.not-registered": 2, "android.enrolled": 2 });
    expect(failing.errors["android.provision.not-registered"]).toMatchObject({ step: "android.trigger.zero-touch" });
    // Nothing past the trigger: no DPC download for the unclaimed phones.
    expect(failing.steps["android.provision.download"]).toMatchObject({ count: 2, failed: 0 });
    const fixed = (await runScenario(file("android-zero-touch-unclaimed-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 4, enrolled: 4 });
  }, 240_000);

  it("KME: a phone deleted only in the MDM console enrolls again after a reset; with its IMEI removed from KME first it sets up unmanaged", async () => {
    const failing = (await runScenario(file("android-kme-retired-reenrolls-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 1, enrolled: 1 });
    expect(failing.steps["android.trigger.kme"]).toMatchObject({ count: 2, failed: 0 });
    const fixed = (await runScenario(file("android-kme-retired-reenrolls-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 1, enrolled: 0 });
    expect(fixed.outcomes).toEqual({ "android.provision.not-registered": 1 });
    // The enrolled phone was not touched by the removal: its first setup succeeded, only the one after the reset failed.
    expect(fixed.steps["android.trigger.kme"]).toMatchObject({ count: 2, failed: 1 });
  }, 240_000);

  it("KME: a device whose IMEI was removed from the KME portal sets up unmanaged; removing it from zero-touch instead changes nothing for KME", async () => {
    const yaml = (store: string) => `name: kme-portal
seed: 9
server: embedded
groups:
  - { name: removed, model: samsung-galaxy-s23, count: 1, flow: android-qr, options: { android: { profile: fully-managed, trigger: kme } } }
  - { name: kept, model: samsung-galaxy-s23, count: 1, flow: android-qr, options: { android: { profile: fully-managed, trigger: kme } } }
timeline:
  - { at: 0s, group: removed, deleteRecords: { in: ${store} } }
`;
    const kme = (await runScenario(inline(yaml("kme")), opts)).summary;
    expect(kme.outcomes).toEqual({ "android.provision.not-registered": 1, "android.enrolled": 1 });
    expect(kme.errors["android.provision.not-registered"]!.example).toContain("Knox Mobile Enrollment holds no configuration for this device");
    const other = (await runScenario(inline(yaml("zero-touch")), opts)).summary;
    expect(other.outcomes).toEqual({ "android.enrolled": 2 });
  }, 240_000);
});
