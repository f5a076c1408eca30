// SPDX-License-Identifier: MIT
/**
 * The per-build capability table of the Windows DM tree (issue 10 #3, issue 12 #4): every node of the CSPs and
 * Policy CSP areas in Microsoft's DDF v2 files, with its access types (Add, Delete, Exec, Get, Replace) and the
 * builds it appeared in (MSFT:OsBuildVersion), generated into src/_generated/windows/csp-nodes.json by
 * scripts/gen-windows-csp.mjs (source commit and file recorded there and per row).
 *
 * What a device answers (MS-MDM / OMA-DM status codes, shared/notes/windows.md §9.6):
 * - a node of a CSP the table knows, absent on the device's build, addressed in a scope its CSP does not have,
 *   or not in the CSP's tree at all (a misspelt leaf, an area of Policy/Config no build has): 404 Not found;
 * - a node the build has, with a command its access types do not list (Replace on a Get-only node, Exec on a
 *   setting, Add where only Replace is allowed): 405 Command not allowed.
 * Nodes of CSPs the table does not know (no DDF published, e.g. EnrollmentStatusTracking) and the areas of
 * ingested ADMX (Policy/Config/<App>~Policy~<Category>, created by ConfigOperations/ADMXInstall) keep the generic
 * rules of csp.ts. Limits in docs/windows.md "Capability table".
 */
import table from "../../_generated/windows/csp-nodes.json" with { type: "json" };

/** "Windows 10, version 2004 [10.0.19041.2784] and later": a build and the first UBR of that release line. */
export interface Applicability {
  build: number;
  ubr?: number;
}

export type DmVerb = "Add" | "Delete" | "Exec" | "Get" | "Replace";

/** One node of the table, as the device resolves a URI to it. */
export interface NodeCapability {
  /** The table's URI of the node ('{Title}' for a node the server names). */
  path: string;
  access: ReadonlySet<DmVerb>;
  /** One entry per release line; empty = every build that has the CSP. */
  from: readonly Applicability[];
  /** The DDF file the row came from (src/_generated/windows/csp-nodes.json `source`). */
  file: string;
}

interface TrieNode {
  kids: Map<string, TrieNode>;
  dyn?: TrieNode;
  cap?: NodeCapability;
}

interface TableFile {
  source: { commit: string; release: string };
  files: { file: string; nodes: (string[] | [string, string] | [string, string, string])[] }[];
}

/** "10.0.22000, 10.0.19043.1202" → release lines. */
export function parseBuilds(s: string): Applicability[] {
  return s
    .split(",")
    .map((x) => x.trim().split(".").map(Number))
    .filter((p) => p.length >= 3 && Number.isFinite(p[2]))
    .map(([, , build, ubr]) => (ubr !== undefined && Number.isFinite(ubr) ? { build: build!, ubr } : { build: build! }));
}

const segments = (uri: string): string[] => uri.replace(/\?.*$/, "").replace(/\/$/, "").split("/");

let root: TrieNode | undefined;
/** CSP roots the table knows ("DevInfo", "Policy", "LAPS", …), whatever the scope. */
const known = new Set<string>();

function build(): TrieNode {
  const r: TrieNode = { kids: new Map() };
  for (const f of (table as unknown as TableFile).files) {
    for (const [path, access, builds] of f.nodes) {
      const segs = segments(path!);
      let at = r;
      let parent: NodeCapability | undefined;
      for (const s of segs) {
        const dynamic = /^\{.*\}$/.test(s);
        let next = dynamic ? at.dyn : at.kids.get(s);
        if (!next) {
          next = { kids: new Map() };
          if (dynamic) at.dyn = next;
          else at.kids.set(s, next);
        }
        parent = at.cap ?? parent;
        at = next;
      }
      const from = builds ? parseBuilds(builds) : (parent?.from ?? []);
      at.cap = { path: path!, access: new Set((access ?? "").split(",").filter(Boolean) as DmVerb[]), from, file: f.file };
      known.add(cspName(segs) ?? "");
    }
  }
  return r;
}

