// SPDX-License-Identifier: MIT
/**
 * CMS SignedData (RFC 5652 §5) with caller-supplied signed attributes, which SCEP needs and
 * node-forge cannot emit (it writes an empty SET for unknown attributes) or read back.
 * The signature covers the signedAttrs re-tagged as SET OF (0x31), not the [0] form (§5.4).
 */
import type { CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import {
  Type,
  children,
  decode,
  encode,
  explicit,
  implicitSet,
  int,
  isContext,
  nul,
  octets,
  oid,
  primitive,
  raw,
  readIntBytes,
  readOid,
  retagAsSet,
  readTime,
  seq,
  set,
  time,
  type Asn1,
} from "../asn1/der.js";
import { OID, ecdsaSignatureOid, hashByOid, hashOid, signatureHash } from "../oids.js";
import { hex, isIssuerAndSerial, parseCertificate, type Certificate } from "../x509/certificate.js";

export interface Attribute {
  oid: string;
  values: Asn1[];
}

export interface SignerSpec {
  cert: Certificate;
  key: PrivateKey;
  hash: HashAlg;
  /** Attributes besides contentType, messageDigest and signingTime. */
  attributes: Attribute[];
  /**
   * The signer's clock when it signs: the signingTime attribute (RFC 5652 §11.3, UTCTime through 2049).
   * Devices write it from their own clock (ProtocolContext.deviceTime); absent → no signingTime.
   */
  signingTime?: Date;
  /**
   * The OID written in SignerInfo.digestAlgorithm. Default: the digest's own OID (RFC 5652 §5.3), the one
   * SignedData.digestAlgorithms lists. A signature algorithm OID here is an encoding some CAs wrote
   * (wire/scep/certrep-encoding.ts `signerDigestAlgorithm: signature`); it is written with NULL parameters.
   */
  digestAlgorithmOid?: string;
}

export interface SignedDataSpec {
  /** eContentType; default id-data. */
  contentType?: string;
  /** Encapsulated content; omitted (no eContent) when undefined. */
  content?: Uint8Array;
  /** Sign `content` but leave it out of the message (a detached signature, as JAR signature blocks are). */
  detached?: boolean;
  certificates?: Uint8Array[];
  signer?: SignerSpec;
}

/** Builds ContentInfo(SignedData). With no signer, the result is a degenerate certs-only message. */
export function buildSignedData(spec: SignedDataSpec, crypto: CryptoPort): Uint8Array {
  const contentType = spec.contentType ?? OID.data;
  const encap: Asn1[] = [oid(contentType)];
  if (spec.content !== undefined && !spec.detached) encap.push(explicit(0, octets(spec.content)));
  const signerInfos: Asn1[] = [];
  const digestAlgs: Asn1[] = [];
  if (spec.signer) {
    const { cert, key, hash, attributes } = spec.signer;
    const digestAlg = seq(oid(hashOid[hash]), nul());
    digestAlgs.push(digestAlg);
    const signerDigestAlg = spec.signer.digestAlgorithmOid ? seq(oid(spec.signer.digestAlgorithmOid), nul()) : digestAlg;
    const messageDigest = crypto.digest(hash, spec.content ?? new Uint8Array(0));
    const attrs = [
      { oid: OID.contentType, values: [oid(contentType)] },
      { oid: OID.messageDigest, values: [octets(messageDigest)] },
      ...(spec.signer.signingTime ? [{ oid: OID.signingTime, values: [time(spec.signer.signingTime)] }] : []),
      ...attributes,
    ].map((a) => seq(oid(a.oid), set(...a.values)));
    const signedAttrsSet = set(...attrs);
    const toSign = encode(signedAttrsSet);
    const signature = crypto.sign(key, hash, toSign);
    const sigAlg = key.kind === "rsa" ? seq(oid(OID.rsaEncryption), nul()) : seq(oid(ecdsaSignatureOid(hash)));
    signerInfos.push(
      seq(
        int(1),
        seq(raw(cert.issuerDer, "signer issuer"), int(cert.serial)),
        signerDigestAlg,
        implicitSet(0, signedAttrsSet.value as Asn1[]),
        sigAlg,
        octets(signature),
      ),
    );
  }
  const body: Asn1[] = [int(1), set(...digestAlgs), seq(...encap)];
  if (spec.certificates?.length) body.push(implicitSet(0, spec.certificates.map((c) => raw(c, "certificate"))));
  body.push(set(...signerInfos));
  return encode(seq(oid(OID.signedData), explicit(0, seq(...body))));
}

export interface SignerInfo {
  issuerDer: Uint8Array;
  serial: Uint8Array;
  /** The digest: from digestAlgorithm, or (when `digestAlgorithmIsSignature`) the hash the signature OID there names. */
  digest: HashAlg;
  /** SignerInfo.digestAlgorithm as written. */
  digestAlgorithmOid: string;
  /** digestAlgorithm holds a signature algorithm OID (sha256WithRSAEncryption, …), not a DigestAlgorithmIdentifier (RFC 5652 §5.3). */
  digestAlgorithmIsSignature: boolean;
  signatureAlgorithm: string;
  /** signedAttrs as signed: re-tagged SET OF. */
  signedAttrsDer?: Uint8Array;
  attributes: Map<string, Asn1[]>;
  signature: Uint8Array;
}

export interface SignedData {
  contentType: string;
  content?: Uint8Array;
  certificates: Certificate[];
  signers: SignerInfo[];
  /** SignedData.digestAlgorithms, as written (OIDs). */
  digestAlgorithms: string[];
}

/** Unwraps ContentInfo and checks its content type. */
export function contentInfo(der: Uint8Array, what: string): { type: string; content: Asn1 } {
  const [t, c] = children(decode(der, what), what, Type.SEQUENCE, 1);
  const type = readOid(t, `${what} contentType`);
  if (!isContext(c, 0)) throw new ProtocolViolationError("cms.no-content", `${what} has no [0] content`);
  return { type, content: children(c, `${what} content`, undefined, 1)[0]! };
}

export function parseSignedData(der: Uint8Array, what = "SignedData"): SignedData {
  const ci = contentInfo(der, what);
  if (ci.type !== OID.signedData) {
    throw new ProtocolViolationError("cms.wrong-type", `${what} is not SignedData (content type ${ci.type})`);
  }
  const parts = children(ci.content, what, Type.SEQUENCE, 4);
  const digestAlgorithms = children(parts[1], `${what} digestAlgorithms`, Type.SET).map((a, k) =>
    readOid(children(a, `${what} digestAlgorithm ${k}`, Type.SEQUENCE, 1)[0], `${what} digestAlgorithm ${k}`),
  );
  const encap = children(parts[2], `${what} encapContentInfo`, Type.SEQUENCE, 1);
  const contentType = readOid(encap[0], `${what} eContentType`);
  let content: Uint8Array | undefined;
  if (encap[1]) {
    const inner = children(encap[1], `${what} eContent`, undefined, 1)[0]!;
    // BER-style constructed OCTET STRING (chunks) is accepted: some servers emit it.
    content = Array.isArray(inner.value)
      ? Buffer.concat((inner.value as Asn1[]).map((c) => primitive(c, `${what} eContent chunk`, Type.OCTETSTRING)))
      : primitive(inner, `${what} eContent`, Type.OCTETSTRING);
  }
  const certificates: Certificate[] = [];
  let i = 3;
  for (; i < parts.length - 1; i++) {
    if (isContext(parts[i], 0)) {
      children(parts[i], `${what} certificates`).forEach((c, k) =>
        certificates.push(parseCertificate(encode(c), `${what} certificate ${k}`)),
      );
    }
  }
  const signers = children(parts[parts.length - 1], `${what} signerInfos`, Type.SET).map((si, k) =>
    parseSignerInfo(si, `${what} signerInfo ${k}`),
  );
  return { contentType, content, certificates, signers, digestAlgorithms };
}

function parseSignerInfo(obj: Asn1, what: string): SignerInfo {
  const p = children(obj, what, Type.SEQUENCE, 5);
  const [issuer, serial] = children(p[1], `${what} sid (only issuerAndSerialNumber is supported)`, Type.SEQUENCE, 2);
  const digestOid = readOid(children(p[2], `${what} digestAlgorithm`, Type.SEQUENCE, 1)[0], `${what} digestAlgorithm`);
  const digestAlgorithmIsSignature = !hashByOid[digestOid] && !!signatureHash[digestOid];
  const digest = hashByOid[digestOid] ?? signatureHash[digestOid];
  if (!digest) throw new ProtocolViolationError("cms.unknown-digest", `${what} uses unknown digest ${digestOid}`);
  let i = 3;
  const attributes = new Map<string, Asn1[]>();
  let signedAttrsDer: Uint8Array | undefined;
  if (isContext(p[i], 0)) {
    const attrs = children(p[i], `${what} signedAttrs`);
    signedAttrsDer = retagAsSet(p[i]!);
    for (const a of attrs) {
      const [t, v] = children(a, `${what} attribute`, Type.SEQUENCE, 2);
      attributes.set(readOid(t, `${what} attribute type`), children(v, `${what} attribute values`, Type.SET));
    }
    i++;
  }
  const signatureAlgorithm = readOid(children(p[i], `${what} signatureAlgorithm`, Type.SEQUENCE, 1)[0], `${what} signatureAlgorithm`);
  const signature = primitive(p[i + 1], `${what} signature`, Type.OCTETSTRING);
  return {
    issuerDer: encode(issuer!),
    serial: readIntBytes(serial, `${what} serial`),
    digest,
    digestAlgorithmOid: digestOid,
    digestAlgorithmIsSignature,
    signatureAlgorithm,
    signedAttrsDer,
    attributes,
    signature,
  };
}

/** The signer's signingTime attribute (RFC 5652 §11.3), or undefined when it has none. */
export function signingTimeOf(signer: SignerInfo): Date | undefined {
  const v = signer.attributes.get(OID.signingTime)?.[0];
  return v ? readTime(v, "signingTime") : undefined;
}

/** A signingTime a verifier refuses: outside the signer certificate's validity, or too far from the verifier's clock. */
export type SigningTimeRefusal =
  | { reason: "outside-validity"; signingTime: Date; notBefore: Date; notAfter: Date; message: string }
  | { reason: "clock-skew"; signingTime: Date; now: Date; skewMs: number; message: string };

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The signing-time checks of real verifiers, as values:
 * - within the signer certificate's validity, widened by `validitySkewMs` on both sides: the Go
 *   pkcs7 library NanoMDM and MicroMDM verify Mdm-Signature with (smallstep/pkcs7 verify.go,
 *   SigningTimeNotValidError, no tolerance) and micromdm/scep's request check; the message text is
 *   that library's (`pkcs7: signing time "…" is outside of certificate validity "…" to "…"`);
 * - when `clockSkewMs` is given, within that much of the verifier's clock `now` (RFC 8894
 *   §3.2.1.4.5 failInfo badTime: "signingTime … was not sufficiently close to the system time").
 * No signingTime attribute, or one that does not decode as a time: nothing to check (the library
 * only checks a signingTime it could unmarshal).
 */
