// SPDX-License-Identifier: MIT
/**
 * MDM check-in messages, commands, command results and the Mdm-Signature header
 * (../shared/notes/apple.md §4–§6; keys and types from mdm/checkin/*.yaml).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { children, decode, encode, explicit, oid as oidNode, seq, type Asn1 } from "../asn1/der.js";
import { OID } from "../oids.js";
import { buildSignedData, findSignerCert, parseSignedData, verifySigner, type SignerInfo } from "../cms/signed-data.js";
import type { Certificate } from "../x509/certificate.js";
import type { AppleErrorItem } from "./errors.js";
import { P, PlistError, buildPlistBytes, isDict, parsePlistDict, type PlistDict, type PlistLimits } from "./plist.js";

export const CHECKIN_CONTENT_TYPE = "application/x-apple-aspen-mdm-checkin";
export const PROFILE_CONTENT_TYPE = "application/x-apple-aspen-config";
export const MDM_CONTENT_TYPE = "application/x-apple-aspen-mdm";

export const CHECKIN_MESSAGE_TYPES = [
  "Authenticate",
  "TokenUpdate",
  "CheckOut",
  "UserAuthenticate",
  "SetBootstrapToken",
  "GetBootstrapToken",
  "GetToken",
  "DeclarativeManagement",
] as const;
export type CheckinMessageType = (typeof CHECKIN_MESSAGE_TYPES)[number];

/** Who the device is on the channel: UDID (device enrollment) or EnrollmentID (user enrollment). */
export type EnrollmentRef = { udid: string } | { enrollmentId: string };
const refKeys = (r: EnrollmentRef): PlistDict => ("udid" in r ? { UDID: r.udid } : { EnrollmentID: r.enrollmentId });

export interface AuthenticateFields {
  topic: string;
  ref: EnrollmentRef;
  deviceName?: string;
  model?: string;
  modelName?: string;
  productName?: string;
  serialNumber?: string;
  osVersion?: string;
  buildVersion?: string;
  imei?: string;
  meid?: string;
}

export function buildAuthenticate(f: AuthenticateFields): PlistDict {
  const d: PlistDict = { MessageType: "Authenticate", Topic: f.topic, ...refKeys(f.ref) };
  const opt: [string, string | undefined][] = [
    ["BuildVersion", f.buildVersion],
    ["DeviceName", f.deviceName],
    ["IMEI", f.imei],
    ["MEID", f.meid],
    ["Model", f.model],
    ["ModelName", f.modelName],
    ["OSVersion", f.osVersion],
    ["ProductName", f.productName],
    ["SerialNumber", f.serialNumber],
  ];
  // User enrollment never reveals hardware identifiers.
  const forbiddenInUe = new Set(["IMEI", "MEID", "SerialNumber", "DeviceName"]);
  for (const [k, v] of opt) if (v !== undefined && !("enrollmentId" in f.ref && forbiddenInUe.has(k))) d[k] = v;
  return d;
}

export interface TokenUpdateFields {
  topic: string;
  ref: EnrollmentRef;
  /** APNs device token (32 bytes). */
  token: Uint8Array;
  pushMagic: string;
  unlockToken?: Uint8Array;
  awaitingConfiguration?: boolean;
  notOnConsole?: boolean;
  /** User channel: macOS sends all three; a Shared iPad sends UserShortName and UserID (UserLongName is macOS only). */
  user?: { userId: string; shortName: string; longName?: string };
}

export function buildTokenUpdate(f: TokenUpdateFields): PlistDict {
  const d: PlistDict = { MessageType: "TokenUpdate", Topic: f.topic, ...refKeys(f.ref), Token: f.token, PushMagic: f.pushMagic };
  if (f.unlockToken) d.UnlockToken = f.unlockToken;
  if (f.awaitingConfiguration !== undefined) d.AwaitingConfiguration = f.awaitingConfiguration;
  if (f.notOnConsole !== undefined) d.NotOnConsole = f.notOnConsole;
  if (f.user) Object.assign(d, { UserID: f.user.userId, UserShortName: f.user.shortName, ...(f.user.longName !== undefined ? { UserLongName: f.user.longName } : {}) });
  return d;
}

/** macOS 10.15+: escrow the bootstrap token (empty data clears it). */
export const buildSetBootstrapToken = (topic: string, ref: EnrollmentRef, token: Uint8Array, awaitingConfiguration?: boolean): PlistDict => ({
  MessageType: "SetBootstrapToken",
  Topic: topic,
  ...refKeys(ref),
  BootstrapToken: token,
  ...(awaitingConfiguration !== undefined ? { AwaitingConfiguration: awaitingConfiguration } : {}),
});

