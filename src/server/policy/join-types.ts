// SPDX-License-Identifier: MIT
/** A join or registration as the device registration service receives it, and the policy engine's decision on it (engine.ts `join`). */
import type { DirectoryRefusal } from "./directory-objects.js";

export type JoinDecision = { ok: true; mdm: boolean; mam: boolean } | { ok: false; refusal: JoinRefusal; message: string };
export type JoinRefusal = "join-not-allowed" | "device-quota" | DirectoryRefusal;

/** A join or registration as the device registration service receives it. */
export interface JoinRequest {
  /** The signing-in user; absent for a userless join (self-deploying, pre-provisioning). */
  upn?: string;
  deviceKey: string;
  serial?: string;
  registration: boolean;
  /** TPM-attested userless join (Autopilot self-deploying / pre-provisioning): the device authenticates as its Autopilot object. */
  attested?: boolean;
  /** An Autopilot device (its deployment profile applied). */
  autopilot?: boolean;
  /** The TPM the device's keys are bound to, from its key attestation. */
  tpm?: "2.0" | "1.2" | "none";
  /** The attestation statement's TPM maker (TCG vendor ID) and firmware version (attested joins; tpm-attestation.ts). */
  tpmManufacturerId?: string;
  tpmFirmwareVersion?: string;
  /** Sync join of a domain-joined computer (hybrid): its object must have synced from Active Directory. */
  hybrid?: boolean;
}
