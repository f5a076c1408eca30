// SPDX-License-Identifier: MIT
/**
 * What an Android device's integrity state (`state.integrity`) makes it report: the KeyDescription of the key its DPC
 * attests (RootOfTrust from the bootloader and verified-boot state, osVersion and osPatchLevel from its build), what
 * software root detection sees, and whether Google Play services are present (wire/android/integrity.ts). Nothing here
 * decides a verdict: Google's stand-in and the EMM's policies read what the device sent.
 *
 * Verified boot keys are not published per OEM: the key hash is SHA-256 of a name for the key that signed the boot
 * image (the maker's for green, the device's own builder for yellow); an unlocked (orange) device reports 32 zero bytes
 * (an assumption: AOSP leaves the value of an unverified boot's key to the implementation).
 */
import forge from "node-forge";
import { encodeKeyDescription, type RootOfTrust, type VerifiedBootState } from "../../wire/android/key-description.js";
import type { IntegritySignals } from "../../wire/android/integrity.js";
import type { DeviceIdentity } from "../identity.js";

const BOOT: Record<"green" | "yellow" | "orange", VerifiedBootState> = { green: "Verified", yellow: "SelfSigned", orange: "Unverified" };

const sha256 = (s: string): Uint8Array => new Uint8Array(Buffer.from(forge.md.sha256.create().update(s, "utf8").digest().getBytes(), "binary"));

/** The device's integrity facts, with defaults (a stock device). */
export function integrityOf(id: DeviceIdentity): { bootloader: "locked" | "unlocked"; verifiedBoot: "green" | "yellow" | "orange"; rooted: boolean; knoxWarrantyBit: "0x0" | "0x1" } {
  const s = id.state?.integrity ?? {};
  const bootloader = s.bootloader ?? "locked";
  return { bootloader, verifiedBoot: s.verifiedBoot ?? (bootloader === "unlocked" ? "orange" : "green"), rooted: s.rooted ?? false, knoxWarrantyBit: s.knoxWarrantyBit ?? "0x0" };
}

/** "14" → 140000, "8.1.0" → 80100 (KeyDescription osVersion). */
export function osVersionNumber(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split(".").map((x) => Number.parseInt(x, 10) || 0);
  return a * 10000 + b * 100 + c;
}

/**
 * The signals the DPC sends with its enrollment and status reports. `challenge`: the attestationChallenge of the attested
 * key — the server's one-time nonce (server/android/integrity-nonces.ts), as bytes; KeyMint takes at most 128 bytes.
 */
export function integritySignals(id: DeviceIdentity, securityPatch: string, challenge: string | Uint8Array): IntegritySignals {
  const i = integrityOf(id);
  const locked = i.bootloader === "locked";
  const rootOfTrust: RootOfTrust = {
    verifiedBootKey: i.verifiedBoot === "orange" ? new Uint8Array(32) : sha256(i.verifiedBoot === "green" ? `oem-boot-key:${id.manufacturer}:${id.modelIdentifier}` : `user-boot-key:${id.serialNumber}`),
    deviceLocked: locked,
    verifiedBootState: BOOT[i.verifiedBoot],
    verifiedBootHash: sha256(`boot-image:${id.os.build}`),
  };
  const patch = /^(\d{4})-(\d{2})/.exec(securityPatch);
  const der = encodeKeyDescription({
    attestationVersion: 100,
    attestationSecurityLevel: "TrustedEnvironment",
    keyMintVersion: 100,
    keyMintSecurityLevel: "TrustedEnvironment",
    attestationChallenge: (typeof challenge === "string" ? new Uint8Array(Buffer.from(challenge, "utf8")) : challenge).slice(0, 128),
    rootOfTrust,
    osVersion: osVersionNumber(id.os.version),
    ...(patch ? { osPatchLevel: Number(patch[1]) * 100 + Number(patch[2]) } : {}),
  });
  return { keyDescription: Buffer.from(der).toString("base64"), rootDetected: i.rooted, gms: id.android?.gms ?? true };
}

/**
 * A contradiction in `state.integrity` (checked at load): Android Verified Boot's orange state IS an unlocked
 * bootloader, and green / yellow are locked states (source.android.com/docs/security/features/verifiedboot/boot-flow).
 */
export function integrityContradiction(s: { bootloader?: string; verifiedBoot?: string } | undefined): { message: string; expected: string } | undefined {
  if (!s?.verifiedBoot) return undefined;
  const bootloader = s.bootloader ?? "locked";
  if (s.verifiedBoot === "orange" && bootloader === "locked")
    return { message: 'state.integrity.verifiedBoot "orange" is the state of an unlocked bootloader, but bootloader is locked', expected: "bootloader: unlocked, or verifiedBoot green / yellow" };
  if (s.verifiedBoot !== "orange" && bootloader === "unlocked")
    return { message: `state.integrity.verifiedBoot "${s.verifiedBoot}" is a locked state, but bootloader is unlocked (an unlocked device boots orange)`, expected: "verifiedBoot: orange (or leave it out), or bootloader: locked" };
  return undefined;
}
