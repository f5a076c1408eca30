// SPDX-License-Identifier: MIT
/**
 * Device integrity as servers receive it from an Android device, and the verdicts Google's services publish for it.
 *
 * What the device sends (enrollsim's envelope: Google's device↔Play channel is private) is `IntegritySignals`: the
 * KeyDescription of a key it attested (real DER, wire/android/key-description.ts; not in a Google-signed chain), whether
 * software root detection sees su, and whether Google Play services are present. From these the embedded server's
 * Google stand-in derives:
 *
 * - the Play Integrity device verdict, as the DECODED payload a server receives (`deviceIntegrity.
 *   deviceRecognitionVerdict`); the simulator does not produce Google-signed, encrypted integrity tokens. Labels
 *   (developer.android.com/google/play/integrity/verdicts, "Improved verdicts in Android 13 and later devices", May 2025):
 *   MEETS_BASIC_INTEGRITY — passes basic system integrity checks; from Android 13 needs platform key attestation, boot
 *   state verified or not (an unlocked bootloader passes basic); MEETS_DEVICE_INTEGRITY — a genuine, certified device
 *   with a hardware-backed positive verified-boot verdict (locked bootloader, Verified state); MEETS_STRONG_INTEGRITY —
 *   device integrity with hardware-backed key attestation, and on Android 13+ a security patch within the last year.
 *   A device without Google Play services gets no verdict. Software root detection that sees su fails basic (an
 *   assumption: Google's own root signals are private).
 * - the AMAPI Device.securityPosture (developers.google.com/android/management/understanding-security-posture):
 *   SECURE, with HARDWARE_BACKED_EVALUATION_FAILED when strong integrity is not met; POTENTIALLY_COMPROMISED with
 *   UNKNOWN_OS (basic met, device not: "The user should lock their device's bootloader." when unlocked) or COMPROMISED_OS
 *   (basic not met); POSTURE_UNSPECIFIED without a verdict. AT_RISK is not produced (its cause is not described).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { readKeyDescription, type KeyDescription } from "./key-description.js";

export type IntegrityLabel = "MEETS_BASIC_INTEGRITY" | "MEETS_DEVICE_INTEGRITY" | "MEETS_STRONG_INTEGRITY";

/** What the device sends (base64 KeyDescription DER, root detection, GMS). */
export interface IntegritySignals {
  keyDescription?: string;
  rootDetected: boolean;
  gms: boolean;
}

/** The decoded Play Integrity payload's device part, as a server receives it (not signed by Google here). */
export interface DeviceIntegrityVerdict {
  deviceRecognitionVerdict: IntegrityLabel[];
}

export interface SecurityPosture {
  devicePosture: "POSTURE_UNSPECIFIED" | "SECURE" | "AT_RISK" | "POTENTIALLY_COMPROMISED";
  postureDetails?: { securityRisk: "UNKNOWN_OS" | "COMPROMISED_OS" | "HARDWARE_BACKED_EVALUATION_FAILED"; advice?: { defaultMessage: string }[] }[];
}

const b64 = /^[A-Za-z0-9+/]{1,21848}={0,2}$/;

/** Reads the envelope from a request body member; absent → undefined, malformed → ProtocolViolationError. */
export function readIntegritySignals(v: unknown): IntegritySignals | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ProtocolViolationError("android.integrity.malformed", "integrity signals are not an object");
  const o = v as Record<string, unknown>;
  if (o.keyDescription !== undefined && (typeof o.keyDescription !== "string" || !b64.test(o.keyDescription))) throw new ProtocolViolationError("android.integrity.malformed", "integrity.keyDescription is not base64 (at most 16 KiB)");
  return { ...(typeof o.keyDescription === "string" ? { keyDescription: o.keyDescription } : {}), rootDetected: o.rootDetected === true, gms: o.gms !== false };
}

export function decodeKeyDescription(s: IntegritySignals): KeyDescription | undefined {
  return s.keyDescription ? readKeyDescription(new Uint8Array(Buffer.from(s.keyDescription, "base64"))) : undefined;
}

/** YYYYMM patch level → months since year 0 (for the "within a year" rule). */
const months = (yyyymm: number) => Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1;

/** Google's device verdict for these signals at `now` (the server's clock). */
export function deviceVerdict(s: IntegritySignals, now: number, apiLevel: number | undefined): DeviceIntegrityVerdict {
  if (!s.gms || s.rootDetected) return { deviceRecognitionVerdict: [] };
  const k = decodeKeyDescription(s);
  const rot = k?.rootOfTrust;
  // Android 13+ (API 33) needs platform key attestation even for basic.
  if (!rot) return { deviceRecognitionVerdict: (apiLevel ?? 0) >= 33 ? [] : ["MEETS_BASIC_INTEGRITY"] };
  if (!rot.deviceLocked || rot.verifiedBootState !== "Verified") return { deviceRecognitionVerdict: ["MEETS_BASIC_INTEGRITY"] };
  const labels: IntegrityLabel[] = ["MEETS_BASIC_INTEGRITY", "MEETS_DEVICE_INTEGRITY"];
  const hardware = k.attestationSecurityLevel !== "Software";
  const d = new Date(now);
  const current = d.getUTCFullYear() * 12 + d.getUTCMonth();
  const recent = k.osPatchLevel !== undefined && current - months(k.osPatchLevel) <= 12;
  if (hardware && ((apiLevel ?? 0) < 33 || recent)) labels.push("MEETS_STRONG_INTEGRITY");
  return { deviceRecognitionVerdict: labels };
}

/** AMAPI securityPosture for a verdict (see the file comment for the mapping). */
export function securityPosture(v: DeviceIntegrityVerdict | undefined, s: IntegritySignals | undefined): SecurityPosture {
  if (!v || !s?.gms) return { devicePosture: "POSTURE_UNSPECIFIED" };
  const has = (l: IntegrityLabel) => v.deviceRecognitionVerdict.includes(l);
  if (has("MEETS_DEVICE_INTEGRITY")) return has("MEETS_STRONG_INTEGRITY") ? { devicePosture: "SECURE" } : { devicePosture: "SECURE", postureDetails: [{ securityRisk: "HARDWARE_BACKED_EVALUATION_FAILED" }] };
  if (has("MEETS_BASIC_INTEGRITY")) {
    const unlocked = decodeKeyDescription(s)?.rootOfTrust?.deviceLocked === false;
    return { devicePosture: "POTENTIALLY_COMPROMISED", postureDetails: [{ securityRisk: "UNKNOWN_OS", ...(unlocked ? { advice: [{ defaultMessage: "The user should lock their device's bootloader." }] } : {}) }] };
  }
  return { devicePosture: "POTENTIALLY_COMPROMISED", postureDetails: [{ securityRisk: "COMPROMISED_OS" }] };
}
