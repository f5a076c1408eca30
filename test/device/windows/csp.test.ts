// SPDX-License-Identifier: MIT
/** The DM tree and MS-MDM command semantics: Get/Results, 404, 405, Atomic rollback, Sequence; MSI jobs and ESP settings. */
import type { MsiContentFetcher } from "../../../src/device/windows/msi-content.js";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { CspProcessor, CspTree } from "../../../src/device/windows/csp.js";
import { MsiJobs, readEspSettings, trackedItems } from "../../../src/device/windows/esp.js";
import { expandNameTemplate } from "../../../src/device/windows/options.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { parseSyncML, type Command } from "../../../src/wire/windows/syncml.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const identity = createDeviceIdentity(loadCatalog().get("windows-11-laptop"), new SeededEntropySource("csp").forDevice(0, 0), 0);
const msg = (body: Command[]) => ({ hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "3", target: "", source: "" }, body, final: true });

describe("CSP processor", () => {
  it("answers the fixture: Get → 200 + Results; Atomic with an unknown node → 507, 216 rollback, 404", () => {
    const tree = new CspTree(identity);
    const p = new CspProcessor(tree);
    const fx = parseSyncML(readFileSync(join(import.meta.dirname, "../../fixtures/windows/syncml-server.xml"), "utf8"));
    const out = p.process(fx);
    expect(out.map((c) => [c.verb, c.cmdRef, c.cmd, c.data ?? c.items[0]?.data])).toEqual([
      ["Status", "2", "Get", "200"],
      ["Results", "2", undefined, identity.os.version],
      ["Status", "3", "Atomic", "507"],
      ["Status", "4", "Replace", "216"],
      ["Status", "5", "Replace", "404"],
    ]);
    expect(out.every((c) => c.msgRef === "1")).toBe(true);
    expect(tree.get("./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart").status).toBe(404); // rolled back
  });

  it("the tree has a memory budget: a write past it is answered 420 Device full, smaller writes and deletes go on", () => {
    const tree = new CspTree(identity);
    tree.budgetBytes = 200_000;
    const big = "v".repeat(40_000);
    // An ingested ADMX area (ConfigOperations/ADMXInstall) is named by the server: a hostile server can fill it.
    const node = (i: number) => `./Device/Vendor/MSFT/Policy/Config/Hostile~Policy~Fill/N${i}`;
    const codes = Array.from({ length: 5 }, (_, i) => tree.write("Add", node(i), big));
    expect(codes).toEqual([200, 200, 420, 420, 420]);
    expect(tree.write("Replace", node(0), "small")).toBe(200); // shrinking is always allowed
    expect(tree.write("Add", node(2), big)).toBe(200);
    expect(tree.delete(node(1))).toBe(200);
    expect(tree.write("Add", node(3), big)).toBe(200);
  });

  it("Policy/Config: Get returns what was set, byte-exact (ADMX CDATA); read-only nodes 405; Add twice 418; Delete", () => {
    const tree = new CspTree(identity);
    const p = new CspProcessor(tree);
    const admx = '<enabled/><data id="X" value="a &amp; b"/>';
    const uri = "./Device/Vendor/MSFT/Policy/Config/ADMX_ActiveXInstallService/AxISURLZonePolicies";
    const out = p.process(
      msg([
        { verb: "Add", cmdId: "1", items: [{ target: uri, data: admx }] },
        { verb: "Add", cmdId: "2", items: [{ target: uri, data: "x" }] },
        { verb: "Get", cmdId: "3", items: [{ target: uri }] },
        { verb: "Replace", cmdId: "4", items: [{ target: "./DevInfo/Man", data: "x" }] },
        { verb: "Get", cmdId: "5", items: [{ target: "./Vendor/MSFT/Nope/Node" }] },
        { verb: "Delete", cmdId: "6", items: [{ target: uri }] },
        { verb: "Sequence", cmdId: "7", items: [], children: [{ verb: "Get", cmdId: "8", items: [{ target: "./DevInfo/DmV" }] }] },
        { verb: "Replace", items: [{ target: uri, data: "x" }] },
        { verb: "Frobnicate", cmdId: "9", items: [] },
      ]),
    );
    expect(out.filter((c) => c.verb === "Status").map((c) => [c.cmdRef, c.data])).toEqual([
      ["1", "200"],
      ["2", "418"],
      ["3", "200"],
      ["4", "405"],
      ["5", "404"],
      ["6", "200"],
      ["7", "200"],
      ["8", "200"],
      ["", "400"],
      ["9", "400"],
    ]);
    expect(out.find((c) => c.verb === "Results" && c.cmdRef === "3")!.items[0]!.data).toBe(admx);
  });

  it("interior-node Get lists children; Get inside Atomic is 500", () => {
    const tree = new CspTree(identity);
    const p = new CspProcessor(tree);
    const out = p.process(msg([{ verb: "Get", cmdId: "1", items: [{ target: "./DevInfo" }] }, { verb: "Atomic", cmdId: "2", items: [], children: [{ verb: "Get", cmdId: "3", items: [{ target: "./DevInfo/Man" }] }] }]));
    expect(out[1]!.items[0]!.data!.split("/").sort()).toEqual(["DevId", "DmV", "Lang", "Man", "Mod"]);
    expect(out.filter((c) => c.verb === "Status").map((c) => c.data)).toEqual(["200", "507", "500"]);
  });
});

