// SPDX-License-Identifier: MIT
/**
 * The per-build capability table (issue 12 #4, issue 10 #3), generated from Microsoft's DDF v2 files: a node the
 * device's build does not have answers 404, a command its access types do not list answers 405, an unknown
 * Policy/Config area is not in the tree; release-line UBRs (LAPS) and scopes count. The last test runs it over
 * loopback against the embedded reference server: the Status codes cross the wire and reach the summary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { CspProcessor, CspTree } from "../../../src/device/windows/csp.js";
import { absentOnBuild, buildHas, CAPABILITY_SOURCE, lookup, parseBuilds, verbRefused } from "../../../src/device/windows/capabilities.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import type { Command } from "../../../src/wire/windows/syncml.js";

const catalog = loadCatalog();
const device = (model: string, osVersion?: string) =>
  createDeviceIdentity(catalog.get(model), new SeededEntropySource("cap").forDevice(0, 0), 0, osVersion ? { state: { osVersion } } : {});
const msg = (body: Command[]) => ({ hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "2", target: "", source: "" }, body, final: true });
const cmd = (verb: string, target: string, data?: string): Command => ({ verb, cmdId: "5", items: [{ target, meta: { format: "int" }, ...(data !== undefined ? { data } : {}) }] });
const replace = (target: string, data = "1") => cmd("Replace", target, data);
/** Policy CSP - Accounts: Windows 11, version 22H2 [10.0.22621] and later. */
const WIN11_22H2 = "./Device/Vendor/MSFT/Policy/Config/Accounts/RestrictToEnterpriseDeviceAuthenticationOnly";
/** Policy CSP - WindowsAI: Windows 11, version 24H2 [10.0.26100] and later. */
const RECALL = "./User/Vendor/MSFT/Policy/Config/WindowsAI/DisableAIDataAnalysis";

function status(identity: ReturnType<typeof device>, c: Command): string | undefined {
  return new CspProcessor(new CspTree(identity)).process(msg([c])).find((s) => s.verb === "Status")?.data;
}

