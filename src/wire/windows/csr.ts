// SPDX-License-Identifier: MIT
/**
 * The two PKCS#10 profiles real Windows devices send (notes §6.2), byte for byte:
 *  - win10-legacy: one RDN, CN as PrintableString (tag 0x13) = first 30 chars of the enrollment GUID
 *    + "!" + 32-hex DeviceID + 0x00; extensionRequest with 1.3.6.1.4.1.311.66.1.0 whose OCTET STRING
 *    holds raw ASCII DeviceID + 0x00; signed SHA-1 under the OIW OID 1.3.14.3.2.29 when the policy
 *    names no hash.
 *  - win11: CN as UTF8String without NUL, the same extension plus EKU clientAuth, SHA-256.
 * '!' and NUL are outside PrintableString, so the Name DER is built here by hand; the shared
 * buildCsr signs, and the outer AlgorithmIdentifier is swapped for the OIW OID when asked (the
 * signature covers only certificationRequestInfo, so the swap keeps it valid).
 */
import type { CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { Type, asn1, bitString, encode, nul, oid, raw, seq, set, type Asn1 } from "../asn1/der.js";
import { OID } from "../oids.js";
import { extKeyUsage, type Extension } from "../x509/extensions.js";
import { buildCsr, parseCsr } from "../x509/pkcs10.js";

export type CsrProfile = "win10-legacy" | "win11";

export const OID_MS_DEVICE_ID_EXT = "1.3.6.1.4.1.311.66.1.0";
export const OID_OIW_SHA1_RSA = "1.3.14.3.2.29";
const OID_CN = "2.5.4.3";

export interface WindowsCsrInput {
  profile: CsrProfile;
  /** Enrollment GUID, e.g. "562A7F9A-6CD8-40B0-9E7E-0DBDD8A1B2C3" (first 30 chars used). */
  enrollmentGuid: string;
  /** 32 upper-case hex. */
  deviceId: string;
  /** The policy's hash; undefined when the policy names none. */
  policyHash?: HashAlg;
}

/** The CN text (without the string-type tag) a profile puts in the subject. */
export function windowsCn(input: Pick<WindowsCsrInput, "profile" | "enrollmentGuid" | "deviceId">): string {
  const base = `${input.enrollmentGuid.toUpperCase().slice(0, 30)}!${input.deviceId}`;
  return input.profile === "win10-legacy" ? `${base}\0` : base;
}

/** Name DER with one RDN whose CN uses the given universal string tag; bytes are written as is. */
export function rawCnName(cn: string, tag: number): Uint8Array {
  const value: Asn1 = asn1.create(asn1.Class.UNIVERSAL, tag, false, Buffer.from(cn, tag === Type.UTF8 ? "utf8" : "latin1").toString("binary"));
  return encode(seq(set(seq(oid(OID_CN), value))));
}

export function deviceIdExtension(deviceId: string): Extension {
  return { oid: OID_MS_DEVICE_ID_EXT, critical: false, value: new Uint8Array(Buffer.from(`${deviceId}\0`, "latin1")) };
}

export interface WindowsCsr {
  der: Uint8Array;
  hash: HashAlg;
  signatureOid: string;
}

export function buildWindowsCsr(input: WindowsCsrInput, key: PrivateKey, crypto: CryptoPort): WindowsCsr {
  const legacy = input.profile === "win10-legacy";
  const subject = rawCnName(windowsCn(input), legacy ? Type.PRINTABLESTRING : Type.UTF8);
  const extensions = [deviceIdExtension(input.deviceId)];
  if (!legacy) extensions.push(extKeyUsage([OID.clientAuth]));
  const hash: HashAlg = input.policyHash ?? (legacy ? "sha1" : "sha256");
  const der = buildCsr({ subject, extensions }, key, hash, crypto);
  if (!(legacy && input.policyHash === undefined && key.kind === "rsa")) {
    return { der, hash, signatureOid: parseCsr(der).signatureAlgorithm };
  }
  const parsed = parseCsr(der);
  const swapped = encode(seq(raw(parsed.info, "certificationRequestInfo"), seq(oid(OID_OIW_SHA1_RSA), nul()), bitString(parsed.signature)));
  return { der: swapped, hash, signatureOid: OID_OIW_SHA1_RSA };
}

/** DeviceID carried by the 311.66.1.0 extension (NUL stripped), or undefined. */
export function deviceIdFromCsr(extensions: Extension[]): string | undefined {
  const ext = extensions.find((e) => e.oid === OID_MS_DEVICE_ID_EXT);
  return ext ? Buffer.from(ext.value).toString("latin1").replace(/\0+$/, "") : undefined;
}
