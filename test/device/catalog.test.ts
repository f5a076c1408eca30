// SPDX-License-Identifier: MIT
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Catalog, parseCatalogEntry } from "../../src/device/catalog.js";
import type { DeviceModel } from "../../src/device/catalog.js";
import { ScenarioError } from "../../src/errors/index.js";
import { defaultCatalogDir, loadCatalog } from "../../src/runner/catalog-files.js";

const DEVICES = defaultCatalogDir();
const shipped = (id: string) => readFileSync(join(DEVICES, `${id}.yaml`), "utf8");

/** 1-based line and column of the first occurrence of `needle`. */
function where(text: string, needle: string): string {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** Parses and returns the ScenarioError it must throw. */
function parseError(text: string, fileName: string): ScenarioError {
  try {
    parseCatalogEntry(text, fileName);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}

describe("shipped catalog", () => {
  const catalog = loadCatalog();

  it("loads every devices/*.yaml file", () => {
    expect(catalog.ids()).toEqual(
      expect.arrayContaining(["iphone-15", "ipad-air-m2", "macbook-air-m3", "windows-11-laptop", "windows-10-desktop", "pixel-8", "zebra-tc52"]),
    );
  });

  it("carries the real model facts", () => {
    const iphone = catalog.get("iphone-15");
    expect(iphone).toMatchObject({ platform: "ios", modelIdentifier: "iPhone15,4", apple: { udidFormat: "ecid", chipId: "8120" } });
    expect(iphone.osVersions).toContainEqual({ version: "17.5.1", build: "21F90" });
    expect(iphone.osVersions).toContainEqual({ version: "18.1", build: "22B83" });
    expect(catalog.get("macbook-air-m3")).toMatchObject({ platform: "macos", modelIdentifier: "Mac15,12", apple: { udidFormat: "uuid" } });
    expect(catalog.get("macbook-air-m3").osVersions).toContainEqual({ version: "14.5", build: "23F79" });
    expect(catalog.get("ipad-air-m2").platform).toBe("ipados");
    expect(catalog.get("windows-10-desktop").osVersions[0]).toMatchObject({ version: "10.0.19045.4412", build: "19045.4412" });
    expect(catalog.get("windows-11-laptop").osVersions).toContainEqual(expect.objectContaining({ version: "10.0.22631.3593" }));
    expect(catalog.get("windows-11-laptop").windows?.editions).toContainEqual({ name: "Enterprise", osEdition: 4 });
    expect(catalog.get("pixel-8")).toMatchObject({ manufacturer: "Google", android: { device: "shiba", gms: true } });
    expect(catalog.get("pixel-8").osVersions).toContainEqual({ version: "14", build: "AP2A.240805.005", apiLevel: 34, securityPatch: "2024-08-05" });
    expect(catalog.get("zebra-tc52").osVersions.every((os) => os.version === "11" && os.apiLevel === 30)).toBe(true);
  });

  it("every model has a platform section and consistent data", () => {
    for (const m of catalog.list()) {
      const apple = ["ios", "ipados", "macos"].includes(m.platform);
      expect(m.apple !== undefined, m.id).toBe(apple);
      expect(m.windows !== undefined, m.id).toBe(m.platform === "windows");
      expect(m.android !== undefined, m.id).toBe(m.platform === "android");
      for (const os of m.osVersions) if (m.platform === "android") expect(os.apiLevel, m.id).toBe({ "5.0": 21, "5.1.1": 22, "7.0": 24, "7.1.2": 25, "8.0.0": 26, "8.1.0": 27, "11": 30, "14": 34 }[os.version]);
      for (const nic of m.network) for (const oui of nic.ouis) expect(oui).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){2}$/);
    }
  });

  it("list() and ids() are sorted", () => {
    const ids = catalog.ids();
    expect([...ids].sort()).toEqual(ids);
    expect(catalog.list().map((m) => m.id)).toEqual(ids);
  });

  it("get() of an unknown id lists the known ids", () => {
    expect(() => catalog.get("nokia-3310")).toThrow(ScenarioError);
    expect(() => catalog.get("nokia-3310")).toThrow(/unknown device model "nokia-3310"; known models: .*iphone-15.*pixel-8/);
  });
});

