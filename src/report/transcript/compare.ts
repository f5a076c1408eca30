// SPDX-License-Identifier: MIT
/**
 * Where a server's answer now differs from the recorded one (`enrollsim replay`): HTTP status,
 * media type, and the decoded structure (./decode.ts) field by field. Fields that legitimately
 * change between two answers to the same request are not compared; {@link IGNORED_FIELDS} names
 * them and the replay report prints the list. `replay` reads the new server's origin in its answers
 * as the recorded server's ({@link mapStrings}) before comparing: a fresh server has another port.
 * Pure.
 */
import type { DecodedMessage } from "./decode.js";

/**
 * Fields not compared, by name (case-insensitive), wherever they occur in a decoded message, with
 * why: each is chosen afresh by the server for every answer, so a difference says nothing.
 */
export const IGNORED_FIELDS: Record<string, string> = {
  senderNonce: "SCEP nonce, random per message (RFC 8894 §3.2.1.5)",
  recipientNonce: "SCEP nonce echo of the request's senderNonce",
  transactionID: "SCEP transaction id",
  nextNonce: "OMA-DM authentication nonce",
  messageId: "WS-Addressing MessageID, unique per message",
  relatesTo: "WS-Addressing RelatesTo",
  serial: "certificate serial number: a server numbers each issued certificate",
  notBefore: "certificate validity start: the time of issue",
  notAfter: "certificate validity end: the time of issue plus the lifetime",
  CommandUUID: "Apple MDM command id, chosen per command",
  Created: "WS-Security timestamp",
  Expires: "WS-Security timestamp",
  Timestamp: "timestamp",
};
const IGNORED = new Set(Object.keys(IGNORED_FIELDS).map((k) => k.toLowerCase()));

export interface AnswerForComparison {
  status?: number;
  /** Transport failure instead of an answer. */
  error?: string;
  contentType?: string;
  message?: DecodedMessage;
}

export interface Difference {
  /** `status`, `content-type`, `format`, or a path into the decoded structure (`pkiStatus`, `commands[2].data`). */
  field: string;
  recorded: string;
  now: string;
}

const media = (t: string | undefined): string => (t ?? "").split(";")[0]!.trim().toLowerCase();
const show = (v: unknown): string => (v === undefined ? "(absent)" : typeof v === "string" ? v : JSON.stringify(v));

function walk(path: string, a: unknown, b: unknown, out: Difference[], max: number): void {
  if (out.length >= max) return;
  const isObj = (v: unknown) => v !== null && typeof v === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}[${i}]`, a[i], b[i], out, max);
      return;
    }
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      if (IGNORED.has(k.toLowerCase())) continue;
      walk(path ? `${path}.${k}` : k, ra[k], rb[k], out, max);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: path || "(body)", recorded: show(a), now: show(b) });
}

/** Replaces every occurrence of `from` in the strings of a JSON tree. */
export function mapStrings(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, from, to));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, from, to)]));
  return value;
}

/**
 * Differences between a recorded answer and a new one (at most `max`, default 20). A body the
 * trace did not keep (withheld, omitted) is not compared: only status and media type are.
 */
export function compareAnswers(recorded: AnswerForComparison, now: AnswerForComparison, max = 20): Difference[] {
  const out: Difference[] = [];
  const st = (a: AnswerForComparison) => (a.status !== undefined ? String(a.status) : `no answer (${a.error ?? "?"})`);
  if (st(recorded) !== st(now) && !(recorded.status === undefined && now.status === undefined)) out.push({ field: "status", recorded: st(recorded), now: st(now) });
  if (recorded.status !== undefined && now.status !== undefined && media(recorded.contentType) !== media(now.contentType)) {
    out.push({ field: "content-type", recorded: media(recorded.contentType) || "(none)", now: media(now.contentType) || "(none)" });
  }
  const a = recorded.message;
  const b = now.message;
  if (!a || !b || a.format === "withheld" || a.format === "omitted" || b.format === "withheld" || b.format === "omitted") return out;
  if (a.format !== b.format) {
    out.push({ field: "format", recorded: a.format, now: b.format });
    return out;
  }
  walk("", a.structure, b.structure, out, max);
  return out;
}
