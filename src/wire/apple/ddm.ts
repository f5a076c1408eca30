// SPDX-License-Identifier: MIT
/**
 * Declarative Device Management (DDM) wire codecs: the `DeclarativeManagement` check-in message
 * (Endpoint + optional base64 Data), and the JSON documents of declarative/protocol/*.yaml —
 * tokens response, declaration-items response, declarations, status report. JSON input is
 * bounded (bytes, nesting depth) and every shape error is a ProtocolViolationError with an
 * `apple.ddm.*` code (device side: the server is off-spec) or a DdmInputError (server side).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { PlistDict } from "./plist.js";
import type { EnrollmentRef } from "./mdm.js";

export const DDM_KINDS = ["activation", "configuration", "asset", "management"] as const;
export type DdmKind = (typeof DDM_KINDS)[number];
/** declaration-items keys per kind. */
export const DDM_ITEM_KEYS: Record<DdmKind, string> = { activation: "Activations", configuration: "Configurations", asset: "Assets", management: "Management" };

export interface DdmSyncTokens {
  declarationsToken: string;
  timestamp: string;
}
export interface DdmItem {
  identifier: string;
  serverToken: string;
}
export interface DdmItems {
  declarationsToken: string;
  items: Record<DdmKind, DdmItem[]>;
}
export interface Declaration {
  type: string;
  identifier: string;
  serverToken: string;
  payload: Record<string, unknown>;
}
export interface DdmReason {
  Code: string;
  Description?: string;
  Details?: Record<string, unknown>;
}
export interface DdmStatusReport {
  StatusItems: Record<string, unknown>;
  Errors: { StatusItem: string; Reasons?: DdmReason[] }[];
  FullReport?: boolean;
}

export interface DdmLimits {
  maxBytes: number;
  maxDepth: number;
  maxItems: number;
}
export const DEFAULT_DDM_LIMITS: DdmLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxItems: 10_000 };

const fail = (code: string, msg: string): never => {
  throw new ProtocolViolationError(`apple.ddm.${code}`, msg);
};

