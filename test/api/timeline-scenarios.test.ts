// SPDX-License-Identifier: MIT
/**
 * Timeline contract tests over loopback: the shipped timeline scenarios against the embedded
 * server on real sockets, and server actions whose effect crosses the wire (a revoked device
 * certificate refused at the next check-in, a restart that keeps or loses the server's state).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { CheckinSample } from "../../src/runner/observer.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios/timeline", name);
const opts = { keyPoolSize: 24, progress: false as const };

function traceLines(dir: string): { device: string; step: string; kind: string; data: Record<string, unknown> }[] {
  return readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { device: string; step: string; kind: string; data: Record<string, unknown> }));
}

describe("shipped timeline scenarios (loopback)", () => {
  it("windows-endpoint-outage-try-again: 503 at Enrollment.svc for 60 s, Try Again after 90 s enrols every PC", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-tl-")), "trace");
    const started = Date.now();
    const { summary } = await runScenario(scenario("windows-endpoint-outage-try-again.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["enroll.rst"]).toMatchObject({ count: 6, failed: 3 });
    // The 2 minutes of waiting were skipped: the run took seconds.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(summary.actions!.map((a) => `${a.entry} ${a.action}: ${a.result}`)).toEqual([
      "0 endpointDown: /EnrollmentServer/Enrollment.svc answers 503",
      "1 tryAgain: the user taps Try Again after a failure (up to 1×, after 90 s)",
      "2 skip: the scenario clock jumped 2 min ahead",
      "0 endpointUp: /EnrollmentServer/Enrollment.svc is back",
    ]);
    const lines = traceLines(dir);
    // Each PC's first RST got the server's 503 over the wire, then Try Again, then success.
    const rst = lines.filter((l) => l.kind === "http" && l.step === "enroll.rst");
    expect(rst.filter((l) => (l.data.response as { status: number } | undefined)?.status === 503)).toHaveLength(3);
    expect(rst.filter((l) => (l.data.response as { status: number } | undefined)?.status === 200)).toHaveLength(3);
    expect(lines.filter((l) => l.kind === "note" && l.data.action === "tryAgain" && l.data.after === "transport.http-status")).toHaveLength(3);
  }, 120_000);

  it("android-da-activation-cancelled: abandon at the activation prompt is the user tapping Cancel (android.da.declined); the others activate", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-tl-")), "trace");
    const { summary } = await runScenario(scenario("android-da-activation-cancelled.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 2, failed: 1, ok: true });
    expect(summary.outcomes?.["android.da.declined"]).toBe(1);
    const activate = traceLines(dir).filter((l) => l.kind === "decoded" && l.step === "android.da.activate");
    expect(activate.map((l) => l.data.userAction).sort()).toEqual(["Activate", "Activate", "Cancel"]);
    expect(activate.every((l) => l.data.intent === "android.app.action.ADD_DEVICE_ADMIN")).toBe(true);
  }, 120_000);

  it("apple-push-certificate-expires: enrollments after the expiry are refused with APNSCertificateNotValid", async () => {
    const { summary } = await runScenario(scenario("apple-push-certificate-expires.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["apple.ade.refused.APNSCertificateNotValid"]).toMatchObject({ count: 3, step: "ade.enroll" });
    expect(summary.actions![0]).toMatchObject({ action: "expire", trigger: "after 2 device(s) enrolled" });
    expect(summary.actions![0]!.result).toMatch(/^the MDM push certificate \(topic com\.apple\.mgmt\.External\.\S+\) expired at \d{4}-\d\d-\d\dT/);
  }, 120_000);

  it("device-offline-between-steps: offline at enroll.rst; the group that taps Try Again enrols, the other shows the network error", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-tl-")), "trace");
    const { summary } = await runScenario(scenario("device-offline-between-steps.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.groups["retrying"]).toMatchObject({ enrolled: 2 });
    expect(summary.errors["transport.dns"]).toMatchObject({ count: 2, step: "enroll.rst" });
    expect(summary.errors["transport.dns"]!.example).toContain("injected: device offline (timeline[0])");
    const lines = traceLines(dir);
    // discovery and policy went out before the network dropped; the note sits at enroll.rst.
    expect(lines.filter((l) => l.kind === "note" && l.step === "enroll.rst" && l.data.action === "offline")).toHaveLength(4);
    expect(lines.filter((l) => l.kind === "http" && l.step === "policy.getpolicies" && l.device === "windows-11-laptop#2")).toHaveLength(1);
  }, 120_000);
});

describe("server actions over loopback", () => {
  const write = (yaml: string) => {
    const f = join(mkdtempSync(join(tmpdir(), "enrollsim-tl-")), "s.yaml");
    writeFileSync(f, yaml);
    return f;
  };
  const apple = (timeline: string) =>
    write(`name: t\nseed: 5\nembedded: { scep: { challenge: tl-challenge } }\ngroups:\n  - { name: phones, model: iphone-15, count: 2, flow: ios-profile }\narrival: { concurrency: 1 }\nload: { steady: { durationSeconds: 2.5, intervalSeconds: 1, jitter: 0 } }\nlimits: { durationSeconds: 120 }\ntimeline:\n${timeline}`);

  it("a device certificate revoked mid-run: its next check-in is refused (401) and the device treats it as unenrollment", async () => {
    const checkins: CheckinSample[] = [];
    const { summary } = await runScenario(apple("  - { after: { enrolled: 2 }, devices: [0], revoke: device-certificate }\n"), { ...opts, observers: [{ onCheckin: (c) => checkins.push(c) }] });
    expect(summary).toMatchObject({ enrolled: 2 });
    expect(summary.actions![0]).toMatchObject({ action: "revoke", result: "revoked 1 certificate(s)", devices: ["iphone-15#0"] });
    const of = (d: string) => checkins.filter((c) => c.device === d);
    expect(of("iphone-15#0").length).toBeGreaterThan(0);
    expect(of("iphone-15#0").every((c) => !c.ok && c.code === "apple.checkin.unenrolled")).toBe(true);
    expect(of("iphone-15#1").length).toBeGreaterThan(0);
    expect(of("iphone-15#1").every((c) => c.ok)).toBe(true);
  }, 120_000);

  it("deleteRecords: a deleted device's next check-in is answered as for an unknown enrollment (401)", async () => {
    const checkins: CheckinSample[] = [];
    const { summary } = await runScenario(apple("  - { after: { enrolled: 2 }, devices: [1], deleteRecords: {} }\n"), { ...opts, observers: [{ onCheckin: (c) => checkins.push(c) }] });
    expect(summary.actions![0]).toMatchObject({ action: "deleteRecords", result: "deleted 1 device record(s) of 1 device(s)" });
    expect(checkins.filter((c) => c.device === "iphone-15#1").every((c) => !c.ok && c.code === "apple.checkin.unenrolled")).toBe(true);
    expect(checkins.filter((c) => c.device === "iphone-15#0").every((c) => c.ok)).toBe(true);
    expect(checkins.filter((c) => c.device === "iphone-15#1").length).toBeGreaterThan(0);
  }, 120_000);

  it("setOwnership: the admin marks a device corporate; its server record and its tenant enrollment record say so", async () => {
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(apple("  - { after: { enrolled: 2 }, devices: [1], setOwnership: corporate }\n"), { ...opts, onServer: (s) => (server = s) });
    expect(summary.actions![0]).toMatchObject({ action: "setOwnership", result: "1 device record(s) of 1 device(s) now corporate" });
    const records = [...(server!.halves.find((h) => h.name === "apple") as unknown as { apple: { devices: Map<string, { udid: string; ownership: string }> } }).apple.devices.values()];
    expect(records.map((r) => r.ownership).sort()).toEqual(["corporate", "personal"]);
    for (const r of records) expect(server!.policy.enrollments.get(r.udid)?.ownership).toBe(r.ownership);
  }, 120_000);

  it("setOwnership on Autopilot PCs: before enrolment it says no record yet; after it, their tenant records change", async () => {
    let server: ReferenceServer | undefined;
    const f = write(`name: t\nseed: 5\ngroups:\n  - { name: kiosks, model: windows-11-laptop, count: 2, flow: windows-autopilot, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying } } } }\nlimits: { durationSeconds: 120 }\ntimeline:\n  - { at: 0s, setOwnership: personal }\n  - { after: { enrolled: 2 }, devices: [1], setOwnership: personal }\n`);
    const { summary } = await runScenario(f, { ...opts, onServer: (x) => (server = x) });
    expect(summary).toMatchObject({ enrolled: 2 });
    const results = summary.actions!.map((a) => a.result);
    expect(results[0]).toMatch(/^0 device record\(s\) of 2 device\(s\) now personal; unchanged: 2 device\(s\): the server holds no record of them \(not enrolled yet/);
    expect(results[1]).toBe("1 device record(s) of 1 device(s) now personal");
    const owners = [...server!.policy.enrollments.values()].filter((r) => r.platform === "windows").map((r) => r.ownership).sort();
    expect(owners).toEqual(["corporate", "personal"]);
  }, 120_000);

  it("wipe: EraseDevice reaches the device at its next check-in; it then checks in no more until a restore brings its backup back", async () => {
    const checkins: CheckinSample[] = [];
    const f = write(`name: t\nseed: 5\nembedded: { scep: { challenge: tl-challenge } }\ngroups:\n  - { name: phones, model: iphone-15, count: 2, flow: ios-profile }\narrival: { concurrency: 1 }\nload: { steady: { durationSeconds: 4.5, intervalSeconds: 1, jitter: 0 } }\nlimits: { durationSeconds: 120 }\ntimeline:\n  - { after: { enrolled: 2 }, devices: [0], wipe: {} }\n  - { after: { enrolled: 2, wait: 3s }, devices: [0], restore: {} }\n`);
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(f, { ...opts, onServer: (x) => (server = x), observers: [{ onCheckin: (c) => checkins.push(c) }] });
    expect(summary.actions!.map((a) => `${a.action}: ${a.result}`)).toEqual(["wipe: a wipe command queued for 1 of 1 device(s)", "restore: restored from the backup taken while enrolled"]);
    const gaps = (d: string) => {
      const at = checkins.filter((c) => c.device === d).map((c) => c.at);
      return at.slice(1).map((t, i) => t - at[i]!);
    };
    // Device 0 carried EraseDevice out at its first check-in after the wipe, then made none until the
    // restore ~2 s later (cadence 1 s), then polled again with the restored identity, served.
    expect(Math.max(...gaps("iphone-15#0"))).toBeGreaterThanOrEqual(1900);
    expect(Math.max(...gaps("iphone-15#1"))).toBeLessThan(1500);
    expect(checkins.filter((c) => c.device === "iphone-15#0").every((c) => c.ok)).toBe(true);
    const apple = (server!.halves.find((h) => h.name === "apple") as unknown as { apple: { devices: Map<string, { results: { requestType: string; status: string }[] }> } }).apple;
    expect([...apple.devices.values()].flatMap((d) => d.results).filter((r) => r.requestType === "EraseDevice")).toEqual([expect.objectContaining({ status: "Acknowledged" })]);
  }, 120_000);

  it("restartServer keeps state (check-ins go on) or loses it (the server no longer knows the devices)", async () => {
    for (const loseState of [false, true]) {
      const checkins: CheckinSample[] = [];
      const { summary } = await runScenario(apple(`  - { after: { enrolled: 2 }, restartServer: { loseState: ${loseState} } }\n`), { ...opts, observers: [{ onCheckin: (c) => checkins.push(c) }] });
      expect(summary.enrolled).toBe(2);
      expect(summary.actions![0]!.result).toBe(loseState ? "restarted, its state lost (records, issued certificates, queues)" : "restarted with its state");
      expect(checkins.length).toBeGreaterThanOrEqual(2);
      // Kept: served as before. Lost: 401 for an enrollment the server does not know; the device treats it as unenrollment.
      expect(checkins.every((c) => (loseState ? !c.ok && c.code === "apple.checkin.unenrolled" : c.ok))).toBe(true);
    }
  }, 180_000);
});

describe("steady phase with a skip (loopback)", () => {
  it("apple-records-deleted-certificate-revoked: revoked and deleted phones are refused at their next check-in; the skipped 10 min take seconds", async () => {
    const checkins: CheckinSample[] = [];
    const started = Date.now();
    const { summary } = await runScenario(scenario("apple-records-deleted-certificate-revoked.yaml"), { ...opts, observers: [{ onCheckin: (c) => checkins.push(c) }] });
    expect(Date.now() - started).toBeLessThan(60_000); // the 600 s phase was skipped, not waited out
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    expect(summary.actions!.map((a) => `${a.action}: ${a.result}`)).toEqual([
      "revoke: revoked 1 certificate(s)",
      "deleteRecords: deleted 1 device record(s) of 1 device(s)",
      "skip: the scenario clock jumped 10 min ahead",
    ]);
    const of = (d: string) => checkins.filter((c) => c.device === `iphone-15#${d}`).map((c) => (c.ok ? "ok" : c.code));
    expect(of("0")).toEqual(["apple.checkin.unenrolled"]);
    expect(of("1")).toEqual(["apple.checkin.unenrolled"]);
    expect(of("2")).toEqual(["ok"]);
    expect(of("3")).toEqual([]); // enrolled as the skip fired: its first check-in falls after the phase
  }, 120_000);
});
