// SPDX-License-Identifier: MIT
/** Entra access-token claims by version and a server's checks of them (src/wire/windows/entra-token.ts). */
import { describe, expect, it } from "vitest";
import { accessTokenClaims, audienceAccepted, checkAccessToken, type TokenAcceptance } from "../../../src/wire/windows/entra-token.js";

const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP = { appId: "6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f", identifierUris: ["https://fleet.example.com"] };
const NOW = Date.UTC(2026, 11, 7, 12);
const accept = (o: Partial<TokenAcceptance> = {}): TokenAcceptance => ({ versions: [1, 2], audiences: ["https://fleet.example.com"], tenants: [TID], clockSkewSeconds: 300, ...o });
const token = (version: 1 | 2 | null, nowMs = NOW) => accessTokenClaims({ app: { ...APP, accessTokenAcceptedVersion: version }, tenantId: TID, upn: "ana@contoso.com", nowMs, lifetimeSeconds: 3600 });

describe("Entra access tokens by accessTokenAcceptedVersion", () => {
  it("null and 1 issue v1.0 (App ID URI audience, sts.windows.net issuer); 2 issues v2.0 (client-id audience, login.microsoftonline.com/…/v2.0)", () => {
    for (const v of [null, 1] as const) expect(token(v)).toMatchObject({ ver: "1.0", aud: "https://fleet.example.com", iss: `https://sts.windows.net/${TID}/`, unique_name: "ana@contoso.com", tid: TID });
    expect(token(2)).toMatchObject({ ver: "2.0", aud: APP.appId, iss: `https://login.microsoftonline.com/${TID}/v2.0`, preferred_username: "ana@contoso.com" });
    expect(token(2)).not.toHaveProperty("unique_name");
    // A v1.0 application without an App ID URI: the client id is the resource.
    expect(accessTokenClaims({ app: { appId: APP.appId }, tenantId: TID, upn: "a@b", nowMs: NOW, lifetimeSeconds: 60 }).aud).toBe(APP.appId);
  });

  it("audiences: GUIDs case-insensitively, URLs by host:port (Fleet's rule), nothing else", () => {
    expect(audienceAccepted("https://FLEET.example.com/api", ["https://fleet.example.com"])).toBe(true);
    expect(audienceAccepted("https://fleet.example.com:8443", ["https://fleet.example.com"])).toBe(false);
    expect(audienceAccepted(APP.appId.toUpperCase(), [APP.appId])).toBe(true);
    expect(audienceAccepted(APP.appId, ["https://fleet.example.com"])).toBe(false);
    expect(audienceAccepted(["urn:x", "https://fleet.example.com"], ["https://fleet.example.com"])).toBe(true);
    expect(audienceAccepted(undefined, ["https://fleet.example.com"])).toBe(false);
  });

  it("a server's checks, each with its cause: audience, version, issuer, tenant, lifetime within the skew", () => {
    expect(checkAccessToken(token(1), accept(), NOW)).toEqual({ ok: true });
    expect(checkAccessToken(token(2), accept(), NOW)).toEqual({ ok: false, cause: "audience", reason: "token audience is not authorized" });
    expect(checkAccessToken(token(2), accept({ audiences: [APP.appId] }), NOW)).toEqual({ ok: true });
    expect(checkAccessToken(token(2), accept({ versions: [1], audiences: [APP.appId] }), NOW)).toMatchObject({ ok: false, cause: "version" });
    expect(checkAccessToken({ ...token(1), iss: `https://login.microsoftonline.com/${TID}/v2.0` }, accept(), NOW)).toMatchObject({ ok: false, cause: "issuer" });
    expect(checkAccessToken({ ...token(1), ver: undefined }, accept(), NOW)).toMatchObject({ ok: false, cause: "version" });
    expect(checkAccessToken(token(1), accept({ tenants: ["11111111-2222-3333-4444-555555555555"] }), NOW)).toEqual({ ok: false, cause: "tenant", reason: "token tenant is not authorized" });
    // Issued 4 minutes in the server's future: inside the default 5-minute skew; 10 minutes is not.
    expect(checkAccessToken(token(1, NOW + 240_000), accept(), NOW)).toEqual({ ok: true });
    expect(checkAccessToken(token(1, NOW + 600_000), accept(), NOW)).toMatchObject({ ok: false, cause: "not-yet-valid" });
    expect(checkAccessToken(token(1, NOW + 240_000), accept({ clockSkewSeconds: 0 }), NOW)).toMatchObject({ ok: false, cause: "not-yet-valid" });
    // Expired 4 minutes ago: accepted within the skew, refused without it.
    expect(checkAccessToken(token(1, NOW - 3_840_000), accept(), NOW)).toEqual({ ok: true });
    expect(checkAccessToken(token(1, NOW - 3_840_000), accept({ clockSkewSeconds: 0 }), NOW)).toMatchObject({ ok: false, cause: "expired" });
  });
});
