// SPDX-License-Identifier: MIT
/**
 * GPO auto-enrollment has no UI: every failed outcome is Event 76's line (device/windows/gpo-event.ts), naming the MDM
 * Group Policy's credential type (windows.gpoCredential) and the HRESULT — never Settings' or enrollsim's own text.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { TransportError } from "../../../src/errors/index.js";
import { event76Text, GPO_EVENT_SCREEN } from "../../../src/device/windows/gpo-event.js";
import { windowsShownForError, withWindowsShown } from "../../../src/device/windows/shown.js";
import { resolveWindowsOptions } from "../../../src/device/windows/options.js";

const scenario = (name: string) => join(import.meta.dirname, "../../../scenarios/failures", name);
const opts = { keyPoolSize: 8, progress: false as const };

describe("GPO auto-enrollment: Event 76", () => {
  it("builds Learn's published line from the HRESULT and the policy's credential type", () => {
    // Microsoft Learn, Troubleshooting Windows 10 Group Policy-based auto-enrollment in Intune.
    expect(event76Text(0x8018002b, "device")).toBe("Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)");
    expect(event76Text(0x80190194)).toBe("Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0x80190194)");
    expect(event76Text(0x80190190, "device")).toBe("Auto MDM Enroll: Device Credential (0x0), Failed (Bad request (400).)");
  });

  it("a thrown HTTP 404 in the GPO flow is Event 76's line, not enrollsim's own sentence; other flows keep theirs", () => {
    const e = new TransportError("http-status", "HTTP 404", { status: 404, step: "discovery.post" });
    const gpo = windowsShownForError({ error: e, flow: "windows-gpo", options: { windows: { gpoCredential: "device" } } });
    expect(gpo).toMatchObject({ code: "0x80190194", text: "Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x80190194)", screen: GPO_EVENT_SCREEN });
    expect(windowsShownForError({ error: e, flow: "windows-byod" })?.text).toBe("The server answered HTTP 404.");
  });

  it("a GPO outcome named by MENROLL constant shows Event 76's line, not Settings' text", () => {
    const out = withWindowsShown({ ok: false, code: "x", step: "enroll.precheck", message: "MENROLL_E_MDM_NOT_CONFIGURED (0x8018002B): something" }, "windows-gpo", "device");
    expect(out.shown).toMatchObject({ code: "0x8018002B", text: "Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)" });
    expect(out.shown?.text).not.toContain("Something went wrong");
  });

  it("a refused hybrid join keeps the Automatic-Device-Join task's own record and screen, not Event 76", () => {
    const text = "dsregcmd /status: Error Phase : join, Client ErrorCode : 0x801c03f2";
    const out = withWindowsShown({ ok: false, code: "windows.join.device-object-pending", step: "join.register", shown: { code: "0x801C03F2", text, screen: "" } }, "windows-gpo", "device");
    expect(out.shown).toMatchObject({ text, screen: expect.stringContaining("Automatic-Device-Join task") });
  });

  it("the credential type is the GPO's option only", () => {
    expect(() => resolveWindowsOptions({ windows: { gpoCredential: "device" } }, "byod")).toThrow(/windows-gpo only/);
  });

  it("win-gpo-event76-failing / -fixed: the ticket's cause with Event 76's text on the Event Viewer screen; the fix enrols", async () => {
    const failing = (await runScenario(scenario("win-gpo-event76-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.errors["windows.gpo.mdm-not-configured"]).toMatchObject({
      count: 2,
      shown: { code: "0x8018002B", text: "Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)", screen: GPO_EVENT_SCREEN },
    });
    // The diagnosis quotes the same line the screen shows.
    expect(failing.errors["windows.gpo.mdm-not-configured"]!.example).toContain("Event 76: Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)");
    expect(failing.errors["transport.http-status"]).toMatchObject({ count: 2, shown: { code: "0x80190194", text: "Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0x80190194)" } });
    const fixed = (await runScenario(scenario("win-gpo-event76-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
  }, 120_000);
});
