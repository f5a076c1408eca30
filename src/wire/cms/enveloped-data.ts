// SPDX-License-Identifier: MIT
/**
 * CMS EnvelopedData (RFC 5652 §6) with one KeyTransRecipientInfo (RSAES-PKCS1-v1_5, as SCEP
 * uses) and AES-CBC or DES-EDE3-CBC content encryption.
 */
import type { ContentCipher, CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import {
  Type,
  children,
  encode,
  explicit,
  implicitBytes,
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
  seq,
  set,
  type Asn1,
} from "../asn1/der.js";
import { OID, cipherByOid, cipherIvLength, cipherKeyLength, cipherOid } from "../oids.js";
import { isIssuerAndSerial, type Certificate } from "../x509/certificate.js";
import { contentInfo } from "./signed-data.js";

export interface EnvelopeSpec {
  content: Uint8Array;
  recipient: Certificate;
  cipher: ContentCipher;
  /** Source of the content-encryption key and IV (the device's entropy stream). */
  random: (n: number) => Uint8Array;
}

export function buildEnvelopedData(spec: EnvelopeSpec, crypto: CryptoPort): Uint8Array {
  const key = spec.random(cipherKeyLength[spec.cipher]);
  const iv = spec.random(cipherIvLength[spec.cipher]);
  return encodeEnvelopedData({
    recipient: spec.recipient,
    encryptedKey: crypto.rsaEncryptPkcs1(spec.recipient.spki, key),
    contentEncryptionAlgorithm: seq(oid(cipherOid[spec.cipher]), octets(iv)),
    ciphertext: crypto.encrypt(spec.cipher, key, iv, spec.content),
  });
}

/** The parts of an EnvelopedData with one RSA KeyTransRecipientInfo, encrypted by the caller. */
export interface EnvelopeParts {
  recipient: Certificate;
  /** The content-encryption key, RSAES-PKCS1-v1_5-encrypted to `recipient`. */
  encryptedKey: Uint8Array;
  /** ContentEncryptionAlgorithmIdentifier (algorithm OID and its parameters). */
  contentEncryptionAlgorithm: Asn1;
  ciphertext: Uint8Array;
  /**
   * encryptedContent as a constructed [0] holding one OCTET STRING (BER's constructed form of the [0] IMPLICIT
   * OCTET STRING), as some encoders write it; default the primitive [0] (DER).
   */
  constructedContent?: boolean;
}

export function encodeEnvelopedData(p: EnvelopeParts): Uint8Array {
  const recipientInfo = seq(
    int(0),
    seq(raw(p.recipient.issuerDer, "recipient issuer"), int(p.recipient.serial)),
    seq(oid(OID.rsaEncryption), nul()),
    octets(p.encryptedKey),
  );
  const content = p.constructedContent ? implicitSet(0, [octets(p.ciphertext)]) : implicitBytes(0, p.ciphertext);
  const encryptedContentInfo = seq(oid(OID.data), p.contentEncryptionAlgorithm, content);
  return encode(seq(oid(OID.envelopedData), explicit(0, seq(int(0), set(recipientInfo), encryptedContentInfo))));
}

/** The content-encryption algorithm OID of an EnvelopedData, read before anything is decrypted (as a client's parser sees it first). */
export function contentEncryptionOid(der: Uint8Array, what = "EnvelopedData"): string {
  const ci = contentInfo(der, what);
  if (ci.type !== OID.envelopedData) throw new ProtocolViolationError("cms.wrong-type", `${what} is not EnvelopedData (content type ${ci.type})`);
  const parts = children(ci.content, what, Type.SEQUENCE, 3);
  const i = isContext(parts[1], 0) ? 3 : 2;
  const eci = children(parts[i], `${what} encryptedContentInfo`, Type.SEQUENCE, 2);
  return readOid(children(eci[1], `${what} contentEncryptionAlgorithm`, Type.SEQUENCE, 1)[0], `${what} contentEncryptionAlgorithm`);
}

export interface EnvelopeInfo {
  cipher: ContentCipher;
  recipients: { issuerDer: Uint8Array; serial: Uint8Array; keyEncryptionAlgorithm: string }[];
}

interface ParsedEnvelope extends EnvelopeInfo {
  encryptedKeys: Uint8Array[];
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

function parseEnvelope(der: Uint8Array, what: string): ParsedEnvelope {
  const ci = contentInfo(der, what);
  if (ci.type !== OID.envelopedData) {
    throw new ProtocolViolationError("cms.wrong-type", `${what} is not EnvelopedData (content type ${ci.type})`);
  }
  const parts = children(ci.content, what, Type.SEQUENCE, 3);
  let i = 1;
  if (isContext(parts[i], 0)) i++; // originatorInfo
  const recipients: ParsedEnvelope["recipients"] = [];
  const encryptedKeys: Uint8Array[] = [];
  for (const ri of children(parts[i], `${what} recipientInfos`, Type.SET, 1)) {
    const r = children(ri, `${what} KeyTransRecipientInfo`, Type.SEQUENCE, 4);
    const [issuer, serial] = children(r[1], `${what} recipient issuerAndSerialNumber`, Type.SEQUENCE, 2);
    recipients.push({
      issuerDer: encode(issuer!),
      serial: readIntBytes(serial, `${what} recipient serial`),
      keyEncryptionAlgorithm: readOid(children(r[2], `${what} keyEncryptionAlgorithm`, Type.SEQUENCE, 1)[0], `${what} keyEncryptionAlgorithm`),
    });
    encryptedKeys.push(primitive(r[3], `${what} encryptedKey`, Type.OCTETSTRING));
  }
  const eci = children(parts[i + 1], `${what} encryptedContentInfo`, Type.SEQUENCE, 3);
  const alg = children(eci[1], `${what} contentEncryptionAlgorithm`, Type.SEQUENCE, 2);
  const algOid = readOid(alg[0], `${what} contentEncryptionAlgorithm`);
  const cipher = cipherByOid[algOid];
  if (!cipher) {
    throw new ProtocolViolationError("cms.unsupported-cipher", `${what} uses unsupported content cipher ${algOid}`);
  }
  const iv = primitive(alg[1], `${what} IV`, Type.OCTETSTRING);
  if (iv.length !== cipherIvLength[cipher]) throw new ProtocolViolationError("cms.bad-iv", `${what} IV is ${iv.length} bytes, ${cipher} needs ${cipherIvLength[cipher]}`);
  const ec = eci[2] as Asn1;
  if (!isContext(ec, 0)) throw new ProtocolViolationError("cms.no-content", `${what} has no encryptedContent`);
  const ciphertext = Array.isArray(ec.value)
    ? Buffer.concat((ec.value as Asn1[]).map((c) => primitive(c, `${what} encryptedContent chunk`)))
    : new Uint8Array(Buffer.from(ec.value as string, "binary"));
  return { cipher, recipients, encryptedKeys, iv, ciphertext };
}

/** Algorithms and recipients, without decrypting (for inspect and for the strict server). */
export function describeEnvelope(der: Uint8Array, what = "EnvelopedData"): EnvelopeInfo {
  const { cipher, recipients } = parseEnvelope(der, what);
  return { cipher, recipients };
}

/** Decrypts for `recipientCert` (matched by issuer and serial) with its private key. */
export function openEnvelopedData(
  der: Uint8Array,
  recipientCert: Certificate,
  key: PrivateKey,
  crypto: CryptoPort,
  what = "EnvelopedData",
): { content: Uint8Array; cipher: ContentCipher } {
  const env = parseEnvelope(der, what);
  const idx = env.recipients.findIndex((r) => isIssuerAndSerial(recipientCert, r.issuerDer, r.serial));
  if (idx < 0) {
    throw new ProtocolViolationError("cms.not-for-us", `${what} is not addressed to ${recipientCert.subject} (serial ${recipientCert.serialHex})`);
  }
  if (env.recipients[idx]!.keyEncryptionAlgorithm !== OID.rsaEncryption) {
    throw new ProtocolViolationError("cms.unsupported-key-transport", `${what} uses key transport ${env.recipients[idx]!.keyEncryptionAlgorithm}, expected rsaEncryption`);
  }
  const cek = crypto.rsaDecryptPkcs1(key, env.encryptedKeys[idx]!);
  if (cek.length !== cipherKeyLength[env.cipher]) {
    throw new ProtocolViolationError("crypto.bad-content-key", `${what} content key is ${cek.length} bytes, ${env.cipher} needs ${cipherKeyLength[env.cipher]}`);
  }
  return { content: crypto.decrypt(env.cipher, cek, env.iv, env.ciphertext), cipher: env.cipher };
}
