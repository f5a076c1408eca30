// SPDX-License-Identifier: MIT
/**
 * Knox attestation of a Samsung device assigned a Knox Mobile Enrollment Advanced Profile (Knox Suite): before setup
 * the device's TrustZone writes its attestation blob (wire/android/knox-attestation.ts) for a nonce of Samsung's
 * attestation server, which answers a verdict; on "No" Knox locks the device. Samsung, Knox Admin Portal "View device
 * states" (docs.samsungknox.com/admin/knox-admin-portal/how-to-guides/view-device-states/): "Locked due to attestation
 * failure — If an attestation failure is detected on a device assigned an Advanced Profile, the device is automatically
 * locked." Knox attestation "lets you verify that a Samsung Android device has not been rooted or running unofficial
 * firmware" (Knox Attestation API reference v2.0).
 *
 * From the device's state (`state.integrity`): the warranty bit is written as it is; the TrustZone's own verdict is "No"
 * for a tripped warranty bit or firmware that is not the maker's (verified boot yellow or orange), and the boot-chain
 * measurements are of official or custom firmware accordingly. Not published, so assumptions: when in setup Knox
 * attests (here: before setup, with the deadline check), the device's lock-screen text, and how the admin unlocks it.
 */
import forge from "node-forge";
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { encodeKnoxBlob, firmwareMeasurements } from "../../wire/android/knox-attestation.js";
import type { FlowResult } from "../flow.js";
import type { DeviceIdentity } from "../identity.js";
import { integrityOf } from "./integrity.js";

/** Where the device keeps that its KME profile is an Advanced Profile (survives a restart, not a factory reset). */
export const ADVANCED_PROFILE_KEY = "android.kme.advancedProfile";
export const KNOX_ATTESTATION_STEP = "android.knox.attestation";
export const ATTESTATION_LOCKED = "android.portal.locked-attestation";
export const ATTESTATION_LOCKED_TEXT = "Locked due to attestation failure";

/** Whether the KME document assigns an Advanced Profile. */
export function kmeAdvanced(text: string): boolean {
  try {
    const v = (JSON.parse(text) as { advancedProfile?: unknown }).advancedProfile;
    return typeof v === "object" && v !== null;
  } catch {
    return false;
  }
}

const sha = (s: string) => new Uint8Array(Buffer.from(forge.md.sha256.create().update(s, "utf8").digest().getBytes(), "binary"));

async function post(ctx: ProtocolContext, url: string, body: Uint8Array, type: string): Promise<Record<string, unknown>> {
  const res = await exchange(ctx, KNOX_ATTESTATION_STEP, { method: "POST", url, headers: { "content-type": type, accept: "application/json" }, body }, { acceptStatus: [400] });
  try {
    const v = JSON.parse(Buffer.from(res.body.subarray(0, 65536)).toString("utf8")) as unknown;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return { ...(v as Record<string, unknown>), status: res.status };
  } catch {
    /* fall through */
  }
  throw new ProtocolViolationError("android.knox-attestation.malformed", `the attestation server's answer (HTTP ${res.status}) is not a JSON object`);
}

/** Attests the device; the locked outcome on a "No" verdict, undefined when it passes. */
export async function knoxAttestationGate(ctx: ProtocolContext, base: string, id: DeviceIdentity): Promise<FlowResult | undefined> {
  const i = integrityOf(id);
  const official = i.verifiedBoot === "green";
  const result = await step(ctx, KNOX_ATTESTATION_STEP, async () => {
    const n = await post(ctx, `${base}/android/knox/attestation/nonces`, new Uint8Array(0), "application/json");
    if (typeof n.nonce !== "string") throw new ProtocolViolationError("android.knox-attestation.malformed", "the attestation server gave no nonce");
    const nonce = new Uint8Array(Buffer.from(n.nonce, "base64"));
    const blob = encodeKnoxBlob({
      measurements: firmwareMeasurements(id.os.build, official ? "official" : "custom"),
      verdict: official && i.knoxWarrantyBit === "0x0" ? "Yes" : "No",
      nonce,
      serial: sha(id.serialNumber).subarray(0, 4),
      warrantyBit: i.knoxWarrantyBit === "0x1" ? 1 : 0,
    });
    const v = await post(ctx, `${base}/android/knox/attestation/blobs`, blob, "application/octet-stream");
    // An answered verdict is one of Samsung's ("Yes", "No", "Unknown"; Knox SDK AttestationPolicy blob format); a 200 without
    // one is the server's fault, not the device's failed attestation (which would lock it). A 400 carries an error instead.
    const verdict = typeof v.verdict === "string" ? v.verdict : undefined;
    if (v.status === 200 && verdict !== "Yes" && verdict !== "No" && verdict !== "Unknown")
      throw new ProtocolViolationError("android.knox-attestation.malformed", `the attestation server's answer has no verdict Yes, No or Unknown (${verdict === undefined ? "none" : JSON.stringify(verdict.slice(0, 40))})`);
    const reason = typeof v.reason === "string" ? v.reason.slice(0, 300) : typeof v.error === "string" ? v.error.slice(0, 300) : undefined;
    decoded(ctx, KNOX_ATTESTATION_STEP, { blobBytes: blob.length, warrantyBit: i.knoxWarrantyBit, firmware: official ? "official" : "custom", status: v.status, verdict, reason, signature: "none (the simulator has no Samsung device key)" });
    return { verdict, reason };
  });
  if (result.verdict === "Yes") return undefined;
  return {
    ok: false,
    code: ATTESTATION_LOCKED,
    step: KNOX_ATTESTATION_STEP,
    message: `Knox locked the device: its Knox Mobile Enrollment Advanced Profile requires Knox attestation, and attestation failed (${result.reason ?? `verdict ${result.verdict ?? "none"}`})`,
    shown: { text: ATTESTATION_LOCKED_TEXT, screen: "Knox Admin Portal › device state (Knox Mobile Enrollment); the device is locked — its lock screen text is not published" },
    keychain: { identities: [] },
  };
}
