// SPDX-License-Identifier: MIT
/**
 * One HTTP exchange of a protocol step: deadline on the device clock, bounded body, transcript
 * entry, and a typed TransportError for 4xx/5xx (an HTTP error is never a protocol outcome).
 */
import { TransportError } from "../../errors/index.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { ProtocolContext } from "./context.js";

export interface ExchangeOptions {
  /** Statuses that are returned instead of thrown (e.g. 401 for an auth challenge). */
  acceptStatus?: number[];
}

const summarizeHeaders = (h: Record<string, string> | undefined): Record<string, string> => ({ ...(h ?? {}) });

export async function exchange(
  ctx: ProtocolContext,
  stepName: string,
  req: HttpRequest,
  options: ExchangeOptions = {},
): Promise<HttpResponse> {
  const started = ctx.clock.now();
  const request = {
    ...req,
    timeoutMs: req.timeoutMs ?? ctx.timeoutMs,
    maxBytes: req.maxBytes ?? ctx.maxResponseBytes,
    signal: req.signal ?? ctx.signal,
  };
  const entry: Record<string, unknown> = {
    request: { method: req.method, url: req.url, headers: summarizeHeaders(req.headers), bytes: req.body?.length ?? 0 },
  };
  let res: HttpResponse;
  try {
    res = await ctx.http.request(request);
  } catch (err) {
    entry.error = err instanceof Error ? err.message : String(err);
    entry.ms = ctx.clock.now() - started;
    ctx.transcript.record({ t: started, device: ctx.device, step: stepName, kind: "http", data: entry });
    throw err;
  }
  entry.response = {
    status: res.status,
    headers: summarizeHeaders(res.headers),
    contentType: res.headers["content-type"] ?? "",
    bytes: res.body.length,
  };
  entry.ms = ctx.clock.now() - started;
  ctx.transcript.record({ t: started, device: ctx.device, step: stepName, kind: "http", data: entry });
  if ((res.status < 200 || res.status > 299) && !options.acceptStatus?.includes(res.status)) {
    const text = Buffer.from(res.body.subarray(0, 200)).toString("utf8").replace(/[^\x20-\x7e]+/g, " ").trim();
    throw new TransportError("http-status", `${req.method} ${req.url} answered HTTP ${res.status}${text ? `: ${text}` : ""}`, {
      status: res.status,
    });
  }
  return res;
}

/** Media type without parameters, lower case. */
export const mediaType = (res: HttpResponse): string => (res.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
