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
  /**
   * Keys of the intermediate CAs under the root, root side first; the last one issues (`embedded.scep.chain`). Absent or
   * empty: the root issues, as before.
   */
  intermediateKeys?: PrivateKey[];
  /** The issuing intermediate's keyUsage (default digitalSignature, keyCertSign, cRLSign, as the root's). */
  issuingKeyUsage?: KeyUsage[];
  /** Whether GetCACert's set holds the root (default true). */
  rootInSet?: boolean;
  /** With no RA, GetCACert serves the issuing CA's certificate alone (application/x-x509-ca-cert) instead of the set. */
  issuingAlone?: boolean;
}

export interface CaIdentity {
  /** The root: the anchor the halves hand out (profiles, TLS, Windows root certs); it issues when there is no `issuing`. */
  ca: Certificate;
  caKey: PrivateKey;
  ra?: Certificate;
  raKey?: PrivateKey;
  /**
   * An intermediate that issues the SCEP certificates (`embedded.scep.chain`): its certificate and key, the CA
   * certificates from it up to the root (itself first, root excluded), and whether GetCACert's set holds the root.
   */
  issuing?: { cert: Certificate; key: PrivateKey; path: Certificate[]; rootInSet: boolean; alone?: boolean };
}

/** The CA that issues SCEP certificates, signs CertReps and decrypts requests when there is no RA: the intermediate, else the root. */
export const issuerOf = (id: CaIdentity): { cert: Certificate; key: PrivateKey } => (id.issuing ? { cert: id.issuing.cert, key: id.issuing.key } : { cert: id.ca, key: id.caKey });

/**
 * GetCACert's certificate set (RFC 8894 §4.2.1.2): the RA (if any) and the issuing CA as leaves, the CAs above it, and the
 * root unless the chain leaves it out. Absent RA and chain: the root's certificate alone; with no RA and `answer:
 * issuing-ca`, the issuing CA's alone (both application/x-x509-ca-cert).
 */
export function getCaCertSet(id: CaIdentity): Certificate[] {
  if (!id.issuing) return id.ra ? [id.ra, id.ca] : [id.ca];
  if (!id.ra && id.issuing.alone) return [id.issuing.cert];
  return [...(id.ra ? [id.ra] : []), ...id.issuing.path, ...(id.issuing.rootInSet ? [id.ca] : [])];
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
  const issuing = createIntermediates(ca, keys, crypto, now, name);
  const issuer = issuing ? { cert: issuing.cert, key: issuing.key } : { cert: ca, key: keys.caKey };
  if (!keys.raKey) return { ca, caKey: keys.caKey, ...(issuing ? { issuing } : {}) };
  const raDer = buildCertificate(
    {
      serial: Uint8Array.from([0x02]),
      issuer: issuer.cert.subjectDer,
      subject: `CN=${name} RA,O=enrollsim`,
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 5 * YEAR),
      spki: keys.raKey.spki,
      extensions: [
        basicConstraints(false),
        ...(keys.raKeyUsage === "none" ? [] : [keyUsage(keys.raKeyUsage ?? ["digitalSignature", "keyEncipherment"])]),
        subjectKeyIdentifier(keyIdentifier(keys.raKey.spki, crypto)),
        authorityKeyIdentifier(keyIdentifier(issuer.cert.spki, crypto)),
      ],
    },
    issuer.key,
    "sha256",
    crypto,
  );
  return { ca, caKey: keys.caKey, ra: parseCertificate(raDer, "reference RA certificate"), raKey: keys.raKey, ...(issuing ? { issuing } : {}) };
}

/** The intermediates under `root`, each CA:TRUE and issued by the one above; the last issues (its keyUsage `issuingKeyUsage`). */
function createIntermediates(root: Certificate, keys: CaKeys, crypto: CryptoPort, now: number, name: string): CaIdentity["issuing"] {
  const list = keys.intermediateKeys ?? [];
  if (list.length === 0) return undefined;
  let above = { cert: root, key: keys.caKey };
  const made: Certificate[] = [];
  list.forEach((key, i) => {
    const last = i === list.length - 1;
    const der = buildCertificate(
      {
        serial: Uint8Array.from([0x10 + i]),
        issuer: above.cert.subjectDer,
        subject: `CN=${name} issuing CA${list.length > 1 ? ` ${i + 1}` : ""},O=enrollsim`,
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + 8 * YEAR),
        spki: key.spki,
        extensions: [
          basicConstraints(true),
          keyUsage(last ? (keys.issuingKeyUsage ?? ["digitalSignature", "keyCertSign", "cRLSign"]) : ["keyCertSign", "cRLSign"]),
          subjectKeyIdentifier(keyIdentifier(key.spki, crypto)),
          authorityKeyIdentifier(keyIdentifier(above.cert.spki, crypto)),
        ],
      },
      above.key,
      "sha256",
      crypto,
    );
    const cert = parseCertificate(der, "reference intermediate CA certificate");
    made.unshift(cert);
    above = { cert, key };
  });
  return { cert: above.cert, key: above.key, path: made, rootInSet: keys.rootInSet ?? true, ...(keys.issuingAlone ? { alone: true } : {}) };
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
    authorityKeyIdentifier(keyIdentifier(issuerOf(id).cert.spki, crypto)),
  ];
  const san = requested(OID.subjectAltName);
  if (san) extensions.push({ ...san, critical: false });
  const der = buildCertificate(
    {
      serial,
      issuer: issuerOf(id).cert.subjectDer,
      subject: csr.subjectDer,
      notBefore: new Date(now - backdateMs),
      notAfter: new Date(now + validityDays * 86_400_000),
      spki: csr.spki,
      extensions,
    },
    issuerOf(id).key,
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
