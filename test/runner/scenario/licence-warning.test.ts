// SPDX-License-Identifier: MIT
/** A generic licence checked at check-in (embedded.policy.licences[].enforcedAt: [checkin]) warns for groups whose platform's check-in refusal is not modelled. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = { modelIds: ["windows-11-laptop", "pixel-8", "iphone-15"], flows: ["windows-byod", "android-qr", "ios-profile"], modelPlatforms: { "windows-11-laptop": "windows", "pixel-8": "android", "iphone-15": "ios" } };
const scenario = (groups: string, licence: string) => `name: p
server: embedded
groups:
${groups}
embedded:
  policy:
    licences:
      - ${licence}
`;
const PC = "  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }";
const PHONE = "  - { name: phones, model: pixel-8, count: 1, flow: android-qr }";
const IPHONE = "  - { name: iphones, model: iphone-15, count: 1, flow: ios-profile }";

describe("licence check-in warning", () => {
  it("warns at enforcedAt when a Windows or Apple group's check-ins would never be refused", () => {
    const s = parseScenario(scenario(`${PC}\n${PHONE}\n${IPHONE}`, "{ name: EMM, endsAt: 3600, enforcedAt: [checkin] }"), "t.yaml", context);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings![0]).toMatch(/^t\.yaml:10:\d+: warning: embedded\.policy\.licences\[0\]\.enforcedAt: the licence "EMM" refuses check-ins of enrolled Android devices only; on windows, ios it is checked at enrollment only .* keep being served$/);
  });
  it("no warning for Android groups only, a licence limited to Android, a product licence, or enrollment-only checks", () => {
    expect(parseScenario(scenario(PHONE, "{ name: EMM, endsAt: 3600, enforcedAt: [checkin] }"), "t.yaml", context).warnings).toBeUndefined();
    expect(parseScenario(scenario(`${PC}\n${PHONE}`, "{ name: EMM, endsAt: 3600, platforms: [android], enforcedAt: [checkin] }"), "t.yaml", context).warnings).toBeUndefined();
    expect(parseScenario(scenario(PC, "{ name: KM, endsAt: 3600, product: knox-manage, enforcedAt: [checkin] }"), "t.yaml", context).warnings).toBeUndefined();
    expect(parseScenario(scenario(PC, "{ name: EMM, endsAt: 3600 }"), "t.yaml", context).warnings).toBeUndefined();
  });
});
