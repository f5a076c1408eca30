// SPDX-License-Identifier: MIT
/**
 * CertRep validation (RFC 8894 §3.3.2, scep-and-crypto.md §6), in the order a device checks:
 * content type, signature by a certificate from GetCACert (never one the message brings alone),
 * messageType, transactionID, recipientNonce, then status; SUCCESS opens the envelope and
 * selects the certificate for our key, which must chain to the CA.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { openEnvelopedData } from "../../wire/cms/enveloped-data.js";
import { findSignerCert, parseSignedData, verifySigner } from "../../wire/cms/signed-data.js";
import { parsePkiMessage, type PkiMessage } from "../../wire/scep/message.js";
import { MessageType, messageTypeName } from "../../wire/scep/vocabulary.js";
import { hex, sameBytes, verifyCertificateSignature, type Certificate } from "../../wire/x509/certificate.js";
import type { CaChain } from "./ca-chain.js";
import type { CertRepParser } from "../../wire/scep/certrep-encoding.js";
import { judgeContentCipher, judgeSignerDigest } from "./certrep-parser.js";

export interface CertRepExpectation {
  transactionID: string;
  senderNonce: Uint8Array;
  /** The request signer: the envelope is encrypted to it. */
  signerCert: Certificate;
  signerKey: PrivateKey;
  /** The key the CSR certified: the issued certificate must carry it. */
  requestedSpki: Uint8Array;
  chain: CaChain;
  /** Warn instead of fail on a recipientNonce mismatch (some servers get it wrong). */
  lenientNonce?: boolean;
  /** Device clock, for the issued certificate's validity window. */
  now: number;
  /** The device release's CertRep parser (devices/scep-clients/*.yaml); absent: RFC-strict. */
  parser?: CertRepParser;
}

/** Clock skew tolerated on notBefore (devices and CAs are rarely in perfect sync). */
const SKEW_MS = 5 * 60_000;

export type CertRepResult =
  | { status: "SUCCESS"; message: PkiMessage; certificate: Certificate; others: Certificate[]; findings: string[] }
  | { status: "FAILURE"; message: PkiMessage; findings: string[] }
  | { status: "PENDING"; message: PkiMessage; findings: string[] };

export function checkCertRep(contentType: string, body: Uint8Array, exp: CertRepExpectation, crypto: CryptoPort): CertRepResult {
  if (contentType !== "application/x-pki-message") {
    throw new ProtocolViolationError(
      "scep.wrong-content-type",
      `PKIOperation answered Content-Type "${contentType || "(none)"}", expected application/x-pki-message`,
    );
  }
  const msg = parsePkiMessage(body, "CertRep");
  const signerCert = findSignerCert(msg.signer, [exp.chain.verification, ...exp.chain.all]);
  if (!signerCert) {
    throw new ProtocolViolationError(
      "scep.unknown-signer",
      "CertRep is signed by a certificate that GetCACert did not return (unknown key)",
    );
  }
  const digestFromSignatureOid = judgeSignerDigest(msg.signedData, msg.signer, exp.parser, crypto);
  const sig = verifySigner(msg.signedData, msg.signer, signerCert.spki, crypto, { digestFromSignatureOid });
  if (!sig.ok) throw new ProtocolViolationError("scep.bad-signature", `CertRep signature does not verify (${sig.reason})`);
  if (msg.messageType !== MessageType.CertRep) {
    throw new ProtocolViolationError("scep.wrong-message-type", `reply messageType is ${messageTypeName(msg.messageType)}, expected CertRep (3)`);
  }
  if (msg.transactionID !== exp.transactionID) {
    throw new ProtocolViolationError("scep.transaction-mismatch", `CertRep transactionID "${msg.transactionID}" is not ours ("${exp.transactionID}")`);
  }
  const findings: string[] = [];
  if (!msg.recipientNonce || hex(msg.recipientNonce) !== hex(exp.senderNonce)) {
    const detail = msg.recipientNonce ? "does not echo our senderNonce" : "is missing";
    if (!exp.lenientNonce) throw new ProtocolViolationError("scep.nonce-mismatch", `CertRep recipientNonce ${detail}`);
    findings.push(`recipientNonce ${detail}`);
  }
  switch (msg.pkiStatus) {
    case "FAILURE":
      return { status: "FAILURE", message: msg, findings };
    case "PENDING":
      return { status: "PENDING", message: msg, findings };
    case "SUCCESS":
      break;
    default:
      throw new ProtocolViolationError("scep.bad-status", `CertRep pkiStatus "${msg.pkiStatusRaw ?? "(missing)"}" is not 0, 2 or 3`);
  }
  if (!msg.envelope) throw new ProtocolViolationError("scep.no-content", "CertRep SUCCESS carries no enveloped certificate");
  judgeContentCipher(msg.envelope, exp.parser);
  const { content } = openEnvelopedData(msg.envelope, exp.signerCert, exp.signerKey, crypto, "CertRep envelope");
  const certs = parseSignedData(content, "CertRep certificate set").certificates;
  const mine = certs.find((c) => sameBytes(c.spki, exp.requestedSpki));
  if (!mine) {
    throw new ProtocolViolationError(
      "scep.cert-key-mismatch",
      certs.length ? "CertRep holds no certificate for the key we requested (certificate for another key)" : "CertRep certificate set is empty",
    );
  }
  if (!sameBytes(mine.issuerDer, exp.chain.ca.subjectDer) || !verifyCertificateSignature(mine, exp.chain.ca.spki, crypto)) {
    throw new ProtocolViolationError("scep.cert-not-from-ca", `issued certificate (issuer ${mine.issuer}) does not chain to the CA ${exp.chain.ca.subject}`);
  }
  if (mine.notAfter.getTime() <= exp.now || mine.notBefore.getTime() > exp.now + SKEW_MS) {
    throw new ProtocolViolationError(
      "scep.cert-not-valid-now",
      `issued certificate is valid ${mine.notBefore.toISOString()} … ${mine.notAfter.toISOString()}, not now (${new Date(exp.now).toISOString()})`,
    );
  }
  if (mine.extKeyUsage && !mine.extKeyUsage.some((u) => u === "clientAuth" || u === "2.5.29.37.0")) {
    findings.push(`issued certificate has no clientAuth EKU (${mine.extKeyUsage.join(", ")}); TLS client authentication with it will fail`);
  }
  return { status: "SUCCESS", message: msg, certificate: mine, others: certs.filter((c) => c !== mine), findings };
}
