// SPDX-License-Identifier: MIT
/**
 * Issue 10: options.android.dpc.illegalMode (one scenario, one canned answer) is replaced by device
 * state dpc.provisioningMode, the mode the DPC build on the device answers GET_PROVISIONING_MODE
 * with. Android refuses a mode outside the allowed list, which differs by context: two failures use
 * it (a personal-device mode on a QR fully managed rollout; fully managed on a personal work profile),
 * and an answer inside the list provisions.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const context = scenarioContext(loadCatalog());
const opts = { keyPoolSize: 24, progress: false as const };
const T = 60_000;
const group = (flow: string, rest: string) => `name: t\nserver: embedded\ngroups:\n  - { name: g, model: pixel-8, count: 2, flow: ${flow}${rest} }\n`;

async function run(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-dpc-mode-")), "s.yaml");
  writeFileSync(file, text);
  return (await runScenario(file, opts)).summary;
}

describe("state dpc.provisioningMode", () => {
  it("options.android.dpc.illegalMode is refused at the key with the state that replaces it", () => {
    let err: unknown;
    try {
      parseScenario(group("android-qr", ", options: { android: { dpc: { illegalMode: true } } }"), "ticket.yaml", context);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect((err as ScenarioError).message).toContain("state: { dpc: { provisioningMode: personal-work-profile } }");
  });

  it(
    "a personal-device mode on a QR (organisation-owned) provisioning is refused: invalid-mode",
    async () => {
      const s = await run(group("android-qr", ", state: { dpc: { provisioningMode: personal-work-profile } }"));
      expect(s.outcomes).toEqual({ "android.provision.invalid-mode": 2 });
    },
    T,
  );

  it(
    "fully managed on a personal work profile is refused too; the mode asked for provisions",
    async () => {
      expect((await run(group("android-work-profile", ", state: { dpc: { provisioningMode: fully-managed } }"))).outcomes).toEqual({ "android.provision.invalid-mode": 2 });
      expect((await run(group("android-work-profile", ", state: { dpc: { provisioningMode: work-profile } }"))).enrolled).toBe(2);
    },
    T,
  );
});

describe("removed options.android.device.declineAdmin", () => {
  it("is refused at the key with the timeline abandon at the activation prompt", () => {
    let err: unknown;
    try {
      parseScenario(group("android-da", ", options: { android: { device: { declineAdmin: true } } }"), "ticket.yaml", context);
    } catch (e) {
      err = e;
    }
    expect((err as ScenarioError).location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect((err as ScenarioError).message).toContain("abandon: { step: android.da.activate }");
  });
});
