// SPDX-License-Identifier: MIT
/**
 * What a PC's attestation statement says of its TPM, as the join of a self-deploying or pre-provisioning
 * deployment carries it to the device registration service (protocol/windows/join.ts): the specification version,
 * the maker as its TCG vendor ID (TPM_PT_MANUFACTURER: TCG "TPM Vendor ID Registry"; Microsoft's ADV170012 detection
 * script compares Get-Tpm ManufacturerId with 0x49465800, "IFX") and the firmware version (Get-Tpm
 * ManufacturerVersion). enrollsim sends these facts in its own JSON, not a TPM2_Certify structure: the verdict is
 * the reference server's (server/policy/tpm-attestation.ts), derived from them by published rules.
 */
import { TCG_VENDOR_ID } from "../../wire/windows/tpm-firmware.js";
import type { WindowsState } from "./state.js";

export { TCG_VENDOR_ID } from "../../wire/windows/tpm-firmware.js";

/** The TPM facts of the attestation statement (only what the device knows; absent fields are not stated). */
export function tpmFacts(t: WindowsState["tpm"]): { tpmManufacturerId?: string; tpmFirmwareVersion?: string } {
  return { ...(t.manufacturer ? { tpmManufacturerId: TCG_VENDOR_ID[t.manufacturer] } : {}), ...(t.firmwareVersion ? { tpmFirmwareVersion: t.firmwareVersion } : {}) };
}
