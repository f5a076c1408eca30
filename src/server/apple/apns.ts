// SPDX-License-Identifier: MIT
/**
 * Mock APNs: an HTTP/2 endpoint shaped like Apple's provider API, bound to 127.0.0.1 (cleartext
 * h2c; a server under test points its APNs base URL at it). `POST /3/device/<hex token>` with
 * `apns-topic`, `apns-push-type: mdm`, optional `apns-expiration` (epoch seconds, 0 = now or
 * never), `apns-collapse-id`, `apns-priority`; body `{"mdm":"<PushMagic>"}`. Answers as Apple
 * does: 200 with `apns-id`; 400 {"reason": BadDeviceToken | DeviceTokenNotForTopic | TopicDisallowed | MissingTopic |
 * InvalidPushType | BadCollapseId | BadExpirationDate | PayloadEmpty | BadPath…}; 405
 * MethodNotAllowed; 410 {"reason":"Unregistered","timestamp":ms} for a token whose device left
 * management; 413 PayloadTooLarge (> 4096 bytes). Accepted pushes go to the in-process wake
 * registry (src/device/apple/push.ts): the device holding the token checks in at once.
 */
import { randomUUID } from "node:crypto";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { ioLedger } from "../../ports/io-ledger.js";
import { pushRegistry, type PushCounts, type PushRegistry } from "../../ports/push.js";
import { PROVIDER_CERT_HEADER, checkProviderCertificate } from "./apns-check.js";

export interface MockApnsStats extends PushCounts {
  requests: number;
  rejected: Record<string, number>;
}

export class MockApns {
  private server?: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  readonly rejected: Record<string, number> = {};
  requests = 0;
  private readonly baseline: PushCounts;

  constructor(
    private readonly registry: PushRegistry = pushRegistry,
    private readonly now: () => number = Date.now,
  ) {
    this.baseline = { ...registry.counts };
  }

  /** Starts listening on 127.0.0.1 (port 0 = any free port); returns the base URL. */
  async start(port = 0): Promise<string> {
    const server = http2.createServer();
    server.on("session", (s) => {
      this.sessions.add(s);
      s.on("close", () => this.sessions.delete(s));
    });
    server.on("stream", (stream, headers) => this.onStream(stream, headers));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://127.0.0.1:${a.port}` : "";
  }

  stats(): MockApnsStats {
    return { ...this.registry.counts, requests: this.requests, rejected: { ...this.rejected } };
  }

