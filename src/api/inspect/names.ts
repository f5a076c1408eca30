// SPDX-License-Identifier: MIT
/** Readable names and value renderings for inspect: OIDs, hex, fingerprints, times, generic ASN.1 values. */
import { Class, Type, asn1, readOid, readString, readTime, type Asn1 } from "../../wire/asn1/der.js";
import { oidNames } from "../../wire/oids.js";

/** Names for OIDs that enrollsim's codecs do not use but real certificates and CSRs carry. */
const EXTRA_NAMES: Record<string, string> = {
  // extensions
  "2.5.29.9": "subjectDirectoryAttributes",
  "2.5.29.18": "issuerAltName",
  "2.5.29.30": "nameConstraints",
  "2.5.29.31": "cRLDistributionPoints",
  "2.5.29.32": "certificatePolicies",
  "2.5.29.33": "policyMappings",
  "2.5.29.36": "policyConstraints",
  "2.5.29.46": "freshestCRL",
  "2.5.29.54": "inhibitAnyPolicy",
  "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
  "1.3.6.1.5.5.7.1.11": "subjectInfoAccess",
  "1.3.6.1.5.5.7.48.1.5": "ocspNoCheck",
  "1.3.6.1.4.1.11129.2.4.2": "ctPrecertificateSCTs",
  "2.16.840.1.113730.1.1": "netscapeCertType",
  "2.16.840.1.113730.1.13": "netscapeComment",
  "1.3.6.1.4.1.311.20.2": "msCertificateTemplateName",
  "1.3.6.1.4.1.311.21.7": "msCertificateTemplate",
  "1.3.6.1.4.1.311.21.10": "msApplicationPolicies",
  "1.3.6.1.4.1.311.21.1": "msCaVersion",
  "1.3.6.1.4.1.311.25.2": "msNtdsCaSecurity",
  // extended key usages
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "1.3.6.1.5.5.7.3.5": "ipsecEndSystem",
  "1.3.6.1.5.5.7.3.6": "ipsecTunnel",
  "1.3.6.1.5.5.7.3.7": "ipsecUser",
  "1.3.6.1.5.5.8.2.2": "ipsecIKE",
  "1.3.6.1.5.5.7.3.17": "ipsecIKE",
  "1.3.6.1.4.1.311.20.2.2": "msSmartcardLogon",
  "1.3.6.1.4.1.311.10.3.4": "msEncryptingFileSystem",
  "1.3.6.1.4.1.311.20.2.1": "msEnrollmentAgent",
  "2.5.29.37.0": "anyExtendedKeyUsage",
  // attributes
  "1.2.840.113549.1.9.2": "unstructuredName",
  "1.2.840.113549.1.9.8": "unstructuredAddress",
  "1.2.840.113549.1.9.15": "smimeCapabilities",
  "1.2.840.113549.1.9.16.2.47": "signingCertificateV2",
  "1.2.840.113549.1.9.16.2.12": "signingCertificate",
  "1.2.840.113549.1.9.52": "cmsAlgorithmProtection",
  "1.3.6.1.4.1.311.13.2.1": "msEnrollmentNameValuePair",
  "1.3.6.1.4.1.311.13.2.2": "msEnrollmentCspProvider",
  "1.3.6.1.4.1.311.13.2.3": "msOsVersion",
  "1.3.6.1.4.1.311.21.20": "msRequestClientInfo",
  // algorithms
  "1.2.840.113549.1.1.4": "md5WithRSA",
  "1.2.840.113549.1.1.7": "rsaesOaep",
  "1.2.840.113549.1.1.10": "rsassaPss",
  "1.2.840.113549.1.1.14": "sha224WithRSA",
  "1.3.101.112": "ed25519",
  "1.3.101.113": "ed448",
  "1.2.840.10040.4.1": "dsa",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.1.6": "aes128gcm",
  "2.16.840.1.101.3.4.1.46": "aes256gcm",
  "1.2.840.113549.3.2": "rc2cbc",
  // curves
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
  // CMS content types
  "1.2.840.113549.1.9.16.1.23": "authEnvelopedData",
  "1.2.840.113549.1.7.5": "digestedData",
  "1.2.840.113549.1.7.6": "encryptedData",
  "1.2.840.113549.1.9.16.1.9": "compressedData",
};

/** Readable name of an OID, or the dotted form when enrollsim knows no name for it. */
export const nameOf = (oid: string): string => EXTRA_NAMES[oid] ?? oidNames[oid] ?? oid;

/** Lowercase hex, no separators. */
export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Uppercase colon-separated hex, as `openssl x509 -fingerprint` prints it. */
export const colonHex = (b: Uint8Array): string => (hex(b).toUpperCase().match(/../g) ?? []).join(":");

/** ISO 8601 UTC to the second ("2025-01-31T12:00:00Z"). */
export const isoTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Short hex with an ellipsis past `max` bytes (text output of long opaque values). */
export function shortHex(b: Uint8Array, max = 32): string {
  return b.length > max ? `${hex(b.subarray(0, max))}… (${b.length} bytes)` : hex(b);
}

const STRING_TYPES = new Set<number>([Type.UTF8, Type.PRINTABLESTRING, Type.IA5STRING, Type.BMPSTRING, 20, 26, 28]);

/** One readable line for any ASN.1 value: strings, OIDs, integers, times, octets; SEQUENCE/SET as `{ … }`. */
export function describeValue(obj: Asn1, depth = 0): string {
  if (obj.tagClass === Class.UNIVERSAL) {
    const t = obj.type as number;
    try {
      if (STRING_TYPES.has(t)) return JSON.stringify(readString(obj, "value"));
      if (t === Type.OID) return nameOf(readOid(obj, "value"));
      if (t === Type.INTEGER && typeof obj.value === "string") {
        return obj.value.length <= 4 ? String(asn1.derToInteger(obj.value as never)) : `0x${hex(Buffer.from(obj.value, "binary"))}`;
      }
      if (t === Type.UTCTIME || t === Type.GENERALIZEDTIME) return isoTime(readTime(obj, "value"));
      if (t === Type.BOOLEAN && typeof obj.value === "string") return obj.value === "\x00" ? "false" : "true";
      if (t === Type.NULL) return "NULL";
    } catch {
      // fall through to the raw rendering
    }
  }
  if (Array.isArray(obj.value)) {
    if (depth >= 4) return "{ … }";
    const inner = (obj.value as Asn1[]).map((c) => describeValue(c, depth + 1)).join(", ");
    const tag = obj.tagClass === Class.CONTEXT_SPECIFIC ? `[${obj.type}] ` : "";
    return `${tag}{ ${inner} }`;
  }
  const bytes = Buffer.from(obj.value as string, "binary");
  const tag = obj.tagClass === Class.CONTEXT_SPECIFIC ? `[${obj.type}] ` : "";
  return `${tag}${shortHex(new Uint8Array(bytes))}`;
}
