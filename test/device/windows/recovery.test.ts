// SPDX-License-Identifier: MIT
/**
 * The recovery environment as device state (`recovery.winre`) read by every RemoteWipe reset (recovery.ts): the
 * remote Autopilot Reset fails its prerequisite check with Status 30 and LastError ERROR_NOT_SUPPORTED (0x80070032)
 * without WinRE, the wipes cannot start (except doWipeProtected), and the PersistUserData wipes and Autopilot Reset
 * keep the enrollment. Driven through the OMA-DM processor, as a server's Exec and Get reach the PC.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import type { DeviceState } from "../../../src/device/state.js";
import { CspProcessor, CspTree } from "../../../src/device/windows/csp.js";
import { AUTOPILOT_RESET, AUTOPILOT_RESET_LAST_ERROR, AUTOPILOT_RESET_STATUS, execRemoteReset, installResetNodes, type AcceptedReset } from "../../../src/device/windows/recovery.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";
import type { Command } from "../../../src/wire/windows/syncml.js";

const catalog = loadCatalog();
const device = (state: DeviceState = {}) => createDeviceIdentity(catalog.get("windows-11-laptop"), new SeededEntropySource("winre").forDevice(0, 0), 0, { state });
const msg = (body: Command[]) => ({ hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "2", target: "", source: "" }, body, final: true });

/** One package from a server: the PC's Status and Results, and the reset it accepted. */
function session(state: DeviceState, body: Command[]) {
  const id = device(state);
  const tree = new CspTree(id);
  installResetNodes(tree);
  let reset: AcceptedReset | undefined;
  tree.hooks = {
    exec: (uri) => {
      const a = execRemoteReset(tree, id, uri);
      if (a?.reset) reset = a.reset;
      return a?.status ?? 404;
    },
  };
  const out = new CspProcessor(tree).process(msg(body));
  const status = (cmdId: string) => out.find((c) => c.verb === "Status" && c.cmdRef === cmdId)?.data;
  const result = (uri: string) =>
    out
      .filter((c) => c.verb === "Results")
      .flatMap((c) => c.items)
      .findLast((i) => i.source === uri)?.data;
  const firstResult = (uri: string) =>
    out
      .filter((c) => c.verb === "Results")
      .flatMap((c) => c.items)
      .find((i) => i.source === uri)?.data;
  return { status, result, firstResult, reset };
}
const out0 = (s: ReturnType<typeof session>) => s.firstResult(AUTOPILOT_RESET_STATUS);
const exec = (cmdId: string, target: string): Command => ({ verb: "Exec", cmdId, items: [{ target }] });
const get = (cmdId: string, ...targets: string[]): Command => ({ verb: "Get", cmdId, items: targets.map((target) => ({ target })) });

