// SPDX-License-Identifier: MIT
/** An in-memory Apple world: reference SCEP CA + Apple half on virtual time, and devices. */
import type { DeviceState } from "../../../src/device/state.js";
import { createDevice, type VirtualDevice } from "../../../src/api/device.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import type { CheckpointPort } from "../../../src/ports/index.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { AppleServer, type AppleServerConfig } from "../../../src/server/apple/server.js";
import type { ScepServerConfig } from "../../../src/server/scep/config.js";
import { PolicyEngine } from "../../../src/server/policy/engine.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import type { FlowResult } from "../../../src/device/flow.js";
import { testKeys } from "../../support/scep-harness.js";

export const START = Date.UTC(2026, 10, 21, 12);
export const URLS = { http: "http://ref.test", https: "https://ref.test" };
export const crypto = new NodeCrypto();

export interface AppleWorld {
  clock: VirtualClock;
  ref: ReferenceServer;
  apple: AppleServer;
  http: InMemoryHttp;
  device(model: string, index?: number, state?: DeviceState, checkpoint?: CheckpointPort): Promise<VirtualDevice>;
  run(dev: VirtualDevice, flow: string, options?: Record<string, unknown>): Promise<FlowResult>;
}

export async function appleWorld(config: Partial<AppleServerConfig> = {}, scep: Partial<ScepServerConfig> = {}, wrap?: (h: HttpHandler) => HttpHandler, policy?: PolicyConfig): Promise<AppleWorld> {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(7) }, now: () => clock.now(), scep, crypto });
  const apple = new AppleServer({ crypto, now: () => clock.now(), scep: ref.scep, urls: () => URLS, config, ...(policy ? { policy: new PolicyEngine(policy, () => clock.now()) } : {}) }, config);
  await apple.warm();
  const https: HttpHandler = (req) => (/^\/(apple\/|\.well-known\/com\.apple\.remotemanagement)/.test(new URL(req.url).pathname) ? apple.handler(req) : ref.handler(req));
  const http = new InMemoryHttp({ clock, handler: { [URLS.http]: ref.handler, [URLS.https]: wrap ? wrap(https) : https } });
  return {
    clock,
    ref,
    apple,
    http,
    device: async (model, index = 0, state, checkpoint) => createDevice({ model, index, seed: "apple-tests", keys, adapters: { clock, http, crypto }, ...(state ? { state } : {}), ...(checkpoint ? { checkpoint } : {}) }),
    run: (dev, flow, options = {}) => clock.run(dev.run(flow, options, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }), 24 * 3_600_000),
  };
}
