// SPDX-License-Identifier: MIT
/**
 * Key attestation's KeyDescription (real DER with [704] RootOfTrust, [705] osVersion, [706] osPatchLevel), the verdict
 * Google's stand-in derives from what a device sends, and the AMAPI securityPosture for it; hostile envelopes are
 * typed errors.
 */
import { describe, expect, it } from "vitest";
import { ProtocolViolationError } from "../../../src/errors/index.js";
import { encodeKeyDescription, readKeyDescription, type KeyDescription } from "../../../src/wire/android/key-description.js";
import { deviceVerdict, readIntegritySignals, securityPosture, type IntegritySignals } from "../../../src/wire/android/integrity.js";
import { integritySignals, osVersionNumber } from "../../../src/device/android/integrity.js";
import type { DeviceIdentity } from "../../../src/device/identity.js";
import { encodeKnoxBlob, readKnoxBlob } from "../../../src/wire/android/knox-attestation.js";

const kd = (o: Partial<KeyDescription> = {}, locked = true, state: "Verified" | "SelfSigned" | "Unverified" = "Verified"): KeyDescription => ({
  attestationVersion: 100,
  attestationSecurityLevel: "TrustedEnvironment",
  keyMintVersion: 100,
  keyMintSecurityLevel: "TrustedEnvironment",
  attestationChallenge: new TextEncoder().encode("nonce"),
  rootOfTrust: { verifiedBootKey: new Uint8Array(32).fill(1), deviceLocked: locked, verifiedBootState: state, verifiedBootHash: new Uint8Array(32).fill(2) },
  osVersion: 140000,
  osPatchLevel: 202611,
  ...o,
});
const signals = (k: KeyDescription | undefined, extra: Partial<IntegritySignals> = {}): IntegritySignals => ({
  ...(k ? { keyDescription: Buffer.from(encodeKeyDescription(k)).toString("base64") } : {}),
  rootDetected: false,
  gms: true,
  ...extra,
});
const NOW = Date.parse("2026-12-07T12:00:00Z");

describe("KeyDescription DER", () => {
  it("writes the high tag numbers of the AuthorizationList as X.690 multi-byte identifiers, and reads them back", () => {
    const der = encodeKeyDescription(kd({}, false, "Unverified"));
    const hex = Buffer.from(der).toString("hex");
    expect(hex).toContain("bf8540"); // [704] constructed, context-specific: 0xBF 0x85 0x40
    expect(hex).toContain("bf8541050203" + "0222e0"); // [705] { INTEGER 140000 }
    expect(hex).toContain("bf8542050203" + "031773"); // [706] { INTEGER 202611 }
    const back = readKeyDescription(der);
    expect(back.rootOfTrust).toMatchObject({ deviceLocked: false, verifiedBootState: "Unverified" });
    expect(back).toMatchObject({ attestationVersion: 100, attestationSecurityLevel: "TrustedEnvironment", osVersion: 140000, osPatchLevel: 202611 });
  });

  it("refuses truncated, trailing and garbage bytes with a typed error", () => {
    const der = encodeKeyDescription(kd());
    for (const bad of [der.subarray(0, der.length - 3), new Uint8Array([...der, 0]), new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), new Uint8Array(0), new TextEncoder().encode("<html>")]) {
      expect(() => readKeyDescription(bad)).toThrow(ProtocolViolationError);
    }
  });

  it("Android version numbers as KeyMint writes them", () => {
    expect(osVersionNumber("14")).toBe(140000);
    expect(osVersionNumber("8.1.0")).toBe(80100);
  });
});

