// SPDX-License-Identifier: MIT
/** How each half describes an enrollment to the policy engine and answers its refusals on the wire. */
import { describe, expect, it } from "vitest";
import { PolicyEngine } from "../../../src/server/policy/engine.js";
import { refusalFault, reportsIdentifierTriple, windowsEnrollmentRequest } from "../../../src/server/windows/policy-gate.js";
import { WINDOWS_ENROLLMENT_PATHS } from "../../../src/server/windows/enrollment-paths.js";
import { adeRequest, applePlatform, refusalJson } from "../../../src/server/apple/policy-gate.js";
import { androidRelease, redeemRequest, refusalError } from "../../../src/server/android/policy-gate.js";
import { androidReleaseName, androidReleaseNumber } from "../../../src/wire/android/release-names.js";

const rst = { deviceId: "A".repeat(32), upn: "u@contoso.com", token: false, bulk: false, enrollmentType: "Full", notInOobe: true, osVersion: "10.0.19045.1" };

describe("Windows gate", () => {
  it("maps the RST to method ownership and counting: Settings personal and counted, OOBE/GPO/bulk corporate and not; bulk is userless", () => {
    expect(windowsEnrollmentRequest(rst)).toMatchObject({ methodOwnership: "personal", countsTowardLimit: true, upn: "u@contoso.com", viaAutoEnrollment: false });
    expect(windowsEnrollmentRequest({ ...rst, token: true, enrollmentType: "Device", notInOobe: false })).toMatchObject({ methodOwnership: "corporate", countsTowardLimit: false, viaAutoEnrollment: true });
    expect(windowsEnrollmentRequest({ ...rst, bulk: true, token: true, enrollmentType: "Device" }).upn).toBeUndefined();
  });
  it("a personal-device block judges each Windows path by the table: OOBE joins of PCs not registered with Autopilot are refused unless DEM or a corporate identifier", () => {
    const e = new PolicyEngine({
      restrictions: { platform: { windows: { personal: "block" } } },
      deviceEnrollmentManagers: { users: ["dem@contoso.com"] },
      corporateIdentifiers: { windows: [{ manufacturer: "Dell Inc.", model: "Latitude 7440", serial: "CORP1" }] },
    });
    const oobe = { ...rst, token: true, enrollmentType: "Device", notInOobe: false, osVersion: "10.0.22631.4317", manufacturer: "Dell Inc.", model: "Latitude 7440", serial: "X1" };
    // Autopilot-registered: authorized; not registered: recorded corporate, judged personal, refused.
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, autopilotRegistered: true }))).toMatchObject({ ok: true, ownership: "corporate" });
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, autopilotRegistered: false }))).toMatchObject({ ok: false, refusal: "personal-blocked", ownership: "corporate" });
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, autopilotRegistered: false, serial: "CORP1" }))).toMatchObject({ ok: true });
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, autopilotRegistered: false, upn: "dem@contoso.com" }))).toMatchObject({ ok: true });
    // GPO / co-management and bulk are authorized; Settings (Full) is personal.
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, notInOobe: true, autopilotRegistered: false }))).toMatchObject({ ok: true, ownership: "corporate" });
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, bulk: true, notInOobe: true, autopilotRegistered: false }))).toMatchObject({ ok: true });
    expect(e.decide(windowsEnrollmentRequest({ ...oobe, token: false, enrollmentType: "Full", notInOobe: true, autopilotRegistered: true }))).toMatchObject({ ok: false, refusal: "personal-blocked" });
    expect(WINDOWS_ENROLLMENT_PATHS.map((r) => [r.path, r.recorded, r.personalBlock])).toEqual([
      ["autopilot", "corporate", "authorized"],
      ["oobe-entra-join", "corporate", "personal"],
      ["auto-enrollment", "corporate", "authorized"],
      ["bulk", "corporate", "authorized"],
      ["settings", "personal", "personal"],
    ]);
    expect(WINDOWS_ENROLLMENT_PATHS.every((r) => r.source.length > 0)).toBe(true);
  });
  it("only builds that report the manufacturer/model triple can match a Windows corporate identifier", () => {
    expect(["10.0.19045.4598", "10.0.22631.3374", "10.0.22621.4000", "10.0.26100.1"].map(reportsIdentifierTriple)).toEqual([true, true, true, true]);
    expect(["10.0.19045.4597", "10.0.22631.3373", "10.0.19044.9999", "6.3.9600"].map(reportsIdentifierTriple)).toEqual([false, false, false, false]);
    const e = new PolicyEngine({ restrictions: { platform: { windows: { personal: "block" } } }, corporateIdentifiers: { windows: [{ manufacturer: "Dell Inc.", model: "OptiPlex 7090", serial: "401D8H0" }] } });
    const pc = { ...rst, serial: "401D8H0", manufacturer: "Dell Inc.", model: "OptiPlex 7090" };
    expect(e.decide(windowsEnrollmentRequest({ ...pc, osVersion: "10.0.19045.5011" }))).toMatchObject({ ok: true, ownership: "corporate" });
    expect(e.decide(windowsEnrollmentRequest({ ...pc, osVersion: "10.0.19045.3803" }))).toMatchObject({ ok: false, refusal: "personal-blocked" });
  });
  it("answers each refusal with the MS-MDE2 fault the device maps to its HRESULT", () => {
    const e = new PolicyEngine({ restrictions: { platform: { windows: { maxOs: "10.0.18363" } }, deviceLimit: 1 }, terms: [{ name: "t" }] });
    const os = e.decide(windowsEnrollmentRequest(rst));
    expect(refusalFault(os, "m1", "trace")).toMatchObject({ subcode: "s:Authorization", errorType: "DeviceNotSupported", relatesTo: "m1" });
    const e2 = new PolicyEngine({ userScope: { mdm: "none" } });
    expect(refusalFault(e2.decide(windowsEnrollmentRequest({ ...rst, token: true })), undefined, "t")).toMatchObject({ subcode: "s:Authorization", errorType: undefined });
    const e3 = new PolicyEngine({ terms: [{ name: "t" }] });
    expect(refusalFault(e3.decide(windowsEnrollmentRequest(rst)), undefined, "t")).toMatchObject({ errorType: "InvalidEnrollmentData" });
    expect(refusalFault(new PolicyEngine({}).decide(windowsEnrollmentRequest(rst)), undefined, "t")).toBeUndefined();
  });
});

