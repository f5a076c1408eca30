// SPDX-License-Identifier: MIT
/**
 * The device's clock on virtual time: a device whose clock is behind meets a server certificate
 * that is not yet valid; the timeline sets its clock right and a Try Again enrolls it; a skip past
 * the certificate's notAfter makes the next connection fail. Real loopback TLS, virtual time.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { deviceClockOffset } from "../../src/runner/device-clock.js";
import { testKeys } from "../support/scep-harness.js";

// Near the host's clock: OpenSSL also checks validity on the host's clock (scenarios/README.md, limits).
const write = (yaml: string) => {
  const f = join(mkdtempSync(join(tmpdir(), "enrollsim-clock-")), "s.yaml");
  writeFileSync(f, yaml);
  return f;
};

describe("device clock on virtual time", () => {
  it("a clock 2 days behind sees the certificate not yet valid; set right by the timeline, Try Again enrolls", async () => {
    const file = write(`name: clock
seed: 11
server: embedded
embedded:
  tls: { certificate: { notBefore: "-1h", validityDays: 30 } }
groups:
  - { name: behind, model: iphone-15, count: 1, flow: ios-profile, state: { clockOffset: "-2d" } }
  - { name: right, model: iphone-15, count: 1, flow: ios-profile }
arrival: { concurrency: 2 }
limits: { durationSeconds: 7200, stepTimeoutMs: 15000 }
timeline:
  - { after: { step: profile.download, failed: 1 }, group: behind, set: { state.clockOffset: "0s" }, note: clock synced }
  - { at: 0s, group: behind, tryAgain: { wait: 30m } }
`);
    const clock = new VirtualClock(Date.now());
    const start = clock.now();
    const steps: { step: string; ok: boolean; device: string; at: number }[] = [];
    const done = runScenario(file, { adapters: { clock }, keys: await testKeys(), progress: false, capacity: false, observers: [{ onStep: (x) => steps.push({ step: x.step, ok: x.ok, device: x.device, at: clock.now() - start }) }] });
    const { summary } = await clock.run(done, 3 * 3_600_000);
    expect(summary.outcomes).toEqual({ "apple.enrolled": 1, "apple.enrolled.after-retry": 1 });
    const failed = steps.filter((s) => !s.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.step).toBe("profile.download");
    // The retry waited its 30 virtual minutes.
    const retried = steps.filter((s) => s.device === failed[0]!.device && s.ok && s.step === "profile.download");
    expect(retried[0]!.at).toBeGreaterThanOrEqual(30 * 60_000);
    expect(summary.actions?.map((a) => a.result)).toContain("the clock of 1 device(s) set to 0s from the true time");
  }, 120_000);

  it("without the clock set right, the Try Again fails again with NSURLErrorDomain -1204", async () => {
    const file = write(`name: clock-unsynced
seed: 11
server: embedded
embedded:
  tls: { certificate: { notBefore: "-1h", validityDays: 30 } }
groups:
  - { name: behind, model: iphone-15, count: 1, flow: ios-profile, state: { clockOffset: "-2d" } }
limits: { durationSeconds: 7200, stepTimeoutMs: 15000 }
timeline:
  - { at: 0s, group: behind, tryAgain: { wait: 30m } }
`);
    const clock = new VirtualClock(Date.now());
    const { summary } = await clock.run(runScenario(file, { adapters: { clock }, keys: await testKeys(), progress: false, capacity: false }), 3 * 3_600_000);
    expect(summary.outcomes).toEqual({ "transport.tls": 1 });
    expect(summary.errors["transport.tls"]!.shown).toMatchObject({ code: "NSURLErrorDomain -1204", name: "NSURLErrorServerCertificateNotYetValid" });
  }, 120_000);

  it("a skip past notAfter: the next enrolment fails with the platform's expired code", async () => {
    const file = write(`name: expiry
seed: 12
server: embedded
embedded:
  tls: { certificate: { notBefore: "-1h", validityDays: 2 } }
groups:
  - { name: late, model: iphone-15, count: 1, flow: ios-profile }
limits: { durationSeconds: 400000, stepTimeoutMs: 15000 }
timeline:
  - { at: 0s, idle: { for: 3d, step: profile.download } }
`);
    const clock = new VirtualClock(Date.now());
    const { summary } = await clock.run(runScenario(file, { adapters: { clock }, keys: await testKeys(), progress: false, capacity: false }), 5 * 86_400_000);
    expect(summary.outcomes).toEqual({ "transport.tls": 1 });
    expect(summary.errors["transport.tls"]!.shown).toMatchObject({ code: "NSURLErrorDomain -1201" });
  }, 120_000);

  it("the offset: the timeline's last set wins over the state's", () => {
    const id = { index: 3, state: { clockOffset: "-90d" } } as never;
    expect(deviceClockOffset(id)).toBe(-90 * 86_400_000);
    expect(deviceClockOffset(id, { clockOffset: () => 0 })).toBe(0);
    expect(deviceClockOffset({ index: 1 } as never)).toBe(0);
  });
});
