// SPDX-License-Identifier: MIT
/**
 * Load-time check of a group's OS release against its model's published range (catalog `osSupport`,
 * src/device/os-support.ts): `state.os.version` on an Apple model, `state.apiLevel` on an Android one.
 * A release the model never ran (an iPhone 15 on iOS 16, a Pixel 8 on Android 11) is an error at the
 * value with the model's range and its source, and the catalog's models that do run it (a did-you-mean),
 * never a device that quietly runs it.
 *
 * The same for an OS update during the run (timeline `set: { state.os | state.osVersion | state.apiLevel }`,
 * device/os-update.ts) on each group it reaches, and a downgrade below the group's pinned release is refused: an update
 * never installs an older release (that takes an erase and restore).
 */
import { describeRange, modelsThatRun, osRangeProblem, pinnedRelease, rangeMessage, type ModelRange } from "../../device/os-support.js";
import { compareVersions } from "../../wire/version.js";
import { releaseOf } from "../../device/os-update.js";
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
    const others = modelsThatRun(catalogRanges(ctx), platform, release, g.model);
    out.push({ path, anchor: "value", message: `${rangeMessage(g.model, platform, support, what, release, p)}; ${others}`, expected: `a release ${g.model} runs: ${describeRange(platform, support)}, or a model that runs ${release}`, rank: 1 });
  });
  out.push(...osUpdateIssues(s, ctx), ...browserIssues(s, ctx));
  return out;
}

/** A group's `state.browser` needs a browser row for its model's platform (release bounds are checked per device). */
function browserIssues(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const browser = (g.state as { browser?: unknown } | undefined)?.browser;
    const platform = ctx.modelPlatforms?.[g.model];
    const known = platform ? ctx.browsers?.[platform] : undefined;
    if (typeof browser !== "string" || !known || known.includes(browser)) return;
    out.push({
      path: ["groups", i, "state", "browser"],
      anchor: "value",
      message: `state.browser "${browser}" has no row of devices/profile-installers/*.yaml on ${platform} (${g.model}); browsers with rows there: ${known.join(", ")}`,
      expected: `one of ${known.join(", ")}, or a row of your own in --devices DIR/profile-installers/*.yaml`,
      rank: 1,
    });
  });
  return out;
}

const RELEASE_KEY: Record<string, string> = { windows: "osVersion", android: "apiLevel" };

/** The catalog's models with their platform and published range, for the did-you-mean of a refused release. */
const catalogRanges = (ctx: ScenarioContext): ModelRange[] => Object.entries(ctx.modelPlatforms ?? {}).map(([id, platform]) => ({ id, platform, ...(ctx.modelOsSupport?.[id] ? { osSupport: ctx.modelOsSupport[id] } : {}) }));

/** Timeline OS updates: a release each reached group's model runs, and not older than the group's pinned one. */
function osUpdateIssues(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  (s.timeline ?? []).forEach((e, i) => {
    for (const [p, value] of Object.entries(e.set ?? {})) {
      const key = p.startsWith("state.") ? p.slice(6) : undefined;
      if (key !== "os" && key !== "osVersion" && key !== "apiLevel") continue;
      const path = ["timeline", i, "set", p];
      for (const g of s.groups) {
        const platform = ctx.modelPlatforms?.[g.model];
        if (!platform || (e.group !== undefined && e.group !== g.name) || (e.platform !== undefined && e.platform !== platform)) continue;
        const release = releaseOf(platform, key, value);
        if (release === undefined) continue; // another platform's release key: not this group's OS
        const support = ctx.modelOsSupport?.[g.model];
        const off = support && platform !== "windows" ? osRangeProblem(support, key === "apiLevel" ? Number(release) : release) : undefined;
        if (support && off) {
          out.push({
            path,
            anchor: "value",
            message: `timeline[${i}] updates group ${g.name}: ${rangeMessage(g.model, platform, support, `state.${key}`, key === "apiLevel" ? Number(release) : release, off)}; ${modelsThatRun(catalogRanges(ctx), platform, key === "apiLevel" ? Number(release) : release, g.model)}`,
            expected: `a release ${g.model} runs: ${describeRange(platform, support)}`,
            rank: 1,
          });
          continue;
        }
        const pinned = releaseOf(platform, RELEASE_KEY[platform] ?? "os", (g.state as Record<string, unknown> | undefined)?.[RELEASE_KEY[platform] ?? "os"]);
        if (pinned !== undefined && compareVersions(release, pinned) < 0) {
          out.push({
            path,
            anchor: "value",
            message: `timeline[${i}] would downgrade group ${g.name} from ${pinned} to ${release}: an OS update never installs an older release (a device goes back only by an erase and restore)`,
            expected: `a release newer than ${pinned}, or the same`,
            rank: 1,
          });
        }
      }
    }
  });
  return out;
}
