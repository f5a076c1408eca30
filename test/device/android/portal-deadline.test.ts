// SPDX-License-Identifier: MIT
/**
 * A vendor enrollment deadline as time-based device state (device/android/portal-deadline.ts): a Knox Mobile Enrollment
 * Advanced Profile's date; a device that starts after it, or has not finished enrolling by it, is locked
 * ("Locked due to timeout"). Virtual time against the in-memory server, and the shipped pair over loopback.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { kmeDeadline } from "../../../src/device/android/portal-deadline.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { androidServer, runAndroidFlow, START } from "../../protocol/android/harness.js";

const HOUR = 3_600_000;
const android = { profiles: { "kme-advanced": { mode: "fully-managed", enrollWithinSeconds: 3600 } } };
const kme = { profile: "kme-advanced", trigger: "kme" };

async function run(opts: { startAfterMs?: number; stallAtRedeemMs?: number; trigger?: string }) {
  const clock = new VirtualClock(START);
  const { server } = await androidServer(android, clock);
  if (opts.startAfterMs) await clock.advance(opts.startAfterMs);
  const gate = opts.stallAtRedeemMs ? async (s: string) => (s === "android.amapi.redeem" ? clock.sleep(opts.stallAtRedeemMs!) : undefined) : undefined;
  return runAndroidFlow("android-qr", { ...kme, ...(opts.trigger ? { trigger: opts.trigger } : {}) }, server.handler, { model: "samsung-galaxy-s23", clock, disk: new Map(), ...(gate ? { gate } : {}) });
}

describe("KME Advanced Profile deadline (virtual time)", () => {
  it("a device enrolled in time is not touched", async () => {
    const out = await run({});
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.steps.some((s) => s.step === "android.portal.deadline")).toBe(false);
  });

  it("a device switched on after the date is locked before it redeems anything", async () => {
    const out = await run({ startAfterMs: 2 * HOUR });
    expect(out.result).toMatchObject({ ok: false, code: "android.portal.locked-deadline", shown: { text: "Locked due to timeout" } });
    expect(out.steps.some((s) => s.step === "android.amapi.redeem")).toBe(false);
  });

  it("a device that sits at the EMM step past the date is locked; one that sits less is not", async () => {
    const late = await run({ stallAtRedeemMs: 2 * HOUR });
    expect(late.result).toMatchObject({ ok: false, code: "android.portal.locked-deadline" });
    expect(late.result!.message).toContain("after setup");
    const early = await run({ stallAtRedeemMs: HOUR / 2 });
    expect(early.result).toMatchObject({ ok: true });
  });

  it("the deadline belongs to KME: the same profile by QR has none", async () => {
    const out = await run({ startAfterMs: 2 * HOUR, trigger: "qr" });
    expect(out.result).toMatchObject({ ok: true });
  });

  it("reads the KME document's date; a missing or malformed one is no deadline", () => {
    expect(kmeDeadline('{"advancedProfile":{"enrollBy":"2026-11-22T12:00:00.000Z"}}')).toBe(Date.UTC(2026, 10, 22, 12));
    expect(kmeDeadline('{"advancedProfile":{"enrollBy":"soon"}}')).toBeUndefined();
    expect(kmeDeadline("{}")).toBeUndefined();
    expect(kmeDeadline("not json")).toBeUndefined();
  });
});

describe("shipped pair over loopback", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  it("android-kme-advanced-profile-deadline-failing / -fixed", async () => {
    const failing = await runScenario(join(dir, "android-kme-advanced-profile-deadline-failing.yaml"), { keyPoolSize: 24, progress: false });
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 1, ok: true });
    const fixed = await runScenario(join(dir, "android-kme-advanced-profile-deadline-fixed.yaml"), { keyPoolSize: 24, progress: false });
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);
});