/** Parses a bounded JSON object; depth is checked on the text before JSON.parse builds anything. */
export function parseDdmJson(bytes: Uint8Array, what: string, limits: Partial<DdmLimits> = {}): Record<string, unknown> {
  const l = { ...DEFAULT_DDM_LIMITS, ...limits };
  if (bytes.length > l.maxBytes) fail("too-large", `${what}: ${bytes.length} bytes (limit ${l.maxBytes})`);
  if (bytes.length === 0) fail("malformed", `${what}: empty body`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("malformed", `${what}: not UTF-8`);
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (++depth > l.maxDepth) fail("too-deep", `${what}: nested deeper than ${l.maxDepth}`);
    } else if (c === "}" || c === "]") depth--;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return fail("malformed", `${what}: not JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) fail("wrong-type", `${what}: not a JSON object`);
  return v as Record<string, unknown>;
}

const obj = (v: unknown, path: string): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(v === undefined ? "missing-key" : "wrong-type", `${path} is ${v === undefined ? "missing" : "not an object"}`);
const str = (v: unknown, path: string, max = 1024): string => {
  if (typeof v !== "string") return fail(v === undefined ? "missing-key" : "wrong-type", `${path} is ${v === undefined ? "missing" : "not a string"}`);
  if (v.length > max) fail("too-large", `${path} longer than ${max}`);
  return v;
};

/** `tokens` endpoint reply (tokensresponse.yaml). */
export function parseTokensResponse(bytes: Uint8Array, limits?: Partial<DdmLimits>): DdmSyncTokens {
  const d = parseDdmJson(bytes, "DDM tokens", limits);
  const t = obj(d.SyncTokens, "SyncTokens");
  return { declarationsToken: str(t.DeclarationsToken, "SyncTokens.DeclarationsToken"), timestamp: str(t.Timestamp, "SyncTokens.Timestamp", 64) };
}

/** `declaration-items` endpoint reply (declarationitemsresponse.yaml). */
export function parseDeclarationItems(bytes: Uint8Array, limits?: Partial<DdmLimits>): DdmItems {
  const l = { ...DEFAULT_DDM_LIMITS, ...limits };
  const d = parseDdmJson(bytes, "DDM declaration-items", l);
  const decl = obj(d.Declarations, "Declarations");
  const items = {} as Record<DdmKind, DdmItem[]>;
  let n = 0;
  for (const kind of DDM_KINDS) {
    const key = DDM_ITEM_KEYS[kind];
    const arr = decl[key];
    if (!Array.isArray(arr)) fail(arr === undefined ? "missing-key" : "wrong-type", `Declarations.${key} is ${arr === undefined ? "missing" : "not an array"}`);
    items[kind] = (arr as unknown[]).map((x, i) => {
      if (++n > l.maxItems) fail("too-large", `more than ${l.maxItems} declarations`);
      const o = obj(x, `Declarations.${key}[${i}]`);
      return { identifier: str(o.Identifier, `Declarations.${key}[${i}].Identifier`), serverToken: str(o.ServerToken, `Declarations.${key}[${i}].ServerToken`) };
    });
  }
  return { declarationsToken: str(d.DeclarationsToken, "DeclarationsToken"), items };
}

/** A declaration fetched from `declaration/<kind>/<identifier>`; its Type must be of that kind. */
export function parseDeclaration(bytes: Uint8Array, kind: DdmKind, limits?: Partial<DdmLimits>): Declaration {
  const d = parseDdmJson(bytes, `DDM ${kind} declaration`, limits);
  const type = str(d.Type, "Type", 256);
  if (!type.startsWith(`com.apple.${kind}.`)) fail("wrong-kind", `declaration Type ${type.slice(0, 80)} is not a ${kind} (com.apple.${kind}.*)`);
  return { type, identifier: str(d.Identifier, "Identifier"), serverToken: str(d.ServerToken, "ServerToken"), payload: obj(d.Payload, "Payload") };
}

/** The DeclarativeManagement check-in message (mdm/checkin/declarativemanagement.yaml). */
export function buildDeclarativeManagement(ref: EnrollmentRef, endpoint: string, data?: Uint8Array): PlistDict {
  const d: PlistDict = { MessageType: "DeclarativeManagement", Endpoint: endpoint };
  if ("udid" in ref) d.UDID = ref.udid;
  else d.EnrollmentID = ref.enrollmentId;
  if (data) d.Data = data;
  return d;
}

/** `device.identifier.udid` + value → {"device":{"identifier":{"udid":value}}} merged into `into`. */
export function setStatusItem(into: Record<string, unknown>, item: string, value: unknown): void {
  const parts = item.split(".");
  let cur = into;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (!next || typeof next !== "object" || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

export const buildStatusReport = (r: DdmStatusReport): Uint8Array => new TextEncoder().encode(JSON.stringify(r));

/** Server side: reads a status report (statusreport.yaml); malformed → ProtocolViolationError apple.ddm.*. */
export function parseStatusReport(bytes: Uint8Array, limits?: Partial<DdmLimits>): DdmStatusReport {
  const d = parseDdmJson(bytes, "DDM status report", limits);
  const items = obj(d.StatusItems, "StatusItems");
  const errs = d.Errors;
  if (!Array.isArray(errs)) fail(errs === undefined ? "missing-key" : "wrong-type", `Errors is ${errs === undefined ? "missing" : "not an array"}`);
  const errors = (errs as unknown[]).map((e, i) => {
    const o = obj(e, `Errors[${i}]`);
    const reasons = o.Reasons;
    if (reasons !== undefined && !Array.isArray(reasons)) fail("wrong-type", `Errors[${i}].Reasons is not an array`);
    return { StatusItem: str(o.StatusItem, `Errors[${i}].StatusItem`), ...(reasons ? { Reasons: (reasons as unknown[]).map((r, j) => ({ Code: str(obj(r, `Errors[${i}].Reasons[${j}]`).Code, `Errors[${i}].Reasons[${j}].Code`) })) } : {}) };
  });
  if (d.FullReport !== undefined && typeof d.FullReport !== "boolean") fail("wrong-type", "FullReport is not a boolean");
  return { StatusItems: items, Errors: errors, ...(d.FullReport !== undefined ? { FullReport: d.FullReport as boolean } : {}) };
}

/** Reads a nested status item back (server side), e.g. "passcode.is-compliant". */
export function getStatusItem(items: Record<string, unknown>, item: string): unknown {
  let cur: unknown = items;
  for (const p of item.split(".")) {
    if (!cur || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
