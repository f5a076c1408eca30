// SPDX-License-Identifier: MIT
/**
 * The Apple flows' side of exactly-once resume: a device that was in flight at a killed run's end
 * with a checkpoint at an MDM state (resume.ts) continues there instead of downloading the profile
 * and enrolling again; without one, or with one it cannot use, it enrolls from the start and the
 * runner counts it `resumed-restart`.
 */
import type { DurablePoint, DurableValue } from "../../ports/checkpoint.js";
import { decoded } from "../../protocol/common/context.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { continueEnrollment } from "./enroll.js";
import type { AppleOptions } from "./options.js";
import { APPLE_MDM_DISK, isAppleState, restoreAppleCheckpoint, savedGeneration } from "./resume.js";
import { AppleDevice } from "./state.js";

export interface AppleResumed {
  dev: AppleDevice;
  result: FlowResult;
  /** What the flow kept for after the MDM stage (EnrollMode.flow). */
  flow?: Record<string, DurableValue>;
}

/** Continues from the checkpoint a killed run saved at an Apple MDM state; undefined when the device must enroll from the start. */
export async function resumeApple(ctx: FlowContext, o: AppleOptions, ade: boolean): Promise<AppleResumed | undefined> {
  // After a restart (timeline reboot) the device continues from the enrollment on its disk; after a killed run, from the store's checkpoint.
  const boot = ctx.boot !== undefined;
  const cp = boot ? undefined : ctx.protocol.checkpoint;
  const saved = boot ? (ctx.disk?.get(APPLE_MDM_DISK) as DurablePoint | undefined) : cp?.saved;
  if ((!cp && !boot) || !saved || !isAppleState(saved.step)) return undefined;
  const dev = new AppleDevice(ctx, o.commands, { generation: savedGeneration(saved) });
  const restored = await restoreAppleCheckpoint(dev, saved, ade);
  if ("why" in restored) {
    cp?.resumed("restart", restored.why);
    decoded(ctx.protocol, "device", { resume: `checkpoint ${saved.step} not usable: ${restored.why}; enrolling again` });
    return undefined;
  }
  cp?.resumed("checkpoint");
  const { binding, mode } = restored;
  decoded(ctx.protocol, "device", {
    resume: boot
      ? `restarted (reboot ${ctx.boot!.count}): the MDM profile and identity stayed installed; continuing from ${saved.step} (no new profile download, no new certificate)`
      : `continuing from ${saved.step} with the identity issued before the killed run ended (no new profile download, no new certificate)`,
    identity: binding.identity.certificate.subject,
    serial: binding.identity.certificate.serialHex,
    checkInURL: binding.mdm.checkInURL,
  });
  const result = await continueEnrollment(dev, o, binding, mode, saved.step);
  return { dev, result, ...(mode.flow ? { flow: mode.flow } : {}) };
}
