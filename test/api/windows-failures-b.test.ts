// SPDX-License-Identifier: MIT
/** Windows field failures, batch b (round 3): exact codes and symptoms, and the contrast runs that show the mechanism. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { SimError } from "../../src/errors/index.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import type { HttpHandler } from "../../src/ports/http.js";
import { windowsHarness } from "../device/windows/harness.js";
import { buildCrl, crlDistributionPoints, parseCrl, readCrlDistributionPoints, verifyCrlSignature } from "../../src/wire/x509/crl.js";
import { traceLines } from "../support/trace-lines.js";

const opts = { keyPoolSize: 24, progress: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const run = (name: string, extra: Record<string, unknown> = {}) => runScenario(file(name), { ...opts, ...extra });
/** A copy of a shipped scenario with text replaced (contrast runs). */
const variant = (name: string, edit: (text: string) => string): string => {
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-winb-"));
  const out = join(dir, `${name}.yaml`);
  writeFileSync(out, edit(readFileSync(file(name), "utf8")));
  return out;
};

describe("win-esp-disabled-profile-still-shown", () => {
  it("the profile is disabled (timeline set) after the device phase, yet every user gets the account-setup ESP at first sign-in", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-winb-")), "trace");
    const { summary } = await run("win-esp-disabled-profile-still-shown", { trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["esp.account-setup"]!.count).toBe(3);
    const account = traceLines(dir).filter((l) => l.kind === "decoded" && l.step === "esp.account-setup");
    expect(account).toHaveLength(3);
    for (const a of account) expect(a.data).toMatchObject({ phase: "AccountSetup", result: "success" });
  }, 60_000);
  it("with the OMA-URI workaround (a profile setting SkipUserStatusPage, assigned with the disable) the account-setup page is skipped", async () => {
    const workaround =
      '  - { after: { step: esp.device-setup, succeeded: 3 }, set: { embedded.windows.profiles: [{ name: skip-user-esp, settings: [{ uri: ./Device/Vendor/MSFT/DMClient/Provider/enrollsim/FirstSyncStatus/SkipUserStatusPage, value: "true", format: bool }] }] } }\n';
    const { summary } = await runScenario(
      variant("win-esp-disabled-profile-still-shown", (t) =>
        t.replace(/( {2}- \{ after: \{ step: esp\.device-setup, succeeded: 3, wait: 1s \})/, `${workaround}$1`).replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n  steps:\n    esp.user-sign-in: { count: 3 }\n    esp.account-setup: { count: 0 }\n"),
      ),
      opts,
    );
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["esp.account-setup"]?.count ?? 0).toBe(0);
  }, 60_000);
});

describe("win-esp-add-work-account-pre1903", () => {
  it("Windows 10 1809: ESP in the Add work or school account flow times out waiting for the registration", async () => {
    const { summary } = await run("win-esp-add-work-account-pre1903");
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, failed: 3, ok: true });
    const e = summary.errors["windows.esp.timeout"]!;
    expect(e).toMatchObject({ count: 3, step: "esp.device-setup" });
    // Elapsed time on the scenario clock (20 ms device minutes, measured on the wall clock): the
    // ESP's 30-minute timeout, plus the minutes a busy machine adds (32 seen at load 18), never less.
    const minutes = Number(/DeviceSetup failed after (\d+) min/.exec(e.example ?? "")?.[1]);
    expect(minutes).toBeGreaterThanOrEqual(30);
    expect(minutes).toBeLessThanOrEqual(36);
    expect(e.example).toContain("Installation of apps and policies took longer than expected.");
    expect(e.example).toContain("Waiting for: Entra device registration (Windows 10.0.17763.1879 (before 1903) never reports the registration to ESP");
  }, 60_000);
  it("the same enrollment on Windows 10 22H2 finishes ESP", async () => {
    const { summary } = await runScenario(
      variant("win-esp-add-work-account-pre1903", (t) => t.replace("    state: { osVersion: 10.0.17763.1879 }\n", "").replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n")),
      opts,
    );
    expect(summary.errors).toEqual({});
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["esp.device-setup"]!.count).toBe(3);
  }, 60_000);
});

