// SPDX-License-Identifier: MIT
/** Load-time checks of %NAME% templates in group options and server data. */
import { describe, expect, it } from "vitest";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const ctx = scenarioContext(loadCatalog());
function error(text: string): ScenarioError {
  try {
    parseScenario(text, "t.yaml", ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}

describe("templates at load", () => {
  it("an unknown variable in a literal payload: file:line:column and a did-you-mean", () => {
    const e = error(`name: t\ngroups:\n  - name: g\n    model: pixel-8\n    count: 1\n    flow: android-qr\n    options:\n      android:\n        payload: '{"x":"%SERVR%/dpc.apk"}'\n`);
    expect(e.location).toBe("t.yaml:9:18");
    expect(e.message).toContain('groups[0].options.android.payload uses unknown variable %SERVR% (did you mean "SERVER"?)');
  });

  it("an unknown variable in the server's data", () => {
    const e = error(`name: t\nembedded:\n  policy:\n    corporateIdentifiers:\n      serials: ["%SERAIL@g%"]\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\n`);
    expect(e.message).toContain('uses unknown variable %SERAIL% (did you mean "SERIAL"?)');
  });

  it("@group only in server-data lists, and it must name a group", () => {
    expect(error(`name: t\ngroups:\n  - name: g\n    model: windows-11-laptop\n    count: 1\n    flow: windows-byod\n    options:\n      windows: { upn: "%USER@g%@contoso.com" }\n`).message).toContain(
      "names a group; that is for lists of the embedded server's data",
    );
    expect(error(`name: t\nembedded:\n  policy:\n    corporateIdentifiers:\n      serials: ["%SERIAL@crop%"]\ngroups:\n  - { name: corp, model: iphone-15, count: 1, flow: ios-profile }\n`).message).toContain(
      'names no group of the scenario (did you mean "corp"?)',
    );
  });

  it("a device variable in server data outside a list item is refused", () => {
    expect(error(`name: t\nembedded:\n  apple:\n    cloudConfig: { department: "%SERIAL%" }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-ade }\n`).message).toContain(
      "is a device variable; in the embedded server's data it may only stand in a list item",
    );
  });

  it("platform variables (Apple's %SerialNumber%, Windows %RAND:4%) are not enrollsim's and pass", () => {
    expect(() => parseScenario(`name: t\nembedded:\n  apple:\n    scepSubject: "CN=%ComputerName%-%SerialNumber%"\ngroups:\n  - { name: g, model: macbook-air-m3, count: 1, flow: macos-profile }\n`, "t.yaml", ctx)).not.toThrow();
  });

  it("a URL option may start with a run URL template; it is checked as the URL it expands to", () => {
    const scep = (url: string) => `name: t\nserver: embedded\ngroups:\n  - name: g\n    model: iphone-15\n    count: 1\n    flow: scep\n    options:\n      scep: { url: "${url}" }\n`;
    expect(parseScenario(scep("%SERVER%/scep"), "t.yaml", ctx).groups[0]!.options).toMatchObject({ scep: { url: "%SERVER%/scep" } });
    expect(parseScenario(scep("%SCEP_URL%"), "t.yaml", ctx).groups[0]!.options).toMatchObject({ scep: { url: "%SCEP_URL%" } });
    expect(error(scep("ftp://ca.example/scep")).message).toMatch(/an http\(s\) URL, or one starting with %SERVER%/);
    expect(error(scep("%SERVER%:bad port/scep")).message).toMatch(/scep\.url/);
  });
});
