// SPDX-License-Identifier: MIT
/** Who an MDM request comes from: the device identity by mTLS or Mdm-Signature, issued by the foundation CA and valid now. */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { verifyMdmSignature } from "../../wire/apple/mdm.js";
import { checkSigningTime } from "../../wire/cms/signed-data.js";
import { hex, type Certificate } from "../../wire/x509/certificate.js";
import { text, type AppleCore } from "./core.js";

/** A request with the client certificate the HTTPS listener saw (when one was presented). */
export type TlsRequest = HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } };

/** Device identity from mTLS or Mdm-Signature, issued by the foundation CA. */
export function deviceIdentity(core: AppleCore, req: TlsRequest): Certificate | HttpResponse {
  let cert: Certificate | "unreadable" | "not-issued" | "revoked" | undefined;
  const sig = req.headers?.["mdm-signature"];
  if (sig) {
    // A header that does not verify is refused with the server's status for verification errors:
    // NanoMDM 400 to any of them (nanomdm http/mdm/mdm_cert.go CertExtractMdmSignatureMiddleware;
    // "we cannot send a 401 … the device may unenroll"), MicroMDM 500 (micromdm issue #886:
    // "CMS verify MDM Signed Message … status=500"): embedded.apple.signatureRefusalStatus.
    const refusal = core.config.signatureRefusalStatus ?? 400;
    const r = verifyMdmSignature(sig, req.body ?? new Uint8Array(0), core.ctx.crypto);
    if (!r.ok) return core.reject("mdm.signature", text(refusal, `Mdm-Signature does not verify: ${r.reason}${r.detail ? ` (${r.detail})` : ""}`));
    // The signingTime the device wrote (its own clock) must lie within the identity certificate's
    // validity: both verify with the Go pkcs7 library (smallstep/pkcs7 verify.go,
    // SigningTimeNotValidError, no tolerance). A device clock behind the CA's signs before
    // NotBefore (nanomdm issue #73); embedded.apple.signatureSkewSeconds widens the window.
    const late = checkSigningTime(r.signer, r.certificate, { validitySkewMs: (core.config.signatureSkewSeconds ?? 0) * 1000 });
    if (late) return core.reject("mdm.signing-time", text(refusal, late.message));
    cert = core.ctx.scep.checkIssuedParsed(r.certificate);
  } else if (req.tls?.peerCertificateDer?.length) {
    cert = core.ctx.scep.checkIssued(req.tls.peerCertificateDer);
  }
  if (cert === "unreadable") return core.reject("mdm.client-cert", text(401, "unreadable client certificate"));
  if (!cert) return core.reject("mdm.no-identity", text(401, "no device identity (neither a TLS client certificate nor Mdm-Signature)"));
  if (cert === "not-issued") return core.reject("mdm.unknown-identity", text(401, "device identity is not issued by this server's CA"));
  if (cert === "revoked") return core.reject("mdm.identity-revoked", text(401, "device identity certificate is revoked"));
  const now = core.ctx.now();
  if (cert.notAfter.getTime() < now || cert.notBefore.getTime() > now) return core.reject("mdm.identity-expired", text(401, `device identity certificate is not valid now (notAfter ${cert.notAfter.toISOString()})`));
  return cert;
}

/**
 * The SHA-256 fingerprint (hex) a device record keeps of its identity, computed once per parsed
 * certificate: the issued-by cache hands out the same parsed object for the same DER bytes, so a
 * device's every later check-in reuses it instead of hashing and hex-encoding again.
 */
const fingerprints = new WeakMap<Certificate, string>();
export function identityFingerprint(core: AppleCore, cert: Certificate): string {
  let fp = fingerprints.get(cert);
  if (fp === undefined) {
    fp = hex(core.ctx.crypto.digest("sha256", cert.der));
    fingerprints.set(cert, fp);
  }
  return fp;
}
