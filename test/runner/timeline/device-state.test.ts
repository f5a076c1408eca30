// SPDX-License-Identifier: MIT
/**
 * Device state that changes during a run (runner/timeline/device-state.ts): a timeline `set` of any `state.<key>` the
 * state schema knows, validated by that key's schema at load (file:line:column, did-you-mean), refused for keys read
 * once when the device is made, and read by the flows from the targeted devices' next step or check-in (virtual time).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { applyStateSets, DeviceStateSets, stateSetProblem } from "../../../src/runner/timeline/device-state.js";
import type { DeviceIdentity } from "../../../src/device/identity.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const CAMERA = "./Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera";

describe("stateSetProblem", () => {
  it("accepts a value its key's schema accepts, and null (the key taken away)", () => {
    expect(stateSetProblem("networkLink", "wifi")).toBeUndefined();
    expect(stateSetProblem("winhttpProxy", null)).toBeUndefined();
    expect(stateSetProblem("cspStatus", [{ uri: CAMERA, status: 405 }])).toBeUndefined();
  });
  it("an unknown key gets a did-you-mean; a key read when the device is made is refused; a bad value says what was expected", () => {
    expect(stateSetProblem("networkProxi", {})?.message).toContain("networkProxy");
    expect(stateSetProblem("serialNumber", "C02XYZ")?.message).toMatch(/read once, when the device is made.*group's state:/);
    const bad = stateSetProblem("networkLink", "satellite");
    expect(bad?.expected).toMatch(/ethernet/);
  });
});

describe("DeviceStateSets / applyStateSets", () => {
  it("puts the set keys on a new state object of the targeted device only (a group's state object is shared)", () => {
    const shared = { networkLink: "ethernet" as const };
    const a = { index: 0, state: shared } as unknown as DeviceIdentity;
    const b = { index: 1, state: shared } as unknown as DeviceIdentity;
    const sets = new DeviceStateSets();
    sets.set([0], [{ key: "networkLink", value: "wifi" }]);
    applyStateSets(a, sets.of(0));
    applyStateSets(b, sets.of(1));
    expect(a.state?.networkLink).toBe("wifi");
    expect(b.state?.networkLink).toBe("ethernet");
    expect(shared.networkLink).toBe("ethernet");
    sets.set([0], [{ key: "networkLink", value: null }]);
    applyStateSets(a, sets.of(0));
    expect(a.state && "networkLink" in a.state).toBe(false);
  });
});

describe("timeline set state.<key> in a scenario", () => {
  const ctx = scenarioContext(loadCatalog());
  const text = (set: string) => `name: t\nserver: embedded\ngroups:\n  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }\ntimeline:\n  - { at: 1s, ${set} }\n`;
  it("a bad value gets file:line:column and what was expected", () => {
    const e = scenarioLoadError(text("set: { state.networkLink: satellite }"), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
    expect(e.message).toMatch(/ethernet/);
  });
  it("a misspelt key gets a did-you-mean; an identity key is refused with where to set it", () => {
    expect(scenarioLoadError(text("set: { state.cspStatuss: [] }"), "ticket.yaml", ctx).message).toContain("cspStatus");
    expect(scenarioLoadError(text("set: { state.osEdition: 48 }"), "ticket.yaml", ctx).message).toContain("group's state:");
    // The TPM is not read once: a set of state.tpm is a firmware update (a newer firmwareVersion, 1.2 firmware upgraded to 2.0).
    expect(() => scenarioLoadError(text('set: { state.tpm: { version: "2.0", manufacturer: infineon, firmwareVersion: "7.63.3353.0" } }'), "ticket.yaml", ctx)).toThrow();
  });

  it("a PC whose state changes mid-run answers its next OMA-DM session by the new state (state.cspStatus, virtual time)", async () => {
    const yaml = [
      "name: state-mid-run",
      "seed: 31",
      "server: embedded",
      "groups:",
      "  - { name: pcs, model: windows-11-laptop, count: 2, flow: windows-byod, options: { windows: { upn: ann@contoso.com } } }",
      "arrival: { concurrency: 2 }",
      "load: { steady: { durationSeconds: 14400, intervalSeconds: 3600, jitter: 0, maxCheckinsPerDevice: 1 } }",
      "limits: { durationSeconds: 100000 }",
      "timeline:",
      `  - { after: { enrolled: 2, wait: 1s }, set: { embedded.windows.profiles: [{ name: camera-off, settings: [{ uri: ${CAMERA}, value: '0', format: int }] }] } }`,
      `  - { after: { enrolled: 2, wait: 1s }, devices: [0], set: { state.cspStatus: [{ uri: ${CAMERA}, status: 405 }] }, note: a local policy now refuses the node on one PC }`,
      "  - { after: { enrolled: 2, wait: 2s }, skip: 90m }",
      "  - { after: { step: checkin.dm.session, succeeded: 2, wait: 1s }, skip: 4h }",
      "",
    ].join("\n");
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-state-")), "state.yaml");
    writeFileSync(file, yaml);
    const { summary } = await runScenario(file, { keyPoolSize: 8, progress: false });
    expect(summary.enrolled).toBe(2);
    // Each PC's first session: one Replace (ActiveHoursStart) answered 200; the check-in's profile Replace: 200 on one, 405 on the other.
    expect(summary.commands?.syncml?.Replace).toEqual({ "200": 3, "405": 1 });
  }, 120_000);

  it("win-winhttp-proxy-reset-after-enrolment-failing / -fixed: the WinHTTP proxy taken away mid-run, scheduled syncs time out; set back, served", async () => {
    const dir = join(import.meta.dirname, "../../../scenarios/failures");
    const failing = (await runScenario(join(dir, "win-winhttp-proxy-reset-after-enrolment-failing.yaml"), { keyPoolSize: 8, progress: false })).summary;
    expect(failing).toMatchObject({ ok: true, enrolled: 2 });
    expect(failing.steps["checkin.dm.session"]).toMatchObject({ failed: 4 });
    const fixed = (await runScenario(join(dir, "win-winhttp-proxy-reset-after-enrolment-fixed.yaml"), { keyPoolSize: 8, progress: false })).summary;
    expect(fixed).toMatchObject({ ok: true, enrolled: 2 });
    expect(fixed.steps["checkin.dm.session"]).toMatchObject({ count: 4, failed: 2 });
  }, 240_000);
});
