// SPDX-License-Identifier: MIT
/**
 * One SCEP enrolment with a fresh key, for the `enrollsim scep` command and for server
 * engineers' own test suites: returns the outcome, the key, and the device's transcript.
 */
import type { KeyPool, PrivateKey, TlsSettings } from "../ports/index.js";
import type { FlowResult } from "../device/flow.js";
import type { ScepEnrollmentOptions } from "../device/behaviors/scep-enrollment.js";
import { createDevice, type VirtualDevice } from "./device.js";
import type { NodeAdapters } from "./environment.js";

export interface EnrollScepOptions extends ScepEnrollmentOptions {
  /** Catalog model the device pretends to be (default macbook-air-m3). */
  model?: string;
  seed?: string;
  tls?: TlsSettings;
  timeoutMs?: number;
  /** Key to enrol; default a fresh native RSA-2048 key (one-off, so no pool is needed). */
  key?: PrivateKey;
  adapters?: Partial<NodeAdapters>;
}

export interface EnrollScepResult {
  device: VirtualDevice;
  result: FlowResult;
  key: PrivateKey;
}

export async function enrollScepOnce(o: EnrollScepOptions): Promise<EnrollScepResult> {
  let key = o.key;
  const keys: KeyPool = {
    size: 1,
    rsa: async () => {
      if (!key) {
        const { NodeCrypto } = await import("../platform/node/crypto.js");
        key = await (o.adapters?.crypto ?? new NodeCrypto()).generateKey("rsa2048");
      }
      return key;
    },
  };
  const device = await createDevice({
    model: o.model ?? "macbook-air-m3",
    seed: o.seed ?? "cli",
    keys,
    tls: o.tls,
    timeoutMs: o.timeoutMs,
    adapters: o.adapters,
    secrets: o.challenge ? [o.challenge] : [],
  });
  const { model: _m, seed: _s, tls: _t, timeoutMs: _to, key: _k, adapters: _a, ...flowOptions } = o;
  const result = await device.run("scep", flowOptions as unknown as Record<string, unknown>);
  return { device, result, key: key! };
}
