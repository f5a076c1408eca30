// SPDX-License-Identifier: MIT
/**
 * Operations on a persistent fleet (`enrollsim fleet ls|checkin|unenroll --store FILE`).
 * Check-in runs each enrolled device's check-in (the flow's hook, or the SCEP stand-in:
 * GetCACaps) against the scenario's server. Unenrol is local: the store marks the device
 * unenrolled (SCEP has no unenrolment message; platforms with one will send it from their hook).
 */
import { withEndpointRoutes } from "../runner/endpoint-routes.js";
import { deviceTimeOf, withDeviceTrust } from "../runner/device-clock.js";
import type { ServerTlsSpec } from "../server/tls-chain.js";
import type { PolicyConfig } from "../server/policy/types.js";
import type { Catalog } from "../device/catalog.js";
import { FLOWS } from "../device/flows/index.js";
import type { DeviceIdentity } from "../device/identity.js";
import type { Logger } from "../ports/index.js";
import { nullTranscript, silentLogger } from "../ports/index.js";
import { ScenarioError, asSimError } from "../errors/index.js";
import { FileKeyPool } from "../platform/node/keypool/index.js";
import { loadCatalog, loadTrustStores } from "../runner/catalog-files.js";
import { checkinFor } from "../runner/checkin.js";
import { deviceFlowOptions } from "../runner/flow-options.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import { StoreError } from "../runner/store/errors.js";
import type { DeviceState, StoredDevice } from "../runner/store/types.js";
import { ReferenceServer, usesMidConnection } from "../server/reference-server.js";
import { nodeAdapters, type NodeAdapters } from "./environment.js";
import { loadScenario } from "./run-scenario.js";
import { runTemplateValues } from "../device/template.js";
import { FleetFaults } from "../runner/faults/plan.js";
import type { HttpRequest } from "../ports/http.js";
import type { FailInfo } from "../wire/scep/vocabulary.js";
import { SqliteFleetStore } from "./store/sqlite.js";

export interface FleetListing {
  file: string;
  scenario: string;
  seed: string;
  shard: string;
  counts: Record<DeviceState, number>;
  devices: (Pick<StoredDevice, "index" | "device" | "platform" | "flow" | "state" | "checkins" | "attempts" | "failureCode" | "serverIds" | "resumes"> & {
    /** The durable state an enrolment in flight saved (its data stays in the store: it may hold a token). */
    checkpoint?: string;
  })[];
}

/** Lists a store (read-only). */
export function listFleet(file: string, o: { state?: DeviceState; limit?: number } = {}): FleetListing {
  const store = SqliteFleetStore.open(file, { readonly: true });
  try {
    const meta = store.meta();
    if (!meta) throw new StoreError("store.corrupt", `fleet store ${file} has no meta record (damaged or not a fleet store)`);
    return {
      file,
      scenario: meta.scenario,
      seed: meta.seed,
      shard: meta.shard,
      counts: store.counts(),
      devices: store.list(o).map((d) => ({ index: d.index, device: d.device, platform: d.platform, flow: d.flow, state: d.state, checkins: d.checkins, attempts: d.attempts, ...(d.failureCode ? { failureCode: d.failureCode } : {}), serverIds: d.serverIds, ...(d.checkpoint ? { checkpoint: d.checkpoint.step } : {}), ...(d.resumes ? { resumes: d.resumes } : {}) })),
    };
  } finally {
    store.close();
  }
}

/** Marks enrolled devices unenrolled (all, or the given indices). Returns how many changed. */
export function unenrollFleet(file: string, indices?: number[], now = Date.now()): number {
  const store = SqliteFleetStore.open(file);
  try {
    const want = indices ? new Set(indices) : undefined;
    let n = 0;
    for (const d of store.list({ state: "enrolled" })) {
      if (want && !want.has(d.index)) continue;
      store.put({ ...d, state: "unenrolled", updatedAt: now });
      n++;
    }
    return n;
  } finally {
    store.close();
  }
}

export interface CheckinFleetOptions {
  /** The scenario the store was made with (its server, groups and options). */
  scenario: string | ResolvedScenario;
  catalog?: Catalog;
  keyPoolDir?: string;
  trust?: string[];
  insecure?: boolean;
  concurrency?: number;
  adapters?: Partial<NodeAdapters>;
  log?: Logger;
  /** Limit to these device indices. */
  indices?: number[];
}

export interface CheckinReport {
  devices: number;
  ok: number;
  failed: Record<string, number>;
  /** One example message per failure code (the first seen), so a count comes with a reason. */
  examples?: Record<string, string>;
}

/** A stored device's identity, or undefined when the store holds no readable one (the check-in then fails with the parse error). */
function storedIdentity(json: string): DeviceIdentity | undefined {
  try {
    return JSON.parse(json) as DeviceIdentity;
  } catch {
    return undefined;
  }
}

