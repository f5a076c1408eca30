// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { textMatcher, textPatternProblem } from "../../src/runner/text-pattern.js";

describe("expect.shown text patterns", () => {
  it("matches a hexadecimal code in either letter case, both ways", () => {
    expect(textMatcher("0x801C0003")("Securing your hardware (Failed: 0x801c0003)")).toBe(true);
    expect(textMatcher("0x801c0003")("MENROLL_E_X (0x801C0003): …")).toBe(true);
    expect(textMatcher("Failed: 0X801C0003)")("Securing your hardware (Failed: 0x801c0003)")).toBe(true);
  });

  it("keeps the rest of a substring case-sensitive and a different code unmatched", () => {
    expect(textMatcher("securing your hardware")("Securing your hardware (Failed: 0x801c0003)")).toBe(false);
    expect(textMatcher("0x801C0004")("Failed: 0x801c0003")).toBe(false);
    // A code's prefix is still a substring, in any case.
    expect(textMatcher("0x801C")("Failed: 0x801c0003")).toBe(true);
    expect(textMatcher("0x801D")("Failed: 0x801c0003")).toBe(false);
  });

  it("leaves /regex/ patterns to their own flags", () => {
    expect(textMatcher("/0x801C0003/")("0x801c0003")).toBe(false);
    expect(textMatcher("/0x801C0003/i")("0x801c0003")).toBe(true);
    expect(textPatternProblem("/(/")).toMatch(/not a valid regular expression/);
  });
});
