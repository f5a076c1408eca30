// SPDX-License-Identifier: MIT
/** `embedded.scep.ra` as a mapping: a bad keyUsage is refused with file:line:column and what was expected. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const ctx = { modelIds: ["macbook-pro-2017"], flows: ["macos-profile"] };
const scenario = (ra: string) => `name: ra\nserver: embedded\nembedded:\n  scep:\n    ra: ${ra}\ngroups:\n  - { name: macs, model: macbook-pro-2017, count: 1, flow: macos-profile }\n`;

describe("embedded.scep.ra", () => {
  it("accepts true, { keyUsage: none } and a list of bits", () => {
    for (const ra of ["true", "{ keyUsage: none }", "{ keyUsage: [digitalSignature, keyEncipherment] }"]) expect(() => parseScenario(scenario(ra), "ra.yaml", ctx)).not.toThrow();
    const s = parseScenario(scenario("{ keyUsage: none }"), "ra.yaml", ctx);
    expect(s.server.kind === "embedded" && s.server.scep.ra).toEqual({ keyUsage: "none" });
  });

  it.each([
    ["{ keyUsage: nothing }", /^ra\.yaml:5:21: embedded\.scep\.ra\.keyUsage must be none, or a non-empty list of digitalSignature, .* \(got "nothing"\)/],
    ["{ keyUsage: [] }", /^ra\.yaml:5:21: embedded\.scep\.ra\.keyUsage must not be empty/],
    ["{ keyUsage: [keyEnciphering] }", /^ra\.yaml:5:22: .*keyUsage\[0\] must be one of .*\(did you mean "keyEncipherment"\?\)/],
    ["{ keyusage: none }", /^ra\.yaml:5:11: unknown property "keyusage" in embedded\.scep\.ra.*\(did you mean "keyUsage"\?\)/],
    ["5", /^ra\.yaml:5:9: embedded\.scep\.ra must be true, false or \{ keyUsage: \[keyUsage bits\] \| none \} \(got 5\)/],
  ])("refuses ra: %s with its position", (ra, message) => {
    expect(() => parseScenario(scenario(ra), "ra.yaml", ctx)).toThrow(message);
  });
});
