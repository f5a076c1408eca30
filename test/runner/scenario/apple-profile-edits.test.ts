// SPDX-License-Identifier: MIT
/**
 * `embedded.apple.profile` edits are checked when the file loads against the profile the reference
 * server builds (issue 10, blind trial 4 "doc trip-ups": a remove of a key that does not exist was
 * silent): file:line:column, what is there, a did-you-mean; a set of a key outside Apple's schema
 * is a warning; any YAML value may be set, at the profile's top level too.
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context: ScenarioContext = { modelIds: ["macbook-air-m3"], flows: ["macos-profile"] };
const scenario = (profile: string) => `name: p\nserver: embedded\nembedded:\n  apple:\n    profile:\n${profile}groups:\n  - { name: g, model: macbook-air-m3, count: 1, flow: macos-profile }\n`;

describe("embedded.apple.profile edits at load time", () => {
  it("a remove of a key that is not in the profile: the entry's position, what is there, did you mean", () => {
    const e = scenarioLoadError(scenario("      remove: [com.apple.mdm/IdentityCertificateUUID, com.apple.mdm/ServerCapabilites]\n"), "p.yaml", context);
    expect(e.location).toBe("p.yaml:6:55");
    expect(e.message).toContain('com.apple.mdm has no "ServerCapabilites" (did you mean "ServerCapabilities"?), so there is nothing to remove');
    expect(e.message).toContain("CheckOutWhenRemoved");
  });

  it("a remove of a payload type the profile does not have names the types it has", () => {
    const e = scenarioLoadError(scenario("      remove: [com.apple.security.pkcs1]\n"), "p.yaml", context);
    expect(e.message).toContain("the profile the server builds has no com.apple.security.pkcs1 payload");
    expect(e.message).toContain("com.apple.security.root, com.apple.security.scep, com.apple.mdm");
  });

  it("a set below a key that is not there is refused; a nested remove inside an added payload is accepted", () => {
    const e = scenarioLoadError(scenario("      set: { com.apple.security.scep/PayloadContnt/Challenge: x }\n"), "p.yaml", context);
    expect(e.location).toBe("p.yaml:6:14");
    expect(e.message).toContain('did you mean "PayloadContent"');
    const ok = parseScenario(scenario("      add: [{ PayloadType: com.apple.applicationaccess, allowHostPairing: false }]\n      remove: [com.apple.applicationaccess/allowHostPairing]\n"), "p.yaml", context);
    expect(ok.warnings).toBeUndefined();
  });

  it("lists, mappings and top-level keys can be set; a key outside Apple's schema is a warning, not an error", () => {
    const r = parseScenario(
      scenario("      set:\n        com.apple.mdm/ServerCapabilities: [com.apple.mdm.per-user-connections]\n        Configuration/ConsentText: { default: Agree }\n        Configuration/PayloadScop: System\n"),
      "p.yaml",
      context,
    );
    expect(r.warnings).toEqual(['p.yaml:9:9: warning: set Configuration/PayloadScop: Apple\'s TopLevel schema has no key "PayloadScop" (did you mean "PayloadScope"?); the device ignores keys it does not know']);
  });
});

describe("embedded.apple.portal.profileByBrowser edits at load time", () => {
  it("are checked like embedded.apple.profile: file:line:column and a did-you-mean; a platform that is not one is refused", () => {
    const doc = (body: string) => `name: p\nserver: embedded\nembedded:\n  apple:\n    portal:\n      profileByBrowser:\n${body}groups:\n  - { name: g, model: macbook-air-m3, count: 1, flow: macos-profile }\n`;
    const e = scenarioLoadError(doc("        Mac: { remove: [com.apple.mdm/ServerCapabilites] }\n"), "p.yaml", context);
    expect(e.location).toMatch(/^p\.yaml:7:\d+$/);
    expect(e.message).toContain('did you mean "ServerCapabilities"');
    const bad = scenarioLoadError(doc("        iPod: { set: { Configuration/TargetDeviceType: 1 } }\n"), "p.yaml", context);
    expect(bad.location).toMatch(/^p\.yaml:7:/);
    expect(bad.message).toMatch(/iPhone|iPad/);
    expect(parseScenario(doc("        Mac: { set: { Configuration/TargetDeviceType: 5 } }\n"), "p.yaml", context).warnings).toBeUndefined();
  });
});