/** A download that succeeded (content and hash checked): the unit tests below exercise the install half. */
const fetched: MsiContentFetcher = async () => ({ ok: true, bytes: 1 });

describe("MSI jobs and ESP tracking", () => {
  it("a failed download (404, bad hash) is Status 30 with the HRESULT in LastError and the 1226 alert; no install runs", async () => {
    const clock = new VirtualClock(0);
    const tree = new CspTree(identity);
    const jobs = new MsiJobs(tree, clock, 60_000, async () => ({ ok: false, lastError: "0x80190194", text: "404" }));
    const target = "./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BABC%7D/DownloadInstall";
    expect(jobs.exec(target, "<MsiInstallJob><ContentURL>https://x/a.msi</ContentURL><FileHash>AB</FileHash></MsiInstallJob>")).toBe(202);
    expect(tree.nodes.get("./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BABC%7D/Status")?.value).toBe("20");
    await clock.advance(1);
    expect(tree.nodes.get("./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BABC%7D/Status")?.value).toBe("30");
    expect(tree.nodes.get("./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BABC%7D/LastError")?.value).toBe("0x80190194");
    expect(jobs.takeAlerts()[0]).toMatchObject({ data: "1226", items: [{ data: "0x80190194" }] });
    await clock.advance(10 * 60_000);
    expect(jobs.jobs.get("{ABC}")?.status).toBe(30);
  });

  it("Exec DownloadInstall → 202, Status 70 after the install time on the virtual clock, then a 1226 alert", async () => {
    const clock = new VirtualClock(0);
    const tree = new CspTree(identity);
    const jobs = new MsiJobs(tree, clock, 60_000, fetched);
    tree.hooks.exec = (uri, data) => jobs.exec(uri, data) ?? 404;
    const target = "./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BABC%7D/DownloadInstall";
    const job = "<MsiInstallJob><ContentURL>https://x/a.msi?enrollsim-app=App&amp;enrollsim-install-minutes=5</ContentURL></MsiInstallJob>";
    expect(tree.exec(target, job)).toBe(202);
    const fss = "./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus";
    tree.nodes.set(`${fss}/ExpectedMSIAppPackages`, { value: "./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BABC%7D/Status;1" });
    tree.nodes.set(`${fss}/TimeOutUntilSyncFailure`, { value: "10800" });
    const s = readEspSettings(tree, "P", {});
    expect(s.findings[0]).toContain("10800");
    expect(trackedItems(tree, s, jobs)).toEqual([{ kind: "msi", id: "App", scope: "device", state: "pending" }]);
    await clock.advance(4 * 60_000);
    expect(jobs.alerts).toHaveLength(0);
    await clock.advance(60_000);
    expect(trackedItems(tree, s, jobs)[0]!.state).toBe("done");
    expect(jobs.takeAlerts()[0]).toMatchObject({ verb: "Alert", data: "1226", items: [{ data: "0", meta: { type: "Reversed-Domain-Name:com.microsoft.mdm.win32csp_install" } }] });
  });

  it("the package's installer exit code decides the job: 3010 completes (70), 1603 fails (60, LastError 1603), 1641 restarts Windows (stays 50, a reboot)", async () => {
    const clock = new VirtualClock(0);
    const tree = new CspTree(identity);
    const jobs = new MsiJobs(tree, clock, 60_000, fetched);
    const run = (code: string, exit: number) =>
      jobs.exec(`./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7B${code}%7D/DownloadInstall`, `<MsiInstallJob><ContentURL>https://x/${code}.msi?enrollsim-app=${code}&amp;enrollsim-install-minutes=2&amp;enrollsim-exit-code=${exit}</ContentURL></MsiInstallJob>`);
    expect([run("SOFT", 3010), run("FAIL", 1603), run("BOOT", 1641)]).toEqual([202, 202, 202]);
    await clock.advance(1);
    const status = (code: string) => tree.nodes.get(`./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7B${code}%7D/Status`)?.value;
    expect([status("SOFT"), status("FAIL"), status("BOOT")]).toEqual(["50", "50", "50"]);
    expect(jobs.reboot).toBeUndefined();
    await clock.advance(2 * 60_000);
    expect([status("SOFT"), status("FAIL"), status("BOOT")]).toEqual(["70", "60", "50"]);
    expect(tree.nodes.get("./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BFAIL%7D/LastError")?.value).toBe("1603");
    expect(jobs.jobs.get("{FAIL}")?.error).toContain("1603");
    expect(jobs.reboot).toMatchObject({ by: "BOOT", kind: "app" });
    expect(jobs.takeAlerts().map((a) => a.items[0]!.data)).toEqual(["3010", "1603"]);
  });

  it("Fleet's child-node form of ExpectedPolicies is read too", () => {
    const tree = new CspTree(identity);
    const fss = "./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus";
    tree.nodes.set(`${fss}/ExpectedPolicies/${encodeURIComponent("./Device/Vendor/MSFT/Policy/Config/A/B")}`, { value: "" });
    tree.nodes.set(`${fss}/ExpectedPolicies`, { value: "./Device/Vendor/MSFT/Policy/Config/C/D\uf000./User/Vendor/MSFT/Policy/Config/E/F" });
    expect(readEspSettings(tree, "P", {}).expectedPolicies.sort()).toEqual(
      ["./Device/Vendor/MSFT/Policy/Config/A/B", "./Device/Vendor/MSFT/Policy/Config/C/D", "./User/Vendor/MSFT/Policy/Config/E/F"].sort(),
    );
  });
});

