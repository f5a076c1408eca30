// SPDX-License-Identifier: MIT
/**
 * Old per-platform fault knobs that are pure HTTP/DNS/TLS shapes, compiled to `faults:` entries
 * (scenarios/README.md "Faults", "Aliases"). Knobs that change what the server decides or
 * holds are not faults on the wire and stay with the server.
 */
import type { ResolvedFault } from "../faults/vocabulary.js";
import type { Scenario } from "./types.js";

export function faultAliases(_s: Scenario): ResolvedFault[] {
  return [];
}
