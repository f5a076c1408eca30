// SPDX-License-Identifier: MIT
/**
 * Load-time check of named roots (scenarios/README.md "Named roots and trust stores"): every root an
 * `embedded.tls` chain is issued from or cross-signed by, and every root a group's
 * `state.trustedRoots` installs, is a public root of devices/trust-stores/roots.yaml or one of
 * `embedded.tls.privateRoots`; a private root does not reuse a public name; `crossSign` needs `root`.
 */
import { didYouMean, listNames } from "../../errors/suggest.js";
import { loadTrustStores } from "../catalog-files.js";
import type { Issue } from "./messages.js";
import type { PathSegment } from "./locate.js";
import type { Scenario } from "./types.js";

interface Chain {
  root?: string;
  crossSign?: { by?: string };
}
interface Tls {
  certificate?: Chain;
  endpoints?: { certificate?: Chain }[];
  privateRoots?: { name?: string }[];
}

export function trustIssues(s: Scenario): Issue[] {
  const tls = (s.embedded?.tls ?? {}) as Tls;
  const chains: [PathSegment[], Chain][] = [];
  if (tls.certificate) chains.push([["embedded", "tls", "certificate"], tls.certificate]);
  (tls.endpoints ?? []).forEach((e, i) => e?.certificate && chains.push([["embedded", "tls", "endpoints", i, "certificate"], e.certificate]));
  const installs = s.groups.flatMap((g, i) => ((g.state as { trustedRoots?: unknown } | undefined)?.trustedRoots instanceof Array ? [[i, (g.state as { trustedRoots: unknown[] }).trustedRoots] as const] : []));
  const timelineInstalls = ((s as { timeline?: { set?: Record<string, unknown> }[] }).timeline ?? []).flatMap((e, i) => (Array.isArray(e?.set?.["state.trustedRoots"]) ? [[i, e.set["state.trustedRoots"] as unknown[]] as const] : []));
  const privates = (tls.privateRoots ?? []).map((p) => p?.name).filter((n): n is string => typeof n === "string");
  // The enrollment profile's certificate payloads (embedded.apple.profileRoots): reference, or a named root.
  const profileRoots = ((s.embedded?.apple as { profileRoots?: { root?: unknown }[] } | undefined)?.profileRoots ?? []).map((r) => r?.root);
  const carried = profileRoots.filter((n) => n !== "reference");
  if (chains.every(([, c]) => c.root === undefined && c.crossSign === undefined) && installs.length === 0 && timelineInstalls.length === 0 && privates.length === 0 && carried.length === 0) return [];
  const publicNames = [...loadTrustStores().byName.keys()];
  const known = [...publicNames, ...privates];
  const out: Issue[] = [];
  const check = (path: PathSegment[], name: unknown): void => {
    if (typeof name !== "string" || known.includes(name)) return;
    out.push({ path, anchor: "value", message: `unknown root "${name}"${didYouMean(name, known)}`, expected: `a public root of devices/trust-stores/roots.yaml (${listNames(publicNames)}) or a name of embedded.tls.privateRoots`, rank: 1 });
  };
  (tls.privateRoots ?? []).forEach((p, i) => {
    if (typeof p?.name === "string" && publicNames.includes(p.name))
      out.push({ path: ["embedded", "tls", "privateRoots", i, "name"], anchor: "value", message: `private root "${p.name}" has the name of a public root of devices/trust-stores/roots.yaml`, expected: "a name of your own PKI's root", rank: 1 });
  });
  for (const [path, c] of chains) {
    check([...path, "root"], c.root);
    if (c.crossSign) {
      if (c.root === undefined) out.push({ path: [...path, "crossSign"], anchor: "key", message: "crossSign needs `root`: the root whose cross-signed certificate the server sends", expected: 'root: "ISRG Root X1"', rank: 1 });
      check([...path, "crossSign", "by"], c.crossSign.by);
      if (c.crossSign.by !== undefined && c.crossSign.by === c.root) out.push({ path: [...path, "crossSign", "by"], anchor: "value", message: "a root cannot cross-sign itself", expected: "another root", rank: 1 });
    }
  }
  profileRoots.forEach((n, i) => {
    if (n === "reference") return;
    const path: PathSegment[] = ["embedded", "apple", "profileRoots", i, "root"];
    if (typeof n === "string" && !known.includes(n)) {
      out.push({
        path,
        anchor: "value",
        message: `unknown root "${n}"${didYouMean(n, [...known, "reference"])}`,
        expected: `reference (the server's own CA), a name of embedded.tls.privateRoots or a public root of devices/trust-stores/roots.yaml (${listNames(publicNames)})`,
        rank: 1,
      });
    } else if (typeof n === "string" && !privates.includes(n) && s.embedded?.tls === undefined) {
      out.push({ path, anchor: "value", message: `public root "${n}" is generated only for a scenario with embedded.tls`, expected: "embedded.tls (e.g. a chain issued from the root), or a private root", rank: 1 });
    }
  });
  for (const [i, names] of installs) names.forEach((n, j) => check(["groups", i, "state", "trustedRoots", j], n));
  for (const [i, names] of timelineInstalls) names.forEach((n, j) => check(["timeline", i, "set", "state.trustedRoots", j], n));
  return out;
}
