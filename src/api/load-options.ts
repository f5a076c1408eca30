// SPDX-License-Identifier: MIT
/** Command-line helpers for load runs: shard spec from flag or environment, load-model files. */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { checkLoadModel, type LoadModel } from "../runner/fleet.js";
import { parseShard, type ShardSpec } from "../runner/shard.js";

/**
 * The shard of this process: `--shard i/N`, else $ENROLLSIM_SHARD ("i/N"), else
 * $JOB_COMPLETION_INDEX with $ENROLLSIM_SHARDS (Kubernetes Indexed Job), else none.
 */
export function resolveShard(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  if (flag !== undefined) return parseShard(flag, "--shard");
  if (env.ENROLLSIM_SHARD) return parseShard(env.ENROLLSIM_SHARD, "ENROLLSIM_SHARD");
  if (env.JOB_COMPLETION_INDEX !== undefined && env.ENROLLSIM_SHARDS !== undefined) {
    return parseShard(`${env.JOB_COMPLETION_INDEX}/${env.ENROLLSIM_SHARDS}`, "JOB_COMPLETION_INDEX/ENROLLSIM_SHARDS");
  }
  return undefined;
}

/** Longest wait `--start-at` accepts: a barrier further away than this is a typo, not a plan. */
export const MAX_START_WAIT_MS = 24 * 3_600_000;

/**
 * The wall-clock start barrier: `--start-at`, else $ENROLLSIM_START_AT. Accepts an ISO 8601 time
 * with a zone (`2026-11-22T09:00:00Z`), epoch seconds (`1795338000`), or `+N` seconds from now.
 * Shards given the same instant begin their arrivals together without any coordinator.
 * Returns epoch milliseconds; refuses unparseable values and instants more than 24 h ahead.
 */
export function resolveStartAt(flag: string | undefined, now: number, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const source = flag !== undefined ? "--start-at" : "ENROLLSIM_START_AT";
  const raw = (flag ?? env.ENROLLSIM_START_AT)?.trim();
  if (raw === undefined || raw === "") return undefined;
  let at: number;
  if (/^\+\d+(\.\d+)?$/.test(raw)) at = now + Number(raw.slice(1)) * 1000;
  else if (/^\d{9,11}(\.\d+)?$/.test(raw)) at = Number(raw) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) at = Date.parse(raw);
  else at = Number.NaN;
  if (!Number.isFinite(at)) {
    throw new ScenarioError(`${source} "${raw}": expected an ISO 8601 time with a zone (2026-11-22T09:00:00Z), epoch seconds, or +SECONDS`);
  }
  if (at - now > MAX_START_WAIT_MS) {
    throw new ScenarioError(`${source} "${raw}" is ${((at - now) / 3_600_000).toFixed(1)} h ahead; at most 24 h is accepted`);
  }
  return at;
}

const KEYS = new Set(["phases", "concurrency", "maxInFlight", "steady", "timeScale", "keepAlive"]);
const STEADY_KEYS = new Set(["durationSeconds", "intervalSeconds", "jitter", "maxInFlight", "maxCheckinsPerDevice"]);
const PHASE_KEYS = new Set(["durationSeconds", "rate", "rampTo"]);

/** Parses a load-model YAML/JSON text (see docs/performance.md "Load models"); refuses unknown keys. */
export function parseLoadModel(text: string, source = "load file"): LoadModel {
  let v: unknown;
  try {
    v = parseYaml(text, { maxAliasCount: 10 });
  } catch (err) {
    throw new ScenarioError(`${source}: not YAML/JSON (${(err as Error).message})`);
  }
  const obj = (x: unknown, what: string, keys: Set<string>): Record<string, unknown> => {
    if (x === null || typeof x !== "object" || Array.isArray(x)) throw new ScenarioError(`${source}: ${what} must be a mapping`);
    for (const k of Object.keys(x)) if (!keys.has(k)) throw new ScenarioError(`${source}: unknown key "${k}" in ${what} (known: ${[...keys].join(", ")})`);
    return x as Record<string, unknown>;
  };
  const root = obj(v, "the load model", KEYS);
  if (root.phases !== undefined) {
    if (!Array.isArray(root.phases)) throw new ScenarioError(`${source}: phases must be a list`);
    root.phases.forEach((p, i) => obj(p, `phase ${i + 1}`, PHASE_KEYS));
  }
  if (root.steady !== undefined) obj(root.steady, "steady", STEADY_KEYS);
  if (root.keepAlive !== undefined && typeof root.keepAlive !== "boolean") throw new ScenarioError(`${source}: keepAlive must be true or false`);
  const model = root as LoadModel;
  try {
    checkLoadModel(model);
  } catch (err) {
    throw new ScenarioError(`${source}: ${(err as Error).message}`);
  }
  return model;
}

export function readLoadModel(file: string): LoadModel {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ScenarioError(`cannot read the load file ${file}: ${(err as Error).message}`);
  }
  return parseLoadModel(text, file);
}
