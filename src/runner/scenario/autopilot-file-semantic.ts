// SPDX-License-Identifier: MIT
/**
 * `options.windows.autopilot` with `profileSource: file`: the AutopilotConfigurationFile.json comes
 * from `profileFile` (a path, read by read.ts) or `profileJson` (its text inline), never both. The
 * checks that need no file are made here, so a scenario file gets `file:line:column`; `enroll --set`
 * gets the same messages through read.ts.
 */
import type { Issue } from "./messages.js";
import type { Scenario } from "./types.js";

export interface AutopilotFileOptions {
  profileSource?: string;
  profileFile?: string;
  profileJson?: string;
}

/** What is wrong with the text of an AutopilotConfigurationFile.json as JSON, or undefined. */
export function autopilotJsonProblem(text: string, what: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `${what} is not JSON (${(e as Error).message})`;
  }
  return typeof v !== "object" || v === null || Array.isArray(v) ? `${what} is not a JSON object` : undefined;
}

/** A problem of the options alone (no file read): the key it is about, the message and what was expected. */
export function autopilotFileProblem(a: AutopilotFileOptions): { key: keyof AutopilotFileOptions; message: string; expected: string } | undefined {
  if (a.profileFile !== undefined && a.profileJson !== undefined)
    return { key: "profileJson", message: "options.windows.autopilot has both profileFile and profileJson; give the path (profileFile) or the JSON text (profileJson), not both", expected: "one of profileFile, profileJson" };
  if (a.profileSource === "file" && a.profileFile === undefined && a.profileJson === undefined)
    return { key: "profileSource", message: "options.windows.autopilot.profileSource file needs profileFile (the path of an AutopilotConfigurationFile.json) or profileJson (its text)", expected: "profileFile or profileJson" };
  if (typeof a.profileJson === "string") {
    const bad = autopilotJsonProblem(a.profileJson, "options.windows.autopilot.profileJson");
    if (bad) return { key: "profileJson", message: bad, expected: "an AutopilotConfigurationFile.json: a JSON object" };
  }
  // The old form: the file's text where its path belongs (profileFile took JSON text before it took a path).
  if (typeof a.profileFile === "string" && /^\s*[{[]/.test(a.profileFile)) {
    const shown = `${a.profileFile.slice(0, 40)}${a.profileFile.length > 40 ? "…" : ""}`;
    return {
      key: "profileFile",
      message: `options.windows.autopilot.profileFile is the path of an AutopilotConfigurationFile.json (relative to the scenario file), but "${shown}" is JSON text: write the text as profileJson instead`,
      expected: "a file path, or the JSON text as profileJson",
    };
  }
  return undefined;
}

/** Issues of every group's `options.windows.autopilot`, at the key they are about. */
export function autopilotFileIssues(s: Scenario): Issue[] {
  const out: Issue[] = [];
  (s.groups ?? []).forEach((g, i) => {
    const a = (g.options as { windows?: { autopilot?: AutopilotFileOptions } } | undefined)?.windows?.autopilot;
    const p = a && autopilotFileProblem(a);
    if (p) out.push({ path: ["groups", i, "options", "windows", "autopilot", p.key], anchor: "value", message: p.message, expected: p.expected, rank: 1 });
  });
  return out;
}
