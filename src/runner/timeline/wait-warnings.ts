// SPDX-License-Identifier: MIT
/**
 * A warning for a user's wait that will cost real time: `tryAgain.wait`, `setUpAgain.wait` and
 * `idle.for` pass on the scenario clock, which in `enrollsim run` is the real clock (tests run it on
 * virtual time). A wait of 30 s or more in a timeline without any `skip` makes the run last that
 * long; the warning says how to make the time pass at once (blind trial 5: a `tryAgain: { wait: 1m }`
 * cost a real minute).
 */
import { formatPath } from "../scenario/locate.js";
import type { Issue } from "../scenario/messages.js";
import type { Scenario } from "../scenario/types.js";
import { durationMs, formatMs } from "./duration.js";

/** From this long on, a wait the scenario clock does not skip is worth a warning. */
const LONG_MS = 30_000;

export function realWaitWarnings(s: Scenario): Issue[] {
  const timeline = s.timeline ?? [];
  if (timeline.some((e) => e.skip !== undefined)) return [];
  const out: Issue[] = [];
  timeline.forEach((e, i) => {
    const waits: [string, string, string | number | undefined][] = [
      ["tryAgain", "wait", e.tryAgain?.wait],
      ["setUpAgain", "wait", e.setUpAgain?.wait],
      ["idle", "for", e.idle?.for],
    ];
    for (const [action, key, value] of waits) {
      const ms = value === undefined ? 0 : durationMs(value);
      if (ms < LONG_MS) continue;
      const path = ["timeline", i, action, key];
      out.push({
        path,
        anchor: "value",
        rank: 1,
        message: `${formatPath(path)} is ${formatMs(ms)} on the scenario clock, which in \`enrollsim run\` is the real clock: the run waits ${formatMs(ms)} for it. To make the time pass at once, add a timeline skip when the devices are waiting, e.g. \`- { after: { step: STEP, failed: N, wait: 1s }, skip: ${Math.ceil(ms / 1000)}s }\` (scenarios/README.md "Time")`,
      });
    }
  });
  return out;
}