describe("Windows capability table", () => {
  it("Windows 10 19045 answers 404 to a Windows 11 22H2+ policy; Windows 11 22631 answers 200 and reads it back", () => {
    const win10 = device("windows-10-desktop");
    expect(win10.os.version).toMatch(/^10\.0\.19045\./);
    expect(status(win10, replace(WIN11_22H2))).toBe("404");
    expect(absentOnBuild(WIN11_22H2, win10.os.version)).toMatch(/not on Windows 10\.0\.19045.*from 10\.0\.22621.*Accounts_AreaDDF\.xml/);

    const win11 = device("windows-11-laptop", "10.0.22631.4317");
    expect(status(win11, replace(WIN11_22H2))).toBe("200");
    const tree = new CspTree(win11);
    expect(tree.write("Replace", WIN11_22H2, "1", "int")).toBe(200);
    expect(tree.get(WIN11_22H2)).toMatchObject({ status: 200, value: "1" });
  });

  it("the same holds beyond Policy: an Exec node Windows 11 22H2 introduced (RemoteWipe/doWipeCloud)", () => {
    expect(status(device("windows-10-desktop"), cmd("Exec", "./Device/Vendor/MSFT/RemoteWipe/doWipeCloud"))).toBe("404");
    expect(lookup("./Device/Vendor/MSFT/RemoteWipe/doWipeCloud")).toMatchObject({ kind: "node", cap: { file: "RemoteWipe.xml" } });
  });

  it("405 Command not allowed: Replace on a Get-only node, Add on a Get/Replace node, Exec on a setting, Get on an Exec-only node", () => {
    const win11 = device("windows-11-laptop", "10.0.22631.4317");
    expect(status(win11, replace("./Device/Vendor/MSFT/Personalization/DesktopImageStatus"))).toBe("405");
    expect(status(win11, cmd("Add", "./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus/ServerHasFinishedProvisioning", "true"))).toBe("405");
    expect(status(win11, cmd("Replace", "./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus/ServerHasFinishedProvisioning", "true"))).toBe("200");
    expect(status(win11, cmd("Exec", "./Device/Vendor/MSFT/Policy/Config/Experience/AllowClipboardHistory"))).toBe("405");
    expect(status(win11, cmd("Get", "./Device/Vendor/MSFT/RemoteWipe/doWipe"))).toBe("405");
    expect(status(win11, cmd("Delete", "./DevDetail/SwV"))).toBe("405");
    expect(verbRefused("./Device/Vendor/MSFT/Personalization/DesktopImageStatus", "Replace")).toMatch(/allows Get, not Replace \(Personalization\.xml\)/);
  });

  it("a Policy/Config area no build has is not in the tree (404); an ingested ADMX area (App~Policy~Category) is", () => {
    const win11 = device("windows-11-laptop", "10.0.26100.2314");
    expect(status(win11, replace("./Device/Vendor/MSFT/Policy/Config/NoSuchArea/Setting"))).toBe("404");
    expect(status(win11, replace("./Device/Vendor/MSFT/Policy/Config/Experience/NoSuchPolicy"))).toBe("404");
    expect(status(win11, replace("./Device/Vendor/MSFT/Policy/Config/Contoso~Policy~App/Setting", "<enabled/>"))).toBe("200");
    // a CSP without a published DDF keeps the generic rules (docs/windows.md "Capability table")
    expect(lookup("./Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders/X/InstallationState")).toEqual({ kind: "unknown" });
  });

  it("scopes: a Device-only policy under ./User and a Device-only CSP under ./User are not in the tree", () => {
    const win11 = device("windows-11-laptop", "10.0.26100.2314");
    expect(status(win11, replace("./User/Vendor/MSFT/Policy/Config/Experience/AllowClipboardHistory", "0"))).toBe("404");
    expect(status(win11, replace("./Device/Vendor/MSFT/Policy/Config/Experience/AllowClipboardHistory", "0"))).toBe("200");
    expect(absentOnBuild("./User/Vendor/MSFT/LAPS/Policies/BackupDirectory", "10.0.26100.2314")).toMatch(/LAPS has no User scope/);
  });

  it("a Windows 11 24H2 policy: 404 on 19045 and 22631, 200 on 26100", () => {
    expect(status(device("windows-10-desktop"), replace(RECALL))).toBe("404");
    expect(status(device("windows-11-laptop", "10.0.22631.4317"), replace(RECALL))).toBe("404");
    expect(status(device("windows-11-laptop", "10.0.26100.2314"), replace(RECALL))).toBe("200");
  });

  it("LAPS came to each release line with an update: 19045 needs UBR 2784, 22631 needs 1480", () => {
    const laps = "./Device/Vendor/MSFT/LAPS/Policies/BackupDirectory";
    expect(status(device("windows-10-desktop", "10.0.19045.2006"), replace(laps))).toBe("404");
    expect(status(device("windows-10-desktop", "10.0.19045.4412"), replace(laps))).toBe("200");
    expect(status(device("windows-11-laptop", "10.0.22631.1000"), replace(laps))).toBe("404");
    expect(status(device("windows-11-laptop", "10.0.26100.2314"), replace(laps))).toBe("200");
    expect(buildHas(parseBuilds("10.0.20348.1663, 10.0.19041.2784"), "10.0.18363.2000")).toBe(false);
    expect(buildHas(parseBuilds("99.9.99999"), "10.0.26100.9999")).toBe(false); // not in a released build
  });

  it("inside an Atomic the absent node fails the whole set (507) and rolls the rest back (216)", () => {
    const tree = new CspTree(device("windows-10-desktop"));
    const out = new CspProcessor(tree).process(
      msg([{ verb: "Atomic", cmdId: "3", items: [], children: [replace("./Device/Vendor/MSFT/Policy/Config/Experience/AllowClipboardHistory", "0"), { ...replace(WIN11_22H2), cmdId: "6" }] }]),
    );
    expect(out.map((c) => c.data)).toEqual(["507", "216", "404"]);
  });
});

