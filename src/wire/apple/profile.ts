// SPDX-License-Identifier: MIT
/**
 * Configuration profiles (.mobileconfig): plain XML plist or CMS SignedData with the plist as
 * encapsulated content. Parses into a payload model (certificate anchors, PKCS#12, SCEP, MDM,
 * other known types kept raw) and builds/signs profiles for the reference server.
 * Refusals carry the Apple error a device shows ({@link ProfileError.apple}).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { buildSignedData, findSignerCert, parseSignedData, verifySigner } from "../cms/signed-data.js";
import { buildChain } from "../x509/chain.js";
import { fromPem, parseCertificate, type Certificate } from "../x509/certificate.js";
import { AppleErrors, describeAppleError, type AppleError } from "./errors.js";
import { payloadFieldInvalid, payloadFieldMissing, profileName } from "./payload-errors.js";
import { misplacedContent } from "./profile-framing.js";
import { PAYLOAD_TYPES } from "./generated-data.js";
import { P, PlistError, buildPlistBytes, isDict, parsePlist, parsePlistDict, typeName, type PlistDict, type PlistLimits, type PlistValue } from "./plist.js";

/** A profile a device refuses; `apple` is what it shows / reports. */
export class ProfileError extends ProtocolViolationError {
  constructor(readonly apple: AppleError) {
    super(apple.symptom, describeAppleError(apple));
  }
}

interface PayloadBase {
  type: string;
  identifier: string;
  uuid: string;
  version: number;
  displayName?: string;
  raw: PlistDict;
}
export interface CertPayload extends PayloadBase {
  kind: "certificate";
  certificate: Certificate;
}
export interface Pkcs12Payload extends PayloadBase {
  kind: "pkcs12";
  data: Uint8Array;
  password?: string;
}
export interface ScepPayload extends PayloadBase {
  kind: "scep";
  url: string;
  name?: string;
  /** RDN list: [[["O","Acme"]],[["CN","%SerialNumber%"]]] */
  subject?: [string, string][][];
  challenge?: string;
  keysize: number;
  keyType: string;
  keyUsage: number;
  caFingerprint?: Uint8Array;
  retries: number;
  retryDelay: number;
  subjectAltName?: { rfc822Name?: string[]; dNSName?: string[]; uniformResourceIdentifier?: string[]; ntPrincipalName?: string[] };
}
export interface MdmPayload extends PayloadBase {
  kind: "mdm";
  identityCertificateUUID: string;
  topic: string;
  serverURL: string;
  checkInURL: string;
  signMessage: boolean;
  accessRights: number;
  checkOutWhenRemoved: boolean;
  serverCapabilities: string[];
  enrollmentMode?: string;
  assignedManagedAppleID?: string;
}
export interface OtherPayload extends PayloadBase {
  kind: "other";
}
export type Payload = CertPayload | Pkcs12Payload | ScepPayload | MdmPayload | OtherPayload;

export interface Profile {
  identifier: string;
  uuid: string;
  version: number;
  displayName?: string;
  organization?: string;
  removalDisallowed: boolean;
  scope?: string;
  payloads: Payload[];
  raw: PlistDict;
}

/**
 * What the device knows of a profile's signature (iOS shows "Verified" only for the last):
 * unsigned (a plain plist); not-checked (signed, but parsed without a crypto port: nothing was
 * verified, so nothing is claimed); signature-invalid (the CMS signature or its digest does not
 * verify, or the signer's certificate is absent); signer-untrusted (the signature verifies, but no
 * path through the CMS certificates reaches a trusted anchor); verified.
 */
export type SignatureStatus = "unsigned" | "not-checked" | "signature-invalid" | "signer-untrusted" | "verified";

export interface ParsedProfile {
  profile: Profile;
  signature: SignatureStatus;
  signer?: Certificate;
  /** The plist bytes (the eContent when signed). */
  plist: Uint8Array;
}

export interface ParseProfileOptions {
  crypto?: CryptoPort;
  /** Anchors a signer must chain to, through any intermediates the CMS certificate set carries (chain.ts). */
  trust?: Certificate[];
  /** What the device does with an unsigned / badly signed / untrusted profile. Default "accept" (iOS shows "Not Verified"). */
  signaturePolicy?: "accept" | "require-valid" | "require-trusted";
  limits?: Partial<PlistLimits>;
  /** Opens EncryptedPayloadContent (CMS EnvelopedData) with an installed identity; undefined when none can. */
  decrypt?: (der: Uint8Array) => Uint8Array | undefined;
}

