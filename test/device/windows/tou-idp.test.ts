// SPDX-License-Identifier: MIT
/**
 * Issue 12 #2 and #9: the Terms-of-Use web view as CloudExperienceHost drives it (its headers, GET
 * and POST forms ending at ms-appx-web://), and redirects to a legitimate identity provider from a
 * ToU page or from AuthenticationServiceUrl are the protocol working, not a server fault.
 */
import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { windowsHarness } from "./harness.js";

const html = (s: string) => ({ status: 200, headers: { "content-type": "text/html" }, body: new TextEncoder().encode(s) });
const header = (req: HttpRequest, name: string) => Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

describe("Terms of Use web view (issue 12 #2)", () => {
  it("sends the CloudExperienceHost headers and completes a GET form ending at ms-appx-web:// (AzureBabyMDM's page)", async () => {
    const seen: Record<string, string | undefined>[] = [];
    const h = await windowsHarness({}, (inner) => async (req) => {
      const u = new URL(req.url);
      if (u.pathname !== "/windows/tou") return inner(req);
      seen.push({ host: header(req, "cxh-host"), app: header(req, "hostapp"), os: header(req, "cxh-osversioninfo") });
      // As AzureBabyMDM: without cxh-osVersionInfo the page fails (it reads the build from it).
      if (!header(req, "cxh-osversioninfo")) return { status: 500, headers: {}, body: new Uint8Array() };
      const redirect = u.searchParams.get("redirect_uri")!;
      return html(
        `<html><body><p>Terms</p><form action="${redirect}" id="form1" method="GET">` +
          `<input type="hidden" name="OpaqueBlob" value="blob-${u.searchParams.get("client-request-id")}">` +
          `<input type="hidden" name="IsAccepted" value="true"><input type="submit" value="Accept"></form></body></html>`,
      );
    });
    try {
      const { result, events } = await h.run("windows-gpo", { windows: { termsOfUse: "accept" } }, 0);
      expect(result.message).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.host).toBe("FRX");
      expect(seen[0]!.app).toBe("CloudExperienceHost");
      expect(JSON.parse(seen[0]!.os!)).toEqual({ platformId: 2, majorVersion: 10, minorVersion: 0, buildNumber: expect.any(Number) });
      // The device reads the ms-appx-web:// navigation and never sends it.
      expect(events.filter((e) => e.kind === "http" && e.step === "enroll.terms")).toHaveLength(1);
      const declined = await h.run("windows-gpo", { windows: { termsOfUse: "decline" } }, 1);
      expect(declined.result).toMatchObject({ ok: false, code: "windows.tou.declined" });
    } finally {
      await h.close();
    }
  });

  it("the reference server's POST-form ToU page still works with the same headers", async () => {
    const h = await windowsHarness({}, undefined, { terms: [{ name: "Contoso MDM terms" }] });
    try {
      const ok = await h.run("windows-gpo", { windows: { termsOfUse: "accept" } }, 0);
      expect(ok.result.ok).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe("redirects to an identity provider (issue 12 #9)", () => {
  it("a ToU page that sends the device to an identity provider is an outcome, not a server fault", async () => {
    const h = await windowsHarness({}, (inner) => async (req) => {
      if (new URL(req.url).pathname !== "/windows/tou") return inner(req);
      return { status: 302, headers: { location: "https://login.idp.example.com/common/oauth2/authorize?client_id=x" }, body: new Uint8Array() };
    });
    try {
      const r = await h.run("windows-gpo", { windows: { termsOfUse: "accept" } }, 0).catch((e: unknown) => e);
      expect(r).not.toBeInstanceOf(Error);
      expect((r as { result: unknown }).result).toMatchObject({ ok: false, code: "windows.tou.identity-provider", step: "enroll.terms" });
      expect((r as { result: { message: string } }).result.message).toContain("login.idp.example.com");
    } finally {
      await h.close();
    }
  });

  it("AuthPolicy Federated whose AuthenticationServiceUrl redirects to an identity provider is an outcome, not a server fault", async () => {
    const h = await windowsHarness({ authPolicy: "Federated", password: "Fed-pa55" }, (inner) => async (req) => {
      if (req.method === "GET" && /\/EnrollmentServer\/Auth/i.test(new URL(req.url).pathname)) {
        return { status: 302, headers: { location: "https://login.idp.example.com/wsfed?wa=wsignin1.0" }, body: new Uint8Array() };
      }
      return inner(req);
    });
    try {
      const r = await h.run("windows-byod", { windows: { upn: "erin@contoso.com", password: "Fed-pa55" } }, 0).catch((e: unknown) => e);
      expect(r).not.toBeInstanceOf(Error);
      expect((r as { result: unknown }).result).toMatchObject({ ok: false, code: "windows.auth.identity-provider", step: "auth.federated" });
    } finally {
      await h.close();
    }
  });

  it("a redirect to plain HTTP is still the server's fault", async () => {
    const h = await windowsHarness({}, (inner) => async (req) => {
      if (new URL(req.url).pathname !== "/windows/tou") return inner(req);
      return { status: 302, headers: { location: "http://login.idp.example.com/authorize" }, body: new Uint8Array() };
    });
    try {
      const err = await h.run("windows-gpo", { windows: { termsOfUse: "accept" } }, 0).catch((e: unknown) => e);
      expect(err).toMatchObject({ blame: "server" });
    } finally {
      await h.close();
    }
  });
});
