// SPDX-License-Identifier: MIT
/**
 * A `state:` key the group's flow never reads is said at load, with file:line:column, the key, the flow and the flows
 * that read it (device/state-readers.ts; blind trial 12 trip-up T2). One test per platform family, and the silence for
 * keys that do apply.
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = {
  modelIds: ["surface-pro", "iphone-15", "pixel-8"],
  flows: ["windows-byod", "windows-gpo", "windows-autopilot", "ios-profile", "ios-ade", "android-qr", "android-da"],
  modelPlatforms: { "surface-pro": "windows", "iphone-15": "ios", "pixel-8": "android" },
};

const group = (model: string, flow: string, state: string): string => `name: s
groups:
  - name: g
    model: ${model}
    count: 1
    flow: ${flow}
    state: ${state}
`;

const warningsOf = (text: string): string[] => parseScenario(text, "s.yaml", context).warnings ?? [];

describe("state keys the group's flow never reads", () => {
  it("Windows: state.account and state.networkLink on a windows-gpo group are warned about, at the key", () => {
    expect(warningsOf(group("surface-pro", "windows-gpo", "{ account: { admin: false }, networkLink: wifi, join: hybrid-joined }"))).toEqual([
      "s.yaml:7:14: warning: groups[0].state.account: flow windows-gpo never reads state.account, so it has no effect on group g; the flows that read it: windows-byod",
      "s.yaml:7:41: warning: groups[0].state.networkLink: flow windows-gpo never reads state.networkLink, so it has no effect on group g; the flows that read it: windows-autopilot",
    ]);
  });
  it("Windows: keys the flow reads give no warning (managementAgents on windows-gpo since blind trial 12's F1; account on windows-byod)", () => {
    expect(warningsOf(group("surface-pro", "windows-gpo", "{ managementAgents: [intune-pc-agent], join: domain-joined, clockOffset: -1d }"))).toEqual([]);
    expect(warningsOf(group("surface-pro", "windows-byod", "{ account: { admin: false }, mmpcEnrollmentFlag: 2 }"))).toEqual([]);
  });
  it("Apple: Setup Assistant state on a profile enrollment is warned about; on ADE it is read", () => {
    expect(warningsOf(group("iphone-15", "ios-profile", "{ activated: true }"))).toEqual([
      "s.yaml:7:14: warning: groups[0].state.activated: flow ios-profile never reads state.activated, so it has no effect on group g; the flows that read it: ios-ade, macos-ade",
    ]);
    expect(warningsOf(group("iphone-15", "ios-ade", "{ activated: true }"))).toEqual([]);
    // ADE supervises the device itself: state.supervised is the profile flows' only.
    expect(warningsOf(group("iphone-15", "ios-ade", "{ supervised: true }"))[0]).toContain("flow ios-ade never reads state.supervised");
  });
  it("Android: the Company Portal version outside a device administrator enrollment is warned about", () => {
    expect(warningsOf(group("pixel-8", "android-qr", "{ companyPortalVersion: none, qrScannerMaxBytes: 500 }"))).toEqual([
      "s.yaml:7:14: warning: groups[0].state.companyPortalVersion: flow android-qr never reads state.companyPortalVersion, so it has no effect on group g; the flows that read it: android-da",
    ]);
    expect(warningsOf(group("pixel-8", "android-da", "{ companyPortalVersion: none }"))).toEqual([]);
  });
});
