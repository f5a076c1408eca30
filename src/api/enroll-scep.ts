// SPDX-License-Identifier: MIT
/**
 * One SCEP enrolment with a fresh key, for the `enrollsim scep` command and for server
 * engineers' own test suites: returns the outcome, the key, and the device's transcript.
 */
import type { ContentCipher, HashAlg, KeyPool, PrivateKey, TlsSettings } from "../ports/index.js";
import type { FlowResult } from "../device/flow.js";
import type { KeyUsage } from "../wire/x509/extensions.js";
import type { PollPolicy } from "../protocol/scep/client.js";
import { createDevice, type VirtualDevice } from "./device.js";
import type { NodeAdapters } from "./environment.js";

export interface EnrollScepOptions {
  url: string;
  challenge?: string;
  subject: string;
  san?: { dns?: string[]; email?: string[]; uri?: string[]; upn?: string[] };
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: string[];
  caFingerprint?: string;
  poll?: Partial<PollPolicy>;
  cipher?: ContentCipher | "auto";
  digest?: HashAlg | "auto";
  renew?: boolean;
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
  const result = await device.run("scep", {
    url: o.url,
    challenge: o.challenge,
    subject: o.subject,
    san: o.san,
    keyUsage: o.keyUsage,
    extendedKeyUsage: o.extendedKeyUsage,
    caFingerprint: o.caFingerprint,
    poll: o.poll,
    cipher: o.cipher,
    digest: o.digest,
    renew: o.renew,
  });
  return { device, result, key: key! };
}
