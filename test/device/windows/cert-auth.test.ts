// SPDX-License-Identifier: MIT
/** AuthPolicy Certificate (MS-MDE2): GetPolicies/RST authenticated by a client certificate over TLS, no WS-Security token. */
import { afterEach, describe, expect, it } from "vitest";
import { windowsHarness, type WinHarness } from "./harness.js";
import { ACTION, NS } from "../../../src/wire/windows/ns.js";
import { buildEnvelope } from "../../../src/wire/windows/soap.js";
import { getPoliciesBody } from "../../../src/wire/windows/xcep.js";
import { buildCertificate } from "../../../src/wire/x509/certificate.js";
import { crypto, testKeys } from "../../support/scep-harness.js";

let h: WinHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const opts = (extra: object) => ({ windows: { upn: "kiosk@contoso.com", password: "unused-password", ...extra } });

describe("windows certificate authentication", () => {
  it("enrolls with the package certificate over client TLS when the server answers AuthPolicy Certificate", async () => {
    h = await windowsHarness({ authPolicy: "Certificate" });
    const { result, events } = await h.run("windows-byod", opts({ certificateAuth: "scep", packageCertChallenge: h.server.scep.config.challenge }), 0);
    expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    const steps = events.map((e) => e.step);
    expect(steps).toContain("auth.certificate");
    expect(steps).toContain("enroll.rst");
    // No UsernameToken/password went out in the SOAP requests.
    const bodies = events.filter((e) => e.kind === "http" || e.kind === "request").map((e) => JSON.stringify(e.data));
    expect(bodies.join("\n")).not.toContain("UsernameToken");
  });

  it("fails on the device with MENROLL_E_CERTAUTH_FAILED_TO_FIND_CERT when the package certificate could not be enrolled (wrong challenge)", async () => {
    h = await windowsHarness({ authPolicy: "Certificate" });
    const { result, events } = await h.run("windows-byod", opts({ certificateAuth: "scep", packageCertChallenge: "expired-challenge" }), 0);
    // The CA refused the package certificate's PKCSReq; no enrollment request went out.
    expect(events.some((e) => e.kind === "http" && e.step === "scep.pkioperation")).toBe(true);
    expect(events.some((e) => e.kind === "http" && e.step === "policy.getpolicies")).toBe(false);
    expect(result.ok).toBe(false);
    expect(result.code).toBe("windows.auth.certificate-missing");
    expect(result.message).toContain("0x80180028");
  });

  it("a device that does not offer Certificate is not sent down the certificate path", async () => {
    h = await windowsHarness({ authPolicy: "Certificate" });
    const { result } = await h.run("windows-byod", { windows: { upn: "alice@contoso.com", password: "S3cret-pw-4-alice" } }, 0);
    // the server falls back to Federated for devices without Certificate
    expect(result.code).not.toBe("windows.auth.certificate-missing");
  });

  it("server: no client certificate → a:InvalidSecurity (0x80180007); unknown certificate → s:Authentication (0x80180002)", async () => {
    h = await windowsHarness({ authPolicy: "Certificate" });
    const url = `${h.server.urls.https}/EnrollmentServer/Policy.svc`;
    const xml = buildEnvelope({ action: ACTION.getPolicies, messageId: "urn:uuid:00000000-0000-0000-0000-000000000001", to: url, body: getPoliciesBody(), xmlns: { "xmlns:xsi": NS.xsi } });
    const post = (tls?: { peerCertificateDer?: Uint8Array }) =>
      h!.handler({ method: "POST", url: "/EnrollmentServer/Policy.svc", headers: { "content-type": "application/soap+xml; charset=utf-8" }, body: new TextEncoder().encode(xml), ...(tls ? { tls } : {}) });
    const none = await post({});
    const noneText = new TextDecoder().decode(none.body);
    expect(none.status).toBeGreaterThanOrEqual(400);
    expect(noneText).toContain("InvalidSecurity");
    const keys = await testKeys();
    const key = await keys.rsa(3);
    const self = buildCertificate({ subject: "CN=stranger", issuer: "CN=stranger", serial: new Uint8Array([1]), notBefore: new Date(0), notAfter: new Date(Date.UTC(2030, 0)), spki: key.spki }, key, "sha256", crypto);
    const unknown = await post({ peerCertificateDer: self });
    expect(new TextDecoder().decode(unknown.body)).toMatch(/Authentication/);
  });
});
