// SPDX-License-Identifier: MIT
/**
 * The per-build capability table of the Windows DM tree: CSP and Policy CSP nodes with the builds
 * they exist on, from the "Applicable OS" and "Scope" lines of Microsoft's CSP reference
 * (learn.microsoft.com/windows/client-management/mdm/…). A node the device's build does not have
 * is not in its tree: Add, Replace, Get, Delete and Exec on it answer 404, as for any unknown node
 * (MS-MDM status 404, shared/notes/windows.md §9.6). The same holds for a node addressed in a scope
 * the documentation does not list (a User-only policy under ./Device).
 *
 * Limits (docs/windows.md "Capability table"): the table holds the nodes below, each checked against
 * its page; nodes not in it keep the generic rules of csp.ts (writable subtrees accept any leaf).
 * Edition applicability is not modelled.
 */

/** "Windows 10, version 2004 [10.0.19041.2784] and later": a build and the first UBR of that release line. */
export interface Applicability {
  build: number;
  ubr?: number;
}

export interface NodeCapability {
  /** The node below `./<Scope>/Vendor/MSFT/`, e.g. "Policy/Config/WindowsAI/DisableAIDataAnalysis" or "LAPS". */
  path: string;
  scopes: readonly ("Device" | "User")[];
  /** One entry per release line the page lists; any build after the newest listed line has the node too. */
  from: readonly Applicability[];
  source: string;
}

const DOCS = "https://learn.microsoft.com/windows/client-management/mdm/";

export const WINDOWS_CAPABILITIES: readonly NodeCapability[] = [
  { path: "Policy/Config/Start/AllowPinnedFolderDocuments", scopes: ["Device"], from: [{ build: 15063 }], source: `${DOCS}policy-csp-start` },
  { path: "Policy/Config/Experience/AllowClipboardHistory", scopes: ["Device"], from: [{ build: 17763 }], source: `${DOCS}policy-csp-experience` },
  { path: "Policy/Config/WindowsAI/DisableAIDataAnalysis", scopes: ["User"], from: [{ build: 26100 }], source: `${DOCS}policy-csp-windowsai` },
  { path: "PassportForWork", scopes: ["Device", "User"], from: [{ build: 10586 }], source: `${DOCS}passportforwork-csp` },
  {
    path: "LAPS",
    scopes: ["Device"],
    from: [{ build: 17763, ubr: 4244 }, { build: 19041, ubr: 2784 }, { build: 20348, ubr: 1663 }, { build: 22000, ubr: 1754 }, { build: 22621, ubr: 1480 }],
    source: `${DOCS}laps-csp`,
  },
];

/**
 * Builds of one servicing family share their updates (19041–19045 Windows 10 2004–22H2, 22621/22631
 * Windows 11 22H2/23H2), so a UBR given for the family's first build applies to all of them.
 */
const FAMILY_SPAN = 16;

/** Whether a device on `version` (10.0.<build>.<ubr>) has a node available from `from`. */
export function buildHas(from: readonly Applicability[], version: string): boolean {
  const [, , b, u] = version.split(".").map(Number);
  const build = b ?? 0;
  const ubr = u ?? 0;
  const line = [...from].sort((x, y) => y.build - x.build).find((a) => a.build <= build);
  if (!line) return false;
  if (line.ubr === undefined || build - line.build >= FAMILY_SPAN) return true;
  return ubr >= line.ubr;
}

const URI = /^\.\/(Device|User)\/Vendor\/MSFT\/(.+)$/;

/** The table entry covering a canonical URI (./Device/… or ./User/…), if any. */
export function capabilityOf(uri: string): { entry: NodeCapability; scope: "Device" | "User" } | undefined {
  const m = URI.exec(uri);
  if (!m) return undefined;
  const rest = m[2]!;
  const entry = WINDOWS_CAPABILITIES.find((c) => rest === c.path || rest.startsWith(`${c.path}/`));
  return entry ? { entry, scope: m[1] as "Device" | "User" } : undefined;
}

/** Undefined when this build has the node (or the table does not know it); else why it is absent. */
export function absentOnBuild(uri: string, version: string): string | undefined {
  const c = capabilityOf(uri);
  if (!c) return undefined;
  if (!c.entry.scopes.includes(c.scope)) return `${c.entry.path} has no ${c.scope} scope (${c.entry.scopes.join("/")} only)`;
  if (!buildHas(c.entry.from, version)) return `${c.entry.path} is not on Windows ${version} (from ${c.entry.from.map((a) => `10.0.${a.build}${a.ubr !== undefined ? `.${a.ubr}` : ""}`).join(", ")})`;
  return undefined;
}
