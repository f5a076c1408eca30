// SPDX-License-Identifier: MIT
/** X.509 certificates: building (signer, CA, issued) and strict reading (RFC 5280). */
import type { CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import {
  Type,
  bitString,
  children,
  decode,
  encode,
  explicit,
  int,
  isContext,
  primitive,
  raw,
  readIntBytes,
  readOid,
  readSmallInt,
  readTime,
  seq,
  time,
  type Asn1,
} from "../asn1/der.js";
import { signatureHash } from "../oids.js";
import { encodeName, readName, type NameAttribute } from "./name.js";
import { extensionAsn1, readBasicConstraints, readExtKeyUsage, readExtension, readKeyUsage, readSubjectAltName, type Extension } from "./extensions.js";
import { OID } from "../oids.js";
import { signatureAlgorithm, spkiInfo } from "./spki.js";

export interface CertificateTemplate {
  /** Positive serial number, big-endian bytes (≤ 20 bytes). */
  serial: Uint8Array;
  /** Issuer name: DN string, RDN list, or DER of a Name (copied exactly, as chaining needs). */
  issuer: string | NameAttribute[][] | Uint8Array;
  subject: string | NameAttribute[][] | Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo of the certified key. */
  spki: Uint8Array;
  extensions?: Extension[];
}

const nameDer = (n: string | NameAttribute[][] | Uint8Array): Uint8Array => (n instanceof Uint8Array ? n : encodeName(n));

/** Builds and signs a certificate with `issuerKey` (native signature through the CryptoPort). */
export function buildCertificate(t: CertificateTemplate, issuerKey: PrivateKey, hash: HashAlg, crypto: CryptoPort): Uint8Array {
  const sigAlg = signatureAlgorithm(issuerKey.kind, hash);
  const tbsItems: Asn1[] = [
    explicit(0, int(2)),
    int(t.serial),
    sigAlg,
    raw(nameDer(t.issuer), "issuer name"),
    seq(time(t.notBefore), time(t.notAfter)),
    raw(nameDer(t.subject), "subject name"),
    raw(t.spki, "subject public key info"),
  ];
  if (t.extensions?.length) tbsItems.push(explicit(3, seq(...t.extensions.map(extensionAsn1))));
  const tbs = encode(seq(...tbsItems));
  const signature = crypto.sign(issuerKey, hash, tbs);
  return encode(seq(raw(tbs, "tbsCertificate"), signatureAlgorithm(issuerKey.kind, hash), bitString(signature)));
}

export interface Certificate {
  der: Uint8Array;
  tbs: Uint8Array;
  version: number;
  serial: Uint8Array;
  serialHex: string;
  issuer: string;
  issuerDer: Uint8Array;
  subject: string;
  subjectDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  extensions: Extension[];
  isCA: boolean;
  keyUsage?: string[];
  extKeyUsage?: string[];
  subjectAltName?: string[];
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Most distinct certificates whose parsed form is kept (see {@link parseCertificate}). */
export const PARSED_CERTIFICATE_CACHE_SIZE = 512;
/** Parsed certificates by their DER bytes (as a latin1 string), least recently used first. */
const parsed = new Map<string, Readonly<Certificate>>();

/**
 * Parses a DER certificate strictly; anything malformed is a ProtocolViolationError naming `what`.
 *
 * Every device of a fleet parses the same few certificates (the server's CA and RA certificates in
 * GetCACert, the profile signer and its chain, the CA payloads of the enrollment profile):
 * parsing them again was 3.4 % of the simulator's profiled CPU per Apple enrolment, ≈ 27 µs per
 * certificate (docs/performance.md, "Seventh round"). So the result of a successful parse is kept
 * by the certificate's exact bytes, for at most {@link PARSED_CERTIFICATE_CACHE_SIZE} certificates
 * (least recently used dropped first), and returned frozen (it is shared by every caller that
 * parses the same bytes; no caller changes a parsed certificate). The result depends on the bytes
 * alone; a failure is never kept (the next caller gets the same error naming its own `what`), and
 * the kept `der` is a copy, so a caller that changes its array afterwards changes nothing here.
 */
export function parseCertificate(der: Uint8Array, what = "certificate"): Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("latin1");
  const hit = parsed.get(key);
  if (hit) {
    parsed.delete(key);
    parsed.set(key, hit);
    return hit;
  }
  const cert = Object.freeze({ ...readCertificate(der, what), der: der.slice() });
  Object.freeze(cert.extensions);
  pems.set(cert.der, undefined);
  if (parsed.size >= PARSED_CERTIFICATE_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, cert);
  return cert;
}

function readCertificate(der: Uint8Array, what: string): Certificate {
  const top = children(decode(der, what), what, Type.SEQUENCE, 3);
  const tbsObj = top[0]!;
  const tbsParts = children(tbsObj, `${what} tbsCertificate`, Type.SEQUENCE, 6);
  let i = 0;
  let version = 1;
  if (isContext(tbsParts[0], 0)) {
    version = readSmallInt(children(tbsParts[0], `${what} version`, undefined, 1)[0], `${what} version`) + 1;
    i++;
  }
  const serial = readIntBytes(tbsParts[i++], `${what} serial`);
  i++; // inner signature algorithm
  const issuerObj = tbsParts[i++]!;
  const [nb, na] = children(tbsParts[i++], `${what} validity`, Type.SEQUENCE, 2);
  const subjectObj = tbsParts[i++]!;
  const spkiObj = tbsParts[i++]!;
  const extensions: Extension[] = [];
  for (; i < tbsParts.length; i++) {
    if (isContext(tbsParts[i], 3)) {
      const list = children(children(tbsParts[i], `${what} extensions`, undefined, 1)[0], `${what} extensions`, Type.SEQUENCE);
      list.forEach((e, k) => extensions.push(readExtension(e, `${what} extension ${k}`)));
    }
  }
  const sigAlg = readOid(children(top[1], `${what} signatureAlgorithm`, Type.SEQUENCE, 1)[0], `${what} signatureAlgorithm`);
  const signature = primitive(top[2], `${what} signature`, Type.BITSTRING).subarray(1);
  const find = (o: string) => extensions.find((e) => e.oid === o);
  const issuer = readName(issuerObj, `${what} issuer`);
  const subject = readName(subjectObj, `${what} subject`);
  try {
    const ku = find(OID.keyUsage);
    const eku = find(OID.extKeyUsage);
    const san = find(OID.subjectAltName);
    const bc = find(OID.basicConstraints);
    return {
      der,
      tbs: encode(tbsObj),
      version,
      serial,
      serialHex: hex(serial),
      issuer: issuer.text,
      issuerDer: encode(issuerObj),
      subject: subject.text,
      subjectDer: encode(subjectObj),
      notBefore: readTime(nb, `${what} notBefore`),
      notAfter: readTime(na, `${what} notAfter`),
      spki: encode(spkiObj),
      signatureAlgorithm: sigAlg,
      signature,
      extensions,
      isCA: bc ? readBasicConstraints(bc.value).ca : false,
      keyUsage: ku ? readKeyUsage(ku.value) : undefined,
      extKeyUsage: eku ? readExtKeyUsage(eku.value) : undefined,
      subjectAltName: san ? readSubjectAltName(san.value) : undefined,
    };
  } catch (err) {
    if (err instanceof ProtocolViolationError) throw err;
    throw new ProtocolViolationError("asn1.unexpected", `${what} has a malformed extension (${(err as Error).message})`, { cause: err });
  }
}

/** True when `cert` is signed by the key in `issuerSpki`. */
export function verifyCertificateSignature(cert: Certificate, issuerSpki: Uint8Array, crypto: Pick<CryptoPort, "verify">): boolean {
  const hash = signatureHash[cert.signatureAlgorithm];
  if (!hash) return false;
  return crypto.verify(issuerSpki, hash, cert.tbs, cert.signature);
}

/** True when two DER strings are byte-identical. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** Issuer/serial match, the CMS IssuerAndSerialNumber identity (RFC 5652 §10.2.4). */
export const isIssuerAndSerial = (cert: Certificate, issuerDer: Uint8Array, serial: Uint8Array): boolean =>
  sameBytes(cert.issuerDer, issuerDer) && hex(cert.serial) === hex(serial);

/** RFC 5280 §4.2.1.2 method 1 key identifier: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array, crypto: CryptoPort): Uint8Array {
  return crypto.digest("sha1", spkiInfo(spki).publicKeyBits);
}

/**
 * PEM of the kept certificates' DER arrays (owned by the parse cache above, never handed out to be
 * filled): an Apple device wrote the same anchors and identity as PEM at each of its three
 * checkpoints, its TLS trust list and its enrolled state (≈ 1 % of its CPU per enrolment).
 */
const pems = new WeakMap<Uint8Array, string | undefined>();

/** PEM armour. */
export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const kept = label === "CERTIFICATE" && pems.has(der);
  const known = kept ? pems.get(der) : undefined;
  if (known !== undefined) return known;
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  const pem = `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
  if (kept) pems.set(der, pem);
  return pem;
}

/** All PEM blocks of a label in a text (or [] when none). */
export function fromPem(text: string, label = "CERTIFICATE"): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")));
}
