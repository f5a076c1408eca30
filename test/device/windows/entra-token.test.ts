// SPDX-License-Identifier: MIT
/**
 * The MDM application's token version and the enrollment service's token checks, device against the reference server
 * on virtual time (wire/windows/entra-token.ts, server/windows/mdm-token.ts): the token the PC sends in GetPolicies is
 * read off the wire and decoded as a JWT.
 */
import { describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/platform/virtual/http.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import { windowsHarness } from "./harness.js";

const APP_ID = "6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f";
const TENANT = "00000000-0000-0000-0000-00000000e501";
const app = (version: 1 | 2 | null): PolicyConfig => ({ directory: { applications: [{ name: "Fleet", appId: APP_ID, identifierUris: ["%SERVER%"], accessTokenAcceptedVersion: version }] } });
const fleet = { tokenValidation: { audiences: ["%SERVER%"], refusal: { httpStatus: 200, subcode: "s:messageformat" } } };
const oobe = { windows: { upn: "ana@contoso.com", tokenSource: "idp" } };

/** Records the JWT of each GetPolicies request's BinarySecurityToken, decoded. */
function tokens(): { seen: { header: Record<string, unknown>; claims: Record<string, unknown>; parts: number }[]; wrap: (h: HttpHandler) => HttpHandler } {
  const seen: { header: Record<string, unknown>; claims: Record<string, unknown>; parts: number }[] = [];
  const wrap =
    (h: HttpHandler): HttpHandler =>
    async (req) => {
      if (req.url.toLowerCase().includes("/enrollmentserver/policy.svc")) {
        const b64 = /BinarySecurityToken[^>]*>([^<]+)</.exec(new TextDecoder().decode(req.body ?? new Uint8Array()))?.[1];
        if (b64) {
          const jwt = Buffer.from(b64, "base64").toString("utf8").split(".");
          seen.push({ parts: jwt.length, header: JSON.parse(Buffer.from(jwt[0]!, "base64url").toString()), claims: JSON.parse(Buffer.from(jwt[1]!, "base64url").toString()) });
        }
      }
      return h(req);
    };
  return { seen, wrap };
}

describe("Entra access-token versions at the Windows enrollment service", () => {
  it("a v2.0 MDM application: the PC sends aud = client id, iss …/v2.0; a server matching only its URL refuses it as Fleet does (200 + s:messageformat → 0x801900C8)", async () => {
    const t = tokens();
    const h = await windowsHarness({ authPolicy: "Federated", ...fleet }, t.wrap, app(2));
    try {
      const { result, events } = await h.run("windows-autopilot", oobe, 0);
      expect(result).toMatchObject({ ok: false, code: "windows.fault.messageformat", step: "policy.getpolicies" });
      expect(result.message).toContain("0x801900C8");
      expect(t.seen).toHaveLength(1);
      expect(t.seen[0]!.parts).toBe(3);
      expect(t.seen[0]!.header).toMatchObject({ typ: "JWT" });
      expect(t.seen[0]!.claims).toMatchObject({ aud: APP_ID, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, ver: "2.0", tid: TENANT, upn: "ana@contoso.com", preferred_username: "ana@contoso.com" });
      const answer = events.find((e) => e.kind === "decoded" && e.step === "policy.getpolicies");
      expect(JSON.stringify(answer?.data)).toContain("token audience is not authorized");
      expect(events.some((e) => e.step === "enroll.rst")).toBe(false);
    } finally {
      await h.close();
    }
  });

  it("the same server enrols a v1.0 application's PCs (aud = the App ID URI, iss sts.windows.net), and a v2.0 one's once it accepts the client id", async () => {
    const t = tokens();
    const h = await windowsHarness({ authPolicy: "Federated", ...fleet }, t.wrap, app(1));
    try {
      const v1 = await h.run("windows-autopilot", oobe, 0);
      expect(v1.result).toMatchObject({ ok: true, code: "windows.autopilot.user-driven.provisioned" });
      expect(t.seen[0]!.claims).toMatchObject({ aud: h.server.urls.https, iss: `https://sts.windows.net/${TENANT}/`, ver: "1.0", unique_name: "ana@contoso.com" });
    } finally {
      await h.close();
    }
    const h2 = await windowsHarness({ authPolicy: "Federated", tokenValidation: { ...fleet.tokenValidation, audiences: ["%SERVER%", APP_ID.toUpperCase()] } }, undefined, app(2));
    try {
      expect((await h2.run("windows-autopilot", oobe, 0)).result).toMatchObject({ ok: true, code: "windows.autopilot.user-driven.provisioned" });
    } finally {
      await h2.close();
    }
  });

  it("Settings › Access work or school with an Entra account enrols with the sign-in's token for the MDM application: refused in its v2.0 form by the same server, accepted in v1.0", async () => {
    const t = tokens();
    const h = await windowsHarness({ ...fleet }, t.wrap, app(2));
    try {
      const settings = { windows: { upn: "ana@contoso.com", tokenSource: "idp", workAccount: "entra" } };
      const { result, events } = await h.run("windows-byod", settings, 0);
      expect(events.some((e) => e.step === "join.register")).toBe(true);
      expect(result).toMatchObject({ ok: false, code: "windows.fault.messageformat", step: "policy.getpolicies" });
      expect(result.message).toContain("0x801900C8");
      expect(t.seen[0]!.claims).toMatchObject({ aud: APP_ID, ver: "2.0" });
      h.server.policy.holder.set("directory.applications.0.accessTokenAcceptedVersion", 1);
      expect((await h.run("windows-byod", settings, 1)).result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(t.seen[1]!.claims).toMatchObject({ aud: h.server.urls.https, ver: "1.0" });
    } finally {
      await h.close();
    }
  });

  it("the reference server's own answer: a version or tenant it does not accept is a 500 s:Authentication fault, 0x80180002", async () => {
    const h = await windowsHarness({ authPolicy: "Federated", tokenValidation: { versions: [1] } }, undefined, app(2));
    try {
      const { result, events } = await h.run("windows-autopilot", oobe, 0);
      expect(result).toMatchObject({ ok: false, code: "windows.fault.Authentication", step: "policy.getpolicies" });
      expect(result.message).toContain("0x80180002");
      expect(JSON.stringify(events.find((e) => e.kind === "decoded" && e.step === "policy.getpolicies")?.data)).toContain("token version 2.0 is not accepted");
    } finally {
      await h.close();
    }
    const h2 = await windowsHarness({ authPolicy: "Federated", tokenValidation: { tenants: ["11111111-2222-3333-4444-555555555555"] } });
    try {
      // A minted token (no sign-in page) carries this tenant's tid: a server set up for another tenant refuses it.
      const { result, events } = await h2.run("windows-autopilot", { windows: { upn: "ana@contoso.com" } }, 0);
      expect(result).toMatchObject({ ok: false, code: "windows.fault.Authentication" });
      expect(JSON.stringify(events.find((e) => e.kind === "decoded" && e.step === "policy.getpolicies")?.data)).toContain("token tenant is not authorized");
    } finally {
      await h2.close();
    }
  });
});
