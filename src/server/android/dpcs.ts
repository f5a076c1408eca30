// SPDX-License-Identifier: MIT
/**
 * The DPC APKs the half hosts (ZIP-shaped, v1-signed by the reference CA: wire/android/apk.ts) and their
 * checksums, computed from the very bytes served: package checksum = SHA-256 of the file,
 * signature checksum = SHA-256 of the signing certificate's DER.
 */
import type { CryptoPort } from "../../ports/crypto.js";
import type { PrivateKey } from "../../ports/crypto.js";
import { buildApk } from "../../wire/android/apk.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import { encodeUrlSafeBase64 } from "../../wire/android/base64url.js";
import type { DpcKind } from "./config.js";

export interface HostedDpc {
  kind: DpcKind;
  packageName: string;
  receiver: string;
  /** Component as put in payloads (`pkg/.Cls` or `pkg/full.Cls`). */
  component: string;
  bytes: Uint8Array;
  packageChecksum: string;
  signatureChecksum: string;
  /** DER of the signing certificate (a checksum the admin computed another way hashes it again). */
  signerDer: Uint8Array;
  versionCode: number;
}

const SPECS: Record<DpcKind, { pkg: string; receiver: string; component: string; versionCode: number; versionName: string }> = {
  clouddpc: { pkg: "com.google.android.apps.work.clouddpc", receiver: "com.google.android.apps.work.clouddpc.receivers.CloudDeviceAdminReceiver", component: "com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver", versionCode: 18420, versionName: "184.20" },
  headwind: { pkg: "com.hmdm.launcher", receiver: "com.hmdm.launcher.AdminReceiver", component: "com.hmdm.launcher/com.hmdm.launcher.AdminReceiver", versionCode: 15270, versionName: "5.27" },
  // Workspace ONE Intelligent Hub: package and admin receiver as its QR staging names them (shared/notes/android.md §9); the version is enrollsim's.
  "workspace-one": { pkg: "com.airwatch.androidagent", receiver: "com.airwatch.agent.DeviceAdministratorReceiver", component: "com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver", versionCode: 2405000, versionName: "24.05" },
  "company-portal": { pkg: "com.microsoft.windowsintune.companyportal", receiver: "com.microsoft.omadm.client.PolicyManagerReceiver", component: "com.microsoft.windowsintune.companyportal/com.microsoft.omadm.client.PolicyManagerReceiver", versionCode: 5056600, versionName: "5.0.5666.0" },
};

export function buildDpcs(crypto: CryptoPort, signer: { cert: Certificate; key: PrivateKey }): Record<DpcKind, HostedDpc> {
  const sig = encodeUrlSafeBase64(crypto.digest("sha256", signer.cert.der), false);
  const out = {} as Record<DpcKind, HostedDpc>;
  for (const [kind, s] of Object.entries(SPECS) as [DpcKind, (typeof SPECS)[DpcKind]][]) {
    const bytes = buildApk({ packageName: s.pkg, versionCode: s.versionCode, versionName: s.versionName, receivers: [s.receiver] }, signer, crypto, 4096);
    out[kind] = { kind, packageName: s.pkg, receiver: s.receiver, component: s.component, bytes, packageChecksum: encodeUrlSafeBase64(crypto.digest("sha256", bytes), true), signatureChecksum: sig, signerDer: signer.cert.der, versionCode: s.versionCode };
  }
  return out;
}
