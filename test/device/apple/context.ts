// SPDX-License-Identifier: MIT
/** A FlowContext for a device of an AppleWorld (virtual time), for calling hooks such as `checkin` directly. */
import type { VirtualDevice } from "../../../src/api/device.js";
import type { FlowContext } from "../../../src/device/flow.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { silentLogger } from "../../../src/ports/index.js";
import type { TranscriptEvent } from "../../../src/ports/transcript.js";
import { testKeys } from "../../support/scep-harness.js";
import { URLS, crypto, type AppleWorld } from "./harness.js";

export async function createDeviceContext(w: AppleWorld, dev: VirtualDevice, events: TranscriptEvent[] = []): Promise<FlowContext> {
  const entropy = new SeededEntropySource("apple-tests-checkin").forDevice(0, dev.identity.index);
  const transcript = { record: (e: TranscriptEvent) => void events.push(e) };
  return {
    identity: dev.identity,
    ports: { clock: w.clock, crypto, entropy, http: w.http, dns: { resolveCname: async () => [], resolve4: async () => [] }, keys: await testKeys(), transcript, log: silentLogger },
    protocol: { device: dev.id, clock: w.clock, crypto, entropy, http: w.http.client(), transcript, log: silentLogger, timeoutMs: 30_000, maxResponseBytes: 1 << 20 },
    targets: { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } },
  };
}
