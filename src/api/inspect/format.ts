// SPDX-License-Identifier: MIT
/** Readable text of an Inspection: numbered objects, indented sections, aligned fields. Stable. */
import type {
  CertificateInspection,
  CsrInspection,
  EnvelopedDataInspection,
  ExtensionInspection,
  InspectedObject,
  Inspection,
  SignedDataInspection,
  SignerInspection,
} from "./types.js";
import { TextWriter } from "./writer.js";
import { challengeText } from "./x509.js";

const yesNo = (b: boolean): string => (b ? "yes" : "no");
const checked = (v: boolean | null, yes: string, no: string): string => (v === null ? "not checked" : v ? yes : no);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function extensions(w: TextWriter, heading: string, list: ExtensionInspection[]): void {
  if (list.length === 0) return;
  w.line(`${heading} (${list.length}):`);
  w.nest(() =>
    list.forEach((e, i) => {
      const name = e.name === e.oid ? e.oid : e.name;
      w.line(`${i + 1}. ${name}${e.critical ? " [critical]" : ""}: ${e.text}`);
      if (e.error) w.nest(() => w.line(`error: ${e.error}`), 2);
    }),
  );
}

function certificate(w: TextWriter, c: CertificateInspection): void {
  w.field("Subject", c.subject || "(empty)")
    .field("Issuer", c.issuer || "(empty)")
    .field("Serial", c.serial)
    .field("Valid from", c.validity.notBefore)
    .field("Valid until", `${c.validity.notAfter} (${c.validity.status})`)
    .field("Public key", `${c.publicKey.description} (key id ${c.publicKey.keyIdentifier})`)
    .field("Signature algorithm", c.signatureAlgorithm)
    .field("CA", yesNo(c.isCA))
    .field("Self-signed", c.selfSigned ? `yes (signature ${c.selfSignatureValid ? "valid" : "INVALID"})` : "no");
  if (c.issuerCertificate) {
    const v = c.issuerCertificate.signatureValid ? "valid" : "INVALID";
    w.field("Issued by", `certificate ${c.issuerCertificate.index} (signature ${v})`);
  }
  w.field("SHA-1 fingerprint", c.fingerprints.sha1).field("SHA-256 fingerprint", c.fingerprints.sha256);
  extensions(w, "Extensions", c.extensions);
}

function csr(w: TextWriter, c: CsrInspection): void {
  w.field("Subject", c.subject || "(empty)")
    .field("Public key", `${c.publicKey.description} (key id ${c.publicKey.keyIdentifier})`)
    .field("Signature algorithm", c.signatureAlgorithm)
    .field("Self-signature", c.signatureValid ? "valid" : "INVALID (proof of possession fails)");
  if (c.challengePassword) w.field("Challenge password", challengeText(c.challengePassword));
  extensions(w, "Requested extensions", c.requestedExtensions);
  if (c.attributes.length) {
    w.line(`Other attributes (${c.attributes.length}):`);
    w.nest(() => c.attributes.forEach((a) => w.field(a.name, a.values.join(", "))));
  }
}

function signer(w: TextWriter, s: SignerInspection): void {
  w.field("Issuer", s.issuer)
    .field("Serial", s.serial)
    .field("Certificate", s.certificateIndex ? `certificate ${s.certificateIndex} of this message` : "not in the message")
    .field("Digest algorithm", s.digestAlgorithm)
    .field("Signature algorithm", s.signatureAlgorithm)
    .field("Signature", checked(s.signatureValid, "valid", "INVALID"))
    .field("Message digest", checked(s.messageDigestMatches, "matches content", "DOES NOT MATCH content"));
  s.notes.forEach((n) => w.field("Note", n));
  if (s.signedAttributes.length) {
    w.line(`Signed attributes (${s.signedAttributes.length}):`);
    w.nest(() => s.signedAttributes.forEach((a) => w.field(a.name, a.values.join(", "))));
  }
}

