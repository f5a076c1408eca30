// SPDX-License-Identifier: MIT
/**
 * ManagedProvisioning's VerifyPackageTask on downloaded bytes: the admin receiver must be in
 * the APK (ERROR_DEVICE_ADMIN_MISSING = 1), then the package checksum (SHA-256 of the file)
 * must match, or — only when no package checksum is given — the signature checksum must equal
 * the SHA-256 of any signing certificate (ERROR_HASH_MISMATCH = 0).
 */
import { encodeUrlSafeBase64 } from "./base64url.js";
import { parseFakeApk, type FakeApk } from "./apk.js";
import type { DownloadParams } from "./payload.js";

export type VerifyOutcome =
  | { ok: true; matched: "package" | "signature"; apk: FakeApk; computed: string }
  | { ok: false; error: "hash-mismatch" | "admin-missing"; aospCode: 0 | 1; detail: string; apk?: FakeApk };

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export function verifyPackage(
  bytes: Uint8Array,
  download: Pick<DownloadParams, "packageChecksum" | "signatureChecksum">,
  component: { pkg: string; cls: string } | undefined,
  sha256: (b: Uint8Array) => Uint8Array,
): VerifyOutcome {
  const apk = parseFakeApk(bytes);
  if (!apk) return { ok: false, error: "admin-missing", aospCode: 1, detail: "the downloaded file is not a readable APK (truncated or corrupt)" };
  if (component && (apk.packageName !== component.pkg || !apk.receivers.includes(component.cls)))
    return { ok: false, error: "admin-missing", aospCode: 1, detail: `${component.pkg}/${component.cls} is not a DeviceAdminReceiver of ${apk.packageName} (receivers: ${apk.receivers.join(", ") || "none"})`, apk };
  if (download.packageChecksum) {
    const h = sha256(bytes);
    const computed = encodeUrlSafeBase64(h, false);
    if (eq(h, download.packageChecksum)) return { ok: true, matched: "package", apk, computed };
    return { ok: false, error: "hash-mismatch", aospCode: 0, detail: `package SHA-256 ${computed} ≠ hash provided by programmer ${encodeUrlSafeBase64(download.packageChecksum, false)}`, apk };
  }
  if (download.signatureChecksum) {
    const hashes = apk.signers.map(sha256);
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
