// SPDX-License-Identifier: MIT
/**
 * A shipped failing/fixed scenario pair: the fixed variant passes its own expectations with no
 * failed device, and run against the failing variant's expectations it fails them, so a pair can
 * never pass by accident (both variants producing the same run).
 */
import { expect } from "vitest";
import { loadScenario, runScenario, type RunScenarioOptions } from "../../src/api/run-scenario.js";

export async function expectFixedVariantDiffers(failingFile: string, fixedFile: string, opts: RunScenarioOptions): Promise<void> {
  const { summary: fixed } = await runScenario(fixedFile, opts);
  expect({ file: fixedFile, failed: fixed.failed, ok: fixed.ok }).toEqual({ file: fixedFile, failed: 0, ok: true });
  const failing = await loadScenario(failingFile);
  const fixedSpec = await loadScenario(fixedFile);
  const { summary: cross } = await runScenario({ ...fixedSpec, expect: failing.expect }, opts);
  expect({ file: fixedFile, okAgainstFailingExpectations: cross.ok }).toEqual({ file: fixedFile, okAgainstFailingExpectations: false });
}