function signedData(w: TextWriter, s: SignedDataInspection): void {
  if (s.certsOnly) w.line("Certificate bag: no signers, no content (e.g. a SCEP GetCACert CA/RA chain or a CertRep's issued certificate)");
  const content = s.content.present ? `${s.contentType} (${s.content.length} bytes)` : `${s.contentType} (no content${s.content.detached ? ": detached signature" : ""})`;
  w.field("Version", s.version).field("Content", content).field("Digest algorithms", s.digestAlgorithms.join(", ") || "(none)");
  if (s.scep) {
    const p = s.scep;
    w.line("SCEP attributes:");
    w.nest(() => {
      w.field("Message type", `${p.messageType} (${p.messageTypeName})`).field("Transaction ID", p.transactionID);
      if (p.senderNonce) w.field("Sender nonce", p.senderNonce);
      if (p.recipientNonce) w.field("Recipient nonce", p.recipientNonce);
      if (p.pkiStatus) w.field("PKI status", p.pkiStatus);
      if (p.failInfo) w.field("Fail info", p.failInfoMeaning ? `${p.failInfo}: ${p.failInfoMeaning}` : p.failInfo);
      if (p.failInfoText !== undefined) w.field("Fail info text", p.failInfoText);
    });
  }
  s.warnings.forEach((m) => w.field("Warning", m));
  if (s.certificates.length) {
    w.line(`Certificates (${s.certificates.length}):`);
    w.nest(() => s.certificates.forEach((c, i) => object(w, `${i + 1}.`, c)));
  }
  if (s.signers.length === 0) w.field("Signers", "none");
  else w.line(`Signers (${s.signers.length}):`);
  w.nest(() =>
    s.signers.forEach((x, i) => {
      w.line(`${i + 1}. Signer`);
      w.nest(() => signer(w, x), 2);
    }),
  );
  if (s.encapsulated) {
    w.line("Encapsulated content:");
    w.nest(() => object(w, "", s.encapsulated!));
  }
}

function envelopedData(w: TextWriter, e: EnvelopedDataInspection): void {
  w.line(`Recipients (${e.recipients.length}):`);
  w.nest(() =>
    e.recipients.forEach((r, i) => {
      const who = r.issuer !== undefined ? `issuer ${r.issuer || "(empty)"}, serial ${r.serial}` : r.subjectKeyIdentifier ? `subject key id ${r.subjectKeyIdentifier}` : "(not decoded)";
      w.line(`${i + 1}. ${r.type}: ${who}${r.keyEncryptionAlgorithm ? `, key transport ${r.keyEncryptionAlgorithm}` : ""}`);
    }),
  );
  w.field("Content cipher", e.contentCipher);
  e.warnings.forEach((m) => w.field("Warning", m));
  if (!e.decrypted) w.field("Decrypted", "no (give the recipient's private key to decrypt)");
  else if (!e.decrypted.ok) w.field("Decrypted", `FAILED: ${e.decrypted.error}`);
  else {
    w.line(`Decrypted content (recipient ${e.decrypted.recipient}):`);
    w.nest(() => object(w, "", (e.decrypted as { content: InspectedObject }).content));
  }
}

function body(w: TextWriter, o: InspectedObject): void {
  switch (o.kind) {
    case "certificate":
      return certificate(w, o);
    case "csr":
      return csr(w, o);
    case "signed-data":
      return signedData(w, o);
    case "enveloped-data":
      return envelopedData(w, o);
    case "issuer-and-subject":
      w.field("Issuer", o.issuer).field("Subject", o.subject);
      return;
    case "issuer-and-serial":
      w.field("Issuer", o.issuer).field("Serial", o.serial);
      return;
    case "data":
      if (o.text !== undefined) w.field("Text", JSON.stringify(o.text));
      if (o.hexPreview !== undefined) w.field("Hex", o.hexPreview);
      if (o.note) w.field("Note", o.note);
      return;
    case "unreadable":
      w.field("Error", o.error);
      return;
  }
}

/** One object: numbered heading line, indented body. */
function object(w: TextWriter, number: string, o: InspectedObject): void {
  const where = [o.pemLabel ? `PEM ${o.pemLabel}` : undefined, `${o.derLength} bytes`].filter(Boolean).join(", ");
  w.line(`${number ? `${number} ` : ""}${o.title} — ${where}`);
  w.nest(() => body(w, o), 2);
}

/** Readable, indented text of an inspection, for support engineers. */
export function formatInspection(i: Inspection): string {
  const w = new TextWriter();
  const skipped = i.skipped.length ? `; skipped PEM blocks: ${i.skipped.join(", ")}` : "";
  w.line(`${i.source}: ${plural(i.items.length, "object")} (${i.format.toUpperCase()})${skipped}`);
  i.items.forEach((o, n) => {
    w.blank();
    object(w, `[${n + 1}]`, o);
  });
  return w.toString();
}
