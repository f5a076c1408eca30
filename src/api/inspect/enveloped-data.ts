// SPDX-License-Identifier: MIT
/** CMS EnvelopedData to its inspect form: recipients, algorithms, and (with a key) the decrypted content. */
import { SimError } from "../../errors/index.js";
import { Class, Type, children, decode, isContext, primitive, readIntBytes, readOid } from "../../wire/asn1/der.js";
import { contentInfo } from "../../wire/cms/signed-data.js";
import { describeEnvelope, openEnvelopedData, type EnvelopeInfo } from "../../wire/cms/enveloped-data.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import { readName } from "../../wire/x509/name.js";
import { MAX_DEPTH, type InspectContext } from "./context.js";
import { hex, nameOf } from "./names.js";
import type { EnvelopedDataInspection, RecipientInspection } from "./types.js";

const RECIPIENT_KINDS: Record<number, string> = { 1: "keyAgreement", 2: "kek", 3: "password", 4: "other" };

/**
 * Lenient outline for envelopes the wire codec refuses (single DES, subjectKeyIdentifier or
 * key-agreement recipients): recipients and algorithm only, never decrypted.
 */
function outline(der: Uint8Array): { recipients: RecipientInspection[]; cipher: string } {
  const parts = children(contentInfo(der, "EnvelopedData").content, "EnvelopedData", Type.SEQUENCE, 3);
  const i = isContext(parts[1], 0) ? 2 : 1;
  const recipients = children(parts[i], "recipientInfos", Type.SET).map((ri): RecipientInspection => {
    if (ri.tagClass !== Class.UNIVERSAL || ri.type !== Type.SEQUENCE) return { type: RECIPIENT_KINDS[ri.type] ?? `[${ri.type}]` };
    const r = children(ri, "KeyTransRecipientInfo", Type.SEQUENCE, 4);
    const keyEncryptionAlgorithm = nameOf(readOid(children(r[2], "keyEncryptionAlgorithm", Type.SEQUENCE, 1)[0], "keyEncryptionAlgorithm"));
    if (isContext(r[1], 0)) return { type: "keyTransport", subjectKeyIdentifier: hex(primitive(r[1], "subjectKeyIdentifier")), keyEncryptionAlgorithm };
    const [issuer, serial] = children(r[1], "issuerAndSerialNumber", Type.SEQUENCE, 2);
    return { type: "keyTransport", issuer: readName(issuer!, "recipient issuer").text, serial: hex(readIntBytes(serial, "recipient serial")), keyEncryptionAlgorithm };
  });
  const eci = children(parts[i + 1], "encryptedContentInfo", Type.SEQUENCE, 2);
  return { recipients, cipher: nameOf(readOid(children(eci[1], "contentEncryptionAlgorithm", Type.SEQUENCE, 1)[0], "contentEncryptionAlgorithm")) };
}

/** Tries the key against each recipient; the first that opens the envelope wins. */
function decrypt(der: Uint8Array, info: EnvelopeInfo, ctx: InspectContext): NonNullable<EnvelopedDataInspection["decrypted"]> {
  const key = ctx.key!;
  if (key.kind !== "rsa") return { ok: false, error: `the key is ${key.kind.toUpperCase()}; this envelope uses RSA key transport` };
  const errors: string[] = [];
  for (const [i, r] of info.recipients.entries()) {
    // openEnvelopedData matches the recipient by issuer and serial only; the key is what we have.
    const recipient = { issuerDer: r.issuerDer, serial: r.serial, serialHex: hex(r.serial), subject: `recipient ${i + 1}` } as unknown as Certificate;
    try {
      const { content } = openEnvelopedData(der, recipient, key, ctx.crypto);
      if (ctx.depth >= MAX_DEPTH) return { ok: false, error: "content nested too deeply: not decoded" };
      return { ok: true, recipient: i + 1, content: ctx.inner(content, { ...ctx, depth: ctx.depth + 1 }) };
    } catch (err) {
      errors.push(`recipient ${i + 1}: ${err instanceof SimError ? err.message : (err as Error).message}`);
    }
  }
  return { ok: false, error: `the key opens no recipient (${errors.join("; ")})` };
}

/** Inspects ContentInfo(EnvelopedData); decrypts when the context holds a key. */
export function inspectEnvelopedData(der: Uint8Array, ctx: InspectContext): EnvelopedDataInspection {
  let info: EnvelopeInfo;
  try {
    info = describeEnvelope(der, "EnvelopedData");
  } catch (err) {
    if (!(err instanceof SimError)) throw err;
    let o: ReturnType<typeof outline>;
    try {
      o = outline(der);
    } catch {
      throw err;
    }
    const out: EnvelopedDataInspection = {
      kind: "enveloped-data",
      title: "CMS EnvelopedData",
      derLength: der.length,
      recipients: o.recipients,
      contentCipher: o.cipher,
      warnings: [`enrollsim cannot open this envelope: ${err.message}`],
    };
    if (ctx.key) out.decrypted = { ok: false, error: err.message };
    return out;
  }
  const out: EnvelopedDataInspection = {
    kind: "enveloped-data",
    title: "CMS EnvelopedData",
    derLength: der.length,
    recipients: info.recipients.map((r) => ({
      type: "keyTransport",
      issuer: readName(decode(r.issuerDer, "recipient issuer"), "recipient issuer").text,
      serial: hex(r.serial),
      keyEncryptionAlgorithm: nameOf(r.keyEncryptionAlgorithm),
    })),
    contentCipher: info.cipher,
    warnings: [],
  };
  if (ctx.key) out.decrypted = decrypt(der, info, ctx);
  return out;
}
