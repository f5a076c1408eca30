// SPDX-License-Identifier: MIT
/** Device state (issue 10 #2): one vocabulary in the catalog and per group, merged key by key, with located errors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogEntry } from "../../src/device/catalog.js";
import { createDeviceIdentity } from "../../src/device/identity.js";
import { mergeState, stateProblem } from "../../src/device/state.js";
import { ScenarioError } from "../../src/errors/index.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { parseScenario } from "../../src/runner/scenario/load.js";

const shipped = (id: string) => readFileSync(join(import.meta.dirname, "../../devices", `${id}.yaml`), "utf8");
const win10 = shipped("windows-10-desktop");
const errorOf = (fn: () => unknown): ScenarioError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
};
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

describe("catalog state", () => {
  it("a model carries default state; a group's state overrides it key by key (lists replace)", () => {
    const model = parseCatalogEntry(`${win10}state:\n  tpm: { kind: virtual, attestation: times-out }\n  join: none\n`, "devices/windows-10-desktop.yaml");
    expect(model.state).toEqual({ tpm: { kind: "virtual", attestation: "times-out" }, join: "none" });
    const id = createDeviceIdentity(model, new SeededEntropySource("s").forDevice(0, 0), 0, { state: { tpm: { attestation: "succeeds" }, osVersion: "10.0.17763.1879" } });
    expect(id.state).toEqual({ tpm: { kind: "virtual", attestation: "succeeds" }, join: "none", osVersion: "10.0.17763.1879" });
    expect(id.os).toEqual({ version: "10.0.17763.1879", build: "17763.1879" });
    expect(mergeState({ enrollments: [{ status: "stale" }] }, { enrollments: [] })).toEqual({ enrollments: [] });
  });

  it("an unknown state value is located at file:line:column with a did-you-mean", () => {
    const text = `${win10}state:\n  join: hybird-joined\n`;
    const err = errorOf(() => parseCatalogEntry(text, "devices/windows-10-desktop.yaml"));
    expect(err.message).toContain(`devices/windows-10-desktop.yaml:${lineOf(text, "hybird")}:9: `);
    expect(err.message).toContain('join "hybird-joined" is not known; did you mean "hybrid-joined"?');
  });

  it("a key of another platform is refused at the key, naming the platform that has it", () => {
    const text = `${win10}state:\n  tmp: { version: "2.0" }\n`;
    expect(errorOf(() => parseCatalogEntry(text, "devices/windows-10-desktop.yaml")).message).toMatch(/:\d+:3: unknown windows state "tmp"; did you mean "tpm"\?/);
    expect(stateProblem({ enrollments: [{ status: "active", ownr: "x" }] }, "windows")).toMatchObject({ path: ["enrollments", 0, "ownr"], anchor: "key" });
    expect(stateProblem({ join: "none" }, "android")).toMatchObject({ message: 'unknown android state "join" (a windows state key)' });
  });
});

describe("scenario groups[].state", () => {
  const ctx = {
    modelIds: ["windows-10-desktop", "pixel-8", "iphone-15", "macbook-air-m3", "ipad-air-m2"],
    modelPlatforms: { "windows-10-desktop": "windows", "pixel-8": "android", "iphone-15": "ios", "macbook-air-m3": "macos", "ipad-air-m2": "ipados" } as const,
    flows: ["windows-gpo", "android-qr", "ios-ade"],
  };
  const scenario = (model: string, flow: string, state: string) => `name: s\ngroups:\n  - name: g\n    model: ${model}\n    count: 1\n    flow: ${flow}\n    state: ${state}\n`;

  it("passes the state through to the resolved group", () => {
    const s = parseScenario(scenario("windows-10-desktop", "windows-gpo", "{ join: none, enrollments: [{ status: stale }] }"), "t.yaml", ctx);
    expect(s.groups[0]!.state).toEqual({ join: "none", enrollments: [{ status: "stale" }] });
  });

  it("an unknown state value: file:line:column and what was expected", () => {
    const err = errorOf(() => parseScenario(scenario("windows-10-desktop", "windows-gpo", "{ join: joined }"), "t.yaml", ctx));
    expect(err.message).toMatch(/^t\.yaml:7:\d+: .*join/);
    expect(err.message).toContain("hybrid-joined");
  });

  it("a Windows state key on an Android group is refused at the key", () => {
    const err = errorOf(() => parseScenario(scenario("pixel-8", "android-qr", "{ join: none }"), "t.yaml", ctx));
    expect(err.message).toMatch(/^t\.yaml:7:\d+: state\.join does not apply to pixel-8 \(platform android\): it is a windows state key/);
  });

  it("an unknown state key lists only the keys of the group's own platform, with a did-you-mean from them (blind trials 3 and 4)", () => {
    const ios = errorOf(() => parseScenario(scenario("iphone-15", "ios-ade", "{ clockOfset: -1d }"), "t.yaml", ctx));
    expect(ios.message).toMatch(/^t\.yaml:7:\d+: unknown property "clockOfset" in groups\[0\]\.state of iphone-15 \(platform ios\); an Apple device's state keys are /);
    expect(ios.message).toContain('did you mean "clockOffset"');
    for (const foreign of ["tpm", "apiLevel", "enrollments"]) expect(ios.message).not.toContain(foreign);
    expect(ios.expected).toContain("clockOffset");
    const win = errorOf(() => parseScenario(scenario("windows-10-desktop", "windows-gpo", "{ joinn: none }"), "t.yaml", ctx));
    expect(win.message).toContain("(platform windows); a Windows device's state keys are");
    expect(win.message).toContain('did you mean "join"');
    expect(win.message).not.toContain("apiLevel");
  });

  it("the session-6 keys (managementAgents, existingWorkProfile, lockdownMode): did-you-mean on the key, the allowed values on a wrong one, foreign platforms refused", () => {
    const win = errorOf(() => parseScenario(scenario("windows-10-desktop", "windows-autopilot", "{ managementAgent: [intune-pc-agent] }"), "t.yaml", ctx));
    expect(win.message).toContain('did you mean "managementAgents"');
    const agent = errorOf(() => parseScenario(scenario("windows-10-desktop", "windows-autopilot", "{ managementAgents: [sccm] }"), "t.yaml", ctx));
    expect(agent.message).toMatch(/^t\.yaml:7:\d+: /);
    expect(agent.message).toContain("intune-pc-agent");
    const android = errorOf(() => parseScenario(scenario("pixel-8", "android-qr", "{ existingWorkProfil: { managedBy: com.example.dpc } }"), "t.yaml", ctx));
    expect(android.message).toContain('did you mean "existingWorkProfile"');
    expect(errorOf(() => parseScenario(scenario("pixel-8", "android-qr", "{ existingWorkProfile: {} }"), "t.yaml", ctx)).message).toContain("managedBy");
    const apple = errorOf(() => parseScenario(scenario("iphone-15", "ios-ade", "{ lockdownmode: true }"), "t.yaml", ctx));
    expect(apple.message).toContain('did you mean "lockdownMode"');
    expect(errorOf(() => parseScenario(scenario("pixel-8", "android-qr", "{ lockdownMode: true }"), "t.yaml", ctx)).message).toMatch(/^t\.yaml:7:\d+: state\.lockdownMode does not apply to pixel-8 \(platform android\): it is an apple state key/);
  });

  it("Shared iPad on an iPhone or a Mac is refused at load (issue 10 #4 small item 3): only iPads have it", () => {
    for (const [model, platform] of [
      ["iphone-15", "ios"],
      ["macbook-air-m3", "macos"],
    ]) {
      const err = errorOf(() => parseScenario(scenario(model!, "ios-ade", '{ sharedIPad: { user: "a@school.example" } }'), "t.yaml", ctx));
      expect(err.message).toMatch(new RegExp(`^t\\.yaml:7:\\d+: state\\.sharedIPad does not apply to ${model} \\(platform ${platform}\\): Shared iPad .*exists only on iPad`));
      expect(err.message).toContain("models that have it: ipad-air-m2");
    }
    expect(() => parseScenario(scenario("ipad-air-m2", "ios-ade", "{ sharedIPad: {} }"), "t.yaml", ctx)).not.toThrow();
  });
});

describe("a catalog model with state: the Hyper-V VM", () => {
  it("carries a virtual TPM as model state, which self-deploying attestation cannot use; a group can override it", async () => {
    const { loadCatalog } = await import("../../src/runner/catalog-files.js");
    const { tpmAttestation, windowsState } = await import("../../src/device/windows/state.js");
    const vm = loadCatalog().get("hyperv-vm");
    expect(vm).toMatchObject({ manufacturer: "Microsoft Corporation", modelIdentifier: "Virtual Machine", state: { tpm: { kind: "virtual" } } });
    const id = createDeviceIdentity(vm, new SeededEntropySource("vm").forDevice(0, 0), 0);
    expect(id.serialNumber).toMatch(/^\d{4}(-\d{4}){5}-\d{2}$/);
    expect(id.macs[0]!.address).toMatch(/^00-15-5D-/);
    expect(tpmAttestation(windowsState(id, "autopilot"))?.hresult).toBe(0x800705b4);
    const passthrough = createDeviceIdentity(vm, new SeededEntropySource("vm").forDevice(0, 0), 0, { state: { tpm: { kind: "discrete" } } });
    expect(tpmAttestation(windowsState(passthrough, "autopilot"))).toBeUndefined();
  });
});
