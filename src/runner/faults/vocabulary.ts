// SPDX-License-Identifier: MIT
/**
 * The `faults:` vocabulary (scenarios/README.md "Faults"): what a scenario file may write. The
 * schema (runner/scenario/faults-schema.ts), the loader's checks and the engine share these lists.
 */
import type { ByteEdits } from "../../wire/body-bytes.js";

/** Selector keys of `faults[].match`; every one optional, all of them AND-ed. */
export const FAULT_SELECTORS = ["platform", "flow", "step", "group", "url", "method", "nth", "afterSuccesses", "probability", "window", "body", "header", "field"] as const;

/** Action keys of a fault entry: exactly one per entry. */
export const FAULT_ACTIONS = [
  "status",
  "delay",
  "noAnswer",
  "reset",
  "truncate",
  "corrupt",
  "contentType",
  "redirect",
  "tls",
  "dns",
  "soapFault",
  "scepFailInfo",
  "amapiError",
  "mdmStatus",
  "edit",
] as const;
export type FaultActionName = (typeof FAULT_ACTIONS)[number];

/** Catalog platforms, plus `apple` for any of ios, ipados and macos. */
export const FAULT_PLATFORMS = ["windows", "apple", "ios", "ipados", "macos", "android"] as const;
export const FAULT_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export const TLS_FAULTS = ["untrusted", "expired", "wrong-host", "protocol-version", "client-cert-not-requested", "client-cert-required", "client-cert-refused", "client-cert-mid-connection"] as const;
export const DNS_FAULTS = ["nxdomain", "timeout", "servfail"] as const;
export const RESET_POINTS = ["before-response", "mid-body"] as const;
export const SCEP_FAIL_INFO_FAULTS = ["badRequest", "badMessageCheck", "badTime", "badCertId"] as const;

/** `faults[].match` as written. */
export interface FaultMatch {
  platform?: (typeof FAULT_PLATFORMS)[number];
  flow?: string;
  /** Exact step name or a glob (`discovery.*`, `*.pkioperation`). */
  step?: string;
  group?: string;
  /** Glob over the full URL (`*` any run of characters), or `/regex/` (JavaScript syntax). */
  url?: string;
  method?: (typeof FAULT_METHODS)[number];
  /** Fire on the Nth matching request of a device (1-based). */
  nth?: number;
  /** Fire only after N matching requests of the device succeeded. */
  afterSuccesses?: number;
  /** Chance per matching request, drawn from the device's seeded entropy. */
  probability?: number;
  /** Seconds on the scenario clock since the run started. */
  window?: { from?: number; to?: number };
  /** Glob or /regex/ over the request body as text (runner/faults/request-match.ts says how binary bodies read). */
  body?: string;
  /** Request header name (any letter case) → glob or /regex/ over its value; an absent header reads as "". */
  header?: Record<string, string>;
  /** A value inside the request body (wire/body-fields.ts: XML element text, plist key, JSON member). */
  field?: FieldSelector;
}

/** `match.field`: a path and at least one test; all given tests must hold for one value at the path. */
export interface FieldSelector {
  path: string;
  /** The value is this string (or one of these). */
  equals?: string | string[];
  /** The value is not this string (nor any of these): an allow-list, refused outside it. */
  notEquals?: string | string[];
  /** Glob or /regex/ over the value. */
  matches?: string;
}

export interface StatusAction {
  code: number;
  body?: string;
  headers?: Record<string, string>;
}

/** One `faults[]` entry as written: a selector, how many times it fires, and exactly one action. */
export interface FaultSpec {
  /** Name shown in transcripts; default `faults[i]` (or `groups[g].faults[i]`). */
  name?: string;
  match?: FaultMatch;
  /** How many matching requests the fault fires on, per device. Default: every one. */
  times?: number;
  status?: StatusAction;
  delay?: { ms: number };
  noAnswer?: true;
  reset?: { when: (typeof RESET_POINTS)[number] };
  truncate?: { bytes?: number; ratio?: number; in?: (typeof EDIT_TARGETS)[number] };
  corrupt?: { bytes: number };
  contentType?: { value: string; in?: "request" | "response" };
  redirect?: { location: string; status?: 301 | 302 | 303 | 307 | 308 };
  tls?: (typeof TLS_FAULTS)[number];
  dns?: (typeof DNS_FAULTS)[number] | { cname: string };
  soapFault?: { code?: "Sender" | "Receiver"; subcode?: string; reason: string; type?: string; message?: string };
  scepFailInfo?: (typeof SCEP_FAIL_INFO_FAULTS)[number];
  amapiError?: { code: number; message: string; status?: string };
  mdmStatus?: number;
  /** Edits the server's answer (default) or the request before the server reads it: removes what an XML/JSON path selects, replaces bytes, adds bytes before or after. */
  edit?: EditAction;
}

export const EDIT_TARGETS = ["response", "request"] as const;

/**
 * An edit of one message: a structural removal (`remove`), byte edits (`replace`, `prefix`, `append`:
 * wire/body-bytes.ts), or both; at least one. Applied in that order: remove, replace, prefix, append.
 */
export interface EditAction extends ByteEdits {
  /** Path of names (wire/body-edit.ts): `SyncML/SyncBody/Status[2..]`. */
  remove?: string;
  /** Which message: the server's answer (default) or the device's request, edited before the server reads it. */
  in?: (typeof EDIT_TARGETS)[number];
}

/** A fault entry as the runner holds it: where it came from, and the group it is scoped to. */
export interface ResolvedFault extends FaultSpec {
  name: string;
  /** Set for entries under `groups[g].faults`, and for aliases of group options. */
  scopeGroup?: string;
  /** For messages: `faults[2]`, `groups[0].faults[1]`, or the alias it stands for. */
  origin: string;
}

/** The action key an entry uses (the schema guarantees exactly one). */
export function actionOf(f: FaultSpec): FaultActionName {
  const found = FAULT_ACTIONS.find((a) => (f as Record<string, unknown>)[a] !== undefined);
  return found ?? "status";
}