  /** Registry counts since this mock started (the registry is per process; devices of other runs in it count too). */
  countsSinceStart(): PushCounts {
    const c = this.registry.counts;
    const b = this.baseline;
    return { accepted: c.accepted - b.accepted, delivered: c.delivered - b.delivered, coalesced: c.coalesced - b.coalesced, superseded: c.superseded - b.superseded, expired: c.expired - b.expired, ignored: c.ignored - b.ignored };
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    const srv = this.server;
    this.server = undefined;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    this.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    stream.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 4096) tooBig = true;
      else chunks.push(c);
    });
    stream.on("error", () => {});
    stream.on("end", () => {
      const apnsId = typeof headers["apns-id"] === "string" && /^[0-9a-f-]{36}$/i.test(headers["apns-id"]) ? headers["apns-id"] : randomUUID().toUpperCase();
      const answer = (status: number, reason?: string, extra: Record<string, unknown> = {}) => {
        if (reason) this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
        if (stream.destroyed) return;
        stream.respond({ ":status": status, "apns-id": apnsId, ...(reason ? { "content-type": "application/json" } : {}) });
        stream.end(reason ? JSON.stringify({ reason, ...extra }) : undefined);
      };
      const method = headers[":method"];
      const path = String(headers[":path"] ?? "");
      const m = /^\/3\/device\/([^/?]*)$/.exec(path);
      if (!m) return answer(404, "BadPath");
      if (method !== "POST") return answer(405, "MethodNotAllowed");
      if (tooBig) return answer(413, "PayloadTooLarge");
      const token = m[1]!;
      if (!/^[0-9a-fA-F]{64}$/.test(token)) return answer(400, "BadDeviceToken");
      const topic = headers["apns-topic"];
      if (typeof topic !== "string" || !topic) return answer(400, "MissingTopic");
      if (headers["apns-push-type"] !== "mdm") return answer(400, "InvalidPushType");
      const providerCert = checkProviderCertificate(headers[PROVIDER_CERT_HEADER], topic, this.now());
      if (providerCert) return answer(providerCert.status, providerCert.reason);
      const collapse = headers["apns-collapse-id"];
      if (typeof collapse === "string" && Buffer.byteLength(collapse) > 64) return answer(400, "BadCollapseId");
      const expHeader = headers["apns-expiration"];
      let expiresAt: number | undefined;
      if (expHeader !== undefined) {
        if (typeof expHeader !== "string" || !/^\d{1,12}$/.test(expHeader)) return answer(400, "BadExpirationDate");
        expiresAt = Number(expHeader) * 1000;
      }
      const prio = headers["apns-priority"];
      if (prio !== undefined && prio !== "5" && prio !== "10" && prio !== "1") return answer(400, "BadPriority");
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return answer(400, chunks.length ? "BadPayload" : "PayloadEmpty");
      }
      const magic = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>).mdm : undefined;
      if (typeof magic !== "string") return answer(400, "PayloadEmpty");
      const out = this.registry.push(token, topic, { pushMagic: magic, ...(typeof collapse === "string" ? { collapseId: collapse } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) }, this.now());
      if (out === "unknown-token") return answer(400, "BadDeviceToken");
      if (out === "topic-disallowed") return answer(400, "DeviceTokenNotForTopic");
      if (out === "unregistered") return answer(410, "Unregistered", { timestamp: this.now() });
      return answer(200);
    });
  }
}

export interface ApnsSendResult {
  status: number;
  reason?: string;
  apnsId?: string;
}

type MdmPush = { token: string; topic: string; pushMagic: string; collapseId?: string; expiration?: number; certificate?: Uint8Array };

/**
 * Provider side (what an MDM server does): one MDM push over HTTP/2 to an APNs-shaped base URL.
 * Real socket work, recorded in the I/O ledger: a device on virtual time that waits for this push
 * is not woken by its poll timer first.
 */
export function sendMdmPush(base: string, p: MdmPush, timeoutMs = 10_000): Promise<ApnsSendResult> {
  return ioLedger.track(`apns push ${base}`, pushOnce(base, p, timeoutMs));
}

async function pushOnce(base: string, p: MdmPush, timeoutMs: number): Promise<ApnsSendResult> {
  const client = http2.connect(base);
  client.on("error", () => {});
  try {
    return await new Promise<ApnsSendResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`APNs ${base} did not answer within ${timeoutMs} ms`)), timeoutMs);
      const req = client.request({
        ":method": "POST",
        ":path": `/3/device/${p.token}`,
        "apns-topic": p.topic,
        "apns-push-type": "mdm",
        "apns-priority": "10",
        ...(p.collapseId ? { "apns-collapse-id": p.collapseId } : {}),
        ...(p.expiration !== undefined ? { "apns-expiration": String(p.expiration) } : {}),
        ...(p.certificate ? { [PROVIDER_CERT_HEADER]: Buffer.from(p.certificate).toString("base64") } : {}),
      });
      let status = 0;
      let apnsId: string | undefined;
      const chunks: Buffer[] = [];
      req.on("response", (h) => {
        status = Number(h[":status"]);
        apnsId = typeof h["apns-id"] === "string" ? h["apns-id"] : undefined;
      });
      req.on("data", (c: Buffer) => {
        if (chunks.length < 16) chunks.push(c);
      });
      req.on("end", () => {
        clearTimeout(timer);
        let reason: string | undefined;
        try {
          const j = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
          if (j && typeof j.reason === "string") reason = j.reason.slice(0, 100);
        } catch {
          reason = "unreadable";
        }
        resolve({ status, ...(reason ? { reason } : {}), ...(apnsId ? { apnsId } : {}) });
      });
      req.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(JSON.stringify({ mdm: p.pushMagic }));
    });
  } finally {
    client.close();
  }
}
