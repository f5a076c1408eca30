// SPDX-License-Identifier: MIT
/**
 * One HTTP exchange of a protocol step: deadline on the device clock, bounded body, transcript
 * entry, and a typed TransportError for 4xx/5xx (an HTTP error is never a protocol outcome).
 */
import { TransportError } from "../../errors/index.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { ProtocolContext } from "./context.js";

export interface ExchangeOptions {
  /** Statuses that are returned instead of thrown (e.g. 401 for an auth challenge): a list, or a rule (every 4xx but 404). */
  acceptStatus?: readonly number[] | ((status: number) => boolean);
}

const summarizeHeaders = (h: Record<string, string> | undefined): Record<string, string> => ({ ...(h ?? {}) });

/** Bodies larger than this are not kept in the transcript (only their size): an MSI download is not evidence. */
export const MAX_TRANSCRIPT_BODY = 64 * 1024;

/**
 * A body as the transcript keeps it, so the transcript viewer can decode it and `replay` can
 * re-send it: `text` when it is printable UTF-8, else `base64`; only the size past
 * {@link MAX_TRANSCRIPT_BODY}. Sinks redact it like everything else (report/redact.ts).
 */
export function transcriptBody(body: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (!body || body.length === 0) return undefined;
  if (body.length > MAX_TRANSCRIPT_BODY) return { omitted: `larger than ${MAX_TRANSCRIPT_BODY} bytes` };
  const text = Buffer.from(body).toString("utf8");
  // Printable UTF-8 (tabs and line ends allowed) round-trips as text; anything else as base64.
  // eslint-disable-next-line no-control-regex
  if (!text.includes("\uFFFD") && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return { text };
  return { base64: Buffer.from(body).toString("base64") };
}

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
  // Bodies only for a sink that redacts and asks for them: a fleet without --trace pays nothing, and an unredacted sink never sees a password in a body.
  const bodies = ctx.transcript.bodies === true;
  const entry: Record<string, unknown> = {
    request: { method: req.method, url: req.url, headers: summarizeHeaders(req.headers), bytes: req.body?.length ?? 0, ...(bodies ? { body: transcriptBody(req.body) } : {}) },
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
    ...(bodies ? { body: transcriptBody(res.body) } : {}),
  };
  entry.ms = ctx.clock.now() - started;
  ctx.transcript.record({ t: started, device: ctx.device, step: stepName, kind: "http", data: entry });
  const accepted = typeof options.acceptStatus === "function" ? options.acceptStatus(res.status) : (options.acceptStatus?.includes(res.status) ?? false);
  if ((res.status < 200 || res.status > 299) && !accepted) {
    const text = Buffer.from(res.body.subarray(0, 200)).toString("utf8").replace(/[^\x20-\x7e]+/g, " ").trim();
    throw new TransportError("http-status", `${req.method} ${req.url} answered HTTP ${res.status}${text ? `: ${text}` : ""}`, {
      status: res.status,
    });
  }
  return res;
}

/** Media type without parameters, lower case. */
export const mediaType = (res: HttpResponse): string => (res.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
