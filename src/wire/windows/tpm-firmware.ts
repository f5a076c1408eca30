// SPDX-License-Identifier: MIT
/**
 * TPM firmware with a known vulnerability, as ONE table both sides read: the PC's own check before Autopilot's TPM
 * attestation (device/windows/state.ts, tpmAttestation: 0x81039024 on builds that make it, devices/windows/builds.yaml
 * `tpmVulnerabilityCheck`) and the reference server's attestation model (server/policy/tpm-attestation.ts: 0x801C0003
 * at the join, plus the scenario's `embedded.policy.attestation.refusedFirmware` rows).
 *
 * Built in: the Infineon firmware ranges of Microsoft Security Advisory ADV170012 ("Vulnerability in TPM could allow
 * Security Feature Bypass", ROCA, CVE-2017-15361), as Microsoft's detection script in the advisory tests them on
 * Get-Tpm ManufacturerId 0x49465800 ("IFX") and the major.minor of ManufacturerVersion: 4.0–4.33, 4.40–4.42,
 * 5.0–5.61, 6.0–6.42, 7.0–7.61, 133.0–133.32.
 */
import { compareVersions } from "../version.js";

/** TCG vendor IDs (TPM_PT_MANUFACTURER, 4 ASCII bytes; trailing spaces dropped), by the maker names of device state. */
export const TCG_VENDOR_ID = { infineon: "IFX", intel: "INTC", amd: "AMD", qualcomm: "QCOM", nuvoton: "NTC", stmicro: "STM" } as const;

/** A firmware range with a known vulnerability for one TPM maker (TCG vendor ID), with where it is published. */
export interface VulnerableFirmware {
  /** TCG vendor ID as the TPM reports it (TPM_PT_MANUFACTURER): IFX, INTC, AMD, QCOM, NTC, STM. */
  manufacturerId: string;
  /** First and last affected version, compared on as many components as they give ("7.0" – "7.61" compares major.minor). */
  from: string;
  to: string;
  source: string;
}

const ADV170012 = "Microsoft Security Advisory ADV170012 (Infineon TPM, ROCA, CVE-2017-15361): detection script ranges";

/** The built-in rows. */
export const ADV170012_FIRMWARE: readonly VulnerableFirmware[] = [
  { manufacturerId: "IFX", from: "4.0", to: "4.33", source: ADV170012 },
  { manufacturerId: "IFX", from: "4.40", to: "4.42", source: ADV170012 },
  { manufacturerId: "IFX", from: "5.0", to: "5.61", source: ADV170012 },
  { manufacturerId: "IFX", from: "6.0", to: "6.42", source: ADV170012 },
  { manufacturerId: "IFX", from: "7.0", to: "7.61", source: ADV170012 },
  { manufacturerId: "IFX", from: "133.0", to: "133.32", source: ADV170012 },
];

/** `version` cut to the components `bound` gives, compared with it. */
const cmp = (version: string, bound: string): number => compareVersions(version.split(".").slice(0, bound.split(".").length).join("."), bound);

/** The row of `rows` the TPM's facts fall in (undefined: none, or the facts are not stated). */
export function vulnerableFirmware(facts: { manufacturerId?: string; firmwareVersion?: string }, rows: readonly VulnerableFirmware[]): VulnerableFirmware | undefined {
  const id = facts.manufacturerId?.trim().toUpperCase();
  const v = facts.firmwareVersion;
  if (!id || !v) return undefined;
  return rows.find((r) => r.manufacturerId.trim().toUpperCase() === id && cmp(v, r.from) >= 0 && cmp(v, r.to) <= 0);
}
