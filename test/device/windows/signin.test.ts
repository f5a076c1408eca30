// SPDX-License-Identifier: MIT
/**
 * The work-account sign-in and its failures: the CAA table and the mapping from what happened at the
 * identity provider (transport, HTTP status, OAuth/AADSTS answer) to what the PC shows; tenants as data
 * (the Autopilot registration's tenant against the UPN's); the company sign-in page as a user prompt.
 * Units, then the device against the embedded server over loopback (the shipped pairs).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import { loadScenario, runScenario } from "../../../src/api/run-scenario.js";
import { signInShown } from "../../../src/device/windows/signin-shown.js";
import { caaByCode, caaForHttpStatus, caaForOAuthError, caaHex, oauthErrorJson, parseOAuthError } from "../../../src/wire/windows/caa.js";
import { derivedTenantId, openIdConfiguration, otherTenantOfSerial, tenantOfDomain, upnDomainVerified, userRealm, OWN_TENANT_ID } from "../../../src/server/windows/tenants.js";
import { windowsServerConfig } from "../../../src/server/windows/config.js";
import { enrollmentPrecheck, windowsState } from "../../../src/device/windows/state.js";
import type { DeviceIdentity } from "../../../src/device/identity.js";

const file = (p: string) => join(import.meta.dirname, "../../../scenarios", p);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const reset = (detail: "reset.mid-body" | "reset.before-response") => new TransportError("reset", "read ECONNRESET", { detail });

describe("CAA table (WebProviderError.ErrorCode)", () => {
  it("HTTP statuses are 0xCAA30000 | status where the table has a row; others have none", () => {
    expect(caaHex(caaForHttpStatus(404)!.code)).toBe("0xCAA30194");
    expect(caaForHttpStatus(404)!.name).toBe("ERROR_HTTP_STATUS_NOT_FOUND");
    expect(caaForHttpStatus(503)!.name).toBe("ERROR_HTTP_STATUS_SERVICE_UNAVAIL");
    expect(caaForHttpStatus(429)).toBeUndefined();
  });
  it("OAuth errors: known values by row, anything else is the table's own 'unknown server code'", () => {
    expect(caaForOAuthError("invalid_grant")).toMatchObject({ known: true, caa: { code: 0xcaa20003 } });
    expect(caaForOAuthError("access_denied").caa.name).toBe("ERROR_ADAL_SERVER_ERROR_ACCESS_DENIED");
    expect(caaForOAuthError("weird_thing")).toMatchObject({ known: false, caa: { code: 0xcaa20064 } });
  });
  it("parses Entra's error JSON: error_codes first, else AADSTS numbers in the description; non-errors are undefined", () => {
    expect(parseOAuthError(oauthErrorJson("invalid_grant", 50057, "The user account is disabled."))).toEqual({ error: "invalid_grant", description: "AADSTS50057: The user account is disabled.", aadsts: [50057] });
    expect(parseOAuthError('{"error":"invalid_grant","error_description":"AADSTS70002: x. AADSTS50155: y."}')!.aadsts).toEqual([70002, 50155]);
    expect(parseOAuthError("<html>no</html>")).toBeUndefined();
    expect(parseOAuthError('{"error":42}')).toBeUndefined();
    // Hostile answers: truncated JSON, null, an array, and a body far past the 64 KiB it reads are "not an OAuth error", never a throw.
    expect(parseOAuthError('{"error":"invalid_gr')).toBeUndefined();
    expect(parseOAuthError("null")).toBeUndefined();
    expect(parseOAuthError("[1,2]")).toBeUndefined();
    expect(parseOAuthError(new TextEncoder().encode(`{"error":"invalid_grant","error_description":"${"A".repeat(8 << 20)}"}`))).toBeUndefined();
    expect(caaByCode(0xcaa70007)!.description).toContain("connection was interrupted");
  });
});

describe("what the PC shows for a failed sign-in", () => {
  it("an interrupted page download in OOBE is CAA70007; the same reset on the task's WinHTTP request is CAA82EFE", () => {
    const web = signInShown({ kind: "transport", error: reset("reset.mid-body"), pageLoaded: false }, "web", "oobe");
    expect(web.shown).toMatchObject({ code: "0xCAA70007", name: "ERROR_INET_DOWNLOAD_FAILURE", text: "Something went wrong. Error code: caa70007" });
    const task = signInShown({ kind: "transport", error: reset("reset.mid-body"), pageLoaded: false }, "broker", "event76");
    expect(task.shown).toMatchObject({ code: "0xCAA82EFE", text: "Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0xcaa82efe)" });
  });
  it("OOBE shows its OOBEIDPS page only when the sign-in page was never reached; the CAA code is its cause", () => {
    const refused = new TransportError("refused", "connect ECONNREFUSED", { detail: "connect.refused" });
    const first = signInShown({ kind: "transport", error: refused, pageLoaded: false }, "web", "oobe");
    expect(first.shown).toMatchObject({ text: "Something went wrong. OOBEIDPS.", cause: { code: "0xCAA70003" } });
    expect(first.shown.code).toBeUndefined();
    const later = signInShown({ kind: "transport", error: refused, pageLoaded: true }, "web", "oobe");
    expect(later.shown).toMatchObject({ code: "0xCAA70003", text: "Something went wrong. Error code: caa70003" });
  });
  it("TLS, DNS and timeouts per channel", () => {
    const tls = new TransportError("tls", "ERR_TLS_CERT_ALTNAME_INVALID", { detail: "tls.wrong-host" });
    expect(signInShown({ kind: "transport", error: tls, pageLoaded: true }, "web", "oobe").shown.code).toBe("0xCAA70010");
    expect(signInShown({ kind: "transport", error: tls, pageLoaded: true }, "broker", "event76").shown.code).toBe("0xCAA82F06");
    const dns = new TransportError("dns", "getaddrinfo ENOTFOUND", { detail: "dns.nxdomain" });
    expect(signInShown({ kind: "transport", error: dns, pageLoaded: true }, "web", "oobe").shown.code).toBe("0xCAA70004");
    expect(signInShown({ kind: "transport", error: dns, pageLoaded: true }, "broker", "event76").shown.code).toBe("0xCAA82EE7");
    const slow = new TransportError("timeout", "no answer", { detail: "timeout.response" });
    expect(signInShown({ kind: "transport", error: slow, pageLoaded: true }, "broker", "event76").shown.code).toBe("0xCAA82EE2");
  });
  it("an OAuth answer carries the AADSTS code as cause; an unknown error and an HTTP status without a row are unknown with the raw value", () => {
    const s = signInShown({ kind: "refused", httpStatus: 400, oauth: parseOAuthError(oauthErrorJson("invalid_grant", 50126, "Error validating credentials due to invalid username or password."))! }, "web", "oobe");
    expect(s.shown).toMatchObject({ code: "0xCAA20003", cause: { code: "AADSTS50126" } });
    expect(s.message).toContain("AADSTS50126");
    const odd = signInShown({ kind: "refused", httpStatus: 400, oauth: { error: "tenant_on_fire", aadsts: [] } }, "web", "oobe");
    expect(odd.shown).toMatchObject({ code: "0xCAA20064", unknown: { raw: "error=tenant_on_fire" } });
    const teapot = signInShown({ kind: "transport", error: new TransportError("http-status", "HTTP 418", { status: 418 }), pageLoaded: true }, "broker", "event76");
    expect(teapot.shown.code).toBeUndefined();
    expect(teapot.shown.unknown).toEqual({ raw: "HTTP 418" });
    expect(teapot.shown.text).toContain("HTTP 418");
  });
});

describe("tenants as data", () => {
  const cfg = windowsServerConfig({});
  it("a domain belongs to the other tenant that verified it, else to this tenant unless directory.domains leaves it out", () => {
    const policy = { otherTenants: [{ domain: "dev.example.com", domains: ["fabrikam.example.com"] }] };
    expect(tenantOfDomain(policy, cfg, "FABRIKAM.example.com")).toEqual({ id: derivedTenantId("dev.example.com"), domain: "dev.example.com" });
    expect(tenantOfDomain(policy, cfg, "contoso.example.com")!.id).toBe(OWN_TENANT_ID);
    expect(tenantOfDomain({ ...policy, directory: { domains: ["contoso.example.com"] } }, cfg, "elsewhere.example.org")).toBeUndefined();
    expect(derivedTenantId("dev.example.com")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(derivedTenantId("dev.example.com")).not.toBe(derivedTenantId("dev2.example.com"));
  });
  it("a domain listed verified: false is not this tenant's: no sign-in realm, and its users' UPN suffix is not verified (0x8018002b's cause)", () => {
    const policy = { directory: { domains: ["contoso.example.com", { name: "ad.contoso.example.com", verified: false }, { name: "fabrikam.example.com" }] } };
    expect(tenantOfDomain(policy, cfg, "ad.contoso.example.com")).toBeUndefined();
    expect(tenantOfDomain(policy, cfg, "fabrikam.example.com")!.id).toBe(OWN_TENANT_ID);
    const realm = JSON.parse(new TextDecoder().decode(userRealm(policy, cfg, "u@ad.contoso.example.com").body)) as { account_type: string };
    expect(realm.account_type).toBe("Unknown");
    expect(upnDomainVerified(policy, cfg.autopilot.tenantDomain, "u@AD.contoso.example.com")).toBe(false);
    expect(upnDomainVerified(policy, cfg.autopilot.tenantDomain, "u@contoso.example.com")).toBe(true);
    // A subdomain of a verified domain is its own entry; the initial domain is always verified; no list: every domain.
    expect(upnDomainVerified(policy, cfg.autopilot.tenantDomain, "u@eu.contoso.example.com")).toBe(false);
    expect(upnDomainVerified(policy, cfg.autopilot.tenantDomain, `u@${cfg.autopilot.tenantDomain}`)).toBe(true);
    expect(upnDomainVerified({}, cfg.autopilot.tenantDomain, "u@ad.contoso.example.com")).toBe(true);
  });
  it("directory.domains entries are names or {name, verified}: a misspelt key gets file:line:column and what is expected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-domains-"));
    const file = join(dir, "s.yaml");
    writeFileSync(
      file,
      "name: d\nserver: embedded\nembedded:\n  policy:\n    directory:\n      domains: [contoso.example.com, { name: ad.contoso.example.com, verifed: false }]\ngroups:\n  - { name: a, model: windows-10-desktop, count: 1, flow: windows-gpo }\n",
    );
    await expect(loadScenario(file)).rejects.toThrow(/s\.yaml:6:38: embedded\.policy\.directory\.domains\[1\] needs a domain name, or \{name, verified\}/);
  });
  it("a serial another tenant imported is that tenant's; the discovery document names the tenant, an unknown domain is AADSTS90002", () => {
    const policy = { directory: { domains: ["contoso.example.com"] }, otherTenants: [{ domain: "dev.example.com", id: "11111111-2222-3333-4444-555555555555", autopilot: { registered: ["ABC123"] } }] };
    expect(otherTenantOfSerial(policy, "abc123")).toEqual({ id: "11111111-2222-3333-4444-555555555555", domain: "dev.example.com" });
    expect(otherTenantOfSerial(policy, "XYZ")).toBeUndefined();
    const doc = JSON.parse(new TextDecoder().decode(openIdConfiguration("https://idp", policy, cfg, "dev.example.com").body)) as { issuer: string };
    expect(doc.issuer).toBe("https://idp/11111111-2222-3333-4444-555555555555/v2.0");
    const missing = openIdConfiguration("https://idp", policy, cfg, "nowhere.example.org");
    expect(missing.status).toBe(400);
    expect(parseOAuthError(missing.body)!.aadsts).toEqual([90002]);
  });
});

describe("user realm and integrated Windows authentication", () => {
  const cfg = windowsServerConfig({});
  const realm = (policy: object, upn: string) => (JSON.parse(new TextDecoder().decode(userRealm(policy, cfg, upn).body)) as { account_type: string }).account_type;
  it("Federated only for this tenant's federatedDomains; Managed otherwise; Unknown for a domain no tenant holds", () => {
    const policy = { directory: { domains: ["contoso.example.com", "adfs.example.com"], federatedDomains: ["ADFS.example.com"] }, otherTenants: [{ domain: "fabrikam.example.com" }] };
    expect(realm(policy, "a@adfs.example.com")).toBe("Federated");
    expect(realm(policy, "a@contoso.example.com")).toBe("Managed");
    expect(realm(policy, "a@fabrikam.example.com")).toBe("Managed");
    expect(realm(policy, "a@nowhere.example.org")).toBe("Unknown");
  });
  it("loopback: integrated auth against a managed domain logs 0xcaa9001f; the federated site and the fixed (Cloud Management) run enroll", async () => {
    const failing = await runScenario(file("examples/win-comanaged-iwa-caa9001f-failing.yaml"), opts);
    expect(failing.summary.ok).toBe(true);
    expect(failing.summary.outcomes).toMatchObject({ "windows.gpo.token-unavailable": 2, "windows.gpo.enrolled": 1 });
    expect(failing.summary.errors["windows.gpo.token-unavailable"]!.shown).toMatchObject({ code: "0xCAA9001F", name: "ERROR_ADAL_INTEGRATED_AUTH_WITHOUT_FEDERATION" });
    // Event 76 is the text; CoManagementHandler.log's line is the device's other record, kept apart as `logged`.
    const shown = failing.summary.errors["windows.gpo.token-unavailable"]!.shown!;
    expect(shown.text).toBe("Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0xcaa9001f)");
    expect(shown.logged).toEqual(["CoManagementHandler.log: Integrated Windows authentication supported only in federation flow"]);
    const fixed = await runScenario(file("examples/win-comanaged-iwa-caa9001f-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ ok: true, enrolled: 3 });
  }, 120_000);
});

describe("the signed-in account's rights (state.account)", () => {
  const id = (admin?: boolean) => ({ state: admin === undefined ? {} : { account: { admin } }, windows: {} }) as unknown as DeviceIdentity;
  it("a standard account cannot enroll an already set-up PC; OOBE flows and the GPO task run as the system", () => {
    expect(windowsState(id(), "byod").account.admin).toBe(true);
    expect(enrollmentPrecheck(windowsState(id(false), "byod"), "byod")).toMatchObject({ code: "windows.enroll.not-administrator" });
    expect(enrollmentPrecheck(windowsState(id(false), "byod"), "byod")!.message).toContain("You don't have the right privileges to perform this operation.");
    expect(enrollmentPrecheck(windowsState(id(true), "byod"), "byod")).toBeUndefined();
    for (const kind of ["autopilot", "bulk", "gpo"] as const) expect(enrollmentPrecheck(windowsState(id(false), kind), kind)).toBeUndefined();
  });
  it("loopback: the standard users stop before any request, the administrator enrolls; fixed: all enroll", async () => {
    const failing = await runScenario(file("examples/win-byod-standard-user-failing.yaml"), opts);
    expect(failing.summary.ok).toBe(true);
    expect(failing.summary.steps["discovery.post"]!.count).toBe(1);
    const fixed = await runScenario(file("examples/win-byod-standard-user-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ ok: true, enrolled: 3 });
  }, 120_000);
});

describe("sign-in against the embedded server (loopback)", () => {
  it("captive portal: the cut page download shows caa70007 on the portal's PCs; the fixed run provisions all", async () => {
    const failing = await runScenario(file("examples/win-autopilot-captive-portal-caa70007-failing.yaml"), opts);
    expect(failing.summary.ok).toBe(true);
    expect(failing.summary.outcomes).toMatchObject({ "windows.oobe.idp-blocked": 2, "windows.autopilot.user-driven.provisioned": 1 });
    const fixed = await runScenario(file("examples/win-autopilot-captive-portal-caa70007-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ ok: true, enrolled: 3 });
  }, 120_000);

  it("a disabled account (directory data) is refused with AADSTS50057 → CAA20003; enabled, it provisions", async () => {
    const failing = await runScenario(file("examples/win-autopilot-disabled-account-caa20003-failing.yaml"), opts);
    expect(failing.summary.ok).toBe(true);
    expect(failing.summary.errors["windows.auth.federated-refused"]!.example).toContain("AADSTS50057");
    const fixed = await runScenario(file("examples/win-autopilot-disabled-account-caa20003-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ ok: true, enrolled: 3 });
  }, 120_000);

  it("a device registered in another tenant refuses this tenant's user before the sign-in; deregistered, it provisions", async () => {
    const failing = await runScenario(file("examples/win-autopilot-registered-other-tenant-failing.yaml"), opts);
    expect(failing.summary.ok).toBe(true);
    expect(failing.summary.outcomes).toMatchObject({ "windows.autopilot.other-organization": 2 });
    expect(failing.summary.steps["auth.federated"]!.count).toBe(1);
    const fixed = await runScenario(file("examples/win-autopilot-registered-other-tenant-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ ok: true, enrolled: 3 });
  }, 120_000);

  it("'Not a company device?' (abandon at oobe.signin) ends unmanaged with nothing shown and nothing sent", async () => {
    const { summary } = await runScenario(file("examples/win-autopilot-not-a-company-device-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toMatchObject({ "user.abandoned": 2 });
    expect(summary.steps["join.register"]!.count).toBe(1);
  }, 120_000);

  it("the GPO task's 404 and an AADSTS fault body land in Event 76 as 0xcaa30194 and 0xcaa20003", async () => {
    const a = await runScenario(file("failures/win-entra-autoenroll-caa30194.yaml"), opts);
    expect(a.summary.ok).toBe(true);
    expect(a.summary.errors["windows.gpo.token-unavailable"]!.example).toContain("0xcaa30194");
    const b = await runScenario(file("faults/windows-gpo-idp-aadsts-fault-body.yaml"), opts);
    expect(b.summary.ok).toBe(true);
    expect(b.summary.errors["windows.gpo.token-unavailable"]!.example).toContain("0xcaa20003");
  }, 120_000);
});

describe("the shipped pairs cannot pass by accident", () => {
  const pairs = ["win-autopilot-captive-portal-caa70007", "win-autopilot-disabled-account-caa20003", "win-autopilot-registered-other-tenant", "win-autopilot-not-a-company-device", "win-byod-standard-user", "win-comanaged-iwa-caa9001f"];
  it("each fixed variant run against its failing variant's expectations fails them", async () => {
    for (const name of pairs) {
      const failing = await loadScenario(file(`examples/${name}-failing.yaml`));
      const fixed = await loadScenario(file(`examples/${name}-fixed.yaml`));
      const { summary } = await runScenario({ ...fixed, expect: failing.expect }, opts);
      expect({ name, ok: summary.ok }).toEqual({ name, ok: false });
    }
  }, 240_000);
});
