// SPDX-License-Identifier: MIT
/**
 * `enrollsim replay`: re-sends one device's recorded requests (a `run --trace` file) to a server, in
 * order and byte for byte, and reports per exchange where the server's answer now differs from the
 * recorded one (report/transcript/compare.ts: status, media type, decoded structure; nonces,
 * transaction ids, timestamps and certificate serials/validity are not compared).
 *
 * What cannot be replayed, and is said so per exchange instead of being sent wrong:
 * - a request in which the trace redacted a secret (`[REDACTED]` in its URL, headers or body):
 *   replayed only when the secret is supplied (`secrets`: each `[REDACTED]` of a text request is
 *   replaced by it); a binary body withheld whole because it held a secret is never replayable;
 * - a request whose body was too large to keep.
 * Requests go out without a client certificate (the trace holds no private key): an exchange the
 * device made over mutual TLS (Apple check-ins, Windows OMA-DM) meets the server's refusal, shown as
 * a difference. Answers that depend on server state the recording built (sessions, enrolled
 * devices) can differ for that reason too: a replay is evidence to read, not a verdict.
 */
import { RealClock } from "../platform/node/clock.js";
import { transcriptBody } from "../protocol/common/exchange.js";
import { NodeHttp } from "../platform/node/http.js";
import type { HttpRequest } from "../ports/http.js";
import type { TranscriptEvent } from "../ports/transcript.js";
import { ScenarioError } from "../errors/index.js";
import { REDACTED, Redactor } from "../report/redact.js";
import { compareAnswers, mapStrings, type Difference } from "../report/transcript/compare.js";
import { decodeBody } from "../report/transcript/decode.js";
import { deviceTranscript, listDevices, type TranscriptEntry } from "../report/transcript/model.js";

export interface ReplayOptions {
  /** Replay targets: a recorded http: origin goes to the http: target, https: to the https: one; one target takes every origin. */
  servers: string[];
  device?: string;
  /** Extra PEM roots to trust. */
  trust?: string[];
  /** TEST ONLY: skip TLS verification (the CLI warns loudly). */
  insecure?: boolean;
  /** Values for the secrets the trace redacted, in order of preference (each `[REDACTED]` of a text request becomes secrets[0]). */
  secrets?: string[];
  timeoutMs?: number;
}

export interface ReplayedExchange {
  /** Entry number in the device's transcript (as `trace show` prints it). */
  n: number;
  step: string;
  method: string;
  url: string;
  result: "same" | "differs" | "not-replayable";
  /** Why not replayable. */
  reason?: string;
  differences: Difference[];
  status?: number;
  error?: string;
}

export interface ReplayReport {
  device: string;
  exchanges: ReplayedExchange[];
  same: number;
  differs: number;
  notReplayable: number;
}

function originMap(entries: TranscriptEntry[], servers: string[]): Map<string, string> {
  const targets = servers.map((s) => {
    try {
      return new URL(s).origin;
    } catch {
      throw new ScenarioError(`--server ${s}: not a URL`, undefined, "an http:// or https:// URL of the server to replay against");
    }
  });
  const map = new Map<string, string>();
  for (const e of entries) {
    if (!e.url) continue;
    const from = new URL(e.url);
    if (map.has(from.origin)) continue;
    const to = targets.length === 1 ? targets[0]! : targets.find((t) => t.startsWith(`${from.protocol}//`));
    if (!to) throw new ScenarioError(`the trace has requests to ${from.origin} and no --server is ${from.protocol} (give one --server, or one per scheme)`);
    map.set(from.origin, to);
  }
  return map;
}

