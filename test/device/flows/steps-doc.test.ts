// SPDX-License-Identifier: MIT
/** scenarios/README-steps.md is generated from the step registry and must be current. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stepFlows, stepsMarkdown, stepsOf } from "../../../src/device/flows/steps.js";

describe("README-steps.md", () => {
  it("equals what scripts/gen-steps-doc.mjs writes (run npm run docs:steps after changing the registry)", () => {
    const onDisk = readFileSync(join(import.meta.dirname, "../../../scenarios/README-steps.md"), "utf8");
    expect(onDisk).toBe(stepsMarkdown());
  });

  it("has one row per flow listing its steps", () => {
    const md = stepsMarkdown();
    for (const f of stepFlows()) expect(md).toContain(`| \`${f}\` | ${stepsOf(f).map((s) => `\`${s}\``).join(" ")} |`);
  });
});
