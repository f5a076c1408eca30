// SPDX-License-Identifier: MIT
/**
 * Test support for the timeline tests: a scenario's SCEP fleet run on virtual time against the
 * reference server's handler in memory, with the timeline wired into the fleet's observer.
 */
import { createTimeline, timelineClock } from "../../../src/api/timeline.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger } from "../../../src/ports/index.js";
import type { TranscriptEntry } from "../../../src/ports/transcript.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import type { CheckinSample, DeviceResult, StepSample } from "../../../src/runner/observer.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { testKeys } from "../../support/scep-harness.js";

export const catalog = loadCatalog();
export const START = Date.UTC(2026, 10, 21, 8);
export const ctx = { modelIds: catalog.ids(), flows: ["scep"] };

export async function runTimeline(yaml: string) {
  const s = parseScenario(yaml, "timeline-test.yaml", ctx);
  const base = new VirtualClock(START);
  const clock = timelineClock(s, base);
  const keys = await testKeys();
  const server = await ReferenceServer.create({ now: () => clock.now(), keys: { ca: await keys.rsa(9) }, ...(s.embedded?.scep ? { scep: s.embedded.scep as never } : {}) });
  const http = new InMemoryHttp({ clock: base, handler: { "http://ca.test": server.handler } });
  const entropy = new SeededEntropySource(s.seed);
  const notes: TranscriptEntry[] = [];
  const transcriptFor = () => ({ record: (e: TranscriptEntry) => void notes.push(e) });
  const timeline = createTimeline(s, catalog, { clock, entropy, log: silentLogger }, server, transcriptFor)!;
  const results: DeviceResult[] = [];
  const checkins: CheckinSample[] = [];
  const steps: (StepSample & { at: number })[] = [];
  const done = runFleet(
    s,
    catalog,
    {
      clock,
      crypto: new NodeCrypto(),
      http,
      dns: { resolveCname: async () => [], resolve4: async () => [] },
      keys,
      entropy,
      log: silentLogger,
      transcriptFor,
      observer: {
        onStep: (x) => (steps.push({ ...x, at: clock.now() - START }), timeline.onStep(x)),
        onDeviceStart: (d, i) => timeline.onDeviceStart(d, i),
        onDeviceEnd: (r) => (results.push(r), timeline.onDeviceEnd(r)),
        onCheckin: (c) => void checkins.push(c),
      },
    },
    { targets: { scepUrl: "http://ca.test/scep" }, timeline, onFlowResult: (d, r) => timeline.onFlowResult(d, r), ...(s.load ? { load: s.load } : {}) },
  );
  await base.run(done, 48 * 3_600_000);
  const byIndex = (i: number) => results.find((r) => r.index === i)!;
  return { s, base, clock, server, results, byIndex, steps, notes, checkins, actions: timeline.report() };
}
