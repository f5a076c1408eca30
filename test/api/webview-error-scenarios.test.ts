// SPDX-License-Identifier: MIT
/**
 * A web sign-in page that cannot be loaded, end to end over loopback (runner/network against the embedded server):
 * the Android enrollment app's Chrome custom tab shows Chrome's own error page for the page load's net error, and
 * the fixed variant enrols every device; an iPhone whose enrollment portal does not resolve is left on Safari's page
 * with the NSURLError WebKit reports (Safari's own wording is not published).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const file = (p: string) => join(import.meta.dirname, "../../scenarios", p);
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };

describe("shipped web-view error page scenarios", () => {
  it("Android QR on a DNS filter without Entra's sign-in host: the tab shows This site can’t be reached / net::ERR_NAME_NOT_RESOLVED; without the rule all enrol", async () => {
    const failing = (await runScenario(file("failures/android-signin-tab-dns-blocked-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "transport.dns": 2 });
    expect(failing.errors["transport.dns"]).toMatchObject({
      step: "android.signin.chrome-tab",
      shown: { code: "net::ERR_NAME_NOT_RESOLVED", name: "ERR_NAME_NOT_RESOLVED (-105)", text: "This site can’t be reached. login.microsoftonline.com’s server IP address could not be found. net::ERR_NAME_NOT_RESOLVED" },
    });
    expect(failing.errors["transport.dns"]!.shown!.screen).toMatch(/Chrome custom tab.*where the user stays/);
    const fixed = (await runScenario(file("failures/android-signin-tab-dns-blocked-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 2, enrolled: 2 });
  }, 240_000);

  it("iOS user-initiated enrollment on a DNS filter without the MDM server: Safari's page at the portal, NSURLErrorDomain -1003", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-webview-"));
    const f = join(dir, "ios-portal-dns.yaml");
    writeFileSync(
      f,
      [
        "name: ios-portal-dns",
        "seed: 7",
        "server: embedded",
        "networks: { home-wifi: { blocked: [mdm], blockedAs: dns.nxdomain } }",
        "embedded: { policy: { directory: { users: [{ upn: ana@contoso.example }] } }, apple: { portal: { login: true } } }",
        "groups:",
        "  - { name: phones, model: iphone-15, count: 1, flow: ios-profile, network: home-wifi, options: { apple: { portal: { user: ana@contoso.example } } } }",
        "limits: { durationSeconds: 600, stepTimeoutMs: 5000 }",
        "",
      ].join("\n"),
    );
    const s = (await runScenario(f, opts)).summary;
    expect(s.outcomes).toEqual({ "transport.dns": 1 });
    expect(s.errors["transport.dns"]).toMatchObject({ step: "portal.login", shown: { code: "NSURLErrorDomain -1003", name: "NSURLErrorCannotFindHost" } });
    expect(s.errors["transport.dns"]!.shown!.screen).toMatch(/^Safari, its page for a failed load/);
  }, 240_000);

  it("Android: a TLS-inspecting proxy's untrusted certificate at the sign-in tab is Chrome's interstitial, NET::ERR_CERT_AUTHORITY_INVALID", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-webview-"));
    const f = join(dir, "android-tab-tls.yaml");
    writeFileSync(
      f,
      [
        "name: android-tab-tls",
        "seed: 8",
        "server: embedded",
        "embedded: { android: { profiles: { fully-managed: { userSignIn: true } } } }",
        "groups:",
        "  - { name: pixels, model: pixel-8, count: 1, flow: android-qr, options: { android: { profile: fully-managed } } }",
        "faults:",
        "  - { name: inspecting-proxy, match: { step: android.signin.chrome-tab }, tls: untrusted }",
        "limits: { durationSeconds: 600, stepTimeoutMs: 5000 }",
        "",
      ].join("\n"),
    );
    const s = (await runScenario(f, opts)).summary;
    expect(s.outcomes).toEqual({ "transport.tls": 1 });
    expect(s.errors["transport.tls"]).toMatchObject({ step: "android.signin.chrome-tab", shown: { code: "NET::ERR_CERT_AUTHORITY_INVALID", name: "ERR_CERT_AUTHORITY_INVALID (-202)" } });
    expect(s.errors["transport.tls"]!.shown!.text).toMatch(/^Your connection is not private\. Attackers might be trying to steal your information from \S+ \(for example, passwords, messages, or credit cards\)\. NET::ERR_CERT_AUTHORITY_INVALID$/);
  }, 240_000);
});
