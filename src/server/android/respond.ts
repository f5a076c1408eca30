// SPDX-License-Identifier: MIT
/** Small response helpers for the Android half. */
import type { HttpResponse } from "../../ports/http.js";

export const jsonRes = (status: number, v: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  body: new Uint8Array(Buffer.from(JSON.stringify(v))),
  url: "",
});

export const bytesRes = (status: number, body: Uint8Array, contentType: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": contentType, ...headers },
  body,
  url: "",
});

/** Google-style error body. */
export const googleError = (code: number, status: string, message: string, reason?: string): HttpResponse =>
  jsonRes(code, { error: { code, status, message, ...(reason ? { reason } : {}) } });

export function readJson(body: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (!body || body.length > 256 * 1024) return undefined;
  try {
    const v = JSON.parse(Buffer.from(body).toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
