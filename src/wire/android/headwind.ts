// SPDX-License-Identifier: MIT
/**
 * Headwind MDM device REST shapes (h-mdm/hmdm-server SyncResource): the response envelope,
 * SyncResponse essentials, push messages, and the request signature SHA1(secret + x) in
 * upper-case hex (notes android.md §11).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { parseJsonObject } from "./payload.js";

export const HEADWIND_DEFAULT_SECRET = "changeme-C3z9vi54";

export interface HeadwindEnvelope<T = unknown> {
  status: "OK" | "WARNING" | "ERROR";
  message: string | null;
  data?: T;
}

export interface HeadwindSyncResponse {
  applications: { pkg: string; name?: string; version?: string; url?: string }[];
  newNumber?: string;
  pushOptions?: string;
  kioskMode?: boolean;
  [k: string]: unknown;
}

export interface HeadwindPushMessage {
  messageType: string;
  payload?: string | null;
}

const malformed = (detail: string) => new ProtocolViolationError("android.headwind.malformed", `Headwind response: ${detail}`);

export function readEnvelope(text: string): HeadwindEnvelope {
  let o: Record<string, unknown>;
  try {
    o = parseJsonObject(text, "Headwind envelope", 1024 * 1024);
  } catch (e) {
    throw malformed((e as Error).message);
  }
  if (o.status !== "OK" && o.status !== "WARNING" && o.status !== "ERROR") throw malformed(`status ${JSON.stringify(o.status)} is not OK/WARNING/ERROR`);
  if (o.message !== null && o.message !== undefined && typeof o.message !== "string") throw malformed("message is not a string");
  return { status: o.status, message: (o.message as string | undefined) ?? null, data: o.data };
}

export function readSyncResponse(data: unknown): HeadwindSyncResponse {
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw malformed("configuration data is not an object");
  const apps = (data as { applications?: unknown }).applications ?? [];
  if (!Array.isArray(apps) || apps.some((a) => typeof a !== "object" || a === null || typeof (a as { pkg?: unknown }).pkg !== "string")) throw malformed("applications is not a list of {pkg}");
  const n = (data as { newNumber?: unknown }).newNumber;
  if (n !== undefined && n !== null && typeof n !== "string") throw malformed("newNumber is not a string");
  return data as HeadwindSyncResponse;
}

export function readPushMessages(data: unknown): HeadwindPushMessage[] {
  if (!Array.isArray(data) || data.some((m) => typeof m !== "object" || m === null || typeof (m as { messageType?: unknown }).messageType !== "string")) throw malformed("push data is not a list of {messageType}");
  return data as HeadwindPushMessage[];
}

/** Upper-case hex of SHA1(secret + x); `sha1` comes from the CryptoPort. */
export function headwindSignature(secret: string, x: string, sha1: (b: Uint8Array) => Uint8Array): string {
  return Buffer.from(sha1(new TextEncoder().encode(secret + x))).toString("hex").toUpperCase();
}

/** Compact JSON with all whitespace removed, as the server signs `data`. */
export const compactJson = (v: unknown): string => JSON.stringify(v).replace(/\s+/g, "");
