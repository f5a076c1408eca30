// SPDX-License-Identifier: MIT
/**
 * What a device trusts, by platform and OS release: the named public roots of
 * devices/trust-stores/roots.yaml (each with the releases whose store has it, and date-based
 * distrust), plus the roots its state says were installed (`state.trustedRoots`: by the user, an
 * admin or an MDM profile). The runner puts exactly these roots in the device's TLS trust store, so
 * OpenSSL refuses a chain to any other named root (the device shows its platform's "untrusted"
 * error); the device then judges date-based distrust on its own clock (device/trust.ts).
 */
import { isMap, type Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { compareVersions } from "../wire/version.js";
import { ROOT_KEY_TYPES, type RootDefinition, type RootKeyType } from "../wire/x509/named-root.js";
import type { Platform } from "./catalog.js";
import { readYaml } from "./catalog-reader.js";

/** The store a platform reads: iOS and iPadOS share iOS's numbering. */
export type StorePlatform = "android" | "ios" | "macos" | "windows";
const STORE_PLATFORMS: readonly StorePlatform[] = ["android", "ios", "macos", "windows"];

export const storeOf = (p: Platform): StorePlatform => (p === "ipados" ? "ios" : (p as StorePlatform));

/** One root in one platform's store. */
export interface StoreEntry {
  /** First release with it (Android API level, Apple/Windows OS version); absent: every release. */
  from?: number | string;
  /** First release without it. */
  until?: number | string;
  /** Leaf certificates issued (notBefore) after this instant are refused. */
  distrustIssuedAfter?: number;
  /** From this instant on the device's clock, chains to the root are refused. */
  distrustFrom?: number;
  source?: string;
}

export interface CatalogRoot extends RootDefinition {
  source?: string;
  trustedBy: Partial<Record<StorePlatform, StoreEntry>>;
}

export interface TrustStoreCatalog {
  roots: readonly CatalogRoot[];
  byName: ReadonlyMap<string, CatalogRoot>;
}

/** The release of a device as its store's `from`/`until` are written. */
export interface StoreSubject {
  platform: Platform;
  osVersion: string;
  apiLevel?: number;
}

function compareRelease(s: StoreSubject, bound: number | string): number {
  return s.platform === "android" ? (s.apiLevel ?? 0) - Number(bound) : compareVersions(s.osVersion, String(bound));
}

/** The root's entry in the device's store for its release, or undefined when that store lacks it. */
export function storeEntry(root: CatalogRoot, s: StoreSubject): StoreEntry | undefined {
  const e = root.trustedBy[storeOf(s.platform)];
  if (!e) return undefined;
  if (e.from !== undefined && compareRelease(s, e.from) < 0) return undefined;
  if (e.until !== undefined && compareRelease(s, e.until) >= 0) return undefined;
  return e;
}

/** A root the device trusts, and the store's rules for it (none for an installed root). */
export interface TrustedRoot {
  name: string;
  entry?: StoreEntry;
  /** Installed on the device (state.trustedRoots), not shipped in its store. */
  installed: boolean;
}

/**
 * The named roots a device trusts: those of `available` (the roots the run generated) that its
 * release's store has, plus those it installed. An installed root trusts without the store's
 * distrust rules (an admin-added anchor, like Apple's HT211025 "user-added or administrator-added").
 */
export function trustedRoots(catalog: TrustStoreCatalog, s: StoreSubject, available: Iterable<string>, installed: readonly string[] = []): TrustedRoot[] {
  const out: TrustedRoot[] = [];
  for (const name of available) {
    if (installed.includes(name)) out.push({ name, installed: true });
    else {
      const root = catalog.byName.get(name);
      const entry = root && storeEntry(root, s);
      if (entry) out.push({ name, entry, installed: false });
    }
  }
  return out;
}

const isoInstant = (v: unknown): number | undefined => {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(v)) return undefined;
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? undefined : t;
};

