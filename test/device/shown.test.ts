// SPDX-License-Identifier: MIT
/** What each platform shows: table spot checks against the published values, every transport detail, unknown codes. */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ProtocolViolationError, ScenarioError, TransportError, type TransportDetail } from "../../src/errors/index.js";
import { androidShownForError, androidShownForOutcome } from "../../src/device/android/shown.js";
import { appleAdeInvalidProfile, appleShownForChain, appleShownForError, appleShownForServerCode, isAppleServerCode } from "../../src/device/apple/shown.js";
import { describeShown, shownForError, shownForOutcome } from "../../src/device/shown-for.js";
import { windowsShownForError, windowsShownForFault, withWindowsShown } from "../../src/device/windows/shown.js";
import { UserAbandonedError } from "../../src/runner/timeline/engine.js";
import { DOWNLOAD_REASONS, PROVISIONING_ERRORS } from "../../src/wire/android/provisioning-errors.js";
import { AppleErrors } from "../../src/wire/apple/errors.js";
import { MDM_ERROR_CODES } from "../../src/wire/apple/generated-data.js";
import { NSURL_ERRORS, nsUrlErrorByCode } from "../../src/wire/apple/nsurl-errors.js";
import { hresultHex, MENROLL, menrollByHresult } from "../../src/wire/windows/menroll.js";
import { readFault } from "../../src/wire/windows/soap.js";
import { parseXml } from "../../src/wire/windows/xml.js";
import { httpStatusHresult, WINHTTP, winHttpByWin32, winHttpHresult } from "../../src/wire/windows/winhttp.js";
import { formatSummary } from "../../src/report/table.js";

/** Every TransportDetail (a compile error here when errors/index.ts adds one: map it on every platform). */
const DETAILS = [
  "tls.untrusted",
  "tls.expired",
  "tls.wrong-host",
  "tls.not-yet-valid",
  "tls.weak-signature",
  "tls.weak-key",
  "tls.wrong-usage",
  "tls.policy",
  "tls.protocol-version",
  "tls.client-cert-required",
  "tls.client-cert-refused",
  "dns.nxdomain",
  "dns.timeout",
  "dns.servfail",
  "dns.no-address",
  "connect.refused",
  "connect.timeout",
  "reset.before-response",
  "reset.mid-body",
  "timeout.response",
  "redirect.loop",
  "redirect.off-host",
] as const satisfies readonly TransportDetail[];
type Missing = Exclude<TransportDetail, (typeof DETAILS)[number]>;
const exhaustive: [Missing] extends [never] ? true : never = true;

const kindOf = (d: TransportDetail): TransportError["kind"] => (d.startsWith("tls") ? "tls" : d.startsWith("dns") ? "dns" : d === "connect.refused" ? "refused" : d.startsWith("reset") ? "reset" : d.startsWith("redirect") ? "other" : "timeout");
const err = (d: TransportDetail, step: string) => new TransportError(kindOf(d), `GET https://mdm.example.test/x: ${d}`, { step, detail: d });