describe("Catalog", () => {
  it("rejects duplicate ids", () => {
    const m = { id: "x" } as DeviceModel;
    expect(() => new Catalog([m, m])).toThrow(/defined twice/);
  });
});

describe("parseCatalogEntry errors point at file:line:column", () => {
  const base = shipped("iphone-15");

  it("broken YAML", () => {
    const text = base.replace('tacs: ["35310574", "35628762", "35491631"]', 'tacs: ["35310574", "35628762"');
    const err = parseError(text, "devices/iphone-15.yaml");
    expect(err.message).toMatch(/^devices\/iphone-15\.yaml:\d+:\d+: invalid YAML: /);
    const line = Number(/:(\d+):/.exec(err.message)![1]);
    expect(line).toBeGreaterThanOrEqual(Number(where(text, "tacs:").split(":")[0]));
  });

  it("duplicate key", () => {
    const text = base.replace("platform: ios\n", "platform: ios\nplatform: ipados\n");
    const err = parseError(text, "iphone-15.yaml");
    expect(err.message).toContain(`iphone-15.yaml:${where(text, "platform: ipados")}: invalid YAML`);
  });

  it("a number where a string is expected, with a hint to quote it", () => {
    const text = base.replace('version: "18.1"', "version: 18.1");
    const err = parseError(text, "iphone-15.yaml");
    expect(err.location).toBe(`iphone-15.yaml:${where(text, "18.1, build")}`);
    expect(err.message).toMatch(/expected a string, got 18\.1 \(quote it/);
    expect(err.expected).toBe(`a version such as "17.5.1"`);
  });

  it("a missing required field points at its mapping", () => {
    const text = base.replace("  udidFormat: ecid             # 00008120-XXXXXXXXXXXXXXXX\n", "");
    const err = parseError(text, "iphone-15.yaml");
    expect(err.message).toContain(`iphone-15.yaml:${where(text, "modelName: iPhone")}: apple is missing required field "udidFormat"`);
  });

  it("an unknown field (typo)", () => {
    const text = base.replace("osVersions:", "osVersion:");
    const err = parseError(text, "iphone-15.yaml");
    expect(err.location).toBe(`iphone-15.yaml:${where(text, "osVersion:")}`);
    expect(err.message).toMatch(/unknown field "osVersion" in device model; did you mean "osVersions"\?/);
  });

  it("an unknown field inside a section", () => {
    const text = base.replace("  chipId:", "  chipID:");
    const err = parseError(text, "iphone-15.yaml");
    expect(err.message).toContain(`iphone-15.yaml:${where(text, "chipID")}: unknown field "chipID" in apple`);
  });

  it("an unknown enum value names the choices", () => {
    const text = base.replace("platform: ios", "platform: blackberry");
    const err = parseError(text, "iphone-15.yaml");
    expect(err.location).toBe(`iphone-15.yaml:${where(text, "blackberry")}`);
    expect(err.message).toMatch(/platform "blackberry" is not known \(expected one of ios, ipados, macos, windows, android\)/);
  });

  it("a malformed OUI and TAC", () => {
    let text = base.replace('"F0:18:98", "AC:BC:32"', '"F0:18:98", "AC:BC:3G"');
    let err = parseError(text, "iphone-15.yaml");
    expect(err.location).toBe(`iphone-15.yaml:${where(text, '"AC:BC:3G"')}`);
    expect(err.message).toMatch(/OUI must be three hex octets/);
    text = base.replace('"35628762"', '"3562876"');
    err = parseError(text, "iphone-15.yaml");
    expect(err.location).toBe(`iphone-15.yaml:${where(text, '"3562876"')}`);
    expect(err.message).toMatch(/"3562876" is not valid \(expected a non-empty list of 8-digit TACs/);
  });

  it("an id that does not match the file name", () => {
    const err = parseError(base, "devices/iphone-16.yaml");
    expect(err.message).toContain(`devices/iphone-16.yaml:${where(base, "iphone-15\n")}: id "iphone-15" does not match the file name`);
  });

  it("platform sections must match the platform", () => {
    const android = shipped("pixel-8");
    const err = parseError(android + "apple:\n  modelName: iPhone\n  udidFormat: uuid\n", "pixel-8.yaml");
    expect(err.message).toMatch(/a "apple" section is not allowed for platform android/);
    const noWindows = shipped("windows-10-desktop").replace(/^windows:[\s\S]*$/m, "");
    expect(parseError(noWindows, "windows-10-desktop.yaml").message).toMatch(/platform windows needs a "windows" section/);
  });

  it("Windows build must agree with the version", () => {
    const text = shipped("windows-10-desktop").replace('build: "19045.4651"', 'build: "19045.4652"');
    const err = parseError(text, "windows-10-desktop.yaml");
    expect(err.location).toBe(`windows-10-desktop.yaml:${where(text, '"19045.4652"')}`);
  });

  it("Android releases need apiLevel and a patch date", () => {
    const text = shipped("pixel-8").replace('apiLevel: 34, securityPatch: "2024-02-05"', 'apiLevel: "34", securityPatch: "2024-02-05"');
    expect(parseError(text, "pixel-8.yaml").message).toMatch(/apiLevel must be an integer from 1 to 40, got "34"/);
  });

  it("a bad serial pattern", () => {
    const text = shipped("pixel-8").replace("{d5}FDJH00{C3}", "{q5}FDJH");
    expect(parseError(text, "pixel-8.yaml").location).toBe(`pixel-8.yaml:${where(text, '"{q5}FDJH"')}`);
  });

  it("an empty file or a list at the top", () => {
    expect(parseError("", "e.yaml").message).toMatch(/^e\.yaml:1:1: device model must be a mapping, got nothing/);
    expect(parseError("- a\n- b\n", "e.yaml").message).toMatch(/^e\.yaml:1:1: device model must be a mapping, got a list/);
  });

  it("a valid entry with cellular MEID generation parses", () => {
    const text = base.replace("  meid: from-imei", '  meid: generated\n  meidPrefix: "a1000012"');
    expect(parseCatalogEntry(text, "iphone-15.yaml").cellular).toMatchObject({ meid: "generated", meidPrefix: "A1000012" });
  });
});

describe("loadCatalog", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("reports the file of a broken entry", () => {
    dir = mkdtempSync(join(tmpdir(), "enrollsim-catalog-"));
    writeFileSync(join(dir, "iphone-15.yaml"), shipped("iphone-15"));
    writeFileSync(join(dir, "broken.yaml"), "id: broken\nplatform: [\n");
    expect(() => loadCatalog(dir)).toThrow(/broken\.yaml:\d+:\d+: invalid YAML/);
  });

  it("loads a directory and ignores non-YAML files", () => {
    dir = mkdtempSync(join(tmpdir(), "enrollsim-catalog-"));
    writeFileSync(join(dir, "pixel-8.yaml"), shipped("pixel-8"));
    writeFileSync(join(dir, "README.md"), "# not a model\n");
    expect(loadCatalog(dir).ids()).toEqual(["pixel-8"]);
  });

  it("empty and missing directories are ScenarioErrors", () => {
    dir = mkdtempSync(join(tmpdir(), "enrollsim-catalog-"));
    expect(() => loadCatalog(dir)).toThrow(/has no \.yaml files/);
    expect(() => loadCatalog(join(dir, "nope"))).toThrow(ScenarioError);
  });

});

describe("the TPM of a Windows model", () => {
  const laptop = shipped("windows-11-laptop");
  it("tpmManufacturer and tpmFirmwareVersion are optional data the Windows state defaults to", () => {
    const text = laptop.replace(/tpmVersion: "?2\.0"?/, 'tpmVersion: "2.0"\n  tpmManufacturer: infineon\n  tpmFirmwareVersion: "7.63.3353.0"');
    const m = parseCatalogEntry(text, "windows-11-laptop.yaml");
    expect(m.windows).toMatchObject({ tpmManufacturer: "infineon", tpmFirmwareVersion: "7.63.3353.0" });
  });
  it("a malformed firmware version or an unknown maker gets file:line:column", () => {
    const bad = laptop.replace(/tpmVersion: "?2\.0"?/, 'tpmVersion: "2.0"\n  tpmFirmwareVersion: "seven"');
    expect(parseError(bad, "windows-11-laptop.yaml").message).toContain("Get-Tpm ManufacturerVersion");
    const maker = laptop.replace(/tpmVersion: "?2\.0"?/, 'tpmVersion: "2.0"\n  tpmManufacturer: infinion');
    expect(parseError(maker, "windows-11-laptop.yaml").message).toMatch(/infinion.*infineon/);
  });
});
