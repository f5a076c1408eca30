// SPDX-License-Identifier: MIT
/**
 * ConfigMgr tenant attach, seen from the site's service connection point (SCP) — a Windows server, not an
 * MDM-enrolled device (field failure win-tenant-attach-crl-proxy). Flow `windows-tenant-attach`:
 *   1. `tenant-attach.service`: GET the cloud service's discovery document (upload URL, service certificate +
 *      issuing CA); the service certificate must be signed by that CA.
 *   2. `tenant-attach.crl`: the revocation check of the service certificate: GET each cRLDistributionPoints URL,
 *      verify the CRL's issuer and signature, its nextUpdate, and that the certificate is not listed.
 *   3. `tenant-attach.upload`: POST the site's device records.
 * Proxies, as the field report describes them: ConfigMgr's own traffic (steps 1 and 3) goes through the proxy
 * configured for the site system, which the site firewall lets out; the revocation check runs through WinHTTP's
 * *system* proxy. Without one (`tenantAttach.systemProxy: false`, the default) it connects directly, and the site
 * firewall (`options.windows.firewall` URL prefixes) refuses it: the upload fails on the CRL check with
 * CRYPT_E_REVOCATION_OFFLINE, naming the CRL URL. A WinHTTP proxy on the server — device state
 * `state.winhttpProxy` (netsh winhttp set proxy; proxy.ts), or `tenantAttach.systemProxy: true` — sends it through
 * the proxy instead.
 */