describe("Apple gate", () => {
  it("ADE is corporate without OS range; refusals are 403 JSON with the Intune code", () => {
    expect(applePlatform("Mac14,2")).toBe("macos");
    expect(applePlatform("iPhone15,4")).toBe("ios");
    const r = adeRequest({ UDID: "u1", SERIAL: "F2LXK0AAHG7F", PRODUCT: "iPhone15,4", OS_VERSION: "15.0" });
    const e = new PolicyEngine({ restrictions: { platform: { ios: { minOs: "16.0" } } } });
    expect(e.decide(r).ok).toBe(true);
    const blocked = new PolicyEngine({ restrictions: { platform: { ios: { allowed: false } }, deviceLimit: 1 } }).decide(r);
    if (blocked.ok) throw new Error("not refused");
    const res = refusalJson(blocked);
    expect(res.status).toBe(403);
    expect(JSON.parse(new TextDecoder().decode(res.body))).toMatchObject({ code: "DeviceTypeNotSupported", priority: 0 });
  });
});

describe("Android gate", () => {
  it("maps API levels to releases, reads identifiers only below Android 12, and answers VERSION_BLOCKED or ENROLLMENT_BLOCKED", () => {
    expect(androidRelease(34)).toBe("14.0");
    expect(androidRelease(99)).toBeUndefined();
    // One table for what the device reports and what the server's OS range compares (wire/android/release-names.ts).
    for (let api = 21; api <= 36; api++) {
      expect(androidRelease(api), `API ${api}`).toBe(androidReleaseNumber(api));
      expect(androidReleaseNumber(api)!.split(".")[0], `API ${api}`).toBe(androidReleaseName(api)!.split(".")[0]);
    }
    expect([androidReleaseName(27), androidReleaseNumber(27), androidReleaseName(32), androidReleaseNumber(32)]).toEqual(["8.1.0", "8.1", "12", "12.1"]);
    const hw = { manufacturer: "Google", serialNumber: "S1", imei: "351111111111111" };
    expect(redeemRequest({ apiLevel: 30, ownership: "PERSONALLY_OWNED", hardwareInfo: hw }, "k")).toMatchObject({ serial: "S1", methodOwnership: "personal" });
    expect(redeemRequest({ apiLevel: 33, ownership: "PERSONALLY_OWNED", hardwareInfo: hw }, "k").serial).toBeUndefined();
    const e = new PolicyEngine({ restrictions: { platform: { android: { minOs: "13.0" } } } });
    const d = e.decide(redeemRequest({ apiLevel: 31, ownership: "COMPANY_OWNED", hardwareInfo: hw }, "k"));
    if (d.ok) throw new Error("not refused");
    expect(refusalError(d)).toEqual([403, "PERMISSION_DENIED", expect.stringContaining("below the minimum 13.0"), "VERSION_BLOCKED"]);
    const m = new PolicyEngine({ restrictions: { platform: { android: { blockedManufacturers: ["google"] } } } }).decide(redeemRequest({ apiLevel: 34, hardwareInfo: hw }, "k"));
    if (m.ok) throw new Error("not refused");
    expect(refusalError(m)[3]).toBe("ENROLLMENT_BLOCKED");
  });
});
