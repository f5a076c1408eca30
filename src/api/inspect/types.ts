// SPDX-License-Identifier: MIT
/**
 * The result of `enrollsim inspect`: a JSON-serialisable description of certificates, CSRs and
 * CMS/SCEP messages. Keys are stable; byte strings are lowercase hex, times ISO 8601 UTC,
 * fingerprints uppercase colon-separated hex (as openssl prints them).
 */

/** How the input was encoded. */
export type InputFormat = "pem" | "der" | "base64";

export interface Inspection {
  /** File name, or the name the caller gave the bytes. */
  source: string;
  format: InputFormat;
  /** One entry per decoded object (several for a multi-block PEM file). */
  items: InspectedObject[];
  /** PEM blocks that were not inspected, by label (e.g. "PRIVATE KEY": never printed). */
  skipped: string[];
}

export type InspectedObject =
  | CertificateInspection
  | CsrInspection
  | SignedDataInspection
  | EnvelopedDataInspection
  | IssuerAndSubjectInspection
  | IssuerAndSerialInspection
  | DataInspection
  | UnreadableInspection;

interface Common {
  /** Headline: "X.509 certificate", "PKCS#10 certificate request", "SCEP PKCSReq", … */
  title: string;
  /** Size of the DER object in bytes. */
  derLength: number;
  /** The PEM label the object came in, when it came in PEM. */
  pemLabel?: string;
}

export interface PublicKeyInspection {
  /** "rsa", "ec", or the algorithm name for other keys. */
  algorithm: string;
  /** RSA modulus bits or EC field bits; 0 when unknown. */
  bits: number;
  /** EC curve ("P-256"), when EC. */
  curve?: string;
  /** "RSA 2048", "EC P-256". */
  description: string;
  /** RFC 5280 §4.2.1.2 method 1 key identifier (SHA-1 of the key bits), hex: matches SKI/AKI. */
  keyIdentifier: string;
}

export interface ExtensionInspection {
  oid: string;
  name: string;
  critical: boolean;
  /** One readable line. */
  text: string;
  /**
   * Decoded value: string[] for keyUsage, extKeyUsage and subjectAltName; `{ ca, pathLen }` for
   * basicConstraints; hex for key identifiers. Absent for extensions inspect does not decode.
   */
  decoded?: string[] | string | { ca: boolean; pathLen?: number };
  /** extnValue DER in hex, for extensions that are not decoded. */
  valueHex?: string;
  /** Why a known extension could not be decoded. */
  error?: string;
}

export interface AttributeInspection {
  oid: string;
  name: string;
  /** Readable values ("19 (PKCSReq)", hex nonces, ISO times, quoted strings). */
  values: string[];
}

export interface CertificateInspection extends Common {
  kind: "certificate";
  version: number;
  subject: string;
  issuer: string;
  /** Serial number, hex. */
  serial: string;
  validity: {
    notBefore: string;
    notAfter: string;
    /** Against the inspection time (option `now`). */
    status: "valid" | "expired" | "not yet valid";
  };
  publicKey: PublicKeyInspection;
  signatureAlgorithm: string;
  isCA: boolean;
  extensions: ExtensionInspection[];
  fingerprints: { sha1: string; sha256: string };
  /** Subject equals issuer, and the authority key id (when present) names the certificate's own key. */
  selfSigned: boolean;
  /** Whether the certificate's own key verifies its signature; present only when self-signed. */
  selfSignatureValid?: boolean;
  /** The certificate in the same message or file that issued this one (1-based), and whether its key verifies it. */
  issuerCertificate?: { index: number; signatureValid: boolean };
}

export interface CsrInspection extends Common {
  kind: "csr";
  subject: string;
  publicKey: PublicKeyInspection;
  signatureAlgorithm: string;
  /** Proof of possession: the request is signed by the key it carries. */
  signatureValid: boolean;
  /** Present when the request carries one; the value only with `showSecrets`. */
  challengePassword?: { length: number; redacted: boolean; value?: string };
  requestedExtensions: ExtensionInspection[];
  /** Attributes other than challengePassword and extensionRequest. */
  attributes: AttributeInspection[];
}

export interface SignerInspection {
  issuer: string;
  serial: string;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  /** 1-based index into the message's certificates of the signer certificate, when present. */
  certificateIndex?: number;
  /** null when it cannot be checked (signer certificate absent, unsupported algorithm). */
  signatureValid: boolean | null;
  /** null when there is no messageDigest attribute or the content is detached. */
  messageDigestMatches: boolean | null;
  /** Why a check could not be made or failed. */
  notes: string[];
  signedAttributes: AttributeInspection[];
}

export interface ScepInspection {
  messageType: number;
  /** "PKCSReq", "CertRep", … */
  messageTypeName: string;
  transactionID: string;
  senderNonce?: string;
  recipientNonce?: string;
  /** "0 (SUCCESS)". */
  pkiStatus?: string;
  /** "2 (badRequest)". */
  failInfo?: string;
  /** RFC 8894 meaning of failInfo. */
  failInfoMeaning?: string;
  failInfoText?: string;
}

export interface SignedDataInspection extends Common {
  kind: "signed-data";
  version: number;
  /** eContentType name ("data") or dotted OID. */
  contentType: string;
  digestAlgorithms: string[];
  /** Degenerate certs-only SignedData (no signers, no content): a certificate bag. */
  certsOnly: boolean;
  /** `detached`: absent, and a signer's messageDigest is not that of empty content (signed elsewhere). */
  content: { present: boolean; length?: number; detached?: boolean };
  certificates: CertificateInspection[];
  signers: SignerInspection[];
  /** SCEP message attributes, when the signer carries them. */
  scep?: ScepInspection;
  /** The encapsulated content, decoded (an EnvelopedData for SCEP messages). */
  encapsulated?: InspectedObject;
  /** Why part of the message could not be decoded. */
  warnings: string[];
}

export interface RecipientInspection {
  /** "keyTransport" (KeyTransRecipientInfo); other kinds are named but not decoded. */
  type: string;
  issuer?: string;
  serial?: string;
  subjectKeyIdentifier?: string;
  keyEncryptionAlgorithm?: string;
}

export interface EnvelopedDataInspection extends Common {
  kind: "enveloped-data";
  recipients: RecipientInspection[];
  /** "aes-128-cbc", … or the algorithm name/OID when enrollsim cannot decrypt it. */
  contentCipher: string;
  warnings: string[];
  /** Present when a key was given: the decrypted content, inspected, or why decryption failed. */
  decrypted?: { ok: true; recipient: number; content: InspectedObject } | { ok: false; error: string };
}

/** SCEP CertPoll / GetCertInitial message data (RFC 8894 §3.3.3). */
export interface IssuerAndSubjectInspection extends Common {
  kind: "issuer-and-subject";
  issuer: string;
  subject: string;
}

/** SCEP GetCert / GetCRL message data. */
export interface IssuerAndSerialInspection extends Common {
  kind: "issuer-and-serial";
  issuer: string;
  serial: string;
}

/** Content that is none of the above. */
export interface DataInspection extends Common {
  kind: "data";
  /** Printable text (truncated), when the bytes are text. */
  text?: string;
  /** Hex of the first bytes, when they are not text. */
  hexPreview?: string;
  /** Why it was not decoded further (e.g. valid DER of no known kind). */
  note?: string;
}

/** A block of a multi-object input that could not be decoded (the others still are). */
export interface UnreadableInspection extends Common {
  kind: "unreadable";
  error: string;
}
