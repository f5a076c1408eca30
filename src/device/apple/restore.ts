// SPDX-License-Identifier: MIT
/**
 * Field failure ios-local-reset-vs-remote-wipe-restore (by design): an enrolled iPhone/iPad is
 * reset and then restored from the backup it made while enrolled (`options.apple.restoreBackupAfter`).
 *
 * - `local-reset`: the user erases the device in Settings; nobody tells the server. The restore
 *   brings back the management profile and identity, and the device goes on polling its server
 *   with them — it stays enrolled.
 * - `remote-wipe`: the server sends EraseDevice. The backup was taken before the wipe; after the
 *   restore the device polls with that identity. A server that retired the enrollment when the
 *   wipe was acknowledged (`embedded.apple.retireOnErase`) no longer accepts it: 401, the device
 *   treats it as unenrollment and must enroll again.
 *
 * The backup is what the device held while enrolled: its identities, with the MDM binding in the
 * MDM identity's keychain label (see enroll.ts), i.e. the same state a steady check-in uses.
 */
import { decoded } from "../../protocol/common/context.js";
import { toPem } from "../../wire/x509/certificate.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { appleCheckin } from "./checkin.js";
import { MDM_LABEL_MARK, enrollWithProfile } from "./enroll.js";
import { fetchProfileOrRefusal } from "./configurator.js";
import type { AppleOptions } from "./options.js";
import { AppleDevice } from "./state.js";

/** The device's backup: its identities, labelled as the keychain labels them. */
function backupOf(dev: AppleDevice): FlowResult["keychain"] {
  const b = dev.mdmBinding;
  return {
    identities: [...dev.store.identities.values()].map((i) => ({
      label: b?.uuid === i.payloadUuid ? `apple:${i.payloadUuid}${MDM_LABEL_MARK}${new URLSearchParams(b.params).toString()}` : `apple:${i.payloadUuid}`,
      certificate: i.certificate,
      key: i.key,
      chain: i.chain,
    })),
  };
}

export async function enrollResetRestore(ctx: FlowContext, o: AppleOptions, raw: unknown, profileUrl: string): Promise<FlowResult> {
  const how = o.restoreBackupAfter!;
  const dev = new AppleDevice(ctx, o.commands);
  // The last backup before a wipe: EraseDevice resets the device only after it was taken.
  let backup: FlowResult["keychain"] | undefined;
  const erase = dev.erase.bind(dev);
  dev.erase = () => {
    backup = backupOf(dev);
    erase();
  };
  const bytes = await fetchProfileOrRefusal(ctx, dev, profileUrl);
  if (!(bytes instanceof Uint8Array)) return bytes;
  const enrolled = await enrollWithProfile(dev, o, bytes, { ade: false, awaitConfiguration: false });
  if (!enrolled.ok) return enrolled;
  if (how === "local-reset") {
    if (dev.erased) return enrolled; // the server wiped it first: nothing local to model
    backup = enrolled.keychain;
    decoded(ctx.protocol, "device.reset", { by: "the user (Erase All Content and Settings)", serverTold: false });
  } else {
    if (!dev.erased || !backup) return enrolled; // no EraseDevice came: nothing to restore
    decoded(ctx.protocol, "device.reset", { by: "EraseDevice from the server", serverTold: true });
  }
  decoded(ctx.protocol, "device.restore", { from: "backup taken while enrolled", identities: backup.identities.length, after: how });
  const state = { certificates: backup.identities.map((i) => ({ label: i.label, pem: toPem(i.certificate.der) })), serverIds: {} };
  const out = await appleCheckin(ctx, raw, state);
  if (out.ok) return { ok: true, code: `apple.enrolled.restored-after-${how}`, message: "restored from backup: still enrolled, polling with the restored identity", keychain: backup };
  if (out.code === "apple.checkin.unenrolled") {
    return {
      ok: false,
      code: out.code,
      step: out.step,
      message: `restored from backup after a ${how === "remote-wipe" ? "remote wipe" : "local reset"}: the server no longer accepts the restored management identity (HTTP 401); the device is unenrolled and must enroll again`,
      keychain: { identities: [] },
    };
  }
  return { ok: false, code: out.code, step: out.step, message: out.message, keychain: { identities: [] } };
}
