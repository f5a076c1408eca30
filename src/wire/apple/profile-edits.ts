// SPDX-License-Identifier: MIT
/**
 * Edits of a configuration profile as a dictionary (`embedded.apple.profile`): the reference
 * server applies them to the enrollment profile it builds, and the scenario loader applies them to
 * {@link REFERENCE_PROFILE_KEYS} to refuse, when the file loads, an edit that reaches nothing.
 *
 * A PATH is a PayloadType then `/`-separated steps: `Configuration` is the profile's top level
 * (`Configuration/PayloadScope`, `Configuration/ConsentText/default`), any other type every payload
 * of that type (`com.apple.mdm/ServerCapabilities`, `com.apple.security.scep/PayloadContent/Challenge`);
 * a step of digits is an index into an array (`com.apple.mdm/ServerCapabilities/0`). `remove` drops
 * a key (a payload type alone: those whole payloads); `set` gives a key any plist value (the
 * caller converts: lists, mappings, `{$date}`, `{$data}`); `add` puts more payloads in, the header
 * keys they lack filled in. Order: add, remove, set.
 */
import { isDict, type PlistDict, type PlistValue } from "./plist.js";

export interface ProfileEditsOf<V> {
  remove?: string[];
  set?: Record<string, V>;
  add?: PlistDict[];
}

/** The PayloadType that names the profile's own top level in a PATH. */
export const TOP_LEVEL = "Configuration";

export interface ProfilePath {
  type: string;
  steps: (string | number)[];
}

export function parseProfilePath(path: string): ProfilePath {
  const [type, ...rest] = path.split("/");
  return { type: type!, steps: rest.map((s) => (/^\d+$/.test(s) ? Number(s) : s)) };
}

/** Keys of the container at `at` (dictionary keys, or array indexes as strings): for did-you-mean. */
export function keysAt(c: PlistValue | undefined): string[] {
  if (Array.isArray(c)) return c.map((_v, i) => String(i));
  return isDict(c) ? Object.keys(c) : [];
}

/** Why a PATH reaches nothing in `dict`, or undefined; for `set` only the parent must exist. */
export interface EditMiss {
  edit: "remove" | "set";
  path: string;
  /** The step that was not found (its index in the path's steps; -1: the payload type). */
  step: number;
  /** What exists where the step was looked for (for did-you-mean). */
  known: string[];
}

/** The containers a PATH addresses: the top level, or every payload of the type. */
function roots(d: PlistDict, type: string): PlistDict[] {
  if (type === TOP_LEVEL) return [d];
  const content = d.PayloadContent;
  return Array.isArray(content) ? content.filter((p): p is PlistDict => isDict(p) && p.PayloadType === type) : [];
}

/** Copies containers along `steps` (all but the last) and returns the parent, or the index of the missing step. */
function parentOf(root: PlistDict, steps: (string | number)[]): { parent: PlistDict | PlistValue[] } | { missing: number; known: string[] } {
  let at: PlistDict | PlistValue[] = root;
  for (const [i, s] of steps.slice(0, -1).entries()) {
    const next: PlistValue | undefined = Array.isArray(at) ? (typeof s === "number" ? at[s] : undefined) : at[String(s)];
    if (!isDict(next) && !Array.isArray(next)) return { missing: i, known: keysAt(at) };
    const copy: PlistDict | PlistValue[] = Array.isArray(next) ? [...next] : { ...next };
    if (Array.isArray(at)) at[s as number] = copy;
    else at[String(s)] = copy;
    at = copy;
  }
  return { parent: at };
}

const has = (c: PlistDict | PlistValue[], s: string | number): boolean => (Array.isArray(c) ? typeof s === "number" && s < c.length : Object.hasOwn(c, String(s)));

/**
 * The profile with the edits applied (a copy; `d` is untouched) and every edit that reached
 * nothing. `header` fills in an added payload's PayloadIdentifier/UUID/Version/DisplayName.
 */
