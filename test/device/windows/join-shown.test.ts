// SPDX-License-Identifier: MIT
/** What Windows shows for a refused join (device/windows/join-shown.ts): the DSREG code and text, the ESP line, unknown codes as unknown. */
import { describe, expect, it } from "vitest";
import { joinFailure } from "../../../src/device/windows/join-shown.js";
import { dsregByHresult, parseDsregHresult } from "../../../src/wire/windows/dsreg.js";

const refused = (over: Record<string, unknown>) => ({ status: "refused" as const, message: "m", httpStatus: 400, ...over });
const ESP = "Enrollment Status Page (Device preparation)";

describe("a refused join as the device shows it", () => {
  it("a missing Autopilot object during pre-provisioning: 0x801C03F3 on the join line and in the registration log", () => {
    const f = joinFailure(refused({ error: "0x801C03F3", serverError: "DirectoryError", reason: "device-object-missing" }), { flowKind: "autopilot", attested: true, screen: ESP });
    expect(f.code).toBe("windows.join.device-object-missing");
    expect(f.shown).toMatchObject({ code: "0x801C03F3", text: expect.stringContaining("Joining your organization's network (Failed: 0x801c03f3)"), screen: ESP });
    expect(f.shown.unknown).toBeUndefined();
    expect(f.message).toContain("[server: DirectoryError: m (HTTP 400)]");
  });
  it("0x801C03EA in Autopilot is the published MDM-registration line", () => {
    const f = joinFailure(refused({ error: "0x801c03ea", reason: "autopilot-profile-conflict", httpStatus: 403 }), { flowKind: "autopilot", attested: false, screen: ESP });
    expect(f).toMatchObject({ code: "windows.join.device-not-authorized", espLine: "Registering your device for mobile management (Failed: 3, 0x801C03EA)" });
    expect(f.message).toContain("Server failed to authorize user or device.");
  });
  it("0x801C0003 keeps windows.join.disallowed with the published text; a bulk package says its own", () => {
    const user = joinFailure(refused({ error: "0x801C0003", reason: "device-quota" }), { flowKind: "autopilot", attested: false, screen: "" });
    expect(user).toMatchObject({ code: "windows.join.disallowed", shown: { code: "0x801C0003", text: expect.stringContaining("This user is not authorized to enroll") } });
    const bulk = joinFailure(refused({ error: "0x801C0003", reason: "join-not-allowed" }), { flowKind: "bulk", attested: false, screen: "" });
    expect(bulk.shown.text).toBe("A setup failure has occurred during bulk enrollment.");
  });
  it("0x801C03ED (Users may join devices leaves the user out): OOBE's 'Confirm you are using the correct sign-in information' page with the code and the server message", () => {
    const f = joinFailure(refused({ error: "0x801C03ED", reason: "join-not-allowed", message: "Administrator policy does not allow user ben@contoso.com to device join", httpStatus: 403 }), { flowKind: "autopilot", attested: false, screen: "" });
    expect(f.code).toBe("windows.join.disallowed");
    expect(f.shown.code).toBe("0x801C03ED");
    expect(f.shown.text).toBe(
      "Something went wrong. Confirm you are using the correct sign-in information and that your organization uses this feature. You can try to do this again or contact your system administrator with the error code 801c03ed. Server message: Administrator policy does not allow user ben@contoso.com to device join",
    );
    expect(f.message).toContain("user doesn't have permissions to join to Microsoft Entra ID");
  });
  it("hybrid sync join: DSREG_E_DIRECTORY_FAILURE by name", () => {
    const f = joinFailure(refused({ error: "0x801C03F2", serverError: "DirectoryError", reason: "device-object-pending" }), { flowKind: "byod", attested: false, screen: "" });
    expect(f.shown).toMatchObject({ code: "0x801C03F2", name: "DSREG_E_DIRECTORY_FAILURE" });
  });
  it("no HRESULT (a disabled object: AADSTS135011), or one outside the table, is unknown with the raw value — no code is invented", () => {
    const disabled = joinFailure(refused({ serverError: "AADSTS135011", reason: "device-object-disabled" }), { flowKind: "autopilot", attested: true, screen: ESP });
    expect(disabled.code).toBe("windows.join.device-object-disabled");
    expect(disabled.shown.code).toBeUndefined();
    expect(disabled.shown.unknown).toEqual({ raw: "AADSTS135011" });
    const odd = joinFailure(refused({ error: "0x801C9999" }), { flowKind: "byod", attested: false, screen: "" });
    expect(odd).toMatchObject({ code: "windows.join.refused", shown: { code: "0x801C9999", unknown: { raw: "0x801C9999" } } });
  });
  it("the table parses codes in any case and holds only published rows", () => {
    expect(parseDsregHresult("801c03f3")).toBe(0x801c03f3);
    expect(parseDsregHresult("0x80180012")).toBeUndefined();
    expect(dsregByHresult(0x801c03f2)?.name).toBe("DSREG_E_DIRECTORY_FAILURE");
    expect(dsregByHresult(0x801c03f4)).toBeUndefined();
  });
});
