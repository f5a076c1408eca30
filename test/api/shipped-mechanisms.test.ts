// SPDX-License-Identifier: MIT
/**
 * Every shipped scenario of scenarios/faults/ and scenarios/timeline/, run end to end against the
 * embedded server over loopback: each asserts its outcome with `expect`, so a scenario whose
 * mechanism stops doing what its comment says fails here (issue 10: every fault action, selector
 * and timeline action has a shipped scenario).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { FAULT_ACTIONS, FAULT_SELECTORS } from "../../src/runner/faults/vocabulary.js";
import { ACTION_KEYS } from "../../src/runner/timeline/types.js";

const root = join(import.meta.dirname, "../../scenarios");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const files = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => `${dir}/${f}`);
const shipped = [...files("faults"), ...files("timeline")];

describe("shipped fault and timeline scenarios", () => {
  it("every fault action and selector and every timeline action is used by a shipped scenario", () => {
    const all = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".yaml")).map((f) => readFileSync(join(root, f), "utf8"));
    const faults = all.filter((t) => /^faults:|^\s+faults:/m.test(t)).join("\n");
    const timeline = all.filter((t) => /^timeline:/m.test(t)).join("\n");
    const used = (t: string, key: string) => new RegExp(`(^|[\\s{,])${key}:`, "m").test(t);
    for (const k of [...FAULT_ACTIONS, ...FAULT_SELECTORS, "times"]) expect(used(faults, k), `faults: ${k}`).toBe(true);
    for (const k of ACTION_KEYS) expect(used(timeline, k), `timeline: ${k}`).toBe(true);
  });

  for (const f of shipped) {
    it(`${f}: its expect holds`, async () => {
      const { summary } = await runScenario(join(root, f), opts);
      const failed = (summary.expectations ?? []).filter((e) => !e.ok);
      expect(failed, f).toEqual([]);
      expect(summary.ok).toBe(true);
    }, 120_000);
  }
});
