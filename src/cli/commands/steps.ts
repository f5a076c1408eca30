// SPDX-License-Identifier: MIT
/** `enrollsim steps [FLOW]`: the step names each flow can produce (device/flows/steps.ts). */
import type { Argv } from "yargs";
import { ScenarioError } from "../../errors/index.js";
import { FLOW_STEPS, STEP_FAMILIES, expandedStepsOf, stepFlows, stepsOf } from "../../device/flows/steps.js";
import { didYouMean } from "../../runner/scenario/suggest.js";

export const stepsCommand = {
  command: "steps [flow]",
  describe: "List the step names a flow can produce (for expect.steps, expect.latency and fault selectors); without FLOW, the flows",
  builder: (y: Argv) =>
    y
      .example("$0 steps", "every flow with its step names")
      .example("$0 steps windows-byod --expand", "one flow's steps, nested steps expanded")
      .positional("flow", { type: "string", describe: "flow name, e.g. ios-ade" })
      .option("json", { type: "boolean", default: false })
      .option("expand", { type: "boolean", default: false, describe: "list the known members of families such as command.* one by one" }),
  handler: async (a: { flow?: string; json: boolean; expand: boolean }) => {
    if (a.flow === undefined) {
      const flows = stepFlows();
      process.stdout.write(a.json ? `${JSON.stringify(Object.fromEntries(flows.map((f) => [f, stepsOf(f)])), null, 2)}\n` : `${flows.map((f) => `${f.padEnd(32)}${stepsOf(f).length} steps`).join("\n")}\n`);
      return;
    }
    if (!FLOW_STEPS[a.flow]) throw new ScenarioError(`unknown flow "${a.flow}"; known flows: ${stepFlows().join(", ")}${didYouMean(a.flow, stepFlows())}`);
    const steps = a.expand ? expandedStepsOf(a.flow) : stepsOf(a.flow);
    if (a.json) {
      process.stdout.write(`${JSON.stringify({ flow: a.flow, steps, families: Object.values(STEP_FAMILIES).filter((f) => steps.some((s) => s.endsWith(f.pattern))) }, null, 2)}\n`);
      return;
    }
    const notes = Object.values(STEP_FAMILIES)
      .filter((f) => steps.some((s) => s.endsWith(f.pattern)))
      .map((f) => `  ${f.pattern}: ${f.what}${f.open ? " (open)" : ""}; ${f.members.length} known, see --expand`);
    process.stdout.write(`${steps.join("\n")}\n${notes.length ? `\nfamilies:\n${notes.join("\n")}\n` : ""}`);
  },
};
