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
    ["win-no-enrollment-cname.yaml", 5, "windows.discovery.no-enrollment-host", 5],
    ["win-platform-restriction-blocks-windows.yaml", 5, "windows.fault.DeviceNotSupported", 5],
    ["win-device-cap-reached.yaml", 5, "windows.fault.DeviceCapReached", 2],
    ["win-server-maintenance-or-5xx.yaml", 5, "windows.fault.InMaintenance", 5],
    ["win-discovery-http-400-migration.yaml", 5, "transport.http-status", 5],
    ["win-user-no-mdm-license.yaml", 5, "windows.fault.UserLicense", 5],
    ["win-gpo-autoenroll-timeout-or-format.yaml", 5, "windows.fault.MessageFormat", 5],
    ["win-esp-expected-policy-never-delivered.yaml", 5, "windows.esp.timeout", 5],
    ["win-some-apps-failed-banner.yaml", 5, "windows.esp.app-failed", 5],
    ["win-session-id-zero-rejected.yaml", 5, undefined, 0],
    ["win-pretty-xml-regex-server.yaml", 5, undefined, 0],
    ["win-autopilot-bad-name-template.yaml", 3, "scenario.invalid", 3],
    ["win-tou-declined-or-unreachable.yaml", 3, "windows.tou.declined", 3],
    // The expired bulk token is refused where Windows redeems it, at the join (AADSTS700082, 0xCAA20003), not at enrollment.
    ["win-bulk-token-expired.yaml", 3, "windows.bulk.token-expired", 3],
    ["win-bulk-token-expired-fixed.yaml", 3, undefined, 0],
    ["win-no-physical-tpm2.yaml", 3, "windows.autopilot.tpm-attestation", 3],
    ["win-autopilot-profile-missing.yaml", 7, "windows.autopilot.profile-missing", 2],
    ["win-dem-device-cap.yaml", 25, "windows.fault.DeviceCapReached", 5],
    ["win-hybrid-odj-failure.yaml", 3, "windows.autopilot.hybrid-join", 3],
    ["win-legacy-cname-target-confirmation.yaml", 5, "user.abandoned", 3],
    ["win-discovery-proxy-rewrite.yaml", 3, "windows.discovery.insecure-redirect", 3],
    // round 2: the field-failure id is the file name
    ["win-atomic-replace-400.yaml", 5, "windows.dm.atomic-failed", 5],
    ["win-server-reads-only-first-status.yaml", 5, "windows.dm.commands-resent", 5],
    ["win-profile-verifying-forever.yaml", 5, "windows.dm.commands-resent", 5],
    ["win-dns-not-propagated.yaml", 10, "windows.discovery.no-enrollment-host", 4],
    ["win-unroutable-upn-suffix.yaml", 5, "windows.gpo.mdm-not-configured", 3],
    ["win-mfa-not-completed.yaml", 5, "user.abandoned", 3],
    ["win-home-edition.yaml", 3, "windows.fault.Authorization", 3],
    ["win-already-enrolled-other-user.yaml", 3, "windows.enroll.already-enrolled", 3],
    ["win-cloned-image-stale-enrollment.yaml", 3, "windows.enroll.machine-already-enrolled", 3],
    // device state and the capability table (issue 10 #2, #3)
    ["win-policy-not-on-build.yaml", 5, "windows.dm.atomic-failed", 3],
    ["win-mdm-enrollment-disabled.yaml", 6, "windows.enroll.management-blocked", 4],
    ["win-gpo-not-joined.yaml", 5, "windows.gpo.not-joined", 3],
    ["win-esp-msi-win32-collision.yaml", 3, "windows.esp.app-failed", 3],
    ["win-autopilot-hardware-change.yaml", 5, "windows.autopilot.hardware-changed", 3],
    ["win-enroll-requires-signed-in-user.yaml", 3, "windows.esp.timeout", 3],
    ["win-entra-join-disallowed.yaml", 5, "windows.join.disallowed", 5],
    ["win-oobe-idp-blocked.yaml", 5, "windows.oobe.idp-blocked", 3],
    ["win-entra-autoenroll-caa30194.yaml", 5, "windows.gpo.token-unavailable", 3],
    ["win-esp-app-initiated-reboot.yaml", 3, "windows.esp.timeout", 3],
    ["win-esp-devicelock-autologon.yaml", 3, "windows.esp.autologon-failed", 3],
    ["win-esp-applocker-reboot.yaml", 3, "windows.esp.reboot-prompt", 3],
    ["win-bulk-no-network-or-join-failure.yaml", 5, "windows.bulk.device-unusable", 4],
    ["win-bulk-bad-script.yaml", 5, "windows.bulk.script-failed", 3],
    ["win-mam-scope-overrides-mdm.yaml", 5, "windows.byod.mam-only", 3],
    ["win-esp-scep-ca-approval-pending.yaml", 3, "windows.esp.certificate-failed", 3],
    ["win-esp-scep-ndes-internal-name.yaml", 4, "windows.esp.certificate-failed", 2],
  ];
  it("win-management-agent-80180026: agents block the MDM auto-enrollment after the join, not the join; the fixed file enrolls all", async () => {
    const dir = join(import.meta.dirname, "../../scenarios/failures");
    const { summary } = await runScenario(join(dir, "win-management-agent-80180026-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, failed: 4, ok: true });
    expect(summary.errors["windows.enroll.management-blocked"]!.count).toBe(3);
    expect(summary.errors["windows.join.mdm-not-configured"]!.count).toBe(1);
    expect(summary.steps["join.register"]!.count).toBe(5);
    expect(summary.steps["enroll.rst"]!.count).toBe(1);
    const fixed = await runScenario(join(dir, "win-management-agent-80180026-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 60_000);
  it("win-gpo-intune-pc-agent: the old Intune PC agent fails the GPO task with Event 76 0x80180026 before any request; the ConfigMgr client does not; the fixed file enrolls all", async () => {
    const dir = join(import.meta.dirname, "../../scenarios/failures");
    const { summary } = await runScenario(join(dir, "win-gpo-intune-pc-agent-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, failed: 2, ok: true });
    expect(summary.errors["windows.enroll.management-blocked"]!.shown).toMatchObject({ text: expect.stringContaining("Failed (Unknown Win32 Error code: 0x80180026)") });
    expect(summary.steps["enroll.rst"]!.count).toBe(1);
    const fixed = await runScenario(join(dir, "win-gpo-intune-pc-agent-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 60_000);
  for (const [file, devices, code, failed] of cases) {
    it(`${file}: ${code ?? "all succeed"}`, async () => {
      const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/failures", file), opts);
      expect(summary).toMatchObject({ devices, failed, ok: true });
      if (code) expect(summary.errors[code]!.count).toBe(failed);
    }, 60_000);
  }
});

describe("Windows field failures: exact codes and symptoms", () => {
  const run = (file: string, extra: Record<string, unknown> = {}) => runScenario(join(import.meta.dirname, "../../scenarios/failures", file), { ...opts, ...extra });
  it("win-atomic-replace-400: Replace without CmdID → 400, the Add before it rolled back (216), Atomic 507", async () => {
    const { summary } = await run("win-atomic-replace-400.yaml");
    expect(summary.errors["windows.dm.atomic-failed"]!.example).toMatch(/Atomic failed \(507\).*ActiveHoursMaxRange → 400; 1 command\(s\) rolled back \(216\)/);
  }, 60_000);
  it("win-server-global-session-state: concurrent devices get replies addressed to another device", async () => {
    const { summary } = await run("win-server-global-session-state.yaml");
    expect(summary).toMatchObject({ devices: 12, ok: true });
    expect(summary.errors["syncml.wrong-target"]!.count).toBeGreaterThanOrEqual(2);
    expect(summary.errors["syncml.wrong-target"]!.example).toContain("not to this device");
  }, 60_000);
  it("win-server-global-session-state, one device at a time: every device is managed (the quirk needs load)", async () => {
    const { readFileSync: rf, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-win-gss-"));
    const text = rf(join(import.meta.dirname, "../../scenarios/failures/win-server-global-session-state.yaml"), "utf8")
      .replace("arrival: { concurrency: 12 }", "arrival: { concurrency: 1 }")
      .replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n");
    writeFileSync(join(dir, "serial.yaml"), text);
    const { summary } = await runScenario(join(dir, "serial.yaml"), opts);
    expect(summary).toMatchObject({ devices: 12, enrolled: 12, failed: 0, ok: true });
  }, 60_000);
  it("win-profile-verifying-forever, on PCs that read ADMX values back (no cspStatus rule): the profile verifies and nothing is re-sent", async () => {
    const { readFileSync: rf, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-win-admx-"));
    const text = rf(join(import.meta.dirname, "../../scenarios/failures/win-profile-verifying-forever.yaml"), "utf8")
      .replace(/^ {4}state:\n {6}cspStatus: .*\n/m, "")
      .replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n");
    expect(text).not.toMatch(/^ {6}cspStatus:/m);
    writeFileSync(join(dir, "exact.yaml"), text);
    const { summary } = await runScenario(join(dir, "exact.yaml"), opts);
    expect(summary.errors).toEqual({});
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 60_000);
  it("win-home-edition: 0x80180003 with the user-visible text", async () => {
    const { summary } = await run("win-home-edition.yaml");
    expect(summary.errors["windows.fault.Authorization"]!.example).toContain("MENROLL_E_DEVICE_AUTHORIZATION_ERROR (0x80180003)");
  }, 60_000);
  it("win-unroutable-upn-suffix / win-mfa-not-completed / win-esp-msi-win32-collision: the codes the notes give", async () => {
    expect((await run("win-unroutable-upn-suffix.yaml")).summary.errors["windows.gpo.mdm-not-configured"]!.example).toContain("Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)");
    // The user abandons at the MFA prompt (timeline): Windows shows the cancel as MENROLL_E_USER_CANCELED.
    expect((await run("win-mfa-not-completed.yaml")).summary.errors["user.abandoned"]!).toMatchObject({ step: "auth.mfa", shown: { code: "0x8018002A", name: "MENROLL_E_USER_CANCELED" } });
    expect((await run("win-esp-msi-win32-collision.yaml")).summary.errors["windows.esp.app-failed"]!.example).toContain("Another installation is in progress, please try again later");
    // The failed app and its exit code are the diagnosis (the message); the ESP page's words carry none of it.
    const banner = (await run("win-some-apps-failed-banner.yaml")).summary.errors["windows.esp.app-failed"]!;
    expect(banner.example).toMatch(/Failed app: .*BrokenLob: the installer exited with 1603/);
    // The ESP's Apps row with the app's error code: MSI's 1603 as HRESULT_FROM_WIN32 (halfoncloud.com's capture: exit 1 → 0x80070001).
    expect(banner.shown).toMatchObject({ code: "0x80070643", text: "Apps (1 of 2 installed, 1 failed): error 0x80070643 (the page's exact wording is not published)", screen: "Enrollment Status Page (DeviceSetup)" });
    expect((await run("win-already-enrolled-other-user.yaml")).summary.errors["windows.enroll.already-enrolled"]!.example).toContain("0x8018000A");
    expect((await run("win-cloned-image-stale-enrollment.yaml")).summary.errors["windows.enroll.machine-already-enrolled"]!.example).toMatch(/0x8007064C/i);
    expect((await run("win-entra-join-disallowed.yaml")).summary.errors["windows.join.disallowed"]!.example).toMatch(/A setup failure has occurred during bulk enrollment\. \(0x801C03ED\).*Administrator policy does not allow user/);
    expect((await run("win-oobe-idp-blocked.yaml")).summary.errors["windows.oobe.idp-blocked"]!.example).toContain("Something went wrong. OOBEIDPS.");
    expect((await run("win-entra-autoenroll-caa30194.yaml")).summary.errors["windows.gpo.token-unavailable"]!.example).toContain("CAA30194");
  }, 120_000);
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
