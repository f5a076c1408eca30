// SPDX-License-Identifier: MIT
/**
 * The ports a device and its protocol clients run on. Protocol code receives these and never
 * imports node:* or network libraries itself (enforced by test/architecture.test.ts).
 */
import type { Clock } from "./clock.js";
import type { CryptoPort } from "./crypto.js";
import type { DnsPort } from "./dns.js";
import type { Entropy } from "./entropy.js";
import type { HttpPort } from "./http.js";
import type { KeyPool } from "./keys.js";
import type { Logger } from "./log.js";
import type { StoragePort } from "./storage.js";
import type { TranscriptSink } from "./transcript.js";

export type { Clock, Timer } from "./clock.js";
export type { CryptoPort, PrivateKey, HashAlg, ContentCipher, KeySpec } from "./crypto.js";
export type { DnsPort } from "./dns.js";
export type { Entropy, EntropySource } from "./entropy.js";
export type { HttpPort, HttpClient, HttpRequest, HttpResponse, HttpClientOptions, TlsSettings, HttpHandler } from "./http.js";
export type { KeyPool } from "./keys.js";
export type { Logger } from "./log.js";
export type { StoragePort } from "./storage.js";
export type { TranscriptSink, TranscriptEvent } from "./transcript.js";
export type { CheckpointPort, DurablePoint, DurableValue, ResumeMode } from "./checkpoint.js";
export { nullTranscript } from "./transcript.js";
export { silentLogger } from "./log.js";

/** Everything one simulated device is given. */
export interface DevicePorts {
  clock: Clock;
  crypto: CryptoPort;
  entropy: Entropy;
  http: HttpPort;
  dns: DnsPort;
  storage?: StoragePort;
  keys: KeyPool;
  transcript: TranscriptSink;
  log: Logger;
}
