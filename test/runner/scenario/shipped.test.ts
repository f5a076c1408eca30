// SPDX-License-Identifier: MIT
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SimError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { FLOWS as REGISTRY } from "../../../src/device/flows/index.js";

/** Used only while devices/ has no catalog files. */
const FALLBACK_MODELS = ["iphone-15", "ipad-air", "macbook-pro", "pixel-8", "galaxy-s24", "surface-pro", "windows-11"];
const FLOWS = Object.keys(REGISTRY);

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

/** Model ids from devices/*.yaml: a top-level `id`, a `models: [{id}]` list, or the file name. */
function catalogModelIds(): string[] {
  const ids = yamlFiles("devices").flatMap((file) => {
    const doc = parse(readFileSync(file, "utf8")) as unknown;
    if (doc && typeof doc === "object") {
      const d = doc as { id?: unknown; models?: unknown };
      if (typeof d.id === "string") return [d.id];
      if (Array.isArray(d.models)) {
        return d.models.map((m: { id?: unknown }) => m.id).filter((id): id is string => typeof id === "string");
      }
    }
    return [basename(file).replace(/\.ya?ml$/, "")];
  });
  return ids.length ? ids : FALLBACK_MODELS;
}

describe("shipped scenarios", () => {
  const files = yamlFiles("scenarios");

  it(`every scenarios/**/*.yaml parses (${files.length} found)`, () => {
    expect(existsSync("scenarios/scenario.schema.json")).toBe(true);
    const context = { modelIds: catalogModelIds(), flows: FLOWS };
    const failures: string[] = [];
    for (const file of files) {
      try {
        const s = parseScenario(readFileSync(file, "utf8"), file, context);
        expect(s.totalDevices).toBeGreaterThan(0);
      } catch (err) {
        failures.push(err instanceof SimError ? err.message : `${file}: ${String(err)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
