// SPDX-License-Identifier: MIT
/**
 * `enrollsim android qr --mode fully-managed|dedicated|cope|aosp … --out qr.png`: writes an
 * Android provisioning payload as a QR PNG (validated first); `enrollsim android decode FILE`
 * decodes a QR PNG and validates it (what `enrollsim inspect qr.png` routes to).
 */
import type { Argv } from "yargs";
import { ScenarioError } from "../../errors/index.js";
import { terminalText } from "../../report/terminal-text.js";

interface QrArgs {
  mode: "fully-managed" | "dedicated" | "cope" | "aosp";
  out: string;
  component?: string;
  download?: string;
  checksum?: string;
  "signature-checksum"?: string;
  token?: string;
  "wifi-ssid"?: string;
  "wifi-password"?: string;
  "wifi-security"?: "NONE" | "WPA" | "WEP" | "EAP";
  locale?: string;
  "time-zone"?: string;
  org?: string;
  "admin-extra"?: string[];
  extra?: string[];
  ecc: "L" | "M" | "Q" | "H";
  json: boolean;
}

/** `k=v` pairs; values parsed as JSON when they can be. */
function pairs(list: string[] = [], what: string): Record<string, never> {
  const out: Record<string, unknown> = {};
  for (const s of list) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new ScenarioError(`${what} "${s}" is not KEY=VALUE`);
    const raw = s.slice(eq + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      /* plain string */
    }
    out[s.slice(0, eq)] = v;
  }
  return out as Record<string, never>;
}

const qrCommand = {
  command: "qr",
  describe: "Write an Android provisioning payload as a QR PNG",
  builder: (y: Argv) =>
    y
      .example("$0 android qr --mode fully-managed --out qr.png", "a fully managed device's provisioning QR")
      .option("mode", { choices: ["fully-managed", "dedicated", "cope", "aosp"] as const, demandOption: true, describe: "management mode" })
      .option("out", { type: "string", demandOption: true, describe: "PNG file to write" })
      .option("component", { type: "string", describe: "admin component pkg/cls (default: Android Device Policy; required for aosp)" })
      .option("download", { type: "string", describe: "DPC APK download location" })
      .option("checksum", { type: "string", describe: "package checksum (URL-safe base64 SHA-256 of the APK)" })
      .option("signature-checksum", { type: "string", describe: "signature checksum (URL-safe base64 SHA-256 of the signing cert)" })
      .option("token", { type: "string", describe: "enrollment token put into the admin extras" })
      .option("wifi-ssid", { type: "string" })
      .option("wifi-password", { type: "string" })
      .option("wifi-security", { choices: ["NONE", "WPA", "WEP", "EAP"] as const })
      .option("locale", { type: "string" })
      .option("time-zone", { type: "string" })
      .option("org", { type: "string", describe: "organisation name" })
      .option("admin-extra", { type: "string", array: true, describe: "KEY=VALUE into PROVISIONING_ADMIN_EXTRAS_BUNDLE" })
      .option("extra", { type: "string", array: true, describe: "raw KEY=VALUE extra (long key)" })
      .option("ecc", { choices: ["L", "M", "Q", "H"] as const, default: "M" as const })
      .option("json", { type: "boolean", default: false }),
  handler: async (a: QrArgs) => {
    const { modePayload, writeQrPngFile } = await import("../../api/android/qr.js");
    const payload = modePayload({
      mode: a.mode,
      component: a.component,
      downloadLocation: a.download,
      packageChecksum: a.checksum,
      signatureChecksum: a["signature-checksum"],
      token: a.token,
      wifiSsid: a["wifi-ssid"],
      wifiPassword: a["wifi-password"],
      wifiSecurity: a["wifi-security"],
      locale: a.locale,
      timeZone: a["time-zone"],
      organizationName: a.org,
      adminExtras: pairs(a["admin-extra"], "--admin-extra"),
      extras: pairs(a.extra, "--extra"),
    });
    const out = await writeQrPngFile(a.out, payload, a.ecc);
    if (a.json) process.stdout.write(`${JSON.stringify({ file: a.out, bytes: out.bytes, ecc: out.ecc, warnings: out.warnings }, null, 2)}\n`);
    else {
      process.stdout.write(`wrote ${a.out}: ${a.mode} provisioning QR, ${out.bytes}-byte payload, ECC ${out.ecc}\n`);
      for (const w of out.warnings) process.stderr.write(`warning: ${terminalText(w)}\n`);
    }
  },
};

const decodeCommand = {
  command: "decode <file>",
  describe: "Decode an Android provisioning QR PNG and validate the payload",
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", demandOption: true })
      .option("json", { type: "boolean", default: false })
      .example("$0 android decode qr.png", "decode a provisioning QR and validate its payload as Android does"),
  handler: async (a: { file: string; json: boolean }) => {
    const { formatQrInspection, inspectQrPng } = await import("../../api/android/qr.js");
    const i = inspectQrPng(a.file);
    process.stdout.write(a.json ? `${JSON.stringify(i, null, 2)}\n` : `${terminalText(formatQrInspection(i), { lines: true })}\n`);
    if (!i.valid) process.exitCode = 1;
  },
};

export const androidCommand = {
  command: "android <command>",
  describe: "Android tools: provisioning QR codes",
  builder: (y: Argv) =>
    y
      .command(qrCommand as never)
      .command(decodeCommand as never)
      .demandCommand(1)
      .example("$0 android qr --mode fully-managed --out qr.png", "write a provisioning QR PNG")
      .example("$0 android decode qr.png", "decode and validate one"),
  handler: () => {},
};
