// SPDX-License-Identifier: MIT
/**
 * Up-front capacity check: a scenario asking for more than this process can hold (file
 * descriptors, memory) is refused before any device starts, with the computed need.
 * The per-device figures are measured (docs/performance.md) and rounded up.
 */
import { ScenarioError } from "../errors/index.js";

/**
 * RSS an enrolled device costs in the simulator while it checks in on its cadence over real TLS:
 * 30,559 B measured by `bench steady` at 50,000 Apple devices (bench/results/steady-apple-50000.json;
 * docs/performance.md "Steady state over real TLS"), rounded up. The idle synthetic figure
 * (3.4 KB, bench/memory.mjs) is only a lower bound: a run sized on it did not fit.
 */
export const BYTES_PER_ENROLLED_DEVICE = 30 * 1024;
/**
 * What the embedded reference server holds per enrolled device when it shares the process:
 * 15,965 B measured in the same run (its own process there), rounded up.
 */
export const SERVER_BYTES_PER_ENROLLED_DEVICE = 16 * 1024;
/** Bytes of one device mid-enrolment: an open TLS/TCP connection plus protocol buffers (≈ 60 KiB measured for TLS). */
export const BYTES_PER_INFLIGHT_DEVICE = 96 * 1024;
/** Baseline of the process (Node, the embedded server, histograms, key pool). */
export const BASE_BYTES = 192 * 1024 * 1024;
/** File descriptors the process needs besides device sockets (stdio, store, trace, listeners, libuv). */
export const BASE_FDS = 64;

export interface CapacityDemand {
  devices: number;
  /** Enrolments (and check-ins) in flight at once, at most. */
  inFlight: number;
  /** Devices held in memory after enrolment (steady state): all enrolled devices. */
  resident: number;
  /** The embedded server runs in this process: its sockets count too. */
  embeddedServer: boolean;
}

export interface CapacityLimits {
  /** Soft RLIMIT_NOFILE, or undefined when unknown. */
  maxFds?: number;
  /** Bytes the process may use: min(total memory, V8 heap limit + native headroom). */
  maxBytes: number;
  /** What the limits were read from, for the message. */
  source: string;
}

export interface CapacityNeed {
  fds: number;
  bytes: number;
}

export function capacityNeed(d: CapacityDemand): CapacityNeed {
  const sockets = d.inFlight * (d.embeddedServer ? 2 : 1);
  return {
    fds: BASE_FDS + sockets,
    bytes: BASE_BYTES + d.resident * perResident(d) + d.inFlight * BYTES_PER_INFLIGHT_DEVICE,
  };
}

const perResident = (d: CapacityDemand) => BYTES_PER_ENROLLED_DEVICE + (d.embeddedServer ? SERVER_BYTES_PER_ENROLLED_DEVICE : 0);
const mib = (b: number) => `${Math.ceil(b / 1048576)} MiB`;

/** Refuses the run when the need exceeds the limits. */
export function checkCapacity(d: CapacityDemand, l: CapacityLimits): CapacityNeed {
  const need = capacityNeed(d);
  const problems: string[] = [];
  if (l.maxFds !== undefined && need.fds > l.maxFds) {
    problems.push(
      `file descriptors: needs ${need.fds} (${BASE_FDS} base + ${d.inFlight} in-flight device${d.inFlight === 1 ? "" : "s"}${d.embeddedServer ? " × 2 for the embedded server's side" : ""}), the limit is ${l.maxFds} (raise ulimit -n, lower concurrency/maxInFlight, or shard with --shard i/N)`,
    );
  }
  if (need.bytes > l.maxBytes) {
    problems.push(
      `memory: needs ${mib(need.bytes)} (${mib(BASE_BYTES)} base + ${d.resident} resident devices × ${perResident(d)} B${d.embeddedServer ? " (simulator + embedded server)" : ""} + ${d.inFlight} in flight × ${BYTES_PER_INFLIGHT_DEVICE} B), the limit is ${mib(l.maxBytes)} (shard the fleet with --shard i/N)`,
    );
  }
  if (problems.length) throw new ScenarioError(`the scenario needs more than this machine can hold (${l.source}): ${problems.join("; ")}`);
  return need;
}
