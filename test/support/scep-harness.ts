// SPDX-License-Identifier: MIT
/** Shared set-up for SCEP client tests: a device context over any HTTP port and clock. */
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { FileKeyPool } from "../../src/platform/node/keypool/index.js";
import type { Clock, HttpPort, TranscriptEvent } from "../../src/ports/index.js";
import { silentLogger } from "../../src/ports/index.js";
import type { ProtocolContext } from "../../src/protocol/common/context.js";
import { ScepClient, type ScepClientOptions } from "../../src/protocol/scep/client.js";
import { buildCsr } from "../../src/wire/x509/pkcs10.js";

export const crypto = new NodeCrypto();

let pool: Promise<FileKeyPool> | undefined;
/** The test key pool (filled by test/support/global-setup.ts). */
export const testKeys = (): Promise<FileKeyPool> => (pool ??= FileKeyPool.open({ ensure: 8 }));

export interface Harness {
  ctx: ProtocolContext;
  events: TranscriptEvent[];
  steps: { step: string; ms: number; ok: boolean }[];
  client: ScepClient;
  enrollArgs(challenge?: string, subject?: string, slot?: number): Promise<{ csr: Uint8Array; key: Awaited<ReturnType<FileKeyPool["rsa"]>> }>;
}

export function harness(http: HttpPort, clock: Clock, options: ScepClientOptions, device = "test#0", timeoutMs = 5_000): Harness {
  const events: TranscriptEvent[] = [];
  const steps: Harness["steps"] = [];
  const ctx: ProtocolContext = {
    device,
    clock,
    crypto,
    entropy: new SeededEntropySource("scep-tests").forDevice(0, 0),
    http: http.client(),
    transcript: { record: (e) => events.push(e) },
    log: silentLogger,
    timeoutMs,
    maxResponseBytes: 1 << 20,
    onStep: (s) => steps.push(s),
  };
  return {
    ctx,
    events,
    steps,
    client: new ScepClient(ctx, options),
    async enrollArgs(challenge = "enrollsim-challenge", subject = "CN=device-1,O=enrollsim", slot = 0) {
      const key = await (await testKeys()).rsa(slot);
      return { key, csr: buildCsr({ subject, challengePassword: challenge }, key, "sha256", crypto) };
    },
  };
}
