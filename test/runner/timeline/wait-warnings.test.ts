// SPDX-License-Identifier: MIT
/** A user's wait of 30 s or more with no timeline skip is a load warning naming file:line:column and the skip that avoids the real wait. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { ctx } from "./support.js";

const scenario = (timeline: string) => `name: t\nseed: 1\ngroups:\n  - { name: p, model: pixel-8, count: 1, flow: scep }\nlimits: { durationSeconds: 600 }\ntimeline:\n${timeline}`;
const warnings = (timeline: string) => parseScenario(scenario(timeline), "w.yaml", ctx).warnings ?? [];

describe("timeline waits that cost real time", () => {
  it("warns for a long tryAgain, setUpAgain or idle wait and says how to skip it", () => {
    const w = warnings("  - { at: 0s, tryAgain: { wait: 1m } }\n  - { at: 0s, setUpAgain: { wait: 45s } }\n  - { at: 0s, idle: { for: 2h } }\n");
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/^w\.yaml:7:33: warning: timeline\[0\]\.tryAgain\.wait is 60 s on the scenario clock, which in `enrollsim run` is the real clock/);
    expect(w[0]).toContain("skip: 60s }");
    expect(w[1]).toContain("timeline[1].setUpAgain.wait");
    expect(w[2]).toContain("timeline[2].idle.for");
  });

  it("says nothing for short waits or when the timeline skips time", () => {
    expect(warnings("  - { at: 0s, tryAgain: { wait: 10s } }\n")).toEqual([]);
    expect(warnings("  - { at: 0s, tryAgain: { wait: 1m } }\n  - { at: 5s, skip: 2m }\n")).toEqual([]);
  });
});
