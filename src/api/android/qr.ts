// SPDX-License-Identifier: MIT
/**
 * Android provisioning QR codes as PNG files: write a payload (qrcode), decode a PNG back
 * (pngjs + jsqr) and validate it with ManagedProvisioning's rules. Used by
 * `enrollsim android qr` and `enrollsim inspect qr.png`.
 */
import { readFileSync } from "node:fs";
import { writePrivateFile } from "../../report/private-file.js";
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import * as QRCode from "qrcode";
import { ScenarioError, SimError } from "../../errors/index.js";
import { buildQrPayload, type QrMode } from "../../wire/android/build.js";
import { CLOUDDPC } from "../../wire/android/extras.js";
import { describeParams, parseQrPayload, type Bundle } from "../../wire/android/payload.js";
import { ProvisioningPayloadError } from "../../wire/android/errors.js";

type JsQr = (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
const jsQR: JsQr = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as unknown as JsQr;

export type QrEcc = "L" | "M" | "Q" | "H";

/** PNG bytes of a QR code holding `text`; ECC M unless the payload is too large for it (then L). */
export async function qrPng(text: string, ecc: QrEcc = "M"): Promise<{ png: Uint8Array; ecc: QrEcc }> {
  for (const level of ecc === "L" ? (["L"] as const) : ([ecc, "L"] as const)) {
    try {
      const png = await QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: level, margin: 4, scale: 4 });
      return { png: new Uint8Array(png), ecc: level };
    } catch (e) {
      if (level === "L") throw new ProvisioningPayloadError("too-large", undefined, `(payload of ${text.length} bytes does not fit a QR code: ${(e as Error).message})`);
    }
  }
  throw new ProvisioningPayloadError("too-large", undefined, "(payload does not fit a QR code)");
}

/** The text of the first QR code in a PNG, or undefined when none is found. */
export function decodeQrPng(png: Uint8Array): string | undefined {
  let img: { width: number; height: number; data: Buffer };
  try {
    img = PNG.sync.read(Buffer.from(png));
  } catch (e) {
    throw new ProvisioningPayloadError("invalid-parameter", undefined, `(not a readable PNG: ${(e as Error).message})`);
  }
  if (img.width * img.height > 16_000_000) throw new ProvisioningPayloadError("too-large", undefined, `(PNG of ${img.width}×${img.height} pixels)`);
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), img.width, img.height)?.data ?? undefined;
}

export interface ModePayloadOptions {
  mode: QrMode;
  component?: string;
  downloadLocation?: string;
  packageChecksum?: string;
  signatureChecksum?: string;
  token?: string;
  wifiSsid?: string;
  wifiPassword?: string;
  wifiSecurity?: "NONE" | "WPA" | "WEP" | "EAP";
  locale?: string;
  timeZone?: string;
  organizationName?: string;
  adminExtras?: Bundle;
  extras?: Record<string, unknown>;
}

/**
 * A provisioning payload for a management mode. fully-managed / dedicated / cope default to
 * Android Device Policy (AMAPI) with the enrollment token in the admin extras; aosp has no
 * Google services, so it needs a self-hosted DPC (component, download location, checksum) and
 * usually Wi-Fi credentials in the QR.
 */
export function modePayload(o: ModePayloadOptions): Record<string, unknown> {
  if (o.mode === "aosp" && (!o.component || !o.downloadLocation || (!o.packageChecksum && !o.signatureChecksum)))
    throw new ScenarioError("an aosp payload needs the self-hosted DPC: --component, --download and --checksum (or --signature-checksum); AOSP devices have no Google Play to fetch Android Device Policy from");
  const amapi = o.mode !== "aosp" && !o.component;
  const admin: Bundle = { ...(o.adminExtras ?? {}) };
  if (o.token) admin[amapi ? CLOUDDPC.tokenExtra : "enrollment_token"] = o.token;
  return buildQrPayload({
    component: o.component ?? CLOUDDPC.component,
    downloadLocation: o.downloadLocation ?? (amapi ? CLOUDDPC.downloadLocation : undefined),
    packageChecksum: o.packageChecksum,
    signatureChecksum: o.signatureChecksum ?? (amapi && !o.packageChecksum ? CLOUDDPC.signatureChecksum : undefined),
    wifi: o.wifiSsid ? { ssid: o.wifiSsid, password: o.wifiPassword, securityType: o.wifiSecurity } : undefined,
    leaveAllSystemAppsEnabled: o.mode === "dedicated" ? true : undefined,
    locale: o.locale,
    timeZone: o.timeZone,
    organizationName: o.organizationName,
    adminExtras: Object.keys(admin).length ? admin : undefined,
    raw: o.extras,
  });
}

