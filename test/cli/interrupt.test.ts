// SPDX-License-Identifier: MIT
/**
 * SIGINT / SIGTERM during `run` (issue 11 #5): the built CLI stops arrivals, lets in-flight
 * devices finish (or aborts them on a second signal), writes the summary marked `interrupted`
 * and exits 130 / 143; a run with a store is resumed afterwards.
 * Real processes and real signals: the wait before the signal is wall time by necessity, but no
 * assertion depends on how many devices started by then.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAIN, ROOT, ensureBuilt } from "../runner/support/cli.js";

const SCENARIO = `name: interrupt-test
seed: 7
server: embedded
embedded:
  scep: { challenge: int-challenge-2026 }
groups:
  - name: pixels
    model: pixel-8
    count: 40
    flow: scep
    options:
      scep: { challenge: int-challenge-2026, subject: "CN=%SERIAL%,O=enrollsim" }
arrival: { rate: 10 }
faults:
  - name: slow-ca          # every enrolment is in flight for 2.5 s, so a signal finds some in flight
    match: { method: POST }
    delay: { ms: 2500 }
limits: { durationSeconds: 120, stepTimeoutMs: 30000 }
expect: { successRatio: 1.0 }
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI; once the fleet runs (its /metrics says `enrollsim_run_phase{phase="running"} 1`; the
 * endpoint listens from the start, key pool and server setup included) and `afterMs` later, sends
 * `signals` `gapMs` apart.
 */
function runAndSignal(args: string[], signals: NodeJS.Signals[], afterMs: number, gapMs = 300): Promise<Run> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [MAIN, ...args, "--metrics-port", "0", "--no-progress"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let armed = false;
    let closed = false;
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const url = /metrics: (http:\S+)/.exec(stderr)?.[1];
      if (!armed && url) {
        armed = true;
        const poll = (): void => {
          if (closed) return;
          fetch(url)
            .then((res) => res.text())
            .then(
              (text) => {
                if (text.includes('enrollsim_run_phase{phase="running"} 1')) signals.forEach((s, i) => setTimeout(() => p.kill(s), afterMs + i * gapMs));
                else setTimeout(poll, 50);
              },
              () => setTimeout(poll, 50),
            );
        };
        poll();
      }
    });
    const t = setTimeout(() => p.kill("SIGKILL"), 90_000);
    p.on("close", (code) => {
      closed = true;
      clearTimeout(t);
      done({ code, stdout, stderr });
    });
  });
}

describe("run: interrupts", () => {
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), "enrollsim-int-"));
  const scenario = join(work, "int.yaml");
  writeFileSync(scenario, SCENARIO);

  it("SIGINT: arrivals stop, in-flight devices finish, the report is marked interrupted, exit 130; --resume completes the run", async () => {
    const report = join(work, "r1.json");
    const store = join(work, "s.db");
    const r = await runAndSignal(["run", scenario, "--report", report, "--store", store], ["SIGINT"], 1200);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping arrivals/);
    expect(r.stdout).toMatch(/INTERRUPTED by SIGINT: arrivals stopped, in-flight devices finished/);
    expect(r.stdout).toContain(`--store ${store} --resume`);
    expect(statSync(report).mode & 0o777).toBe(0o600);
    const s = JSON.parse(readFileSync(report, "utf8"));
    expect(s.interrupted).toEqual({ signal: "SIGINT", aborted: false });
    expect(s.devices).toBe(40);
    // Every device that started finished its enrolment (the grace period was long enough); the rest never started.
    expect(s.enrolled).toBeGreaterThan(0);
    expect(s.enrolled).toBeLessThan(40);
    expect(s.outcomes).toEqual({ "scep.issued": s.enrolled, "runner.interrupted": 40 - s.enrolled });
    expect(s.errors["runner.interrupted"].example).toMatch(/not started because the run was interrupted \(SIGINT\)/);

    const again = await runAndSignal(["run", scenario, "--report", join(work, "r2.json"), "--store", store, "--resume"], [], 0);
    expect(again.code, again.stderr).toBe(0);
    const s2 = JSON.parse(readFileSync(join(work, "r2.json"), "utf8"));
    expect(s2.interrupted).toBeUndefined();
    expect(s2.resumedSkipped).toBe(s.enrolled);
    expect(s2.enrolled).toBe(40 - s.enrolled);
  }, 120_000);

  it("a second SIGTERM aborts in-flight devices at once: runner.interrupted, exit 143", async () => {
    const report = join(work, "r3.json");
    const r = await runAndSignal(["run", scenario, "--report", report, "--grace", "600"], ["SIGTERM", "SIGTERM"], 1200, 300);
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/SIGTERM again: aborting in-flight devices now/);
    const s = JSON.parse(readFileSync(report, "utf8"));
    expect(s.interrupted).toEqual({ signal: "SIGTERM", aborted: true });
    // Nobody finished the 2.5 s enrolment: those in flight were cut short, not waited for (grace was 600 s).
    expect(s.enrolled).toBe(0);
    expect(s.outcomes).toEqual({ "runner.interrupted": 40 });
    expect(s.durationMs).toBeLessThan(2500);
    expect(JSON.stringify(s.errors)).not.toContain("deadline");
  }, 120_000);
});
