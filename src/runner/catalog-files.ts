// SPDX-License-Identifier: MIT
/**
 * Loads the device catalog from `devices/*.yaml` (file I/O lives here; parsing and validation in
 * `device/catalog.ts`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ScenarioError } from "../errors/index.js";
import { Catalog, parseCatalogEntry } from "../device/catalog.js";

/** The package's own `devices/` directory: `../../devices` from `src/runner/` or `dist/runner/`. */
export function defaultCatalogDir(): string {
  return fileURLToPath(new URL("../../devices/", import.meta.url));
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * Reads every `*.yaml`/`*.yml` file in `dir` (default: the package's `devices/`), in name order,
 * into a `Catalog`. A missing or empty directory, or any invalid entry, is a `ScenarioError`.
 */
export function loadCatalog(dir: string = defaultCatalogDir()): Catalog {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    throw new ScenarioError(`cannot read device catalog directory ${dir}: ${(err as Error).message}`, undefined, "a directory of device YAML files");
  }
  if (names.length === 0) throw new ScenarioError(`device catalog directory ${dir} has no .yaml files`, undefined, "devices/*.yaml");
  const models = names.map((name) => {
    const file = join(dir, name);
    return parseCatalogEntry(readFileSync(file, "utf8"), displayPath(file));
  });
  return new Catalog(models);
}
