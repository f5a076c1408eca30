// SPDX-License-Identifier: MIT
/** Certificates and PKCS#10 requests to their inspect form (fingerprints, self-signature, extensions). */
import { REDACTED } from "../../report/redact.js";
import { Type, children, decode, readOid, type Asn1 } from "../../wire/asn1/der.js";
import { OID } from "../../wire/oids.js";
import { parseCertificate, sameBytes, verifyCertificateSignature, type Certificate } from "../../wire/x509/certificate.js";
import { parseCsr, verifyCsr } from "../../wire/x509/pkcs10.js";
import { spkiInfo } from "../../wire/x509/spki.js";
import type { CryptoPort } from "../../ports/crypto.js";
import type { InspectContext } from "./context.js";
import { inspectExtension } from "./extensions.js";
import { colonHex, describeValue, hex, isoTime, nameOf } from "./names.js";
import type { AttributeInspection, CertificateInspection, CsrInspection, PublicKeyInspection } from "./types.js";

const CURVE_BITS: Record<string, number> = { "P-256": 256, "P-384": 384, "P-521": 521 };

/** Key algorithm, size and curve of a SubjectPublicKeyInfo. */
export function inspectPublicKey(spki: Uint8Array, crypto: CryptoPort): PublicKeyInspection {
  const info = spkiInfo(spki);
  const keyIdentifier = hex(crypto.digest("sha1", info.publicKeyBits));
  if (info.kind === "rsa") return { algorithm: "rsa", bits: info.bits, description: `RSA ${info.bits}`, keyIdentifier };
  if (info.kind === "ec") {
    const alg = children(children(decode(spki, "SubjectPublicKeyInfo"), "SPKI", Type.SEQUENCE, 2)[0], "SPKI algorithm", Type.SEQUENCE, 1);
    let curve: string | undefined;
    try {
      curve = alg[1] ? nameOf(readOid(alg[1], "EC curve")) : undefined;
    } catch {
      curve = undefined; // explicit curve parameters: not named
    }
    const bits = (curve !== undefined ? CURVE_BITS[curve] : undefined) ?? info.bits;
    return { algorithm: "ec", bits, ...(curve ? { curve } : {}), description: `EC ${curve ?? `${bits} bits`}`, keyIdentifier };
  }
  const name = nameOf(info.algorithmOid);
  return { algorithm: name, bits: 0, description: name, keyIdentifier };
}

function validityStatus(c: Certificate, now: Date): CertificateInspection["validity"]["status"] {
  if (now.getTime() < c.notBefore.getTime()) return "not yet valid";
  if (now.getTime() > c.notAfter.getTime()) return "expired";
  return "valid";
}

/** Inspects a parsed certificate. */
export function describeCertificate(c: Certificate, ctx: InspectContext): CertificateInspection {
  const publicKey = inspectPublicKey(c.spki, ctx.crypto);
  const extensions = c.extensions.map(inspectExtension);
  // Self-signed: issuer is subject and, when an authority key id is given, it names this key (as openssl decides).
  const aki = extensions.find((e) => e.oid === OID.authorityKeyIdentifier)?.decoded;
  const selfSigned = sameBytes(c.subjectDer, c.issuerDer) && (typeof aki !== "string" || aki === publicKey.keyIdentifier);
  return {
    kind: "certificate",
    title: "X.509 certificate",
    derLength: c.der.length,
    version: c.version,
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serialHex,
    validity: { notBefore: isoTime(c.notBefore), notAfter: isoTime(c.notAfter), status: validityStatus(c, ctx.now) },
    publicKey,
    signatureAlgorithm: nameOf(c.signatureAlgorithm),
    isCA: c.isCA,
    extensions,
    fingerprints: { sha1: colonHex(ctx.crypto.digest("sha1", c.der)), sha256: colonHex(ctx.crypto.digest("sha256", c.der)) },
    selfSigned,
    ...(selfSigned ? { selfSignatureValid: verifyCertificateSignature(c, c.spki, ctx.crypto) } : {}),
  };
}

/** Parses and inspects a DER certificate (ProtocolViolationError when it is not one). */
export function inspectCertificate(der: Uint8Array, ctx: InspectContext): { cert: Certificate; inspection: CertificateInspection } {
  const cert = parseCertificate(der, "certificate");
  return { cert, inspection: describeCertificate(cert, ctx) };
}

/**
 * For certificates that are not self-signed, notes which other certificate in the same set
 * issued them and whether its key verifies the signature (a CA/RA chain at a glance).
 */
export function linkIssuers(certs: Certificate[], inspections: CertificateInspection[], crypto: CryptoPort): void {
  certs.forEach((c, i) => {
    if (inspections[i]!.selfSigned) return;
    const j = certs.findIndex((other, k) => k !== i && sameBytes(other.subjectDer, c.issuerDer));
    if (j < 0) return;
    inspections[i]!.issuerCertificate = { index: j + 1, signatureValid: verifyCertificateSignature(c, certs[j]!.spki, crypto) };
  });
}

/** Attributes other than challengePassword and extensionRequest, read from the request info. */
function otherAttributes(info: Uint8Array): AttributeInspection[] {
  const parts = children(decode(info, "certificationRequestInfo"), "certificationRequestInfo", Type.SEQUENCE, 4);
  const out: AttributeInspection[] = [];
  for (const attr of children(parts[3], "attributes")) {
    const [t, values] = children(attr, "attribute", Type.SEQUENCE, 2);
    const oid = readOid(t, "attribute type");
    if (oid === OID.challengePassword || oid === OID.extensionRequest) continue;
    out.push({ oid, name: nameOf(oid), values: children(values, "attribute values").map((v: Asn1) => describeValue(v)) });
  }
  return out;
}

/** Parses and inspects a DER PKCS#10 request; the challenge is redacted unless `showSecrets`. */
export function inspectCsr(der: Uint8Array, ctx: InspectContext): CsrInspection {
  const csr = parseCsr(der, "certification request");
  const cp = csr.challengePassword;
  const length = cp === undefined ? 0 : [...cp].length;
  return {
    kind: "csr",
    title: "PKCS#10 certificate request",
    derLength: der.length,
    subject: csr.subject,
    publicKey: inspectPublicKey(csr.spki, ctx.crypto),
    signatureAlgorithm: nameOf(csr.signatureAlgorithm),
    signatureValid: verifyCsr(csr, ctx.crypto),
    ...(cp === undefined
      ? {}
      : { challengePassword: ctx.showSecrets ? { length, redacted: false, value: cp } : { length, redacted: true } }),
    requestedExtensions: csr.extensions.map(inspectExtension),
    attributes: otherAttributes(csr.info),
  };
}

/** Text of a challenge password for people: the value, or `[REDACTED] (N chars)`. */
export function challengeText(cp: NonNullable<CsrInspection["challengePassword"]>): string {
  return cp.redacted ? `${REDACTED} (${cp.length} chars)` : `${JSON.stringify(cp.value)} (${cp.length} chars)`;
}