describe("Windows tables (MDMRegistration.h, WinHTTP error-messages.md, winerror.h FACILITY_HTTP)", () => {
  it("WinHTTP HRESULTs are HRESULT_FROM_WIN32 of the documented numbers", () => {
    const spot: [string, number, string][] = [
      ["ERROR_WINHTTP_SECURE_FAILURE", 12175, "0x80072F8F"],
      ["ERROR_WINHTTP_NAME_NOT_RESOLVED", 12007, "0x80072EE7"],
      ["ERROR_WINHTTP_CANNOT_CONNECT", 12029, "0x80072EFD"],
      ["ERROR_WINHTTP_TIMEOUT", 12002, "0x80072EE2"],
      ["ERROR_WINHTTP_SECURE_INVALID_CA", 12045, "0x80072F0D"],
      ["ERROR_WINHTTP_SECURE_CERT_DATE_INVALID", 12037, "0x80072F05"],
      ["ERROR_WINHTTP_SECURE_CERT_CN_INVALID", 12038, "0x80072F06"],
      ["ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED", 12044, "0x80072F0C"],
      ["ERROR_WINHTTP_CONNECTION_ERROR", 12030, "0x80072EFE"],
    ];
    for (const [name, n, hex] of spot) {
      expect(WINHTTP[name]!.win32).toBe(n);
      expect(hresultHex(winHttpHresult(WINHTTP[name]!))).toBe(hex);
      expect(winHttpByWin32(n)?.name).toBe(name);
    }
  });
  it("the WinHTTP table has every numbered ERROR_WINHTTP_* of Microsoft Learn's page, each 0x80072xxx, names and numbers unique", () => {
    const rows = Object.values(WINHTTP);
    // "Error Messages (Winhttp.h)" numbers 46 ERROR_WINHTTP_* errors (ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED listed twice; two client-certificate rows have no number).
    expect(rows).toHaveLength(46);
    expect(new Set(rows.map((r) => r.win32)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.name).toMatch(/^ERROR_WINHTTP_[A-Z_]+$/);
      expect(r.win32).toBeGreaterThanOrEqual(12000);
      expect(r.win32).toBeLessThan(12200);
      expect(hresultHex(winHttpHresult(r))).toMatch(/^0x80072[0-9A-F]{3}$/);
      expect(winHttpByWin32(r.win32)).toBe(r);
    }
    // Blind trial 11, ticket W3: 0x80072F78 is 12152 ERROR_WINHTTP_INVALID_SERVER_RESPONSE.
    expect(hresultHex(winHttpHresult(WINHTTP.ERROR_WINHTTP_INVALID_SERVER_RESPONSE!))).toBe("0x80072F78");
    for (const [name, n] of [
      ["ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR", 12178],
      ["ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW", 12183],
      ["ERROR_WINHTTP_RESEND_REQUEST", 12032],
      ["ERROR_WINHTTP_UNRECOGNIZED_SCHEME", 12006],
    ] as const)
      expect(WINHTTP[name]?.win32).toBe(n);
  });
  it("a mid-connection renegotiation the stack fails on shows 0x80072F78 ERROR_WINHTTP_INVALID_SERVER_RESPONSE", () => {
    const shown = windowsShownForError({ error: err("tls.renegotiation", "dm.session"), flow: "windows-autopilot" });
    expect(shown).toMatchObject({ code: "0x80072F78", name: "ERROR_WINHTTP_INVALID_SERVER_RESPONSE" });
  });
  it("MENROLL_E values, including the rows windows-sys publishes as signed HRESULTs", () => {
    expect(MENROLL.MENROLL_E_INVALIDSSLCERT!.hresult).toBe(0x80180012);
    expect(MENROLL.MENROLL_E_CONNECTIVITY!.hresult).toBe(0x80180010);
    expect(menrollByHresult(0x80180013)?.name).toBe("MENROLL_E_DEVICECAPREACHED");
    expect(menrollByHresult(0x80180014)?.name).toBe("MENROLL_E_DEVICENOTSUPPORTED");
    // windows-sys: MENROLL_E_PROV_CSP_MISC = -2145910750, MENROLL_E_PROV_CSP_APPMGMT = -2145910747, MENROLL_E_INVALIDSSLCERT = -2145910766.
    expect(MENROLL.MENROLL_E_PROV_CSP_MISC!.hresult).toBe(-2145910750 >>> 0);
    expect(MENROLL.MENROLL_E_PROV_CSP_APPMGMT!.hresult).toBe(-2145910747 >>> 0);
    expect(MENROLL.MENROLL_E_INVALIDSSLCERT!.hresult).toBe(-2145910766 >>> 0);
  });
  it("an HTTP status is FACILITY_HTTP: 400 → 0x80190190 HTTP_E_STATUS_BAD_REQUEST", () => {
    expect(hresultHex(httpStatusHresult(400).hresult)).toBe("0x80190190");
    expect(httpStatusHresult(503)).toEqual({ hresult: 0x801901f7, name: "HTTP_E_STATUS_SERVICE_UNAVAIL" });
    expect(httpStatusHresult(599).name).toBeUndefined();
  });
});

