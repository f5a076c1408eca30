// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment authentication end to end (embedded server over loopback, real time):
 * apple-oauth2 User Enrollment, mid-session re-authentication after the server's token lifetime
 * (apple-as-web form and apple-oauth2 refresh), and the failing re-authentication (account
 * disabled after enrollment → the device unenrolls). Transcripts hold no token or password.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";
import type { ResolvedScenario } from "../../src/runner/scenario/types.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

/** The scenario with embedded.apple.account merged over, and other expectations. */
async function variant(file: string, account: Record<string, unknown>, expect_: Partial<ResolvedScenario["expect"]>): Promise<ResolvedScenario> {
  const s = await loadScenario(scenario(file));
  if (s.server.kind !== "embedded") throw new Error("embedded scenario expected");
  const apple = (s.server.platforms.apple ?? {}) as { account?: Record<string, unknown> };
  return { ...s, server: { ...s.server, platforms: { ...s.server.platforms, apple: { ...apple, account: { ...apple.account, ...account } } } }, expect: { ...s.expect, ...expect_ } };
}

function traceText(dir: string): string {
  const files = readdirSync(dir);
  expect(files.length).toBeGreaterThan(0);
  return files.map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
}

describe("account-driven authentication scenarios", () => {
  it("ios-user-enrollment-oauth2: 7 devices enroll through apple-oauth2 (5 authorization-code + PKCE, 2 scenario tokens); no secret in transcripts", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "apple-oauth2-")), "trace");
    const { summary } = await runScenario(scenario("ios-user-enrollment-oauth2.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 7, enrolled: 7, failed: 0, ok: true });
    expect(summary.steps["account.auth"]!.count).toBe(5); // the iPhones' authorization-code flows; the iPads' token driver makes no request
    expect(summary.steps["account.reauth"]).toBeUndefined();
    const text = traceText(dir);
    expect(text).toContain("oauth2-results");
    expect(text).not.toContain("oauth2-password-2026");
    expect(text).not.toContain("oauth2-static-token-0123456789");
    expect(text).not.toMatch(/[?&]code=(?!\[REDACTED\])[A-Za-z0-9_-]{8,}/);
    expect(text).not.toMatch(/"(accessToken|refreshToken)":\s*"(?!\[REDACTED\])/);
    expect(text).not.toMatch(/Bearer (?!\[REDACTED\])[A-Za-z0-9_-]{8,}/);
  }, 120_000);

  it("ios-account-reauth: tokens expire mid-session, devices re-authenticate with the form, resend, and stay enrolled", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "apple-reauth-")), "trace");
    const { summary } = await runScenario(scenario("ios-account-reauth.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    expect(summary.steps["account.reauth"]!.count).toBeGreaterThanOrEqual(4);
    expect(summary.steps["push.poll"]!.count).toBe(4);
    const text = traceText(dir);
    expect(text).not.toContain("reauth-password-2026");
    expect(text).not.toMatch(/access-token=(?!\[REDACTED\])[A-Za-z0-9_-]{8,}/);
    expect(text).not.toMatch(/Bearer (?!\[REDACTED\])[A-Za-z0-9_-]{8,}/);
  }, 120_000);

  it("ios-account-reauth with apple-oauth2: the re-authentication uses the refresh token", async () => {
    const s = await variant("ios-account-reauth.yaml", { authMethod: "apple-oauth2" }, {});
    const { summary } = await runScenario(s, opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    expect(summary.steps["account.reauth"]!.count).toBeGreaterThanOrEqual(4);
    expect(summary.steps["account.refresh"]!.count).toBe(summary.steps["account.reauth"]!.count);
  }, 120_000);

  it("ios-account-reauth with the account disabled after enrollment: the re-authentication fails and every device unenrolls", async () => {
    for (const authMethod of ["apple-as-web", "apple-oauth2"]) {
      const s = await variant("ios-account-reauth.yaml", { authMethod, disableUsersAfterEnrollment: true }, { successRatio: 0, steps: { "account.reauth": { count: 4 } }, failures: [{ code: "apple.checkin.unenrolled", count: 4 }] as ResolvedScenario["expect"]["failures"] });
      const { summary } = await runScenario(s, opts);
      expect(summary, authMethod).toMatchObject({ devices: 4, enrolled: 0, failed: 4, ok: true });
      expect(JSON.stringify(summary.errors), authMethod).toContain("apple.checkin.unenrolled");
      expect(summary.expectations.every((e) => e.ok), authMethod).toBe(true);
      expect(summary.steps["account.reauth"]!.count).toBe(4);
    }
  }, 120_000);
});