const KNOWN_TYPES = new Set(["Configuration", ...PAYLOAD_TYPES.map((p) => p.type), "com.apple.security.pem", "com.apple.security.pkcs1", "com.apple.security.root", "com.apple.security.pkcs12"]);
const CERT_TYPES = new Set(["com.apple.security.root", "com.apple.security.pkcs1", "com.apple.security.pem"]);
export const TOPIC_RE = /^com\.apple\.mgmt\.[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** The payload a field belongs to, for the payload handler's refusal (payload-errors.ts): its type and the profile's name. */
interface PayloadAt {
  type: string;
  name: string;
}

/** Reads a field, turning plist type errors into the Apple refusal a device shows (a payload's own, inside a payload). */
function field<T>(get: () => T, name: string, at?: PayloadAt): T {
  try {
    return get();
  } catch (e) {
    if (e instanceof PlistError && e.code === "plist.missing-key") throw new ProfileError(at ? payloadFieldMissing(name, at.type, at.name) : AppleErrors.missingField(name));
    if (e instanceof PlistError) throw new ProfileError(at ? payloadFieldInvalid(name, { code: 2003, why: e.message }, at.type, at.name) : AppleErrors.badField(name, e.message));
    throw e;
  }
}

/** A required string of a payload: an empty one reads as missing (micromdm#496's empty Topic, payload-errors.ts). */
function requiredString(d: PlistDict, key: string, what: string, at: PayloadAt): string {
  const v = field(() => P.str(d, key, what), key, at);
  if (v === "") throw new ProfileError(payloadFieldMissing(key, at.type, at.name));
  return v;
}

const invalid = (at: PayloadAt, key: string, code: 2003 | 2004, why: string): ProfileError => new ProfileError(payloadFieldInvalid(key, { code, why }, at.type, at.name));

function certFrom(data: Uint8Array, what: string): Certificate {
  const text = Buffer.from(data.subarray(0, 64)).toString("latin1");
  const der = text.includes("-----BEGIN") ? fromPem(Buffer.from(data).toString("latin1"))[0] : data;
  if (!der) throw new ProfileError(AppleErrors.badField("PayloadContent", `${what}: no certificate in PEM`));
  try {
    return parseCertificate(der, what);
  } catch (e) {
    throw new ProfileError(AppleErrors.badField("PayloadContent", `${what}: ${(e as Error).message}`));
  }
}

function strList(v: PlistValue | undefined, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new ProfileError(AppleErrors.badField(name, `expected string or array of strings, got ${typeName(v)}`));
}

function parsePayload(d: PlistDict, i: number, profile: string): Payload {
  const what = `PayloadContent[${i}]`;
  const type = field(() => P.str(d, "PayloadType", what), "PayloadType", { type: "(no PayloadType)", name: profile });
  const at: PayloadAt = { type, name: profile };
  const f = <T>(get: () => T, name: string): T => field(get, name, at);
  const base = {
    type,
    identifier: f(() => P.str(d, "PayloadIdentifier", what), "PayloadIdentifier"),
    uuid: f(() => P.str(d, "PayloadUUID", what), "PayloadUUID"),
    version: f(() => P.optInt(d, "PayloadVersion", what), "PayloadVersion") ?? 1,
    displayName: f(() => P.optStr(d, "PayloadDisplayName", what), "PayloadDisplayName"),
    raw: d,
  };
  if (!KNOWN_TYPES.has(type)) throw new ProfileError(AppleErrors.unsupportedPayload(type));
  if (CERT_TYPES.has(type)) {
    const data = f(() => P.data(d, "PayloadContent", `${what} (${type})`), "PayloadContent");
    return { ...base, kind: "certificate", certificate: certFrom(data, `${what} certificate`) };
  }
  if (type === "com.apple.security.pkcs12") {
    return {
      ...base,
      kind: "pkcs12",
      data: f(() => P.data(d, "PayloadContent", what), "PayloadContent"),
      password: f(() => P.optStr(d, "Password", what), "Password"),
    };
  }
  if (type === "com.apple.security.scep") {
    const c = f(() => P.dict(d, "PayloadContent", `${what} (SCEP)`), "PayloadContent");
    const w = `${what}.PayloadContent`;
    const subjectRaw = c.Subject;
    let subject: [string, string][][] | undefined;
    if (subjectRaw !== undefined) {
      const ok =
        Array.isArray(subjectRaw) &&
        subjectRaw.every((rdn) => Array.isArray(rdn) && rdn.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "string")));
      if (!ok) throw invalid(at, "Subject", 2003, "expected an array of RDN arrays of [type, value] string pairs");
      subject = subjectRaw as unknown as [string, string][][];
    }
    const san = f(() => P.optDict(c, "SubjectAltName", w), "SubjectAltName");
    const keysize = f(() => P.optInt(c, "Keysize", w), "Keysize") ?? 1024;
    if (![1024, 2048, 4096].includes(keysize)) throw invalid(at, "Keysize", 2004, `${keysize} is not 1024, 2048 or 4096`);
    const keyType = f(() => P.optStr(c, "Key Type", w), "Key Type") ?? "RSA";
    if (keyType !== "RSA") throw invalid(at, "Key Type", 2004, `"${keyType}" is not RSA`);
    return {
      ...base,
      kind: "scep",
      url: requiredString(c, "URL", w, at),
      name: f(() => P.optStr(c, "Name", w), "Name"),
      subject,
      challenge: f(() => P.optStr(c, "Challenge", w), "Challenge"),
      keysize,
      keyType,
      keyUsage: f(() => P.optInt(c, "Key Usage", w), "Key Usage") ?? 0,
      caFingerprint: f(() => P.optData(c, "CAFingerprint", w), "CAFingerprint"),
      retries: f(() => P.optInt(c, "Retries", w), "Retries") ?? 3,
      retryDelay: f(() => P.optInt(c, "RetryDelay", w), "RetryDelay") ?? 10,
      subjectAltName: san && {
        rfc822Name: strList(san.rfc822Name, "rfc822Name"),
        dNSName: strList(san.dNSName, "dNSName"),
        uniformResourceIdentifier: strList(san.uniformResourceIdentifier, "uniformResourceIdentifier"),
        ntPrincipalName: strList(san.ntPrincipalName, "ntPrincipalName"),
      },
    };
  }
  if (type === "com.apple.mdm") {
    const idUuid = f(() => P.optStr(d, "IdentityCertificateUUID", what), "IdentityCertificateUUID");
    if (!idUuid) throw new ProfileError(payloadFieldMissing("IdentityCertificateUUID", type, profile));
    const topic = requiredString(d, "Topic", what, at);
    if (!TOPIC_RE.test(topic)) throw new ProfileError(AppleErrors.badTopic(topic));
    const serverURL = requiredString(d, "ServerURL", what, at);
    const checkInURL = f(() => P.optStr(d, "CheckInURL", what), "CheckInURL") ?? serverURL;
    for (const [n, u] of [["ServerURL", serverURL], ["CheckInURL", checkInURL]] as const) {
      if (!/^https:\/\/[^\s/]+/.test(u)) throw invalid(at, n, 2004, `"${u.slice(0, 80)}" is not an https URL`);
    }
    const caps = f(() => P.optArr(d, "ServerCapabilities", what), "ServerCapabilities") ?? [];
    if (!caps.every((c) => typeof c === "string")) throw invalid(at, "ServerCapabilities", 2003, "expected an array of strings");
    const enrollmentMode = f(() => P.optStr(d, "EnrollmentMode", what), "EnrollmentMode");
    const rightsRaw = f(() => P.optInt(d, "AccessRights", what), "AccessRights");
    if (enrollmentMode === "BYOD" && rightsRaw !== undefined) throw invalid(at, "AccessRights", 2004, "must be absent for EnrollmentMode BYOD");
    const accessRights = rightsRaw ?? 8191;
    if (accessRights < 0 || accessRights > 8191) throw invalid(at, "AccessRights", 2004, `${accessRights} is outside 0–8191`);
    if (accessRights & 2 && !(accessRights & 1)) throw invalid(at, "AccessRights", 2004, "install/remove profiles (2) requires inspect profiles (1)");
    if (accessRights & 128 && !(accessRights & 64)) throw invalid(at, "AccessRights", 2004, "install provisioning profiles (128) requires inspect (64)");
    return {
      ...base,
      kind: "mdm",
      identityCertificateUUID: idUuid,
      topic,
      serverURL,
      checkInURL,
      signMessage: f(() => P.optBool(d, "SignMessage", what), "SignMessage") ?? false,
      accessRights,
      checkOutWhenRemoved: f(() => P.optBool(d, "CheckOutWhenRemoved", what), "CheckOutWhenRemoved") ?? false,
      serverCapabilities: caps as string[],
      enrollmentMode,
      assignedManagedAppleID: f(() => P.optStr(d, "AssignedManagedAppleID", what), "AssignedManagedAppleID"),
    };
  }
  return { ...base, kind: "other" };
}