export const buildGetBootstrapToken = (topic: string, ref: EnrollmentRef, awaitingConfiguration?: boolean): PlistDict => ({
  MessageType: "GetBootstrapToken",
  Topic: topic,
  ...refKeys(ref),
  ...(awaitingConfiguration !== undefined ? { AwaitingConfiguration: awaitingConfiguration } : {}),
});

/** macOS user channel, round 1 (no DigestResponse) or round 2 (with it). */
export const buildUserAuthenticate = (ref: EnrollmentRef, user: { userId: string; shortName: string; longName: string }, digestResponse?: string): PlistDict => ({
  MessageType: "UserAuthenticate",
  ...refKeys(ref),
  UserID: user.userId,
  UserShortName: user.shortName,
  UserLongName: user.longName,
  ...(digestResponse !== undefined ? { DigestResponse: digestResponse } : {}),
});

export const buildCheckOut = (topic: string, ref: EnrollmentRef): PlistDict => ({ MessageType: "CheckOut", Topic: topic, ...refKeys(ref) });

export interface CheckinMessage {
  messageType: CheckinMessageType;
  udid?: string;
  enrollmentId?: string;
  topic?: string;
  dict: PlistDict;
}

/** Server side: parses and validates a check-in body (types per mdm/checkin/*.yaml). */
export function parseCheckin(body: Uint8Array, limits?: Partial<PlistLimits>): CheckinMessage {
  const d = parsePlistDict(body, "check-in message", limits);
  const what = "check-in";
  const mt = P.str(d, "MessageType", what);
  if (!(CHECKIN_MESSAGE_TYPES as readonly string[]).includes(mt)) throw new PlistError("plist.wrong-type", `unknown check-in MessageType "${mt.slice(0, 60)}"`);
  const udid = P.optStr(d, "UDID", what);
  const enrollmentId = P.optStr(d, "EnrollmentID", what);
  if (!udid && !enrollmentId) throw new PlistError("plist.missing-key", `${mt}: neither UDID nor EnrollmentID`);
  const topic = P.optStr(d, "Topic", what);
  if (mt === "Authenticate" || mt === "TokenUpdate" || mt === "CheckOut") P.str(d, "Topic", what);
  if (mt === "TokenUpdate") {
    P.data(d, "Token", what);
    P.str(d, "PushMagic", what);
    P.optBool(d, "AwaitingConfiguration", what);
    P.optBool(d, "NotOnConsole", what);
    P.optData(d, "UnlockToken", what);
  }
  return { messageType: mt as CheckinMessageType, udid, enrollmentId, topic, dict: d };
}

// ---------------------------------------------------------------------------------------------
// Commands

export interface MdmCommand {
  commandUUID: string;
  requestType: string;
  /** The Command dictionary (RequestType included). */
  command: PlistDict;
}

export function buildCommand(commandUUID: string, requestType: string, payload: PlistDict = {}): PlistDict {
  return { CommandUUID: commandUUID, Command: { RequestType: requestType, ...payload } };
}

/**
 * Device side: reads a command plist. A body that is not a plist, or has no readable
 * CommandUUID, throws a PlistError; a plist with a CommandUUID but a bad Command is returned as
 * `{ formatError }` so the device can answer CommandFormatError for that UUID.
 */
export function parseCommand(body: Uint8Array, limits?: Partial<PlistLimits>): MdmCommand | { commandUUID: string; formatError: string } {
  const d = parsePlistDict(body, "MDM command", limits);
  const commandUUID = P.str(d, "CommandUUID", "MDM command");
  const c = d.Command;
  if (!isDict(c)) return { commandUUID, formatError: c === undefined ? "Command is missing" : "Command is not a dictionary" };
  if (typeof c.RequestType !== "string") return { commandUUID, formatError: "Command.RequestType is missing or not a string" };
  return { commandUUID, requestType: c.RequestType, command: c };
}

export type CommandStatus = "Idle" | "Acknowledged" | "Error" | "CommandFormatError" | "NotNow";
export const COMMAND_STATUSES: readonly CommandStatus[] = ["Idle", "Acknowledged", "Error", "CommandFormatError", "NotNow"];

export interface CommandResultFields {
  ref: EnrollmentRef;
  status: CommandStatus;
  commandUUID?: string;
  errorChain?: AppleErrorItem[];
  /** Command-specific top-level keys (QueryResponses, ProfileList, …). */
  extra?: PlistDict;
  notOnConsole?: boolean;
}

