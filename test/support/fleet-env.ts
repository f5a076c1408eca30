// SPDX-License-Identifier: MIT
/** The FleetEnvironment that fleet tests on virtual time build: no DNS, no transcript, silent log. */
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { silentLogger } from "../../src/ports/index.js";
import type { Clock } from "../../src/ports/clock.js";
import type { CryptoPort } from "../../src/ports/crypto.js";
import type { HttpPort } from "../../src/ports/http.js";
import type { KeyPool } from "../../src/ports/keys.js";
import type { FleetEnvironment } from "../../src/runner/fleet.js";
import { testKeys } from "./scep-harness.js";

/** Everything but the observer; spread it into runFleet's environment and add `observer`. */
export async function testFleetEnv(o: { clock: Clock; http: HttpPort; seed: string; keys?: KeyPool; crypto?: CryptoPort }): Promise<Omit<FleetEnvironment, "observer">> {
  return {
    clock: o.clock,
    crypto: o.crypto ?? new NodeCrypto(),
    http: o.http,
    dns: { resolveCname: async () => [], resolve4: async () => [] },
    keys: o.keys ?? (await testKeys()),
    entropy: new SeededEntropySource(o.seed),
    log: silentLogger,
    transcriptFor: () => ({ record: () => {} }),
  };
}
