// SPDX-License-Identifier: MIT
/**
 * What the runner tells whoever watches a run (the report's summary collector, the progress
 * display, the trace writer). The runner knows nothing about formatting: report/ implements this.
 */
import type { ResumeMode } from "../ports/checkpoint.js";
import type { Shown } from "../device/shown.js";
import type { BackgroundOutcome } from "../device/flow.js";
export interface StepSample {
  device: string;
  /** Step vocabulary: "scep.getcacaps", "scep.pkioperation", … */
  step: string;
  /** Wall or virtual milliseconds the step took. */
  ms: number;
  ok: boolean;
  /** Platform of the device's model ("ios", "windows", …), for per-platform histograms. */
  platform?: string;
}

export interface DeviceFailure {
  /** Stable code: "scep.failInfo.badRequest", "transport.timeout", "server.bad-signature", … */
  code: string;
  blame: "scenario" | "server" | "transport" | "internal" | "wiring" | "protocol-outcome";
  step?: string;
  message: string;
  /**
   * What the per-step figures already hold for `step` from this device: its last sample failed
   * ("failed": already counted), succeeded ("ok": the step returned the failing outcome as a value,
   * so observers count that sample as failed), or it never reported one ("none": observers count
   * one failed sample). Set by the runner; absent when the failure names no step.
   */
  stepSample?: "ok" | "failed" | "none";
  /** With `stepSample` "ok": that sample's milliseconds, so observers can take it out of the step's successful latencies. */
  stepSampleMs?: number;
  /** What the device shows for it: the platform's code, name, text and screen (device/shown.ts). */
  shown?: Shown;
}

export interface DeviceResult {
  /** "<model>#<index>", unique within a run. */
  device: string;
  index: number;
  group: string;
  model: string;
  platform: string;
  flow: string;
  ok: boolean;
  /**
   * Final outcome code, success included: the flow's own code (`apple.ade.enrolled`, `scep.issued`,
   * `windows.byod.enrolled`, …) or the failure's code. Set by the runner.
   */
  code?: string;
  failure?: DeviceFailure;
  /** Failures of background tasks the device met after enrolment (device/flow.ts BackgroundOutcome): counted by outcomes and shown. */
  background?: BackgroundOutcome[];
  startedAt: number;
  endedAt: number;
  /**
   * The device was in flight when a previous run over the same store died, and this run continued
   * it from its durable protocol checkpoint, or redid it from the start (`restart`: the server may
   * hold a second record for it, counted as resumed-restart).
   */
  resumed?: ResumeMode;
  /** With `resumed: "checkpoint"`: the durable state it continued from ("scep.pkioperation", "apple.authenticate", "windows.omadm", …). */
  resumedFrom?: string;
}

/** One steady-state check-in of an enrolled device (see runner/steady.ts). */
export interface CheckinSample {
  device: string;
  index: number;
  platform: string;
  flow: string;
  ok: boolean;
  /** Failure code when `ok` is false. */
  code?: string;
  /** A failed check-in's message, and what the device records for it (runner/steady-shown.ts), matched by `expect.shown`. */
  message?: string;
  shown?: Shown;
  at: number;
  ms: number;
}

/** One command answer of a device (protocol/common/context.ts CommandAnswerSample, with the device). */
export interface CommandSample {
  device: string;
  platform?: string;
  protocol: "apple-mdm" | "syncml" | "amapi";
  command: string;
  status: string;
  id?: string;
}

export interface RunObserver {
  onRunStart?(info: { scenario: string; devices: number; seed: string }): void;
  onDeviceStart?(device: string, index: number): void;
  onStep?(sample: StepSample): void;
  /**
   * An attempt that a Try Again follows ended at `step` with a failure its last sample did not record
   * ("ok": the step returned the failing outcome as a value; "none": no sample): observers count that
   * step failed as they do for a device's final failure (DeviceFailure.stepSample), so `steps[X].failed`
   * and `after: {step, failed}` see every failed attempt, not only the last.
   */
  onAttemptFailed?(sample: { device: string; platform: string; step: string; stepSample: "ok" | "none"; stepSampleMs?: number }): void;
  onDeviceEnd?(result: DeviceResult): void;
  onRunEnd?(info: { durationMs: number }): void;
  /** A steady-state check-in ended (additive; only runs with a steady phase call it). */
  onCheckin?(sample: CheckinSample): void;
  /** A device answered a management command (additive). */
  onCommand?(sample: CommandSample): void;
}
