// SPDX-License-Identifier: MIT
/** CMS SignedData and SCEP pkiMessages to their inspect form: certificates, signers, attributes, content. */
import { Type, children, decode, primitive, readOid, readSmallInt, readString, readTime, type Asn1 } from "../../wire/asn1/der.js";
import { contentInfo, parseSignedData, verifySigner, type SignedData, type SignerInfo } from "../../wire/cms/signed-data.js";
import { OID, signatureHash } from "../../wire/oids.js";
import { parsePkiMessage } from "../../wire/scep/message.js";
import { FAIL_INFO_TEXT, failInfoName, messageTypeName, pkiStatusName } from "../../wire/scep/vocabulary.js";
import { isIssuerAndSerial, type Certificate } from "../../wire/x509/certificate.js";
import { readName } from "../../wire/x509/name.js";
import type { CryptoPort } from "../../ports/crypto.js";
import { MAX_DEPTH, type InspectContext } from "./context.js";
import { describeValue, hex, isoTime, nameOf } from "./names.js";
import type { AttributeInspection, ScepInspection, SignedDataInspection, SignerInspection } from "./types.js";
import { describeCertificate, linkIssuers } from "./x509.js";

/** Readable value of a signed attribute; SCEP codes carry their names ("19 (PKCSReq)"). */
function attributeValue(oid: string, v: Asn1): string {
  switch (oid) {
    case OID.contentType:
      return nameOf(readOid(v, "contentType"));
    case OID.messageDigest:
    case OID.scepSenderNonce:
    case OID.scepRecipientNonce:
      return hex(primitive(v, nameOf(oid), Type.OCTETSTRING));
    case OID.signingTime:
      return isoTime(readTime(v, "signingTime"));
    case OID.scepMessageType: {
      const s = readString(v, "messageType");
      return /^\d+$/.test(s) ? `${s} (${messageTypeName(Number(s))})` : `${JSON.stringify(s)} (not a number)`;
    }
    case OID.scepPkiStatus: {
      const s = readString(v, "pkiStatus");
      return `${s} (${pkiStatusName(s) ?? "unknown"})`;
    }
    case OID.scepFailInfo: {
      const s = readString(v, "failInfo");
      return `${s} (${failInfoName(s) ?? "unknown"})`;
    }
    case OID.scepTransactionId:
    case OID.scepFailInfoText:
      return readString(v, nameOf(oid));
    default:
      return describeValue(v);
  }
}

function attributes(signer: SignerInfo): AttributeInspection[] {
  return [...signer.attributes].map(([oid, values]) => ({
    oid,
    name: nameOf(oid),
    values: values.map((v) => {
      try {
        return attributeValue(oid, v);
      } catch {
        return `malformed: ${describeValue(v)}`;
      }
    }),
  }));
}

const DETACHED = "content is detached (not in the message): messageDigest not checked";

interface Checks {
  signatureValid: boolean | null;
  messageDigestMatches: boolean | null;
  notes: string[];
}

function messageDigestCheck(sd: SignedData, signer: SignerInfo, crypto: CryptoPort, notes: string[]): boolean | null {
  const md = signer.attributes.get(OID.messageDigest)?.[0];
  if (!md) {
    notes.push(signer.signedAttrsDer ? "no messageDigest attribute" : "no signed attributes");
    return null;
  }
  const value = hex(primitive(md, "messageDigest", Type.OCTETSTRING));
  if (sd.content === undefined) {
    // SCEP FAILURE/PENDING CertReps carry no content and sign the digest of nothing.
    if (value === hex(crypto.digest(signer.digest, new Uint8Array(0)))) return true;
    notes.push(DETACHED);
    return null;
  }
  const ok = value === hex(crypto.digest(signer.digest, sd.content));
  if (!ok) notes.push("messageDigest does not match the content");
  return ok;
}

/** Signature and messageDigest checks, each reported separately. */
function check(sd: SignedData, signer: SignerInfo, cert: Certificate | undefined, crypto: CryptoPort): Checks {
  const notes: string[] = [];
  const messageDigestMatches = messageDigestCheck(sd, signer, crypto, notes);
  if (!cert) {
    notes.push("signer certificate is not in the message: signature not checked");
    return { signatureValid: null, messageDigestMatches, notes };
  }
  if (signer.signedAttrsDer && sd.content !== undefined) {
    const r = verifySigner(sd, signer, cert.spki, crypto);
    if (r.ok) return { signatureValid: true, messageDigestMatches, notes };
    if (r.reason === "bad-signature") return { signatureValid: false, messageDigestMatches, notes: [...notes, "signature does not verify"] };
  }
  // Detached content, digest mismatch, no signed attributes, or an algorithm verifySigner does not map.
  const byDigest = signer.signatureAlgorithm === OID.rsaEncryption || signer.signatureAlgorithm === OID.ecPublicKey;
  const hash = byDigest ? signer.digest : signatureHash[signer.signatureAlgorithm];
  const signed = signer.signedAttrsDer ?? sd.content;
  if (!hash) notes.push(`signature algorithm ${nameOf(signer.signatureAlgorithm)} is not supported: signature not checked`);
  if (hash && !signed) notes.push("content is detached and there are no signed attributes: signature not checked");
  if (!hash || !signed) return { signatureValid: null, messageDigestMatches, notes };
  const ok = crypto.verify(cert.spki, hash, signed, signer.signature);
  if (!ok) notes.push("signature does not verify");
  return { signatureValid: ok, messageDigestMatches, notes };
}

