// SPDX-License-Identifier: MIT
/**
 * enrollsim's stand-in for a DPC APK: what the setup wizard verifies after the download (package
 * name, version code, DeviceAdminReceivers, signing certificates) in a small self-describing
 * container. Real APK parsing (zip + signing block) is out of scope; the checks made on it are
 * ManagedProvisioning's: receiver present, then package hash, else signature hash.
 *
 * Layout: "ESAPK1\n" | u32 BE header length | UTF-8 JSON header | filler bytes.
 */
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { buildSignedData, parseSignedData } from "../cms/signed-data.js";
import type { Certificate } from "../x509/certificate.js";
import { readZip, buildZip, ZipError, type ZipEntry } from "./zip.js";

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
  /** The archive's entries, for a ZIP-shaped APK (signature verification reads them). */
  zip?: Map<string, ZipEntry>;
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

/** The stand-in for the binary AndroidManifest.xml inside the ZIP-shaped APK (AXML is not modelled). */
export const APK_MANIFEST_ENTRY = "AndroidManifest.json";

/**
 * A ZIP-shaped APK with a v1 (JAR) signature: AndroidManifest.json (package, versionCode,
 * receivers), classes.dex (filler), META-INF/MANIFEST.MF (SHA-256 digest of every entry),
 * META-INF/CERT.SF (SHA-256 of the whole manifest and of each manifest section, as apksigner
 * writes it, without a main-attributes digest) and META-INF/CERT.RSA (a detached CMS SignedData over CERT.SF by the signer,
 * carrying its certificate: the signature checksum is SHA-256 of that certificate's DER). No
 * v2/v3 signing block is written; verification (jar-signature.ts) checks all of it.
 */
export function buildApk(apk: Omit<FakeApk, "signers" | "zip">, signer: { cert: Certificate; key: PrivateKey }, crypto: CryptoPort, fillerBytes = 2048): Uint8Array {
  const enc = new TextEncoder();
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  const manifest = enc.encode(JSON.stringify({ package: apk.packageName, versionCode: apk.versionCode, versionName: apk.versionName, receivers: apk.receivers }, null, 2));
  const dex = new Uint8Array(fillerBytes);
  dex.set(enc.encode("dex\n035\0").subarray(0, Math.min(8, fillerBytes)));
  for (let i = 8; i < fillerBytes; i++) dex[i] = (i * 31 + 7) & 0xff;
  const entries = [
    { name: APK_MANIFEST_ENTRY, data: manifest },
    { name: "classes.dex", data: dex },
  ];
  const mainMf = ["Manifest-Version: 1.0", "Created-By: enrollsim", "", ""].join("\r\n");
  const sections = entries.map((e) => [`Name: ${e.name}`, `SHA-256-Digest: ${b64(crypto.digest("sha256", e.data))}`, "", ""].join("\r\n"));
  const mf = enc.encode(mainMf + sections.join(""));
  const sf = enc.encode(
    [
      ["Signature-Version: 1.0", "Created-By: enrollsim", `SHA-256-Digest-Manifest: ${b64(crypto.digest("sha256", mf))}`, "", ""].join("\r\n"),
      ...entries.map((e, i) => [`Name: ${e.name}`, `SHA-256-Digest: ${b64(crypto.digest("sha256", enc.encode(sections[i])))}`, "", ""].join("\r\n")),
    ].join(""),
  );
  const rsa = buildSignedData({ content: sf, detached: true, certificates: [signer.cert.der], signer: { cert: signer.cert, key: signer.key, hash: "sha256", attributes: [] } }, crypto);
  return buildZip([...entries, { name: "META-INF/MANIFEST.MF", data: mf }, { name: "META-INF/CERT.SF", data: sf }, { name: "META-INF/CERT.RSA", data: rsa }]);
}

/** Reads a ZIP-shaped APK (see buildApk); undefined when it is not one. */
function parseZipApk(bytes: Uint8Array): FakeApk | undefined {
  try {
    const z = readZip(bytes, { maxEntries: 4096 });
    const m = z.get(APK_MANIFEST_ENTRY)?.data;
    if (!m || m.length > MAX_HEADER) return undefined;
    const h = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(m)) as Record<string, unknown>;
    if (typeof h !== "object" || h === null || typeof h.package !== "string" || !Number.isInteger(h.versionCode) || !Array.isArray(h.receivers) || !h.receivers.every((r) => typeof r === "string")) return undefined;
    const signers: Uint8Array[] = [];
    for (const e of z.values()) {
      if (!/^META-INF\/[^/]+\.(RSA|EC|DSA)$/.test(e.name) || !e.data || e.data.length > 1 << 20) continue;
      for (const c of parseSignedData(e.data, e.name).certificates.slice(0, 16)) signers.push(c.der);
    }
    return { packageName: h.package, versionCode: h.versionCode as number, versionName: typeof h.versionName === "string" ? h.versionName : String(h.versionCode), receivers: h.receivers as string[], signers, zip: z };
  } catch (e) {
    if (e instanceof ZipError || e instanceof SyntaxError || (e instanceof Error && "code" in e)) return undefined;
    return undefined;
  }
}

/** Parses an APK (ZIP-shaped, or the legacy ESAPK1 container); undefined when it is not one (corrupt or truncated download). */
export function parseFakeApk(bytes: Uint8Array): FakeApk | undefined {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return parseZipApk(bytes);
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