/** Reads the profile dictionary (already decoded from its plist). */
export function profileFromPlist(d: PlistDict, decrypt?: (der: Uint8Array) => Uint8Array | undefined, limits?: Partial<PlistLimits>): Profile {
  const what = "profile";
  const name = profileName(d);
  const type = field(() => P.str(d, "PayloadType", what), "PayloadType");
  if (type !== "Configuration") throw new ProfileError(AppleErrors.badField("PayloadType", `top-level PayloadType is "${type}", expected "Configuration"`));
  let content: PlistValue[];
  if (d.EncryptedPayloadContent !== undefined) {
    // CMS EnvelopedData to an installed identity; the plaintext is the PayloadContent array.
    const der = field(() => P.data(d, "EncryptedPayloadContent", what), "EncryptedPayloadContent");
    const plain = decrypt?.(der);
    if (!plain) throw new ProfileError(AppleErrors.cannotDecrypt());
    let v: PlistValue;
    try {
      v = parsePlist(plain, limits);
    } catch (e) {
      throw new ProfileError(AppleErrors.malformed(`decrypted payload content: ${(e as Error).message}`));
    }
    if (!Array.isArray(v)) throw new ProfileError(AppleErrors.badField("EncryptedPayloadContent", "decrypted content is not an array of payloads"));
    content = v;
  } else content = field(() => P.optArr(d, "PayloadContent", what), "PayloadContent") ?? [];
  const payloads = content.map((p, i) => {
    if (!isDict(p)) throw new ProfileError(AppleErrors.badField("PayloadContent", `item ${i} is ${typeName(p)}, expected a dictionary`));
    return parsePayload(p, i, name);
  });
  const uuids = new Set<string>();
  for (const p of payloads) {
    if (uuids.has(p.uuid)) throw new ProfileError(AppleErrors.badField("PayloadUUID", `duplicate PayloadUUID ${p.uuid}`));
    uuids.add(p.uuid);
  }
  const mdm = payloads.filter((p) => p.kind === "mdm");
  if (mdm.length > 1) throw new ProfileError(AppleErrors.badField("PayloadContent", "more than one com.apple.mdm payload"));
  const m = mdm[0] as MdmPayload | undefined;
  if (m) {
    const target = payloads.find((p) => p.uuid === m.identityCertificateUUID);
    if (!target || (target.kind !== "scep" && target.kind !== "pkcs12")) {
      // A dangling reference reads, to the device, as the field missing (field-failures.md).
      throw new ProfileError(payloadFieldMissing("IdentityCertificateUUID", m.type, name));
    }
  }
  return {
    identifier: field(() => P.str(d, "PayloadIdentifier", what), "PayloadIdentifier"),
    uuid: field(() => P.str(d, "PayloadUUID", what), "PayloadUUID"),
    version: field(() => P.optInt(d, "PayloadVersion", what), "PayloadVersion") ?? 1,
    displayName: field(() => P.optStr(d, "PayloadDisplayName", what), "PayloadDisplayName"),
    organization: field(() => P.optStr(d, "PayloadOrganization", what), "PayloadOrganization"),
    removalDisallowed: field(() => P.optBool(d, "PayloadRemovalDisallowed", what), "PayloadRemovalDisallowed") ?? false,
    scope: field(() => P.optStr(d, "PayloadScope", what), "PayloadScope"),
    payloads,
    raw: d,
  };
}

