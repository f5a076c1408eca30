// SPDX-License-Identifier: MIT
/**
 * The MDM server's ADE device list, synced from a stand-in for Apple Business/School Manager
 * (field failure apple-ade-deleted-device-reappears; always kept by the Apple half).
 *
 * - ABM side: a serial is assigned to this MDM server once the cloud-configuration stand-in has
 *   served it (an unassigned device never gets that far); assignments stay until released in ABM.
 * - MDM side: `records` is the server's list of ADE devices. A delta sync adds newly assigned
 *   devices; deleting a record on the MDM server (timeline `deleteRecords`, or
 *   `DELETE /apple/api/ade/devices/<serial>`) removes it from the list only — the ABM assignment
 *   is untouched. A full sync (every 7 days on the server clock, Apple's full-sync limit, run
 *   lazily when a request comes; timeline `resync` or `POST /apple/api/ade/sync` for the admin's
 *   manual one) re-reads every assignment and re-creates the records of devices still assigned:
 *   the deleted record reappears.
 * - The ADE enrollment URL refuses a device that is assigned but has no record (403
 *   DEVICE_NOT_FOUND), as servers that assign enrollment profiles from their ADE device list do.
 */
import type { HttpResponse } from "../../ports/http.js";

/** Full sync cadence (server clock): 7 days. */
const FULL_SYNC_MS = 7 * 86_400_000;

export interface AdeRecord {
  serial: string;
  /** How the record got into the list. */
  source: "delta-sync" | "full-sync";
  syncedAt: number;
  /** Re-created by a full sync after the record had been deleted on the server. */
  reappeared: boolean;
}

const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(v, null, 1))), url: "" });

export class AbmSync {
  private readonly assigned = new Set<string>();
  private readonly deleted = new Set<string>();
  readonly records = new Map<string, AdeRecord>();
  private lastFullSync: number;
  private started = false;
  readonly stats = { fullSyncs: 0, deletions: 0, reappeared: 0, refused: 0 };

  constructor(private readonly now: () => number) {
    this.lastFullSync = now();
  }

  private get fullSyncMs(): number {
    return FULL_SYNC_MS;
  }

  /** The cloud-configuration stand-in served this serial: it is assigned in ABM; a delta sync lists it unless deleted on the server. */
  assign(serial: string): void {
    if (this.assigned.has(serial)) return;
    this.assigned.add(serial);
    if (!this.deleted.has(serial)) this.records.set(serial, { serial, source: "delta-sync", syncedAt: this.now(), reappeared: false });
  }

  /** Deletes a record on the MDM server (the ABM assignment stays). */
  delete(serial: string): boolean {
    if (!this.records.delete(serial)) return false;
    this.deleted.add(serial);
    this.stats.deletions++;
    return true;
  }

  /**
   * The admin deletes the record of a device of the run that has not asked for its cloud
   * configuration yet (timeline `deleteRecords` before the device is set up): it is assigned in ABM
   * and was listed by a delta sync; the record goes, the assignment stays.
   */
  deleteBeforeSetup(serial: string): boolean {
    if (this.assigned.has(serial)) return this.delete(serial);
    this.assigned.add(serial);
    this.deleted.add(serial);
    this.stats.deletions++;
    return true;
  }

  /** A full sync: every device still assigned in ABM gets its record back. */
  fullSync(): void {
    const now = this.now();
    this.lastFullSync = now;
    this.stats.fullSyncs++;
    for (const serial of this.assigned) {
      if (this.records.has(serial)) continue;
      const reappeared = this.deleted.delete(serial);
      if (reappeared) this.stats.reappeared++;
      this.records.set(serial, { serial, source: "full-sync", syncedAt: now, reappeared });
    }
  }

  /** Runs the full sync when it is due. */
  tick(): void {
    if (this.now() - this.lastFullSync >= this.fullSyncMs) this.fullSync();
  }

  /** ADE enrollment gate: undefined when the server lists the device, else the 403. */
  gate(serial: string | undefined): HttpResponse | undefined {
    this.tick();
    // Devices whose cloud configuration did not come from the stand-in (given in the scenario) are not in ABM here.
    if (!serial || this.records.has(serial) || !this.assigned.has(serial)) return undefined;
    this.stats.refused++;
    const next = Math.max(0, Math.ceil((this.lastFullSync + this.fullSyncMs - this.now()) / 1000));
    return json(403, {
      code: "DEVICE_NOT_FOUND",
      message: `This device is not in the server's list of ADE devices (deleted on the MDM server; still assigned in Apple Business Manager, it reappears after the next full sync, due in ${next} s).`,
    });
  }

  /** GET /apple/api/ade/devices, DELETE /apple/api/ade/devices/<serial>, POST /apple/api/ade/sync. */
  api(method: string, path: string): HttpResponse | undefined {
    if (path === "/apple/api/ade/devices" && method === "GET") {
      this.tick();
      return json(200, { records: [...this.records.values()], stats: this.stats });
    }
    const m = /^\/apple\/api\/ade\/devices\/([^/]+)$/.exec(path);
    if (m && method === "DELETE") return this.delete(decodeURIComponent(m[1]!).toUpperCase()) ? json(200, { deleted: true }) : json(404, { deleted: false });
    if (path === "/apple/api/ade/sync" && method === "POST") {
      this.fullSync();
      return json(200, { records: this.records.size, stats: this.stats });
    }
    return undefined;
  }
}
