// SPDX-License-Identifier: MIT
/**
 * Time passes for an agent's waits (blind trial 12, trip-ups T1 and T4): Fleet's Android agent 1.4.0+ retries 96 times
 * 15 minutes apart (agents/fleet-android-agent.yaml). `load.timeScale` divides those waits as it does the steady
 * cadence; a run that ends at its deadline says what each unfinished device was waiting for (summary, trace, JUnit).
 * Loopback, embedded server.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { junitXml } from "../../src/report/junit.js";

const opts = { keyPoolSize: 8, progress: false as const };

/** One work-profile phone whose policy installs Fleet's agent 1.4.0 without ever delegating CERT_INSTALL: it checks, defers, waits 15 min, 97 times. */
function scenario(tail: string): string {
  const dir = mkdtempSync(join(tmpdir(), "agent-time-"));
  const file = join(dir, "agent.yaml");
  writeFileSync(
    file,
    [
      "name: agent-time",
      "seed: 3765",
      "server: embedded",
      "embedded:",
      "  android:",
      "    profiles:",
      "      work-profile:",
      "        mode: work-profile",
      "        applications:",
      '          - { packageName: com.fleetdm.agent, installType: FORCE_INSTALLED, managedConfiguration: { scep_url: "%SCEP_URL%", challenge: enrollsim-challenge } }',
      "groups:",
      '  - { name: byod, model: pixel-8, count: 1, flow: android-work-profile, options: { android: { profile: work-profile, appVersions: { com.fleetdm.agent: "1.4.0" } } } }',
      tail,
    ].join("\n"),
  );
  return file;
}

describe("an agent's retry waits on scenario time (loopback)", () => {
  it("load.timeScale divides the agent's 15 min waits as it does the steady cadence (no skip)", async () => {
    const { summary } = await runScenario(scenario("load: { timeScale: 180000 }\nlimits: { durationSeconds: 150 }\n"), opts);
    expect(summary).toMatchObject({ devices: 1, enrolled: 1 });
    expect(summary.steps["android.agent.delegation"]!.count).toBe(97);
  }, 180_000);

  it("a run ending runner.deadline says what the device was waiting for, why and until when: summary, trace and JUnit", async () => {
    const trace = mkdtempSync(join(tmpdir(), "agent-time-trace-"));
    const { summary } = await runScenario(scenario("load: { timeScale: 30 }\nlimits: { durationSeconds: 20 }\n"), { ...opts, trace });
    const err = summary.errors["runner.deadline"];
    expect(err).toMatchObject({ count: 1 });
    // At time scale 30 the agent's 15 min wait lasts 30 s: the 20 s deadline falls while it waits for its second try.
    expect(err!.example).toMatch(
      /waiting at android\.agent\.cert-install until \d{4}-\d\d-\d\dT[\d:.]+Z \(in \d+ s\): Fleet \(com\.fleetdm\.agent\) tries cert-install again \(try 2 of 97, every 900 s; agents\/fleet-android-agent\.yaml afterInstall\)/,
    );
    expect(junitXml([summary])).toContain("waiting at android.agent.cert-install until");
    const lines = readdirSync(trace, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ndjson"))
      .flatMap((f) => readFileSync(join(trace, f), "utf8").trim().split("\n"))
      .map((l) => JSON.parse(l) as { kind: string; data?: { code?: string; waiting?: { step: string; reason: string; dueAt: string }[] } });
    const outcome = lines.find((l) => l.kind === "outcome" && l.data?.code === "runner.deadline");
    expect(outcome?.data?.waiting).toEqual([{ step: "android.agent.cert-install", reason: expect.stringContaining("try 2 of 97"), dueAt: expect.stringMatching(/Z$/) }]);
  }, 180_000);
});