function plistOrRefuse(bytes: Uint8Array, limits?: Partial<PlistLimits>): PlistDict {
  try {
    return parsePlistDict(bytes, "profile", limits);
  } catch (e) {
    if (e instanceof PlistError) throw new ProfileError(AppleErrors.malformed(e.message));
    throw e;
  }
}

/** Parses a .mobileconfig, plain or CMS-signed, applying the signature policy. */
export function parseMobileconfig(bytes: Uint8Array, o: ParseProfileOptions = {}): ParsedProfile {
  const policy = o.signaturePolicy ?? "accept";
  if (bytes.length === 0) throw new ProfileError(AppleErrors.malformed("empty body"));
  const misplaced = misplacedContent(bytes);
  if (misplaced) throw new ProfileError(AppleErrors.bytesBeforeContent(misplaced.offset, misplaced.kind, misplaced.leading));
  if (bytes[0] !== 0x30) {
    if (policy !== "accept") throw new ProfileError(AppleErrors.signature("the profile is not signed"));
    return { profile: profileFromPlist(plistOrRefuse(bytes, o.limits), o.decrypt, o.limits), signature: "unsigned", plist: bytes };
  }
  let sd;
  try {
    sd = parseSignedData(bytes, "signed profile");
  } catch (e) {
    throw new ProfileError(AppleErrors.malformed(`CMS: ${(e as Error).message}`));
  }
  if (!sd.content) throw new ProfileError(AppleErrors.malformed("signed profile has no encapsulated content"));
  const profile = profileFromPlist(plistOrRefuse(sd.content, o.limits), o.decrypt, o.limits);
  const signer = sd.signers[0];
  let status: SignatureStatus = "not-checked";
  let signerCert: Certificate | undefined;
  if (o.crypto) {
    signerCert = signer && findSignerCert(signer, sd.certificates);
    if (!signer || !signerCert || !verifySigner(sd, signer, signerCert.spki, o.crypto).ok) status = "signature-invalid";
    else status = buildChain(signerCert, sd.certificates, o.trust ?? [], o.crypto) ? "verified" : "signer-untrusted";
  }
  const why = { "signature-invalid": "the signature does not verify", "not-checked": "the signature was not checked", "signer-untrusted": "the signer is not trusted" } as const;
  if (policy === "require-valid" && (status === "signature-invalid" || status === "not-checked")) throw new ProfileError(AppleErrors.signature(why[status]));
  if (policy === "require-trusted" && status !== "verified") throw new ProfileError(AppleErrors.signature(why[status as keyof typeof why]));
  return { profile, signature: status, signer: signerCert, plist: sd.content };
}

