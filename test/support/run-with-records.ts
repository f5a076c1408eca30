// SPDX-License-Identifier: MIT
/** Runs a scenario against the embedded reference server and returns the summary with the tenant's device records. */
import { runScenario, type RunScenarioOptions } from "../../src/api/run-scenario.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";

export async function runWithRecords(file: string, opts: RunScenarioOptions): Promise<{ summary: Awaited<ReturnType<typeof runScenario>>["summary"]; records: ReturnType<ReferenceServer["policy"]["records"]> }> {
  let server: ReferenceServer | undefined;
  const { summary } = await runScenario(file, { ...opts, onServer: (s) => (server = s) });
  return { summary, records: server!.policy.records() };
}
