// SPDX-License-Identifier: MIT
/**
 * X.509 CRLs and the CRL distribution points extension (RFC 5280 §5.1, §4.2.1.13): just enough to build a
 * v2 CRL signed by a CA and to read one strictly (issuer, thisUpdate/nextUpdate, revoked serials, signature).
 */
import type { CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import { Class, Type, asn1, bitString, children, decode, encode, int, isContext, primitive, raw, readIntBytes, readOid, readSmallInt, readTime, seq, time, type Asn1 } from "../asn1/der.js";
import { signatureHash } from "../oids.js";
import { hex } from "./certificate.js";
import type { Extension } from "./extensions.js";
import { signatureAlgorithm } from "./spki.js";

export const OID_CRL_DISTRIBUTION_POINTS = "2.5.29.31";

/** cRLDistributionPoints with one DistributionPoint per URL (fullName uniformResourceIdentifier). */
export function crlDistributionPoints(urls: string[]): Extension {
  const dp = (url: string): Asn1 =>
    seq(asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(Class.CONTEXT_SPECIFIC, 6, false, url)])]));
  return { oid: OID_CRL_DISTRIBUTION_POINTS, critical: false, value: encode(seq(...urls.map(dp))) };
}

/** The URI fullNames of a cRLDistributionPoints value (other name forms are skipped). */
export function readCrlDistributionPoints(value: Uint8Array): string[] {
  const what = "cRLDistributionPoints";
  const out: string[] = [];
  for (const dp of children(decode(value, what, 8), what, Type.SEQUENCE)) {
    for (const part of children(dp, `${what} DistributionPoint`, Type.SEQUENCE)) {
      if (!isContext(part, 0)) continue;
      for (const name of children(part, `${what} distributionPoint`)) {
        if (!isContext(name, 0)) continue;
        for (const g of children(name, `${what} fullName`)) {
          if (g.tagClass === Class.CONTEXT_SPECIFIC && g.type === 6 && typeof g.value === "string") out.push(Buffer.from(g.value, "binary").toString("latin1"));
        }
      }
    }
  }
  return out;
}

export interface CrlTemplate {
  /** DER of the issuer Name (copied exactly). */
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: { serial: Uint8Array; date: Date }[];
}

export function buildCrl(t: CrlTemplate, issuerKey: PrivateKey, hash: HashAlg, crypto: CryptoPort): Uint8Array {
  const items: Asn1[] = [int(1), signatureAlgorithm(issuerKey.kind, hash), raw(t.issuerDer, "issuer name"), time(t.thisUpdate), time(t.nextUpdate)];
  if (t.revoked.length) items.push(seq(...t.revoked.map((r) => seq(int(r.serial), time(r.date)))));
  const tbs = encode(seq(...items));
  return encode(seq(raw(tbs, "tbsCertList"), signatureAlgorithm(issuerKey.kind, hash), bitString(crypto.sign(issuerKey, hash, tbs))));
}

export interface Crl {
  tbs: Uint8Array;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revokedSerialsHex: string[];
  signatureAlgorithm: string;
  signature: Uint8Array;
}

export function parseCrl(der: Uint8Array, what = "CRL"): Crl {
  const top = children(decode(der, what), what, Type.SEQUENCE, 3);
  const parts = children(top[0], `${what} tbsCertList`, Type.SEQUENCE, 4);
  let i = 0;
  if (parts[0]?.tagClass === Class.UNIVERSAL && parts[0].type === Type.INTEGER) {
    if (readSmallInt(parts[0], `${what} version`) !== 1) throw new ProtocolViolationError("crl.version", `${what}: only v2 CRLs are read`);
    i++;
  }
  i++; // inner signature algorithm
  const issuerDer = encode(parts[i++]!);
  const thisUpdate = readTime(parts[i++], `${what} thisUpdate`);
  let nextUpdate: Date | undefined;
  const p = parts[i];
  if (p && p.tagClass === Class.UNIVERSAL && (p.type === Type.UTCTIME || p.type === Type.GENERALIZEDTIME)) {
    nextUpdate = readTime(p, `${what} nextUpdate`);
    i++;
  }
  const revokedSerialsHex: string[] = [];
  const r = parts[i];
  if (r && r.tagClass === Class.UNIVERSAL && r.type === Type.SEQUENCE) {
    const list = children(r, `${what} revokedCertificates`, Type.SEQUENCE);
    if (list.length > 100_000) throw new ProtocolViolationError("crl.too-large", `${what}: ${list.length} entries`);
    list.forEach((e, k) => revokedSerialsHex.push(hex(readIntBytes(children(e, `${what} entry ${k}`, Type.SEQUENCE, 2)[0], `${what} entry ${k} serial`))));
  }
  const signatureAlgorithmOid = readOid(children(top[1], `${what} signatureAlgorithm`, Type.SEQUENCE, 1)[0], `${what} signatureAlgorithm`);
  const signature = primitive(top[2], `${what} signature`, Type.BITSTRING).subarray(1);
  return { tbs: encode(top[0]!), issuerDer, thisUpdate, ...(nextUpdate ? { nextUpdate } : {}), revokedSerialsHex, signatureAlgorithm: signatureAlgorithmOid, signature };
}

export function verifyCrlSignature(crl: Crl, issuerSpki: Uint8Array, crypto: CryptoPort): boolean {
  const hash = signatureHash[crl.signatureAlgorithm];
  return hash ? crypto.verify(issuerSpki, hash, crl.tbs, crl.signature) : false;
}

