// SPDX-License-Identifier: MIT
/**
 * The attempts of one device's enrolment: a flow cut short by a power cut (timeline `reboot`) boots
 * and starts again from the device's disk; a failed attempt may be followed by the user's Try Again.
 */
import { asSimError } from "../errors/index.js";
import type { DeviceBoot, FlowResult } from "../device/flow.js";
import type { DeviceIdentity } from "../device/identity.js";
import type { Place } from "./places.js";
import type { TimelineEngine } from "./timeline/engine.js";
import type { RetryKind } from "./timeline/retries.js";

/**
 * Runs a flow; when the device lost power during it (timeline `reboot`) whatever the attempt ended
 * with is lost: the device is off for its boot time, then the flow starts again with `boot` set and
 * resumes from the device's disk as its platform does.
 */
export async function withReboot(tl: TimelineEngine | undefined, identity: DeviceIdentity, signal: AbortSignal, run: (boot?: DeviceBoot) => Promise<FlowResult>): Promise<FlowResult> {
  let boot: DeviceBoot | undefined;
  for (;;) {
    const epoch = tl?.power.epoch(identity.index) ?? 0;
    let out: FlowResult | undefined;
    let error: unknown;
    try {
      out = await run(boot);
    } catch (err) {
      error = err;
    }
    const cut = tl && !signal.aborted && (tl.power.epoch(identity.index) !== epoch || asSimError(error ?? null).code === "device.rebooted");
    if (!cut || out?.ok) {
      if (error !== undefined) throw error;
      return out!;
    }
    const b = await tl.power.boot(identity.index, identity.id, identity.platform, error !== undefined ? asSimError(error).step : out?.step, signal);
    boot = { count: b.count, ...(b.atStep ? { atStep: b.atStep } : {}) };
  }
}

/** Runs a flow; after a failed attempt the user may tap Try Again or renew the enrolment from the running OS (timeline) and it runs again, told which. */
export async function withTryAgain(
  tl: TimelineEngine | undefined,
  index: number,
  device: string,
  signal: AbortSignal,
  run: (retry?: RetryKind) => Promise<FlowResult>,
  onFailedAttempt?: (out: FlowResult | undefined, error: unknown) => void,
): Promise<FlowResult> {
  for (let retry: RetryKind | undefined; ;) {
    let out: FlowResult | undefined;
    let error: unknown;
    try {
      out = await run(retry);
      if (out.ok) tl?.enrolled(index);
      if (out.ok || !tl) return out;
    } catch (err) {
      if (!tl || signal.aborted) throw err;
      error = err;
    }
    onFailedAttempt?.(out, error);
    const next = await tl.tryAgainAfterFailure(index, device, out?.code ?? asSimError(error).code, signal);
    if (!next) {
      if (out) return out;
      throw error;
    }
    retry = next;
  }
}

/**
 * Runs an enrolment; once it ended, a device the timeline erases and sets up again (`setUpAgain`) runs
 * it again from scratch, as often as the rules say; while it waits it gives back its `place` of the closed load
 * model and takes one again to go on. `ended` sees each enrolment that returned a result; `parked` is
 * told when the device starts to wait (with the enrolment that ended: an enrolled device checks in meanwhile).
 * Resolves with (or throws) the last enrolment's result.
 */
export async function withSetUpAgain(
  tl: TimelineEngine | undefined,
  index: number,
  device: string,
  signal: AbortSignal,
  enrol: () => Promise<FlowResult>,
  place: Place | undefined,
  ended: (out: FlowResult) => void,
  parked?: (out: FlowResult | undefined) => void,
): Promise<FlowResult> {
  for (;;) {
    let out: FlowResult | undefined;
    let error: unknown;
    try {
      out = await enrol();
      ended(out);
    } catch (err) {
      error = err;
    }
    const code = out ? out.code : asSimError(error).code;
    // Waiting to be erased and set up again is not enrolling: the closed model's place goes to the next device meanwhile.
    const again = !!tl && !signal.aborted && (await tl.setUpAgainAfter(index, device, { ok: !!out?.ok, code }, signal, () => (place?.release(), parked?.(out))));
    if (!again || (place && !(await place.acquire(signal)))) {
      if (out) return out;
      throw error;
    }
  }
}
