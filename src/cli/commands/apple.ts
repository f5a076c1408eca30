// SPDX-License-Identifier: MIT
/** `enrollsim apple device-ca --out DIR`: export the test device CA a server under test can trust for MachineInfo. */
import type { Argv } from "yargs";
import { exportDeviceCa } from "../../api/apple/device-ca.js";

export const appleCommand = {
  command: "apple <action>",
  describe: "Apple helpers: export the test device CA that signs MachineInfo (ADE)",
  builder: (y: Argv) =>
    y
      .example("$0 apple device-ca --out device-ca/", "export the test device CA for a server to trust MachineInfo")
      .positional("action", { choices: ["device-ca"], demandOption: true })
      .option("out", { type: "string", demandOption: true, describe: "directory to write the device CA certificate to" }),
  handler: (a: { out: string }) => {
    const r = exportDeviceCa(a.out);
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  },
};
