// SPDX-License-Identifier: MIT
/**
 * Loads the device catalog from `devices/*.yaml` and the vendor agent catalog from `agents/*.yaml` (file I/O lives
 * here; parsing and validation in `device/catalog.ts` and `device/agents.ts`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ScenarioError } from "../errors/index.js";
import { AgentCatalog, parseAgentEntry } from "../device/agents.js";
import { Catalog, parseCatalogEntry, type DeviceModel } from "../device/catalog.js";
import { parseSetupTextEntry, SetupTextCatalog } from "../device/android/setup-texts.js";
import { parseTrustStores, type TrustStoreCatalog } from "../device/trust-store.js";
import { mergeBuildTables, parseWindowsBuilds, type WindowsBuildTable } from "../device/windows-builds.js";
import { CertRepParserCatalog, parseCertRepParsers, type CertRepParserRow } from "../device/certrep-parsers.js";
import { ProfileInstallPathCatalog, parseProfileInstallerFile } from "../device/profile-install-paths.js";
import { parseRenegotiationRows, RenegotiationCatalog, type RenegotiationRow } from "../device/tls-renegotiation.js";

/** The package's own `devices/` directory: `../../devices` from `src/runner/` or `dist/runner/`. */
export function defaultCatalogDir(): string {
  return fileURLToPath(new URL("../../devices/", import.meta.url));
}

/** The package's own `agents/` directory. */
export function defaultAgentsDir(): string {
  return fileURLToPath(new URL("../../agents/", import.meta.url));
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
  const own = dir === defaultCatalogDir() ? undefined : dir;
  const builds = loadWindowsBuilds(own);
  return new Catalog(readCatalogDir(dir, builds), { agents: loadAgents(), windowsBuilds: builds, setupTexts: loadSetupTexts(own), certRepParsers: loadCertRepParsers(own), profileInstallPaths: loadProfileInstallPaths(own), tlsRenegotiation: loadTlsRenegotiation(own) });
}

/**
 * The Windows build table: the package's `devices/windows/builds.yaml`, then `DIR/windows/builds.yaml` of a custom
 * catalog directory when it has one (its rows replace the shipped row of the same build, others add).
 */
export function loadWindowsBuilds(extraDir?: string): WindowsBuildTable {
  const read = (file: string): WindowsBuildTable => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new ScenarioError(`cannot read the Windows build table ${file}: ${(err as Error).message}`, undefined, "devices/windows/builds.yaml");
    }
    return parseWindowsBuilds(text, displayPath(file));
  };
  const shipped = read(join(defaultCatalogDir(), "windows", "builds.yaml"));
  const own = extraDir === undefined ? undefined : join(extraDir, "windows", "builds.yaml");
  return own !== undefined && existsSync(own) ? mergeBuildTables(shipped, read(own)) : shipped;
}

/**
 * The package's catalog plus the models of a custom directory (`--devices DIR`): a model there with
 * the id of a shipped one replaces it, any other adds to the catalog. The files are validated like
 * the shipped ones (`file:line:column`, what was expected, did-you-mean); two files of DIR defining
 * one id are refused. Without `extraDir`, the package's catalog.
 */
export function loadCatalogWith(extraDir: string | undefined, agentsDir?: string): Catalog {
  const builds = loadWindowsBuilds(extraDir);
  const tables = { agents: loadAgents(agentsDir), windowsBuilds: builds, setupTexts: loadSetupTexts(extraDir), certRepParsers: loadCertRepParsers(extraDir), profileInstallPaths: loadProfileInstallPaths(extraDir), tlsRenegotiation: loadTlsRenegotiation(extraDir) };
  if (extraDir === undefined) return new Catalog(readCatalogDir(defaultCatalogDir(), builds), tables);
  const byId = new Map(readCatalogDir(defaultCatalogDir(), builds).map((m) => [m.id, m]));
  for (const m of readCatalogDir(extraDir, builds)) byId.set(m.id, m);
  return new Catalog([...byId.values()], tables);
}

/** The Android setup wizard texts' folder of a device catalog directory. */
const SETUP_TEXTS = "android-setup-texts";

/**
 * The package's Android setup wizard texts (devices/android-setup-texts/) plus those of a device directory of the user's
 * own (`--devices DIR` reads DIR/android-setup-texts/ when it exists), validated like the shipped ones: a row there with
 * the id of a shipped one replaces it, any other adds to the table (a release or an OEM's wording the project does not
 * ship); two rows claiming one API level (and manufacturer) are refused.
 */
export function loadSetupTexts(extraDir?: string): SetupTextCatalog {
  const byId = new Map(readYamlDir(join(defaultCatalogDir(), SETUP_TEXTS), "setup text", parseSetupTextEntry).map((t) => [t.id, t]));
  const own = extraDir === undefined ? undefined : join(extraDir, SETUP_TEXTS);
  if (own !== undefined && existsSync(own)) for (const t of readYamlDir(own, "setup text", parseSetupTextEntry)) byId.set(t.id, t);
  return new SetupTextCatalog([...byId.values()]);
}

/**
 * The CertRep parser table (devices/scep-clients/*.yaml), with the rows of `extraDir`/scep-clients/*.yaml (a custom
 * `--devices DIR`, optional there) first: a user's row for a release overrides a shipped one for the same encoding.
 */
