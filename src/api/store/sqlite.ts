// SPDX-License-Identifier: MIT
/**
 * The fleet store on SQLite (better-sqlite3: synchronous, transactional). WAL journal with
 * synchronous=NORMAL: every committed transaction survives the process being SIGKILLed (the
 * WAL is in the OS page cache); only a power loss may drop the last few commits. The file,
 * its -wal and -shm are mode 0600 because they describe device identities and credentials.
 * A file that is not a fleet store, or fails SQLite's integrity check, raises `store.corrupt`
 * naming the file; it is never reset or overwritten.
 */
import { ioLedger } from "../../ports/io-ledger.js";
import { chmodSync, closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { StoreError } from "../../runner/store/errors.js";
import type { DurablePoint } from "../../ports/checkpoint.js";
import type { AppliedSettings } from "../../device/flow.js";
import { DEVICE_STATES, zeroCounts, type DeviceState, type FleetStore, type ResumeEntry, type StoreMeta, type StoredDevice } from "../../runner/store/types.js";

/**
 * 2 added `devices.checkpoint` (durable protocol points), 3 `devices.resumes` (how each resume
 * continued the device); an older store is migrated when opened for writing.
 */
export const STORE_SCHEMA_VERSION = 4;
const MAGIC = "SQLite format 3\0";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS devices (
  idx INTEGER PRIMARY KEY,
  device TEXT NOT NULL,
  grp TEXT NOT NULL,
  model TEXT NOT NULL,
  platform TEXT NOT NULL,
  flow TEXT NOT NULL,
  identity TEXT NOT NULL,
  key_slot INTEGER NOT NULL,
  key_spki_sha256 TEXT,
  state TEXT NOT NULL CHECK (state IN ('enrolling','enrolled','failed','unenrolled')),
  certificates TEXT,
  chain_pem TEXT,
  server_ids TEXT NOT NULL,
  failure_code TEXT,
  attempts INTEGER NOT NULL,
  enrolled_at INTEGER,
  last_checkin_at INTEGER,
  checkins INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  checkpoint TEXT,
  resumes TEXT,
  applied_settings TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS devices_state ON devices(state);
`;

interface Row {
  idx: number;
  device: string;
  grp: string;
  model: string;
  platform: string;
  flow: string;
  identity: string;
  key_slot: number;
  key_spki_sha256: string | null;
  state: string;
  certificates: string | null;
  chain_pem: string | null;
  server_ids: string;
  failure_code: string | null;
  attempts: number;
  enrolled_at: number | null;
  last_checkin_at: number | null;
  checkins: number;
  updated_at: number;
  checkpoint: string | null;
  resumes: string | null;
  applied_settings: string | null;
}

export interface OpenStoreOptions {
  /** Create the file when missing (run). Default false (fleet commands need an existing store). */
  create?: boolean;
  readonly?: boolean;
}

function corrupt(file: string, why: string, cause?: unknown): StoreError {
  return new StoreError("store.corrupt", `fleet store ${file} is damaged or not a fleet store: ${why}. It was left untouched; move it away or restore a copy (enrollsim never resets a store).`, { cause });
}

export class SqliteFleetStore implements FleetStore {
  private readonly db: Database.Database;
  private readonly putStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly checkpointStmt: Database.Statement;
  private readonly checkinStmt: Database.Statement;
  /** Check-ins not yet committed: index, time, index, time, … (see {@link checkin}). */
  private checkins: number[] = [];
  private group: Promise<void> | undefined;
  private settleGroup: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  private constructor(readonly location: string, db: Database.Database) {
    this.db = db;
    this.putStmt = db.prepare(`INSERT OR REPLACE INTO devices VALUES (@idx,@device,@grp,@model,@platform,@flow,@identity,@key_slot,@key_spki_sha256,@state,@certificates,@chain_pem,@server_ids,@failure_code,@attempts,@enrolled_at,@last_checkin_at,@checkins,@updated_at,@checkpoint,@resumes,@applied_settings)`);
    this.getStmt = db.prepare(`SELECT * FROM devices WHERE idx = ?`);
    this.checkpointStmt = db.prepare(`UPDATE devices SET checkpoint = ?, updated_at = ? WHERE idx = ?`);
    this.checkinStmt = db.prepare(`UPDATE devices SET last_checkin_at = @at, checkins = checkins + 1, updated_at = @at WHERE idx = @idx`);
  }

  /**
   * Opens (or with `create`, creates) a store file.
   * @throws {StoreError} `store.corrupt` naming the file; `store.io` when it cannot be opened.
   */
  static open(file: string, o: OpenStoreOptions = {}): SqliteFleetStore {
    const exists = existsSync(file);
    if (!exists && !o.create) throw new StoreError("store.io", `fleet store ${file} does not exist (a run with --store ${file} creates it)`);
    if (exists) {
      const size = statSync(file).size;
      if (size > 0) {
        const head = Buffer.alloc(16);
        const fd = openSync(file, "r");
        try {
          readSync(fd, head, 0, 16, 0);
        } finally {
          closeSync(fd);
        }
        if (head.toString("latin1") !== MAGIC) throw corrupt(file, "the file does not start with the SQLite header");
      } else if (!o.create) throw corrupt(file, "the file is empty");
    } else {
      closeSync(openSync(file, "a", 0o600));
    }
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: o.readonly ?? false, fileMustExist: true });
    } catch (err) {
      throw new StoreError("store.io", `cannot open fleet store ${file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      db.pragma("busy_timeout = 5000");
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw corrupt(file, `SQLite integrity check says: ${String(check)}`);
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as { name: string }[];
      const names = new Set(tables.map((t) => t.name));
      if (names.size > 0 && (!names.has("meta") || !names.has("devices"))) throw corrupt(file, `unexpected tables ${[...names].join(", ")}`);
      if (names.size === 0 && o.readonly) throw corrupt(file, "it holds no fleet tables");
      // Only now, with the file known to be ours (or new), may anything be written to it.
      if (!o.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
      }
      if (names.size === 0) db.exec(SCHEMA);
    } catch (err) {
      db.close();
      if (err instanceof StoreError) throw err;
      throw corrupt(file, (err as Error).message, err);
    }
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    let meta: StoreMeta | undefined;
    try {
      meta = readMeta(db, file);
    } catch (err) {
      db.close();
      throw err instanceof StoreError ? err : corrupt(file, (err as Error).message, err);
    }
    if (meta && meta.schemaVersion !== STORE_SCHEMA_VERSION) {
      try {
        const older = meta.schemaVersion >= 1 && meta.schemaVersion < STORE_SCHEMA_VERSION;
        if (!older || o.readonly) throw corrupt(file, `schema version ${meta.schemaVersion}, this enrollsim reads ${STORE_SCHEMA_VERSION}${older ? ` (a version-${meta.schemaVersion} store is migrated when opened for writing, e.g. by run --resume)` : ""}`);
        migrate(db);
      } catch (err) {
        db.close();
        if (err instanceof StoreError) throw err;
        throw new StoreError("store.io", `fleet store ${file}: cannot migrate schema ${meta.schemaVersion} to ${STORE_SCHEMA_VERSION}: ${(err as Error).message}`, { cause: err });
      }
    }
    return new SqliteFleetStore(file, db);
  }

  private wrap<T>(what: string, fn: () => T): T {
    if (this.settleGroup && what !== "count check-ins") this.commitCheckins();
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") throw corrupt(this.location, (err as Error).message, err);
      if (err instanceof StoreError) throw err;
      throw new StoreError("store.io", `fleet store ${this.location}: cannot ${what}: ${(err as Error).message}`, { cause: err });
    }
  }

  meta(): StoreMeta | undefined {
    return this.wrap("read the meta table", () => readMeta(this.db, this.location));
  }

  setMeta(meta: StoreMeta): void {
    this.wrap("write the meta table", () => {
      const ins = this.db.prepare(`INSERT OR REPLACE INTO meta VALUES (?, ?)`);
      this.db.transaction(() => {
        for (const [k, v] of Object.entries(meta)) ins.run(k, String(v));
      })();
    });
  }

  get(index: number): StoredDevice | undefined {
    return this.wrap("read a device", () => {
      const r = this.getStmt.get(index) as Row | undefined;
      return r ? this.fromRow(r) : undefined;
    });
  }

  put(d: StoredDevice): void {
    this.wrap("write a device", () => {
      this.putStmt.run({
        idx: d.index,
        device: d.device,
        grp: d.group,
        model: d.model,
        platform: d.platform,
        flow: d.flow,
        identity: d.identity,
        key_slot: d.keySlot,
        key_spki_sha256: d.keySpkiSha256 ?? null,
        state: d.state,
        certificates: d.certificates ? JSON.stringify(d.certificates) : null,
        chain_pem: d.chainPem ?? null,
        server_ids: JSON.stringify(d.serverIds),
        failure_code: d.failureCode ?? null,
        attempts: d.attempts,
        enrolled_at: d.enrolledAt ?? null,
        last_checkin_at: d.lastCheckinAt ?? null,
        checkins: d.checkins,
        updated_at: Math.round(d.updatedAt),
        checkpoint: d.checkpoint ? JSON.stringify(d.checkpoint) : null,
        resumes: d.resumes?.length ? JSON.stringify(d.resumes) : null,
        applied_settings: d.appliedSettings ? JSON.stringify(d.appliedSettings) : null,
      });
    });
  }

  checkpoint(index: number, point: DurablePoint, at: number): void {
    this.wrap("write a checkpoint", () => this.checkpointStmt.run(JSON.stringify(point), Math.round(at), index));
  }

  /**
   * Check-ins are committed in groups: every check-in of one event-loop turn in one transaction, at
   * the end of that turn (`setImmediate`), and before any other read or write of this store, so
   * every reader and every later write sees them in order. A transaction per check-in cost the
   * steady simulator ≈ 4–6 % of its CPU (a WAL commit each, and a checkpoint every 1,000). The
   * returned promise settles when the group is committed, and rejects when it could not be: each
   * check-in of that group is then unrecorded (runner/store/track.ts counts it failed).
   */
  checkin(index: number, at: number): Promise<void> {
    this.checkins.push(index, Math.round(at));
    if (!this.group) {
      // Real work pending: a virtual-time run waits for the commit before it moves time (ports/io-ledger.ts).
      this.group = ioLedger.track("fleet store check-ins", new Promise<void>((resolve, reject) => (this.settleGroup = { resolve, reject })));
      setImmediate(() => this.commitCheckins());
    }
    return this.group;
  }

  /** Commits the pending check-ins now, in one transaction (see {@link checkin}). */
  private commitCheckins(): void {
    const settle = this.settleGroup;
    const pending = this.checkins;
    this.group = undefined;
    this.settleGroup = undefined;
    this.checkins = [];
    if (!settle) return;
    try {
      this.wrap("count check-ins", () =>
        this.db.transaction(() => {
          for (let i = 0; i < pending.length; i += 2) this.checkinStmt.run({ idx: pending[i], at: pending[i + 1] });
        })(),
      );
      settle.resolve();
    } catch (err) {
      settle.reject(err);
    }
  }

  noteResume(index: number, entry: ResumeEntry, replaceLast: boolean): void {
    this.wrap("write a resume", () =>
      this.db.transaction(() => {
        const row = this.db.prepare(`SELECT resumes FROM devices WHERE idx = ?`).get(index) as { resumes: string | null } | undefined;
        if (!row) return;
        const prev = row.resumes ? (JSON.parse(row.resumes) as ResumeEntry[]) : [];
        this.db.prepare(`UPDATE devices SET resumes = ? WHERE idx = ?`).run(JSON.stringify([...prev.slice(0, replaceLast ? -1 : undefined), entry]), index);
      })(),
    );
  }

  list(filter: { state?: DeviceState; limit?: number } = {}): StoredDevice[] {
    return this.wrap("list devices", () => {
      const limit = filter.limit ?? -1;
      const rows = (filter.state
        ? this.db.prepare(`SELECT * FROM devices WHERE state = ? ORDER BY idx LIMIT ?`).all(filter.state, limit)
        : this.db.prepare(`SELECT * FROM devices ORDER BY idx LIMIT ?`).all(limit)) as Row[];
      return rows.map((r) => this.fromRow(r));
    });
  }

  counts(): Record<DeviceState, number> {
    return this.wrap("count devices", () => {
      const c = zeroCounts();
      for (const r of this.db.prepare(`SELECT state, COUNT(*) AS n FROM devices GROUP BY state`).all() as { state: DeviceState; n: number }[]) c[r.state] = r.n;
      return c;
    });
  }

  close(): void {
    if (this.settleGroup && this.db.open) this.commitCheckins();
    if (this.db.open) this.db.close();
  }

  private fromRow(r: Row): StoredDevice {
    if (!DEVICE_STATES.includes(r.state as DeviceState)) throw corrupt(this.location, `device ${r.idx} has state "${r.state}"`);
    const json = <T>(text: string | null, field: string): T | undefined => {
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw corrupt(this.location, `device ${r.idx}: ${field} is not JSON`);
      }
    };
    return {
      index: r.idx,
      device: r.device,
      group: r.grp,
      model: r.model,
      platform: r.platform,
      flow: r.flow,
      identity: r.identity,
      keySlot: r.key_slot,
      ...(r.key_spki_sha256 ? { keySpkiSha256: r.key_spki_sha256 } : {}),
      state: r.state as DeviceState,
      ...(r.certificates ? { certificates: json<{ label: string; pem: string }[]>(r.certificates, "certificates")! } : {}),
      ...(r.chain_pem ? { chainPem: r.chain_pem } : {}),
      serverIds: json<Record<string, string>>(r.server_ids, "server_ids") ?? {},
      ...(r.failure_code ? { failureCode: r.failure_code } : {}),
      attempts: r.attempts,
      ...(r.enrolled_at !== null ? { enrolledAt: r.enrolled_at } : {}),
      ...(r.last_checkin_at !== null ? { lastCheckinAt: r.last_checkin_at } : {}),
      checkins: r.checkins,
      updatedAt: r.updated_at,
      ...(r.checkpoint ? { checkpoint: json<DurablePoint>(r.checkpoint, "checkpoint")! } : {}),
      ...(r.resumes ? { resumes: json<ResumeEntry[]>(r.resumes, "resumes")! } : {}),
      ...(r.applied_settings ? { appliedSettings: json<AppliedSettings>(r.applied_settings, "applied_settings")! } : {}),
    };
  }
}