describe("device-name templates", () => {
  it("expands %SERIAL% and %RAND:n% with the length rules", () => {
    expect(expandNameTemplate("PC-%SERIAL%", "ABC1234", () => "", 15)).toBe("PC-ABC1234");
    expect(expandNameTemplate("MYPC-%RAND:6%", "X", (n) => "1".repeat(n), 15)).toBe("MYPC-111111");
    expect(expandNameTemplate("K-%SERIAL%", "0123456789ABCDEFGH", () => "", 15)).toBe("K-56789ABCDEFGH");
    expect(() => expandNameTemplate("PC-%serial%", "A", () => "", 15)).toThrow(/upper case/);
    expect(() => expandNameTemplate("123", "A", () => "", 15)).toThrow(/not all digits/);
    expect(() => expandNameTemplate("has space", "A", () => "", 15)).toThrow();
  });
});

import { pollSchedule } from "../../../src/device/windows/enrollment.js";
describe("poll schedule", () => {
  it("first set, second set, then the remaining interval", () => {
    expect(pollSchedule({ NumberOfFirstRetries: "2", IntervalForFirstSetOfRetries: "3", NumberOfSecondRetries: "1", IntervalForSecondSetOfRetries: "15", IntervalForRemainingScheduledRetries: "480" }, 5)).toEqual([3, 3, 15, 480, 480]);
  });
});

