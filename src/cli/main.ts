#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/** enrollsim command line: a thin layer over the library API (src/index.ts). */
import { createRequire } from "node:module";
import type YargsFactory from "yargs";
import { hideBin } from "yargs/helpers";
import { androidCommand } from "./commands/android.js";
import { appleCommand } from "./commands/apple.js";
import { devicesCommand } from "./commands/devices.js";
import { stepsCommand } from "./commands/steps.js";
import { traceCommand } from "./commands/trace.js";
import { replayCommand } from "./commands/replay.js";
import { fleetCommand } from "./commands/fleet.js";
import { reportCommand } from "./commands/report.js";
import { enrollCommand } from "./commands/enroll.js";
import { inspectCommand } from "./commands/inspect.js";
import { keysCommand } from "./commands/keys.js";
import { runCommand } from "./commands/run.js";
import { scepCommand } from "./commands/scep.js";
import { serveCommand } from "./commands/serve.js";
import { validateCommand } from "./commands/validate.js";
import { exitCodeOf, printError } from "./output.js";
import { ignoreClosedPipe } from "./pipes.js";

// A reader that stops early (`| head`) ends our output quietly, not with an EPIPE crash.
ignoreClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);

// yargs's CommonJS build: its help layout (cliui) wraps at word boundaries with wrap-ansi, while the
// ES module build's cliui cuts lines at a fixed width, mid-word ("f / or CI").
const yargs = createRequire(import.meta.url)("yargs") as typeof YargsFactory;

// Crypto and DNS share the libuv threadpool; size it before anything uses it.
process.env.UV_THREADPOOL_SIZE ??= "8";

await yargs(hideBin(process.argv))
  .scriptName("enrollsim")
  .usage("$0 <command> [options]\n\nDevice-side MDM enrollment simulator: virtual devices run real enrollment protocols against any server.")
  .command(runCommand as never)
  .command(serveCommand as never)
  .command(validateCommand as never)
  .command(scepCommand as never)
  .command(enrollCommand as never)
  .command(inspectCommand as never)
  .command(devicesCommand as never)
  .command(stepsCommand as never)
  .command(keysCommand as never)
  .command(appleCommand as never)
  .command(androidCommand as never)
  .command(reportCommand as never)
  .command(fleetCommand as never)
  .command(traceCommand as never)
  .command(replayCommand as never)
  .example("$0 run scenarios/scep-fleet.yaml", "100 devices enrol by SCEP against the embedded server")
  .example("$0 enroll windows-byod --server https://mdm.example.test --ca ca.pem", "one Windows device against your server, with its transcript")
  .example("$0 trace show run.ndjson --device 'iphone-15#3'", "a device's decoded transcript from a run's --trace")
  .example("$0 <command> --help", "each command's options and examples")
  .epilog("Exit codes: 0 ok, 1 expectation or protocol failure, 2 usage or scenario error, 3 transport failure of a one-device command, 70 internal error, 130/143 run interrupted (README 'Exit codes').")
  .demandCommand(1, "name a command (see --help)")
  .strict()
  .recommendCommands()
  .fail((msg, err) => {
    if (err) printError(err);
    else process.stderr.write(`enrollsim: ${msg}\nRun 'enrollsim --help' for usage.\n`);
    process.exit(err ? exitCodeOf(err) : 2);
  })
  .wrap(Math.min(120, process.stdout.columns || 100)) // the terminal's width (100 when not a terminal), at most 120
  .help()
  .version()
  .parseAsync();
