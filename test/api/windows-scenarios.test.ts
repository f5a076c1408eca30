// SPDX-License-Identifier: MIT
/** The shipped Windows scenarios, end to end against the embedded server over loopback. */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { inspectWindowsXml } from "../../src/api/windows/inspect.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("shipped Windows scenarios", () => {
  it("windows-byod: 30 Windows 10/11 devices enrol by CNAME discovery and sync", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-win-")), "trace");
    const { summary } = await runScenario(scenario("windows-byod.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 30, enrolled: 30, failed: 0, ok: true });
    const files = readdirSync(dir);
    expect(files).toHaveLength(30);
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).not.toContain("byod-Passw0rd");
      const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; step: string; data: Record<string, unknown> });
      expect(lines.some((l) => l.kind === "decoded" && l.step === "discovery.dns")).toBe(true);
      expect(lines.some((l) => l.kind === "decoded" && l.step === "dm.session")).toBe(true);
    }
    expect(summary.steps["discovery.dns"]!.count).toBe(30);
    expect(summary.steps["enroll.rst"]!.count).toBe(30);
    expect(summary.steps["enroll.renew"]!.count).toBe(10);
    expect(summary.steps["dm.session"]!.count).toBeGreaterThanOrEqual(60);
  });

  it("windows-device-cap: the 16th device of one user gets DeviceCapReached", async () => {
    const { summary } = await runScenario(scenario("windows-device-cap.yaml"), opts);
    expect(summary).toMatchObject({ devices: 16, enrolled: 15, failed: 1, ok: true });
    expect(summary.errors["windows.fault.DeviceCapReached"]).toMatchObject({ count: 1, step: "enroll.rst" });
    expect(summary.errors["windows.fault.DeviceCapReached"]!.example).toContain("MENROLL_E_DEVICECAPREACHED (0x80180013)");
  });

  it("windows-autopilot-user-driven: 50 devices through every ESP phase", async () => {
    const { summary } = await runScenario(scenario("windows-autopilot-user-driven.yaml"), opts);
    expect(summary).toMatchObject({ devices: 50, enrolled: 50, failed: 0, ok: true });
    expect(summary.steps["esp.device-setup"]!.count).toBe(50);
    expect(summary.steps["esp.account-setup"]!.count).toBe(50);
  }, 120_000);

  it("windows-esp-timeout: every device fails ESP at the timeout", async () => {
    const { summary } = await runScenario(scenario("windows-esp-timeout.yaml"), opts);
    expect(summary).toMatchObject({ devices: 10, enrolled: 0, failed: 10, ok: true });
    expect(summary.errors["windows.esp.timeout"]).toMatchObject({ count: 10, step: "esp.device-setup" });
    // the user-visible screen: the server's CustomErrorText with the buttons it allows, and what ESP waited for
    expect(summary.errors["windows.esp.timeout"]!.example).toContain("Setup could not finish. Call the help desk at 555-0100.");
    expect(summary.errors["windows.esp.timeout"]!.example).toContain("Collect logs");
    expect(summary.errors["windows.esp.timeout"]!.example).toContain("LegacyAgent");
  }, 60_000);

  for (const [file, n] of [
    ["windows-bulk.yaml", 20],
    ["windows-gpo.yaml", 20],
    ["windows-self-deploying.yaml", 10],
    ["windows-pre-provisioned.yaml", 10],
  ] as const) {
    it(`${file}: all ${n} devices succeed`, async () => {
      const { summary } = await runScenario(scenario(file), opts);
      expect(summary).toMatchObject({ devices: n, enrolled: n, failed: 0, ok: true });
      if (file === "windows-self-deploying.yaml") expect(summary.steps["scep.pkioperation"]!.count).toBe(n);
    }, 60_000);
  }
});

describe("Windows failure scenarios (scenarios/failures/windows-*.yaml)", () => {
  const cases: [file: string, devices: number, code: string | undefined, failed: number][] = [
    ["windows-no-enrollment-cname.yaml", 5, "windows.discovery.no-enrollment-host", 5],
    ["windows-platform-restriction-blocks-windows.yaml", 5, "windows.fault.DeviceNotSupported", 5],
    ["windows-device-cap-reached.yaml", 5, "windows.fault.DeviceCapReached", 2],
    ["windows-server-maintenance.yaml", 5, "windows.fault.InMaintenance", 5],
    ["windows-discovery-http-400.yaml", 5, "transport.http-status", 5],
    ["windows-user-no-mdm-license.yaml", 5, "windows.fault.UserLicense", 5],
    ["windows-gpo-autoenroll-format.yaml", 5, "windows.fault.MessageFormat", 5],
    ["windows-esp-expected-policy-never-delivered.yaml", 5, "windows.esp.timeout", 5],
    ["windows-some-apps-failed.yaml", 5, "windows.esp.app-failed", 5],
    ["windows-session-id-zero.yaml", 5, undefined, 0],
    ["windows-pretty-xml.yaml", 5, undefined, 0],
    ["windows-autopilot-bad-name-template.yaml", 3, "scenario.invalid", 3],
    ["windows-tou-declined.yaml", 3, "windows.tou.declined", 3],
    ["windows-bulk-token-expired.yaml", 3, "windows.fault.Authentication", 3],
    ["windows-no-physical-tpm2.yaml", 3, "windows.autopilot.tpm-attestation", 3],
    ["windows-autopilot-profile-missing.yaml", 3, "windows.autopilot.profile-missing", 3],
    ["windows-dem-device-cap.yaml", 25, "windows.fault.DeviceCapReached", 5],
    ["windows-hybrid-odj-failure.yaml", 3, "windows.autopilot.hybrid-join", 3],
    ["windows-legacy-cname-target-confirmation.yaml", 5, "windows.discovery.redirect-declined", 3],
    ["windows-discovery-proxy-rewrite.yaml", 3, "windows.discovery.insecure-redirect", 3],
  ];
  for (const [file, devices, code, failed] of cases) {
    it(`${file}: ${code ?? "all succeed"}`, async () => {
      const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/failures", file), opts);
      expect(summary).toMatchObject({ devices, failed, ok: true });
      if (code) expect(summary.errors[code]!.count).toBe(failed);
    }, 60_000);
  }
});

const fx = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures/windows", name), "utf8");

describe("inspectWindowsXml", () => {
  it("decodes the fixtures", () => {
    expect(inspectWindowsXml(fx("discover-response.xml"))).toMatchObject({ kind: "soap", discoverResponse: { authPolicy: "OnPremise" } });
    expect(inspectWindowsXml(fx("fault-devicecap.xml"))).toMatchObject({ kind: "soap", fault: { hresultHex: "0x80180013" } });
    expect(inspectWindowsXml(fx("syncml-server.xml"))).toMatchObject({ kind: "syncml", message: { hdr: { msgId: "1" } } });
    const doc = inspectWindowsXml(fx("provisioning-doc.xml")) as { document: { application: { auth: { secret?: string }[] } } };
    expect(doc.document.application.auth.map((a) => a.secret)).toEqual(["[redacted]", "[redacted]"]);
    expect(JSON.stringify(doc)).not.toContain("password1");
  });
  it("reports refused DTDs as errors and ignores non-Windows XML", () => {
    expect(inspectWindowsXml(fx("discover-response.doctype.xml"))).toMatchObject({ kind: "windows-xml", error: expect.stringContaining("xml.doctype") });
    expect(inspectWindowsXml("<plist/>")).toBeUndefined();
    expect(inspectWindowsXml("not xml")).toBeUndefined();
  });
});
