// SPDX-License-Identifier: MIT
/**
 * GetCACert answers (RFC 8894 §4.2.1): a single CA certificate, or an RA + CA set in a
 * degenerate PKCS#7. Picks the encryption and verification certificates and pins the CA.
 */
import { ProtocolViolationError, ScenarioError } from "../../errors/index.js";
import type { CryptoPort, HashAlg } from "../../ports/crypto.js";
import { parseSignedData } from "../../wire/cms/signed-data.js";
import { hex, parseCertificate, sameBytes, verifyCertificateSignature, type Certificate } from "../../wire/x509/certificate.js";

export interface CaChain {
  /** The CA that issues device certificates. */
  ca: Certificate;
  /** Recipient of request envelopes: RA with keyEncipherment, else the single RA, else the CA. */
  encryption: Certificate;
  /** Signer of CertReps: RA with digitalSignature, else the single RA, else the CA. */
  verification: Certificate;
  /** Every certificate received. */
  all: Certificate[];
  /** "single" for x-x509-ca-cert, "ra" for x-x509-ca-ra-cert. */
  form: "single" | "ra";
}

export function chainFromResponse(contentType: string, body: Uint8Array, crypto: CryptoPort): CaChain {
  if (contentType === "application/x-x509-ca-cert") {
    const ca = parseCertificate(body, "GetCACert CA certificate");
    return { ca, encryption: ca, verification: ca, all: [ca], form: "single" };
  }
  if (contentType !== "application/x-x509-ca-ra-cert") {
    throw new ProtocolViolationError(
      "scep.wrong-content-type",
      `GetCACert answered Content-Type "${contentType || "(none)"}", expected application/x-x509-ca-cert or application/x-x509-ca-ra-cert`,
    );
  }
  const certs = parseSignedData(body, "GetCACert RA/CA set").certificates;
  if (certs.length === 0) throw new ProtocolViolationError("scep.no-ca-cert", "GetCACert RA/CA set holds no certificates");
  if (certs.length === 1) {
    const only = certs[0]!;
    return { ca: only, encryption: only, verification: only, all: certs, form: "ra" };
  }
  const ras = certs.filter((c) => !c.isCA);
  if (ras.length === 0) return issuingChain(certs, crypto);
  // The CA is the one that issued an RA (or, failing that, the self-signed / CA-flagged one).
  const ca =
    certs.find((c) => c.isCA && ras.some((r) => issues(c, r, crypto))) ??
    certs.find((c) => c.isCA && certs.some((o) => o !== c && issues(c, o, crypto))) ??
    certs.find((c) => sameBytes(c.issuerDer, c.subjectDer)) ??
    certs.find((c) => c.isCA);
  if (!ca) throw new ProtocolViolationError("scep.ra-invalid", "GetCACert RA/CA set has no CA certificate (none is a CA that issued the others)");
  const encryption = ras.find((c) => c.keyUsage?.includes("keyEncipherment")) ?? (ras.length === 1 ? ras[0] : undefined);
  const verification = ras.find((c) => c.keyUsage?.includes("digitalSignature")) ?? (ras.length === 1 ? ras[0] : undefined);
  if (!encryption || !verification) {
    throw new ProtocolViolationError(
      "scep.ra-invalid",
      "The Registration Authority's response is invalid: no RA certificate has keyEncipherment/digitalSignature key usage",
    );
  }
  return { ca, encryption, verification, all: certs, form: "ra" };
}

const issues = (issuer: Certificate, c: Certificate, crypto: CryptoPort): boolean =>
  sameBytes(c.issuerDer, issuer.subjectDer) && verifyCertificateSignature(c, issuer.spki, crypto);

/**
 * A set of CA certificates and no RA: a CA that issues from an intermediate (RFC 8894 §4.2.1.2: "the intermediate CA
 * certificate(s) as the leaf certificate(s)"). The issuing CA is the chain's leaf, the CA certificate that issued no other
 * one in the set; the request is encrypted to it and its CertReps verified with it. CA certificates that form no single
 * chain (two leaves: unrelated CAs) name no issuing CA: refused.
 */
function issuingChain(certs: Certificate[], crypto: CryptoPort): CaChain {
  const leaves = certs.filter((c) => !certs.some((o) => o !== c && issues(c, o, crypto)));
  if (leaves.length !== 1) {
    throw new ProtocolViolationError(
      "scep.ra-invalid",
      `The Registration Authority's response is invalid: the RA/CA set holds no RA certificate, and its ${certs.length} CA certificates form no single chain (${leaves.length} leaves: ${leaves.map((c) => c.subject).join("; ") || "none"})`,
    );
  }
  const ca = leaves[0]!;
  return { ca, encryption: ca, verification: ca, all: certs, form: "ra" };
}

/** Parses "sha256:AB:CD…" / "sha1:…" / "md5:…" or a bare hex string (length picks the digest). */
export function parseFingerprint(spec: string): { alg: HashAlg; hex: string } {
  const m = /^(?:(md5|sha1|sha-1|sha256|sha-256):)?([0-9a-fA-F:\s]+)$/.exec(spec.trim());
  if (!m) throw new ScenarioError(`CA fingerprint "${spec}" is not [md5|sha1|sha256:]hex`);
  const h = m[2]!.replace(/[:\s]/g, "").toLowerCase();
  const alg = (m[1]?.replace("-", "") as HashAlg | undefined) ?? (h.length === 32 ? "md5" : h.length === 40 ? "sha1" : "sha256");
  const expectedLen = { md5: 32, sha1: 40, sha256: 64 }[alg as "md5" | "sha1" | "sha256"];
  if (h.length !== expectedLen) throw new ScenarioError(`CA fingerprint "${spec}" has ${h.length} hex digits, ${alg} needs ${expectedLen}`);
  return { alg, hex: h };
}

export function checkFingerprint(ca: Certificate, spec: string, crypto: CryptoPort): void {
  const fp = parseFingerprint(spec);
  const actual = hex(crypto.digest(fp.alg, ca.der));
  if (actual !== fp.hex) {
    throw new ProtocolViolationError(
      "scep.ca-fingerprint-mismatch",
      `CA certificate ${ca.subject} has ${fp.alg} fingerprint ${actual}, but the configuration pins ${fp.hex}`,
    );
  }
}

/**
 * The pin of a CA whose GetCACert answer is a chain: the pinned certificate may be the issuing CA or one above it in the
 * set (Apple's SecSCEP finds the certificate matching CAFingerprint among all of them and anchors the chain there;
 * Windows' ClientCertificateInstall CAThumbprint names the root). Passes when the issuing CA or a CA it chains to
 * through the set matches; otherwise throws checkFingerprint's mismatch for the issuing CA.
 */
export function checkChainFingerprint(chain: CaChain, spec: string, crypto: CryptoPort): void {
  const fp = parseFingerprint(spec);
  const path = [chain.ca];
  for (let c = chain.ca; !sameBytes(c.issuerDer, c.subjectDer); ) {
    const up = chain.all.find((o) => o.isCA && !path.includes(o) && issues(o, c, crypto));
    if (!up) break;
    path.push((c = up));
  }
  if (path.some((c) => hex(crypto.digest(fp.alg, c.der)) === fp.hex)) return;
  checkFingerprint(chain.ca, spec, crypto);
}