describe("Windows: what the device shows", () => {
  it("a user who abandons at an enrollment-client step shows MENROLL_E_USER_CANCELED on that flow's screen, in Autopilot's OOBE too; at an OOBE or ESP step of its own nothing (README-windows, blind trial 4)", () => {
    const abandoned = new UserAbandonedError("the user gave up");
    expect(windowsShownForError({ error: abandoned, step: "auth.federated", flow: "windows-autopilot" })).toMatchObject({ code: "0x8018002A", name: "MENROLL_E_USER_CANCELED", screen: "OOBE (out-of-box experience)" });
    expect(windowsShownForError({ error: abandoned, step: "auth.mfa", flow: "windows-byod" })).toMatchObject({ code: "0x8018002A", screen: "Settings › Accounts › Access work or school" });
    for (const step of ["autopilot.profile", "join.register", "esp.device-setup", "esp.user-sign-in"]) expect(windowsShownForError({ error: abandoned, step, flow: "windows-autopilot" })).toBeUndefined();
  });
  it("every transport detail maps during enrollment (MENROLL_E with the WinHTTP cause) and after it (the WinHTTP HRESULT)", () => {
    for (const d of DETAILS) {
      const during = windowsShownForError({ error: err(d, "enroll.rst"), flow: "windows-byod" });
      const after = windowsShownForError({ error: err(d, "dm.session"), flow: "windows-autopilot" });
      if (d === "redirect.off-host") {
        expect(during).toBeUndefined(); // WinHTTP follows a redirect to another host: no error of its own
        continue;
      }
      expect(after!.code).toMatch(/^0x80072[0-9A-F]{3}$/);
      expect(after!.name).toMatch(/^ERROR_WINHTTP_/);
      if (d.startsWith("tls")) expect(during).toMatchObject({ code: "0x80180012", name: "MENROLL_E_INVALIDSSLCERT", cause: { code: after!.code } });
      else if (d.startsWith("redirect")) expect(during!.code).toBe("0x80072F7C");
      else expect(during).toMatchObject({ code: "0x80180010", name: "MENROLL_E_CONNECTIVITY", cause: { code: after!.code } });
    }
    expect(windowsShownForError({ error: err("tls.expired", "dm.session") })!.code).toBe("0x80072F05");
    expect(windowsShownForError({ error: err("tls.not-yet-valid", "dm.session") })!.code).toBe("0x80072F05");
    expect(windowsShownForError({ error: err("tls.not-yet-valid", "discovery.get"), flow: "windows-byod" })!.name).toBe("MENROLL_E_DISCOVERY_SEC_CERT_DATE_INVALID");
    expect(windowsShownForError({ error: err("tls.wrong-usage", "dm.session") })).toMatchObject({ code: "0x80072F93", name: "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE" });
    expect(windowsShownForError({ error: err("tls.weak-key", "dm.session") })).toMatchObject({ code: "0x80072F89", name: "ERROR_WINHTTP_SECURE_INVALID_CERT" });
    expect(windowsShownForError({ error: err("dns.nxdomain", "esp.device-setup"), flow: "windows-autopilot" })).toMatchObject({ code: "0x80072EE7", screen: "Enrollment Status Page" });
    expect(windowsShownForError({ error: err("tls.expired", "discovery.post") })!.name).toBe("MENROLL_E_DISCOVERY_SEC_CERT_DATE_INVALID");
    // No detail: the kind alone; a TLS failure of unknown cause is the generic secure failure.
    expect(windowsShownForError({ error: new TransportError("tls", "x", { step: "dm.session" }) })!.code).toBe("0x80072F8F");
    expect(windowsShownForError({ error: new TransportError("refused", "x", { step: "discovery.get" }) })!.cause!.code).toBe("0x80072EFD");
    expect(windowsShownForError({ error: new TransportError("http-status", "x", { step: "enroll.rst", status: 500 }) })).toMatchObject({ code: "0x801901F4", name: "HTTP_E_STATUS_SERVER_ERROR" });
    expect(windowsShownForError({ error: new ProtocolViolationError("soap.empty", "empty", { step: "enroll.rst" }) })!.name).toBe("MENROLL_E_EMPTY_MESSAGE");
    expect(windowsShownForError({ error: new ScenarioError("bad option") })).toBeUndefined();
  });
  it("a SOAP fault maps by ErrorType; an ErrorType outside MS-MDE2 is MENROLL_E_DEVICE_UNKNOWN_ERROR with the raw value", () => {
    const fault = (errorType: string) =>
      readFault(
        parseXml(
          `<s:Fault xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>s:Other</s:Value></s:Subcode></s:Code><s:Reason><s:Text>no</s:Text></s:Reason><s:Detail><DeviceEnrollmentServiceError xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollment"><ErrorType>${errorType}</ErrorType></DeviceEnrollmentServiceError></s:Detail></s:Fault>`,
          "fault",
        ),
      );
    expect(windowsShownForFault(fault("DeviceCapReached"), "enroll.rst")).toMatchObject({ code: "0x80180013", name: "MENROLL_E_DEVICECAPREACHED" });
    expect(windowsShownForFault(fault("DeviceCapReached"), "enroll.rst").unknown).toBeUndefined();
    const unknown = windowsShownForFault(fault("QuotaExhausted"), "enroll.rst");
    expect(unknown).toMatchObject({ code: "0x80180008", name: "MENROLL_E_DEVICE_UNKNOWN_ERROR", unknown: { raw: "QuotaExhausted" } });
    expect(describeShown(unknown)).toContain('unknown server code "QuotaExhausted"');
  });
  it("an outcome that names its MENROLL_E constant shows the table's code and text", () => {
    const out = withWindowsShown({ ok: false, code: "windows.auth.user-canceled", step: "auth.federated", message: "MENROLL_E_USER_CANCELED (0x8018002A): the user cancelled the MFA prompt", keychain: { identities: [] } }, "windows-autopilot");
    expect(out.shown).toMatchObject({ code: "0x8018002A", name: "MENROLL_E_USER_CANCELED", screen: "OOBE (out-of-box experience)" });
    expect(withWindowsShown({ ok: false, code: "x", message: "MENROLL_E_NOT_A_CONSTANT", keychain: { identities: [] } }, "windows-byod").shown).toBeUndefined();
  });
  it("a failed ESP phase shows the phase's screen text, with the code it carries", () => {
    const base = { ok: false, code: "windows.autopilot.tpm-attestation", step: "esp.device-preparation", keychain: { identities: [] } };
    const out = withWindowsShown({ ...base, windows: { esp: [{ phase: "DevicePreparation", result: "failed", screen: "Securing your hardware (Failed: 0x800705b4)" }] } }, "windows-autopilot");
    expect(out.shown).toEqual({ code: "0x800705b4", text: "Securing your hardware (Failed: 0x800705b4)", screen: "Enrollment Status Page (Device preparation)" });
    const timeout = withWindowsShown({ ...base, windows: { esp: [{ phase: "DeviceSetup", result: "timeout", screen: "Installation of apps and policies took longer than expected." }] } }, "windows-autopilot");
    expect(timeout.shown!.code).toBeUndefined();
  });
});

