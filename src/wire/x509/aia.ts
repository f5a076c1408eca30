// SPDX-License-Identifier: MIT
/**
 * The Authority Information Access extension (RFC 5280 §4.2.2.1): where a certificate's issuer
 * certificate can be fetched (id-ad-caIssuers, an http URI serving the DER certificate,
 * "application/pkix-cert"). Clients that chase AIA (Windows CryptoAPI, Apple's trust evaluation)
 * use it to complete a chain whose server left an intermediate out.
 */
import { Class, Type, asn1, children, decode, encode, oid, readOid, seq, type Asn1 } from "../asn1/der.js";
import type { Certificate } from "./certificate.js";
import type { Extension } from "./extensions.js";

export const OID_AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
/** id-ad-caIssuers (RFC 5280 §4.2.2.1). */
export const OID_AD_CA_ISSUERS = "1.3.6.1.5.5.7.48.2";

/** authorityInfoAccess with one caIssuers AccessDescription per URL (accessLocation uniformResourceIdentifier). */
export function authorityInfoAccess(caIssuers: string[]): Extension {
  const ad = (url: string): Asn1 => seq(oid(OID_AD_CA_ISSUERS), asn1.create(Class.CONTEXT_SPECIFIC, 6, false, url));
  return { oid: OID_AUTHORITY_INFO_ACCESS, critical: false, value: encode(seq(...caIssuers.map(ad))) };
}

/** The caIssuers URIs of an authorityInfoAccess value (OCSP and other access methods are skipped). */
export function readCaIssuers(value: Uint8Array): string[] {
  const what = "authorityInfoAccess";
  const out: string[] = [];
  for (const ad of children(decode(value, what, 8), what, Type.SEQUENCE)) {
    const [method, location] = children(ad, `${what} AccessDescription`, Type.SEQUENCE, 2);
    if (readOid(method, `${what} accessMethod`) !== OID_AD_CA_ISSUERS) continue;
    if (location?.tagClass === Class.CONTEXT_SPECIFIC && location.type === 6 && typeof location.value === "string") out.push(Buffer.from(location.value, "binary").toString("latin1"));
  }
  return out;
}

/** The caIssuers URLs `cert` names (none without the extension). */
export function caIssuersOf(cert: Pick<Certificate, "extensions">): string[] {
  const ext = cert.extensions.find((e) => e.oid === OID_AUTHORITY_INFO_ACCESS);
  return ext ? readCaIssuers(ext.value) : [];
}
