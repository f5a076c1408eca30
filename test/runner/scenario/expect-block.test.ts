// SPDX-License-Identifier: MIT
/** The scenario loader on the new `expect:` keys: ranges, outcomes, shown, present, server. */
import { describe, expect, it } from "vitest";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const ctx = scenarioContext(loadCatalog());
const parse = (text: string) => parseScenario(text, "t.yaml", ctx);
const HEAD = "name: t\ngroups:\n  - { name: g, model: iphone-15, count: 2, flow: ios-profile }\n";
function error(text: string): ScenarioError {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}

describe("expect: ranges, outcomes, shown, present, server", () => {
  it("resolves the new keys and makes the default success ratio 0 when outcomes are expected", () => {
    const s = parse(`${HEAD}expect:\n  successRatio: { max: 0 }\n  latency:\n    profile.scep: { p50: { min: 1 } }\n  steps:\n    ade.enroll: { present: false }\n  outcomes:\n    apple.scep.failInfo.badRequest: { ratio: 1 }\n  shown:\n    - { text: "/FAILURE badRequest/", count: { min: 2 } }\n  server:\n    duplicates: 0\n    certificates: { count: { max: 0 } }\n`.replace("ade.enroll", "profile.download"));
    expect(s.expect).toMatchObject({
      successRatio: { max: 0 },
      latency: { "profile.scep": { p50: { min: 1 } } },
      steps: { "profile.download": { present: false } },
      outcomes: { "apple.scep.failInfo.badRequest": { ratio: 1 } },
      shown: [{ text: "/FAILURE badRequest/", count: { min: 2 } }],
      server: { duplicates: 0, certificates: { count: { max: 0 } } },
    });
    expect(parse(`${HEAD}expect:\n  outcomes:\n    apple.enrolled: { count: 2 }\n`).expect.successRatio).toBe(0);
  });

  it("max below min: file:line:column at max", () => {
    const e = error(`${HEAD}expect:\n  successRatio: { min: 0.9, max: 0.5 }\n`);
    expect(e.location).toBe("t.yaml:5:34");
    expect(e.message).toContain("expect.successRatio.max (0.5) is below min (0.9)");
  });

  it("an unknown key in a range gets a did-you-mean", () => {
    const e = error(`${HEAD}expect:\n  successRatio: { mx: 0 }\n`);
    expect(e.message).toContain('unknown property "mx" in expect.successRatio; expected one of min, max (did you mean "max"?)');
  });

  it("a ratio out of range says what a bound is", () => {
    expect(error(`${HEAD}expect:\n  successRatio: 2\n`).message).toContain("expect.successRatio must be a number from 0 to 1");
  });

  it("present with counts, a bad regex, an unknown ownership", () => {
    expect(error(`${HEAD}expect:\n  steps:\n    profile.scep: { present: true, min: 1 }\n`).message).toContain("cannot be combined with count/min/max");
    expect(error(`${HEAD}expect:\n  shown:\n    - { text: "/(unclosed/" }\n`).message).toContain("expect.shown[0].text not a valid regular expression");
    expect(error(`${HEAD}expect:\n  server:\n    ownership: { corprate: 2 }\n`).message).toContain("corprate");
  });

  it("expect.server against a URL server is a load-time error", () => {
    const e = error(`name: t\nserver: https://mdm.example.test\ngroups:\n  - { name: g, model: iphone-15, count: 2, flow: ios-profile }\nexpect:\n  server:\n    duplicates: 0\n`);
    expect(e.location).toBe("t.yaml:6:3");
    expect(e.message).toContain("expect.server asserts on the embedded reference server's records, but server is https://mdm.example.test");
  });
});
