// SPDX-License-Identifier: MIT
/**
 * Errors of the report layer. Everything the report reads from outside (encoded histograms from
 * another shard, an expectation block, a trace directory) is the user's input, so the blame is
 * "scenario": the scenario, command line or files handed to enrollsim are wrong or unusable.
 */
import { SimError } from "../errors/index.js";

/**
 * Bad report input or an unusable report destination.
 * Codes: `report.invalid-histogram`, `report.invalid-expectation`, `report.io`.
 */
export class ReportError extends SimError {
  readonly blame = "scenario" as const;
}
