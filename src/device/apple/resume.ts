// SPDX-License-Identifier: MIT
/**
 * Durable states of an Apple enrollment (exactly-once resume, issue 13 #5). Once the MDM identity is
 * issued (SCEP done, certificate and key in the keychain) redoing the enrollment would make the
 * server issue a second certificate and see a second enrollment for the UDID; so the device saves a
 * checkpoint as it enters each MDM state, before the state's first message leaves:
 *
 * - `apple.authenticate`: identity issued, Authenticate not yet accepted;
 * - `apple.tokenupdate`: Authenticate accepted, TokenUpdate not yet (the server holds the record, no push token);
 * - `apple.commands`: TokenUpdate accepted (enrolled from the server's side), command sessions running.
 *
 * A device resumed from one continues there with the same identity (the server sees one enrollment:
 * one UDID, one identity certificate). Re-sending the state's message is what a device does after a
 * lost answer: Authenticate and TokenUpdate with the same identity are the same enrollment continuing
 * (Apple's MDM check-in protocol), and commands the server sent but never got a result for are sent
 * again at the next Idle. The checkpoint holds exactly what the device keeps on disk for this: the
 * profile's identity and MDM payload fields, the identity certificate and chain (PEM), the key's pool
 * slot (never the key), the trust anchors, and the flags the MDM stage reads.
 */
import { SimError } from "../../errors/index.js";
import type { DurablePoint, DurableValue } from "../../ports/checkpoint.js";
import type { KeychainIdentity } from "../../protocol/apple/store.js";
import type { MdmPayload, Profile, SignatureStatus } from "../../wire/apple/profile.js";
import { fromPem, parseCertificate, sameBytes, toPem, type Certificate } from "../../wire/x509/certificate.js";
import type { EnrollMode } from "./enroll-common.js";
import type { AppleDevice } from "./state.js";

/** The durable MDM states, in protocol order. */
export const APPLE_STATES = ["apple.authenticate", "apple.tokenupdate", "apple.commands"] as const;
export type AppleState = (typeof APPLE_STATES)[number];
export const isAppleState = (s: string): s is AppleState => (APPLE_STATES as readonly string[]).includes(s);

/** What the MDM stage needs from the installed enrollment profile (or from a checkpoint). */
export interface MdmBinding {
  profile: Profile;
  signature: SignatureStatus;
  mdm: MdmPayload;
  identity: KeychainIdentity;
  /** Anchors besides the profile's certificate payloads (options, ADE anchor_certs, system). */
  anchors: Certificate[];
}

/** Only an enrollment the flow can continue is checkpointed: account-driven ones hold a Bearer token, which is not kept. */
export const resumable = (mode: EnrollMode): boolean => !mode.account && !mode.bearer && !mode.reauth;

/** Saves the state as a checkpoint (one store transaction) before its first message leaves. */
export function saveAppleCheckpoint(dev: AppleDevice, b: MdmBinding, mode: EnrollMode, state: AppleState): void {
  const cp = dev.ctx.protocol.checkpoint;
  const disk = dev.ctx.disk;
  const keySlot = b.identity.keySlot;
  if ((!cp && !disk) || !resumable(mode) || keySlot === undefined) return;
  const { profile, mdm, identity } = b;
  const data: Record<string, DurableValue> = {
    profile: { identifier: profile.identifier, uuid: profile.uuid, version: profile.version, removalDisallowed: profile.removalDisallowed, signature: b.signature },
    mdm: {
      type: mdm.type,
      identifier: mdm.identifier,
      uuid: mdm.uuid,
      version: mdm.version,
      identityCertificateUUID: mdm.identityCertificateUUID,
      topic: mdm.topic,
      serverURL: mdm.serverURL,
      checkInURL: mdm.checkInURL,
      signMessage: mdm.signMessage,
      accessRights: mdm.accessRights,
      checkOutWhenRemoved: mdm.checkOutWhenRemoved,
      serverCapabilities: mdm.serverCapabilities,
    },
    identity: { uuid: identity.payloadUuid, certificate: toPem(identity.certificate.der), chain: identity.chain.map((c) => toPem(c.der)), keySlot },
    anchors: [...b.anchors, ...dev.store.anchors].map((c) => toPem(c.der)),
    // Installed roots still waiting for the user's full trust (profile-trust.ts): a resumed device does not trust them either.
    ...(dev.store.needsFullTrust.size ? { needsFullTrust: [...dev.store.needsFullTrust].map((c) => toPem(c.der)) } : {}),
    mode: { ade: mode.ade, awaitConfiguration: mode.awaitConfiguration, ...(mode.removable !== undefined ? { removable: mode.removable } : {}) },
    device: { generation: dev.generation, supervised: dev.supervised, awaitingConfiguration: dev.awaitingConfiguration, configured: dev.configured, userApproved: dev.userApproved },
    ...(mode.flow ? { flow: mode.flow } : {}),
  };
  cp?.save({ step: state, data });
  // The installed MDM profile and identity are on the device's disk: a restart (timeline reboot) continues from them.
  disk?.set(APPLE_MDM_DISK, { step: state, data } satisfies DurablePoint);
}

/** Device disk key of the installed MDM enrollment (the state it had reached), read back after a restart. */
export const APPLE_MDM_DISK = "apple.mdm";

