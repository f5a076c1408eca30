// SPDX-License-Identifier: MIT
/**
 * Load-time check of a group's OS release against its model's published range (catalog `osSupport`,
 * src/device/os-support.ts): `state.os.version` on an Apple model, `state.apiLevel` on an Android one.
 * A release the model never ran (an iPhone 15 on iOS 16, a Pixel 8 on Android 11) is an error at the
 * value with the model's range and its source, never a device that quietly runs it.
 */
import { describeRange, osRangeProblem, pinnedRelease, rangeMessage } from "../../device/os-support.js";
import type { Issue } from "./messages.js";
import type { Scenario, ScenarioContext } from "./types.js";

export function osSupportIssues(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const support = ctx.modelOsSupport?.[g.model];
    const platform = ctx.modelPlatforms?.[g.model];
    if (!support || !platform || !g.state) return;
    const pin = pinnedRelease(platform, g.state);
    if (!pin) return;
    const release = pin.release;
    const what = platform === "android" ? "state.apiLevel" : "state.os";
    const path = ["groups", i, "state", ...pin.key.split(".")];
    const p = osRangeProblem(support, release);
    if (!p) return;
    out.push({ path, anchor: "value", message: rangeMessage(g.model, platform, support, what, release, p), expected: `a release ${g.model} runs: ${describeRange(platform, support)}`, rank: 1 });
  });
  return out;
}