function readMeta(db: Database.Database, location: string): StoreMeta | undefined {
  const rows = db.prepare(`SELECT key, value FROM meta`).all() as { key: string; value: string }[];
  if (rows.length === 0) return undefined;
  const m = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  const n = (k: string) => {
    const v = Number(m[k]);
    if (!Number.isFinite(v)) throw corrupt(location, `meta.${k} is "${String(m[k])}"`);
    return v;
  };
  if (typeof m.scenario !== "string" || typeof m.seed !== "string") throw corrupt(location, "meta lacks scenario or seed");
  return { scenario: m.scenario, seed: m.seed, shard: m.shard ?? "", createdAt: n("createdAt"), schemaVersion: n("schemaVersion") };
}

/**
 * An older schema to this one in one transaction, adding the columns it lacks, in order: checkpoint
 * (2; empty: a v1 run saved no checkpoints, so its in-flight devices restart), resumes (3; empty: the
 * resumes of earlier runs were not recorded), applied_settings (4; empty: a Windows PC of an earlier run
 * starts its next check-in from the Policy CSP values it enrolled with).
 */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const columns = new Set((db.prepare(`PRAGMA table_info(devices)`).all() as { name: string }[]).map((c) => c.name));
    for (const c of ["checkpoint", "resumes", "applied_settings"]) if (!columns.has(c)) db.exec(`ALTER TABLE devices ADD COLUMN ${c} TEXT`);
    db.prepare(`INSERT OR REPLACE INTO meta VALUES ('schemaVersion', ?)`).run(String(STORE_SCHEMA_VERSION));
  })();
}
