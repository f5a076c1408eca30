// SPDX-License-Identifier: MIT
/**
 * The JSON body of a directory join or registration (POST to the device registration stand-in): what the
 * Windows client sends (protocol/windows/join.ts) and what the reference server reads (server/windows/drs.ts),
 * whose policy engine decides on the same facts under its own names (server/policy/join-types.ts JoinRequest).
 * enrollsim's stand-in, not Entra's DRS wire format (which is not modelled byte for byte).
 */
export interface JoinRequestBody {
  /** The signing-in user; absent for a TPM-attested userless join (self-deploying, pre-provisioning). */
  upn?: string;
  /** The device's key id, 32 hex digits (the server names it `deviceKey`, upper case). */
  deviceId: string;
  /** Joined with a provisioning package's bulk token. */
  bulk: boolean;
  /** A personal device registered, not joined (Add work or school account). */
  registration?: boolean;
  /** The PC's serial number (the server names it `serial`). */
  serialNumber?: string;
  /** TPM-attested userless join (Autopilot self-deploying / pre-provisioning): the device authenticates as its Autopilot object. */
  attested?: boolean;
  /** An Autopilot device (its deployment profile applied). */
  autopilot?: boolean;
  /** The TPM the device's keys are bound to, from its key attestation. */
  tpm?: "2.0" | "1.2" | "none";
  /** The attestation statement's TPM maker (TCG vendor ID, "IFX") and firmware version (device/windows/tpm-facts.ts); TPM-attested joins only. */
  tpmManufacturerId?: string;
  tpmFirmwareVersion?: string;
  /** Sync join of a domain-joined computer (hybrid): its object must have synced from Active Directory. */
  hybrid?: boolean;
}