describe("the generated table (src/_generated/windows/csp-nodes.json)", () => {
  const data = JSON.parse(readFileSync(join(import.meta.dirname, "../../../src/_generated/windows/csp-nodes.json"), "utf8")) as {
    source: Record<string, string>;
    files: { file: string; nodes: string[][] }[];
  };
  const BUILDS = /^\d+\.\d+\.\d+(\.\d+)?(, \d+\.\d+\.\d+(\.\d+)?)*$/;

  it("has the generator's format: source commit, one entry per DDF file, rows [URI, access types, builds?]", () => {
    expect(data.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(CAPABILITY_SOURCE.commit).toBe(data.source.commit);
    expect(data.source.repository).toMatch(/^https:\/\/github\.com\//);
    const names = data.files.map((f) => f.file);
    expect(names).toEqual([...names].sort());
    const seen = new Set<string>();
    for (const f of data.files) {
      expect(f.file).toMatch(/^[A-Za-z0-9_.-]+\.xml$/);
      for (const row of f.nodes) {
        expect(row.length === 2 || row.length === 3, `${f.file}: ${row.join(" ")}`).toBe(true);
        const [uri, access, builds] = row;
        expect(uri).toMatch(/^\.\/((Device|User)\/Vendor\/MSFT\/[A-Za-z]|[A-Za-z][A-Za-z0-9]*(\/|$))/);
        expect(seen.has(uri!), uri).toBe(false);
        seen.add(uri!);
        for (const v of access ? access.split(",") : []) expect(["Add", "Delete", "Exec", "Get", "Replace"]).toContain(v);
        if (builds !== undefined) expect(builds, uri).toMatch(BUILDS);
      }
    }
    expect(seen.size).toBeGreaterThan(5000);
  });

  it("covers the CSPs the reference server, the shipped scenarios and the interop servers touch", () => {
    const csps = new Set(data.files.flatMap((f) => f.nodes.map(([u]) => /^\.\/(?:(?:Device|User)\/Vendor\/MSFT\/)?([^/]+)/.exec(u!)![1])));
    for (const c of [
      "DevDetail", "DevInfo", "DMClient", "PassportForWork", "BitLocker", "Defender", "RemoteWipe", "EnterpriseDesktopAppManagement",
      "EnterpriseModernAppManagement", "Reboot", "VPNv2", "WiFi", "ClientCertificateInstall", "RootCATrustedCertificates", "Firewall",
      "DeviceStatus", "NodeCache", "Office", "LAPS", "Personalization", "WindowsLicensing", "HealthAttestation", "DeviceManageability", "AppLocker", "Policy",
    ]) expect(csps, c).toContain(c);
  });
});

describe("over loopback against the reference server", () => {
  it("a profile's Replace statuses reach the server and the summary: 404 on Windows 10, 200 on Windows 11, 405 everywhere", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-cap-"));
    const file = join(dir, "cap.yaml");
    writeFileSync(
      file,
      [
        "name: cap-contract",
        "seed: 7",
        "server: embedded",
        "embedded:",
        "  windows:",
        "    profiles:",
        "      - name: mixed",
        "        settings:",
        `          - { uri: ${WIN11_22H2}, value: "1", format: int }`,
        "          - { uri: ./Device/Vendor/MSFT/Personalization/DesktopImageStatus, value: \"1\", format: int }",
        "groups:",
        "  - { name: win10, model: windows-10-desktop, count: 2, flow: windows-byod }",
        "  - { name: win11, model: windows-11-laptop, count: 1, flow: windows-byod, state: { osVersion: 10.0.22631.4317 } }",
        "",
      ].join("\n"),
    );
    const { summary } = await runScenario(file, { keyPoolSize: 24, progress: false });
    const replaces = (summary as { commands?: { syncml?: Record<string, Record<string, number>> } }).commands?.syncml?.["Replace"] ?? {};
    expect(replaces["404"]).toBe(2);
    expect(replaces["405"]).toBe(3);
    expect(replaces["200"]).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
