// SPDX-License-Identifier: MIT
/** Activation predicate subset (src/device/apple/ddm-predicate.ts): table-driven plus hostile inputs. */
import { describe, expect, it } from "vitest";
import { PREDICATE_LIMITS, evaluatePredicate, type PredicateValue } from "../../../src/device/apple/ddm-predicate.js";

const STATUS: Record<string, PredicateValue> = {
  "device.model.family": "iPad",
  "device.model.identifier": "iPad14,8",
  "device.operating-system.family": "iPadOS",
  "device.operating-system.version": "17.10.1",
  "device.operating-system.build-version": "21H10",
  "passcode.is-present": true,
  "test.integer-value": 42,
};
const KNOWN = new Set([...Object.keys(STATUS), "device.operating-system.supplemental.extra-version"]);
const ev = (p: unknown) => evaluatePredicate(p, (n) => STATUS[n], (n) => KNOWN.has(n));

describe("activation predicates: supported subset", () => {
  const cases: [string, boolean][] = [
    ['@status(device.model.family) == "iPad"', true],
    ["@status(device.model.family) == 'iPhone'", false],
    ['@status(device.model.family) = "iPad"', true],
    ['@status(device.model.family) != "iPhone"', true],
    ['@status(device.model.family) <> "iPad"', false],
    ['@status(device.operating-system.version) >= "17.9"', true], // version-aware: 17.10.1 > 17.9
    ['@status(device.operating-system.version) < "17.9"', false],
    ['@status(device.operating-system.version) == "17.10.1.0"', true],
    ['@status(device.operating-system.version) > "18"', false],
    ['@status(device.operating-system.version) <= "17.10.1"', true],
    ['@status(device.model.identifier) BEGINSWITH "iPad14,"', true],
    ['@status(device.model.identifier) beginswith "iPhone"', false],
    ['@status(device.operating-system.build-version) ENDSWITH "10"', true],
    ['@status(device.operating-system.build-version) CONTAINS "H1"', true],
    ['@status(device.model.family) IN {"iPhone", "iPad"}', true],
    ['@status(device.model.family) IN {"Mac"}', false],
    ["@status(test.integer-value) > 41 AND @status(test.integer-value) <= 42", true],
    ["@status(test.integer-value) IN {1, 2, 42}", true],
    ["@status(passcode.is-present) == TRUE", true],
    ["@status(passcode.is-present) == NO", false],
    ['NOT @status(device.model.family) == "iPad"', false],
    ['!(@status(device.model.family) == "iPad")', false],
    ['@status(device.model.family) == "iPhone" OR @status(device.model.family) == "iPad"', true],
    ['@status(device.model.family) == "iPhone" || (@status(test.integer-value) == 42 && TRUEPREDICATE)', true],
    ['(@status(device.model.family) == "iPhone" OR @status(device.model.family) == "iPad") AND NOT (@status(test.integer-value) < 10)', true],
    ["FALSEPREDICATE OR TRUEPREDICATE", true],
    // An item the device knows but has no value for: nil, so only != holds.
    ['@status(device.operating-system.supplemental.extra-version) == "(a)"', false],
    ['@status(device.operating-system.supplemental.extra-version) != "(a)"', true],
    ['@status(device.operating-system.supplemental.extra-version) >= "1"', false],
    ['"iPad" == @status(device.model.family)', true],
    ['@status(device.model.family) == "say \\"hi\\""', false],
  ];
  it.each(cases)("%s → %s", (p, want) => {
    expect(ev(p)).toEqual({ ok: true, value: want });
  });
});

describe("activation predicates: outside the subset or broken → typed reasons, never throws", () => {
  const parseErrors: unknown[] = [
    'SUBQUERY(apps, $a, $a.name == "x").@count > 0',
    'ANY @status(device.model.family) == "iPad"',
    'model == "iPad"',
    '@status(device.model.family) MATCHES "iP.*"',
    '@status(device.model.family) LIKE "iP*"',
    '@status(no.such.item) == "x"',
    '@status(device.model.family == "iPad"',
    '@status(device.model.family) == "iPad',
    "@status(device.model.family) ==",
    '@status(device.model.family) "iPad"',
    '(@status(device.model.family) == "iPad"',
    '@status(device.model.family) == "iPad")',
    '@status(device.model.family) IN {@status(device.model.family)}',
    '@status(device.model.family) IN {"a",}',
    "",
    "   ",
    42,
    null,
    { Predicate: "x" },
    "@status(device.model.family) == 'x' AND",
    "€ == 1",
  ];
  it.each(parseErrors.map((p) => [p]))("%j → Error.UnableToParsePredicate", (p) => {
    const r = ev(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe("Error.UnableToParsePredicate");
  });

  it("ordering a string against a number → Error.UnableToEvaluatePredicate", () => {
    expect(ev("@status(device.model.family) > 3")).toMatchObject({ ok: false, code: "Error.UnableToEvaluatePredicate" });
    expect(ev("@status(test.integer-value) BEGINSWITH 4")).toMatchObject({ ok: false, code: "Error.UnableToEvaluatePredicate" });
  });

  it("hostile: deep nesting, long strings, many tokens, huge IN sets are bounded", () => {
    const deep = "(".repeat(10_000) + '@status(device.model.family) == "iPad"' + ")".repeat(10_000);
    expect(ev(deep)).toMatchObject({ ok: false, code: "Error.UnableToParsePredicate" });
    const nots = "NOT ".repeat(1000) + "TRUEPREDICATE";
    expect(ev(nots)).toMatchObject({ ok: false, code: "Error.UnableToParsePredicate" });
    const within = "(".repeat(PREDICATE_LIMITS.maxDepth - 2) + "TRUEPREDICATE" + ")".repeat(PREDICATE_LIMITS.maxDepth - 2);
    expect(ev(within)).toEqual({ ok: true, value: true });
    expect(ev(`@status(device.model.family) == "${"A".repeat(1_000_000)}"`)).toMatchObject({ ok: false, description: expect.stringContaining("longer than") });
    expect(ev(`"${"x".repeat(4000)}`)).toMatchObject({ ok: false, code: "Error.UnableToParsePredicate" });
    expect(ev(Array.from({ length: 300 }, () => "1==1").join(" AND "))).toMatchObject({ ok: false, description: expect.stringContaining("tokens") });
    expect(ev(Array.from({ length: 100 }, () => "TRUEPREDICATE").join(" AND "))).toEqual({ ok: true, value: true });
    const set = `@status(device.model.family) IN {${Array.from({ length: 100 }, (_, i) => `"v${i}"`).join(",")}}`;
    expect(ev(set)).toMatchObject({ ok: false, description: expect.stringContaining("IN set") });
    expect(ev(`@status(${"a.".repeat(200)}b) == 1`)).toMatchObject({ ok: false, code: "Error.UnableToParsePredicate" });
    expect(ev("@status(__proto__) == 1")).toMatchObject({ ok: false, code: "Error.UnableToParsePredicate" });
  });
});
