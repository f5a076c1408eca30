// SPDX-License-Identifier: MIT
/**
 * Decodes one recorded HTTP body (as the transcript keeps it: `{text}`, `{base64}`, `{omitted}`)
 * into a {@link DecodedMessage}: its format, a few summary lines for people, and `structure`, a
 * JSON tree of what it says that `replay` compares. Decoders are the project's own strict wire
 * codecs (SOAP, SyncML, plist, SCEP/CMS, X.509, PKCS#10); a body none of them reads is shown as
 * text or as its size. Certificates are summarised: subject, issuer, validity, serial.
 * Pure and synchronous; never throws (an undecodable body is reported as such).
 */
import { OID } from "../../wire/oids.js";
import { parsePlist, type PlistValue } from "../../wire/apple/plist.js";
import { parseSignedData } from "../../wire/cms/signed-data.js";
import { describeEnvelope } from "../../wire/cms/enveloped-data.js";
import { parsePkiMessage } from "../../wire/scep/message.js";
import { messageTypeName } from "../../wire/scep/vocabulary.js";
import { parseEnvelope } from "../../wire/windows/soap.js";
import { parseSyncML, type Command } from "../../wire/windows/syncml.js";
import { parseXml, type XmlNode } from "../../wire/windows/xml.js";
import { parseCertificate, type Certificate } from "../../wire/x509/certificate.js";
import { parseCsr } from "../../wire/x509/pkcs10.js";

/** What a body was decoded as. */
export type MessageFormat = "none" | "omitted" | "withheld" | "json" | "plist" | "soap" | "syncml" | "xml" | "scep" | "cms" | "x509" | "pkcs10" | "text" | "binary";

export interface DecodedMessage {
  format: MessageFormat;
  /** Lines for a person (already redacted input; terminal-sanitise before printing). */
  summary: string[];
  /** What the message says, as JSON, for comparison (replay) and expandable views (HTML). */
  structure?: unknown;
}

/** A certificate as the transcript shows it. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
}

export const summariseCertificate = (c: Certificate): CertificateSummary => ({
  subject: c.subject,
  issuer: c.issuer,
  serial: c.serialHex,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
});

const certLine = (c: CertificateSummary): string => `certificate: subject ${c.subject}; issuer ${c.issuer}; valid ${c.notBefore} to ${c.notAfter}; serial ${c.serial}`;
const hexOf = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString("hex") : undefined);
const MAX_LINES = 40;

/** Plist values as JSON: data as `{bytes}` (their size), dates as ISO text. */
function plistJson(v: PlistValue, depth = 0): unknown {
  if (v instanceof Uint8Array) return { bytes: v.length };
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => plistJson(x, depth + 1));
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plistJson(x, depth + 1)]));
  return v;
}

