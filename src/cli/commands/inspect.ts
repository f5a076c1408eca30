// SPDX-License-Identifier: MIT
/** `enrollsim inspect FILE`: decode a CSR, certificate or SCEP/CMS message. */
import type { Argv } from "yargs";

export const inspectCommand = {
  command: "inspect <file>",
  describe: "Decode a PEM/DER CSR, certificate, or PKCS#7/CMS SCEP message",
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", demandOption: true })
      .option("json", { type: "boolean", default: false })
      .option("key", { type: "string", describe: "PEM private key to open an enveloped message with" })
      .option("show-secrets", { type: "boolean", default: false, describe: "show challenge passwords instead of [REDACTED]" }),
  handler: async (a: { file: string; json: boolean; key?: string; "show-secrets": boolean }) => {
    const { formatInspection, inspectFile } = await import("../../api/inspect.js");
    const i = await inspectFile(a.file, { key: a.key, showSecrets: a["show-secrets"] } as never);
    process.stdout.write(a.json ? `${JSON.stringify(i, null, 2)}\n` : `${formatInspection(i)}\n`);
  },
};
