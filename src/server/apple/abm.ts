// SPDX-License-Identifier: MIT
/**
 * The MDM server's ADE device list, synced from a stand-in for Apple Business/School Manager
 * (`embedded.apple.abm`, field failure apple-ade-deleted-device-reappears).
 *
 * - ABM side: a serial is assigned to this MDM server once the cloud-configuration stand-in has
 *   served it (an unassigned device never gets that far); assignments stay until released in ABM.
 * - MDM side: `records` is the server's list of ADE devices. A delta sync adds newly assigned
 *   devices; deleting a record on the MDM server (`deletedOnServer`, or
 *   `DELETE /apple/api/ade/devices/<serial>`) removes it from the list only — the ABM assignment
 *   is untouched. A full sync (every `fullSyncSeconds` on the server clock, run lazily when a
 *   request comes; or `POST /apple/api/ade/sync`) re-reads every assignment and re-creates
 *   the records of devices still assigned: the deleted record reappears.
 * - The ADE enrollment URL refuses a device that has no record (403 DEVICE_NOT_FOUND), as
 *   servers that assign enrollment profiles from their ADE device list do.
 */
import type { HttpResponse } from "../../ports/http.js";

export interface AbmConfig {
  /**
   * The admin deleted the ADE device records on this server right after the last full sync (the
   * full-sync clock starts when the first device is assigned); ABM still assigns the devices.
   */
  deletedOnServer?: boolean;
  /** Full sync cadence (server clock; default 604800 = 7 days). */
  fullSyncSeconds?: number;
}

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

  constructor(
    private readonly config: AbmConfig,
    private readonly now: () => number,
  ) {
    this.lastFullSync = now();
  }

  private get fullSyncMs(): number {
    return (this.config.fullSyncSeconds ?? 604_800) * 1000;
  }

  /** The cloud-configuration stand-in served this serial: it is assigned in ABM; a delta sync lists it unless deleted on the server. */
  assign(serial: string): void {
    if (this.assigned.has(serial)) return;
    if (!this.started && this.config.deletedOnServer) this.lastFullSync = this.now();
    this.started = true;
    this.assigned.add(serial);
    if (this.config.deletedOnServer) this.deleted.add(serial);
    else this.records.set(serial, { serial, source: "delta-sync", syncedAt: this.now(), reappeared: false });
  }

  /** Deletes a record on the MDM server (the ABM assignment stays). */
  delete(serial: string): boolean {
    if (!this.records.delete(serial)) return false;
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
    if (serial && this.records.has(serial)) return undefined;
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
