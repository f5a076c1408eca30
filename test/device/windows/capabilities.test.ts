// SPDX-License-Identifier: MIT
/**
 * The per-build capability table (issue 12 #4, issue 10 #3): a Windows 10 19045 DM tree answers 404 to
 * a policy Windows 11 24H2 introduced, a 26100 tree accepts it; release-line UBRs (LAPS) and scopes count.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { CspProcessor, CspTree } from "../../../src/device/windows/csp.js";
import { absentOnBuild, buildHas } from "../../../src/device/windows/capabilities.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import type { Command } from "../../../src/wire/windows/syncml.js";

const catalog = loadCatalog();
const device = (model: string, osVersion?: string) =>
  createDeviceIdentity(catalog.get(model), new SeededEntropySource("cap").forDevice(0, 0), 0, osVersion ? { state: { osVersion } } : {});
const msg = (body: Command[]) => ({ hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "2", target: "", source: "" }, body, final: true });
const replace = (target: string, data = "1"): Command => ({ verb: "Replace", cmdId: "5", items: [{ target, meta: { format: "int" }, data }] });
const RECALL = "./User/Vendor/MSFT/Policy/Config/WindowsAI/DisableAIDataAnalysis";

function status(identity: ReturnType<typeof device>, cmd: Command): string | undefined {
  return new CspProcessor(new CspTree(identity)).process(msg([cmd])).find((c) => c.verb === "Status")?.data;
}

describe("Windows capability table", () => {
  it("Windows 10 19045 answers 404 to a Windows 11 (24H2) policy; a 26100 build accepts it and reads it back", () => {
    const win10 = device("windows-10-desktop");
    expect(win10.os.version).toMatch(/^10\.0\.19045\./);
    expect(status(win10, replace(RECALL))).toBe("404");
    expect(new CspTree(win10).get(RECALL).status).toBe(404);

    const win11 = device("windows-11-laptop", "10.0.26100.2314");
    expect(status(win11, replace(RECALL))).toBe("200");
    const tree = new CspTree(win11);
    expect(tree.write("Replace", RECALL, "1", "int")).toBe(200);
    expect(tree.get(RECALL)).toMatchObject({ status: 200, value: "1" });
  });

  it("23H2 (22631) does not have it either; a policy every build since 1809 has is accepted on all three", () => {
    expect(status(device("windows-11-laptop", "10.0.22631.4317"), replace(RECALL))).toBe("404");
    for (const v of ["10.0.19045.4412", "10.0.22631.4317", "10.0.26100.2314"]) {
      expect(status(device("windows-11-laptop", v), replace("./Device/Vendor/MSFT/Policy/Config/Experience/AllowClipboardHistory", "0"))).toBe("200");
    }
  });

  it("a User-only policy addressed under ./Device is not in the tree on any build", () => {
    expect(status(device("windows-11-laptop", "10.0.26100.2314"), replace("./Device/Vendor/MSFT/Policy/Config/WindowsAI/DisableAIDataAnalysis"))).toBe("404");
    expect(absentOnBuild("./Device/Vendor/MSFT/Policy/Config/WindowsAI/DisableAIDataAnalysis", "10.0.26100.2314")).toMatch(/no Device scope/);
  });

  it("LAPS came to each release line with an update: 19045 needs UBR 2784, 22631 needs 1480", () => {
    const laps = "./Device/Vendor/MSFT/LAPS/Policies/BackupDirectory";
    expect(status(device("windows-10-desktop", "10.0.19045.2006"), replace(laps))).toBe("404");
    expect(status(device("windows-10-desktop", "10.0.19045.4412"), replace(laps))).toBe("200");
    expect(status(device("windows-11-laptop", "10.0.22631.1000"), replace(laps))).toBe("404");
    expect(status(device("windows-11-laptop", "10.0.26100.2314"), replace(laps))).toBe("200");
    expect(buildHas([{ build: 19041, ubr: 2784 }], "10.0.18363.2000")).toBe(false);
  });

  it("inside an Atomic the absent node fails the whole set (507) and rolls the rest back (216)", () => {
    const tree = new CspTree(device("windows-10-desktop"));
    const out = new CspProcessor(tree).process(
      msg([{ verb: "Atomic", cmdId: "3", items: [], children: [replace("./Device/Vendor/MSFT/Policy/Config/Experience/AllowClipboardHistory", "0"), { ...replace(RECALL), cmdId: "6" }] }]),
    );
    expect(out.map((c) => c.data)).toEqual(["507", "216", "404"]);
  });
});
