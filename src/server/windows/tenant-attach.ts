// SPDX-License-Identifier: MIT
/**
 * Tenant-attach cloud service stand-in (field failure win-tenant-attach-crl-proxy): what a ConfigMgr service
 * connection point (SCP) talks to when it uploads its devices.
 *   GET  /windows/cmgateway/service      {uploadUrl, certificates: [service, issuing CA] (base64 DER)}
 *   POST /windows/cmgateway/upload       {siteCode, devices: [{name, smsId}]} → {accepted}
 *   GET  /windows/pki/enrollsim-ca.crl   the reference CA's CRL (DER, application/pkix-crl)
 * The service certificate is issued by the reference CA with a cRLDistributionPoints URL (default: this
 * CRL on the plain-HTTP listener, as CRL URLs are; `tenantAttach.crlUrl` to change it), so a client that checks
 * revocation must reach that URL. Honest limit: the HTTPS listener's own TLS certificate belongs to the shared
 * reference server and has no CRL distribution point, so the service hands its certificate to the client in the
 * discovery document and the client checks that one.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { PrivateKey } from "../../ports/crypto.js";
import { buildCertificate, parseCertificate, type Certificate } from "../../wire/x509/certificate.js";
import { buildCrl, crlDistributionPoints } from "../../wire/x509/crl.js";
import { extKeyUsage } from "../../wire/x509/extensions.js";
import type { HalfContext } from "../half.js";

const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(v)), url: "" });
const DAY = 86_400_000;
export const CRL_PATH = "/windows/pki/enrollsim-ca.crl";

export interface TenantAttachConfig {
  /** CRL distribution point written into the service certificate. Default <http base>/windows/pki/enrollsim-ca.crl. */
  crlUrl?: string;
}

export class TenantAttachService {
  private service: Promise<{ cert: Certificate; key: PrivateKey }> | undefined;
  readonly uploads: { siteCode: string; devices: number }[] = [];
  /** When the CA revoked the service certificate (timeline `revoke: service-certificate`); the CRL lists it from then on. */
  private revokedAt: number | undefined;

  constructor(
    private readonly ctx: HalfContext,
    private readonly cfg: TenantAttachConfig,
  ) {}

  private serviceCert(): Promise<{ cert: Certificate; key: PrivateKey }> {
    this.service ??= (async () => {
      const key = await this.ctx.crypto.generateKey("ec-p256");
      const now = this.ctx.now();
      const { ca, caKey } = this.ctx.scep.id;
      const der = buildCertificate(
        {
          serial: this.ctx.crypto.digest("sha256", new TextEncoder().encode(`tenant-attach:${now}`)).slice(0, 12).map((b, i) => (i === 0 ? (b & 0x7f) | 0x01 : b)),
          issuer: ca.subjectDer,
          subject: "CN=gateway.enrollsim.invalid,O=enrollsim tenant attach",
          notBefore: new Date(now - DAY),
          notAfter: new Date(now + 365 * DAY),
          spki: key.spki,
          extensions: [extKeyUsage(["1.3.6.1.5.5.7.3.1"]), crlDistributionPoints([this.cfg.crlUrl ?? `${this.ctx.urls().http}${CRL_PATH}`])],
        },
        caKey,
        "sha256",
        this.ctx.crypto,
      );
      return { cert: parseCertificate(der, "tenant-attach service certificate"), key };
    })();
    return this.service;
  }

  /** The CA revokes the service certificate now: the next CRL a client fetches lists it (CRYPT_E_REVOKED). */
  revoke(): string {
    this.revokedAt ??= this.ctx.now();
    return "the tenant-attach service certificate is revoked; the CRL lists it from now on";
  }

  async handle(req: HttpRequest, path: string): Promise<HttpResponse | undefined> {
    if (path === "/windows/cmgateway/service" && req.method === "GET") {
      const { cert } = await this.serviceCert();
      return json(200, {
        uploadUrl: `${this.ctx.urls().https}/windows/cmgateway/upload`,
        certificates: [Buffer.from(cert.der).toString("base64"), Buffer.from(this.ctx.scep.id.ca.der).toString("base64")],
      });
    }
    if (path === CRL_PATH && req.method === "GET") {
      const now = this.ctx.now();
      const revoked = this.revokedAt !== undefined ? [{ serial: (await this.serviceCert()).cert.serial, date: new Date(this.revokedAt) }] : [];
      const { ca, caKey } = this.ctx.scep.id;
      const der = buildCrl({ issuerDer: ca.subjectDer, thisUpdate: new Date(now - 60_000), nextUpdate: new Date(now + 7 * DAY), revoked }, caKey, "sha256", this.ctx.crypto);
      return { status: 200, headers: { "content-type": "application/pkix-crl" }, body: der, url: "" };
    }
    if (path === "/windows/cmgateway/upload" && req.method === "POST") {
      let q: { siteCode?: unknown; devices?: unknown };
      try {
        q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 1 << 20)) as typeof q;
      } catch {
        return json(400, { error: "body is not JSON" });
      }
      if (typeof q.siteCode !== "string" || !Array.isArray(q.devices) || q.devices.length > 10_000) return json(400, { error: "expected {siteCode, devices: [...]}" });
      this.uploads.push({ siteCode: q.siteCode, devices: q.devices.length });
      return json(200, { accepted: q.devices.length });
    }
    return undefined;
  }
}
