// SPDX-License-Identifier: MIT
/** expect.server: the embedded server's records after a run (issue 10 #6), over real loopback runs. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";
import { serverExpectations } from "../../src/api/server-expect.js";
import { duplicateCertificates, duplicateEnrollments, type ServerRecords } from "../../src/server/records.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";
import type { ResolvedScenario, ServerExpectations } from "../../src/runner/scenario/types.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

function sized(s: ResolvedScenario, count: number, server: ServerExpectations): ResolvedScenario {
  let next = 0;
  const groups = s.groups.map((g) => ({ ...g, count, firstIndex: (next += count) - count }));
  return { ...s, groups, totalDevices: next, expect: { ...s.expect, server } };
}

const records = (over: Partial<ServerRecords>): ServerRecords => ({ enrollments: [], certificates: [], policy: [], scepRequests: [], ...over });

describe("records helpers", () => {
  it("a device with two live records is one duplicate; removed records do not count", () => {
    const r = [
      { platform: "apple" as const, kind: "mdm", key: "U1", ids: { udid: "U1", serial: "S1" } },
      { platform: "apple" as const, kind: "mdm", key: "U2", ids: { udid: "U2", serial: "S1" } },
      { platform: "apple" as const, kind: "mdm", key: "U3", ids: { udid: "U3", serial: "S3" }, removed: true },
      { platform: "apple" as const, kind: "mdm", key: "U4", ids: { udid: "U4", serial: "S3" } },
    ];
    expect(duplicateEnrollments(r)).toEqual([{ id: "apple:serial:S1", records: 2 }]);
  });

  it("a subject or key issued twice is a duplicate", () => {
    const c = (subject: string, key: string) => ({ subject, serialHex: "01", keySha256: key, notAfter: "", issuedBy: "scep" });
    expect(duplicateCertificates([c("CN=a", "k1"), c("CN=a", "k2"), c("CN=b", "k3")])).toEqual([{ id: "subject:CN=a", certificates: 2 }]);
  });

  it("checks ownership and compliance over live policy records, naming duplicates in the result", () => {
    const out = serverExpectations(
      { duplicates: 0, ownership: { corporate: { min: 1 } }, compliance: { noncompliant: 0 } },
      records({
        enrollments: [
          { platform: "windows", kind: "wstep", key: "D1", ids: { deviceId: "D1" } },
          { platform: "windows", kind: "wstep", key: "D1b", ids: { deviceId: "D1" } },
        ],
        policy: [
          { deviceKey: "a", platform: "windows", ownership: "personal", compliance: "noncompliant", removed: false },
          { deviceKey: "b", platform: "windows", ownership: "corporate", compliance: "noncompliant", removed: true },
        ],
      }),
    );
    expect(out).toMatchObject([
      { name: "server duplicates", ok: false, actual: "1 duplicate (windows:deviceId:D1 ×2 records)" },
      { name: "server ownership corporate", ok: false, expected: "≥ 1 record" },
      { name: "server compliance noncompliant", ok: false, actual: "1 record" },
    ]);
  });
});

describe("expect.server over loopback", () => {
  it("ios-profile-no-duplicates: one record and one certificate per device", async () => {
    const { summary } = await runScenario(scenario("ios-profile-no-duplicates.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.expectations.filter((e) => e.name.startsWith("server")).map((e) => [e.name, e.ok])).toEqual([
      ["server duplicates", true],
      ["server records", true],
      ["server certificates", true],
      ["server certificate duplicates", true],
      ["server ownership personal", true],
      ["server ownership corporate", true],
      ["server compliance compliant", true],
    ]);
  }, 180_000);

  it("a SCEP renewal issues a second certificate for the same subject and key: both are duplicates and the run fails", async () => {
    const s = await loadScenario(scenario("scep-fleet.yaml"));
    const renew = { ...s, groups: s.groups.map((g) => ({ ...g, options: { ...g.options, scep: { ...g.options.scep!, renew: true } } })) };
    const small = sized(renew, 1, { certificates: { count: 2 * renew.groups.length, duplicates: 0 } });
    const { summary } = await runScenario(small, opts);
    expect(summary.enrolled).toBe(small.totalDevices);
    expect(summary.expectations.find((e) => e.name === "server certificates")).toMatchObject({ ok: true });
    expect(summary.expectations.find((e) => e.name === "server certificate duplicates")).toMatchObject({ ok: false, actual: expect.stringMatching(new RegExp(`^${2 * small.totalDevices} duplicates \\(subject:`)) });
    expect(summary.ok).toBe(false);
  }, 120_000);

  it("with --shard every shard has its own server: expect.server is refused before the run", async () => {
    const s = await loadScenario(scenario("ios-profile-no-duplicates.yaml"));
    await expect(runScenario(s, { ...opts, shard: { index: 0, count: 2 } })).rejects.toThrow(/each shard runs its own server/);
  });

  it("Windows and Android halves report their records too", async () => {
    let server: ReferenceServer | undefined;
    const w = await loadScenario(scenario("windows-byod.yaml"));
    const win = await runScenario(sized(w, 1, { records: { count: w.groups.length } }), { ...opts, onServer: (x) => (server = x) });
    expect(win.summary.ok).toBe(true);
    const held = server!.records();
    expect(held.enrollments.every((r) => r.platform === "windows" && r.kind === "wstep" && !r.removed)).toBe(true);
    expect(duplicateEnrollments(held.enrollments)).toEqual([]);
    expect(held.certificates.filter((c) => c.issuedBy === "windows").length).toBeGreaterThanOrEqual(w.groups.length);
    const a = await loadScenario(scenario("android-fully-managed-qr.yaml"));
    const and = await runScenario(sized(a, 2, { records: { count: 2 * a.groups.length }, duplicates: 0 }), opts);
    expect(and.summary.expectations.filter((e) => e.name.startsWith("server"))).toMatchObject([{ ok: true }, { ok: true }]);
  }, 180_000);
});
