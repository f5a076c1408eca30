// SPDX-License-Identifier: MIT
/** `enrollsim inspect FILE`: decode a CSR, certificate or SCEP/CMS message. */
import type { Argv } from "yargs";
import { terminalText } from "../../report/terminal-text.js";

export const inspectCommand = {
  command: "inspect <file>",
  describe: "Decode a PEM/DER CSR, certificate, PKCS#7/CMS SCEP message, an Android provisioning QR PNG, a Windows SOAP/SyncML/provisioning XML, or a trace file (as trace show)",
  builder: (y: Argv) =>
    y
      .example("$0 inspect cert.pem", "decode a certificate (subject, issuer, validity, extensions)")
      .example("$0 inspect pkcsreq.der --key ca-key.pem", "decode a SCEP message and open its envelope")
      .example("$0 inspect run.ndjson --device 'iphone-15#0'", "a trace file: that device's decoded transcript")
      .positional("file", { type: "string", demandOption: true })
      .option("json", { type: "boolean", default: false })
      .option("device", { type: "string", describe: "for a trace file: the device whose transcript to show" })
      .option("key", { type: "string", describe: "PEM private key to open an enveloped message with" })
      .option("show-secrets", { type: "boolean", default: false, describe: "show challenge passwords instead of [REDACTED]" }),
  handler: async (a: { file: string; json: boolean; key?: string; device?: string; "show-secrets": boolean }) => {
    const { readInputFile } = await import("../output.js");
    const bytes = readInputFile(a.file, a.file, "a file: a PEM/DER CSR or certificate, a SCEP/CMS message, a QR PNG, Windows XML or a trace file");
    const qr = await import("../../api/android/qr.js");
    if (qr.isPngFile(a.file)) {
      const i = qr.inspectQrPng(a.file);
      process.stdout.write(a.json ? `${JSON.stringify(i, null, 2)}\n` : `${terminalText(qr.formatQrInspection(i), { lines: true })}\n`);
      if (!i.valid) process.exitCode = 1;
      return;
    }
    const head = bytes.subarray(0, 4096).toString("utf8").trimStart();
    const trace = await import("./trace.js");
    if (trace.isTraceFile(a.file, head)) return trace.showTrace(a.file, a.device, a.json, (s) => process.stdout.write(s));
    if (head.startsWith("<")) {
      const { inspectWindowsXml } = await import("../../api/windows/inspect.js");
      const w = inspectWindowsXml(bytes.toString("utf8"));
      if (w) {
        process.stdout.write(`${JSON.stringify(w, null, 2)}\n`);
        return;
      }
    }
    const { formatInspection, inspectFile } = await import("../../api/inspect.js");
    const i = await inspectFile(a.file, { key: a.key, showSecrets: a["show-secrets"] } as never);
    process.stdout.write(a.json ? `${JSON.stringify(i, null, 2)}\n` : `${terminalText(formatInspection(i), { lines: true })}\n`);
  },
};
