// SPDX-License-Identifier: MIT
/**
 * What one device's step samples said about each step, so the step that ended its flow can be
 * counted as failed whatever the blame (issue 12 #16). A protocol outcome (SCEP failInfo, an ESP
 * timeout, a refused enrollment) is a value the step returned: its sample said ok. O(steps) per
 * device, dropped when the device ends.
 */
import type { DeviceFailure } from "./observer.js";

export class StepLedger {
  private readonly last = new Map<string, { ok: boolean; ms: number }>();

  /** Records a sample of `step` (its name as reported, prefix included). */
  note(step: string, ok: boolean, ms: number): void {
    this.last.set(step, { ok, ms });
  }

  /** Marks `failure` with what the per-step figures hold for its step (see DeviceFailure.stepSample). */
  mark(failure: DeviceFailure | undefined): void {
    if (!failure?.step) return;
    const last = this.last.get(failure.step);
    failure.stepSample = last === undefined ? "none" : last.ok ? "ok" : "failed";
    if (last?.ok) failure.stepSampleMs = last.ms;
  }
}
