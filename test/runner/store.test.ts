// SPDX-License-Identifier: MIT
/** The SQLite fleet store: round trip, file modes, corruption detection (never a silent reset). */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteFleetStore, STORE_SCHEMA_VERSION } from "../../src/api/store/sqlite.js";
import { StoreError } from "../../src/runner/store/errors.js";
import { MemoryFleetStore, type FleetStore, type StoredDevice } from "../../src/runner/store/types.js";
import { storeCheckin } from "../../src/runner/store/track.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-store-"));
const device = (index: number, over: Partial<StoredDevice> = {}): StoredDevice => ({
  index,
  device: `iphone-15#${index}`,
  group: "g",
  model: "iphone-15",
  platform: "ios",
  flow: "scep",
  identity: JSON.stringify({ id: `iphone-15#${index}`, serialNumber: `SER${index}` }),
  keySlot: index,
  state: "enrolling",
  serverIds: {},
  attempts: 1,
  checkins: 0,
  updatedAt: 1_000 + index,
  ...over,
});
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

function roundTrip(store: FleetStore) {
  expect(store.meta()).toBeUndefined();
  store.setMeta({ scenario: "s", seed: "42", shard: "1/4", createdAt: 5, schemaVersion: STORE_SCHEMA_VERSION });
  expect(store.meta()).toEqual({ scenario: "s", seed: "42", shard: "1/4", createdAt: 5, schemaVersion: STORE_SCHEMA_VERSION });
  for (let i = 0; i < 5; i++) store.put(device(i));
  store.put(device(3, { state: "enrolled", certificates: [{ label: "scep", pem: "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n" }], serverIds: { "scep.serial": "0a" }, enrolledAt: 9, keySpkiSha256: "ab" }));
  store.put(device(4, { state: "failed", failureCode: "scep.failInfo.badRequest" }));
  expect(store.get(3)).toMatchObject({ state: "enrolled", serverIds: { "scep.serial": "0a" }, certificates: [{ label: "scep" }], enrolledAt: 9, keySpkiSha256: "ab" });
  expect(store.get(4)!.failureCode).toBe("scep.failInfo.badRequest");
  expect(store.get(99)).toBeUndefined();
  expect(store.counts()).toEqual({ enrolling: 3, enrolled: 1, failed: 1, unenrolled: 0 });
  expect(store.list({ state: "enrolling" }).map((d) => d.index)).toEqual([0, 1, 2]);
  expect(store.list({ limit: 2 }).map((d) => d.index)).toEqual([0, 1]);
}

