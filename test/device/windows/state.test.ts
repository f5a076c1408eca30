// SPDX-License-Identifier: MIT
/**
 * Windows device state against the embedded server over the wire (in-memory HTTP, virtual clock): what the
 * state changes in what crosses the wire — nothing at all (records on the PC, the policy block, no join), no
 * registration request (already registered), the 404 a build answers for a node it lacks — plus the
 * precheck order and the TPM attestation outcomes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TranscriptEvent } from "../../../src/ports/index.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { enrollmentPrecheck, managementAgentBlock, tpmAttestation, windowsState } from "../../../src/device/windows/state.js";
import { CspTree } from "../../../src/device/windows/csp.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import type { DeviceState } from "../../../src/device/state.js";
import { windowsHarness, type WinHarness } from "./harness.js";

const httpSteps = (events: TranscriptEvent[]) => events.filter((e) => e.kind === "http").map((e) => e.step);
const RECALL = "./User/Vendor/MSFT/Policy/Config/WindowsAI/DisableAIDataAnalysis";
const dec = new TextDecoder();

describe("Windows device state over the wire", () => {
  let h: WinHarness;
  beforeAll(async () => {
    h = await windowsHarness({ profiles: [{ name: "recall", settings: [{ uri: RECALL, value: "1", format: "int" }] }] });
  });
  afterAll(() => h.close());

  it("records on the PC and the Disable MDM Enrollment policy: the client stops before any request", async () => {
    const cases: [DeviceState, string][] = [
      [{ mdmEnrollmentDisabled: true }, "windows.enroll.management-blocked"],
      [{ enrollments: [{ status: "in-progress", owner: "device" }] }, "windows.enroll.in-progress"],
      [{ enrollments: [{ status: "stale" }] }, "windows.enroll.machine-already-enrolled"],
      [{ enrollments: [{ status: "active", owner: "this-user" }] }, "windows.enroll.already-enrolled"],
    ];
    for (const [state, code] of cases) {
      const { result, events } = await h.run("windows-byod", {}, 1, "windows-11-laptop", state);
      expect(result).toMatchObject({ ok: false, code, step: "enroll.precheck" });
      expect(httpSteps(events)).toEqual([]);
    }
    const none = await h.run("windows-byod", {}, 1, "windows-11-laptop", { enrollments: [] });
    expect(none.result.code).toBe("windows.byod.enrolled");
  });

  it("another management agent: the Entra join goes on the wire, the MDM automatic enrollment after it does not (0x80180026)", async () => {
    const { result, events } = await h.run("windows-autopilot", { windows: { minuteMs: 1 } }, 8, "windows-10-desktop", { managementAgents: ["intune-pc-agent"] });
    expect(result).toMatchObject({ ok: false, code: "windows.enroll.management-blocked", step: "enroll.precheck" });
    expect(result.message).toContain("MENROLL_E_DEVICE_MANAGEMENT_BLOCKED (0x80180026)");
    expect(result.message).toContain("Intune PC software client");
    expect(httpSteps(events)).toContain("join.register");
    expect(httpSteps(events).filter((s) => s?.startsWith("enroll.") || s?.startsWith("discovery."))).toEqual([]);
    const clean = await h.run("windows-autopilot", { windows: { minuteMs: 1 } }, 9, "windows-10-desktop", { managementAgents: [] });
    expect(clean.result.code).toBe("windows.autopilot.user-driven.provisioned");
  });

  it("a leftover MmpcEnrollmentFlag: the Discover POST goes out without a body and the server refuses it with HTTP 400 (fleet#34993); flag 0 enrolls", async () => {
    // The flow throws the transport error; the runner turns it into transport.http-status with 0x80190190 (test/api/windows-leftovers.test.ts).
    await expect(h.run("windows-byod", {}, 11, "windows-11-laptop", { mmpcEnrollmentFlag: 2 })).rejects.toMatchObject({
      code: "transport.http-status",
      status: 400,
      message: expect.stringMatching(/Discovery\.svc answered HTTP 400 \(text\/plain\)/),
    });
    const reset = await h.run("windows-byod", {}, 12, "windows-11-laptop", { mmpcEnrollmentFlag: 0 });
    expect(reset.result.code).toBe("windows.byod.enrolled");
    const resetPost = reset.events.find((e) => e.kind === "http" && e.step === "discovery.post")!.data as { request: { bytes: number } };
    expect(resetPost.request.bytes).toBeGreaterThan(0);
  });

  it("GPO auto-enroll on a PC enrolled in another MDM: the task does not start (Task Scheduler 7016, 2149056522), nothing on the wire", async () => {
    const { result, events } = await h.run("windows-gpo", {}, 13, "windows-10-desktop", { enrollments: [{ status: "active", owner: "device" }] });
    expect(result).toMatchObject({ ok: false, code: "windows.enroll.already-enrolled", step: "enroll.precheck" });
    expect(result.shown).toMatchObject({ code: "0x8018000A", text: expect.stringContaining("Event ID 7016, error code 2149056522"), screen: expect.stringContaining("Task Scheduler") });
    expect(httpSteps(events)).toEqual([]);
  });

  it("GPO auto-enroll on a PC the old Intune PC agent manages: Event 76 with 0x80180026, nothing on the wire; the Configuration Manager client does not block the task", async () => {
    const { result, events } = await h.run("windows-gpo", {}, 14, "windows-10-desktop", { managementAgents: ["intune-pc-agent"] });
    expect(result).toMatchObject({ ok: false, code: "windows.enroll.management-blocked", step: "enroll.precheck" });
    expect(result.message).toContain("Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0x80180026)");
    expect(httpSteps(events)).toEqual([]);
    expect((await h.run("windows-gpo", {}, 15, "windows-10-desktop", { managementAgents: ["configmgr-client"] })).result.code).toBe("windows.gpo.enrolled");
  });

  it("GPO auto-enroll: no request without a directory join; a hybrid-joined PC enrols", async () => {
    const notJoined = await h.run("windows-gpo", {}, 2, "windows-10-desktop", { join: "entra-registered" });
    expect(notJoined.result).toMatchObject({ ok: false, code: "windows.gpo.not-joined" });
    expect(httpSteps(notJoined.events)).toEqual([]);
    expect((await h.run("windows-gpo", {}, 3, "windows-10-desktop", { join: "hybrid-joined" })).result.code).toBe("windows.gpo.enrolled");
  });

  it("an already registered device adds the Entra work account without a second registration request", async () => {
    const fresh = await h.run("windows-byod", { windows: { workAccount: "entra" } }, 4);
    expect(httpSteps(fresh.events)).toContain("join.register");
    const registered = await h.run("windows-byod", { windows: { workAccount: "entra" } }, 5, "windows-11-laptop", { join: "entra-registered" });
    expect(registered.result.code).toBe("windows.byod.enrolled");
    expect(httpSteps(registered.events)).not.toContain("join.register");
    expect(httpSteps(registered.events)).toContain("enroll.rst");
  });

  it("the server receives Status 404 from a 19045 device for a 24H2 policy, and 200 from a 26100 device", async () => {
    const statusFor = async (index: number, model: string, state?: DeviceState) => {
      const { result } = await h.run("windows-byod", { windows: { upn: `cap${index}@contoso.com` } }, index, model, state);
      expect(result.code).toBe("windows.byod.enrolled");
      const list = JSON.parse(dec.decode((await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices` })).body)) as { deviceId: string; upn: string }[];
      const dev = list.find((d) => d.upn === `cap${index}@contoso.com`)!;
      const rec = JSON.parse(dec.decode((await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices/${dev.deviceId}` })).body)) as { received: { verb: string; cmd?: string; data?: string; target?: string }[] };
      return rec.received.find((x) => x.verb === "Status" && x.cmd === "Replace" && x.target === RECALL)?.data;
    };
    expect(await statusFor(6, "windows-10-desktop")).toBe("404");
    expect(await statusFor(7, "windows-11-laptop", { osVersion: "10.0.26100.2314" })).toBe("200");
  });
});

describe("Windows state rules", () => {
  const id = (state: DeviceState) => createDeviceIdentity(loadCatalog().get("windows-11-laptop"), new SeededEntropySource("st").forDevice(0, 0), 0, { state });

  it("the policy block is checked first, then a running enrollment, a stale record, an active one", () => {
    const all: DeviceState = { mdmEnrollmentDisabled: true, enrollments: [{ status: "active" }, { status: "stale" }, { status: "in-progress" }] };
    expect(enrollmentPrecheck(windowsState(id(all), "byod"), "byod")?.code).toBe("windows.enroll.management-blocked");
    expect(enrollmentPrecheck(windowsState(id({ ...all, mdmEnrollmentDisabled: false }), "byod"), "byod")?.code).toBe("windows.enroll.in-progress");
    expect(enrollmentPrecheck(windowsState(id({ enrollments: [{ status: "active" }, { status: "stale" }] }), "byod"), "byod")?.code).toBe("windows.enroll.machine-already-enrolled");
    const other = enrollmentPrecheck(windowsState(id({ enrollments: [{ status: "active" }] }), "gpo"), "gpo")!;
    // Microsoft Learn (GPO auto-enrollment troubleshooting): enrolled in another MDM, the task does not start:
    // Task Scheduler event 7016 with error code 2149056522, and no Event 75/76.
    expect(other.code).toBe("windows.enroll.already-enrolled");
    expect(other.message).toMatch(/^Task Scheduler event 7016, error code 2149056522 \(0x8018000A MENROLL_E_DEVICE_ALREADY_ENROLLED\)/);
    expect(other.message).not.toContain("Event 76");
    expect(other.shown).toMatchObject({ code: "0x8018000A", screen: expect.stringContaining("Task Scheduler") });
  });

  it("management agents: none blocks nothing; each agent is named with the published 0x80180026 text", () => {
    expect(managementAgentBlock(windowsState(id({}), "autopilot"))).toBeUndefined();
    const both = managementAgentBlock(windowsState(id({ managementAgents: ["intune-pc-agent", "configmgr-client"] }), "autopilot"))!;
    expect(both.code).toBe("windows.enroll.management-blocked");
    expect(both.message).toContain("Confirm you are using the correct sign-in information and that your organization uses this feature");
    expect(both.message).toMatch(/Intune PC software client .* and the Configuration Manager client agent/);
  });

  it("osEdition: a Home edition the OEM image does not list reaches Discover/WSTEP and the DM tree alike", () => {
    const home = id({ osEdition: 101 });
    expect(home.windows!.edition).toEqual({ name: "Home", osEdition: 101 });
    expect(new CspTree(home).get("./Vendor/MSFT/WindowsLicensing/Edition").value).toBe("101");
    expect(id({ osEdition: 48 }).windows!.edition).toEqual({ name: "Pro", osEdition: 48 });
  });

  it("attestation: a TPM that cannot attest times out; one that can gets the service's verdict", () => {
    const at = (tpm: DeviceState["tpm"]) => tpmAttestation(windowsState(id({ tpm }), "autopilot"))?.hresult;
    expect(at({})).toBeUndefined();
    expect(at({ version: "1.2" })).toBe(0x800705b4);
    expect(at({ kind: "virtual", attestation: "succeeds" })).toBe(0x800705b4);
    expect(at({ attestation: "retries-exceeded" })).toBe(0x81039001);
    expect(at({ attestation: "firmware-rejected" })).toBe(0x801c0003);
    expect(at({ kind: "firmware", attestation: "times-out" })).toBe(0x800705b4);
    // The catalog's TPM version is the default and shows in DeviceStatus.
    expect(windowsState(id({ tpm: { version: "none" } }), "autopilot").tpm.version).toBe("none");
  });
});
