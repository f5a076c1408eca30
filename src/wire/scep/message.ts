// SPDX-License-Identifier: MIT
/**
 * SCEP pkiMessage (RFC 8894 §3.2): SignedData whose signed attributes carry messageType,
 * transactionID, nonces and status, and whose content is an EnvelopedData of the message data.
 */
import type { ContentCipher, CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import { Type, children, decode, encode, octets, primitive, printable, raw, readIntBytes, readString, seq, utf8, int, type Asn1 } from "../asn1/der.js";
import { OID } from "../oids.js";
import { buildEnvelopedData } from "../cms/enveloped-data.js";
import { buildSignedData, parseSignedData, type Attribute, type SignedData, type SignerInfo } from "../cms/signed-data.js";
import type { Certificate } from "../x509/certificate.js";
import { readName } from "../x509/name.js";
import { FAIL_INFOS, PkiStatus, failInfoCode, failInfoName, pkiStatusName, type FailInfo, type PkiStatusName } from "./vocabulary.js";

export interface PkiMessageSpec {
  messageType: number;
  transactionID: string;
  senderNonce: Uint8Array;
  recipientNonce?: Uint8Array;
  pkiStatus?: PkiStatusName;
  failInfo?: FailInfo;
  failInfoText?: string;
  /** Message data to envelope for `recipient`; omitted (no eContent) for FAILURE/PENDING CertReps. */
  messageData?: Uint8Array;
  recipient?: Certificate;
  cipher?: ContentCipher;
  /** `signingTime`: the signer's clock when it signs (RFC 8894 §3.2.1 lists it among the signed attributes; the server may check it, failInfo badTime). */
  signer: { cert: Certificate; key: PrivateKey; hash: HashAlg; signingTime?: Date; digestAlgorithmOid?: string };
  /** An EnvelopedData the caller built (a CA's own content-encryption choice); replaces `messageData`'s envelope. */
  envelope?: Uint8Array;
  /** Include the signer certificate in SignedData.certificates (default true). */
  includeSignerCert?: boolean;
  /** Key and IV source for the envelope. */
  random: (n: number) => Uint8Array;
  /** Extra certificates to carry (e.g. a CertRep's chain). */
  extraCertificates?: Uint8Array[];
}

export function buildPkiMessage(spec: PkiMessageSpec, crypto: CryptoPort): Uint8Array {
  const attributes: Attribute[] = [
    { oid: OID.scepMessageType, values: [printable(String(spec.messageType))] },
    { oid: OID.scepTransactionId, values: [printable(spec.transactionID)] },
    { oid: OID.scepSenderNonce, values: [octets(spec.senderNonce)] },
  ];
  if (spec.recipientNonce) attributes.push({ oid: OID.scepRecipientNonce, values: [octets(spec.recipientNonce)] });
  if (spec.pkiStatus) attributes.push({ oid: OID.scepPkiStatus, values: [printable(PkiStatus[spec.pkiStatus])] });
  if (spec.failInfo) attributes.push({ oid: OID.scepFailInfo, values: [printable(failInfoCode(spec.failInfo))] });
  if (spec.failInfoText) attributes.push({ oid: OID.scepFailInfoText, values: [utf8(spec.failInfoText)] });
  let content: Uint8Array | undefined = spec.envelope;
  if (spec.messageData && !content) {
    if (!spec.recipient) throw new Error("buildPkiMessage: messageData needs a recipient certificate");
    content = buildEnvelopedData(
      { content: spec.messageData, recipient: spec.recipient, cipher: spec.cipher ?? "aes-128-cbc", random: spec.random },
      crypto,
    );
  }
  const certificates = [...(spec.includeSignerCert === false ? [] : [spec.signer.cert.der]), ...(spec.extraCertificates ?? [])];
  return buildSignedData({ content, certificates, signer: { ...spec.signer, attributes } }, crypto);
}

export interface PkiMessage {
  signedData: SignedData;
  signer: SignerInfo;
  messageType: number;
  transactionID: string;
  senderNonce?: Uint8Array;
  recipientNonce?: Uint8Array;
  pkiStatus?: PkiStatusName;
  /** Raw pkiStatus when it is not one of 0/2/3. */
  pkiStatusRaw?: string;
  failInfo?: FailInfo;
  failInfoRaw?: string;
  failInfoText?: string;
  /** DER EnvelopedData, when the message carries content. */
  envelope?: Uint8Array;
}

function attrString(signer: SignerInfo, oid: string, what: string): string | undefined {
  const v = signer.attributes.get(oid);
  if (!v || v.length === 0) return undefined;
  return readString(v[0], what);
}

function attrOctets(signer: SignerInfo, oid: string, what: string): Uint8Array | undefined {
  const v = signer.attributes.get(oid);
  if (!v || v.length === 0) return undefined;
  return primitive(v[0], what, Type.OCTETSTRING);
}

/** Parses (does not verify) a pkiMessage. Missing messageType/transactionID is a violation. */
export function parsePkiMessage(der: Uint8Array, what = "SCEP pkiMessage"): PkiMessage {
  const signedData = parseSignedData(der, what);
  if (signedData.signers.length !== 1) {
    throw new ProtocolViolationError("scep.signer-count", `${what} has ${signedData.signers.length} signers, expected exactly 1`);
  }
  const signer = signedData.signers[0]!;
  const mt = attrString(signer, OID.scepMessageType, "messageType");
  if (mt === undefined || !/^\d+$/.test(mt)) {
    throw new ProtocolViolationError("scep.no-message-type", `${what} has no valid messageType attribute`);
  }
  const transactionID = attrString(signer, OID.scepTransactionId, "transactionID");
  if (transactionID === undefined) throw new ProtocolViolationError("scep.no-transaction-id", `${what} has no transactionID attribute`);
  const statusRaw = attrString(signer, OID.scepPkiStatus, "pkiStatus");
  const failRaw = attrString(signer, OID.scepFailInfo, "failInfo");
  return {
    signedData,
    signer,
    messageType: Number(mt),
    transactionID,
    senderNonce: attrOctets(signer, OID.scepSenderNonce, "senderNonce"),
    recipientNonce: attrOctets(signer, OID.scepRecipientNonce, "recipientNonce"),
    pkiStatus: statusRaw !== undefined ? pkiStatusName(statusRaw) : undefined,
    pkiStatusRaw: statusRaw,
    failInfo: failRaw !== undefined ? failInfoName(failRaw) : undefined,
    failInfoRaw: failRaw,
    failInfoText: attrString(signer, OID.scepFailInfoText, "failInfoText"),
    envelope: signedData.content && signedData.content.length > 0 ? signedData.content : undefined,
  };
}

/** IssuerAndSubject (CertPoll message data, RFC 8894 §3.3.3). */
export const buildIssuerAndSubject = (issuerDer: Uint8Array, subjectDer: Uint8Array): Uint8Array =>
  encode(seq(raw(issuerDer, "issuer"), raw(subjectDer, "subject")));

export function parseIssuerAndSubject(der: Uint8Array): { issuer: string; subject: string; issuerDer: Uint8Array; subjectDer: Uint8Array } {
  const [i, s] = children(decode(der, "IssuerAndSubject"), "IssuerAndSubject", Type.SEQUENCE, 2);
  return { issuer: readName(i!, "issuer").text, subject: readName(s!, "subject").text, issuerDer: encode(i!), subjectDer: encode(s!) };
}

/** IssuerAndSerialNumber (GetCert / GetCRL message data). */
export const buildIssuerAndSerial = (issuerDer: Uint8Array, serial: Uint8Array): Uint8Array =>
  encode(seq(raw(issuerDer, "issuer"), int(serial)));

export function parseIssuerAndSerial(der: Uint8Array): { issuerDer: Uint8Array; serial: Uint8Array } {
  const [i, s] = children(decode(der, "IssuerAndSerialNumber"), "IssuerAndSerialNumber", Type.SEQUENCE, 2);
  return { issuerDer: encode(i!), serial: readIntBytes(s, "serial") };
}

export { FAIL_INFOS };
export type { Asn1 };
