// SPDX-License-Identifier: MIT
/**
 * ManagedProvisioning's VerifyPackageTask on downloaded bytes: the admin receiver must be in
 * the APK (ERROR_DEVICE_ADMIN_MISSING = 1), then the package checksum (SHA-256 of the file)
 * must match, or — only when no package checksum is given — the signature checksum must equal
 * the SHA-256 of any signing certificate (ERROR_HASH_MISMATCH = 0).
 *
 * The task reads the file with getPackageArchiveInfo(…, GET_SIGNATURES | GET_RECEIVERS), which
 * collects (and so verifies) the signing certificates: an APK whose v1 signature does not verify,
 * or that is unsigned, parses to null and fails as ERROR_DEVICE_ADMIN_MISSING before any hash is
 * compared. The signing certificates are only those jar-signature.ts verified.
 *
 * The package checksum's hash depends on the release (DevicePolicyManager, EXTRA_PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM:
 * "for devices running LOLLIPOP and LOLLIPOP_MR1, only SHA-1 hash is supported. Starting from M, this parameter accepts
 * SHA-256 in addition to SHA-1. From Q, only SHA-256 hash is supported."); the signature checksum exists from M (API 23,
 * EXTRA_PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM), so Lollipop does not read it.
 */
import { encodeUrlSafeBase64 } from "./base64url.js";
import { parseFakeApk, type FakeApk } from "./apk.js";
import { verifyApkV1 } from "./jar-signature.js";
import type { DownloadParams } from "./payload.js";
import type { CryptoPort } from "../../ports/crypto.js";

export type VerifyOutcome =
  | { ok: true; matched: "package" | "signature"; apk: FakeApk; computed: string }
  | { ok: false; error: "hash-mismatch" | "admin-missing"; aospCode: 0 | 1; detail: string; apk?: FakeApk };

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The hashes a release accepts as the package checksum (see above). */
export const packageChecksumHashes = (apiLevel: number): readonly ("sha1" | "sha256")[] => (apiLevel < 23 ? ["sha1"] : apiLevel < 29 ? ["sha256", "sha1"] : ["sha256"]);

/** `apiLevel`: the device's release (default: Android 10 and later, SHA-256 only). */
export function verifyPackage(
  bytes: Uint8Array,
  download: Pick<DownloadParams, "packageChecksum" | "signatureChecksum">,
  component: { pkg: string; cls: string } | undefined,
  crypto: Pick<CryptoPort, "digest" | "verify">,
  apiLevel = 29,
): VerifyOutcome {
  const sha256 = (b: Uint8Array) => crypto.digest("sha256", b);
  const apk = parseFakeApk(bytes);
  if (!apk) return { ok: false, error: "admin-missing", aospCode: 1, detail: "the downloaded file is not a readable APK (truncated or corrupt)" };
  const v1 = apk.zip ? verifyApkV1(apk.zip, crypto) : ({ ok: false, reason: "unsigned", detail: "the legacy ESAPK1 container carries no signature" } as const);
  if (!v1.ok) return { ok: false, error: "admin-missing", aospCode: 1, detail: `the package manager cannot collect the APK's certificates: v1 signature ${v1.reason} (${v1.detail})`, apk };
  if (component && (apk.packageName !== component.pkg || !apk.receivers.includes(component.cls)))
    return { ok: false, error: "admin-missing", aospCode: 1, detail: `${component.pkg}/${component.cls} is not a DeviceAdminReceiver of ${apk.packageName} (receivers: ${apk.receivers.join(", ") || "none"})`, apk };
  if (download.packageChecksum) {
    const tried = packageChecksumHashes(apiLevel).map((alg) => ({ alg, h: crypto.digest(alg, bytes) }));
    const hit = tried.find((t) => eq(t.h, download.packageChecksum!));
    if (hit) return { ok: true, matched: "package", apk, computed: encodeUrlSafeBase64(hit.h, false) };
    const computed = tried.map((t) => `${t.alg === "sha1" ? "SHA-1" : "SHA-256"} ${encodeUrlSafeBase64(t.h, false)}`).join(", ");
    return { ok: false, error: "hash-mismatch", aospCode: 0, detail: `package ${computed} ≠ hash provided by programmer ${encodeUrlSafeBase64(download.packageChecksum, false)} (API ${apiLevel} reads ${tried.map((t) => (t.alg === "sha1" ? "SHA-1" : "SHA-256")).join(" or ")})`, apk };
  }
  if (download.signatureChecksum && apiLevel >= 23) {
    const hashes = v1.signers.map((c) => sha256(c.der));
    const hit = hashes.find((h) => eq(h, download.signatureChecksum!));
    if (hit) return { ok: true, matched: "signature", apk, computed: encodeUrlSafeBase64(hit, false) };
    return {
      ok: false,
      error: "hash-mismatch",
      aospCode: 0,
      detail: `no signing certificate hashes to ${encodeUrlSafeBase64(download.signatureChecksum, false)} (signers: ${hashes.map((h) => encodeUrlSafeBase64(h, false)).join(", ") || "none"})`,
      apk,
    };
  }
  return { ok: false, error: "hash-mismatch", aospCode: 0, detail: "no checksum to verify against", apk };
}
