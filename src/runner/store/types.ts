// SPDX-License-Identifier: MIT
/**
 * The persistent fleet store port: what a later run needs to continue, check in, or unenrol
 * the same devices. Implementations are synchronous and every write is one transaction, so a
 * process killed at any instant leaves every device either before or after a state change.
 * The SQLite implementation lives in api/store/sqlite.ts; {@link MemoryFleetStore} is for tests.
 */

import type { DurablePoint, ResumeMode } from "../../ports/checkpoint.js";
import type { AppliedSettings } from "../../device/flow.js";

/** Lifecycle of one device in the store. */
export type DeviceState = "enrolling" | "enrolled" | "failed" | "unenrolled";

export const DEVICE_STATES: readonly DeviceState[] = ["enrolling", "enrolled", "failed", "unenrolled"];

export interface StoredDevice {
  /** Run-wide device index (stable for a scenario + seed). */
  index: number;
  /** "<model>#<index>". */
  device: string;
  group: string;
  model: string;
  platform: string;
  flow: string;
  /** The DeviceIdentity as JSON (serial, UDID, IMEI, MACs, Windows and Android ids). */
  identity: string;
  /** Key-pool slot of the device key, and SHA-256 (hex) of its SubjectPublicKeyInfo when known. */
  keySlot: number;
  keySpkiSha256?: string;
  state: DeviceState;
  /** Issued certificates (PEM, leaf first per label) and the CA chain, once enrolled. */
  certificates?: { label: string; pem: string }[];
  chainPem?: string;
  /** Ids the server gave the device (certificate serial, enrollment id, …). */
  serverIds: Record<string, string>;
  /** Settings the device keeps from its server between check-ins (Windows Policy CSP values), as of its last check-in that changed them. */
  appliedSettings?: AppliedSettings;
  failureCode?: string;
  /** Attempts to enrol (a resumed device that was mid-enrolment when killed counts twice). */
  attempts: number;
  enrolledAt?: number;
  lastCheckinAt?: number;
  checkins: number;
  updatedAt: number;
  /** Last durable protocol point of an enrolment in flight (cleared when it ends): what a resumed run continues from. */
  checkpoint?: DurablePoint;
  /**
   * Every time a run continued this device after a previous run died with it in flight: from a
   * checkpoint (with its state) or from the start (`restart`: the server may hold a second record).
   * A `restart` is written when the device starts and replaced if its flow continues from the
   * checkpoint, so a kill in between counts it as a restart, never as nothing.
   */
  resumes?: ResumeEntry[];
}

export interface ResumeEntry {
  at: number;
  mode: ResumeMode;
  /** The checkpoint's state it continued from (mode checkpoint). */
  state?: string;
  /** Why a saved checkpoint could not be used (mode restart). */
  why?: string;
}

/** What the store was created for; a resume must match it. */
export interface StoreMeta {
  scenario: string;
  seed: string;
  /** "i/N", or "" for an unsharded run. */
  shard: string;
  createdAt: number;
  schemaVersion: number;
}

export interface FleetStore {
  /** File the store lives in ("" in memory): error messages name it. */
  readonly location: string;
  meta(): StoreMeta | undefined;
  setMeta(meta: StoreMeta): void;
  get(index: number): StoredDevice | undefined;
  /** Inserts or replaces one device, in one transaction. */
  put(device: StoredDevice): void;
  /** Sets one device's checkpoint (one small transaction; the row exists: `put` wrote it first). */
  checkpoint(index: number, point: DurablePoint, at: number): void;
  /**
   * Counts one steady-state check-in of a device (`checkins` + 1, `lastCheckinAt` and `updatedAt` =
   * `at`), in one small transaction; nothing when the device has no row. A check-in changes only
   * these fields, so the row is not read and rewritten whole (a 5 KB row, at every check-in).
   * A store may commit check-ins in groups: it then returns a promise that settles when this one is
   * committed (rejected: it is not recorded), and any later read or write of the store sees it.
   */
  checkin(index: number, at: number): void | Promise<void>;
  /** Appends to one device's resume history, or replaces its last entry (`replaceLast`: this run's provisional restart). */
  noteResume(index: number, entry: ResumeEntry, replaceLast: boolean): void;
  /** Devices ordered by index, optionally only in one state. */
  list(filter?: { state?: DeviceState; limit?: number }): StoredDevice[];
  counts(): Record<DeviceState, number>;
  close(): void;
}

/** An empty counts record. */
export function zeroCounts(): Record<DeviceState, number> {
  return { enrolling: 0, enrolled: 0, failed: 0, unenrolled: 0 };
}

/** In-memory store with the same semantics (tests, dry runs). */
export class MemoryFleetStore implements FleetStore {
  readonly location = "";
  private readonly rows = new Map<number, StoredDevice>();
  private m: StoreMeta | undefined;

  meta(): StoreMeta | undefined {
    return this.m ? { ...this.m } : undefined;
  }
  setMeta(meta: StoreMeta): void {
    this.m = { ...meta };
  }
  get(index: number): StoredDevice | undefined {
    const r = this.rows.get(index);
    return r ? structuredClone(r) : undefined;
  }
  put(device: StoredDevice): void {
    this.rows.set(device.index, structuredClone(device));
  }
  checkpoint(index: number, point: DurablePoint, at: number): void {
    const r = this.rows.get(index);
    if (r) Object.assign(r, { checkpoint: structuredClone(point), updatedAt: at });
  }
  checkin(index: number, at: number): void {
    const r = this.rows.get(index);
    if (r) Object.assign(r, { lastCheckinAt: at, checkins: r.checkins + 1, updatedAt: at });
  }
  noteResume(index: number, entry: ResumeEntry, replaceLast: boolean): void {
    const r = this.rows.get(index);
    if (r) r.resumes = [...(r.resumes ?? []).slice(0, replaceLast ? -1 : undefined), { ...entry }];
  }
  list(filter: { state?: DeviceState; limit?: number } = {}): StoredDevice[] {
    const out = [...this.rows.values()].filter((r) => !filter.state || r.state === filter.state).sort((a, b) => a.index - b.index);
    return (filter.limit !== undefined ? out.slice(0, filter.limit) : out).map((r) => structuredClone(r));
  }
  counts(): Record<DeviceState, number> {
    const c = zeroCounts();
    for (const r of this.rows.values()) c[r.state]++;
    return c;
  }
  close(): void {}
}
