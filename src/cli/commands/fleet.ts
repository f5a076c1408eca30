// SPDX-License-Identifier: MIT
/** `enrollsim fleet ls|checkin|unenroll --store FILE`: work with a persistent fleet. */
import type { Argv } from "yargs";
import { checkinFleet, listFleet, unenrollFleet } from "../../api/fleet.js";
import { ScenarioError } from "../../errors/index.js";
import type { DeviceState } from "../../runner/store/types.js";
import { readTrustFiles, warnInsecure } from "../output.js";

export const fleetCommand = {
  command: "fleet <action>",
  describe: "Work with a persistent fleet store: list devices, check them in, unenrol them",
  builder: (y: Argv) =>
    y
      .example("$0 fleet ls --store fleet.db", "devices in the store with their state")
      .example("$0 fleet checkin --store fleet.db", "every enrolled device checks in once")
      .positional("action", { choices: ["ls", "checkin", "unenroll"], demandOption: true })
      .option("store", { type: "string", demandOption: true, describe: "fleet store FILE written by run --store" })
      .option("state", { choices: ["enrolling", "enrolled", "failed", "unenrolled"], describe: "ls: only devices in this state" })
      .option("limit", { type: "number", describe: "ls: at most this many devices" })
      .option("json", { type: "boolean", default: false, describe: "ls/checkin: JSON on stdout" })
      .option("scenario", { type: "string", describe: "checkin: the scenario file the store was made with (its server and options)" })
      .option("device", { type: "number", array: true, describe: "checkin/unenroll: only these device indices" })
      .option("concurrency", { type: "number", default: 16, describe: "checkin: devices at once" })
      .option("key-pool", { type: "string", describe: "key pool directory" })
      .option("ca", { type: "string", array: true, describe: "PEM file(s) of extra roots every device trusts" })
      .option("insecure", { type: "boolean", default: false, describe: "TEST ONLY: do not verify server TLS certificates" }),
  handler: async (a: {
    action: string;
    store: string;
    state?: DeviceState;
    limit?: number;
    json: boolean;
    scenario?: string;
    device?: number[];
    concurrency: number;
    "key-pool"?: string;
    ca?: string[];
    insecure: boolean;
  }) => {
    const out = process.stdout;
    if (a.action === "ls") {
      const l = listFleet(a.store, { state: a.state, limit: a.limit });
      if (a.json) out.write(`${JSON.stringify(l, null, 2)}\n`);
      else {
        const c = l.counts;
        out.write(`${l.file}: scenario ${l.scenario}, seed ${l.seed}${l.shard ? `, shard ${l.shard}` : ""}\n`);
        out.write(`enrolled ${c.enrolled}, enrolling ${c.enrolling}, failed ${c.failed}, unenrolled ${c.unenrolled}\n`);
        for (const d of l.devices) out.write(`${String(d.index).padStart(7)}  ${d.device.padEnd(28)} ${d.state.padEnd(10)} checkins ${d.checkins}${d.failureCode ? `  ${d.failureCode}` : ""}${d.checkpoint ? `  at ${d.checkpoint}` : ""}${d.resumes ? `  resumed ${d.resumes.map((r) => (r.mode === "restart" ? "restart" : r.state)).join(", ")}` : ""}\n`);
      }
      return;
    }
    if (a.action === "unenroll") {
      const n = unenrollFleet(a.store, a.device);
      out.write(`${n} device(s) marked unenrolled in ${a.store} (local only: SCEP has no unenrolment message)\n`);
      return;
    }
    if (!a.scenario) throw new ScenarioError("fleet checkin needs --scenario FILE (the scenario the store was made with)");
    if (a.insecure) warnInsecure();
    const r = await checkinFleet(a.store, {
      scenario: a.scenario,
      indices: a.device,
      concurrency: a.concurrency,
      keyPoolDir: a["key-pool"],
      trust: readTrustFiles(a.ca),
      insecure: a.insecure,
    });
    if (a.json) out.write(`${JSON.stringify(r)}\n`);
    else {
      out.write(`checked in ${r.ok}/${r.devices} device(s)${Object.keys(r.failed).length ? `; failed: ${JSON.stringify(r.failed)}` : ""}\n`);
      for (const [code, example] of Object.entries(r.examples ?? {})) out.write(`  ${code} ×${r.failed[code]}, e.g. ${example}\n`);
    }
    // Exit 1 when any enrolled device failed its check-in (0 devices: nothing failed).
    process.exitCode = r.ok === r.devices ? 0 : 1;
  },
};
