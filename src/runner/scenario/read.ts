// SPDX-License-Identifier: MIT
/**
 * Reads a scenario file from disk (the only file I/O in runner/scenario) and hands it to
 * {@link parseScenario}.
 */
import { readFile, stat } from "node:fs/promises";
import { ScenarioError } from "../../errors/index.js";
import { MAX_SCENARIO_CHARS, parseScenario } from "./load.js";
import type { ResolvedScenario, ScenarioContext } from "./types.js";

/** Reads and parses `path`; an unreadable file is a {@link ScenarioError} naming the path and the reason. */
export async function loadScenarioFile(path: string, context: ScenarioContext): Promise<ResolvedScenario> {
  let text: string;
  try {
    const info = await stat(path);
    // Checked before reading so a huge file is refused without loading it (UTF-8: chars <= bytes * 1).
    if (info.isFile() && info.size > MAX_SCENARIO_CHARS * 4) {
      const message = `scenario file is ${info.size} bytes; at most ${MAX_SCENARIO_CHARS} characters are accepted`;
      throw new ScenarioError(message, path);
    }
    text = await readFile(path, "utf8");
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : code === "EISDIR"
            ? "it is a directory"
            : (err as Error).message;
    throw new ScenarioError(`cannot read scenario file: ${reason}`, path, "a readable YAML file");
  }
  return parseScenario(text.replace(/^\uFEFF/, ""), path, context);
}
