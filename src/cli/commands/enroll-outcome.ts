// SPDX-License-Identifier: MIT
/**
 * `enroll`'s result for one device, whether the flow returned an outcome or a step threw: a thrown
 * server, transport or internal error ends the device's flow like a failed outcome does, with the
 * transcript kept and the code, blame, step and what the device shows (issue 12 #7). Only a
 * ScenarioError (the command line's fault) is rethrown, for exit 2.
 */
import type { VirtualDevice } from "../../api/device.js";
import { asSimError, ScenarioError } from "../../errors/index.js";
import type { FlowTargets } from "../../device/flow.js";
import type { Shown } from "../../device/shown.js";
import { describeShown, shownForError, shownForOutcome } from "../../device/shown-for.js";
import { terminalText } from "../../report/terminal-text.js";

export interface EnrollOutcome {
  ok: boolean;
  code: string;
  /** "protocol-outcome" for a failure the flow returned; the error's blame for one it threw. */
  blame?: string;
  step?: string;
  message?: string;
  shown?: Shown;
}

export async function runKeepingTranscript(device: VirtualDevice, flow: string, options: Record<string, unknown>, targets: FlowTargets, platform: string): Promise<EnrollOutcome> {
  try {
    const r = await device.run(flow, options, targets);
    if (r.ok) return { ok: true, code: r.code };
    const shown = r.shown ?? shownForOutcome(platform, r, flow);
    return { ok: false, code: r.code, blame: "protocol-outcome", ...(r.step ? { step: r.step } : {}), ...(r.message ? { message: r.message } : {}), ...(shown ? { shown } : {}) };
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const e = asSimError(err, { device: device.id });
    const shown = shownForError(platform, { error: e, flow, options });
    return { ok: false, code: e.code, blame: e.blame, ...(e.step ? { step: e.step } : {}), message: e.message, ...(shown ? { shown } : {}) };
  }
}

/** The line after the transcript: OK, or FAILED with code, step, blame, message and what the device shows. */
export function formatOutcomeLine(device: string, o: EnrollOutcome): string {
  if (o.ok) return `OK: ${device}: ${terminalText(o.code)}`;
  const where = o.step ? ` at step ${o.step}` : "";
  const blame = o.blame && o.blame !== "protocol-outcome" ? ` (fault: ${o.blame})` : "";
  const lines = [`FAILED: ${device}: ${terminalText(o.code)}${where}${blame}${o.message ? `: ${terminalText(o.message)}` : ""}`];
  if (o.shown) lines.push(`  the device shows: ${terminalText(describeShown(o.shown))}`);
  if (o.shown?.serverSaid) lines.push(`  the server said: "${terminalText(o.shown.serverSaid)}"`);
  if (o.blame === "internal") lines.push("  This is a bug in enrollsim: please report it with the transcript above.");
  return lines.join("\n");
}
