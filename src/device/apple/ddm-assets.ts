// SPDX-License-Identifier: MIT
/**
 * DDM asset data (declarations/assets/*.yaml): an asset declaration with a `Reference`
 * (`DataURL`, `ContentType`, `Size`, `Hash-SHA-256`) and `Authentication.Type` (`MDM` | `None`)
 * is downloaded when an active configuration uses it. `MDM` goes through the MDM client's HTTP
 * client (the device identity as TLS client certificate, as check-ins do); `None` through a plain
 * client trusting the same roots. The body is bounded by `Size` (+4 KiB) and a hard limit (1 MiB), then
 * ContentType, Size and SHA-256 are checked. Outcomes are values for the status report
 * (Error.AssetCannotBeDownloaded / Error.AssetCannotBeVerified / Error.InvalidPayload), never
 * exceptions. Data is refetched only when the asset's ServerToken changes.
 */
import { SimError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import type { MdmClient } from "../../protocol/apple/mdm-client.js";
import type { HttpClient } from "../../ports/http.js";
import { toPem } from "../../wire/x509/certificate.js";
import type { DdmReason } from "../../wire/apple/ddm.js";
import type { AppleDevice } from "./state.js";
import { tlsAnchors } from "./profile-trust.js";

export const ASSET_HARD_LIMIT = 1024 * 1024;
export const ASSET_TIMEOUT_MS = 30_000;

export interface AssetOutcome {
  valid: boolean;
  reasons?: DdmReason[];
  /** Bytes downloaded (valid assets). */
  size?: number;
}

interface Held {
  kind: string;
  type: string;
  identifier: string;
  serverToken: string;
  payload: Record<string, unknown>;
}

/** Per device: asset identifier → ServerToken and the outcome of its last download. */
const fetched = new WeakMap<AppleDevice, Map<string, { serverToken: string; outcome: AssetOutcome }>>();

/** Download counters per device (tests). */
export function assetFetches(dev: AppleDevice): number {
  return [...(fetched.get(dev)?.values() ?? [])].length;
}

const bad = (code: string, description: string): AssetOutcome => ({ valid: false, reasons: [{ Code: code, Description: description.slice(0, 300) }] });

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The asset's data: cached by ServerToken, else downloaded and verified. */
export async function resolveAsset(dev: AppleDevice, client: MdmClient, a: Held): Promise<AssetOutcome> {
  let m = fetched.get(dev);
  if (!m) fetched.set(dev, (m = new Map()));
  const prev = m.get(a.identifier);
  if (prev && prev.serverToken === a.serverToken) return prev.outcome;
  const outcome = await download(dev, client, a);
  m.set(a.identifier, { serverToken: a.serverToken, outcome });
  return outcome;
}

async function download(dev: AppleDevice, client: MdmClient, a: Held): Promise<AssetOutcome> {
  const ref = a.payload.Reference;
  if (ref === undefined) return { valid: true };
  if (!ref || typeof ref !== "object" || Array.isArray(ref)) return bad("Error.InvalidPayload", "Reference is not a dictionary");
  const r = ref as Record<string, unknown>;
  const url = r.DataURL;
  if (typeof url !== "string" || !/^https:\/\//.test(url) || url.length > 2048) return bad("Error.InvalidPayload", "Reference.DataURL must be an https:// URL");
  if (r.Size !== undefined && (!Number.isInteger(r.Size) || (r.Size as number) < 0)) return bad("Error.InvalidPayload", "Reference.Size is not a non-negative integer");
  if (r["Hash-SHA-256"] !== undefined && typeof r["Hash-SHA-256"] !== "string") return bad("Error.InvalidPayload", "Reference.Hash-SHA-256 is not a string");
  if (r.ContentType !== undefined && typeof r.ContentType !== "string") return bad("Error.InvalidPayload", "Reference.ContentType is not a string");
  const auth = a.payload.Authentication as { Type?: unknown } | undefined;
  const authType = auth === undefined ? "None" : auth && typeof auth === "object" ? auth.Type : undefined;
  if (authType !== "MDM" && authType !== "None") return bad("Error.InvalidPayload", "Authentication.Type must be MDM or None");
  const size = r.Size as number | undefined;
  // Declared Size plus 4 KiB of slack (an error page must stay readable; a longer body then fails the Size check).
  const limit = Math.min(size ?? ASSET_HARD_LIMIT, ASSET_HARD_LIMIT) + 4096;
  if (size !== undefined && size > ASSET_HARD_LIMIT) return bad("Error.AssetCannotBeDownloaded", `Size ${size} exceeds the device limit ${ASSET_HARD_LIMIT}`);
  const http = authType === "MDM" ? mdmHttp(client) : plainHttp(dev);
  if (!http) return bad("Error.AssetCannotBeDownloaded", "no MDM transport for Authentication MDM");
  const ctx = dev.ctx.protocol;
  return step(ctx, "ddm.asset", async () => {
    let out: AssetOutcome;
    try {
      const res = await exchange({ ...ctx, http }, "ddm.asset", { method: "GET", url, headers: { accept: typeof r.ContentType === "string" ? r.ContentType : "*/*" }, maxBytes: limit, timeoutMs: ASSET_TIMEOUT_MS });
      out = verify(dev, r, res.body, res.headers["content-type"]);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      out = bad("Error.AssetCannotBeDownloaded", `${a.identifier}: ${e.message}`);
    }
    decoded(ctx, "ddm.asset", { identifier: a.identifier, authentication: authType, valid: out.valid, ...(out.reasons ? { reason: out.reasons[0]!.Code } : { size: out.size ?? 0 }) });
    return out;
  });
}

function verify(dev: AppleDevice, r: Record<string, unknown>, body: Uint8Array, contentType: string | undefined): AssetOutcome {
  const want = typeof r.ContentType === "string" ? r.ContentType.toLowerCase() : undefined;
  const got = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (want && got !== want) return bad("Error.AssetCannotBeVerified", `ContentType ${got || "(none)"}, expected ${want}`);
  if (typeof r.Size === "number" && body.length !== r.Size) return bad("Error.AssetCannotBeVerified", `Size ${body.length}, expected ${r.Size}`);
  const h = r["Hash-SHA-256"];
  if (typeof h === "string" && h !== "" && r.Size !== 0) {
    const digest = hex(dev.ctx.ports.crypto.digest("sha256", body));
    if (digest !== h.toLowerCase()) return bad("Error.AssetCannotBeVerified", `Hash-SHA-256 ${digest.slice(0, 16)}…, expected ${h.slice(0, 16)}…`);
  }
  return { valid: true, size: body.length };
}

/** The MDM client's own HTTP client (device identity as TLS client certificate). */
function mdmHttp(client: MdmClient): HttpClient | undefined {
  return client.http;
}

function plainHttp(dev: AppleDevice): HttpClient {
  const ctx = dev.ctx;
  // The device's system roots (ctx.tls: the reference CA in embedded runs) and the installed roots it trusts for TLS (profile-trust.ts).
  const roots = ctx.tls;
  return ctx.ports.http.client({
    tls: {
      ...(roots?.insecure ? { insecure: true } : {}),
      ...(roots?.replaceRoots ? { replaceRoots: true } : {}),
      ca: [...(roots?.ca ?? []), ...tlsAnchors(dev).map((c) => toPem(c.der))],
    },
    keepAlive: ctx.keepAlive ?? true,
  });
}
