// SPDX-License-Identifier: MIT
/** The JSON lines of every trace file a run wrote into `dir` (`--trace DIR`), in file order. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type TraceLine = { device: string; step: string; kind: string; t: number; data: Record<string, unknown> };

export const traceLines = (dir: string): TraceLine[] =>
  readdirSync(dir).flatMap((f) =>
    readFileSync(join(dir, f), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as TraceLine),
  );
