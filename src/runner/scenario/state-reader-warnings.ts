// SPDX-License-Identifier: MIT
/**
 * A warning for a `state:` key the group's flow never reads (device/state-readers.ts declares the readers of every
 * key): the key is valid for the group's platform, so the schema accepts it, but it changes nothing for this flow.
 * Blind trial 12, trip-up T2: `state.managementAgents` on a windows-gpo group silently did nothing. The warning names
 * the key, the flow and the flows that read it; `validate` and `run` print it with file:line:column.
 */
import { familyOf } from "../../device/state.js";
import { unreadStateKeys } from "../../device/state-readers.js";
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import type { Scenario, ScenarioContext } from "./types.js";

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function stateReaderWarnings(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const platform = ctx.modelPlatforms?.[g.model];
    if (!platform || !isObj(g.state)) return;
    for (const { key, readers } of unreadStateKeys(g.state, familyOf(platform), g.flow)) {
      const path = ["groups", i, "state", key];
      out.push({
        path,
        anchor: "key",
        rank: 1,
        message: `${formatPath(path)}: flow ${g.flow} never reads state.${key}, so it has no effect on group ${g.name}; the flows that read it: ${readers.join(", ")}`,
      });
    }
  });
  return out;
}
