// SPDX-License-Identifier: MIT
/**
 * Reads a scenario file from disk (the only file I/O in runner/scenario) and hands it to
 * {@link parseScenario}; also reads the files a scenario names (`options.apple.profileFile`,
 * `options.windows.autopilot.profileFile`), relative to the scenario file.
 */
import { ioLedger } from "../../ports/io-ledger.js";
import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { ScenarioError } from "../../errors/index.js";
import { MAX_SCENARIO_CHARS, parseScenario } from "./load.js";
import type { ResolvedScenario, ScenarioContext } from "./types.js";
import { TEMPLATE_NAMES, scopeOf, templateUses } from "../../device/template.js";
import { didYouMean } from "./suggest.js";
import { autopilotFileProblem, autopilotJsonProblem, type AutopilotFileOptions } from "./autopilot-file-semantic.js";

/** Reads and parses `path`; an unreadable file is a {@link ScenarioError} naming the path and the reason. */
export async function loadScenarioFile(path: string, context: ScenarioContext): Promise<ResolvedScenario> {
  let text: string;
  try {
    // File reads are real work a virtual-time run waits for (ports/io-ledger.ts).
    const info = await ioLedger.track(`read ${path}`, stat(path));
    // Checked before reading so a huge file is refused without loading it (UTF-8: chars <= bytes * 1).
    if (info.isFile() && info.size > MAX_SCENARIO_CHARS * 4) {
      const message = `scenario file is ${info.size} bytes; at most ${MAX_SCENARIO_CHARS} characters are accepted`;
      throw new ScenarioError(message, path);
    }
    text = await ioLedger.track(`read ${path}`, readFile(path, "utf8"));
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
  return inlineProfileFiles(parseScenario(text.replace(/^\uFEFF/, ""), path, context), dirname(path), path);
}

/** Largest `profileFile` read (a .mobileconfig is a few KiB; signed ones with certificates tens of KiB). */
export const MAX_PROFILE_FILE_BYTES = 1 << 20;

/**
 * Reads an enrollment profile named by `options.apple.profileFile` (relative paths from `baseDir`)
 * and returns its bytes as base64 for `options.apple.profileData`: device code has no file I/O, so
 * the loader (scenario files) or the CLI (`enroll --set apple.profileFile=…`) reads it.
 */
export function readProfileFile(file: string, baseDir: string, where?: string): string {
  const full = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    const info = statSync(full);
    if (!info.isFile()) throw new ScenarioError(`options.apple.profileFile ${full} is not a file`, where, "a .mobileconfig file");
    if (info.size > MAX_PROFILE_FILE_BYTES) throw new ScenarioError(`options.apple.profileFile ${full} is ${info.size} bytes; at most ${MAX_PROFILE_FILE_BYTES} are read`, where);
    const bytes = readFileSync(full);
    checkProfileTemplates(bytes, full, where);
    return bytes.toString("base64");
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : (err as Error).message;
    throw new ScenarioError(`cannot read options.apple.profileFile ${full}: ${reason}`, where, "a readable .mobileconfig file");
  }
}

/** Unknown %NAME% templates in an unsigned (XML) profile are refused like those of the scenario itself. */
function checkProfileTemplates(bytes: Uint8Array, full: string, where?: string): void {
  const head = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  if (!/^\s*(<\?xml|<!DOCTYPE plist|<plist)/.test(head)) return;
  const bad = templateUses(Buffer.from(bytes).toString("utf8")).find((u) => scopeOf(u.name) === undefined || u.group !== undefined);
  if (bad) throw new ScenarioError(`options.apple.profileFile ${full} uses ${bad.group !== undefined ? `${bad.text}, a group-scoped variable (for lists of the server's data only)` : `unknown variable ${bad.text}${didYouMean(bad.name, TEMPLATE_NAMES)}`}; known variables: ${TEMPLATE_NAMES.map((n) => `%${n}%`).join(", ")}`, where, "known %NAME% variables");
}

/** `options.apple` with `profileFile` read into `profileData` (unchanged when there is no profileFile). */
export function withProfileFile<T>(apple: T, baseDir: string, where?: string): T {
  const file = (apple as { profileFile?: unknown } | undefined)?.profileFile;
  if (typeof file !== "string") return apple;
  return { ...apple, profileData: readProfileFile(file, baseDir, where) };
}

/** Largest AutopilotConfigurationFile.json read (the device itself refuses one over 64 KiB: autopilot.too-large). */
const MAX_AUTOPILOT_FILE_BYTES = 1 << 20;

/**
 * `options.windows` with `autopilot.profileFile` (a path, relative to `baseDir`) read into
 * `autopilot.profileJson`, as Apple's profileFile is read; the options' own problems (both forms, neither,
 * an inline text that is not JSON) are autopilot-file-semantic.ts's, which scenario files meet at load.
 */
export function withAutopilotProfileFile<T>(windows: T, baseDir: string, where?: string): T {
  const a = (windows as { autopilot?: AutopilotFileOptions } | undefined)?.autopilot;
  if (!a) return windows;
  const problem = autopilotFileProblem(a);
  if (problem) throw new ScenarioError(problem.message, where, problem.expected);
  if (typeof a.profileFile !== "string" || a.profileJson !== undefined) return windows;
  const full = isAbsolute(a.profileFile) ? a.profileFile : resolve(baseDir, a.profileFile);
  let text: string;
  try {
    const info = statSync(full);
    if (!info.isFile()) throw new ScenarioError(`options.windows.autopilot.profileFile ${full} is not a file`, where, "an AutopilotConfigurationFile.json file");
    if (info.size > MAX_AUTOPILOT_FILE_BYTES) throw new ScenarioError(`options.windows.autopilot.profileFile ${full} is ${info.size} bytes; at most ${MAX_AUTOPILOT_FILE_BYTES} are read`, where);
    // latin1 keeps every byte as one character, so the device's own ASCII check (autopilot.not-ascii) still sees a UTF-8 file's bytes.
    text = readFileSync(full, "latin1");
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : (err as Error).message;
    throw new ScenarioError(`cannot read options.windows.autopilot.profileFile ${full}: ${reason}`, where, "a readable AutopilotConfigurationFile.json");
  }
  const bad = autopilotJsonProblem(text.replace(/^\u00ef\u00bb\u00bf/, ""), `options.windows.autopilot.profileFile ${full}`);
  if (bad) throw new ScenarioError(bad, where, "an AutopilotConfigurationFile.json: a JSON object");
  return { ...windows, autopilot: { ...a, profileJson: text } };
}

function inlineProfileFiles(scenario: ResolvedScenario, baseDir: string, path: string): ResolvedScenario {
  const named = (g: ResolvedScenario["groups"][number]) => (g.options.apple as { profileFile?: unknown } | undefined)?.profileFile !== undefined || (g.options.windows as { autopilot?: unknown } | undefined)?.autopilot !== undefined;
  if (!scenario.groups.some(named)) return scenario;
  return {
    ...scenario,
    groups: scenario.groups.map((g) => {
      if (!named(g)) return g;
      const options = { ...g.options };
      if (options.apple !== undefined) options.apple = withProfileFile(options.apple, baseDir, path);
      if (options.windows !== undefined) options.windows = withAutopilotProfileFile(options.windows, baseDir, path);
      return { ...g, options };
    }),
  };
}
