// SPDX-License-Identifier: MIT
/** Windows device tests: the reference server (loopback-bound for its URLs) reached in memory on a virtual clock. */
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { FlowContext } from "../../../src/device/flow.js";
import type { DeviceState } from "../../../src/device/state.js";
import type { WindowsFlowResult } from "../../../src/device/windows/enrollment.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger, type TranscriptEvent } from "../../../src/ports/index.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import type { PolicyConfigHolder } from "../../../src/server/policy/holder.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import { crypto, testKeys } from "../../support/scep-harness.js";

export const START = Date.UTC(2026, 10, 21, 8);
const catalog = loadCatalog();

export interface WinHarness {
  server: ReferenceServer;
  clock: VirtualClock;
  handler: HttpHandler;
  run(flow: string, options: unknown, index?: number, model?: string, state?: DeviceState): Promise<{ result: WindowsFlowResult; events: TranscriptEvent[] }>;
  /** A device context (same identity as `run` for the same index/model/state), for hooks such as `checkin`. */
  context(index?: number, model?: string, state?: DeviceState): { ctx: FlowContext; events: TranscriptEvent[] };
  close(): Promise<void>;
}

/** `policy`: embedded.policy (a holder to change it during the test). */
export async function windowsHarness(config: unknown = {}, wrap?: (h: HttpHandler) => HttpHandler, policy: PolicyConfig | PolicyConfigHolder = {}): Promise<WinHarness> {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const server = await ReferenceServer.start({ keys: { ca: await keys.rsa(22) }, now: () => clock.now(), platforms: { windows: config }, policy });
  const handler = wrap ? wrap(server.handler) : server.handler;
  const http = new InMemoryHttp({ clock, handler: { [server.urls.https]: handler, [server.urls.http]: handler } });
  const entropy = new SeededEntropySource("windows-tests");
  return {
    server,
    clock,
    handler,
    async run(flow, options, index = 0, model = "windows-11-laptop", state) {
      const { ctx, events } = this.context(index, model, state);
      const result = (await clock.run(FLOWS[flow]!.run(ctx, options as never), 48 * 3_600_000)) as WindowsFlowResult;
      return { result, events };
    },
    context(index = 0, model = "windows-11-laptop", state) {
      const events: TranscriptEvent[] = [];
      // The run's Windows build table, as the runner gives it (what each build sends and shows: devices/windows/builds.yaml).
      const identity = createDeviceIdentity(catalog.get(model), entropy.forDevice(0, index), index, { ...(state ? { state } : {}), windowsBuilds: catalog.windowsBuilds });
      const transcript = { record: (e: TranscriptEvent) => events.push(e) };
      const ctx: FlowContext = {
        identity,
        ports: { clock, crypto, entropy: entropy.forDevice(0, index), http, dns: { resolveCname: async () => [], resolve4: async () => [] }, keys, transcript, log: silentLogger },
        protocol: { device: identity.id, clock, crypto, entropy: entropy.forDevice(0, index), http: http.client(), transcript, log: silentLogger, timeoutMs: 30_000, maxResponseBytes: 1 << 20 },
        targets: { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } },
      };
      return { ctx, events };
    },
    close: () => server.close(),
  };
}