function inspectSigner(sd: SignedData, signer: SignerInfo, ctx: InspectContext): SignerInspection {
  const idx = sd.certificates.findIndex((c) => isIssuerAndSerial(c, signer.issuerDer, signer.serial));
  const checks = check(sd, signer, sd.certificates[idx], ctx.crypto);
  return {
    issuer: readName(decode(signer.issuerDer, "signer issuer"), "signer issuer").text,
    serial: hex(signer.serial),
    digestAlgorithm: signer.digest,
    signatureAlgorithm: nameOf(signer.signatureAlgorithm),
    ...(idx >= 0 ? { certificateIndex: idx + 1 } : {}),
    ...checks,
    signedAttributes: attributes(signer),
  };
}

function scepSummary(der: Uint8Array): ScepInspection {
  const m = parsePkiMessage(der);
  const out: ScepInspection = {
    messageType: m.messageType,
    messageTypeName: messageTypeName(m.messageType),
    transactionID: m.transactionID,
  };
  if (m.senderNonce) out.senderNonce = hex(m.senderNonce);
  if (m.recipientNonce) out.recipientNonce = hex(m.recipientNonce);
  if (m.pkiStatusRaw !== undefined) out.pkiStatus = `${m.pkiStatusRaw} (${m.pkiStatus ?? "unknown"})`;
  if (m.failInfoRaw !== undefined) out.failInfo = `${m.failInfoRaw} (${m.failInfo ?? "unknown"})`;
  if (m.failInfo) out.failInfoMeaning = FAIL_INFO_TEXT[m.failInfo];
  if (m.failInfoText !== undefined) out.failInfoText = m.failInfoText;
  return out;
}

function title(scep: ScepInspection | undefined, certsOnly: boolean, signers: number): string {
  if (scep) {
    const status = scep.pkiStatus ? scep.pkiStatus.replace(/^\S+ \((.*)\)$/, "$1") : undefined;
    const fail = scep.failInfo ? scep.failInfo.replace(/^\S+ \((.*)\)$/, "$1") : undefined;
    const detail = [status, fail].filter(Boolean).join(", ");
    return `SCEP ${scep.messageTypeName}${detail ? ` (${detail})` : ""}`;
  }
  if (certsOnly) return "Degenerate certs-only SignedData (PKCS#7 certificate bag)";
  return signers === 0 ? "CMS SignedData (no signers)" : "CMS SignedData";
}

/** Inspects ContentInfo(SignedData): certificates, signers and checks, SCEP attributes, content. */
export function inspectSignedData(der: Uint8Array, ctx: InspectContext): SignedDataInspection {
  const sd = parseSignedData(der, "SignedData");
  const body = children(contentInfo(der, "SignedData").content, "SignedData", Type.SEQUENCE, 4);
  const version = readSmallInt(body[0], "SignedData version");
  const digestAlgorithms = children(body[1], "SignedData digestAlgorithms", Type.SET).map((a) =>
    nameOf(readOid(children(a, "digestAlgorithm", Type.SEQUENCE, 1)[0], "digestAlgorithm")),
  );
  const certificates = sd.certificates.map((c) => describeCertificate(c, ctx));
  linkIssuers(sd.certificates, certificates, ctx.crypto);
  const warnings: string[] = [];
  let scep: ScepInspection | undefined;
  if (sd.signers.some((s) => s.attributes.has(OID.scepMessageType))) {
    try {
      scep = scepSummary(der);
    } catch (err) {
      warnings.push(`SCEP attributes present but not a valid pkiMessage: ${(err as Error).message}`);
    }
  }
  const hasContent = sd.content !== undefined && sd.content.length > 0;
  const certsOnly = sd.signers.length === 0 && !hasContent;
  const signers = sd.signers.map((s) => inspectSigner(sd, s, ctx));
  const out: SignedDataInspection = {
    kind: "signed-data",
    title: title(scep, certsOnly, sd.signers.length),
    derLength: der.length,
    version,
    contentType: nameOf(sd.contentType),
    digestAlgorithms,
    certsOnly,
    content: sd.content === undefined ? { present: false, detached: signers.some((s) => s.notes.includes(DETACHED)) } : { present: true, length: sd.content.length },
    certificates,
    signers,
    ...(scep ? { scep } : {}),
    warnings,
  };
  if (hasContent) {
    if (ctx.depth >= MAX_DEPTH) warnings.push("content nested too deeply: not decoded");
    else out.encapsulated = ctx.inner(sd.content!, { ...ctx, depth: ctx.depth + 1, scepMessageType: scep?.messageType });
  }
  return out;
}
