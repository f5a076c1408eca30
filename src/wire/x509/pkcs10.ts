// SPDX-License-Identifier: MIT
/**
 * PKCS#10 certification requests (RFC 2986) with the attributes enrollment uses:
 * challengePassword (PKCS#9 1.2.840.113549.1.9.7, DirectoryString) and extensionRequest
 * (1.2.840.113549.1.9.14) carrying SAN, keyUsage and EKU.
 */
import type { CryptoPort, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import {
  Type,
  bitString,
  children,
  decode,
  directoryString,
  encode,
  implicitSet,
  int,
  oid,
  primitive,
  raw,
  readOid,
  readSmallInt,
  readString,
  seq,
  set,
  type Asn1,
} from "../asn1/der.js";
import { OID, signatureHash } from "../oids.js";
import { extensionAsn1, readExtension, type Extension } from "./extensions.js";
import { encodeName, readName, type NameAttribute } from "./name.js";
import { signatureAlgorithm } from "./spki.js";

export interface CsrTemplate {
  subject: string | NameAttribute[][] | Uint8Array;
  challengePassword?: string;
  extensions?: Extension[];
  /** Extra raw attributes (Windows adds its own); each is SEQUENCE { type, SET OF values }. */
  extraAttributes?: Asn1[];
}

export function buildCsr(t: CsrTemplate, key: PrivateKey, hash: HashAlg, crypto: CryptoPort): Uint8Array {
  const attributes: Asn1[] = [];
  if (t.challengePassword !== undefined) {
    attributes.push(seq(oid(OID.challengePassword), set(directoryString(t.challengePassword))));
  }
  if (t.extensions?.length) {
    attributes.push(seq(oid(OID.extensionRequest), set(seq(...t.extensions.map(extensionAsn1)))));
  }
  attributes.push(...(t.extraAttributes ?? []));
  const subject = t.subject instanceof Uint8Array ? t.subject : encodeName(t.subject);
  const info = encode(seq(int(0), raw(subject, "CSR subject"), raw(key.spki, "CSR public key"), implicitSet(0, attributes)));
  const signature = crypto.sign(key, hash, info);
  return encode(seq(raw(info, "certificationRequestInfo"), signatureAlgorithm(key.kind, hash), bitString(signature)));
}

export interface Csr {
  der: Uint8Array;
  info: Uint8Array;
  subject: string;
  subjectDer: Uint8Array;
  spki: Uint8Array;
  challengePassword?: string;
  extensions: Extension[];
  /** Attribute OIDs present, in order. */
  attributeOids: string[];
  signatureAlgorithm: string;
  signature: Uint8Array;
}

export function parseCsr(der: Uint8Array, what = "certification request"): Csr {
  const top = children(decode(der, what), what, Type.SEQUENCE, 3);
  const infoObj = top[0]!;
  const parts = children(infoObj, `${what} info`, Type.SEQUENCE, 4);
  if (readSmallInt(parts[0], `${what} version`) !== 0) {
    throw new ProtocolViolationError("asn1.unexpected", `${what} version is not 0`);
  }
  const subject = readName(parts[1]!, `${what} subject`);
  const extensions: Extension[] = [];
  const attributeOids: string[] = [];
  let challengePassword: string | undefined;
  for (const attr of children(parts[3], `${what} attributes`)) {
    const [t, values] = children(attr, `${what} attribute`, Type.SEQUENCE, 2);
    const type = readOid(t, `${what} attribute type`);
    attributeOids.push(type);
    const vals = children(values, `${what} attribute values`, Type.SET, 1);
    if (type === OID.challengePassword) challengePassword = readString(vals[0], `${what} challengePassword`);
    if (type === OID.extensionRequest) {
      children(vals[0], `${what} extensionRequest`, Type.SEQUENCE).forEach((e, i) =>
        extensions.push(readExtension(e, `${what} requested extension ${i}`)),
      );
    }
  }
  return {
    der,
    info: encode(infoObj),
    subject: subject.text,
    subjectDer: encode(parts[1]!),
    spki: encode(parts[2]!),
    challengePassword,
    extensions,
    attributeOids,
    signatureAlgorithm: readOid(children(top[1], `${what} signatureAlgorithm`, Type.SEQUENCE, 1)[0], `${what} signatureAlgorithm`),
    signature: primitive(top[2], `${what} signature`, Type.BITSTRING).subarray(1),
  };
}

/** Proof of possession: the request is signed by the key it certifies. */
export function verifyCsr(csr: Csr, crypto: CryptoPort): boolean {
  const hash = signatureHash[csr.signatureAlgorithm];
  return !!hash && crypto.verify(csr.spki, hash, csr.info, csr.signature);
}