describe("the Play Integrity device verdict the server receives", () => {
  it("a locked, green device with a recent patch meets strong integrity; a year-old patch on Android 13+ does not", () => {
    expect(deviceVerdict(signals(kd()), NOW, 34).deviceRecognitionVerdict).toEqual(["MEETS_BASIC_INTEGRITY", "MEETS_DEVICE_INTEGRITY", "MEETS_STRONG_INTEGRITY"]);
    expect(deviceVerdict(signals(kd({ osPatchLevel: 202402 })), NOW, 34).deviceRecognitionVerdict).toEqual(["MEETS_BASIC_INTEGRITY", "MEETS_DEVICE_INTEGRITY"]);
    expect(deviceVerdict(signals(kd({ osPatchLevel: 202402 })), NOW, 32).deviceRecognitionVerdict).toContain("MEETS_STRONG_INTEGRITY");
  });

  it("an unlocked bootloader or a self-signed (yellow) ROM meets basic only; root seen, or no Google Play services, meets nothing", () => {
    expect(deviceVerdict(signals(kd({}, false, "Unverified")), NOW, 34).deviceRecognitionVerdict).toEqual(["MEETS_BASIC_INTEGRITY"]);
    expect(deviceVerdict(signals(kd({}, true, "SelfSigned")), NOW, 34).deviceRecognitionVerdict).toEqual(["MEETS_BASIC_INTEGRITY"]);
    expect(deviceVerdict(signals(kd(), { rootDetected: true }), NOW, 34).deviceRecognitionVerdict).toEqual([]);
    expect(deviceVerdict(signals(kd(), { gms: false }), NOW, 34).deviceRecognitionVerdict).toEqual([]);
  });

  it("AMAPI securityPosture follows the verdict (Understanding Security Posture)", () => {
    const s = signals(kd({}, false, "Unverified"));
    expect(securityPosture(deviceVerdict(s, NOW, 34), s)).toEqual({ devicePosture: "POTENTIALLY_COMPROMISED", postureDetails: [{ securityRisk: "UNKNOWN_OS", advice: [{ defaultMessage: "The user should lock their device's bootloader." }] }] });
    const stale = signals(kd({ osPatchLevel: 202402 }));
    expect(securityPosture(deviceVerdict(stale, NOW, 34), stale)).toEqual({ devicePosture: "SECURE", postureDetails: [{ securityRisk: "HARDWARE_BACKED_EVALUATION_FAILED" }] });
    const rooted = signals(kd(), { rootDetected: true });
    expect(securityPosture(deviceVerdict(rooted, NOW, 34), rooted).postureDetails).toEqual([{ securityRisk: "COMPROMISED_OS" }]);
    expect(securityPosture(undefined, signals(kd(), { gms: false }))).toEqual({ devicePosture: "POSTURE_UNSPECIFIED" });
  });

  it("a malformed envelope is refused, an absent one is nothing", () => {
    expect(readIntegritySignals(undefined)).toBeUndefined();
    expect(() => readIntegritySignals("yes")).toThrow(ProtocolViolationError);
    expect(() => readIntegritySignals({ keyDescription: "not base64!" })).toThrow(ProtocolViolationError);
  });
});

describe("what a device's state makes it send", () => {
  const id = (integrity?: object): DeviceIdentity =>
    ({
      id: "pixel-8#0",
      serialNumber: "12345FDJH00ABC",
      manufacturer: "Google",
      modelIdentifier: "Pixel 8",
      os: { version: "14", build: "AP2A.240905.003" },
      android: { gms: true },
      state: integrity ? { integrity } : {},
    }) as unknown as DeviceIdentity;

  it("stock: locked and Verified; unlocked: deviceLocked false and Unverified (orange) with a zero key; rooted: root detected", () => {
    const rot = (s: IntegritySignals) => readKeyDescription(new Uint8Array(Buffer.from(s.keyDescription!, "base64"))).rootOfTrust!;
    expect(rot(integritySignals(id(), "2024-09-05", "c"))).toMatchObject({ deviceLocked: true, verifiedBootState: "Verified" });
    const unlocked = rot(integritySignals(id({ bootloader: "unlocked" }), "2024-09-05", "c"));
    expect(unlocked).toMatchObject({ deviceLocked: false, verifiedBootState: "Unverified" });
    expect([...unlocked.verifiedBootKey]).toEqual(new Array(32).fill(0));
    expect(rot(integritySignals(id({ verifiedBoot: "yellow" }), "2024-09-05", "c")).verifiedBootState).toBe("SelfSigned");
    expect(integritySignals(id({ rooted: true }), "2024-09-05", "c").rootDetected).toBe(true);
    expect(readKeyDescription(new Uint8Array(Buffer.from(integritySignals(id(), "2024-09-05", "c").keyDescription!, "base64"))).osPatchLevel).toBe(202409);
  });
});

describe("Knox attestation blob (Knox SDK AttestationPolicy format)", () => {
  const data = { measurements: Array.from({ length: 7 }, (_, k) => new Uint8Array(32).fill(k)), verdict: "Yes" as const, nonce: new Uint8Array(32).fill(9), serial: new Uint8Array([1, 2, 3, 4]), warrantyBit: 1 as const };

  it("writes exit code, status, version, sized data with typed subsections, a 256-byte signature and two certificate lengths; reads it back", () => {
    const b = encodeKnoxBlob(data);
    expect([...b.subarray(0, 9)]).toEqual([0, 7, ...new TextEncoder().encode("Success")]);
    const size = (b[10]! << 8) | b[11]!;
    expect(b[12]).toBe(0x01); // measurement first
    expect(b.length).toBe(12 + size + 256 + 4);
    expect(readKnoxBlob(b).data).toMatchObject({ verdict: "Yes", warrantyBit: 1 });
  });

  it("a device-side error exit code is read as such; truncated, trailing, wrong-sized or garbage blobs are typed errors", () => {
    expect(readKnoxBlob(new Uint8Array([3, 2, 0x45, 0x52]))).toEqual({ exitCode: 3, error: "ER" });
    const b = encodeKnoxBlob(data);
    for (const bad of [b.subarray(0, b.length - 1), new Uint8Array([...b, 0]), new TextEncoder().encode("<html>nope</html>"), new Uint8Array(2)]) expect(() => readKnoxBlob(bad)).toThrow(ProtocolViolationError);
    expect(() => readKnoxBlob(encodeKnoxBlob({ ...data, nonce: new Uint8Array(5) }))).toThrow(/nonce/);
  });
});
