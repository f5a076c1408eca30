// SPDX-License-Identifier: MIT
/**
 * An OS update during a run (timeline `set: { state.os | state.osVersion | state.apiLevel }`, device/os-update.ts):
 * the device's identity reports the new release from its next step or check-in, the per-release capability tables
 * apply from then on, a release the model never ran or a downgrade of a pinned release is refused at load
 * (file:line:column), and a device never installs an older release than it runs.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { applyStateSets, DeviceStateSets, stateSetProblem } from "../../../src/runner/timeline/device-state.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { absentOnBuild } from "../../../src/device/windows/capabilities.js";
import { updateOs } from "../../../src/device/os-update.js";
import { deviceInfo } from "../../../src/device/android/device-info.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const catalog = loadCatalog();
const make = (model: string, state?: Record<string, unknown>) => createDeviceIdentity(catalog.get(model), new SeededEntropySource("osu").forDevice(0, 0), 0, state ? { state: state as never } : {});
const LAPS = "./Device/Vendor/MSFT/LAPS/Policies/BackupDirectory";

describe("updateOs", () => {
  it("Windows: the PC reports the new build and its capability table follows it; never an older build", () => {
    const pc = make("windows-11-laptop", { osVersion: "10.0.22621.1265" });
    expect(absentOnBuild(LAPS, pc.os.version)).toBeDefined(); // LAPS came with the April 11, 2023 update
    expect(updateOs(pc, "osVersion", "10.0.22621.1555")).toBe("updated");
    expect(pc.os).toMatchObject({ version: "10.0.22621.1555", build: "22621.1555" });
    expect(absentOnBuild(LAPS, pc.os.version)).toBeUndefined();
    expect(updateOs(pc, "osVersion", "10.0.22621.1555")).toBe("same");
    expect(updateOs(pc, "osVersion", "10.0.19045.4412")).toBe("older");
    expect(pc.os.version).toBe("10.0.22621.1555");
  });
  it("Apple: a new os object (the catalog's release is shared); another platform's key does nothing", () => {
    const phone = make("iphone-15", { os: { version: "17.5.1", build: "21F90" } });
    const other = make("iphone-15", { os: { version: "17.5.1", build: "21F90" } });
    expect(updateOs(phone, "os", { version: "18.1", build: "22B83" })).toBe("updated");
    expect(phone.os).toEqual({ version: "18.1", build: "22B83" });
    expect(other.os.version).toBe("17.5.1");
    expect(updateOs(phone, "apiLevel", 35)).toBe("not-this-platform");
  });
  it("Android: the API level the behaviour tables read", () => {
    const p = make("pixel-8", { apiLevel: 34 });
    expect(updateOs(p, "apiLevel", 35)).toBe("updated");
    expect(p.android?.apiLevel).toBe(35);
    expect(updateOs(p, "apiLevel", 33)).toBe("older");
  });
  it("Android: the release name follows the API level (source.android.com build numbers), after an update and when pinned at creation", () => {
    const p = make("pixel-8", { apiLevel: 34 });
    expect(p.os.version).toBe("14");
    expect(updateOs(p, "apiLevel", 35)).toBe("updated");
    expect(p.os).toMatchObject({ version: "15", apiLevel: 35 });
    expect(deviceInfo(p).androidVersion).toBe("15"); // what the DPC reports (softwareInfo.androidVersion)
    expect(make("pixel-8", { apiLevel: 36 }).os).toMatchObject({ version: "16", apiLevel: 36 });
    expect(make("samsung-galaxy-s9", { apiLevel: 28 }).os.version).toBe("9");
    expect(make("samsung-galaxy-s9", { apiLevel: 27 }).os.version).toBe("8.1.0");
  });
  it("applyStateSets: the timeline's set is the update, from the device's next step", () => {
    const pc = make("windows-11-laptop", { osVersion: "10.0.22621.1265" });
    const sets = new DeviceStateSets();
    sets.set([0], [{ key: "osVersion", value: "10.0.22631.4317" }]);
    applyStateSets(pc, sets.of(0));
    expect(pc.os.version).toBe("10.0.22631.4317");
  });
});

describe("timeline OS update in a scenario file", () => {
  const ctx = scenarioContext(catalog);
  const text = (group: string, set: string) => `name: t\nserver: embedded\ngroups:\n  - ${group}\ntimeline:\n  - { at: 1s, ${set} }\n`;
  it("accepted as a set; null refused (an OS cannot be taken away)", () => {
    expect(stateSetProblem("osVersion", "10.0.26100.2314")).toBeUndefined();
    expect(stateSetProblem("os", null)?.message).toMatch(/OS release/);
  });
  it("a release the model never ran is refused at file:line:column with the model's range", () => {
    const e = scenarioLoadError(text("{ name: phones, model: iphone-15, count: 1, flow: ios-ade }", 'set: { state.os: { version: "16.7", build: "20H19" } }'), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
    expect(e.message).toMatch(/iphone-15/);
  });
  it("a downgrade of the group's pinned release is refused", () => {
    const e = scenarioLoadError(text('{ name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod, state: { osVersion: "10.0.26100.2314" } }', 'set: { state.osVersion: "10.0.22631.4317" }'), "ticket.yaml", ctx);
    expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
    expect(e.message).toMatch(/downgrade group pcs from 10\.0\.26100\.2314 to 10\.0\.22631\.4317/);
  });
});

describe("win-laps-before-april-2023-update-failing / -fixed (loopback, virtual time)", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  it("without the update every sync answers 404 for the LAPS node; updated mid-run, restarted, the next sync applies it and the PC reports its new build", async () => {
    const failing = (await runScenario(join(dir, "win-laps-before-april-2023-update-failing.yaml"), { keyPoolSize: 8, progress: false })).summary;
    expect(failing).toMatchObject({ ok: true, enrolled: 2 });
    expect(failing.commands?.syncml?.Replace).toEqual({ "200": 2, "404": 2 });
    const fixed = await runScenario(join(dir, "win-laps-before-april-2023-update-fixed.yaml"), { keyPoolSize: 8, progress: false });
    expect(fixed.summary).toMatchObject({ ok: true, enrolled: 2 });
    expect(fixed.summary.commands?.syncml?.Replace).toEqual({ "200": 4 });
    const update = fixed.summary.actions?.find((a) => a.result.includes("state.osVersion"));
    expect(update?.result).toMatch(/2 device\(s\) now have state\.osVersion = "10\.0\.22621\.1555"; 2 enrolled device\(s\) restart into the updated OS/);
  }, 240_000);
});
