// SPDX-License-Identifier: MIT
/**
 * `enrollsim enroll FLOW [--server URL]`: one device runs one flow with a numbered transcript of
 * every exchange. Without --server, the embedded reference server runs in-process.
 */
import { familyOf, stateProblem, type DeviceState } from "../../device/state.js";
import { describeRange, modelsThatRun, osRangeProblem, pinnedRelease, rangeMessage } from "../../device/os-support.js";
import { didYouMean } from "../../errors/suggest.js";
import { loadCatalogWith } from "../../runner/catalog-files.js";
import type { Catalog } from "../../device/catalog.js";
import type { Argv } from "yargs";
import { createDevice } from "../../api/device.js";
import { FLOWS } from "../../device/flows/index.js";
import { ReferenceServer } from "../../server/reference-server.js";
import { ScenarioError } from "../../errors/index.js";
import { withAutopilotProfileFile, withProfileFile } from "../../runner/scenario/read.js";
import { enrollMinutesNote } from "../../runner/device-minutes.js";
import { formatOutcomeLine, runKeepingTranscript } from "./enroll-outcome.js";
import { checkSets } from "./enroll-sets.js";
import { printHints } from "../hints.js";
import { isSensitiveName } from "../../report/redact.js";
import { exitCodeForBlame, readTrustFiles, warnInsecure } from "../output.js";

/** Default catalog model per flow family. */
function defaultModel(flow: string): string {
  if (flow.startsWith("macos-")) return "macbook-air-m3";
  if (flow.startsWith("ios-") || flow.startsWith("ipados-")) return "iphone-15";
  if (flow.startsWith("windows-")) return "windows-11-laptop";
  if (flow.startsWith("android-")) return "pixel-8";
  return "macbook-air-m3";
}

/** `--set a.b=c` pairs into a nested options object (values parsed as JSON when they can be). */
export function parseSets(sets: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new ScenarioError(`--set "${s}" is not KEY=VALUE`);
    const path = s.slice(0, eq).split(".");
    const raw = s.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    let cur = out;
    for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
    cur[path.at(-1)!] = value;
  }
  return out;
}

/** `--set` pairs of the scep flow in a scenario group's shape: keys outside `scep` (flat `challenge=…`) go under it. */
function scepShaped(sets: Record<string, unknown>): Record<string, unknown> {
  const { scep, ...flat } = sets;
  return { scep: { ...flat, ...(scep !== null && typeof scep === "object" ? scep : {}) } };
}

/** Strings under credential-shaped keys (password, token, challenge, …) anywhere in the options. */
function secretsOf(v: unknown, key = ""): string[] {
  if (typeof v === "string") return key && isSensitiveName(key) && v.length >= 3 ? [v] : [];
  if (Array.isArray(v)) return v.flatMap((x) => secretsOf(x, key));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => secretsOf(x, k));
  return [];
}

/** The catalog platform of a model (an unknown model is the catalog's ScenarioError). */
function platformOf(modelId: string, catalog: Catalog): string {
  return catalog.get(modelId).platform;
}

/** `--state` pairs checked against the model's platform vocabulary: a bad key or value is the command line's fault (exit 2). */
function checkedState(state: Record<string, unknown>, modelId: string, catalog: Catalog): DeviceState {
  const model = catalog.get(modelId);
  const problem = stateProblem(state, familyOf(model.platform));
  if (problem) {
    const hint = problem.got !== undefined && problem.candidates ? didYouMean(problem.got, problem.candidates) : "";
    throw new ScenarioError(`--state ${problem.path.join(".") || "(all)"}: ${problem.message}${hint}`, undefined, problem.expected);
  }
  // A release the model never ran is refused as a scenario's group state is (catalog osSupport).
  const pin = pinnedRelease(model.platform, state);
  const off = pin && model.osSupport ? osRangeProblem(model.osSupport, pin.release) : undefined;
  if (pin && off && model.osSupport) {
    const others = modelsThatRun(catalog.list(), model.platform, pin.release, model.id); // pick one with --model
    throw new ScenarioError(`--state ${pin.key}: ${rangeMessage(model.id, model.platform, model.osSupport, `state.${pin.key}`, pin.release, off)}; ${others}`, undefined, describeRange(model.platform, model.osSupport));
  }
  return state as DeviceState;
}

