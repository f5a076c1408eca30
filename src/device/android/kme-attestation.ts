// SPDX-License-Identifier: MIT
/**
 * Knox Mobile Enrollment's profile request (GET_PROFILE) with Knox attestation, as Samsung KBA 360039680333 shows it
 * (docs.samsungknox.com/admin/knox-mobile-enrollment/kbas/kba-360039680333): the first answer is
 * `GET_PROFILE:onFailure - statusCode:401 message:{"nonce":"..."}`, the device asks again with its attestation blob
 * (wire/android/knox-attestation.ts) over that nonce, and KME answers the profile, or 400 "invalid nonce/blob" for a blob
 * it cannot use — on SM-G950W running Android N because the firmware's attestation framework puts invalid values into
 * the blob (`rkp-wrong-address`); KME then does not launch and the device goes on to the ordinary setup wizard
 * (portal-answer.ts, kmeRefused).
 *
 * Where the blob's defect comes from: `state.integrity.knoxAttestationBlob`, else the catalog's `android.knoxAttestation`
 * rule for the device's Build.MODEL and API level (devices/samsung-galaxy-s8.yaml: SM-G950W on API 24–25).
 * Not published, so enrollsim's: how the second request carries the blob (header `x-knox-attestation-blob`, base64) and
 * the device's model and build (query `model`, `build`); that every KME device attests this way (the KBA shows it on one
 * model); the blob's signature (none: the simulator has no Samsung device key).
 */
import forge from "node-forge";
import { encodeKnoxBlob, firmwareMeasurements, KME_ATTESTATION_HEADER, type KnoxBlobDefect } from "../../wire/android/knox-attestation.js";
import type { DeviceIdentity } from "../identity.js";
import { integrityOf } from "./integrity.js";
import { apiLevelOf } from "./device-info.js";

/** The defect the device's firmware writes into its blob, and where that comes from; undefined defect: a valid blob. */
export function knoxBlobDefect(id: DeviceIdentity): { defect?: KnoxBlobDefect; from: string } {
  const set = id.state?.integrity?.knoxAttestationBlob;
  if (set !== undefined) return set === "valid" ? { from: "state.integrity.knoxAttestationBlob" } : { defect: set, from: "state.integrity.knoxAttestationBlob" };
  const api = apiLevelOf(id);
  const model = id.modelIdentifier.toLowerCase();
  const rule = id.android?.knoxAttestation?.find((r) => r.apiLevels.includes(api) && r.models.some((m) => m.toLowerCase() === model));
  return rule ? { defect: rule.blob, from: `catalog android.knoxAttestation (${rule.models.join(", ")} on API ${rule.apiLevels.join(", ")}: ${rule.source})` } : { from: "firmware (no published defect for this model and release)" };
}

const sha = (s: string) => new Uint8Array(Buffer.from(forge.md.sha256.create().update(s, "utf8").digest().getBytes(), "binary"));

/** KME's 401 `{"nonce": …}` → the headers of the second request (the blob over that nonce); anything else: undefined. */
export function kmeChallengeAnswer(id: DeviceIdentity, status: number, body: string): { headers: Record<string, string>; decoded: Record<string, unknown> } | undefined {
  if (status !== 401) return undefined;
  let nonceText: unknown;
  try {
    nonceText = (JSON.parse(body) as { nonce?: unknown }).nonce;
  } catch {
    return undefined;
  }
  if (typeof nonceText !== "string") return undefined;
  const nonce = new Uint8Array(Buffer.from(nonceText, "base64"));
  if (nonce.length !== 32) return undefined;
  const i = integrityOf(id);
  const official = i.verifiedBoot === "green";
  const { defect, from } = knoxBlobDefect(id);
  const blob = encodeKnoxBlob({
    measurements: firmwareMeasurements(id.os.build, official ? "official" : "custom", defect),
    verdict: official && i.knoxWarrantyBit === "0x0" ? "Yes" : "No",
    nonce,
    serial: sha(id.serialNumber).subarray(0, 4),
    warrantyBit: i.knoxWarrantyBit === "0x1" ? 1 : 0,
  });
  return {
    headers: { [KME_ATTESTATION_HEADER]: Buffer.from(blob).toString("base64") },
    decoded: { nonce: "32 bytes", blobBytes: blob.length, blob: defect ?? "valid", from, signature: "none (the simulator has no Samsung device key)" },
  };
}
