// SPDX-License-Identifier: MIT
/** `expect.checkins`: the steady phase's check-ins, checked after the run (report/expectations.ts checkinExpectations). */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import { checkinExpectations } from "../../src/report/expectations.js";

describe("checkinExpectations", () => {
  const facts = { total: 5, failed: 2, codes: { "apple.checkin.unenrolled": 2 } };

  it("checks total, failed and failed-by-code; a number is exact, {min, max} bounds", () => {
    const r = checkinExpectations({ total: { min: 4 }, failed: 2, codes: { "apple.checkin.unenrolled": 2, "apple.checkin.not-enrolled": 0 } }, facts);
    expect(r.map((x) => [x.name, x.ok])).toEqual([
      ["check-ins", true],
      ["check-ins failed", true],
      ["check-ins failed apple.checkin.unenrolled", true],
      ["check-ins failed apple.checkin.not-enrolled", true],
    ]);
  });

  it("fails with what was expected and what happened", () => {
    const [total, code] = checkinExpectations({ total: 3, codes: { "apple.checkin.unenrolled": 1 } }, facts);
    expect(total).toMatchObject({ ok: false, expected: "exactly 3 check-ins", actual: "5 check-ins" });
    expect(code).toMatchObject({ ok: false, actual: "2 check-ins" });
    // No steady phase ran: every count is 0.
    expect(checkinExpectations({ failed: { min: 1 } }, { total: 0, failed: 0 })[0]).toMatchObject({ ok: false, actual: "0 check-ins" });
  });

  it("refuses a malformed block", () => {
    expect(() => checkinExpectations({ totl: 3 }, facts)).toThrow(ScenarioError);
    expect(() => checkinExpectations({ codes: { x: -1 } }, facts)).toThrow(/checkins\.codes\.x/);
  });
});
