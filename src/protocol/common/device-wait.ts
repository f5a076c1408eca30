// SPDX-License-Identifier: MIT
/**
 * A wait the device makes on its own schedule (an agent's retry interval, a status-report interval, a
 * command poll, a SCEP CertPoll delay, a check-in interval, Android's network re-evaluation): it lasts
 * `ms ÷ load.timeScale` on the scenario clock (ProtocolContext.timeScale, as the steady cadence and the
 * Windows device minute do), so a timeline `skip` or a time scale makes it pass the same way. While it
 * runs it is on the device's board of pending waits (ProtocolContext.waits), so a run that ends at its
 * deadline can say what each unfinished device was waiting for, why and until when (runner.deadline's
 * message, trace and JUnit). Protocol timers (an HTTP exchange's deadline, step timeouts) are not
 * device waits: they stay on the clock unscaled.
 */
import type { PendingWait, ProtocolContext } from "./context.js";

export type { PendingWait };

/** Waits `ms` of device time (÷ ctx.timeScale on the scenario clock), on the board while it runs; rejects with the signal's reason. */
export async function deviceWait(ctx: Pick<ProtocolContext, "clock" | "signal" | "timeScale" | "waits">, ms: number, step: string, reason: string, signal = ctx.signal): Promise<void> {
  const scaled = scaledMs(ctx, ms);
  const w: PendingWait = { step, reason, since: ctx.clock.now(), dueAt: ctx.clock.now() + scaled };
  ctx.waits?.add(w);
  await ctx.clock.sleep(scaled, signal);
  // Kept on the board when the wait is aborted: the device ended while waiting, which is what the runner reports.
  ctx.waits?.delete(w);
}

/** Device time `ms` on the scenario clock: ÷ ctx.timeScale (absent or not positive: 1). */
export function scaledMs(ctx: Pick<ProtocolContext, "timeScale">, ms: number): number {
  const s = ctx.timeScale;
  return s !== undefined && s > 0 ? ms / s : ms;
}

/** "waiting at android.agent.cert-install until 2026-01-01T01:15:00.000Z (in 12 min): reason" for each pending wait (at most 3). */
export function describeWaits(waits: Iterable<PendingWait>, now: number): string[] {
  return [...waits].slice(0, 3).map((w) => `waiting at ${w.step} until ${new Date(w.dueAt).toISOString()} (${formatIn(w.dueAt - now)}): ${w.reason}`);
}

function formatIn(ms: number): string {
  if (ms <= 0) return "due now";
  const s = Math.round(ms / 1000);
  return s < 120 ? `in ${s} s` : s < 7200 ? `in ${Math.round(s / 60)} min` : `in ${(s / 3600).toFixed(1)} h`;
}
