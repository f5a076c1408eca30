// SPDX-License-Identifier: MIT
/** Wires the Node adapters into the ports a fleet runs on. */
import { NodeCrypto } from "../platform/node/crypto.js";
import { RealClock } from "../platform/node/clock.js";
import { NodeDns } from "../platform/node/dns.js";
import { NodeHttp } from "../platform/node/http.js";
import { SeededEntropySource } from "../platform/node/entropy.js";
import type { Clock, CryptoPort, DnsPort, HttpPort } from "../ports/index.js";

export interface NodeAdapters {
  clock: Clock;
  crypto: CryptoPort;
  http: HttpPort;
  dns: DnsPort;
  entropy: SeededEntropySource;
}

export function nodeAdapters(seed: string, overrides: Partial<NodeAdapters> = {}): NodeAdapters {
  const clock = overrides.clock ?? new RealClock();
  return {
    clock,
    crypto: overrides.crypto ?? new NodeCrypto(),
    http: overrides.http ?? new NodeHttp({ clock }),
    dns: overrides.dns ?? new NodeDns(),
    entropy: overrides.entropy ?? new SeededEntropySource(seed),
  };
}