export function buildCommandResult(f: CommandResultFields): PlistDict {
  const d: PlistDict = { ...refKeys(f.ref), Status: f.status };
  if (f.status !== "Idle") {
    if (!f.commandUUID) throw new ProtocolViolationError("mdm.result", `a ${f.status} result needs a CommandUUID`);
    d.CommandUUID = f.commandUUID;
  }
  if (f.errorChain) d.ErrorChain = f.errorChain as unknown as PlistDict[];
  if (f.notOnConsole !== undefined) d.NotOnConsole = f.notOnConsole;
  return { ...d, ...(f.extra ?? {}) };
}

export interface CommandResult {
  status: CommandStatus;
  udid?: string;
  enrollmentId?: string;
  commandUUID?: string;
  dict: PlistDict;
}

/** Server side: parses a command report. */
export function parseCommandResult(body: Uint8Array, limits?: Partial<PlistLimits>): CommandResult {
  const d = parsePlistDict(body, "command report", limits);
  const status = P.str(d, "Status", "command report");
  if (!(COMMAND_STATUSES as readonly string[]).includes(status)) throw new PlistError("plist.wrong-type", `unknown Status "${status.slice(0, 40)}"`);
  const udid = P.optStr(d, "UDID", "command report");
  const enrollmentId = P.optStr(d, "EnrollmentID", "command report");
  if (!udid && !enrollmentId) throw new PlistError("plist.missing-key", "command report has neither UDID nor EnrollmentID");
  const commandUUID = status === "Idle" ? P.optStr(d, "CommandUUID", "command report") : P.str(d, "CommandUUID", "command report");
  if (status === "Error") P.optArr(d, "ErrorChain", "command report");
  return { status: status as CommandStatus, udid, enrollmentId, commandUUID, dict: d };
}

export const plistBody = buildPlistBytes;

// ---------------------------------------------------------------------------------------------
// Mdm-Signature

/**
 * Base64 detached CMS SignedData over the exact body bytes (SHA-256, signed attributes, signer
 * certificate included). `signingTime` is the device's clock when it signs: Apple devices write a
 * signingTime attribute that servers check against the identity certificate's validity (NanoMDM
 * issue #73, MicroMDM issues #886 and #1015 quote it); absent → no signingTime attribute.
 */
export function signMdmBody(body: Uint8Array, cert: Certificate, key: PrivateKey, crypto: CryptoPort, signingTime?: Date): string {
  // buildSignedData computes messageDigest over `content`; the eContent is then dropped (detached).
  const withContent = buildSignedData({ content: body, certificates: [cert.der], signer: { cert, key, hash: "sha256", attributes: [], ...(signingTime ? { signingTime } : {}) } }, crypto);
  return Buffer.from(rebuildWithoutContent(withContent)).toString("base64");
}

/** Re-encodes a SignedData without its [0] eContent (DER helpers, not byte patching). */
function rebuildWithoutContent(der: Uint8Array): Uint8Array {
  const top = decode(der, "SignedData");
  const [ct, wrapped] = children(top, "ContentInfo");
  const sd = children(wrapped!, "[0]")[0]!;
  const parts = [...children(sd, "SignedData")];
  parts[2] = seq(oidNode(OID.data));
  return encode(seq(ct!, explicit(0, seq(...(parts as Asn1[])))));
}

export type MdmSignatureCheck =
  | { ok: true; certificate: Certificate; signer: SignerInfo }
  | { ok: false; reason: "malformed" | "no-signer" | "no-certificate" | "digest-mismatch" | "bad-signature" | "no-signed-attributes" | "unsupported-algorithm"; detail?: string };

/** Verifies an Mdm-Signature header against the body; returns the signer certificate. */
export function verifyMdmSignature(header: string, body: Uint8Array, crypto: CryptoPort): MdmSignatureCheck {
  let sd;
  try {
    if (!/^[A-Za-z0-9+/=\s]+$/.test(header)) return { ok: false, reason: "malformed", detail: "not base64" };
    sd = parseSignedData(new Uint8Array(Buffer.from(header, "base64")), "Mdm-Signature");
  } catch (e) {
    return { ok: false, reason: "malformed", detail: (e as Error).message };
  }
  const signer = sd.signers[0];
  if (!signer) return { ok: false, reason: "no-signer" };
  const cert = findSignerCert(signer, sd.certificates);
  if (!cert) return { ok: false, reason: "no-certificate" };
  const r = verifySigner({ ...sd, content: body }, signer, cert.spki, crypto);
  return r.ok ? { ok: true, certificate: cert, signer } : { ok: false, reason: r.reason };
}
