// SPDX-License-Identifier: MIT
/** `%NAME%` templates inside a group's `state:` (issue 10 #2): expanded per device, checked at load. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../src/api/run-scenario.js";
import { expandDeviceData } from "../../src/api/server-data.js";
import { ScenarioError } from "../../src/errors/index.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { identityOf } from "../../src/runner/fleet.js";
import { parseScenario } from "../../src/runner/scenario/load.js";

const catalog = loadCatalog();
const ctx = scenarioContext(catalog);
const entropy = new SeededEntropySource("state-templates");

describe("templates in state:", () => {
  it("%INDEX% in a state value expands per device (virtual Macs with serials VM-<index>)", () => {
    const ids = [3, 4].map((i) => identityOf(catalog, { entropy }, "macbook-air-m3", i, { serialNumber: "VM-%INDEX%", modelIdentifier: "VirtualMac2,1" }).identity);
    expect(ids.map((d) => d.serialNumber)).toEqual(["VM-3", "VM-4"]);
    expect(ids[0]!.modelIdentifier).toBe("VirtualMac2,1");
  });

  it("a state value naming an identifier reads the identity that state built (%SERIAL% after a pinned serial)", () => {
    const { identity } = identityOf(catalog, { entropy }, "pixel-8", 7, { serialNumber: "R58N%INDEX%", model: "%SERIAL%-demo" } as never);
    expect(identity.serialNumber).toBe("R58N7");
    expect(identity.modelIdentifier).toBe("R58N7-demo");
    // the rest of the identity is that of device 7 without templates (one entropy stream per device)
    expect(identity.imei).toBe(identityOf(catalog, { entropy }, "pixel-8", 7).identity.imei);
  });

  it("a variable the device does not have is a scenario error naming the device", () => {
    expect(() => identityOf(catalog, { entropy }, "pixel-8", 0, { serialNumber: "%UDID%" })).toThrow(ScenarioError);
    expect(() => identityOf(catalog, { entropy }, "pixel-8", 0, { serialNumber: "%UDID%" })).toThrow(/state: %UDID% has no value here .*pixel-8#0/);
  });

  it("the server's data sees the expanded serials (%SERIAL@g% over state serials)", () => {
    const s = parseScenario(
      `name: t\nembedded:\n  policy:\n    corporateIdentifiers:\n      serials: ["%SERIAL@vms%"]\ngroups:\n  - { name: vms, model: macbook-air-m3, count: 2, flow: macos-profile, state: { serialNumber: "VM-%INDEX%" } }\n`,
      "t.yaml",
      ctx,
    );
    if (s.server.kind !== "embedded") throw new Error("embedded expected");
    const out = expandDeviceData(s.server, s, catalog, new SeededEntropySource(s.seed));
    expect((out.policy as { corporateIdentifiers: { serials: string[] } }).corporateIdentifiers.serials).toEqual(["VM-0", "VM-1"]);
  });

  it("load: an unknown variable gets a did-you-mean at file:line:column; a run variable is refused", () => {
    const err = (state: string) => {
      try {
        parseScenario(`name: t\ngroups:\n  - name: g\n    model: macbook-air-m3\n    count: 1\n    flow: macos-profile\n    state: ${state}\n`, "t.yaml", ctx);
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return e as ScenarioError;
      }
      throw new Error("expected a ScenarioError");
    };
    const unknown = err(`{ serialNumber: "VM-%INDX%" }`);
    expect(unknown.location).toMatch(/^t\.yaml:7:/);
    expect(unknown.message).toContain('groups[0].state.serialNumber uses unknown variable %INDX% (did you mean "INDEX"?)');
    expect(err(`{ serialNumber: "%SERVER%" }`).message).toContain("%SERVER% is a run variable; a device's state is built before the server listens");
  });

  it("timeline admin actions find a device by the serial its state gave it (deleteRecords of an Android record, over loopback)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-state-")), "t.yaml");
    writeFileSync(
      file,
      `name: t\nseed: 5\nserver: embedded\ngroups:\n  - { name: pixels, model: pixel-8, count: 2, flow: android-qr, state: { serialNumber: "R58N%INDEX%" }, options: { android: { profile: fully-managed } } }\narrival: { concurrency: 1 }\nlimits: { durationSeconds: 120 }\ntimeline:\n  - { after: { enrolled: 2 }, devices: [1], deleteRecords: {} }\n`,
    );
    const { summary } = await runScenario(file, { keyPoolSize: 24, progress: false });
    expect(summary.actions![0]).toMatchObject({ action: "deleteRecords", result: "deleted 1 device record(s) of 1 device(s)" });
  }, 60_000);
});