/** The request to send for an entry, or why it cannot be sent. */
function rebuild(e: TranscriptEntry, origins: Map<string, string>, secret: string | undefined): HttpRequest | { reason: string } {
  const fill = (s: string): string | undefined => (s.includes(REDACTED) ? (secret === undefined ? undefined : s.split(REDACTED).join(secret)) : s);
  const from = new URL(e.url!);
  const url = fill(`${origins.get(from.origin)!}${e.url!.slice(from.origin.length)}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.request?.headers ?? {})) {
    const value = fill(v);
    if (value === undefined) return { reason: `the trace redacted the ${k} header (give the secret with --secret)` };
    if (k.toLowerCase() !== "host" && k.toLowerCase() !== "content-length") headers[k] = value;
  }
  if (url === undefined) return { reason: "the trace redacted a secret in the URL (give it with --secret)" };
  const b = e.request?.body;
  let body: Uint8Array | undefined;
  if (b && typeof b.omitted === "string") return { reason: `the request body was not kept (${b.omitted})` };
  if (b && typeof b.base64 === "string") {
    if (b.base64.includes(REDACTED)) return { reason: "the trace withheld this binary request body because it holds a secret; it cannot be rebuilt" };
    body = new Uint8Array(Buffer.from(b.base64, "base64"));
  } else if (b && typeof b.text === "string") {
    const text = fill(b.text);
    if (text === undefined) return { reason: "the trace redacted a secret in the request body (give it with --secret)" };
    body = new Uint8Array(Buffer.from(text, "utf8"));
  }
  return { method: (e.method ?? "GET") as HttpRequest["method"], url, headers, ...(body ? { body } : {}) };
}

/** Replays one device of a parsed trace. */
export async function replayTrace(events: readonly TranscriptEvent[], options: ReplayOptions): Promise<ReplayReport> {
  const devices = listDevices(events);
  if (options.device === undefined && devices.length > 1) {
    throw new ScenarioError(
      `the trace holds ${devices.length} devices: name one with --device (${devices
        .slice(0, 5)
        .map((d) => d.device)
        .join(", ")}${devices.length > 5 ? ", …" : ""})`,
    );
  }
  const redactor = new Redactor();
  for (const s of options.secrets ?? []) redactor.addSecret(s);
  const t = deviceTranscript(events, options.device ?? devices[0]!.device, redactor);
  const entries = t.entries.filter((e) => e.kind === "exchange" && e.url);
  const origins = originMap(entries, options.servers);
  const http = new NodeHttp({ clock: new RealClock() }).client({ tls: { ca: options.trust, insecure: options.insecure } });
  const out: ReplayedExchange[] = [];
  try {
    for (const e of entries) {
      const base = { n: e.n, step: e.step, method: e.method ?? "?", url: e.url!, differences: [] as Difference[] };
      const req = rebuild(e, origins, options.secrets?.[0]);
      if ("reason" in req) {
        out.push({ ...base, result: "not-replayable", reason: req.reason });
        continue;
      }
      let now: { status?: number; error?: string; contentType?: string; message?: ReturnType<typeof decodeBody> };
      try {
        const res = await http.request({ ...req, timeoutMs: options.timeoutMs ?? 30_000 });
        const redacted = redactor.redact({ body: transcriptBody(res.body) }) as { body?: Record<string, unknown> };
        now = { status: res.status, contentType: res.headers["content-type"], message: redactor.redact(decodeBody(redacted.body, res.headers["content-type"] ?? "")) as ReturnType<typeof decodeBody> };
      } catch (err) {
        now = { error: err instanceof Error ? err.message : String(err) };
      }
      // The new server names itself by its own origin; read that as the recorded server's, so a URL the
      // server builds from its address compares equal, and one it echoes from the (unchanged) request too.
      for (const [from, to] of origins) if (now.message) now.message = mapStrings(now.message, to, from) as typeof now.message;
      const differences = compareAnswers({ status: e.status, error: e.error, contentType: e.response?.contentType, message: e.response?.message }, now);
      out.push({ ...base, result: differences.length ? "differs" : "same", differences, ...(now.status !== undefined ? { status: now.status } : {}), ...(now.error ? { error: now.error } : {}) });
    }
  } finally {
    await http.close();
  }
  return {
    device: t.device,
    exchanges: out,
    same: out.filter((x) => x.result === "same").length,
    differs: out.filter((x) => x.result === "differs").length,
    notReplayable: out.filter((x) => x.result === "not-replayable").length,
  };
}