/** `key: value` lines of a JSON tree, nested keys dotted, at most MAX_LINES. */
function flatLines(value: unknown, prefix = "", out: string[] = []): string[] {
  if (out.length >= MAX_LINES) return out;
  if (value !== null && typeof value === "object" && !(Array.isArray(value) && value.every((x) => typeof x !== "object"))) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatLines(v, prefix ? `${prefix}.${k}` : k, out);
    if (out.length === MAX_LINES) out.push("…");
    return out;
  }
  out.push(`${prefix || "value"}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
  return out;
}

function xmlJson(n: XmlNode): unknown {
  if (n.children.length === 0) return Object.keys(n.attrs).length ? { ...n.attrs, text: n.text.trim() } : n.text.trim();
  const out: Record<string, unknown> = { ...n.attrs };
  for (const c of n.children) {
    const v = xmlJson(c);
    const prev = out[c.local];
    out[c.local] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function commandJson(c: Command): Record<string, unknown> {
  return {
    verb: c.verb,
    ...(c.data !== undefined ? { data: c.data } : {}),
    ...(c.cmd ? { cmd: c.cmd, cmdRef: c.cmdRef } : {}),
    items: c.items.map((i) => ({ ...(i.target ? { target: i.target } : {}), ...(i.source ? { source: i.source } : {}), ...(i.data !== undefined ? { data: i.data } : {}) })),
    ...(c.children ? { children: c.children.map(commandJson) } : {}),
  };
}

function decodeXml(text: string): DecodedMessage {
  if (/<plist[\s>]/.test(text)) {
    // A redacted <data> value is no longer base64: read it as the string it now is.
    const structure = plistJson(parsePlist(text.replace(/<data>\[REDACTED\]<\/data>/g, "<string>[REDACTED]</string>")));
    return { format: "plist", summary: flatLines(structure), structure };
  }
  if (/<(?:\w+:)?SyncML[\s>]/.test(text)) {
    const m = parseSyncML(text);
    const structure = { session: m.hdr.sessionId, msgId: m.hdr.msgId, target: m.hdr.target, source: m.hdr.source, final: m.final, commands: m.body.map(commandJson) };
    const lines = [`SyncML session ${m.hdr.sessionId} message ${m.hdr.msgId}${m.final ? " (final)" : ""}`];
    for (const c of m.body.slice(0, MAX_LINES)) {
      const what = c.verb === "Status" ? `${c.cmd ?? "?"} #${c.cmdRef ?? "?"} → ${c.data ?? "?"}` : c.items.map((i) => `${i.target ?? i.source ?? ""}${i.data !== undefined ? ` = ${i.data}` : ""}`).join(", ");
      lines.push(`${c.verb}${c.cmdId ? ` #${c.cmdId}` : ""}${c.verb === "Alert" && c.data ? ` ${c.data}` : ""}${what ? `: ${what}` : ""}`);
    }
    return { format: "syncml", summary: lines, structure };
  }
  if (/<(?:\w+:)?Envelope[\s>]/.test(text)) {
    const e = parseEnvelope(text, "SOAP message");
    const first = e.body.children[0];
    const structure = { action: e.action, messageId: e.messageId, relatesTo: e.relatesTo, body: first ? { [first.local]: xmlJson(first) } : {}, ...(e.fault ? { fault: e.fault } : {}) };
    const lines = [`SOAP ${e.action ?? "(no Action)"}`, `body: <${first?.name ?? "empty"}>`];
    if (e.fault) lines.push(`fault: ${e.fault.name} (${e.fault.hresultHex}) ${e.fault.reason ?? ""}`.trim());
    return { format: "soap", summary: lines, structure };
  }
  const root = parseXml(text, "XML body");
  const structure = { [root.local]: xmlJson(root) };
  return { format: "xml", summary: [`<${root.name}>`, ...flatLines(structure).slice(0, MAX_LINES)], structure };
}