describe("Apple tables (Foundation URLError codes, apple/device-management mdm/errors)", () => {
  it("NSURLErrorDomain spot checks", () => {
    expect(NSURL_ERRORS.NSURLErrorServerCertificateUntrusted!.code).toBe(-1202);
    expect(NSURL_ERRORS.NSURLErrorSecureConnectionFailed!.code).toBe(-1200);
    expect(NSURL_ERRORS.NSURLErrorServerCertificateHasBadDate!.code).toBe(-1201);
    expect(NSURL_ERRORS.NSURLErrorClientCertificateRequired!.code).toBe(-1206);
    expect(nsUrlErrorByCode(-1001)?.name).toBe("NSURLErrorTimedOut");
    expect(nsUrlErrorByCode(-1003)?.name).toBe("NSURLErrorCannotFindHost");
    expect(nsUrlErrorByCode(-1004)?.name).toBe("NSURLErrorCannotConnectToHost");
    expect(nsUrlErrorByCode(-1005)?.name).toBe("NSURLErrorNetworkConnectionLost");
  });
  it("the MDM error codes are the schemas' own (generated, not hand-copied)", () => {
    const dirPath = join(import.meta.dirname, "../../../shared/apple-device-management/mdm/errors");
    const fromYaml = existsSync(dirPath)
      ? readdirSync(dirPath)
          .filter((f) => f.endsWith(".yaml"))
          .flatMap((f) => (YAML.parse(readFileSync(join(dirPath, f), "utf8")).payloadkeys as { key: string; rangelist?: string[] }[]).find((k) => k.key === "code")!.rangelist!)
      : ["com.apple.softwareupdate.required", "com.apple.unrecognized.device", "com.apple.watch.pairing.token.missing", "com.apple.well-known.failed"];
    expect(MDM_ERROR_CODES.map((c) => c.code).sort()).toEqual(fromYaml.sort());
  });
});

