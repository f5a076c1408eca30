// SPDX-License-Identifier: MIT
/** Which decoder fits a DER object: certificate, then CSR, then CMS ContentInfo (SignedData / EnvelopedData). */
import { ProtocolViolationError } from "../../errors/index.js";
import { decode } from "../../wire/asn1/der.js";
import { contentInfo } from "../../wire/cms/signed-data.js";
import { OID } from "../../wire/oids.js";
import { MessageType } from "../../wire/scep/vocabulary.js";
import { parseIssuerAndSerial, parseIssuerAndSubject } from "../../wire/scep/message.js";
import { readName } from "../../wire/x509/name.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import { InspectError, type InspectContext } from "./context.js";
import { inspectEnvelopedData } from "./enveloped-data.js";
import { hex, nameOf, shortHex } from "./names.js";
import { inspectSignedData } from "./signed-data.js";
import type { DataInspection, InspectedObject } from "./types.js";
import { inspectCertificate, inspectCsr } from "./x509.js";

/** Decoder kinds, in the order they are tried. */
export type DecoderKind = "certificate" | "csr" | "cms";
const ORDER: DecoderKind[] = ["certificate", "csr", "cms"];
const LABEL: Record<DecoderKind, string> = { certificate: "certificate", csr: "CSR", cms: "CMS ContentInfo" };

export interface Decoded {
  object: InspectedObject;
  /** The parsed certificate, when the object is one (to link chains). */
  cert?: Certificate;
}

function inspectCms(der: Uint8Array, ctx: InspectContext): InspectedObject {
  const { type } = contentInfo(der, "CMS ContentInfo");
  if (type === OID.signedData) return inspectSignedData(der, ctx);
  if (type === OID.envelopedData) return inspectEnvelopedData(der, ctx);
  throw new ProtocolViolationError("cms.unsupported-type", `content type ${nameOf(type)} is not supported (only signedData and envelopedData)`);
}

function attempt(kind: DecoderKind, der: Uint8Array, ctx: InspectContext): Decoded {
  switch (kind) {
    case "certificate": {
      const { cert, inspection } = inspectCertificate(der, ctx);
      return { object: inspection, cert };
    }
    case "csr":
      return { object: inspectCsr(der, ctx) };
    case "cms":
      return { object: inspectCms(der, ctx) };
  }
}

/** Tries each decoder (the `first` one first); undefined plus the refusals when none fits. */
function tryAll(der: Uint8Array, ctx: InspectContext, first?: DecoderKind): Decoded | { as: string; error: string }[] {
  const order = first ? [first, ...ORDER.filter((k) => k !== first)] : ORDER;
  const tried: { as: string; error: string }[] = [];
  for (const kind of order) {
    try {
      return attempt(kind, der, ctx);
    } catch (err) {
      tried.push({ as: LABEL[kind], error: (err as Error).message });
    }
  }
  return tried;
}

const NOT_KNOWN = "not a certificate, CSR or CMS message";

/** Decodes one top-level DER object; an InspectError naming every decoder tried when none fits. */
export function decodeDer(der: Uint8Array, ctx: InspectContext, what: string, first?: DecoderKind): Decoded {
  if (der.length === 0) throw new InspectError("inspect.empty", `${what} is empty`);
  try {
    decode(der, "the data");
  } catch (err) {
    const error = (err as Error).message;
    throw new InspectError("inspect.unrecognized", `${what}: ${NOT_KNOWN}: ${error}`, [{ as: "DER", error }], { cause: err });
  }
  const r = tryAll(der, ctx, first);
  if (!Array.isArray(r)) return r;
  const detail = r.map((t) => `${t.as}: ${t.error}`).join("; ");
  throw new InspectError("inspect.unrecognized", `${what}: ${NOT_KNOWN} (tried ${detail})`, r);
}

function data(der: Uint8Array, note?: string): DataInspection {
  const text = Buffer.from(der).toString("utf8");
  const printable = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/u.test(text) && !text.includes("\ufffd");
  return {
    kind: "data",
    title: "Opaque data",
    derLength: der.length,
    ...(printable ? { text: text.length > 200 ? `${text.slice(0, 200)}…` : text } : { hexPreview: shortHex(der, 32) }),
    ...(note ? { note } : {}),
  };
}

/** SCEP message data that is not a CSR or certificate: CertPoll, GetCert, GetCRL (RFC 8894 §3.3). */
function scepMessageData(der: Uint8Array, messageType: number | undefined): InspectedObject | undefined {
  try {
    if (messageType === MessageType.CertPoll) {
      const s = parseIssuerAndSubject(der);
      return { kind: "issuer-and-subject", title: "IssuerAndSubject (CertPoll message data)", derLength: der.length, issuer: s.issuer, subject: s.subject };
    }
    if (messageType === MessageType.GetCert || messageType === MessageType.GetCRL) {
      const s = parseIssuerAndSerial(der);
      const issuer = readName(decode(s.issuerDer, "issuer"), "issuer").text;
      const title = `IssuerAndSerialNumber (${messageType === MessageType.GetCert ? "GetCert" : "GetCRL"} message data)`;
      return { kind: "issuer-and-serial", title, derLength: der.length, issuer, serial: hex(s.serial) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Decodes nested content (encapsulated or decrypted); anything unknown becomes opaque data. Never throws. */
export function decodeInner(der: Uint8Array, ctx: InspectContext): InspectedObject {
  if (der.length === 0) return data(der, "empty");
  try {
    decode(der, "the content");
  } catch {
    return data(der);
  }
  const r = tryAll(der, ctx);
  if (!Array.isArray(r)) return r.object;
  return scepMessageData(der, ctx.scepMessageType) ?? data(der, `valid DER, but ${NOT_KNOWN} (${r.map((t) => `${t.as}: ${t.error}`).join("; ")})`);
}