describe("recovery environment (state.recovery.winre) and the RemoteWipe resets", () => {
  it("Autopilot Reset with WinRE disabled: Exec 500, Status 30 (failed during CSP Execute), LastError 0x80070032; no reset", () => {
    const s = session({ recovery: { winre: "disabled" } }, [exec("2", AUTOPILOT_RESET), get("3", AUTOPILOT_RESET_STATUS, AUTOPILOT_RESET_LAST_ERROR)]);
    expect(s.status("2")).toBe("500");
    expect(s.result(AUTOPILOT_RESET_STATUS)).toBe("30");
    expect((Number(s.result(AUTOPILOT_RESET_LAST_ERROR)) >>> 0).toString(16)).toBe("80070032");
    expect(s.reset).toBeUndefined();
  });

  it("Autopilot Reset with WinRE enabled (the default): Status 0 (never run) before, Exec 200, then Status 10 (scheduled), LastError 0; the PC keeps its enrollment", () => {
    const s = session({}, [get("1", AUTOPILOT_RESET_STATUS), exec("2", AUTOPILOT_RESET), get("3", AUTOPILOT_RESET_STATUS, AUTOPILOT_RESET_LAST_ERROR)]);
    const first = out0(s);
    expect(first).toBe("0");
    expect(s.status("2")).toBe("200");
    expect(s.result(AUTOPILOT_RESET_LAST_ERROR)).toBe("0");
    expect(s.result(AUTOPILOT_RESET_STATUS)).toBe("10");
    expect(s.reset).toEqual({ node: "AutomaticRedeployment/doAutomaticRedeployment", kind: "autopilot-reset", keepsEnrollment: true });
  });

  it("the status nodes are the device's own: a server cannot write them (405)", () => {
    const s = session({}, [{ verb: "Replace", cmdId: "2", items: [{ target: AUTOPILOT_RESET_STATUS, meta: { format: "int" }, data: "1" }] }]);
    expect(s.status("2")).toBe("405");
  });

  it("a wipe with WinRE disabled cannot start (500) and the PC stays as it was; doWipeProtected goes ahead without WinRE", () => {
    for (const node of ["doWipe", "doWipePersistUserData", "doWipePersistProvisionedData", "doWipeCloud"]) {
      const s = session({ recovery: { winre: "disabled" } }, [exec("2", `./Device/Vendor/MSFT/RemoteWipe/${node}`)]);
      expect([node, s.status("2"), s.reset]).toEqual([node, "500", undefined]);
    }
    const p = session({ recovery: { winre: "disabled" } }, [exec("2", "./Device/Vendor/MSFT/RemoteWipe/doWipeProtected")]);
    expect(p.status("2")).toBe("200");
    expect(p.reset).toMatchObject({ kind: "wipe", keepsEnrollment: false });
  });

  it("with WinRE enabled the wipes start; the PersistUserData ones keep the enrollment", () => {
    expect(session({}, [exec("2", "./Vendor/MSFT/RemoteWipe/doWipe")]).reset).toEqual({ node: "doWipe", kind: "wipe", keepsEnrollment: false });
    expect(session({ recovery: { winre: "enabled" } }, [exec("2", "./Device/Vendor/MSFT/RemoteWipe/doWipePersistUserData")]).reset).toMatchObject({ keepsEnrollment: true });
  });

  it("a build before 1809 has no AutomaticRedeployment node: 404 from the capability table, whatever WinRE is", () => {
    const id = createDeviceIdentity(catalog.get("windows-10-desktop"), new SeededEntropySource("winre").forDevice(0, 0), 0, { state: { osVersion: "10.0.17134.1" } });
    const tree = new CspTree(id);
    installResetNodes(tree);
    tree.hooks = { exec: (uri) => execRemoteReset(tree, id, uri)?.status ?? 404 };
    const out = new CspProcessor(tree).process(msg([exec("2", AUTOPILOT_RESET), get("3", AUTOPILOT_RESET_STATUS)]));
    expect(out.filter((c) => c.verb === "Status" && c.cmdRef !== "0").map((c) => c.data)).toEqual(["404", "404"]);
  });

  it("execRemoteReset leaves every other node to its own handler", () => {
    const id = device();
    expect(execRemoteReset(new CspTree(id), id, "./Device/Vendor/MSFT/Reboot/RebootNow")).toBeUndefined();
  });
});

describe("scenario vocabulary: state.recovery, timeline autopilotReset, profiles verb Exec", () => {
  const context = { modelIds: ["windows-11-laptop"], flows: ["windows-byod"] };
  const text = (state: string, timeline: string, settings = "[{ uri: ./Device/Vendor/MSFT/RemoteWipe/AutomaticRedeployment/doAutomaticRedeployment, verb: Exec }]") =>
    `name: t\nserver: embedded\nembedded:\n  windows:\n    profiles:\n      - { name: p, settings: ${settings} }\ngroups:\n  - { name: a, model: windows-11-laptop, count: 1, flow: windows-byod, state: ${state} }\ntimeline:\n  - ${timeline}\n`;

  it("loads the new keys (an Exec setting needs no value)", () => {
    const s = parseScenario(text("{ recovery: { winre: disabled } }", "{ after: { enrolled: 1 }, autopilotReset: {} }"), "ok.yaml", context);
    expect(s.groups[0]!.state).toEqual({ recovery: { winre: "disabled" } });
  });

  it("a misspelt value, key or action gets file:line:column and a did-you-mean", () => {
    expect(scenarioLoadError(text("{ recovery: { winre: disable } }", "{ after: { enrolled: 1 }, autopilotReset: {} }"), "bad.yaml", context).message).toMatch(/bad\.yaml:8:\d+: .*winre must be one of enabled, disabled.*did you mean "disabled"/);
    expect(scenarioLoadError(text("{ recovery: { winRE: disabled } }", "{ after: { enrolled: 1 }, autopilotReset: {} }"), "bad.yaml", context).message).toMatch(/bad\.yaml:8:\d+: unknown property "winRE".*did you mean "winre"/);
    expect(scenarioLoadError(text("{}", "{ after: { enrolled: 1 }, autopilotRest: {} }"), "bad.yaml", context).message).toMatch(/bad\.yaml:10:\d+: unknown property "autopilotRest".*did you mean "autopilotReset"/);
  });

  it("an Add/Replace setting still needs its value", () => {
    const e = scenarioLoadError(text("{}", "{ after: { enrolled: 1 }, autopilotReset: {} }", "[{ uri: ./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursEnd }]"), "bad.yaml", context);
    expect(e.message).toMatch(/bad\.yaml:6:\d+: .*settings\[0\] is missing required property "value"/);
  });
});
