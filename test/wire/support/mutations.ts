// SPDX-License-Identifier: MIT
/**
 * The mutation annotations (test/fixtures/scep/mutations.yaml) and the code that applies them.
 * The generator writes each mutated file by applying its annotation to the base file; the tests
 * apply it again and require the same bytes, so an annotation cannot drift from its file.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { ContentCipher } from "../../../src/ports/crypto.js";
import { octets, printable, utf8, type Asn1 } from "../../../src/wire/asn1/der.js";
import { buildEnvelopedData } from "../../../src/wire/cms/enveloped-data.js";
import { buildCertsOnly, buildSignedData, findSignerCert, parseSignedData } from "../../../src/wire/cms/signed-data.js";
import { OID } from "../../../src/wire/oids.js";
import { DeterministicCrypto, Drbg } from "./deterministic-crypto.js";
import { elementAt } from "./der-walk.js";
import { fixturePath, readCert, readKey } from "./fixture-files.js";

/** SCEP signed attributes by the names used in the annotations. */
export const ATTRIBUTE_OIDS: Record<string, string> = {
  messageType: OID.scepMessageType,
  pkiStatus: OID.scepPkiStatus,
  failInfo: OID.scepFailInfo,
  senderNonce: OID.scepSenderNonce,
  recipientNonce: OID.scepRecipientNonce,
  transactionID: OID.scepTransactionId,
  failInfoText: OID.scepFailInfoText,
};

export interface AttributeValue {
  type: "PrintableString" | "UTF8String" | "OCTET STRING";
  /** Text, or hex for OCTET STRING. */
  value: string;
}

export interface Flip {
  offset: number;
  /** Hex byte before and after. */
  old: string;
  new: string;
  /** der-walk path of the element holding the byte, and its name. */
  element: string;
  name: string;
}

export interface Resign {
  /** Certificate and key files that sign the rebuilt message. */
  signer: { cert: string; key: string };
  signedAttrs?: { remove?: string[]; set?: Record<string, AttributeValue> };
  /** SignedData.certificates; default: the base's, with the old signer's certificate replaced by the new one. */
  certificates?: string[];
  /** Replace the encapsulated EnvelopedData (default: keep the base's bytes). */
  envelope?: { recipient: string; cipher: ContentCipher; certsOnly: string[] };
}

export type Change = { flip: Flip } | { truncate: { length: number } } | { resign: Resign } | { certsOnly: { certificates: string[] } };

export interface Expectation {
  check: "parsePkiMessage" | "verifySigner" | "checkCertRep" | "chainFromResponse";
  /** HTTP Content-Type given to checkCertRep / chainFromResponse. */
  contentType?: string;
  options?: { lenientNonce?: boolean };
  /** Typed error code the check must throw … */
  error?: string;
  /** … or fields its result must have (null means "absent"). */
  value?: Record<string, unknown>;
}

export interface Mutation {
  file: string;
  base: string;
  what: string;
  change: Change;
  expect: Expectation[];
}

export function loadMutations(): Mutation[] {
  const doc = parseYaml(readFileSync(fixturePath("mutations.yaml"), "utf8")) as { mutations: Mutation[] };
  return doc.mutations;
}

const hexByte = (h: string): number => {
  if (!/^[0-9a-f]{2}$/.test(h)) throw new Error(`"${h}" is not a lower-case hex byte`);
  return parseInt(h, 16);
};

function attributeAsn1(v: AttributeValue): Asn1 {
  switch (v.type) {
    case "PrintableString":
      return printable(v.value);
    case "UTF8String":
      return utf8(v.value);
    case "OCTET STRING":
      return octets(Uint8Array.from(Buffer.from(v.value, "hex")));
  }
}

/** Applies one annotated change to the base bytes; `label` seeds any randomness (the mutated file's name). */
export function applyChange(base: Uint8Array, change: Change, label: string): Uint8Array {
  if ("flip" in change) {
    const { offset, old, element } = change.flip;
    const el = elementAt(base, element);
    if (offset < el.start || offset >= el.end) throw new Error(`${label}: offset ${offset} is outside ${change.flip.name} (${el.start}..${el.end})`);
    if (base[offset] !== hexByte(old)) throw new Error(`${label}: base byte at ${offset} is ${base[offset]!.toString(16)}, annotation says ${old}`);
    const out = Uint8Array.from(base);
    out[offset] = hexByte(change.flip.new);
    return out;
  }
  if ("truncate" in change) {
    if (change.truncate.length >= base.length) throw new Error(`${label}: truncation to ${change.truncate.length} does not shorten a ${base.length}-byte base`);
    return base.slice(0, change.truncate.length);
  }
  const crypto = new DeterministicCrypto(label);
  if ("certsOnly" in change) return buildCertsOnly(change.certsOnly.certificates.map((n) => readCert(n).der), crypto);

  const r = change.resign;
  const sd = parseSignedData(base, label);
  const oldSigner = sd.signers[0]!;
  const oldSignerCert = findSignerCert(oldSigner, sd.certificates);
  const cert = readCert(r.signer.cert);
  const attrs = new Map(oldSigner.attributes);
  attrs.delete(OID.contentType);
  attrs.delete(OID.messageDigest);
  for (const name of r.signedAttrs?.remove ?? []) {
    if (!attrs.delete(ATTRIBUTE_OIDS[name] ?? "?")) throw new Error(`${label}: base has no ${name} attribute to remove`);
  }
  for (const [name, v] of Object.entries(r.signedAttrs?.set ?? {})) {
    const o = ATTRIBUTE_OIDS[name];
    if (!o) throw new Error(`${label}: unknown attribute ${name}`);
    attrs.set(o, [attributeAsn1(v)]);
  }
  const certificates = r.certificates
    ? r.certificates.map((n) => readCert(n).der)
    : sd.certificates.map((c) => (c === oldSignerCert ? cert.der : c.der));
  const cek = new Drbg(`${label}/cek`);
  const content = r.envelope
    ? buildEnvelopedData(
        {
          content: buildCertsOnly(r.envelope.certsOnly.map((n) => readCert(n).der), crypto),
          recipient: readCert(r.envelope.recipient),
          cipher: r.envelope.cipher,
          random: (n) => cek.bytes(n),
        },
        crypto,
      )
    : sd.content;
  return buildSignedData(
    {
      contentType: sd.contentType,
      content,
      certificates,
      signer: { cert, key: readKey(r.signer.key), hash: oldSigner.digest, attributes: [...attrs].map(([oid, values]) => ({ oid, values })) },
    },
    crypto,
  );
}
