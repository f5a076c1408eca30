// SPDX-License-Identifier: MIT
/**
 * The Windows build table (devices/windows/builds.yaml, src/device/windows-builds.ts): what each build is (display
 * version), sends (discovery RequestVersion) and shows (an error page per surface), nearest earlier row for builds
 * the table does not name, validation at file:line:column, the user's rows through --devices DIR, custom models with
 * Windows 10 YYMM display versions, and the display version kept through an OS update.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCatalogEntry } from "../../src/device/catalog.js";
import { createDeviceIdentity } from "../../src/device/identity.js";
import { updateOs } from "../../src/device/os-update.js";
import { displayVersionFor, displayVersionProblem, fillScreenText, mergeBuildTables, parseWindowsBuilds, requestVersionFor, screenFor, tpmVulnerabilityCheckFor } from "../../src/device/windows-builds.js";
import { tpmVulnerable } from "../../src/device/windows/state.js";
import { withBuildScreen } from "../../src/device/windows/shown.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import { defaultCatalogDir, loadCatalog, loadCatalogWith, loadWindowsBuilds } from "../../src/runner/catalog-files.js";
import { identityOf } from "../../src/runner/fleet.js";
import { applyStateSets } from "../../src/runner/timeline/device-state.js";

const table = loadWindowsBuilds();
const model = (id: string, os: string) =>
  [
    `id: ${id}`,
    "platform: windows",
    "manufacturer: Dell Inc.",
    "marketingName: Dell OptiPlex 7070",
    "modelIdentifier: OptiPlex 7070",
    "serial: { format: dell-service-tag }",
    "osVersions:",
    `  - ${os}`,
    "network: [{ kind: ethernet, ouis: ['B0:7B:25'] }]",
    "windows: { chassis: desktop, editions: [{ name: Pro, osEdition: 48 }], tpmVersion: '2.0' }",
    "",
  ].join("\n");

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the shipped Windows build table", () => {
  it("names every Windows 10 and 11 release, YYMM up to 2004 and YYH1/YYH2 after", () => {
    const names = table.flatMap((r) => (r.displayVersion ? [r.displayVersion] : []));
    expect(names).toEqual(["1507", "1511", "1607", "1703", "1709", "1803", "1809", "1903", "1909", "2004", "20H2", "21H1", "21H2", "22H2", "21H2", "22H2", "23H2", "24H2", "25H2"]);
    for (const r of table) {
      if (r.displayVersion) expect(r.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      if (r.discovery) expect(r.discovery.source).toMatch(/^(https:\/\/|not published: )/);
    }
  });

  it("RequestVersion by build: exact rows, and the nearest earlier row for builds the table does not name", () => {
    expect(requestVersionFor(table, "10.0.26200.7171")).toMatchObject({ requestVersion: "9.0", build: "26200", source: "https://github.com/fleetdm/fleet/issues/49329" });
    expect(requestVersionFor(table, "10.0.26100.2605")).toMatchObject({ requestVersion: "6.0", build: "22621.3155" }); // 24H2: nearest earlier
    expect(requestVersionFor(table, "10.0.22621.1265")?.requestVersion).toBe("5.0"); // before the 22621.3155 row
    expect(requestVersionFor(table, "10.0.19045.4412")?.requestVersion).toBe("4.0");
    expect(requestVersionFor(table, "10.0.17763.1879")?.requestVersion).toBe("4.0");
    expect(requestVersionFor(table, "10.0.9600.0")).toBeUndefined();
  });

  it("display version by build, an unknown later build taking the nearest earlier release's", () => {
    expect(displayVersionFor(table, "10.0.18363.1556")).toBe("1909");
    expect(displayVersionFor(table, "10.0.19041.1")).toBe("2004");
    expect(displayVersionFor(table, "10.0.26200.7171")).toBe("25H2");
    expect(displayVersionFor(table, "10.0.26300.1")).toBe("25H2");
  });

  it("screens: 25H2's OOBE page for 80180006; not on 24H2, not in Settings, not for another code", () => {
    const row = screenFor(table, "10.0.26200.7171", "oobe", "0x80180006");
    expect(row).toMatchObject({ build: "26200", source: "https://github.com/fleetdm/fleet/issues/49329" });
    expect(fillScreenText(row!.text, "0x80180006")).toBe(
      "Something went wrong. There was an error communicating with the server. Server error code: 80180006 · Correlation ID: Not available · Server message: Not available · More information: https://www.microsoft.com/mdmerrors",
    );
    expect(fillScreenText(row!.text, "0x80180006", { message: "Try later", correlationId: "abc" })).toContain("Correlation ID: abc · Server message: Try later");
    expect(screenFor(table, "10.0.26100.2605", "oobe", "0x80180006")).toBeUndefined();
    expect(screenFor(table, "10.0.26200.7171", "settings", "0x80180006")).toBeUndefined();
    expect(screenFor(table, "10.0.26200.7171", "oobe", "0x80180014")).toBeUndefined();
  });

  it("withBuildScreen replaces the code table's text only where the build publishes its own", () => {
    const out = { ok: false, code: "windows.fault.InternalServiceFault", shown: { code: "0x80180006", text: "There was a problem connecting to the server.", screen: "OOBE (out-of-box experience)" }, serverDetail: {} };
    expect(withBuildScreen(out, table, "10.0.26200.7171").shown.text).toMatch(/^Something went wrong\. There was an error communicating with the server\. Server error code: 80180006/);
    expect(withBuildScreen(out, table, "10.0.26100.2605").shown.text).toBe("There was a problem connecting to the server.");
    const byod = { ...out, shown: { ...out.shown, screen: "Settings › Accounts › Access work or school" } };
    expect(withBuildScreen(byod, table, "10.0.26200.7171").shown.text).toBe("There was a problem connecting to the server.");
  });
});

describe("build table files", () => {
  it("a mistake is reported at file:line:column with what was expected", () => {
    const bad = (text: string) => () => parseWindowsBuilds(text, "builds.yaml");
    expect(bad('builds:\n  - { build: "26200", displayVersion: "2009", source: https://x.test }\n')).toThrow(/builds\.yaml:2:\d+: .*"2009" is not a Windows display version: releases after 2004 are named YYH1\/YYH2 \(did you mean 20H1 or 20H2\?\)/);
    expect(bad('builds:\n  - { build: "26200", discovery: { requestVersion: "9.0", source: "a forum" } }\n')).toThrow(/builds\.yaml:2:\d+: .*not published/);
    expect(bad('builds:\n  - { build: "26200", screens: [{ surface: obe, codes: ["0x80180006"], text: t, source: https://x.test }] }\n')).toThrow(/builds\.yaml:2:\d+: .*oobe/);
    expect(bad('builds:\n  - { build: "26200" }\n')).toThrow(/builds\.yaml:2:\d+: build 26200: a row needs at least one of/);
    expect(bad('builds:\n  - { build: "26200", displayVersion: 25H2, source: https://x.test }\n  - { build: "26200", displayVersion: 25H2, source: https://x.test }\n')).toThrow(/a second row for build 26200/);
  });

  it("--devices DIR: DIR/windows/builds.yaml replaces the shipped row of a build and adds new ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "builds-"));
    dirs.push(dir);
    mkdirSync(join(dir, "windows"));
    writeFileSync(join(dir, "optiplex-7070.yaml"), model("optiplex-7070", '{ version: "10.0.18363.1556", build: "18363.1556", displayVersion: "1909" }'));
    writeFileSync(
      join(dir, "windows", "builds.yaml"),
      'builds:\n  - { build: "26100.4000", discovery: { requestVersion: "7.0", source: https://example.test/capture } }\n  - { build: "26200", displayVersion: 25H2, source: https://example.test/25h2, discovery: { requestVersion: "9.0", source: https://example.test/49329 } }\n',
    );
    const catalog = loadCatalogWith(dir);
    expect(requestVersionFor(catalog.windowsBuilds, "10.0.26100.4000")?.requestVersion).toBe("7.0");
    expect(requestVersionFor(catalog.windowsBuilds, "10.0.26200.7171")?.source).toBe("https://example.test/49329");
    expect(screenFor(catalog.windowsBuilds, "10.0.26200.7171", "oobe", "0x80180006")).toBeUndefined(); // the user's row replaced the shipped one
    expect(catalog.get("optiplex-7070").osVersions[0]!.displayVersion).toBe("1909");
  });
});

describe("display versions of catalog models", () => {
  it("a custom model takes Windows 10's YYMM names; anything else is refused with a did-you-mean", () => {
    expect(parseCatalogEntry(model("m", '{ version: "10.0.18363.1556", build: "18363.1556", displayVersion: "1909" }'), "m.yaml", table).osVersions[0]!.displayVersion).toBe("1909");
    expect(parseCatalogEntry(model("m", '{ version: "10.0.19041.1", build: "19041.1", displayVersion: "2004" }'), "m.yaml", table).osVersions[0]!.displayVersion).toBe("2004");
    expect(() => parseCatalogEntry(model("m", '{ version: "10.0.19042.1", build: "19042.1", displayVersion: "2009" }'), "m.yaml", table)).toThrow(/m\.yaml:8:\d+: .*did you mean 20H1 or 20H2/);
    expect(() => parseCatalogEntry(model("m", '{ version: "10.0.18363.1556", build: "18363.1556", displayVersion: "19H2" }'), "m.yaml", table)).toThrow(/m\.yaml:8:\d+: build 18363\.1556 is 1909, not 19H2/);
    expect(() => parseCatalogEntry(model("m", '{ version: "10.0.18363.1556", build: "18363.1556", displayVersion: "1909x" }'), "m.yaml", table)).toThrow(/not a Windows display version \(did you mean "1909"\?\)/);
    expect(() => parseCatalogEntry(model("m", '{ version: "10.0.18363.1556", build: "18363.1556", displayVersion: "1910" }'), "m.yaml", table)).toThrow(
      /m\.yaml:8:\d+: "1910" is not a Windows 10 release; the YYMM releases are 1507, 1511, .*, 1909, 2004/,
    );
    // Without a displayVersion the table names it.
    expect(parseCatalogEntry(model("m", '{ version: "10.0.17763.1879", build: "17763.1879" }'), "m.yaml", table).osVersions[0]!.displayVersion).toBe("1809");
    expect(displayVersionProblem("24H2")).toBeUndefined();
  });

  it("the shipped catalog agrees with the table", () => {
    const catalog = loadCatalog();
    expect(catalog.get("windows-11-laptop").osVersions.map((o) => o.displayVersion)).toEqual(["23H2", "23H2", "23H2", "24H2", "24H2"]);
    expect(readFileSync(join(defaultCatalogDir(), "windows", "builds.yaml"), "utf8")).toContain("fleetdm/fleet/issues/49329");
  });
});

describe("the display version through state.osVersion and an OS update", () => {
  const catalog = loadCatalog();
  const make = (state: Record<string, unknown>) => createDeviceIdentity(catalog.get("windows-11-laptop"), new SeededEntropySource("builds").forDevice(0, 0), 0, { state: state as never, windowsBuilds: catalog.windowsBuilds });

  it("a pinned build reports its release's display version, and keeps one after an update (it used to lose it)", () => {
    const pc = make({ osVersion: "10.0.26100.2605" });
    expect(pc.os).toEqual({ version: "10.0.26100.2605", build: "26100.2605", displayVersion: "24H2" });
    expect(updateOs(pc, "osVersion", "10.0.26200.7171")).toBe("updated");
    expect(pc.os).toEqual({ version: "10.0.26200.7171", build: "26200.7171", displayVersion: "25H2" });
    expect(requestVersionFor(pc.windows!.builds!, pc.os.version)?.requestVersion).toBe("9.0");
  });

  it("the runner's identities carry the run's table: a timeline set of state.osVersion keeps the display version", () => {
    const { identity } = identityOf(catalog, { entropy: new SeededEntropySource("builds") }, "windows-11-laptop", 0, { osVersion: "10.0.26100.2605" } as never);
    expect(identity.os.displayVersion).toBe("24H2");
    applyStateSets(identity, { osVersion: "10.0.26200.7171" } as never);
    expect(identity.os).toMatchObject({ version: "10.0.26200.7171", displayVersion: "25H2" });
  });
});

describe("tpmVulnerabilityCheck: which builds refuse a vulnerable TPM themselves (0x81039024)", () => {
  const tpm = (firmwareVersion: string) => ({ version: "2.0" as const, kind: "discrete" as const, manufacturer: "infineon" as const, firmwareVersion, attestation: "succeeds" as const });
  const state = (firmwareVersion: string) => ({ enrollments: [], account: { admin: true }, mdmEnrollmentDisabled: false, managementAgents: [], join: "none" as const, tpm: tpm(firmwareVersion), networkLink: "ethernet" as const });

  it("1909 sends the statement (rockenroll.tech), 20H2 and Windows 11 refuse (call4cloud.nl); 2004 is unpublished and takes the 1909 row", () => {
    expect(tpmVulnerabilityCheckFor(table, "10.0.18363.418")).toMatchObject({ refuses: false, build: "18363" });
    expect(tpmVulnerabilityCheckFor(table, "10.0.19041.1")).toMatchObject({ refuses: false, build: "18363" });
    expect(tpmVulnerabilityCheckFor(table, "10.0.19042.630")).toMatchObject({ refuses: true, build: "19042" });
    expect(tpmVulnerabilityCheckFor(table, "10.0.26100.1")?.refuses).toBe(true);
    expect(tpmVulnerabilityCheckFor(table, "10.0.17763.1")).toBeUndefined();
  });

  it("the PC's check: ADV170012 firmware on a refusing build is 0x81039024; patched firmware, an older build or an unstated firmware is not", () => {
    const on = (version: string) => ({ version, builds: table });
    expect(tpmVulnerable(state("7.40.2098.0"), on("10.0.22631.1"))).toMatchObject({ hresult: 0x81039024 });
    expect(tpmVulnerable(state("7.40.2098.0"), on("10.0.22631.1"))!.why).toContain("ADV170012");
    expect(tpmVulnerable(state("7.63.3353.0"), on("10.0.22631.1"))).toBeUndefined();
    expect(tpmVulnerable(state("7.40.2098.0"), on("10.0.18363.418"))).toBeUndefined();
    expect(tpmVulnerable({ ...state("7.40.2098.0"), tpm: { ...tpm("7.40.2098.0"), manufacturer: "nuvoton" } }, on("10.0.22631.1"))).toBeUndefined();
  });

  it("a row's tpmVulnerabilityCheck is validated and a user's row can change a build's answer", () => {
    const bad = (text: string) => () => parseWindowsBuilds(text, "builds.yaml");
    expect(bad('builds:\n  - { build: "26200", tpmVulnerabilityCheck: { refuses: maybe, source: https://x.test } }\n')).toThrow(/builds\.yaml:2:\d+: .*true or false/);
    expect(bad('builds:\n  - { build: "26200", tpmVulnerabilityCheck: { refuses: true, source: "a forum" } }\n')).toThrow(/builds\.yaml:2:\d+: .*not published/);
    const mine = parseWindowsBuilds('builds:\n  - { build: "19041", tpmVulnerabilityCheck: { refuses: true, source: https://example.test/2004 } }\n', "mine.yaml");
    expect(tpmVulnerabilityCheckFor(mergeBuildTables(table, mine), "10.0.19041.1")).toMatchObject({ refuses: true, build: "19041" });
  });
});