import { ProtocolViolationError, ScenarioError, TransportError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { parseCertificate, sameBytes, verifyCertificateSignature, type Certificate } from "../../wire/x509/certificate.js";
import { OID_CRL_DISTRIBUTION_POINTS, parseCrl, readCrlDistributionPoints, verifyCrlSignature } from "../../wire/x509/crl.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { firewalled } from "./firewall.js";
import type { WindowsOptions } from "./options.js";

export const REVOCATION_OFFLINE = 'CRYPT_E_REVOCATION_OFFLINE (0x80092013): "The revocation function was unable to check revocation because the revocation server was offline."';
export const REVOKED = 'CRYPT_E_REVOKED (0x80092010): "The certificate is revoked."';

const b64der = (s: unknown, what: string): Uint8Array => {
  if (typeof s !== "string" || s.length > 64 * 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) throw new ProtocolViolationError("tenant-attach.bad-certificate", `${what} is not base64 DER`);
  return new Uint8Array(Buffer.from(s, "base64"));
};

export async function runTenantAttach(ctx: FlowContext, options: unknown): Promise<FlowResult> {
  const raw = ((options as { windows?: WindowsOptions } | undefined)?.windows ?? {}) as WindowsOptions;
  const ta = raw.tenantAttach ?? {};
  const p = ctx.protocol;
  const https = ctx.targets.server?.https;
  const base = ta.serviceUrl ?? (https ? `${https}/windows/cmgateway` : undefined);
  if (!base) throw new ScenarioError("windows-tenant-attach needs options.windows.tenantAttach.serviceUrl (or the embedded server)");
  const fail = (code: string, stepName: string, message: string): FlowResult => ({ ok: false, code, step: stepName, message, keychain: { identities: [] } });
  // The site firewall applies to direct connections; the proxies are allowed out.
  const direct = raw.firewall?.length ? firewalled(p.http, raw.firewall) : p.http;
  // WinHTTP's system proxy: the PC's state.winhttpProxy (netsh winhttp set proxy), or tenantAttach.systemProxy.
  const systemProxy = ta.systemProxy ?? ctx.identity.state?.winhttpProxy !== undefined;
  const revocation = { ...p, http: systemProxy ? p.http : direct };

  const svc = await step(p, "tenant-attach.service", async () => {
    const res = await exchange(p, "tenant-attach.service", { method: "GET", url: `${base}/service`, headers: { accept: "application/json" } });
    let doc: { uploadUrl?: unknown; certificates?: unknown };
    try {
      doc = (JSON.parse(new TextDecoder().decode(res.body)) as typeof doc | null) ?? {};
    } catch {
      throw new ProtocolViolationError("tenant-attach.bad-json", "service document is not JSON");
    }
    if (typeof doc !== "object" || typeof doc.uploadUrl !== "string" || !Array.isArray(doc.certificates) || doc.certificates.length < 2) {
      throw new ProtocolViolationError("tenant-attach.bad-document", "service document needs uploadUrl and certificates [service, issuer]");
    }
    const cert: Certificate = parseCertificate(b64der(doc.certificates[0], "service certificate"), "service certificate");
    const ca: Certificate = parseCertificate(b64der(doc.certificates[1], "issuer certificate"), "issuer certificate");
    if (!sameBytes(cert.issuerDer, ca.subjectDer) || !verifyCertificateSignature(cert, ca.spki, p.crypto)) {
      throw new ProtocolViolationError("tenant-attach.chain", "the service certificate is not signed by the issuer it came with");
    }
    const dp = cert.extensions.find((e) => e.oid === OID_CRL_DISTRIBUTION_POINTS);
    const crlUrls = dp ? readCrlDistributionPoints(dp.value) : [];
    decoded(p, "tenant-attach.service", { uploadUrl: doc.uploadUrl, subject: cert.subject, issuer: cert.issuer, serial: cert.serialHex, crlUrls });
    return { uploadUrl: doc.uploadUrl, cert, ca, crlUrls };
  });

  const check = await step(p, "tenant-attach.crl", async () => {
    if (!svc.crlUrls.length) return { status: "no-cdp" as const };
    const errors: string[] = [];
    for (const url of svc.crlUrls) {
      let body: Uint8Array;
      try {
        body = (await exchange(revocation, "tenant-attach.crl", { method: "GET", url })).body;
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        errors.push(`${url}: ${e.message}`);
        continue;
      }
      const crl = parseCrl(body, `CRL from ${url}`);
      if (!sameBytes(crl.issuerDer, svc.cert.issuerDer) || !verifyCrlSignature(crl, svc.ca.spki, p.crypto)) {
        throw new ProtocolViolationError("crl.bad-signature", `the CRL from ${url} is not signed by ${svc.cert.issuer}`);
      }
      if (crl.nextUpdate && crl.nextUpdate.getTime() < p.clock.now()) {
        errors.push(`${url}: CRL expired at ${crl.nextUpdate.toISOString()}`);
        continue;
      }
      decoded(p, "tenant-attach.crl", { url, thisUpdate: crl.thisUpdate.toISOString(), revoked: crl.revokedSerialsHex.length, serviceRevoked: crl.revokedSerialsHex.includes(svc.cert.serialHex) });
      return crl.revokedSerialsHex.includes(svc.cert.serialHex) ? { status: "revoked" as const, url } : { status: "good" as const, url };
    }
    return { status: "offline" as const, errors };
  });
  if (check.status === "offline") {
    return fail(
      "windows.tenant-attach.crl-check-failed",
      "tenant-attach.crl",
      `Tenant attach: device upload failed on the revocation check of the service certificate: ${REVOCATION_OFFLINE} CRL unreachable — ${check.errors.join("; ")} (the check uses WinHTTP's system proxy${systemProxy ? "" : ", and none is set"})`,
    );
  }
  if (check.status === "revoked") return fail("windows.tenant-attach.certificate-revoked", "tenant-attach.crl", `Tenant attach: device upload failed: ${REVOKED} (${svc.cert.subject}, CRL ${check.url})`);

  const n = Math.max(0, Math.min(10_000, ta.devices ?? 10));
  const up = await step(p, "tenant-attach.upload", async () => {
    const devices = Array.from({ length: n }, (_, i) => ({ name: `CM-${ctx.identity.serialNumber}-${i + 1}`, smsId: `GUID:${p.entropy.fork(`sms.${i}`).uuid(true)}` }));
    const res = await exchange(p, "tenant-attach.upload", {
      method: "POST",
      url: svc.uploadUrl,
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ siteCode: ta.siteCode ?? "PS1", devices })),
    });
    let accepted: unknown;
    try {
      accepted = (JSON.parse(new TextDecoder().decode(res.body)) as { accepted?: unknown } | null)?.accepted;
    } catch {
      throw new ProtocolViolationError("tenant-attach.bad-json", "upload answer is not JSON");
    }
    decoded(p, "tenant-attach.upload", { devices: n, accepted });
    return typeof accepted === "number" ? accepted : 0;
  });
  return { ok: true, code: "windows.tenant-attach.uploaded", message: `${up} device records uploaded`, keychain: { identities: [] } };
}
