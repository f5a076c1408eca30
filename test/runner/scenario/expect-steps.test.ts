// SPDX-License-Identifier: MIT
/** Load-time checks against the rest of the program: step names from the step registry, model/flow platforms. */
import { describe, expect, it } from "vitest";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const ctx = scenarioContext(loadCatalog());
const parse = (text: string) => parseScenario(text, "t.yaml", ctx);
function error(text: string): ScenarioError {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}
const group = (model: string, flow: string) => `name: t\ngroups:\n  - { name: g, model: ${model}, count: 1, flow: ${flow} }\n`;

describe("expect step names are the flows' real step names", () => {
  it("accepts a declared step and a known family member", () => {
    const s = parse(`${group("iphone-15", "ios-profile")}expect:\n  steps:\n    profile.scep: { count: 1 }\n    command.DeviceInformation: { min: 1 }\n    checkin.tokenupdate: { min: 1 }\n`);
    expect(Object.keys(s.expect.steps)).toEqual(["profile.scep", "command.DeviceInformation", "checkin.tokenupdate"]);
  });

  it("refuses a typo with file:line:column and a did-you-mean", () => {
    const e = error(`${group("iphone-15", "ios-profile")}expect:\n  steps:\n    command.DeviceInformatoin: { count: 1 }\n`);
    expect(e.location).toBe("t.yaml:6:5");
    expect(e.message).toContain('unknown step "command.DeviceInformatoin" in expect.steps; known steps of ios-profile');
    expect(e.message).toContain('(did you mean "command.DeviceInformation"?)');
  });

  it("a step written for the wrong phase names the right one for each phase", () => {
    const e = error(`${group("iphone-15", "ios-profile")}expect:\n  steps:\n    checkin.idle: { count: 1 }\n`);
    expect(e.message).toContain('unknown step "checkin.idle" in expect.steps');
    expect(e.message).toContain('did you mean "checkin.command.idle" (a steady-state check-in\'s step) or "command.idle" (an enrollment step)?');
  });

  it("refuses a step of another flow of the same platform family", () => {
    const e = error(`${group("iphone-15", "ios-profile")}expect:\n  latency:\n    ade.enroll: { p95: 100 }\n`);
    expect(e.message).toContain('unknown step "ade.enroll" in expect.latency');
  });

  it("accepts a step any of the scenario's flows has", () => {
    const text = `name: t\ngroups:\n  - { name: a, model: iphone-15, count: 1, flow: ios-ade }\n  - { name: b, model: pixel-8, count: 1, flow: scep }\nexpect:\n  steps:\n    ade.enroll: { count: 1 }\n    scep.certpoll: { count: 0 }\n`;
    expect(Object.keys(parse(text).expect.steps)).toEqual(["ade.enroll", "scep.certpoll"]);
  });
});

describe("a model and a flow from different platforms are refused at load", () => {
  it("names both platforms, the flows that fit and a did-you-mean", () => {
    const e = error(group("iphone-15", "macos-profile"));
    expect(e.code).toBe("scenario.invalid");
    expect(e.location).toBe("t.yaml:3:50");
    expect(e.message).toContain('flow "macos-profile" runs on macos, but model "iphone-15" is of platform ios; flows for ios: scep, ios-profile');
    expect(e.message).toContain('(did you mean "ios-profile"?)');
  });

  it("refuses a Windows flow on an Android model", () => {
    expect(error(group("pixel-8", "windows-byod")).message).toContain('flow "windows-byod" runs on windows, but model "pixel-8" is of platform android');
  });

  it("a platform-neutral flow fits every model", () => {
    expect(parse(group("pixel-8", "scep")).groups[0]!.flow).toBe("scep");
  });
});
