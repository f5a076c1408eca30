// SPDX-License-Identifier: MIT
/** Bad input for `embedded.tls`, `state.clockOffset` and the timeline's `set: {state.clockOffset}`: file:line:column, expected, did-you-mean. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const catalog = loadCatalog();
const ctx = { modelIds: catalog.ids(), flows: ["ios-profile", "scep"] };
const doc = (embedded: string, state = "", timeline = "") => `name: t\nserver: embedded\n${embedded}groups:\n  - { name: phones, model: iphone-15, count: 2, flow: ios-profile${state} }\nlimits: { durationSeconds: 300 }\n${timeline}`;

function error(yaml: string): string {
  try {
    parseScenario(yaml, "s.yaml", ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  return "no error";
}

describe("embedded.tls and device clocks at load", () => {
  it("accepts the vocabulary", () => {
    const s = parseScenario(
      doc(
        'embedded:\n  tls:\n    certificate: { validityDays: 900, notBefore: "-30d", key: rsa-1024, signature: sha1, eku: [], san: false, ca: true, intermediate: { signature: sha1 } }\n    endpoints: [{ path: /scep, certificate: { validityDays: 1095 } }]\n',
        ', state: { clockOffset: "-200d" }',
        'timeline:\n  - { at: 10s, group: phones, set: { state.clockOffset: "0s" } }\n',
      ),
      "s.yaml",
      ctx,
    );
    expect(s.server).toMatchObject({ kind: "embedded", tls: { certificate: { key: "rsa-1024" }, endpoints: [{ path: "/scep" }] } });
    expect(s.groups[0]!.state).toEqual({ clockOffset: "-200d" });
  });

  it("a key type, a signature or an endpoint outside the vocabulary: where, what was expected, did-you-mean", () => {
    expect(error(doc("embedded:\n  tls:\n    certificate: { key: rsa-512 }\n"))).toMatch(/s\.yaml:5:25: embedded\.tls\.certificate\.key must be one of rsa-1024, rsa-2048, .* \(got "rsa-512"\)/);
    expect(error(doc("embedded:\n  tls:\n    certificate: { signature: md5 }\n"))).toMatch(/s\.yaml:5:31: .*sha1, sha256, sha384 \(got "md5"\)/);
    expect(error(doc("embedded:\n  tls:\n    certificate: { validtyDays: 30 }\n"))).toMatch(/s\.yaml:5:20: unknown property "validtyDays" .*did you mean "validityDays"/);
    expect(error(doc("embedded:\n  tls:\n    endpoints: [{ path: windows/enroll }]\n"))).toMatch(/s\.yaml:5:25: embedded\.tls\.endpoints\[0\]\.path must be a path prefix such as "\/EnrollmentServer\/Auth".*\(got "windows\/enroll"\)/);
  });

  it("a clock offset that is not a signed duration, in state or in the timeline", () => {
    expect(error(doc("", ', state: { clockOffset: "yesterday" }'))).toMatch(/s\.yaml:4:90: groups\[0\]\.state\.clockOffset must be a signed duration such as "-90d"/);
    expect(error(doc("", "", "timeline:\n  - { at: 10s, group: phones, set: { state.clockOffset: soon } }\n"))).toMatch(/s\.yaml:7:57: timeline\[0\]\.set\["state\.clockOffset"\] must be a signed duration \(got "soon"\)/);
    expect(error(doc("", "", "timeline:\n  - { at: 10s, set: { state.clock: 0s } }\n"))).toMatch(/s\.yaml:7:23: timeline\[0\]\.set\["state\.clock"\]: state\.clock is not a device state key \(did you mean "clockOffset"\?\)/);
  });
});
