// SPDX-License-Identifier: MIT
/** The plist value model, limits and typed error, shared by the codec (./plist.ts) and its grammar check. */
import { ProtocolViolationError } from "../../errors/index.js";

export type PlistValue = string | number | boolean | Uint8Array | Date | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

export interface PlistLimits {
  maxBytes: number;
  maxDepth: number;
  maxKeys: number;
  maxArrayItems: number;
  maxStringLength: number;
  /** Elements in the whole document (bounds the parse tree's memory). */
  maxNodes: number;
}

export const DEFAULT_PLIST_LIMITS: PlistLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxKeys: 4096,
  maxArrayItems: 65_536,
  maxStringLength: 1024 * 1024,
  maxNodes: 200_000,
};

export type PlistErrorCode =
  | "plist.too-large"
  | "plist.too-deep"
  | "plist.too-many-keys"
  | "plist.too-many-items"
  | "plist.too-many-nodes"
  | "plist.doctype"
  | "plist.entity"
  | "plist.binary"
  | "plist.encoding"
  | "plist.malformed"
  | "plist.wrong-type"
  | "plist.missing-key";

/** A plist the reader refuses; `path` names the offending element ("Command.Queries[2]"). */
export class PlistError extends ProtocolViolationError {
  constructor(
    code: PlistErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(code, path ? `${message} (at ${path})` : message);
  }
}

export const isDict = (v: unknown): v is PlistDict =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);

/** The plist type name of a value, as the schemas spell it. */
export function typeName(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "real";
  if (v instanceof Uint8Array) return "data";
  if (v instanceof Date) return "date";
  if (Array.isArray(v)) return "array";
  if (isDict(v)) return "dictionary";
  return typeof v;
}