describe("win-esp-store-apps-ca-timeout", () => {
  it("conditional access refuses the Store licence (AADSTS53000); ESP device setup times out before sign-in", async () => {
    const { summary } = await run("win-esp-store-apps-ca-timeout");
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, failed: 3, ok: true });
    const e = summary.errors["windows.esp.timeout"]!;
    expect(e).toMatchObject({ count: 3, step: "esp.device-setup" });
    expect(e.example).toContain("Waiting for: Microsoft.CompanyPortal_8wekyb3d8bbwe (AADSTS53000: Device is not in required device state: compliant.");
    expect(summary.steps["esp.account-setup"]?.count ?? 0).toBe(0);
  }, 60_000);
  it("without conditional access the Store app installs and ESP finishes", async () => {
    const { summary } = await runScenario(
      variant("win-esp-store-apps-ca-timeout", (t) => t.replace("conditionalAccess: { requireCompliantDevice: true }", "conditionalAccess: { requireCompliantDevice: false }").replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n")),
      opts,
    );
    expect(summary.errors).toEqual({});
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 60_000);
});

describe("win-tenant-attach-crl-proxy", () => {
  it("without a system proxy the CRL check is refused: CRYPT_E_REVOCATION_OFFLINE naming the CRL URL; with one the upload happens", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-winb-")), "trace");
    const { summary } = await run("win-tenant-attach-crl-proxy", { trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    const e = summary.errors["windows.tenant-attach.crl-check-failed"]!;
    expect(e).toMatchObject({ count: 2, step: "tenant-attach.crl" });
    expect(e.example).toContain("CRYPT_E_REVOCATION_OFFLINE (0x80092013)");
    expect(e.example).toMatch(/CRL unreachable — http:\/\/127\.0\.0\.1:\d+\/windows\/pki\/enrollsim-ca\.crl: the proxy refused/);
    expect(e.example).toContain("and none is set");
    expect(summary.steps["tenant-attach.upload"]!.count).toBe(1);
    const lines = traceLines(dir);
    // the site with a proxy read and verified the CRL; nobody's upload ran before its check
    expect(lines.filter((l) => l.kind === "decoded" && l.step === "tenant-attach.crl")).toEqual([expect.objectContaining({ data: expect.objectContaining({ serviceRevoked: false }) })]);
    expect(lines.filter((l) => l.kind === "decoded" && l.step === "tenant-attach.upload")).toEqual([expect.objectContaining({ data: { devices: 25, accepted: 25 } })]);
  }, 60_000);
  it("the server's netsh winhttp proxy (state.winhttpProxy) is WinHTTP's system proxy too: the CRL check passes", async () => {
    const { summary } = await runScenario(
      variant("win-tenant-attach-crl-proxy", (t) =>
        t.replace("options: { windows: { firewall: [/windows/pki/], tenantAttach: { devices: 25 } } }", 'state: { winhttpProxy: { server: "proxy.site.example:8080" } }\n    options: { windows: { firewall: [/windows/pki/], tenantAttach: { devices: 25 } } }').replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n"),
      ),
      opts,
    );
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.steps["tenant-attach.upload"]!.count).toBe(3);
  }, 60_000);
  it("a CRL that lists the service certificate stops the upload with CRYPT_E_REVOKED", async () => {
    const { summary } = await runScenario(
      variant("win-tenant-attach-crl-proxy", (t) =>
        t.replace(/expect:/, "timeline:\n  - { at: 0s, revoke: service-certificate, note: the CA revokes the cloud service's certificate }\nexpect:").replace(/expect:[\s\S]*$/, "expect:\n  failures:\n    - { code: windows.tenant-attach.certificate-revoked, count: 1 }\n    - { code: windows.tenant-attach.crl-check-failed, count: 2 }\n"),
      ),
      opts,
    );
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, ok: true });
    expect(summary.errors["windows.tenant-attach.certificate-revoked"]!.example).toContain("CRYPT_E_REVOKED (0x80092010)");
  }, 60_000);
});

