// SPDX-License-Identifier: MIT
/**
 * The shipped conditional-access failures and their fixes, end to end against the embedded server over loopback
 * (server/policy/conditional-access.ts): each failing scenario's expect holds, and its fixed variant enrols every device.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const root = join(import.meta.dirname, "../../scenarios");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("conditional access scenarios (loopback)", () => {
  const files = ["win-autopilot-ca-terms-of-use", "win-autopilot-ca-terms-of-use-fixed", "ios-ade-ca-compliant-device-enrollment", "ios-ade-ca-compliant-device-enrollment-fixed"].map((f) => `failures/${f}`);
  for (const f of [...files, "policy-conditional-access"]) {
    it(`${f}: its expect holds`, async () => {
      const { summary } = await runScenario(join(root, `${f}.yaml`), opts);
      expect(
        (summary.expectations ?? []).filter((e) => !e.ok),
        f,
      ).toEqual([]);
      expect(summary.ok).toBe(true);
      // expect.server.signIns: the tenant's sign-in log agrees with what the devices met.
      expect((summary.expectations ?? []).filter((e) => e.name.startsWith("server sign-ins")).length).toBeGreaterThan(0);
    }, 120_000);
  }

  it("Apple account-driven sign-in (apple-as-web): MFA and terms of use are further pages, the user's steps auth.mfa / auth.terms; a block for the platform the enrollment named refuses it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-ca-"));
    const scenario = (policies: string, expect: string, method = "apple-as-web") => `name: ca-account
server: embedded
embedded:
  apple: { account: { password: ca-pass-2026, authMethod: ${method} } }
  policy:
    conditionalAccess:
      termsOfUse: [{ name: T }]
      policies:
${policies}
groups:
  - { name: iphones, model: iphone-15, count: 2, flow: ios-user-enrollment, options: { apple: { account: { domain: example.org, auth: form, password: ca-pass-2026 } } } }
limits: { durationSeconds: 60 }
expect:
${expect}
`;
    const prompts = join(dir, "prompts.yaml");
    writeFileSync(
      prompts,
      scenario(
        "        - { name: MFA and terms on iOS, platforms: { include: [ios] }, grant: { controls: [mfa], termsOfUse: [T] } }\n        - { name: Block Macs, platforms: { include: [macos] }, grant: { controls: [block] } }",
        "  successRatio: 1.0\n  steps: { auth.mfa: { count: 2 }, auth.terms: { count: 2 } }\n  server: { signIns: { mfa: 2, terms: 2, granted: 2, blocked: 0 } }",
      ),
    );
    const ok = await runScenario(prompts, opts);
    expect((ok.summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const blocked = join(dir, "blocked.yaml");
    writeFileSync(blocked, scenario("        - { name: Block iOS, platforms: { include: [ios] }, grant: { controls: [block] } }", "  failures: [{ code: apple.account.auth-failed, ratio: 1.0 }]\n  server: { signIns: { blocked: 2 } }"));
    const no = await runScenario(blocked, opts);
    expect((no.summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    expect(JSON.stringify(no.summary)).toContain("AADSTS53003");
  }, 120_000);

  it("Apple account-driven sign-in (apple-oauth2): the same prompts on the authorization page; a block is the authorization error access_denied", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-ca-"));
    const scenario = (policies: string, expect: string) => `name: ca-oauth2
server: embedded
embedded:
  apple: { account: { password: ca-pass-2026, authMethod: apple-oauth2 } }
  policy:
    conditionalAccess:
      termsOfUse: [{ name: T }]
      policies:
${policies}
groups:
  - { name: iphones, model: iphone-15, count: 2, flow: ios-user-enrollment, options: { apple: { account: { domain: example.org, password: ca-pass-2026 } } } }
limits: { durationSeconds: 60 }
expect:
${expect}
`;
    const prompts = join(dir, "prompts.yaml");
    writeFileSync(
      prompts,
      scenario("        - { name: MFA and terms, grant: { controls: [mfa], termsOfUse: [T] } }", "  successRatio: 1.0\n  steps: { auth.mfa: { count: 2 }, auth.terms: { count: 2 } }\n  server: { signIns: { mfa: 2, terms: 2, granted: 2 } }"),
    );
    const ok = await runScenario(prompts, opts);
    expect((ok.summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const blocked = join(dir, "blocked.yaml");
    writeFileSync(blocked, scenario("        - { name: Block iOS, platforms: { include: [ios] }, grant: { controls: [block] } }", "  failures: [{ code: apple.account.auth-failed, ratio: 1.0 }]\n  server: { signIns: { blocked: 2 } }"));
    const no = await runScenario(blocked, opts);
    expect((no.summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    expect(JSON.stringify(no.summary)).toContain("error=access_denied");
  }, 120_000);
});
