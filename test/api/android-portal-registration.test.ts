// SPDX-License-Identifier: MIT
/**
 * Vendor enrollment portals hold devices (timeline `deleteRecords: { in: zero-touch | kme }`), over loopback against
 * the embedded server: a device removed from the portal gets no configuration at its next setup and sets up as a
 * consumer device (android.provision.not-registered, nothing else sent); one still registered enrolls; the two
 * portals are separate lists. KME refusing the profile request (a 4xx other than 404, Samsung KBA 360039680333) ends
 * the same way, with the server's words kept as what the server said; a 5xx stays a transport error.
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

  it("KME: a refused profile request (400 invalid nonce/blob) falls through to the consumer Welcome screen, the server's words kept; without the refusal all enroll", async () => {
    const failing = (await runScenario(file("android-kme-profile-refused-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 2, enrolled: 0 });
    expect(failing.outcomes).toEqual({ "android.provision.kme-refused": 2 });
    const err = failing.errors["android.provision.kme-refused"]!;
    expect(err).toMatchObject({ step: "android.trigger.kme", shown: { text: "Welcome", screen: "setup wizard › Welcome (the ordinary consumer setup)", serverSaid: '{"error" : "invalid nonce/blob"}' } });
    expect(failing.steps["android.trigger.kme"]).toMatchObject({ count: 2, failed: 2 });
    // KME does not launch: nothing past the trigger.
    expect(failing.steps["android.provision.download"]).toBeUndefined();
    const fixed = (await runScenario(file("android-kme-profile-refused-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
  }, 240_000);

  it("KME: any 4xx refusal falls through (401 with no body: nothing for serverSaid); a 5xx is not a refusal and stays a transport error", async () => {
    const yaml = (code: number, body: string) => `name: kme-refusal
seed: 11
server: embedded
groups:
  - { name: s23, model: samsung-galaxy-s23, count: 1, flow: android-qr, options: { android: { profile: fully-managed, trigger: kme } } }
faults:
  - { match: { step: android.trigger.kme }, status: { code: ${code}, body: "${body}" } }
`;
    const unauthorized = (await runScenario(inline(yaml(401, "")), opts)).summary;
    expect(unauthorized.outcomes).toEqual({ "android.provision.kme-refused": 1 });
    expect(unauthorized.errors["android.provision.kme-refused"]!.shown).toEqual({ text: "Welcome", screen: "setup wizard › Welcome (the ordinary consumer setup)" });
    expect(unauthorized.errors["android.provision.kme-refused"]!.example).toContain("refused the device's profile request (HTTP 401)");
    const outage = (await runScenario(inline(yaml(503, "busy")), opts)).summary;
    expect(outage.outcomes).toEqual({ "transport.http-status": 1 });
  }, 240_000);
});