// ---------------------------------------------------------------------------------------------
// Building (reference server, fixtures)

export interface ProfileSpec {
  identifier: string;
  uuid: string;
  displayName: string;
  organization?: string;
  payloads: PlistDict[];
}

export function buildProfileDict(s: ProfileSpec): PlistDict {
  return {
    PayloadType: "Configuration",
    PayloadVersion: 1,
    PayloadIdentifier: s.identifier,
    PayloadUUID: s.uuid,
    PayloadDisplayName: s.displayName,
    ...(s.organization ? { PayloadOrganization: s.organization } : {}),
    PayloadContent: s.payloads,
  };
}

export const payloadHeader = (type: string, identifier: string, uuid: string, displayName: string): PlistDict => ({
  PayloadType: type,
  PayloadVersion: 1,
  PayloadIdentifier: identifier,
  PayloadUUID: uuid,
  PayloadDisplayName: displayName,
});

/** CMS-signs a profile plist (SHA-256, signer certificate and chain included). */
export function signProfile(plist: Uint8Array, signer: { cert: Certificate; key: PrivateKey; chain?: Certificate[] }, crypto: CryptoPort): Uint8Array {
  return buildSignedData(
    {
      content: plist,
      certificates: [signer.cert.der, ...(signer.chain ?? []).map((c) => c.der)],
      signer: { cert: signer.cert, key: signer.key, hash: "sha256", attributes: [] },
    },
    crypto,
  );
}

export const profileBytes = (d: PlistDict): Uint8Array => buildPlistBytes(d);
