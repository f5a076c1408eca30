// SPDX-License-Identifier: MIT
/**
 * Up-front capacity check: a scenario asking for more than this process can hold (file
 * descriptors, memory) is refused before any device starts, with the computed need.
 * The per-device figures are measured by bench/memory.mjs (docs/performance.md); they are
 * deliberately rounded up.
 */
import { ScenarioError } from "../errors/index.js";

/** Bytes an enrolled device costs while it idles on its cadence (measured ≈ see docs/performance.md, rounded up). */
export const BYTES_PER_ENROLLED_DEVICE = 12 * 1024;
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
    bytes: BASE_BYTES + d.resident * BYTES_PER_ENROLLED_DEVICE + d.inFlight * BYTES_PER_INFLIGHT_DEVICE,
  };
}

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
      `memory: needs ${mib(need.bytes)} (${mib(BASE_BYTES)} base + ${d.resident} resident devices × ${BYTES_PER_ENROLLED_DEVICE} B + ${d.inFlight} in flight × ${BYTES_PER_INFLIGHT_DEVICE} B), the limit is ${mib(l.maxBytes)} (shard the fleet with --shard i/N)`,
    );
  }
  if (problems.length) throw new ScenarioError(`the scenario needs more than this machine can hold (${l.source}): ${problems.join("; ")}`);
  return need;
}
