// SPDX-License-Identifier: MIT
/** `enrollsim keys pregen`: fill the persistent key pool ahead of a load run. */
import type { Argv } from "yargs";
import { pregenKeys, defaultPoolDir } from "../../platform/node/keypool/index.js";

export const keysCommand = {
  command: "keys <action>",
  describe: "Manage the persistent pre-generated key pool",
  builder: (y: Argv) =>
    y
      .example("$0 keys pregen --count 2000", "fill the persistent key pool before a 2,000-device load run")
      .positional("action", { choices: ["pregen"], demandOption: true })
      .option("count", { type: "number", demandOption: true, describe: "keys the pool must hold" })
      .option("spec", { choices: ["rsa2048", "rsa3072", "rsa4096", "ec-p256", "ec-p384"], default: "rsa2048" })
      .option("dir", { type: "string", describe: `pool directory (default ${defaultPoolDir()})` })
      .option("workers", { type: "number", describe: "worker threads (default min(2, cores))" }),
  handler: async (a: { count: number; spec: string; dir?: string; workers?: number }) => {
    const err = process.stderr;
    let last = 0;
    const r = await pregenKeys({
      dir: a.dir,
      spec: a.spec as "rsa2048",
      count: a.count,
      workers: a.workers,
      onProgress: (done, total) => {
        const now = Date.now();
        if (done === total || now - last > (err.isTTY ? 100 : 5000)) {
          last = now;
          err.write(err.isTTY ? `\rgenerating ${a.spec}: ${done}/${total}` : `generating ${a.spec}: ${done}/${total}\n`);
        }
      },
    });
    if (err.isTTY) err.write("\n");
    process.stdout.write(`${r.file}: ${r.before} → ${r.after} keys (${(r.generatedMs / 1000).toFixed(1)} s)\n`);
  },
};
