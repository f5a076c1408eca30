// SPDX-License-Identifier: MIT
/**
 * `run … --junit FILE` (issue 11 #2): the built CLI writes JUnit XML (0600) that a JUnit consumer
 * reads: testsuites / testsuite@name,tests,failures / testcase@name,classname / failure@message,type.
 * Parsed back with xml2js, the way CI reporters parse it.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml2js from "xml2js";
import { describe, expect, it } from "vitest";
import { junitXml } from "../../src/report/junit.js";
import { cli, ensureBuilt, MAIN } from "../runner/support/cli.js";

const SCENARIO = `name: junit-<&>-test
seed: 3
server: embedded
embedded: { scep: { challenge: right-2026 } }
groups:
  - { name: good, model: pixel-8, count: 3, flow: scep, options: { scep: { challenge: right-2026 } } }
  - { name: wrong-challenge, model: pixel-8, count: 2, flow: scep, options: { scep: { challenge: wrong-2026 } } }
arrival: { concurrency: 5 }
expect:
  successRatio: 1.0
  latency: { scep.pkioperation: { p99: 60000 } }
`;

interface Case {
  $: { name: string; classname: string; time: string };
  failure?: { $: { message: string; type: string }; _: string }[];
}

describe("JUnit XML", () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-junit-"));
  const scenario = join(dir, "s.yaml");
  writeFileSync(scenario, SCENARIO);

  it("run --junit: one testsuite, a testcase per expectation and per group, failures with code, count and an example; mode 0600", async () => {
    const out = join(dir, "junit.xml");
    const r = await cli(MAIN, ["run", scenario, "--junit", out, "--no-progress"]);
    expect(r.code, r.stderr).toBe(1);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const doc = await xml2js.parseStringPromise(readFileSync(out, "utf8"));
    expect(doc.testsuites.$).toMatchObject({ tests: "5", failures: "3" });
    expect(doc.testsuites.testsuite).toHaveLength(1);
    const suite = doc.testsuites.testsuite[0];
    expect(suite.$).toMatchObject({ name: "junit-<&>-test", tests: "5", failures: "3", errors: "0" });
    expect(Number(suite.$.time)).toBeGreaterThan(0);
    const cases = suite.testcase as Case[];
    expect(cases.map((c) => [c.$.classname, c.$.name])).toEqual([
      ["junit-<&>-test.expectations", expect.stringMatching(/^expect success ratio/)],
      ["junit-<&>-test.expectations", expect.stringMatching(/^expect latency scep\.pkioperation p99/)],
      ["junit-<&>-test.expectations", "expect unexpected scep.failInfo.badRequest"],
      ["junit-<&>-test.groups", "group good: 3/3 enrolled"],
      ["junit-<&>-test.groups", "group wrong-challenge: 0/2 enrolled"],
    ]);
    expect(cases[0]!.failure![0]!.$).toEqual({ message: expect.stringMatching(/^expected ≥ 100\.0% enrolled, got 3\/5 enrolled/), type: "expectation" });
    expect(cases[1]!.failure).toBeUndefined();
    expect(cases[2]!.failure![0]!.$.message).toMatch(/unexpected failure code scep\.failInfo\.badRequest ×2/);
    expect(cases[3]!.failure).toBeUndefined();
    const f = cases[4]!.failure![0]!;
    const summary = JSON.parse((await cli(MAIN, ["run", scenario, "--json", "--no-progress"])).stdout);
    const [code] = Object.keys(summary.errors);
    expect(f.$.type).toBe(code);
    expect(f.$.message).toBe(`2 of 2 device(s) failed: ${code} x2`);
    expect(f._).toBe(`${code} x2\n  enrollsim's diagnosis: ${summary.errors[code].example}`);
    expect(suite.properties[0].property.map((p: { $: { name: string } }) => p.$.name)).toEqual(["seed", "devices"]);
  }, 120_000);

  it("a failed group's detail keeps what the device shows, what the server said and enrollsim's diagnosis apart, each labelled", async () => {
    const shown = { code: "PERMISSION_DENIED", name: "DEVICE_LIMIT", text: "Can't set up device. Contact your IT admin for help.", screen: "setup wizard", serverSaid: "Device limit reached: ann@example.org already has 2 enrolled devices" };
    const errors = { "android.enrollment.device-limit": { count: 2, blame: "protocol-outcome" as const, step: "android.amapi.redeem", example: "[device pixel-8#0] Can't set up device. (Device limit reached: …)", shown } };
    const base = { scenario: "s", seed: "1", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 1500, devices: 2, enrolled: 0, failed: 2, steps: {}, errors, outcomes: {}, histograms: {}, ok: false };
    const doc = await xml2js.parseStringPromise(junitXml([{ ...base, groups: { g: { devices: 2, enrolled: 0, failed: 2, failures: { "android.enrollment.device-limit": 2 } } }, expectations: [] }]));
    expect(doc.testsuites.testsuite[0].testcase[0].failure[0]._.split("\n")).toEqual([
      "android.enrollment.device-limit x2",
      `  the device shows: PERMISSION_DENIED DEVICE_LIMIT: "Can't set up device. Contact your IT admin for help." [setup wizard]`,
      '  the server said: "Device limit reached: ann@example.org already has 2 enrolled devices"',
      "  enrollsim's diagnosis: [device pixel-8#0] Can't set up device. (Device limit reached: …)",
    ]);
  });

  it("a passing run has no failure elements; an interrupted run says so in a property", async () => {
    const base = { scenario: "s", seed: "1", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 1500, devices: 1, enrolled: 1, failed: 0, steps: {}, errors: {}, outcomes: {}, histograms: {}, ok: true };
    const xml = junitXml([{ ...base, groups: { g: { devices: 1, enrolled: 1, failed: 0 } }, expectations: [{ name: "success ratio", ok: true, expected: "1", actual: "1" }], interrupted: { signal: "SIGINT", aborted: false } }]);
    const doc = await xml2js.parseStringPromise(xml);
    expect(doc.testsuites.$.failures).toBe("0");
    expect(xml).not.toContain("<failure");
    expect(doc.testsuites.testsuite[0].$).toMatchObject({ time: "1.500", timestamp: "2026-01-01T00:00:00" });
    expect(doc.testsuites.testsuite[0].properties[0].property.at(-1).$).toEqual({ name: "interrupted", value: "SIGINT" });
  });
});