describe("Apple: what the device shows", () => {
  it("ADE: only Apple's documented 403 codes are interpreted; any other is Setup Assistant's 'Invalid Profile', printed with the raw code as unknown", () => {
    expect(isAppleServerCode("com.apple.softwareupdate.required")).toBe(true);
    expect(isAppleServerCode("DeviceTypeNotSupported")).toBe(false);
    expect(isAppleServerCode(undefined)).toBe(false);
    const ipad = appleAdeInvalidProfile("DeviceTypeNotSupported", "iPad", "Contoso", "ade.enroll", "ios-ade");
    expect(ipad).toEqual({ text: "The configuration for your iPad could not be downloaded from Contoso: Invalid Profile", screen: "Setup Assistant › Remote Management", unknown: { raw: "DeviceTypeNotSupported" } });
    expect(describeShown(ipad)).toBe('(unknown server code "DeviceTypeNotSupported"): "The configuration for your iPad could not be downloaded from Contoso: Invalid Profile" [Setup Assistant › Remote Management]');
    expect(appleAdeInvalidProfile(undefined, "Mac", undefined, "ade.enroll", "macos-ade")).toEqual({ text: "The configuration for your Mac could not be downloaded: Invalid Profile", screen: "Setup Assistant › Remote Management" });
  });
  it("every transport detail maps to its NSURLError (none for a redirect to another host)", () => {
    const expected: Record<string, number | undefined> = {
      "tls.untrusted": -1202, "tls.expired": -1201, "tls.wrong-host": -1202, "tls.not-yet-valid": -1204, "tls.weak-signature": -1202, "tls.weak-key": -1202, "tls.wrong-usage": -1202, "tls.policy": -1202, "tls.protocol-version": -1200, "tls.client-cert-required": -1206, "tls.client-cert-refused": -1205,
      "dns.nxdomain": -1003, "dns.timeout": -1003, "dns.servfail": -1003, "dns.no-address": -1003, "connect.refused": -1004, "connect.timeout": -1001,
      "reset.before-response": -1005, "reset.mid-body": -1005, "timeout.response": -1001, "redirect.loop": -1007, "redirect.off-host": undefined,
    };
    for (const d of DETAILS) {
      const s = appleShownForError({ error: err(d, "profile.download"), flow: "ios-profile" });
      if (expected[d] === undefined) expect(s).toBeUndefined();
      else expect(s!.code).toBe(`NSURLErrorDomain ${expected[d]}`);
    }
    expect(appleShownForError({ error: err("tls.untrusted", "ade.enroll"), flow: "ios-ade" })).toMatchObject({
      screen: "Setup Assistant › Remote Management",
      text: "The certificate for this server is invalid. You might be connecting to a server that is pretending to be “mdm.example.test” which could put your confidential information at risk.",
    });
    expect(shownForError("macos", { error: err("connect.refused", "checkin.authenticate"), flow: "macos-profile" })!.screen).toContain("System Settings");
  });
  it("a refusal chain shows the outermost error; a known 403 code is the schema's, an unknown one is reported raw", () => {
    expect(appleShownForChain(AppleErrors.untrustedServer("https://mdm.example.test/checkin"), "checkin.authenticate")).toMatchObject({ code: "MCInstallationErrorDomain 4001" });
    expect(appleShownForServerCode("com.apple.softwareupdate.required", "Update to iOS 18.1 first.", "ade.enroll", "ios-ade")).toMatchObject({ code: "com.apple.softwareupdate.required", text: "Update to iOS 18.1 first." });
    expect(appleShownForServerCode("com.apple.well-known.failed", undefined, "account.well-known").text).toBe("Indicates that the well-known request has failed.");
    const chain = appleShownForChain(AppleErrors.untrustedServer("https://mdm.example.test/checkin"), "checkin.authenticate");
    const out = { ok: false, code: "apple.checkin.server-untrusted", step: "checkin.authenticate", shown: chain, keychain: { identities: [] } };
    expect(shownForOutcome("ios", out, "ios-ade")!.screen).toBe("Setup Assistant › Remote Management");
    expect(shownForOutcome("macos", out, "macos-profile")!.screen).toContain("System Settings");
    const u = appleShownForServerCode("com.example.quota", "Too many devices", "ade.enroll", "ios-ade");
    expect(u).toMatchObject({ code: "com.example.quota", unknown: { raw: "com.example.quota" }, text: "Too many devices" });
  });
});

describe("Android tables (ManagedProvisioning tasks, DownloadManager)", () => {
  it("task constants and COLUMN_REASON values", () => {
    expect(PROVISIONING_ERRORS.downloadFailed).toEqual({ task: "DownloadPackageTask", name: "ERROR_DOWNLOAD_FAILED", value: 0 });
    expect(PROVISIONING_ERRORS.hashMismatch.value).toBe(0);
    expect(PROVISIONING_ERRORS.adminMissing.value).toBe(1);
    expect(PROVISIONING_ERRORS.installationFailed.value).toBe(1);
    expect(DOWNLOAD_REASONS[1004]).toBe("ERROR_HTTP_DATA_ERROR");
    expect(DOWNLOAD_REASONS[1005]).toBe("ERROR_TOO_MANY_REDIRECTS");
  });
});

