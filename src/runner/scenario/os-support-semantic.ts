// SPDX-License-Identifier: MIT
/**
 * Load-time check of a group's OS release against its model's published range (catalog `osSupport`,
 * src/device/os-support.ts): `state.os.version` on an Apple model, `state.apiLevel` on an Android one.
 * A release the model never ran (an iPhone 15 on iOS 16, a Pixel 8 on Android 11) is an error at the
 * value with the model's range and its source, never a device that quietly runs it.
 */
import { describeRange, osRangeProblem, rangeMessage } from "../../device/os-support.js";
import type { Issue } from "./messages.js";
import type { Scenario, ScenarioContext } from "./types.js";

export function osSupportIssues(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const support = ctx.modelOsSupport?.[g.model];
    const platform = ctx.modelPlatforms?.[g.model];
    if (!support || !platform || !g.state) return;
    const st = g.state as { os?: { version?: unknown }; apiLevel?: unknown };
    const [path, what, release] = platform === "android" ? [["groups", i, "state", "apiLevel"], "state.apiLevel", st.apiLevel] : [["groups", i, "state", "os", "version"], "state.os", st.os?.version];
    if (typeof release !== "string" && typeof release !== "number") return;
    const p = osRangeProblem(support, release);
    if (!p) return;
    out.push({ path: path as (string | number)[], anchor: "value", message: rangeMessage(g.model, platform, support, what as string, release, p), expected: `a release ${g.model} runs: ${describeRange(platform, support)}`, rank: 1 });
  });
  return out;
}