/** Validates then writes the payload as a QR PNG. Returns what was written. */
export async function writeQrPngFile(path: string, payload: Record<string, unknown>, ecc: QrEcc = "M"): Promise<{ text: string; bytes: number; ecc: QrEcc; warnings: string[] }> {
  const text = JSON.stringify(payload);
  const params = parseQrPayload(text);
  const out = await qrPng(text, ecc);
  writePrivateFile(path, out.png); // 0600: the payload can carry a Wi-Fi password or an enrollment token
  return { text, bytes: Buffer.byteLength(text), ecc: out.ecc, warnings: params.warnings };
}

export interface QrInspection {
  kind: "android-provisioning-qr";
  file: string;
  found: boolean;
  bytes?: number;
  valid: boolean;
  payload?: unknown;
  params?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Decodes a QR PNG and validates it as an Android provisioning payload (JSON-serialisable). */
export function inspectQrPng(path: string): QrInspection {
  const out: QrInspection = { kind: "android-provisioning-qr", file: path, found: false, valid: false };
  try {
    const text = decodeQrPng(new Uint8Array(readFileSync(path)));
    if (text === undefined) {
      out.error = { code: "android.qr.not-found", message: "no QR code found in the image" };
      return out;
    }
    out.found = true;
    out.bytes = Buffer.byteLength(text);
    try {
      out.payload = redactPayload(JSON.parse(text));
    } catch {
      out.payload = text.slice(0, 200);
    }
    out.params = describeParams(parseQrPayload(text));
    out.valid = true;
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    out.error = { code: e.code, message: e.message };
  }
  return out;
}

const SECRET_KEY = /password|token|secret|psk/i;
function redactPayload(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactPayload);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) && typeof x === "string" ? "[REDACTED]" : redactPayload(x)]));
  return v;
}

export function formatQrInspection(i: QrInspection): string {
  const lines = [`Android provisioning QR: ${i.file}`];
  if (!i.found) return [...lines, `  ${i.error?.message ?? "no QR code"}`].join("\n");
  lines.push(`  payload: ${i.bytes} bytes, ${i.valid ? "valid" : "INVALID"}`);
  if (i.error) lines.push(`  error: ${i.error.code}: ${i.error.message}`);
  if (i.params) {
    const p = i.params as Record<string, unknown>;
    lines.push(`  component: ${p.component ?? "(none)"}`);
    const d = p.download as Record<string, unknown> | undefined;
    if (d) lines.push(`  download: ${d.location}`, `  package checksum: ${d.packageChecksum ?? "-"}`, `  signature checksum: ${d.signatureChecksum ?? "-"}`);
    const w = p.wifi as Record<string, unknown> | undefined;
    if (w) lines.push(`  wifi: ${w.ssid} (${w.securityType})`);
    lines.push(`  admin extras: ${(p.adminExtraKeys as string[]).join(", ") || "(none)"}`);
    for (const warn of p.warnings as string[]) lines.push(`  warning: ${warn}`);
  }
  return lines.join("\n");
}

/** True when the file starts with the PNG signature (lets `inspect` route PNGs here). */
export function isPngFile(path: string): boolean {
  try {
    const b = readFileSync(path).subarray(0, 8);
    return b.length === 8 && b.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  } catch {
    return false;
  }
}
