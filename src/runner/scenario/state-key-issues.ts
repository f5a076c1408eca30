// SPDX-License-Identifier: MIT
/**
 * An unknown key in `groups[].state`, said for the group's own platform. The schema of `state:` is the
 * union of every platform's keys (device/state.ts), so its generic message would list Windows, Apple
 * and Android keys alike; the group's model names its platform, and only that platform's keys are
 * what the writer can use. A key of another platform is named as such (semantic.ts says the same
 * for a key the schema accepts).
 */
import { familyOf, STATE_KEYS } from "../../device/state.js";
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import { didYouMean } from "./suggest.js";
import type { ScenarioContext } from "./types.js";

/** "a Windows", "an Apple", "an Android". */
const DEVICE_OF = { windows: "a Windows", apple: "an Apple", android: "an Android" } as const;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The issue, re-said for the group's platform when it is an unknown top-level key of a group's `state`. */
export function stateKeyIssue(issue: Issue, data: unknown, ctx: ScenarioContext): Issue {
  const [groups, i, state, key] = issue.path;
  if (issue.path.length !== 4 || groups !== "groups" || typeof i !== "number" || state !== "state" || typeof key !== "string" || issue.anchor !== "key") return issue;
  const group = isObj(data) && Array.isArray(data.groups) && isObj(data.groups[i]) ? data.groups[i] : undefined;
  const model = typeof group?.model === "string" ? group.model : undefined;
  const platform = model ? ctx.modelPlatforms?.[model] : undefined;
  if (!platform || !isObj(group?.state) || !(key in group.state)) return issue;
  const family = familyOf(platform);
  const own = Object.keys(STATE_KEYS[family]);
  if (key in STATE_KEYS[family]) return issue; // a known key: the issue is about something else
  const others = (Object.keys(STATE_KEYS) as (keyof typeof STATE_KEYS)[]).filter((f) => f !== family && key in STATE_KEYS[f]);
  const where = formatPath([groups, i, state]);
  const head = others.length
    ? `state.${key} does not apply to ${model} (platform ${platform}): it is ${/^[aeiou]/.test(others[0]!) ? "an" : "a"} ${others.join("/")} state key`
    : `unknown property "${key}" in ${where} of ${model} (platform ${platform})`;
  const expected = `one of ${own.join(", ") || "(no state keys yet)"}`;
  return { ...issue, message: `${head}; ${DEVICE_OF[family]} device's state keys are ${own.join(", ")}${didYouMean(key, own)}`, expected };
}