function decodeText(text: string, contentType: string): DecodedMessage {
  const t = text.trimStart();
  if (/json/.test(contentType) || /^[{[]/.test(t)) {
    try {
      const structure: unknown = JSON.parse(text);
      return { format: "json", summary: flatLines(structure), structure };
    } catch {
      /* shown as text */
    }
  }
  if (t.startsWith("<")) {
    try {
      return decodeXml(text);
    } catch (err) {
      return { format: "text", summary: [`(not well-formed XML: ${(err as Error).message})`, ...text.split(/\r?\n/).slice(0, 10)] };
    }
  }
  if (/-----BEGIN /.test(t) || /x-x509|pkcs|pki-message/.test(contentType)) {
    const der = pemOrBase64(t);
    if (der) return decodeBinary(der);
  }
  return { format: "text", summary: text.split(/\r?\n/).slice(0, MAX_LINES), structure: text };
}

function pemOrBase64(t: string): Uint8Array | undefined {
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(t);
  const b64 = (pem ? pem[2]! : t).replace(/\s+/g, "");
  return /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? new Uint8Array(Buffer.from(b64, "base64")) : undefined;
}

function decodeBinary(der: Uint8Array): DecodedMessage {
  try {
    const m = parsePkiMessage(der);
    const certs = m.signedData.certificates.map(summariseCertificate);
    const type = messageTypeName(m.messageType);
    const structure = {
      messageType: type,
      transactionID: m.transactionID,
      ...(m.pkiStatus || m.pkiStatusRaw ? { pkiStatus: m.pkiStatus ?? m.pkiStatusRaw } : {}),
      ...(m.failInfo || m.failInfoRaw ? { failInfo: m.failInfo ?? m.failInfoRaw } : {}),
      ...(m.failInfoText ? { failInfoText: m.failInfoText } : {}),
      senderNonce: hexOf(m.senderNonce),
      recipientNonce: hexOf(m.recipientNonce),
      envelope: m.envelope ? envelopeJson(m.envelope) : undefined,
      certificates: certs,
    };
    const lines = [`SCEP ${type}${structure.pkiStatus ? ` ${structure.pkiStatus}` : ""}${structure.failInfo ? ` failInfo ${structure.failInfo}` : ""}; transactionID ${m.transactionID}`];
    if (m.senderNonce) lines.push(`senderNonce ${hexOf(m.senderNonce)}`);
    if (m.recipientNonce) lines.push(`recipientNonce ${hexOf(m.recipientNonce)}`);
    if (structure.envelope) lines.push(`encrypted content (EnvelopedData, ${(structure.envelope as { recipients: number }).recipients} recipient(s)): opaque without the recipient's key`);
    lines.push(...certs.map(certLine));
    return { format: "scep", summary: lines, structure };
  } catch {
    /* not SCEP */
  }
  try {
    const sd = parseSignedData(der);
    const certs = sd.certificates.map(summariseCertificate);
    const inner = sd.content && sd.content.length > 0 ? decodeBody({ base64: Buffer.from(sd.content).toString("base64") }, "") : undefined;
    const structure = { contentType: sd.contentType === OID.data ? "data" : sd.contentType, signers: sd.signers.length, certificates: certs, ...(inner ? { content: inner.structure ?? inner.format } : {}) };
    const lines = [`CMS SignedData: ${sd.signers.length} signer(s) (signature not verified here), ${certs.length} certificate(s)`, ...certs.map(certLine)];
    if (inner) lines.push(`signed content (${inner.format}):`, ...inner.summary.map((l) => `  ${l}`));
    return { format: "cms", summary: lines, structure };
  } catch {
    /* not SignedData */
  }
  try {
    const c = summariseCertificate(parseCertificate(der));
    return { format: "x509", summary: [certLine(c)], structure: c };
  } catch {
    /* not a certificate */
  }
  try {
    const csr = parseCsr(der);
    const structure = { subject: csr.subject, ...(csr.challengePassword !== undefined ? { challengePassword: "[REDACTED]" } : {}) };
    return { format: "pkcs10", summary: [`certificate request: subject ${csr.subject}`], structure };
  } catch {
    /* not a CSR */
  }
  const text = Buffer.from(der).toString("utf8");
  if (!text.includes("\uFFFD") && text.trimStart().startsWith("<")) return decodeText(text, "");
  return { format: "binary", summary: [`${der.length} bytes, not a message this viewer decodes`], structure: { bytes: der.length } };
}

function envelopeJson(der: Uint8Array): unknown {
  try {
    const e = describeEnvelope(der);
    return { recipients: e.recipients.length, cipher: e.cipher };
  } catch {
    return { recipients: 0 };
  }
}

/** Decodes a body the transcript kept; `contentType` helps choose (media type, parameters ignored). */
export function decodeBody(body: unknown, contentType = ""): DecodedMessage {
  const b = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : undefined;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (!b) return { format: "none", summary: [] };
  if (typeof b.omitted === "string") return { format: "omitted", summary: [`body not kept: ${b.omitted}`] };
  if (b.base64 === "[REDACTED]" && typeof b.redactedPlist === "string") {
    // A signed profile holding a secret: its bytes are withheld, its content is kept with the secret values redacted.
    try {
      const m = decodeText(b.redactedPlist, "");
      return { ...m, summary: ["bytes withheld (they hold a secret); the plist they carry, secret values redacted (its signature cannot be checked here):", ...m.summary] };
    } catch (err) {
      return { format: "withheld", summary: [`body withheld: it holds a secret (its plist could not be decoded: ${(err as Error).message})`] };
    }
  }
  if (b.base64 === "[REDACTED]" || b.text === "[REDACTED]") return { format: "withheld", summary: ["body withheld: it holds a secret"] };
  try {
    if (typeof b.text === "string") return decodeText(b.text, type);
    if (typeof b.base64 === "string") return decodeBinary(new Uint8Array(Buffer.from(b.base64, "base64")));
  } catch (err) {
    return { format: "text", summary: [`(could not decode: ${(err as Error).message})`] };
  }
  return { format: "none", summary: [] };
}