/** Parses and validates devices/trust-stores/roots.yaml; a problem names file:line:column. */
export function parseTrustStores(text: string, file: string): TrustStoreCatalog {
  // Malformed YAML is refused by readYaml at the parser's own position (the catalogs' one reader, catalog-reader.ts).
  const reader = readYaml(text, file);
  const doc = reader.doc;
  const bad = (n: Node | null | undefined, what: string, expected: string): never => {
    throw new ScenarioError(`trust store catalog: ${what}`, reader.loc(n), expected);
  };
  const rootsNode = isMap(doc.contents) ? (doc.contents.get("roots", true) as Node | undefined) : undefined;
  const data = doc.toJS() as { roots?: unknown };
  if (!Array.isArray(data?.roots)) return bad(rootsNode ?? doc.contents, "missing `roots:` list", "roots: [{ name, subject, notBefore, notAfter, key, trustedBy }]");
  const byName = new Map<string, CatalogRoot>();
  const roots = (data.roots as unknown[]).map((item, i) => {
    const node = doc.getIn(["roots", i], true) as Node | undefined;
    if (item === null || typeof item !== "object" || Array.isArray(item)) bad(node, `roots[${i}] is ${JSON.stringify(item)}`, "a mapping { name, subject, notBefore, notAfter, key, trustedBy }");
    const r = item as Record<string, unknown>;
    const field = (k: string): Node | undefined => doc.getIn(["roots", i, k], true) as Node | undefined;
    const known = ["name", "subject", "notBefore", "notAfter", "key", "source", "trustedBy"];
    for (const k of Object.keys(r)) if (!known.includes(k)) bad(field(k), `roots[${i}]: unknown field "${k}"`, known.join(" | "));
    if (typeof r.name !== "string" || !r.name) bad(node, `roots[${i}].name is missing`, "the root's name");
    if (typeof r.subject !== "string") bad(field("subject") ?? node, `roots[${i}].subject is missing`, "the real root's subject DN");
    const notBefore = isoInstant(r.notBefore);
    const notAfter = isoInstant(r.notAfter);
    if (notBefore === undefined) bad(field("notBefore") ?? node, `roots[${i}].notBefore is not a UTC instant`, '"2015-06-04T11:04:38Z"');
    if (notAfter === undefined) bad(field("notAfter") ?? node, `roots[${i}].notAfter is not a UTC instant`, '"2035-06-04T11:04:38Z"');
    if (!ROOT_KEY_TYPES.includes(r.key as RootKeyType)) bad(field("key") ?? node, `roots[${i}].key is ${JSON.stringify(r.key)}`, ROOT_KEY_TYPES.join(" | "));
    const trustedBy: Partial<Record<StorePlatform, StoreEntry>> = {};
    for (const [p, v] of Object.entries((r.trustedBy as Record<string, unknown>) ?? {})) {
      const pn = doc.getIn(["roots", i, "trustedBy", p], true) as Node | undefined;
      if (!STORE_PLATFORMS.includes(p as StorePlatform)) bad(pn, `roots[${i}].trustedBy: unknown platform "${p}"`, STORE_PLATFORMS.join(" | "));
      const e = (v ?? {}) as Record<string, unknown>;
      const entry: StoreEntry = {};
      for (const [k, x] of Object.entries(e)) {
        if (k === "from" || k === "until") {
          if (p === "android" ? !Number.isInteger(x) : typeof x !== "string") bad(pn, `roots[${i}].trustedBy.${p}.${k} is ${JSON.stringify(x)}`, p === "android" ? "an API level" : 'a quoted OS version ("10.12.1")');
          entry[k] = x as number | string;
        } else if (k === "distrustIssuedAfter" || k === "distrustFrom") {
          const t = isoInstant(x);
          if (t === undefined) bad(pn, `roots[${i}].trustedBy.${p}.${k} is ${JSON.stringify(x)}`, 'a date "2020-02-25" or instant "2020-02-25T00:00:00Z"');
          entry[k] = t;
        } else if (k === "source") entry.source = String(x);
        else bad(pn, `roots[${i}].trustedBy.${p}: unknown field "${k}"`, "from | until | distrustIssuedAfter | distrustFrom | source");
      }
      trustedBy[p as StorePlatform] = entry;
    }
    const root: CatalogRoot = { name: r.name as string, subject: r.subject as string, notBefore: new Date(notBefore!), notAfter: new Date(notAfter!), key: r.key as RootKeyType, ...(r.source ? { source: String(r.source) } : {}), trustedBy };
    if (byName.has(root.name)) bad(node, `root "${root.name}" is listed twice`, "one entry per root");
    byName.set(root.name, root);
    return root;
  });
  return { roots, byName };
}