describe("Android: what the device shows", () => {
  it("every transport detail during the DPC download is ERROR_DOWNLOAD_FAILED; the reason where DownloadManager has one", () => {
    for (const d of DETAILS) {
      const s = androidShownForError({ error: err(d, "android.provision.download") })!;
      expect(s).toMatchObject({ code: "ERROR_DOWNLOAD_FAILED", text: "Can't set up device. Contact your IT admin for help." });
      // A certificate the download's HttpURLConnection refused: logcat's SSLHandshakeException is the cause.
      const java = ["tls.untrusted", "tls.expired", "tls.not-yet-valid", "tls.wrong-host"].includes(d) ? "javax.net.ssl.SSLHandshakeException" : undefined;
      expect(s.cause?.code).toBe(d === "reset.mid-body" ? "1004" : d === "redirect.loop" ? "1005" : java);
    }
    const sha1 = new TransportError("tls", "GET https://h/dpc.apk: TLS failure (CertificateException): java.security.cert.CertificateException: Signature uses an insecure hash function: 1.2.840.113549.1.1.5", { step: "android.provision.download", detail: "tls.weak-signature" });
    expect(androidShownForError({ error: sha1 })!.cause).toEqual({ code: "javax.net.ssl.SSLHandshakeException", name: "java.security.cert.CertificateException: Signature uses an insecure hash function: 1.2.840.113549.1.1.5" });
    expect(androidShownForError({ error: new TransportError("http-status", "x", { step: "android.provision.download", status: 404 }) })!.cause).toEqual({ code: "404", name: "COLUMN_REASON (HTTP status)" });
    expect(androidShownForError({ error: err("connect.refused", "android.amapi.redeem") })).toMatchObject({ text: "Can't set up device. Contact your IT admin for help." });
    expect(androidShownForError({ error: err("connect.refused", "android.trigger.qr") })).toBeUndefined();
  });
  it("wizard outcomes carry their task constant; an AMAPI status outside google.rpc.Code is unknown with the raw value", () => {
    expect(androidShownForOutcome({ ok: false, code: "android.provision.admin-missing" })).toMatchObject({ code: "ERROR_DEVICE_ADMIN_MISSING", text: "Can't use the admin app. It's missing components or corrupted" });
    expect(androidShownForOutcome({ ok: false, code: "android.provision.precondition", message: "Can't set up device. Contact your IT admin for help. (provisioning not allowed: CODE_HAS_DEVICE_OWNER (1); factory reset required)" })!.code).toBe("CODE_HAS_DEVICE_OWNER");
    expect(androidShownForOutcome({ ok: false, code: "android.provision.download-failed", download: { reason: "http-error", status: 403 } })!.cause!.code).toBe("403");
    expect(androidShownForOutcome({ ok: false, code: "android.token.expired", serverError: { status: "INVALID_ARGUMENT", reason: "TOKEN_EXPIRED" } })).toMatchObject({ code: "INVALID_ARGUMENT", name: "TOKEN_EXPIRED" });
    expect(androidShownForOutcome({ ok: false, code: "android.amapi.teapot", serverError: { status: "TEAPOT" } })).toMatchObject({ code: "TEAPOT", unknown: { raw: "TEAPOT" } });
    expect(shownForOutcome("android", { ok: false, code: "android.provision.hash-mismatch", keychain: { identities: [] } })!.name).toBe("VerifyPackageTask.ERROR_HASH_MISMATCH (0)");
  });
});

describe("failure summary", () => {
  it("prints what the device shows under the failures table", () => {
    const text = formatSummary({
      scenario: "s", seed: "1", startedAt: new Date(0).toISOString(), durationMs: 1, devices: 1, enrolled: 0, failed: 1, steps: {}, groups: {}, histograms: {}, expectations: [], ok: false,
      errors: { "transport.tls": { count: 1, blame: "transport", step: "enroll.rst", example: "x", shown: { code: "0x80180012", name: "MENROLL_E_INVALIDSSLCERT", text: "There was a certificate error. Contact your support person.", screen: "Settings" } } },
    } as never);
    expect(text).toContain('transport.tls: the device shows 0x80180012 MENROLL_E_INVALIDSSLCERT: "There was a certificate error. Contact your support person." [Settings]');
    expect(exhaustive).toBe(true);
  });
});