export const enrollCommand = {
  command: "enroll <flow>",
  describe: "Run one device through one enrollment flow with a step-by-step transcript",
  builder: (y: Argv) =>
    y
      .example("$0 enroll ios-profile", "one iPhone enrols against the in-process reference server")
      .example("$0 enroll windows-byod --server https://mdm.example.test --ca ca.pem --set windows.upn=alice@contoso.example.com", "one Windows device against your server")
      .example("$0 enroll scep --server http://127.0.0.1:8080 --set scep.challenge=s3cret", "one SCEP enrolment")
      .positional("flow", { type: "string", demandOption: true, describe: `flow name (${Object.keys(FLOWS).join(", ")})` })
      .option("server", { type: "string", describe: "server base URL (default: the embedded reference server, in-process)" })
      .option("model", { type: "string", describe: "catalog model (default per flow)" })
      .option("devices", { type: "string", describe: "directory of device YAML files that add to or replace the shipped catalog's models" })
      .option("agents", { type: "string", describe: "directory of vendor agent YAML files that add to or replace the shipped agent catalog (agents/README.md)" })
      .option("seed", { type: "string", default: "enroll", describe: "device seed" })
      .option("index", { type: "number", default: 0, describe: "device index (with the seed, fixes the identity)" })
      .option("set", { type: "string", array: true, describe: "flow option KEY=VALUE (dotted keys nest)" })
      .option("state", { type: "string", array: true, describe: "device state KEY=VALUE, as a scenario group's state: (dotted keys nest; JSON values), e.g. tpm.kind=virtual" })
      .option("ca", { type: "string", array: true, describe: "PEM file(s) of extra roots to trust" })
      .option("insecure", { type: "boolean", default: false, describe: "TEST ONLY: do not verify TLS certificates" })
      .option("json", { type: "boolean", default: false, describe: "print result and transcript as JSON" }),
  handler: async (a: { flow: string; server?: string; model?: string; devices?: string; agents?: string; seed: string; index: number; set?: string[]; state?: string[]; ca?: string[]; insecure: boolean; json: boolean }) => {
    if (!FLOWS[a.flow]) throw new ScenarioError(`unknown flow "${a.flow}"; known: ${Object.keys(FLOWS).join(", ")}`);
    const model = a.model ?? defaultModel(a.flow);
    const catalog = loadCatalogWith(a.devices, a.agents);
    const state = a.state?.length ? checkedState(parseSets(a.state), model, catalog) : undefined;
    if (a.insecure) warnInsecure();
    const server = a.server ? undefined : await ReferenceServer.start();
    try {
      const trust = readTrustFiles(a.ca) ?? [];
      if (server) trust.push(server.caPem);
      const device = await createDevice({
        catalog,
        // Every --set value under a credential-shaped key is redacted from the transcript wherever it appears.
        secrets: secretsOf(parseSets(a.set)),
        model,
        ...(state ? { state } : {}),
        seed: a.seed,
        index: a.index,
        tls: { ca: trust, insecure: a.insecure || undefined },
      });
      const base = a.server?.replace(/\/$/, "");
      const targets = server
        ? { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } }
        : { scepUrl: `${base}/scep`, server: { [base!.startsWith("https:") ? "https" : "http"]: base, embedded: false } };
      // The scep flow takes a scenario group's options.scep (`--set scep.challenge=…`); flat keys (`--set challenge=…`) mean the same.
      const parsed = parseSets(a.set);
      const sets = a.flow === "scep" ? scepShaped(parsed) : parsed;
      checkSets(sets, a.flow, model, catalog); // like a scenario file: unknown keys and bad values, every problem at once, with did-you-mean (exit 2)
      const flowSets = a.flow === "scep" ? ((sets.scep ?? {}) as Record<string, unknown>) : sets;
      // options.apple.profileFile: read here (device code does no file I/O), relative to the working directory.
      if (flowSets.apple !== undefined) flowSets.apple = withProfileFile(flowSets.apple, process.cwd(), "--set apple.profileFile");
      if (flowSets.windows !== undefined) flowSets.windows = withAutopilotProfileFile(flowSets.windows, process.cwd(), "--set windows.autopilot.profileFile");
      const minutes = enrollMinutesNote(a.flow, flowSets.windows);
      if (minutes) process.stderr.write(`${minutes}\n`);
      const outcome = await runKeepingTranscript(device, a.flow, { challenge: "enrollsim-challenge", subject: "CN=%SERIAL%,O=enrollsim", ...flowSets }, targets, platformOf(model, catalog));
      if (a.json) process.stdout.write(`${JSON.stringify({ ...outcome, transcript: device.transcript() }, null, 2)}\n`);
      else {
        process.stdout.write(`${device.formatTranscript()}\n\n`);
        process.stdout.write(`${formatOutcomeLine(device.id, outcome)}\n`);
      }
      if (!outcome.ok) await printHints(outcome, { server: a.server, windowsOption: "--set windows.", serverOption: "--server URL" });
      // 0 enrolled; else by blame like every command (README "Exit codes"): 1 protocol outcome or server, 3 transport, 70 our bug.
      process.exitCode = outcome.ok ? 0 : exitCodeForBlame(outcome.blame);
    } finally {
      await server?.close();
    }
  },
};
