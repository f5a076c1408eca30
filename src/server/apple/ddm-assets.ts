// SPDX-License-Identifier: MIT
/**
 * DDM asset data for the reference server (embedded.apple.ddm.assets): each entry becomes an
 * asset declaration whose `Reference` (DataURL under /apple/ddm/assets/<Identifier> on the HTTPS
 * listener, ContentType, Size, Hash-SHA-256) describes the data served there. `Authentication`
 * `MDM` (default) requires the device identity (TLS client certificate), `None` serves anyone.
 * A misconfigured asset store (other bytes than declared, another Content-Type, 404, a short or long
 * body) is a scenario `faults:` entry on the asset's DataURL, not a setting here (issue 10).
 */
import type { Certificate } from "../../wire/x509/certificate.js";
import type { CryptoPort } from "../../ports/crypto.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";

export interface DdmAssetConfig {
  Identifier: string;
  /** com.apple.asset.data (default) or another asset type with a Reference. */
  Type?: string;
  data: string;
  encoding?: "text" | "base64";
  contentType?: string;
  authentication?: "MDM" | "None";
}

export const DDM_ASSET_PREFIX = "/apple/ddm/assets/";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export class DdmAssets {
  /** GETs per asset identifier (served or refused). */
  readonly fetches = new Map<string, number>();
  private cache?: Map<string, { cfg: DdmAssetConfig; bytes: Uint8Array }>;

  constructor(
    private readonly config: () => DdmAssetConfig[] | undefined,
    private readonly crypto: Pick<CryptoPort, "digest">,
    private readonly httpsBase: () => string,
  ) {}

  private all(): Map<string, { cfg: DdmAssetConfig; bytes: Uint8Array }> {
    if (!this.cache) {
      this.cache = new Map();
      for (const cfg of this.config() ?? []) {
        const bytes = new Uint8Array(cfg.encoding === "base64" ? Buffer.from(cfg.data, "base64") : Buffer.from(cfg.data, "utf8"));
        this.cache.set(cfg.Identifier, { cfg, bytes });
      }
    }
    return this.cache;
  }

  /** Asset declarations (without ServerToken) for the declaration set. */
  declarations(): { Type: string; Identifier: string; Payload: Record<string, unknown> }[] {
    return [...this.all().values()].map(({ cfg, bytes }) => {
      const hash = hex(this.crypto.digest("sha256", bytes));
      return {
        Type: cfg.Type ?? "com.apple.asset.data",
        Identifier: cfg.Identifier,
        Payload: {
          Reference: { DataURL: `${this.httpsBase()}${DDM_ASSET_PREFIX}${encodeURIComponent(cfg.Identifier)}`, ContentType: cfg.contentType ?? "application/octet-stream", Size: bytes.length, "Hash-SHA-256": hash },
          Authentication: { Type: cfg.authentication ?? "MDM" },
        },
      };
    });
  }

  /** GET /apple/ddm/assets/<Identifier>. */
  route(req: HttpRequest, path: string, identity: () => Certificate | HttpResponse): HttpResponse {
    if (req.method !== "GET") return res(405, "text/plain", "method not allowed");
    let id: string;
    try {
      id = decodeURIComponent(path.slice(DDM_ASSET_PREFIX.length));
    } catch {
      return res(400, "text/plain", "bad asset identifier");
    }
    const a = this.all().get(id);
    if (!a) return res(404, "text/plain", `no asset ${id.slice(0, 80)}`);
    this.fetches.set(id, (this.fetches.get(id) ?? 0) + 1);
    if ((a.cfg.authentication ?? "MDM") === "MDM") {
      const who = identity();
      if (!("notAfter" in who)) return who;
    }
    const type = a.cfg.contentType ?? "application/octet-stream";
    const body = a.bytes;
    return { status: 200, headers: { "content-type": type, "content-length": String(body.length) }, body, url: "" };
  }
}

function res(status: number, type: string, body: string): HttpResponse {
  return { status, headers: { "content-type": type }, body: new Uint8Array(Buffer.from(body)), url: "" };
}
