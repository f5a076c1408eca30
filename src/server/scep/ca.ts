// SPDX-License-Identifier: MIT
/**
 * The embedded reference SCEP CA: a CA key and certificate (optionally an RA), certificate
 * issuance, and per-transaction state for PENDING. Strict about what devices send.
 */
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { buildCertificate, hex, keyIdentifier, parseCertificate, type Certificate } from "../../wire/x509/certificate.js";
import {
  authorityKeyIdentifier,
  basicConstraints,
  extKeyUsage,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
  type Extension,
  type KeyUsage,
} from "../../wire/x509/extensions.js";
import { OID } from "../../wire/oids.js";
import type { Csr } from "../../wire/x509/pkcs10.js";

export interface CaKeys {
  caKey: PrivateKey;
  raKey?: PrivateKey;
  /**
   * The RA certificate's keyUsage extension (`embedded.scep.ra: { keyUsage }`): the bits, or `none` for a certificate
   * without the extension (openxpki-config#14: OpenXPKI's democa issued its SCEP RA certificate so). Default
   * digitalSignature + keyEncipherment, as RFC 8894 §2.1.2 asks of the certificate that signs and decrypts.
   */
  raKeyUsage?: KeyUsage[] | "none";
}

export interface CaIdentity {
  ca: Certificate;
  caKey: PrivateKey;
  ra?: Certificate;
  raKey?: PrivateKey;
}

const YEAR = 365 * 86_400_000;

/** Creates the CA (and RA) certificates for the given keys. */
export function createCaIdentity(keys: CaKeys, crypto: CryptoPort, now: number, name = "enrollsim reference CA"): CaIdentity {
  const caSpki = keys.caKey.spki;
  const caKid = keyIdentifier(caSpki, crypto);
  const caDer = buildCertificate(
    {
      serial: Uint8Array.from([0x01]),
      issuer: `CN=${name},O=enrollsim`,
      subject: `CN=${name},O=enrollsim`,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 10 * YEAR),
      spki: caSpki,
      extensions: [basicConstraints(true), keyUsage(["digitalSignature", "keyCertSign", "cRLSign"]), subjectKeyIdentifier(caKid)],
    },
    keys.caKey,
    "sha256",
    crypto,
  );
  const ca = parseCertificate(caDer, "reference CA certificate");
  if (!keys.raKey) return { ca, caKey: keys.caKey };
  const raDer = buildCertificate(
    {
      serial: Uint8Array.from([0x02]),
      issuer: ca.subjectDer,
      subject: `CN=${name} RA,O=enrollsim`,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 5 * YEAR),
      spki: keys.raKey.spki,
      extensions: [
        basicConstraints(false),
        ...(keys.raKeyUsage === "none" ? [] : [keyUsage(keys.raKeyUsage ?? ["digitalSignature", "keyEncipherment"])]),
        subjectKeyIdentifier(keyIdentifier(keys.raKey.spki, crypto)),
        authorityKeyIdentifier(caKid),
      ],
    },
    keys.caKey,
    "sha256",
    crypto,
  );
  return { ca, caKey: keys.caKey, ra: parseCertificate(raDer, "reference RA certificate"), raKey: keys.raKey };
}

/** Issues a client certificate for a CSR: the requested SAN and EKU are honoured, keyUsage is fixed. */
/**
 * `backdateMs`: how far before `now` the certificate's NotBefore lies (default 300 s). CAs backdate
 * so that a client whose clock is a little behind can use the certificate at once: micromdm/scep's
 * depot signer 600 s; a CA that does not backdate (0) issues a certificate a device a second behind
 * signs with before its NotBefore (nanomdm issue #73).
 */
export function issueCertificate(id: CaIdentity, csr: Csr, serial: Uint8Array, now: number, validityDays: number, crypto: CryptoPort, backdateMs = 300_000): Certificate {
  const requested = (o: string) => csr.extensions.find((e) => e.oid === o);
  const extensions: Extension[] = [
    basicConstraints(false),
    keyUsage(["digitalSignature", "keyEncipherment"]),
    requested(OID.extKeyUsage) ?? extKeyUsage(["clientAuth"]),
    subjectKeyIdentifier(keyIdentifier(csr.spki, crypto)),
    authorityKeyIdentifier(keyIdentifier(id.ca.spki, crypto)),
  ];
  const san = requested(OID.subjectAltName);
  if (san) extensions.push({ ...san, critical: false });
  const der = buildCertificate(
    {
      serial,
      issuer: id.ca.subjectDer,
      subject: csr.subjectDer,
      notBefore: new Date(now - backdateMs),
      notAfter: new Date(now + validityDays * 86_400_000),
      spki: csr.spki,
      extensions,
    },
    id.caKey,
    "sha256",
    crypto,
  );
  return parseCertificate(der, "issued certificate");
}

export const serialHex = (c: Certificate): string => hex(c.serial);

/** TLS server certificate for the reference server's HTTPS listener (serverAuth, SAN DNS + IP). */
export function issueServerCertificate(
  id: CaIdentity,
  spki: Uint8Array,
  names: { dns: string[]; ip: string[] },
  serial: Uint8Array,
  now: number,
  crypto: CryptoPort,
): Certificate {
  const der = buildCertificate(
    {
      serial,
      issuer: id.ca.subjectDer,
      subject: `CN=${names.dns[0] ?? names.ip[0] ?? "localhost"},O=enrollsim reference server`,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 397 * 86_400_000),
      spki,
      extensions: [
        basicConstraints(false),
        keyUsage(["digitalSignature", "keyEncipherment"]),
        extKeyUsage(["serverAuth"]),
        subjectAltName({ dns: names.dns, ip: names.ip }),
        subjectKeyIdentifier(keyIdentifier(spki, crypto)),
        authorityKeyIdentifier(keyIdentifier(id.ca.spki, crypto)),
      ],
    },
    id.caKey,
    "sha256",
    crypto,
  );
  return parseCertificate(der, "reference server TLS certificate");
}
