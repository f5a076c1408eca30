// SPDX-License-Identifier: MIT
/**
 * Scheduled WSTEP renewal from the provisioning document's RenewPeriod/RetryInterval, on virtual time: the
 * device renews at the first poll after notAfter − RenewPeriod, uses the new certificate, renews that one again;
 * a refusing server gets an attempt every RetryInterval until the certificate expires, then the server refuses
 * the expired certificate.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { WindowsFlowResult } from "../../../src/device/windows/enrollment.js";
import { RenewalSchedule } from "../../../src/device/windows/renewal.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { START, windowsHarness, type WinHarness } from "./harness.js";

const DAY = 86_400_000;
const POLL_MAX = 8 * 3_600_000 + 15_000; // the remaining-retries interval (480 min) + the per-device jitter bound
let h: WinHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const runLong = (hh: WinHarness, options: unknown) => {
  const { ctx, events } = hh.context(0);
  return { events, done: hh.clock.run(FLOWS["windows-byod"]!.run(ctx, options as never), 30 * DAY) as Promise<WindowsFlowResult> };
};

describe("scheduled certificate renewal (RenewPeriod / RetryInterval)", () => {
  it("renews RenewPeriod days before expiry, switches to the new certificate, and renews that one too", async () => {
    h = await windowsHarness({ policy: { validityDays: 3, renewalDays: 1, retryIntervalDays: 1 } });
    const { done } = runLong(h, { windows: { polls: 30 } });
    const r = await done;
    expect(r).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    const firstNotAfter = r.keychain.identities.find((i) => i.label === "mdm")!.certificate.notAfter.getTime();
    const renewals = r.windows.renewals!;
    expect(renewals.map((x) => x.ok)).toEqual([true, true]);
    // the first poll at or after notAfter − 1 day
    expect(renewals[0]!.at).toBeGreaterThanOrEqual(firstNotAfter - DAY);
    expect(renewals[0]!.at).toBeLessThan(firstNotAfter - DAY + POLL_MAX);
    // the second renewal is due 1 day before the renewed certificate's expiry (issued at the first renewal + 3 days)
    expect(renewals[1]!.at).toBeGreaterThanOrEqual(renewals[0]!.at + 2 * DAY - 300_000);
    expect(renewals[1]!.at).toBeLessThan(renewals[0]!.at + 2 * DAY + POLL_MAX);
    const renewed = r.keychain.identities.find((i) => i.label === "mdm-renewed")!.certificate;
    expect(renewed.notAfter.getTime()).toBeGreaterThan(renewals[1]!.at + 2 * DAY);
  }, 60_000);

  it("a refusing server: an attempt every RetryInterval until the certificate expires, then the session is refused", async () => {
    h = await windowsHarness({ policy: { validityDays: 5, renewalDays: 3, retryIntervalDays: 1 }, renewal: "refuse" });
    const { done, events } = runLong(h, { windows: { polls: 40 } });
    await expect(done).rejects.toThrow(/403: client certificate expired/);
    const renewHttp = events.filter((e) => e.step === "enroll.renew" && e.kind === "http");
    expect(renewHttp).toHaveLength(3);
    const at = renewHttp.map((e) => e.t - START);
    expect(at[0]).toBeGreaterThanOrEqual(2 * DAY);
    expect(at[0]).toBeLessThan(2 * DAY + POLL_MAX);
    for (const k of [1, 2]) {
      expect(at[k]! - at[k - 1]!).toBeGreaterThanOrEqual(DAY);
      expect(at[k]! - at[k - 1]!).toBeLessThan(DAY + POLL_MAX);
    }
  }, 60_000);

  it("RenewalSchedule: disabled without ROBO or with zero periods; stops retrying at expiry", async () => {
    const clock = new VirtualClock(START);
    expect(new RenewalSchedule(clock, { roboSupport: false, renewPeriodDays: 1, retryIntervalDays: 1 }).enabled).toBe(false);
    expect(new RenewalSchedule(clock, { roboSupport: true, renewPeriodDays: 0, retryIntervalDays: 1 }).enabled).toBe(false);
    expect(new RenewalSchedule(clock, undefined).enabled).toBe(false);
    const s = new RenewalSchedule(clock, { roboSupport: true, renewPeriodDays: 2, retryIntervalDays: 1 });
    s.certificate(new Date(START + 3 * DAY));
    expect(s.next).toBe(START + DAY);
    expect(s.due()).toBe(false);
    await clock.advance(DAY);
    expect(s.due()).toBe(true);
    s.record(false, "NotEligibleToRenew");
    expect(s.next).toBe(START + 2 * DAY);
    await clock.advance(DAY);
    s.record(false, "NotEligibleToRenew");
    expect(s.next).toBeUndefined();
    expect(s.attempts.map((a) => a.at - START)).toEqual([DAY, 2 * DAY]);
  });

  it("RenewalSchedule on a device clock a day ahead is due a day earlier on the scenario clock", async () => {
    const clock = new VirtualClock(START);
    const s = new RenewalSchedule({ now: () => clock.now() + DAY }, { roboSupport: true, renewPeriodDays: 2, retryIntervalDays: 1 });
    s.certificate(new Date(START + 4 * DAY));
    expect(s.due()).toBe(false);
    await clock.advance(DAY);
    expect(s.due()).toBe(true);
  });
});