export function loadCertRepParsers(extraDir?: string): CertRepParserCatalog {
  const read = (dir: string, optional: boolean): CertRepParserRow[] => readRowsDir(dir, optional, "CertRep parser", "devices/scep-clients/*.yaml", parseCertRepParsers);
  const shipped = new CertRepParserCatalog(read(join(defaultCatalogDir(), "scep-clients"), false));
  return extraDir === undefined ? shipped : shipped.withOverrides(new CertRepParserCatalog(read(join(extraDir, "scep-clients"), true)));
}

/** The rows of every *.yaml / *.yml of `dir` in name order; a missing directory is empty when `optional`. */
function readRowsDir<Row>(dir: string, optional: boolean, what: string, where: string, parse: (text: string, file: string) => Row[]): Row[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ScenarioError(`cannot read the ${what} catalog directory ${dir}: ${(err as Error).message}`, undefined, where);
  }
  return names.flatMap((name) => parse(readFileSync(join(dir, name), "utf8"), displayPath(join(dir, name))));
}

/**
 * The profile install path and browser tables (devices/profile-installers/*.yaml), with the rows of `extraDir`/profile-installers/*.yaml
 * (a custom `--devices DIR`, optional there) first: a user's row for a release overrides a shipped one.
 */
export function loadProfileInstallPaths(extraDir?: string): ProfileInstallPathCatalog {
  const read = (dir: string, optional: boolean) => readRowsDir(dir, optional, "profile install path", "devices/profile-installers/*.yaml", parseProfileInstallerFile);
  const shipped = new ProfileInstallPathCatalog(read(join(defaultCatalogDir(), "profile-installers"), false));
  return extraDir === undefined ? shipped : shipped.withOverrides(new ProfileInstallPathCatalog(read(join(extraDir, "profile-installers"), true)));
}

/**
 * The TLS renegotiation table (devices/tls-stacks/*.yaml), with the rows of `extraDir`/tls-stacks/*.yaml (a custom
 * `--devices DIR`, optional there) first: a user's row for a platform or release overrides a shipped one.
 */
export function loadTlsRenegotiation(extraDir?: string): RenegotiationCatalog {
  const read = (dir: string, optional: boolean): RenegotiationRow[] => readRowsDir(dir, optional, "TLS renegotiation", "devices/tls-stacks/*.yaml", parseRenegotiationRows);
  const shipped = new RenegotiationCatalog(read(join(defaultCatalogDir(), "tls-stacks"), false));
  return extraDir === undefined ? shipped : shipped.withOverrides(new RenegotiationCatalog(read(join(extraDir, "tls-stacks"), true)));
}

/**
 * The package's agent catalog plus the agents of a directory of the user's own (`--agents DIR`), validated like the
 * shipped ones: an agent there with the id of a shipped one replaces it (a vendor's newer texts), any other adds to the
 * catalog (a vendor the project does not ship); two files of DIR defining one id are refused.
 */
export function loadAgents(extraDir?: string): AgentCatalog {
  const byId = new Map(readYamlDir(defaultAgentsDir(), "agent", parseAgentEntry).map((a) => [a.id, a]));
  if (extraDir !== undefined) for (const a of readYamlDir(extraDir, "agent", parseAgentEntry)) byId.set(a.id, a);
  return new AgentCatalog([...byId.values()]);
}

function readYamlDir<T extends { id: string }>(dir: string, what: "agent" | "setup text", parse: (text: string, file: string) => T): T[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    throw new ScenarioError(`cannot read ${what} catalog directory ${dir}: ${(err as Error).message}`, undefined, `a directory of ${what} YAML files`);
  }
  if (names.length === 0) throw new ScenarioError(`${what} catalog directory ${dir} has no .yaml files`, undefined, what === "agent" ? "agents/*.yaml" : "android-setup-texts/*.yaml");
  const seen = new Map<string, string>();
  return names.map((name) => {
    const file = join(dir, name);
    const entry = parse(readFileSync(file, "utf8"), displayPath(file));
    const other = seen.get(entry.id);
    if (other) throw new ScenarioError(`${what} "${entry.id}" is defined twice: in ${other} and ${displayPath(file)}`, `${displayPath(file)}:1:1`);
    seen.set(entry.id, displayPath(file));
    return entry;
  });
}



function readCatalogDir(dir: string, builds: WindowsBuildTable): DeviceModel[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    throw new ScenarioError(`cannot read device catalog directory ${dir}: ${(err as Error).message}`, undefined, "a directory of device YAML files");
  }
  if (names.length === 0) throw new ScenarioError(`device catalog directory ${dir} has no .yaml files`, undefined, "devices/*.yaml");
  const seen = new Map<string, string>();
  return names.map((name) => {
    const file = join(dir, name);
    const model = parseCatalogEntry(readFileSync(file, "utf8"), displayPath(file), builds);
    const other = seen.get(model.id);
    if (other) throw new ScenarioError(`device model "${model.id}" is defined twice: in ${other} and ${displayPath(file)}`, `${displayPath(file)}:1:1`);
    seen.set(model.id, displayPath(file));
    return model;
  });
}

let trustStores: TrustStoreCatalog | undefined;

/** The named public roots and the platforms' stores (devices/trust-stores/roots.yaml), read once. */
export function loadTrustStores(): TrustStoreCatalog {
  if (trustStores) return trustStores;
  const file = join(defaultCatalogDir(), "trust-stores", "roots.yaml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ScenarioError(`cannot read the trust store catalog ${file}: ${(err as Error).message}`, undefined, "devices/trust-stores/roots.yaml");
  }
  trustStores = parseTrustStores(text, displayPath(file));
  return trustStores;
}