export function editProfile(d: PlistDict, e: ProfileEditsOf<PlistValue>, header: (p: PlistDict, i: number) => PlistDict): { profile: PlistDict; misses: EditMiss[] } {
  const misses: EditMiss[] = [];
  const content = Array.isArray(d.PayloadContent) ? d.PayloadContent.map((p) => (isDict(p) ? { ...p } : p)) : undefined;
  let out: PlistDict = { ...d, ...(content ? { PayloadContent: [...content, ...(e.add ?? []).map((p, i) => ({ ...header(p, i), ...p }))] } : {}) };
  const types = () => (Array.isArray(out.PayloadContent) ? out.PayloadContent.filter(isDict).map((p) => String(p.PayloadType)) : []);
  for (const path of e.remove ?? []) {
    const { type, steps } = parseProfilePath(path);
    const targets = roots(out, type);
    if (!targets.length) {
      misses.push({ edit: "remove", path, step: -1, known: [TOP_LEVEL, ...new Set(types())] });
      continue;
    }
    if (!steps.length) {
      if (type === TOP_LEVEL) misses.push({ edit: "remove", path, step: -1, known: [...new Set(types())] });
      else out = { ...out, PayloadContent: (out.PayloadContent as PlistValue[]).filter((p) => !(isDict(p) && p.PayloadType === type)) };
      continue;
    }
    for (const t of targets) {
      const r = parentOf(t, steps);
      const last = steps.at(-1)!;
      if ("missing" in r) misses.push({ edit: "remove", path, step: r.missing, known: r.known });
      else if (!has(r.parent, last)) misses.push({ edit: "remove", path, step: steps.length - 1, known: keysAt(r.parent as PlistValue) });
      else if (Array.isArray(r.parent)) r.parent.splice(last as number, 1);
      else delete r.parent[String(last)];
    }
  }
  for (const [path, value] of Object.entries(e.set ?? {})) {
    const { type, steps } = parseProfilePath(path);
    const targets = roots(out, type);
    if (!targets.length || !steps.length) {
      misses.push({ edit: "set", path, step: -1, known: [TOP_LEVEL, ...new Set(types())] });
      continue;
    }
    for (const t of targets) {
      const r = parentOf(t, steps);
      const last = steps.at(-1)!;
      if ("missing" in r) misses.push({ edit: "set", path, step: r.missing, known: r.known });
      else if (Array.isArray(r.parent) && (typeof last !== "number" || last > r.parent.length)) misses.push({ edit: "set", path, step: steps.length - 1, known: keysAt(r.parent) });
      else if (Array.isArray(r.parent)) r.parent[last as number] = value;
      else r.parent[String(last)] = value;
    }
  }
  return { profile: out, misses };
}

/**
 * The keys of the enrollment profile the reference server builds (server/apple/profile-service.ts;
 * a test keeps the two equal), with stand-in values: what the loader checks `embedded.apple.profile`
 * edits against.
 */
export const REFERENCE_PROFILE_KEYS: PlistDict = {
  PayloadType: TOP_LEVEL,
  PayloadVersion: 1,
  PayloadIdentifier: "",
  PayloadUUID: "",
  PayloadDisplayName: "",
  PayloadOrganization: "",
  PayloadContent: [
    { PayloadType: "com.apple.security.root", PayloadVersion: 1, PayloadIdentifier: "", PayloadUUID: "", PayloadDisplayName: "", PayloadContent: new Uint8Array(0) },
    {
      PayloadType: "com.apple.security.scep",
      PayloadVersion: 1,
      PayloadIdentifier: "",
      PayloadUUID: "",
      PayloadDisplayName: "",
      PayloadContent: { URL: "", Name: "", Subject: [[["O", ""]]], Challenge: "", Keysize: 2048, "Key Type": "RSA", "Key Usage": 5, Retries: 3, RetryDelay: 10 },
    },
    {
      PayloadType: "com.apple.mdm",
      PayloadVersion: 1,
      PayloadIdentifier: "",
      PayloadUUID: "",
      PayloadDisplayName: "",
      IdentityCertificateUUID: "",
      Topic: "",
      ServerURL: "",
      CheckInURL: "",
      SignMessage: false,
      AccessRights: 8191,
      CheckOutWhenRemoved: true,
      ServerCapabilities: ["com.apple.mdm.per-user-connections", "com.apple.mdm.bootstraptoken"],
    },
  ],
};
