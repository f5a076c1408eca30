// SPDX-License-Identifier: MIT
/**
 * What every HttpPort adapter checks before sending (shared by the Node and in-memory adapters so
 * they behave alike): defaults, limits, the URL, and how a request is named in errors.
 */
import { ScenarioError, TransportError } from "../errors/index.js";
import type { HttpRequest } from "./http.js";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
const URL_LIMIT = 160;

/** "METHOD url" with long URLs (SCEP GET messages) shortened, for error messages. */
export function describeRequest(method: string, url: string): string {
  const shown = url.length > URL_LIMIT ? `${url.slice(0, URL_LIMIT)}…` : url;
  return `${method} ${shown}`;
}

/** The request's deadline and body limit with defaults; nonsense values are the caller's (scenario's) fault. */
export function requestLimits(req: HttpRequest): { timeoutMs: number; maxBytes: number } {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ScenarioError(`HTTP timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new ScenarioError(`HTTP maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
  return { timeoutMs, maxBytes };
}

/** The parsed http(s) URL, or the TransportError an adapter rejects with. */
export function requestUrl(req: HttpRequest, where = describeRequest(req.method, req.url)): URL | TransportError {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return new TransportError("other", `${where}: invalid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return new TransportError("other", `${where}: unsupported scheme ${url.protocol}`);
  return url;
}
