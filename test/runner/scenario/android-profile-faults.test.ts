// SPDX-License-Identifier: MIT
/**
 * A provisioning-profile fault that no group using the profile can meet is an error at load time
 * (issue 12 #14), with file:line:column, e.g. `fault: no-token` on the work-profile profile, whose
 * flow takes its enrollment token from the link, not from the admin extras.
 */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const context = scenarioContext(loadCatalog());
const scenario = (profile: string, fault: string, group: string) => `name: f
server: embedded
embedded:
  android:
    profiles:
      ${profile}: { fault: ${fault} }
groups:
${group}`;
const errorOf = (text: string): ScenarioError | undefined => {
  try {
    parseScenario(text, "f.yaml", context);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
};

describe("Android profile faults that cannot reach the group", () => {
  it("no-token on a work-profile group (token from the link) is refused at the fault, naming group and flow", () => {
    const e = errorOf(scenario("work-profile", "no-token", "  - { name: byod, model: pixel-8, count: 1, flow: android-work-profile }"));
    expect(e?.message).toMatch(/f\.yaml:6:\d+/);
    expect(e?.message).toMatch(/no-token.*never reaches group "byod".*android-work-profile.*link/);
  });

  it("no-token on the afw#setup token flow (the user types the token) is refused too", () => {
    expect(errorOf(scenario("dedicated", "no-token", "  - { name: kiosk, model: pixel-8, count: 1, flow: android-token }"))?.message).toMatch(/never reaches group "kiosk"/);
  });

  it("no-customer needs a Headwind DPC; nfc-bad-number needs the NFC trigger", () => {
    expect(errorOf(scenario("fully-managed", "no-customer", "  - { name: fm, model: pixel-8, count: 1, flow: android-qr }"))?.message).toMatch(/no-customer.*Headwind/);
    expect(errorOf(scenario("fully-managed", "nfc-bad-number", "  - { name: fm, model: pixel-8, count: 1, flow: android-qr }"))?.message).toMatch(/nfc-bad-number.*NFC/);
    expect(errorOf(scenario("fully-managed", "nfc-bad-number", "  - { name: fm, model: pixel-8, count: 1, flow: android-qr, options: { android: { trigger: nfc } } }"))).toBeUndefined();
  });

  it("a fault the group meets loads: no-token on a QR fully-managed group; a profile no group uses is left alone", () => {
    expect(errorOf(scenario("fully-managed", "no-token", "  - { name: fm, model: pixel-8, count: 1, flow: android-qr }"))).toBeUndefined();
    expect(errorOf(scenario("cope", "no-token", "  - { name: fm, model: pixel-8, count: 1, flow: android-qr }"))).toBeUndefined();
  });
});