/** A checkpoint field that is not what this version wrote: the device cannot continue from it. */
class Unreadable extends Error {}

const obj = (v: DurableValue | undefined, name: string): Record<string, DurableValue> => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Unreadable(`${name} is not an object`);
  return v;
};
const str = (o: Record<string, DurableValue>, k: string): string => {
  const v = o[k];
  if (typeof v !== "string") throw new Unreadable(`${k} is not a string`);
  return v;
};
const num = (o: Record<string, DurableValue>, k: string): number => {
  const v = o[k];
  if (typeof v !== "number") throw new Unreadable(`${k} is not a number`);
  return v;
};
const bool = (o: Record<string, DurableValue>, k: string): boolean => o[k] === true;
const pems = (v: DurableValue | undefined, name: string): Certificate[] => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new Unreadable(`${name} is not a list of PEM certificates`);
  return v.flatMap((p) => fromPem(p as string).map((der) => parseCertificate(der, `checkpoint ${name}`)));
};

/** The device's generation (wipes in this flow) the checkpoint was saved in, to build the device before restoring it. */
export function savedGeneration(point: DurablePoint): number {
  const d = point.data.device;
  return typeof d === "object" && d !== null && !Array.isArray(d) && typeof d.generation === "number" ? d.generation : 0;
}

/**
 * Puts the checkpoint's identity, profile and flags back on a new device: the binding and mode to
 * continue with, or why it cannot (the key in the slot is not the certificate's, a field is missing),
 * in which case the device enrolls again (counted resumed-restart).
 */
export async function restoreAppleCheckpoint(dev: AppleDevice, point: DurablePoint, ade: boolean): Promise<{ binding: MdmBinding; mode: EnrollMode } | { why: string }> {
  try {
    const d = point.data;
    const m = obj(d.mode, "mode");
    if (bool(m, "ade") !== ade) return { why: `the checkpoint is of ${bool(m, "ade") ? "an ADE" : "a profile"} enrollment, this flow is ${ade ? "ADE" : "profile-based"}` };
    const id = obj(d.identity, "identity");
    const [cert] = pems([str(id, "certificate")], "identity certificate");
    const keySlot = num(id, "keySlot");
    const key = await dev.ctx.ports.keys.rsa(keySlot);
    if (!cert || !sameBytes(key.spki, cert.spki)) return { why: `the key in pool slot ${keySlot} is not the checkpoint identity's (was the key pool replaced?)` };
    const identity: KeychainIdentity = { payloadUuid: str(id, "uuid"), certificate: cert, key, chain: pems(id.chain, "identity chain"), source: "scep", keySlot };
    const p = obj(d.mdm, "mdm");
    const caps = p.serverCapabilities;
    const mdm: MdmPayload = {
      kind: "mdm",
      type: str(p, "type"),
      identifier: str(p, "identifier"),
      uuid: str(p, "uuid"),
      version: num(p, "version"),
      raw: {},
      identityCertificateUUID: str(p, "identityCertificateUUID"),
      topic: str(p, "topic"),
      serverURL: str(p, "serverURL"),
      checkInURL: str(p, "checkInURL"),
      signMessage: bool(p, "signMessage"),
      accessRights: num(p, "accessRights"),
      checkOutWhenRemoved: bool(p, "checkOutWhenRemoved"),
      serverCapabilities: Array.isArray(caps) ? caps.filter((c): c is string => typeof c === "string") : [],
    };
    const pr = obj(d.profile, "profile");
    const profile: Profile = { identifier: str(pr, "identifier"), uuid: str(pr, "uuid"), version: num(pr, "version"), removalDisallowed: bool(pr, "removalDisallowed"), raw: {}, payloads: [mdm] };
    const signature = str(pr, "signature") as SignatureStatus;
    const f = obj(d.device, "device");
    dev.ade = ade;
    dev.supervised = bool(f, "supervised");
    dev.awaitingConfiguration = bool(f, "awaitingConfiguration");
    dev.configured = bool(f, "configured");
    dev.userApproved = bool(f, "userApproved");
    const restored = pems(d.anchors, "anchors");
    dev.store.anchors.push(...restored);
    if (d.needsFullTrust !== undefined) {
      const waiting = new Set(pems(d.needsFullTrust, "needsFullTrust").map((c) => toPem(c.der)));
      for (const c of restored) if (waiting.has(toPem(c.der))) dev.store.needsFullTrust.add(c);
    }
    dev.store.identities.set(identity.payloadUuid, identity);
    dev.store.profiles.set(profile.identifier, { profile, signature, installedAt: dev.ctx.protocol.clock.now(), managed: point.step === "apple.commands" });
    const mode: EnrollMode = {
      ade,
      awaitConfiguration: bool(m, "awaitConfiguration"),
      ...(typeof m.removable === "boolean" ? { removable: m.removable } : {}),
      ...(d.flow !== undefined ? { flow: obj(d.flow, "flow") } : {}),
    };
    return { binding: { profile, signature, mdm, identity, anchors: [] }, mode };
  } catch (e) {
    if (e instanceof Unreadable || e instanceof SimError) return { why: `the checkpoint cannot be used: ${e.message}` };
    throw e;
  }
}
