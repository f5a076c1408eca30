// SPDX-License-Identifier: MIT
/**
 * The attestation model behind a TPM-attested join (Autopilot self-deploying and pre-provisioning): the device
 * registration service validates the TPM's attestation statement before the device may authenticate as its
 * Autopilot object. The verdict is DERIVED from the TPM's facts the statement carries (device/windows/tpm-facts.ts:
 * specification version, TCG vendor ID, firmware version) by published rules:
 *
 * 1. TPM 2.0. Microsoft Learn, "Windows Autopilot self-deploying mode" (requirements): "Self-deploying mode uses a
 *    device's TPM 2.0 hardware to authenticate the device … devices without TPM 2.0 can't use this mode. Devices must
 *    also support TPM device attestation"; pre-provisioning: "Physical devices that support TPM 2.0 and device
 *    attestation". A TPM 1.2 key attestation is refused 0x801C03EA (engine.ts, directory-objects.ts); a TPM that
 *    cannot attest at all (no TPM, a VM's vTPM) never reaches the join (device/windows/state.ts).
 * 2. An EK certificate present or retrievable. Microsoft Learn, "Windows Autopilot requirements" (networking):
 *    firmware TPMs "must be able to retrieve them from the manufacturer on first use"; discrete chips have them
 *    preinstalled. Decided on the device, before the join (step tpm.ek-certificate, device/windows/tpm-ek.ts).
 * 3. Firmware not on a refused list (this module). Built in (wire/windows/tpm-firmware.ts, one table with the PC's
 *    own pre-attestation check, which on builds that make it refuses first with 0x81039024): the Infineon firmware ranges of Microsoft Security
 *    Advisory ADV170012 ("Vulnerability in TPM could allow Security Feature Bypass", ROCA, CVE-2017-15361), as
 *    Microsoft's detection script in the advisory tests them on Get-Tpm ManufacturerId 0x49465800 ("IFX") and the
 *    major.minor of ManufacturerVersion: 4.0–4.33, 4.40–4.42, 5.0–5.61, 6.0–6.42, 7.0–7.61, 133.0–133.32. The
 *    answer is the one blind trial 9's ticket 02 shows (rockenroll.tech, "Autopilot White Glove 0x801c0003 error",
 *    an HP EliteBook 820 G4 whose TPM firmware update fixed it): Microsoft-Windows-User Device Registration event
 *    204, 0x801c0003, {"Code":"AuthorizationError","SubCode":"MsaTicketTpmValidationFailed"}, and the attestation
 *    service's "Attestation statement cannot be verified, rejecting request. TPM firmware needs update." Not
 *    published: the service's own list. That it refuses the ADV170012 ranges is enrollsim's reading of the two
 *    sources together; a scenario adds or replaces rows in `embedded.policy.attestation.refusedFirmware`, each with
 *    its source.
 */
import { ADV170012_FIRMWARE, vulnerableFirmware, type VulnerableFirmware } from "../../wire/windows/tpm-firmware.js";

/** A firmware range the attestation service refuses for one TPM maker (TCG vendor ID), with where it is published. */
export type RefusedFirmware = VulnerableFirmware;

/** Built-in rows (wire/windows/tpm-firmware.ts, the table the PC's own check reads too; dropped with `builtIn: false`). */
export const BUILT_IN_REFUSED_FIRMWARE: readonly RefusedFirmware[] = ADV170012_FIRMWARE;

/** The message the attestation service answers (rockenroll.tech, CertReq_enrollaik_Output.txt). */
export const FIRMWARE_REFUSED_TEXT = "Attestation statement cannot be verified, rejecting request. TPM firmware needs update.";

/** The refused-firmware row the statement's facts fall in (undefined: no rule refuses them, or the facts are not stated). */
export function refusedFirmware(facts: { manufacturerId?: string; firmwareVersion?: string }, config: { refusedFirmware?: readonly RefusedFirmware[]; builtIn?: boolean } | undefined): RefusedFirmware | undefined {
  return vulnerableFirmware(facts, [...(config?.refusedFirmware ?? []), ...(config?.builtIn === false ? [] : BUILT_IN_REFUSED_FIRMWARE)]);
}
