// SPDX-License-Identifier: MIT
/**
 * enrollsim's stand-in for a DPC APK: what the setup wizard verifies after the download (package
 * name, version code, DeviceAdminReceivers, signing certificates) in a small self-describing
 * container. Real APK parsing (zip + signing block) is out of scope; the checks made on it are
 * ManagedProvisioning's: receiver present, then package hash, else signature hash.
 *
 * Layout: "ESAPK1\n" | u32 BE header length | UTF-8 JSON header | filler bytes.
 */
const MAGIC = "ESAPK1\n";
const MAX_HEADER = 64 * 1024;

export interface FakeApk {
  packageName: string;
  versionCode: number;
  versionName: string;
  /** Fully qualified DeviceAdminReceiver class names. */
  receivers: string[];
  /** DER signing certificates. */
  signers: Uint8Array[];
}

export function buildFakeApk(apk: FakeApk, fillerBytes = 2048): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      package: apk.packageName,
      versionCode: apk.versionCode,
      versionName: apk.versionName,
      receivers: apk.receivers,
      signers: apk.signers.map((s) => Buffer.from(s).toString("base64")),
    }),
  );
  const out = new Uint8Array(MAGIC.length + 4 + header.length + fillerBytes);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length);
  out.set(header, MAGIC.length + 4);
  for (let i = 0; i < fillerBytes; i++) out[MAGIC.length + 4 + header.length + i] = (i * 31 + 7) & 0xff;
  return out;
}

/** Parses the container; undefined when it is not one (corrupt or truncated download). */
export function parseFakeApk(bytes: Uint8Array): FakeApk | undefined {
  if (bytes.length < MAGIC.length + 4) return undefined;
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) return undefined;
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length);
  if (len > MAX_HEADER || MAGIC.length + 4 + len > bytes.length) return undefined;
  try {
    const h = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + len))) as Record<string, unknown>;
    if (typeof h.package !== "string" || !Number.isInteger(h.versionCode) || !Array.isArray(h.receivers) || !Array.isArray(h.signers)) return undefined;
    if (!h.receivers.every((r) => typeof r === "string") || !h.signers.every((s) => typeof s === "string")) return undefined;
    return {
      packageName: h.package,
      versionCode: h.versionCode as number,
      versionName: typeof h.versionName === "string" ? h.versionName : String(h.versionCode),
      receivers: h.receivers as string[],
      signers: (h.signers as string[]).map((s) => new Uint8Array(Buffer.from(s, "base64"))),
    };
  } catch {
    return undefined;
  }
}