export function checkSigningTime(signer: SignerInfo, cert: Certificate, o: { validitySkewMs?: number; clockSkewMs?: number; now?: number } = {}): SigningTimeRefusal | undefined {
  let t: Date | undefined;
  try {
    t = signingTimeOf(signer);
  } catch {
    return undefined;
  }
  if (!t || Number.isNaN(t.getTime())) return undefined;
  const skew = o.validitySkewMs ?? 0;
  if (t.getTime() < cert.notBefore.getTime() - skew || t.getTime() > cert.notAfter.getTime() + skew) {
    return {
      reason: "outside-validity",
      signingTime: t,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      message: `pkcs7: signing time "${rfc3339(t)}" is outside of certificate validity "${rfc3339(cert.notBefore)}" to "${rfc3339(cert.notAfter)}"`,
    };
  }
  if (o.clockSkewMs !== undefined && o.now !== undefined && Math.abs(t.getTime() - o.now) > o.clockSkewMs) {
    return {
      reason: "clock-skew",
      signingTime: t,
      now: new Date(o.now),
      skewMs: o.clockSkewMs,
      message: `signing time "${rfc3339(t)}" is ${Math.round(Math.abs(t.getTime() - o.now) / 1000)} s ${t.getTime() < o.now ? "behind" : "ahead of"} the server clock "${rfc3339(new Date(o.now))}" (allowed skew ${Math.round(o.clockSkewMs / 1000)} s)`,
    };
  }
  return undefined;
}

