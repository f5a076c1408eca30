// SPDX-License-Identifier: MIT
/**
 * JUnit XML of a run for CI (`run … --junit FILE`): one `<testsuite>` per scenario, one
 * `<testcase>` per expectation and per device group. The shape is what JUnit consumers read
 * (Jenkins, GitLab, GitHub test reporters; the de-facto schema of Ant's JUnit task, as in
 * https://github.com/windyroad/JUnit-Schema/blob/master/JUnit.xsd): `testsuites`, `testsuite@name,
 * tests, failures, errors, time, timestamp`, `testcase@name, classname, time`, and `failure@message,
 * type` with the detail as text. A failed group's failure names its failure codes with counts
 * and, for the first device of each, what it shows, what the server said and enrollsim's diagnosis, each on a
 * labelled line; a failed expectation says what was expected and what the run got.
 * Built with xml2js, so names from the scenario are escaped by the library.
 */
import xml2js from "xml2js";
import { labelledFailure } from "../device/shown-for.js";
import type { ExtendedSummary } from "./metrics.js";

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** One `<testsuite>` element (xml2js object form) for a run's summary. */
function suiteOf(s: ExtendedSummary): Record<string, unknown> {
  const cases: Record<string, unknown>[] = [];
  for (const e of s.expectations) {
    cases.push({
      $: { name: `expect ${e.name}`, classname: `${s.scenario}.expectations`, time: "0" },
      ...(e.ok ? {} : { failure: { $: { message: `expected ${e.expected}, got ${e.actual}`, type: "expectation" }, _: `${e.name}: expected ${e.expected}\ngot ${e.actual}` } }),
    });
  }
  for (const [name, g] of Object.entries(s.groups).sort(([a], [b]) => a.localeCompare(b))) {
    const codes = Object.entries(g.failures ?? {}).sort(([, a], [, b]) => b - a);
    // Per code, the first device's failure in its three labelled parts: what it shows, what the server said, the diagnosis.
    const lines = codes.flatMap(([code, n]) => [`${code} x${n}`, ...labelledFailure(s.errors[code]?.shown, s.errors[code]?.example).map((l) => `  ${l.label}: ${l.text}`)]);
    const [top] = codes;
    cases.push({
      $: { name: `group ${name}: ${g.enrolled}/${g.devices} enrolled`, classname: `${s.scenario}.groups`, time: seconds(s.durationMs) },
      ...(g.failed === 0
        ? {}
        : {
            failure: {
              $: { message: `${g.failed} of ${g.devices} device(s) failed: ${codes.map(([c, n]) => `${c} x${n}`).join(", ") || "unknown codes"}`, type: top ? top[0] : "failure" },
              _: lines.join("\n"),
            },
          }),
    });
  }
  const failures = cases.filter((c) => "failure" in c).length;
  const properties = [
    { $: { name: "seed", value: s.seed } },
    { $: { name: "devices", value: String(s.devices) } },
    ...(s.shard ? [{ $: { name: "shard", value: `${s.shard.index}/${s.shard.count}` } }] : []),
    ...(s.interrupted ? [{ $: { name: "interrupted", value: s.interrupted.signal } }] : []),
  ];
  return {
    $: { name: s.scenario, tests: String(cases.length), failures: String(failures), errors: "0", skipped: "0", time: seconds(s.durationMs), timestamp: s.startedAt.replace(/\.\d+Z$/, "") },
    properties: { property: properties },
    testcase: cases,
  };
}

/** JUnit XML text of one or more scenario runs. */
export function junitXml(runs: readonly ExtendedSummary[]): string {
  const suites = runs.map(suiteOf);
  const count = (k: string) => String(suites.reduce((n, x) => n + Number((x.$ as Record<string, string>)[k]), 0));
  const root = { testsuites: { $: { name: "enrollsim", tests: count("tests"), failures: count("failures"), errors: "0", time: seconds(runs.reduce((n, r) => n + r.durationMs, 0)) }, testsuite: suites } };
  return new xml2js.Builder({ xmldec: { version: "1.0", encoding: "UTF-8" } }).buildObject(root) + "\n";
}
