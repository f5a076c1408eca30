// SPDX-License-Identifier: MIT
/** Runs Android flows on virtual time against an in-memory reference server (or any handler). */
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import type { AgentCatalog } from "../../../src/device/agents.js";
import type { DeviceState } from "../../../src/device/state.js";
import { androidFlows } from "../../../src/device/android/flows.js";
import type { FlowResult } from "../../../src/device/flow.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { silentLogger } from "../../../src/ports/index.js";
import type { TranscriptEvent } from "../../../src/ports/transcript.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { Redactor } from "../../../src/report/redact.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import type { AndroidHalf } from "../../../src/server/android/half.js";
import { crypto, testKeys } from "../../support/scep-harness.js";

export const START = Date.UTC(2026, 10, 21, 12);
export const BASE = "https://mdm.test";
const catalog = loadCatalog();

export async function androidServer(android: unknown = {}, clock?: VirtualClock, policy?: PolicyConfig): Promise<{ server: ReferenceServer; half: AndroidHalf }> {
  const keys = await testKeys();
  // embedded.android.workspaceOne is the tenant's old key: the scenario loader moves it to embedded.policy.workspaceOne (resolve.ts); so does this harness.
  const ws1 = (android as { workspaceOne?: PolicyConfig["workspaceOne"] }).workspaceOne;
  if (ws1) policy = { ...policy, workspaceOne: ws1 };
  const server = await ReferenceServer.create({ keys: { ca: await keys.rsa(22) }, now: clock ? () => clock.now() : () => START, platforms: { android }, ...(policy ? { policy } : {}) });
  const half = server.halves.find((h) => h.name === "android") as unknown as AndroidHalf;
  return { server, half };
}

export interface FlowRunOut {
  result?: FlowResult;
  error?: unknown;
  events: TranscriptEvent[];
  steps: { step: string; ok: boolean; ms: number }[];
  clock: VirtualClock;
}

export async function runAndroidFlow(
  flow: string,
  options: Record<string, unknown>,
  handler: HttpHandler,
  {
    model = "pixel-8",
    index = 0,
    timeoutMs = 10_000,
    clock = new VirtualClock(START),
    maxResponseBytes = 1 << 20,
    secrets = [] as string[],
    state = undefined as DeviceState | undefined,
    gate = undefined as ((step: string) => Promise<void>) | undefined,
    disk = undefined as Map<string, unknown> | undefined,
    agents = undefined as AgentCatalog | undefined,
  } = {},
): Promise<FlowRunOut> {
  const http = new InMemoryHttp({ clock, handler });
  const entropy = new SeededEntropySource("android-tests").forDevice(0, index);
  const identity = createDeviceIdentity(catalog.get(model), entropy, index, state ? { state } : {});
  const events: TranscriptEvent[] = [];
  const redactor = new Redactor();
  for (const s of secrets) redactor.addSecret(s);
  const transcript = { record: (e: TranscriptEvent) => events.push(redactor.redactEvent(e)) };
  const steps: FlowRunOut["steps"] = [];
  const protocol: ProtocolContext = {
    device: identity.id,
    clock,
    crypto,
    entropy,
    http: http.client(),
    transcript,
    log: silentLogger,
    timeoutMs,
    maxResponseBytes,
    onStep: (s) => steps.push(s),
    ...(gate ? { gate } : {}),
  };
  const keys = await testKeys();
  const run = androidFlows[flow]!.run(
    {
      identity,
      ports: { clock, crypto, entropy, http, dns: { resolveCname: async () => [], resolve4: async () => [] }, keys, transcript, log: silentLogger },
      protocol,
      targets: { server: { https: BASE, embedded: true } },
      agents: agents ?? catalog.agents,
      setupTexts: catalog.setupTexts,
      ...(disk ? { disk } : {}),
    },
    { android: options } as never,
  );
  try {
    return { result: await clock.run(run, 24 * 3_600_000), events, steps, clock };
  } catch (error) {
    return { error, events, steps, clock };
  }
}
