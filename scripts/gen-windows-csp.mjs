#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Generates src/_generated/windows/csp-nodes.json, the per-build capability table of the Windows DM tree,
 * from Microsoft's DDF v2 files (the device description framework files Microsoft publishes for every
 * CSP and Policy CSP area: learn.microsoft.com/windows/client-management/mdm/configuration-service-provider-ddf).
 * The input is a git repository holding those XML files at its root (github.com/pl4nty/windows-ddf mirrors
 * each Microsoft release as one commit); the output records the commit and, per row, the file it came from.
 * Only facts are kept (node path, the build it appeared in, its access types); no Microsoft text is copied.
 * The output is committed; the runtime never reads the XML. Usage:
 *   node scripts/gen-windows-csp.mjs GIT_DIR [COMMIT]
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseStringPromise } from "xml2js";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "../src/_generated/windows/csp-nodes.json");
const gitDir = process.argv[2];
if (!gitDir) {
  console.error("usage: node scripts/gen-windows-csp.mjs GIT_DIR [COMMIT]");
  process.exit(2);
}
const git = (...args) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const commit = git("rev-parse", process.argv[3] ?? "HEAD").trim();
const [date, subject] = git("log", "-1", "--format=%cs%x00%s", commit).trim().split("\0");
const files = git("ls-tree", "--name-only", commit)
  .split("\n")
  .filter((f) => f.endsWith(".xml"))
  .sort();

const VERBS = ["Add", "Delete", "Exec", "Get", "Replace"];
const first = (x) => (Array.isArray(x) ? x[0] : x);

/** "./Vendor/MSFT" is the device-scope alias; DevInfo/DevDetail live at "." (canonical form of src/device/windows/csp.ts). */
const canonicalRoot = (p) => (p === "./Vendor/MSFT" ? "./Device/Vendor/MSFT" : p.replace(/\/$/, ""));

function walk(node, parent, rows, file) {
  const props = first(node.DFProperties) ?? {};
  let name = first(node.NodeName) ?? "";
  if (typeof name !== "string") name = "";
  if (!name) {
    // A dynamic node: the server names it (ProviderID, a profile name, an MSI product code).
    const title = first(props.DFTitle);
    name = `{${typeof title === "string" && /^[A-Za-z0-9_ -]+$/.test(title) ? title.replace(/ /g, "") : "*"}}`;
  } else if (/[{}/]/.test(name)) throw new Error(`${file}: node name ${name} holds a reserved character`);
  const path = `${parent}/${name}`;
  // Policy.xml declares Policy/Config/{AreaName}/{PolicyName} generically; the areas a build has come from the
  // *_AreaDDF.xml files, so the generic area is dropped (an unknown area is not in the tree).
  if (file === "Policy.xml" && /\/Policy\/Config\/\{[^}]*\}$/.test(path)) return;
  const access = VERBS.filter((v) => first(props.AccessType)?.[v] !== undefined);
  const appl = first(props["MSFT:Applicability"]);
  const from = appl ? String(first(appl["MSFT:OsBuildVersion"]) ?? "").trim() : "";
  rows.push(from ? [path, access.join(","), from] : [path, access.join(",")]);
  for (const kid of node.Node ?? []) walk(kid, path, rows, file);
}

const result = [];
for (const file of files) {
  if (!/^[A-Za-z0-9_.-]+\.xml$/.test(file)) continue;
  // The DOCTYPE's internal subset (the DDF version processing instruction) is not parsed by sax; drop it.
  const xml = git("show", `${commit}:${file}`)
    .replace(/^\uFEFF/, "")
    .replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/, "");
  const doc = await parseStringPromise(xml);
  const rows = [];
  for (const root of doc.MgmtTree?.Node ?? []) {
    const at = canonicalRoot(String(first(root.Path) ?? "."));
    walk(root, at, rows, file);
  }
  if (rows.length) result.push({ file, nodes: rows });
}

const data = {
  source: {
    description: "Microsoft's Windows CSP DDF v2 files (learn.microsoft.com/windows/client-management/mdm/configuration-service-provider-ddf), as mirrored per release",
    repository: "https://github.com/pl4nty/windows-ddf",
    commit,
    release: subject,
    date,
    license: "Microsoft Corporation; DDF files published under MIT (code) / CC BY 4.0 (documentation); only facts are extracted",
    format:
      "files[].nodes[] = [canonical URI ('{Title}' = a node the server names), access types, first builds]; the builds string is the DDF's MSFT:OsBuildVersion verbatim (one entry per release line, build[.UBR]); a row without it inherits its parent's; 99.9.99999 = not in any released build",
  },
  files: result,
};
writeFileSync(
  out,
  `${JSON.stringify(data, null, 0)
    .replace(/\],\[/g, "],\n[")
    .replace(/\{"file"/g, '\n{"file"')}\n`,
);
const count = result.reduce((n, f) => n + f.nodes.length, 0);
console.log(`wrote ${out}: ${result.length} files, ${count} nodes from ${commit.slice(0, 12)} (${subject})`);
