// SPDX-License-Identifier: MIT
/**
 * Load-time refusals added for issue 10: the removed one-scenario Android device limit
 * (embedded.android.restrictions.deviceLimit → embedded.policy), and a group whose OS release lies
 * outside its catalog model's published range (catalog osSupport), each at file:line:column with what
 * was expected, the model's range and its source.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { osRangeProblem } from "../../../src/device/os-support.js";
import { parseCatalogEntry } from "../../../src/device/catalog.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context = scenarioContext(loadCatalog());

const loadError = (text: string): ScenarioError => scenarioLoadError(text, "ticket.yaml", context);

const one = (model: string, flow: string, state: string) => `name: t\nserver: embedded\ngroups:\n  - { name: g, model: ${model}, count: 1, flow: ${flow}, state: ${state} }\n`;

describe("removed embedded.android.restrictions.deviceLimit", () => {
  it("says what replaced it, at the key", () => {
    const e = loadError(`name: t\nserver: embedded\nembedded:\n  android:\n    restrictions:\n      deviceLimit: 10\ngroups:\n  - { name: g, model: pixel-8, count: 1, flow: android-work-profile }\n`);
    expect(e.location).toBe("ticket.yaml:6:7");
    expect(e.message).toContain("embedded.android.restrictions.deviceLimit was removed; it is replaced by");
    expect(e.message).toContain("embedded: { policy: { restrictions: { deviceLimit: 2 } } }");
    expect(e.expected).toContain("deviceEnrollmentManagers");
  });
});

describe("a group's OS release against its model's range", () => {
  it("an iPhone 15 on iOS 16.4 is below what it shipped with", () => {
    const e = loadError(one("iphone-15", "ios-profile", '{ os: { version: "16.4", build: "20E247" } }'));
    expect(e.location).toBe("ticket.yaml:4:87");
    expect(e.message).toContain("iphone-15 ships with iOS 17.0; state.os 16.4 is below it (supported: iOS 17.0 and later; source: https://");
    expect(e.expected).toBe("a release iphone-15 runs: iOS 17.0 and later, or a model that runs 16.4");
  });

  it("an iPhone 8 on iOS 17 is above its last release; on iOS 16.7.10 it loads", () => {
    expect(loadError(one("iphone-8", "ios-profile", '{ os: { version: "17.5.1", build: 21F90 } }')).message).toContain("iphone-8's last supported release is iOS 16; state.os 17.5.1 is above it");
    expect(() => parseScenario(one("iphone-8", "ios-profile", '{ os: { version: "16.7.10", build: 20H350 } }'), "ok.yaml", context)).not.toThrow();
  });

  it("Android API levels: a Pixel 8 on Android 11 and a Galaxy S9 on Android 12 are refused; the S9 on Android 10 loads", () => {
    expect(loadError(one("pixel-8", "android-work-profile", "{ apiLevel: 30 }")).message).toContain("pixel-8 ships with Android API level 34; state.apiLevel 30 is below it");
    expect(loadError(one("samsung-galaxy-s9", "android-work-profile", "{ apiLevel: 31 }")).message).toContain("samsung-galaxy-s9's last supported release is Android API level 29; state.apiLevel 31 is above it");
    expect(() => parseScenario(one("samsung-galaxy-s9", "android-work-profile", "{ apiLevel: 29 }"), "ok.yaml", context)).not.toThrow();
  });

  it("a refused release names the catalog's models that do run it (did-you-mean); none: where to add one", () => {
    const e = loadError(one("pixel-8", "android-work-profile", "{ apiLevel: 30 }"));
    expect(e.message).toMatch(/state\.apiLevel 30 is below it \(supported: Android API level 34 and later; source: [^)]+\); models in the catalog that run Android API level 30: [a-z0-9, -]+ \(enrollsim devices\)/);
    const named = /run Android API level 30: ([^(]+) \(/.exec(e.message)![1]!.split(", ");
    expect(named).toEqual(expect.arrayContaining(["samsung-galaxy-a03-core", "zebra-tc52"]));
    expect(named).not.toContain("pixel-8");
    expect(named).not.toContain("samsung-galaxy-s9"); // its last release is API 29
    for (const id of named) expect(() => parseScenario(one(id, "android-work-profile", "{ apiLevel: 30 }"), "ok.yaml", context), id).not.toThrow();
    expect(e.expected).toBe("a release pixel-8 runs: Android API level 34 and later, or a model that runs 30");
    expect(loadError(one("iphone-15", "ios-profile", '{ os: { version: "16.4", build: "20E247" } }')).message).toContain("models in the catalog that run iOS 16.4: iphone-8");
    expect(loadError(one("iphone-15", "ios-profile", '{ os: { version: "9.3.5", build: "13G36" } }')).message).toContain("no model in the catalog runs iOS 9.3.5 (add one: devices/README.md, --devices DIR)");
  });

  it("compares Apple majors for the last release and API levels as numbers", () => {
    expect(osRangeProblem({ launch: "11.0", last: "16", source: "https://x" }, "16.7.10")).toBeUndefined();
    expect(osRangeProblem({ launch: "11.0", last: "16", source: "https://x" }, "10.3.4")).toEqual({ side: "below", bound: "11.0" });
    expect(osRangeProblem({ launch: 26, last: 29, source: "https://x" }, 30)).toEqual({ side: "above", bound: "29" });
  });

  it("the catalog refuses a model whose own osVersions contradict its range, at the list", () => {
    const entry = [
      "id: old-phone",
      "platform: android",
      "manufacturer: Acme",
      "marketingName: Old",
      "modelIdentifier: O1",
      'serial: { pattern: "{d8}" }',
      "osSupport: { launch: 26, last: 29, source: https://example.com/old }",
      "osVersions:",
      '  - { version: "11", build: RP1A.1, apiLevel: 30, securityPatch: "2021-01-01" }',
      'network: [{ kind: wifi, ouis: ["00:11:22"] }]',
      "android: { brand: acme, device: old, product: old, gms: true }",
    ].join("\n");
    const pinned = entry.replace('  - { version: "11", build: RP1A.1, apiLevel: 30, securityPatch: "2021-01-01" }', '  - { version: "10", build: QP1A.1, apiLevel: 29, securityPatch: "2021-01-01" }') + "\nstate: { apiLevel: 25 }";
    expect(() => parseCatalogEntry(pinned, "old-phone.yaml")).toThrow(/state: old-phone ships with Android API level 26; state.apiLevel 25 is below it/);
    expect(() => parseCatalogEntry(entry, "old-phone.yaml")).toThrow(/old-phone.yaml:9:3.*osVersions\[0\]: old-phone's last supported release is Android API level 29; apiLevel 30 is above it/s);
  });

  it("every shipped scenario loads against the real catalog's ranges", async () => {
    const root = join(import.meta.dirname, "../../../scenarios");
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".yaml"));
    const failed: string[] = [];
    for (const f of files) await loadScenario(join(root, f)).catch((e: Error) => failed.push(`${f}: ${e.message}`));
    expect(failed).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  }, 60_000);
});