/** One check-in for every enrolled device of a store. */
export async function checkinFleet(file: string, o: CheckinFleetOptions): Promise<CheckinReport> {
  const catalog = o.catalog ?? loadCatalog();
  const scenario = typeof o.scenario === "string" ? await loadScenario(o.scenario, catalog) : o.scenario;
  const store = SqliteFleetStore.open(file);
  let server: ReferenceServer | undefined;
  try {
    const meta = store.meta();
    if (!meta) throw new StoreError("store.corrupt", `fleet store ${file} has no meta record`);
    if (meta.scenario !== scenario.name) throw new StoreError("store.mismatch", `${file} belongs to scenario "${meta.scenario}", not "${scenario.name}"`);
    const adapters = nodeAdapters(meta.seed, o.adapters);
    const devices = store.list({ state: "enrolled" }).filter((d) => !o.indices || o.indices.includes(d.index));
    const keys = await FileKeyPool.open({ dir: o.keyPoolDir, spec: "rsa2048", ensure: 1 });
    const trust = [...(o.trust ?? [])];
    let scepUrl: string | undefined;
    let base: { http?: string; https?: string; embedded: boolean };
    if (scenario.server.kind === "embedded") {
      // A new embedded server has a new CA: good enough for the GetCACaps stand-in, not for a real MDM check-in.
      server = await ReferenceServer.start({
        scep: { challenge: scenario.server.scep.challenge },
        platforms: scenario.server.platforms,
        policy: scenario.server.policy as PolicyConfig,
        // The scenario's certificate chains (embedded.tls): its named roots reach the devices' trust as in the run.
        ...(scenario.server.tls ? { tls: scenario.server.tls as ServerTlsSpec, publicRoots: loadTrustStores().roots } : {}),
        ...(usesMidConnection(scenario.faults) ? { midConnection: true } : {}),
      });
      trust.push(server.caPem);
      scepUrl = server.scepUrl;
      base = { ...server.urls, embedded: true };
    } else {
      const b = scenario.server.url.replace(/\/$/, "");
      scepUrl = `${b}/scep`;
      base = { [b.startsWith("https:") ? "https" : "http"]: b, embedded: false };
    }
    const roots = server?.namedRootPems.size ? { catalog: loadTrustStores(), pems: server.namedRootPems } : undefined;
    const report: CheckinReport = { devices: devices.length, ok: 0, failed: {} };
    const log = o.log ?? silentLogger;
    // The scenario's faults apply to these check-ins as to a run's (counters per device, for this pass).
    const faults = new FleetFaults(scenario.faults ?? [], adapters.clock.now(), runTemplateValues({ https: base.https, http: base.http, scepUrl }));
    const scepFailure = server ? (req: HttpRequest, failInfo: string) => server!.scep.failureFor(req, failInfo as FailInfo) : undefined;
    let next = 0;
    const worker = async () => {
      while (next < devices.length) {
        const d = devices[next++]!;
        const group = scenario.groups.find((g) => g.name === d.group);
        let code = "checkin.ok";
        let message: string | undefined;
        const entropy = adapters.entropy.forDevice(0, d.index).fork(`checkin/${d.checkins}`);
        const net = faults.portsFor(
          { index: d.index, id: d.device, platform: d.platform, flow: d.flow, group: d.group },
          // Endpoints with a chain of their own are reached on their listeners, as in a run (runner/endpoint-routes.ts).
          { http: withEndpointRoutes(adapters.http, base), dns: adapters.dns, clock: adapters.clock, transcript: nullTranscript, entropy: entropy.fork("faults"), ...(scepFailure ? { scepFailure } : {}), ...(server?.urls.midConnection ? { midConnection: server.urls.midConnection } : {}) },
        );
        // The device judges the server as in a run: its platform's rules on its clock, and the named roots
        // its store has or its state installed (runner/device-clock.ts). An unreadable identity fails below.
        const stored = storedIdentity(d.identity);
        const port = stored ? withDeviceTrust(net.http, stored, adapters.clock, undefined, roots, undefined, catalog.tlsRenegotiation) : net.http;
        const http = port.client({ tls: { ca: trust, insecure: o.insecure ?? false } });
        try {
          if (!group) throw new ScenarioError(`device ${d.device}: group "${d.group}" is not in scenario ${scenario.name}`);
          const hook = checkinFor(FLOWS[d.flow], d.flow);
          if (!hook) throw new ScenarioError(`flow "${d.flow}" has no check-in`);
          const identity = JSON.parse(d.identity) as DeviceIdentity;
          const protocol = {
            device: d.device, clock: adapters.clock, crypto: adapters.crypto, entropy, http, transcript: nullTranscript, log, current: net.current,
            deviceTime: deviceTimeOf(identity, adapters.clock), // what the device signs is dated on its own clock, as in a run
            timeoutMs: scenario.limits.stepTimeoutMs, maxResponseBytes: scenario.limits.maxResponseBytes, sessionLimits: { commands: scenario.limits.sessionCommands, bytes: scenario.limits.sessionBytes },
          };
          const opts = deviceFlowOptions(group, identity, { scepUrl, server: base }) as { url?: string };
          const out = await hook(
            {
              identity,
              ports: { clock: adapters.clock, crypto: adapters.crypto, entropy, http: port, dns: net.dns, keys, transcript: nullTranscript, log },
              protocol,
              targets: { scepUrl, server: base },
              // Flows that build their own (mTLS) clients take the trust from here, as in a run.
              tls: { ca: trust, insecure: o.insecure ?? false },
            },
            { ...opts, url: scenario.server.kind === "embedded" ? undefined : opts.url } as never,
            { certificates: d.certificates ?? [], serverIds: d.serverIds, ...(d.appliedSettings ? { appliedSettings: d.appliedSettings } : {}) },
          );
          if (!out.ok) {
            code = out.code;
            message = out.message;
          }
        } catch (err) {
          const e = asSimError(err, { device: d.device });
          code = e.code;
          message = e.describe();
        } finally {
          await http.close().catch(() => {});
        }
        if (code === "checkin.ok") report.ok++;
        else {
          report.failed[code] = (report.failed[code] ?? 0) + 1;
          report.examples ??= {};
          report.examples[code] ??= message ?? code;
        }
        const now = adapters.clock.now();
        await store.checkin(d.index, now);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 16) }, worker));
    return report;
  } finally {
    await server?.close();
    store.close();
  }
}