import { hardwareHash } from "../../../src/device/windows/csp.js";
describe("hardware hash", () => {
  it("is stable per device, ~4 KB base64, and changes with replaced parts (state.hardwareReplaced)", () => {
    const a = hardwareHash(identity);
    expect(a).toBe(hardwareHash(identity));
    expect(a.length).toBe(4096);
    expect(new CspTree(identity).get("./DevDetail/Ext/DeviceHardwareData").value).toBe(a);
    // Replaced parts (state.hardwareReplaced) change the hash it reports, in any order; the harvested one stays.
    const swapped = { ...identity, state: { ...identity.state, hardwareReplaced: ["nic", "motherboard"] as ("nic" | "motherboard")[] } };
    expect(hardwareHash(swapped)).not.toBe(a);
    expect(hardwareHash(swapped)).not.toBe(hardwareHash({ ...identity, state: { hardwareReplaced: ["nic"] } }));
    expect(hardwareHash({ ...swapped, state: { hardwareReplaced: ["motherboard", "nic"] } })).toBe(hardwareHash(swapped));
    expect(hardwareHash(swapped, true)).toBe(a);
    expect(new CspTree(swapped).get("./DevDetail/Ext/DeviceHardwareData").value).toBe(hardwareHash(swapped));
  });
});

describe("ESP network profiles and PFX certificates", () => {
  it("ExpectedNetworkProfiles and ExpectedPFXCerts items are done once their nodes are set", () => {
    const clock = new VirtualClock(0);
    const tree = new CspTree(identity);
    const jobs = new MsiJobs(tree, clock, 60_000, fetched);
    const fss = "./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus";
    tree.nodes.set(`${fss}/ExpectedNetworkProfiles`, { value: "./Vendor/MSFT/WiFi/Profile/CorpNet/WlanXml" });
    tree.nodes.set(`${fss}/ExpectedPFXCerts`, { value: "./Device/Vendor/MSFT/ClientCertificateInstall/PFXCertInstall/VPN/PFXCertBlob" });
    const s = readEspSettings(tree, "P", {});
    expect(trackedItems(tree, s, jobs).map((i) => [i.kind, i.state])).toEqual([
      ["network", "pending"],
      ["pfx", "pending"],
    ]);
    expect(tree.write("Add", "./Vendor/MSFT/WiFi/Profile/CorpNet/WlanXml", "<WLANProfile/>")).toBe(200);
    expect(tree.write("Add", "./Device/Vendor/MSFT/ClientCertificateInstall/PFXCertInstall/VPN/PFXCertBlob", "MIIK")).toBe(200);
    expect(trackedItems(tree, s, jobs).map((i) => i.state)).toEqual(["done", "done"]);
  });
});

import { autopilotCsvLine } from "../../../src/device/windows/csp.js";
describe("Autopilot registration CSV", () => {
  it("serial, product ID, hash and optional group tag", () => {
    const cols = autopilotCsvLine(identity, "Kiosk").split(",");
    expect(cols).toHaveLength(4);
    expect(cols[0]).toBe(identity.serialNumber);
    expect(cols[1]).toMatch(/^\d{5}-\d{5}-\d{5}-AA\d{3}$/);
    expect(cols[2]).toBe(hardwareHash(identity));
    expect(cols[3]).toBe("Kiosk");
  });
});