/** The CSP a canonical URI belongs to: ./Device|User/Vendor/MSFT/<CSP>/… or ./<CSP>/…. */
function cspName(segs: string[]): string | undefined {
  if (segs[0] !== ".") return undefined;
  if ((segs[1] === "Device" || segs[1] === "User") && segs[2] === "Vendor" && segs[3] === "MSFT") return segs[4];
  return segs[1] === "Device" || segs[1] === "User" ? undefined : segs[1];
}

/** Source of the table (for docs and tests): the DDF release and commit it was generated from. */
export const CAPABILITY_SOURCE = (table as unknown as TableFile).source;

/**
 * Builds of one servicing family share their updates (19041–19045 Windows 10 2004–22H2, 22621/22631
 * Windows 11 22H2/23H2), so a UBR given for the family's first build applies to all of them.
 */
const FAMILY_SPAN = 16;

/** Whether a device on `version` (10.0.<build>.<ubr>) has a node available from `from` (empty: every build). */
export function buildHas(from: readonly Applicability[], version: string): boolean {
  if (!from.length) return true;
  const [, , b, u] = version.split(".").map(Number);
  const build = b ?? 0;
  const ubr = u ?? 0;
  const line = [...from].sort((x, y) => y.build - x.build).find((a) => a.build <= build);
  if (!line) return false;
  if (line.ubr === undefined || build - line.build >= FAMILY_SPAN) return true;
  return ubr >= line.ubr;
}

const fmt = (from: readonly Applicability[]) => from.map((a) => `10.0.${a.build}${a.ubr !== undefined ? `.${a.ubr}` : ""}`).join(", ");

/** What the table says of a canonical URI (./Device/…, ./User/…, ./DevInfo/…). */
export type Lookup =
  | { kind: "unknown" }
  | { kind: "absent"; why: string }
  | { kind: "node"; cap: NodeCapability };

export function lookup(uri: string): Lookup {
  root ??= build();
  const segs = segments(uri);
  const csp = cspName(segs);
  if (csp === undefined || !known.has(csp)) return { kind: "unknown" };
  // Ingested ADMX areas (…/Policy/Config/<App>~Policy~<Category>) exist once ADMXInstall has run; the table has no rows for them.
  if (csp === "Policy" && /~/.test(segs[6] ?? "")) return { kind: "unknown" };
  let at: TrieNode | undefined = root;
  let cap: NodeCapability | undefined;
  for (let i = 0; i < segs.length; i++) {
    const next: TrieNode | undefined = at.kids.get(segs[i]!) ?? at.dyn;
    if (!next) {
      const where = segs.slice(0, i).join("/");
      const scope = segs[1] === "Device" || segs[1] === "User" ? segs[1] : undefined;
      if (scope && i <= 5) return { kind: "absent", why: `${csp} has no ${scope} scope` };
      return { kind: "absent", why: `${where} has no node ${segs[i]}${cap ? ` (${cap.file})` : ""}` };
    }
    at = next;
    cap = at.cap ?? cap;
  }
  if (!at.cap) return { kind: "absent", why: `${uri} is not a node of ${csp}` };
  return { kind: "node", cap: at.cap };
}

/** Undefined when this build has the node (or the table does not know its CSP); else why it is absent (404). */
export function absentOnBuild(uri: string, version: string): string | undefined {
  const l = lookup(uri);
  if (l.kind === "unknown") return undefined;
  if (l.kind === "absent") return l.why;
  if (!buildHas(l.cap.from, version)) return `${l.cap.path} is not on Windows ${version} (from ${fmt(l.cap.from)}; ${l.cap.file})`;
  return undefined;
}

/** Undefined when the node allows `verb` (or the table does not know it); else why the command is not allowed (405). */
export function verbRefused(uri: string, verb: DmVerb): string | undefined {
  const l = lookup(uri);
  if (l.kind !== "node" || l.cap.access.has(verb)) return undefined;
  return `${l.cap.path} allows ${[...l.cap.access].join(", ") || "no command"}, not ${verb} (${l.cap.file})`;
}

/** Whether the table knows the node and lets a server create it with `verb` (the DDF, not csp.ts's writable list, decides). */
export function tableAllows(uri: string, verb: DmVerb): boolean {
  const l = lookup(uri);
  return l.kind === "node" && l.cap.access.has(verb);
}
