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
 *
 * The order is the release's. VerifyPackageTask exists from Android 8.0 (API 26): it parses first, then hashes (above).
 * Before it (Android 5.0–7.1, API 21–25) DownloadPackageTask.onDownloadSuccess compares the package checksum with the
 * downloaded file's hash before anything parses it (ERROR_HASH_MISMATCH = 0): a file that is not an APK at all (an HTML
 * page, a truncated body) with a package checksum given fails the checksum. Only InstallPackageTask, after the download
 * task succeeded, parses the file (packageContentIsCorrect: getPackageArchiveInfo(…, GET_RECEIVERS), then the admin
 * receiver) and fails ERROR_PACKAGE_INVALID = 0 ("Installed package has no admin receiver."). Checked in the LineageOS
 * mirror of platform/packages/apps/ManagedProvisioning (Apache-2.0), task/DownloadPackageTask.java and
 * task/InstallPackageTask.java: cm-12.0 (5.0, SHA-1 package checksum only), cm-13.0 (6.0) and cm-14.x (7.x, package
 * checksum, else signature checksum via getPackageArchiveInfo(…, GET_SIGNATURES)).
 * With only a signature checksum, 6.0–7.1 must parse the file to read its signatures; for a file that does not parse,
 * that code reads the signatures of a null PackageInfo (computeHashesOfAllSignatures), and what the device then shows
 * is not published: enrollsim reports the parse failure (InstallPackageTask's name) and says so in the detail.
 */
import { encodeUrlSafeBase64 } from "./base64url.js";
import { parseFakeApk, type FakeApk } from "./apk.js";
import { verifyApkV1 } from "./jar-signature.js";
import type { DownloadParams } from "./payload.js";
import type { CryptoPort } from "../../ports/crypto.js";

/**
 * A failed check, named as the release's task reports it: `error` is the kind ("hash-mismatch", or "admin-missing" for a
 * file that does not parse or lacks the admin receiver), `task`/`constant`/`aospCode` the constant that release's
 * ManagedProvisioning reports (VerifyPackageTask.ERROR_DEVICE_ADMIN_MISSING (1) from 8.0, InstallPackageTask.
 * ERROR_PACKAGE_INVALID (0) before it).
 */
export interface VerifyFailure {
  ok: false;
  error: "hash-mismatch" | "admin-missing";
  task: "VerifyPackageTask" | "DownloadPackageTask" | "InstallPackageTask";
  constant: "ERROR_HASH_MISMATCH" | "ERROR_DEVICE_ADMIN_MISSING" | "ERROR_PACKAGE_INVALID";
  aospCode: 0 | 1;
  detail: string;
  apk?: FakeApk;
}

export type VerifyOutcome = { ok: true; matched: "package" | "signature"; apk: FakeApk; computed: string } | VerifyFailure;

/** The first release with VerifyPackageTask (Android 8.0): parse, then hash. Before it the download task hashes first. */
export const VERIFY_TASK_FROM_API = 26;

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
  const verifyTask = apiLevel >= VERIFY_TASK_FROM_API;
  const mismatch = (detail: string, apk?: FakeApk): VerifyFailure => ({ ok: false, error: "hash-mismatch", task: verifyTask ? "VerifyPackageTask" : "DownloadPackageTask", constant: "ERROR_HASH_MISMATCH", aospCode: 0, detail, ...(apk ? { apk } : {}) });
  const unusable = (detail: string, apk?: FakeApk): VerifyFailure =>
    verifyTask
      ? { ok: false, error: "admin-missing", task: "VerifyPackageTask", constant: "ERROR_DEVICE_ADMIN_MISSING", aospCode: 1, detail, ...(apk ? { apk } : {}) }
      : { ok: false, error: "admin-missing", task: "InstallPackageTask", constant: "ERROR_PACKAGE_INVALID", aospCode: 0, detail, ...(apk ? { apk } : {}) };
  const packageHash = () => {
    const tried = packageChecksumHashes(apiLevel).map((alg) => ({ alg, h: crypto.digest(alg, bytes) }));
    const hit = tried.find((t) => eq(t.h, download.packageChecksum!));
    const computed = hit ? encodeUrlSafeBase64(hit.h, false) : tried.map((t) => `${t.alg === "sha1" ? "SHA-1" : "SHA-256"} ${encodeUrlSafeBase64(t.h, false)}`).join(", ");
    return { hit: !!hit, computed, reads: tried.map((t) => (t.alg === "sha1" ? "SHA-1" : "SHA-256")).join(" or ") };
  };
  const mismatchDetail = (h: ReturnType<typeof packageHash>) => `package ${h.computed} ≠ hash provided by programmer ${encodeUrlSafeBase64(download.packageChecksum!, false)} (API ${apiLevel} reads ${h.reads})`;
  // Before 8.0 the download task compares the package checksum before anything parses the file (see above).
  const early = !verifyTask && download.packageChecksum ? packageHash() : undefined;
  if (early && !early.hit) return mismatch(`DownloadPackageTask compares the checksum before the file is parsed: ${mismatchDetail(early)}`);
  const signatureOnly = !verifyTask && !download.packageChecksum ? " (with only a signature checksum, Android 6.0–7.1 reads the signatures of an unparsed file from a null PackageInfo: what it then shows is not published)" : "";
  const apk = parseFakeApk(bytes);
  if (!apk) return unusable(`the downloaded file is not a readable APK (truncated or corrupt)${signatureOnly}`);
  const v1 = apk.zip ? verifyApkV1(apk.zip, crypto) : ({ ok: false, reason: "unsigned", detail: "the legacy ESAPK1 container carries no signature" } as const);
  if (!v1.ok) return unusable(`the package manager cannot collect the APK's certificates: v1 signature ${v1.reason} (${v1.detail})${signatureOnly}`, apk);
  if (component && (apk.packageName !== component.pkg || !apk.receivers.includes(component.cls)))
    return unusable(`${component.pkg}/${component.cls} is not a DeviceAdminReceiver of ${apk.packageName} (receivers: ${apk.receivers.join(", ") || "none"})`, apk);
  if (download.packageChecksum) {
    const h = early ?? packageHash();
    if (h.hit) return { ok: true, matched: "package", apk, computed: h.computed };
    return mismatch(mismatchDetail(h), apk);
  }
  if (download.signatureChecksum && apiLevel >= 23) {
    const hashes = v1.signers.map((c) => sha256(c.der));
    const hit = hashes.find((h) => eq(h, download.signatureChecksum!));
    if (hit) return { ok: true, matched: "signature", apk, computed: encodeUrlSafeBase64(hit, false) };
    return mismatch(`no signing certificate hashes to ${encodeUrlSafeBase64(download.signatureChecksum, false)} (signers: ${hashes.map((h) => encodeUrlSafeBase64(h, false)).join(", ") || "none"})`, apk);
  }
  return mismatch("no checksum to verify against", apk);
}