/** The certificate (from `candidates`) a signer names by issuer and serial. */
export function findSignerCert(signer: SignerInfo, candidates: Certificate[]): Certificate | undefined {
  return candidates.find((c) => isIssuerAndSerial(c, signer.issuerDer, signer.serial));
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "digest-mismatch" | "bad-signature" | "no-signed-attributes" | "unsupported-algorithm" };

/**
 * Verifies one signer: messageDigest over the content, then the signature with `spki`. A digestAlgorithm that holds a
 * signature algorithm OID is refused (`unsupported-algorithm`, RFC 5652 §5.3) unless `o.digestFromSignatureOid`: then
 * the hash that OID names is used, as verifiers that accept that encoding do.
 */
export function verifySigner(sd: SignedData, signer: SignerInfo, spki: Uint8Array, crypto: Pick<CryptoPort, "digest" | "verify">, o: { digestFromSignatureOid?: boolean } = {}): SignatureCheck {
  if (signer.digestAlgorithmIsSignature && !o.digestFromSignatureOid) return { ok: false, reason: "unsupported-algorithm" };
  if (!signer.signedAttrsDer) return { ok: false, reason: "no-signed-attributes" };
  const md = signer.attributes.get(OID.messageDigest)?.[0];
  if (!md) return { ok: false, reason: "no-signed-attributes" };
  const expected = crypto.digest(signer.digest, sd.content ?? new Uint8Array(0));
  if (hex(primitive(md, "messageDigest", Type.OCTETSTRING)) !== hex(expected)) return { ok: false, reason: "digest-mismatch" };
  const hash = signer.signatureAlgorithm === OID.rsaEncryption ? signer.digest : signatureHash[signer.signatureAlgorithm];
  if (!hash) return { ok: false, reason: "unsupported-algorithm" };
  return crypto.verify(spki, hash, signer.signedAttrsDer, signer.signature) ? { ok: true } : { ok: false, reason: "bad-signature" };
}

/** Degenerate certs-only SignedData (RFC 8894 §3.4, GetCACert RA chains and CertRep payloads). */
export const buildCertsOnly = (certs: Uint8Array[], crypto: CryptoPort): Uint8Array =>
  buildSignedData({ certificates: certs }, crypto);