describe("CRL codec (src/wire/x509/crl.ts)", () => {
  const crypto = new NodeCrypto();
  const issuerDer = new Uint8Array([0x30, 0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07, 0x54, 0x65, 0x73, 0x74, 0x20, 0x43, 0x41]);
  it("builds a v2 CRL that reads back and verifies; the distribution point round-trips", async () => {
    const key = await crypto.generateKey("ec-p256");
    const der = buildCrl({ issuerDer, thisUpdate: new Date("2026-11-01T00:00:00Z"), nextUpdate: new Date("2026-11-08T00:00:00Z"), revoked: [{ serial: new Uint8Array([0x01, 0x02]), date: new Date("2026-10-31T00:00:00Z") }] }, key, "sha256", crypto);
    const crl = parseCrl(der);
    expect(crl).toMatchObject({ revokedSerialsHex: ["0102"], thisUpdate: new Date("2026-11-01T00:00:00Z"), nextUpdate: new Date("2026-11-08T00:00:00Z") });
    expect(Buffer.from(crl.issuerDer)).toEqual(Buffer.from(issuerDer));
    expect(verifyCrlSignature(crl, key.spki, crypto)).toBe(true);
    const other = await crypto.generateKey("ec-p256");
    expect(verifyCrlSignature(crl, other.spki, crypto)).toBe(false);
    expect(readCrlDistributionPoints(crlDistributionPoints(["http://pki.example/ca.crl", "ldap://x"]).value)).toEqual(["http://pki.example/ca.crl", "ldap://x"]);
  });
  it("hostile CRLs end in typed errors", async () => {
    const key = await crypto.generateKey("ec-p256");
    const good = buildCrl({ issuerDer, thisUpdate: new Date(), nextUpdate: new Date(), revoked: [] }, key, "sha256", crypto);
    const nested = new Uint8Array(2 * 200).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    for (const bad of [new Uint8Array(), good.subarray(0, good.length - 5), new TextEncoder().encode("not a crl"), nested, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])]) {
      expect(() => parseCrl(bad, "hostile CRL")).toThrow(SimError);
    }
    expect(() => readCrlDistributionPoints(new Uint8Array([0x04, 0x00]))).toThrow(SimError);
  });
});

describe("hostile answers to the tenant-attach client and the Store job", () => {
  const json = (v: unknown) => ({ status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(v)), url: "" });
  const answer = (path: string, res: (req: Parameters<HttpHandler>[0]) => Awaited<ReturnType<HttpHandler>>) => (inner: HttpHandler): HttpHandler => async (req) =>
    new URL(req.url).pathname === path ? res(req) : inner(req);
  it("a service document that is not JSON, or carries no base64 certificates, ends in typed errors naming the step", async () => {
    for (const [body, code] of [
      [{ status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode("<html>proxy login</html>"), url: "" }, "tenant-attach.bad-json"],
      [json({ uploadUrl: "https://x/upload", certificates: ["!!!", "x"] }), "tenant-attach.bad-certificate"],
      [json({ uploadUrl: "https://x/upload", certificates: ["MAA=", "MAA="] }), "asn1.unexpected"],
      [json(null), "tenant-attach.bad-document"],
    ] as const) {
      const h = await windowsHarness({}, answer("/windows/cmgateway/service", () => body));
      await expect(h.run("windows-tenant-attach", {})).rejects.toMatchObject({ code, step: "tenant-attach.service" });
      await h.close();
    }
  }, 60_000);
  it("a CRL that is not a CRL, or is signed by someone else, stops the check with a typed error", async () => {
    const bogus = { status: 200, headers: { "content-type": "application/pkix-crl" }, body: new Uint8Array([0x30, 0x82, 0xff, 0xff, 0x01]), url: "" };
    let h = await windowsHarness({}, answer("/windows/pki/enrollsim-ca.crl", () => bogus));
    await expect(h.run("windows-tenant-attach", {})).rejects.toMatchObject({ code: "asn1.malformed", step: "tenant-attach.crl" });
    await h.close();
    const crypto = new NodeCrypto();
    const other = await crypto.generateKey("ec-p256");
    h = await windowsHarness({}, answer("/windows/pki/enrollsim-ca.crl", () => ({ status: 200, headers: {}, body: buildCrl({ issuerDer: new Uint8Array([0x30, 0x00]), thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 1e9), revoked: [] }, other, "sha256", crypto), url: "" })));
    await expect(h.run("windows-tenant-attach", {})).rejects.toMatchObject({ code: "crl.bad-signature" });
    await h.close();
  }, 60_000);
  it("the Store job treats a 200 without a licence, or garbage, as no licence (LastErrorDesc) and ESP keeps waiting", async () => {
    const h = await windowsHarness(
      { esp: { timeoutMinutes: 20, apps: [], storeApps: [{ name: "Contoso.App_abc", productId: "9ABC" }] } },
      answer("/windows/store/licenses", () => json({ license: { nested: ["x"] }, message: { evil: true } })),
    );
    const { result } = await h.run("windows-autopilot", { windows: { minuteMs: 60_000 } });
    expect(result).toMatchObject({ ok: false, code: "windows.esp.timeout", step: "esp.device-setup" });
    expect(result.message).toContain("Waiting for: Contoso.App_abc (malformed licence response (no license))");
    await h.close();
  }, 60_000);
});
