// SPDX-License-Identifier: MIT
// Runs the built `report` and `fleet` command modules until the lead registers them in
// src/cli/main.ts (then `node dist/cli/main.js report|fleet ...` does the same).
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { reportCommand } from "../../../dist/cli/commands/report.js";
import { fleetCommand } from "../../../dist/cli/commands/fleet.js";
import { printError } from "../../../dist/cli/output.js";

await yargs(hideBin(process.argv))
  .scriptName("enrollsim")
  .command(reportCommand)
  .command(fleetCommand)
  .demandCommand(1)
  .strict()
  .fail((msg, err) => {
    if (err) printError(err);
    else process.stderr.write(`enrollsim: ${msg}\n`);
    process.exit(2);
  })
  .parseAsync();