describe("round-2 device behaviours", () => {
  it("ADMX-backed values: Get returns the bytes set by default, 404 under a cspStatus rule that makes them write-only", () => {
    const uri = "./Device/Vendor/MSFT/Policy/Config/MicrosoftEdge~Policy~microsoft_edge~Startup/HomepageLocation";
    const value = '<enabled/><data id="HomepageLocation" value="https://intranet.contoso.com"/>';
    const exact = new CspTree(identity);
    expect(exact.write("Replace", uri, value)).toBe(200);
    expect(exact.get(uri)).toMatchObject({ status: 200, value });
    const wo = new CspTree(identity);
    wo.answerWith([{ uri: "./Device/Vendor/MSFT/Policy/Config/*~Policy~*", verb: "Get", status: 404 }]);
    expect(wo.write("Replace", uri, value)).toBe(200);
    expect(wo.get(uri).status).toBe(404);
    // nodes the glob does not match stay readable
    expect(wo.write("Replace", "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart", "8")).toBe(200);
    expect(wo.get("./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart").value).toBe("8");
  });

  it("cspStatus rules: any verb or one verb, ./Vendor and ./Device/Vendor alike, before the capability table", () => {
    const tree = new CspTree(identity);
    tree.answerWith([
      { uri: "./Vendor/MSFT/RemoteWipe/doWipe", verb: "Exec", status: 500 },
      { uri: "./Device/Vendor/MSFT/Policy/Config/Update/*", status: 405 },
      { uri: "./DevDetail/SwV", verb: "Get", status: 403 },
    ]);
    expect(tree.exec("./Device/Vendor/MSFT/RemoteWipe/doWipe", undefined)).toBe(500);
    expect(tree.write("Replace", "./Vendor/MSFT/Policy/Config/Update/ActiveHoursStart", "8")).toBe(405);
    expect(tree.get("./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart").status).toBe(405);
    expect(tree.get("./DevDetail/SwV").status).toBe(403);
    expect(tree.get("./DevInfo/Man").status).toBe(200);
    // a dot in the glob is a dot, not any character
    tree.answerWith([{ uri: "./DevDetail/Ext/Microsoft/DeviceName", verb: "Get", status: 404 }]);
    expect(tree.get("./DevDetail/SwV").status).toBe(200);
    expect(tree.get("./DevDetail/Ext/Microsoft/DeviceName").status).toBe(404);
  });

  it("an Atomic whose Replace has no CmdID: 400 for it, 216 for the Add before it (also in the log), 507 for the Atomic", () => {
    const tree = new CspTree(identity);
    const p = new CspProcessor(tree);
    const out = p.process({
      hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "1", target: "x", source: "y" },
      body: [
        {
          verb: "Atomic",
          cmdId: "2",
          items: [],
          children: [
            { verb: "Add", cmdId: "3", items: [{ target: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursEnd", data: "18" }] },
            { verb: "Replace", items: [{ target: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursMaxRange", data: "12" }] },
          ],
        },
      ],
      final: true,
    });
    expect(out.map((c) => [c.cmd, c.cmdRef, c.data])).toEqual([
      ["Atomic", "2", "507"],
      ["Add", "3", "216"],
      ["Replace", "", "400"],
    ]);
    expect(tree.get("./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursEnd").status).toBe(404);
    expect(p.log.map((l) => l.status)).toEqual(["216", "400", "507"]);
  });

  it("the site firewall matches absolute prefixes and paths, case-insensitively", async () => {
    const { blockedBy } = await import("../../../src/device/windows/firewall.js");
    expect(blockedBy("https://h.test/EnrollmentServer/Auth?x=1", ["/enrollmentserver/auth"])).toBe("/enrollmentserver/auth");
    expect(blockedBy("https://login.test/a", ["https://LOGIN.test/"])).toBe("https://LOGIN.test/");
    expect(blockedBy("https://h.test/EnrollmentServer/Discovery.svc", ["/EnrollmentServer/Auth"])).toBeUndefined();
    expect(blockedBy("not a url", ["/"])).toBeUndefined();
  });
});