/** The schema enrollsim 1 wrote (no checkpoint column), as a version-1 store on disk holds it. */
const V1_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE devices (idx INTEGER PRIMARY KEY, device TEXT NOT NULL, grp TEXT NOT NULL, model TEXT NOT NULL, platform TEXT NOT NULL, flow TEXT NOT NULL,
  identity TEXT NOT NULL, key_slot INTEGER NOT NULL, key_spki_sha256 TEXT, state TEXT NOT NULL, certificates TEXT, chain_pem TEXT, server_ids TEXT NOT NULL,
  failure_code TEXT, attempts INTEGER NOT NULL, enrolled_at INTEGER, last_checkin_at INTEGER, checkins INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
INSERT INTO meta VALUES ('scenario','s'),('seed','1'),('shard',''),('createdAt','1'),('schemaVersion','1');
INSERT INTO devices VALUES (7,'iphone-15#7','g','iphone-15','ios','scep','{}',7,NULL,'enrolling',NULL,NULL,'{}',NULL,1,NULL,NULL,0,5);
`;

describe("fleet store", () => {
  it("keeps one durable checkpoint per device: set by checkpoint(), read back, cleared by a put without one", () => {
    const point = { step: "scep.pkioperation", data: { transactionID: "AB12", caSha256: "00ff", keySlot: 3, url: "http://127.0.0.1:1/scep" } };
    for (const store of [new MemoryFleetStore(), SqliteFleetStore.open(join(dir, "cp.db"), { create: true })]) {
      store.put(device(3));
      store.checkpoint(3, point, 2_000);
      expect(store.get(3)).toMatchObject({ checkpoint: point, updatedAt: 2_000, state: "enrolling" });
      store.checkpoint(99, point, 2_000); // no such device: nothing is created
      expect(store.get(99)).toBeUndefined();
      store.put({ ...store.get(3)!, state: "enrolled", checkpoint: undefined });
      expect(store.get(3)!.checkpoint).toBeUndefined();
      store.close();
    }
  });

  it("a schema-1 store is migrated when opened for writing (its in-flight devices have no checkpoint), refused read-only, and a newer schema is refused", () => {
    const f = join(dir, "v1.db");
    const db = new Database(f);
    db.exec(V1_SCHEMA);
    db.close();
    expect(() => SqliteFleetStore.open(f, { readonly: true })).toThrow(/schema version 1, this enrollsim reads 4 \(a version-1 store is migrated when opened for writing/);
    const s = SqliteFleetStore.open(f);
    expect(s.meta()!.schemaVersion).toBe(STORE_SCHEMA_VERSION);
    expect(s.get(7)).toMatchObject({ state: "enrolling", device: "iphone-15#7" });
    expect(s.get(7)!.checkpoint).toBeUndefined();
    s.checkpoint(7, { step: "x", data: {} }, 9);
    s.close();
    expect(SqliteFleetStore.open(f, { readonly: true }).get(7)!.checkpoint).toEqual({ step: "x", data: {} });
    const v9 = new Database(f);
    v9.prepare(`UPDATE meta SET value = '9' WHERE key = 'schemaVersion'`).run();
    v9.close();
    expect(() => SqliteFleetStore.open(f)).toThrow(/schema version 9, this enrollsim reads 4/);
  });

  it("a schema-2 store (checkpoints, no resume history) is migrated to 4: its rows and checkpoints kept, resumes recorded from then on", () => {
    const f = join(dir, "v2.db");
    const db = new Database(f);
    db.exec(
      V1_SCHEMA.replace("updated_at INTEGER NOT NULL) STRICT", "updated_at INTEGER NOT NULL, checkpoint TEXT) STRICT")
        .replace("'schemaVersion','1'", "'schemaVersion','2'")
        .replace("0,5);", `0,5,'{"step":"scep.pkioperation","data":{"keySlot":7}}');`),
    );
    db.close();
    expect(() => SqliteFleetStore.open(f, { readonly: true })).toThrow(/schema version 2, this enrollsim reads 4 \(a version-2 store is migrated when opened for writing/);
    const s = SqliteFleetStore.open(f);
    expect(s.meta()!.schemaVersion).toBe(4);
    expect(s.get(7)!.appliedSettings).toBeUndefined();
    expect(s.get(7)).toMatchObject({ state: "enrolling", checkpoint: { step: "scep.pkioperation", data: { keySlot: 7 } } });
    expect(s.get(7)!.resumes).toBeUndefined();
    s.noteResume(7, { at: 10, mode: "restart" }, false);
    s.noteResume(7, { at: 11, mode: "checkpoint", state: "scep.pkioperation" }, true);
    s.noteResume(7, { at: 20, mode: "restart", why: "the key is not the checkpoint's" }, false);
    s.put({ ...s.get(7)!, state: "enrolled", checkpoint: undefined });
    s.close();
    const r = SqliteFleetStore.open(f, { readonly: true });
    expect(r.get(7)!.resumes).toEqual([
      { at: 11, mode: "checkpoint", state: "scep.pkioperation" },
      { at: 20, mode: "restart", why: "the key is not the checkpoint's" },
    ]);
    r.close();
  });

  it("memory and SQLite stores keep the resume history alike (a provisional restart replaced by the flow's decision)", () => {
    for (const store of [new MemoryFleetStore(), SqliteFleetStore.open(join(dir, "resumes.db"), { create: true })]) {
      store.put(device(2));
      store.noteResume(2, { at: 1, mode: "restart" }, false);
      store.noteResume(2, { at: 2, mode: "checkpoint", state: "apple.tokenupdate" }, true);
      store.noteResume(99, { at: 3, mode: "restart" }, false); // no such device: nothing is created
      expect(store.get(2)!.resumes).toEqual([{ at: 2, mode: "checkpoint", state: "apple.tokenupdate" }]);
      expect(store.get(99)).toBeUndefined();
      store.close();
    }
  });

  it("checkin() counts a check-in and changes nothing else of the row, alike in memory and SQLite", () => {
    for (const store of [new MemoryFleetStore(), SqliteFleetStore.open(join(dir, "checkins.db"), { create: true })]) {
      const enrolled = device(5, { state: "enrolled", certificates: [{ label: "mdm", pem: "P" }], serverIds: { udid: "U" }, enrolledAt: 7 });
      store.put(enrolled);
      store.checkin(5, 3_000);
      store.checkin(5, 4_000);
      expect(store.get(5)).toEqual({ ...enrolled, checkins: 2, lastCheckinAt: 4_000, updatedAt: 4_000 });
      store.checkin(99, 5_000); // no such device: nothing is created
      expect(store.get(99)).toBeUndefined();
      store.close();
    }
  });

  it("SQLite commits the check-ins of one event-loop turn together: a reader in the turn sees them, the promise settles once committed, a failed commit is an unrecorded check-in", async () => {
    const f = join(dir, "group.db");
    const store = SqliteFleetStore.open(f, { create: true });
    for (const i of [1, 2]) store.put(device(i, { state: "enrolled" }));
    const first = store.checkin(1, 1_000);
    const second = store.checkin(2, 2_000);
    expect(second).toBe(first); // one group, one transaction
    const other = SqliteFleetStore.open(f, { readonly: true });
    expect(other.get(1)!.checkins).toBe(0); // not committed yet: still this turn
    await first;
    expect(other.get(1)).toMatchObject({ checkins: 1, lastCheckinAt: 1_000 });
    expect(other.get(2)).toMatchObject({ checkins: 1, lastCheckinAt: 2_000 });
    // a write in the same turn commits the pending check-ins first, in order
    void store.checkin(1, 3_000);
    store.put({ ...store.get(1)!, attempts: 5 });
    expect(other.get(1)).toMatchObject({ checkins: 2, lastCheckinAt: 3_000, attempts: 5 });
    store.close();
    // a store that cannot write: the check-in comes back unrecorded (store.write-failed), not lost
    const err = await storeCheckin(other, 1, 4_000, "dev-1");
    expect(err).toMatchObject({ code: "store.write-failed", blame: "internal" });
    expect(err!.message).toMatch(/could not record this check-in: .*readonly/);
    other.close();
  });

  it("memory and SQLite stores behave the same", () => {
    roundTrip(new MemoryFleetStore());
    const f = join(dir, "a.db");
    const s = SqliteFleetStore.open(f, { create: true });
    roundTrip(s);
    s.close();
    const again = SqliteFleetStore.open(f);
    expect(again.counts().enrolled).toBe(1);
    expect(again.get(3)!.certificates![0]!.pem).toContain("BEGIN CERTIFICATE");
    again.close();
  });

  it("the store, its WAL and shared-memory files are mode 0600", () => {
    const f = join(dir, "mode.db");
    const s = SqliteFleetStore.open(f, { create: true });
    s.put(device(1));
    for (const x of [f, `${f}-wal`, `${f}-shm`]) if (existsSync(x)) expect(statSync(x).mode & 0o777, x).toBe(0o600);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    s.close();
  });

  it("a missing store is an error for fleet commands (created only by a run)", () => {
    expect(() => SqliteFleetStore.open(join(dir, "nope.db"))).toThrow(/does not exist/);
  });

  it.each([
    ["garbage bytes", (f: string) => writeFileSync(f, "this is not a database at all, just text\n".repeat(50))],
    ["an empty file", (f: string) => writeFileSync(f, "")],
    [
      "a SQLite file of another program",
      (f: string) => {
        const db = new Database(f);
        db.exec("CREATE TABLE photos (id INTEGER)");
        db.close();
      },
    ],
    [
      "a fleet store with its pages overwritten",
      (f: string) => {
        const s = SqliteFleetStore.open(f, { create: true });
        s.setMeta({ scenario: "s", seed: "1", shard: "", createdAt: 1, schemaVersion: STORE_SCHEMA_VERSION });
        for (let i = 0; i < 400; i++) s.put(device(i, { identity: "x".repeat(500) }));
        s.close();
        const b = readFileSync(f);
        b.fill(0xa5, 4096 * 2, 4096 * 6); // trash some b-tree pages, keep the header
        writeFileSync(f, b);
      },
    ],
  ])("%s is detected, named, and left untouched", (_what, make) => {
    const f = join(dir, `corrupt-${Math.random().toString(36).slice(2)}.db`);
    make(f);
    const before = sha(f);
    let err: unknown;
    try {
      const s = SqliteFleetStore.open(f);
      // Damage deep in a table may pass quick_check's sampling only if it is unreachable; reading must still fail loudly.
      s.list();
      s.close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe("store.corrupt");
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(/never resets/);
    expect(sha(f)).toBe(before);
  });
});
