// SPDX-License-Identifier: MIT
/**
 * A successRatio given alone (blind trial 11's trip-up): the ratio is the assertion and failure codes are not
 * checked, as scenarios/README.md's `failures` row says ("When the list is given, any other failure code fails the
 * run"); a row lists the codes seen as not asserted. Where no code is expected (no expect, successRatio 1, or
 * `failures: []`), an unexpected code's row says what to write.
 */
import { describe, expect, it } from "vitest";
import { evaluateExpectations, type SummaryFacts } from "../../src/report/expectations.js";
import { parseScenario } from "../../src/runner/scenario/load.js";
import { catalog } from "../runner/timeline/support.js";

const HEAD = "name: t\ngroups:\n  - { name: p, model: pixel-8, count: 2, flow: scep }\n";
const expectOf = (block: string) => parseScenario(HEAD + block, "t.yaml", { modelIds: catalog.ids(), flows: ["scep"] }).expect;

const allFailed: SummaryFacts = {
  devices: 2,
  enrolled: 0,
  failed: 2,
  steps: {},
  errors: { "scep.failInfo.badRequest": { count: 2, blame: "protocol-outcome", step: "scep.pkioperation", example: "bad request" } },
};

describe("expect: failure codes nobody listed", () => {
  it("successRatio: 0 alone passes whatever the devices failed with, and says the codes were not asserted", () => {
    for (const block of ["expect: { successRatio: 0 }\n", "expect: { successRatio: { max: 0 } }\n", "expect: { successRatio: 0.5 }\n"]) {
      const r = evaluateExpectations({ ...allFailed, ...(block.includes("0.5") ? { enrolled: 1, failed: 1 } : {}) }, expectOf(block));
      expect(r.ok, block).toBe(true);
      expect(r.expectations.find((e) => e.name === "failure codes")).toMatchObject({ ok: true, expected: expect.stringContaining("not asserted"), actual: "scep.failInfo.badRequest ×2" });
    }
  });

  it("no expect, successRatio 1 or failures: [] still expect no failure; the unexpected row says what to write", () => {
    for (const block of ["", "expect: { successRatio: 1 }\n", "expect: { successRatio: 0, failures: [] }\n"]) {
      const r = evaluateExpectations(allFailed, expectOf(block));
      expect(r.ok, block).toBe(false);
      const row = r.expectations.find((e) => e.name === "unexpected scep.failInfo.badRequest")!;
      expect(row.ok).toBe(false);
      expect(row.expected).toContain("no failure code is listed as expected");
      expect(row.expected).toContain("add the code to failures:");
      expect(row.expected).toContain("successRatio (e.g. { max: 0 }: none enrolled) without failures:");
    }
  });

  it("a listed code keeps every other one unexpected", () => {
    const r = evaluateExpectations(
      { ...allFailed, errors: { ...allFailed.errors, "transport.timeout": { count: 1, blame: "transport", step: "scep.getcacert", example: "t" } } },
      expectOf("expect: { successRatio: 0, failures: [ { code: scep.failInfo.badRequest, count: 2 } ] }\n"),
    );
    expect(r.expectations.find((e) => e.name === "unexpected transport.timeout")).toMatchObject({ ok: false, expected: "only the listed failure codes" });
  });
});
