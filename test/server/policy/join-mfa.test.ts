// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { CLOUD_APPS, evaluateCa } from "../../../src/server/policy/conditional-access.js";
import { joinMfaRequirement, mfaRegistered } from "../../../src/server/policy/join-mfa.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";

const directory = {
  users: [
    { upn: "ann@contoso.com", groups: ["staff"] },
    { upn: "bob@contoso.com", mfaRegistered: false },
  ],
};

describe("MFA to register or join devices (server/policy/join-mfa.ts)", () => {
  it("the device setting requires it for every user; off by default", () => {
    expect(joinMfaRequirement({ directory }, "ann@contoso.com", "windows")).toBeUndefined();
    expect(joinMfaRequirement({ directory: { ...directory, requireMfaToJoin: true } }, "ann@contoso.com", "windows")).toContain("Require multifactor authentication to register or join devices");
  });

  it("a Conditional Access policy on the user action Register or join devices requires it for the users it reaches", () => {
    const cfg: PolicyConfig = { directory, conditionalAccess: { policies: [{ name: "MFA to join", users: { include: ["staff"] }, apps: { include: ["Register or join devices"] }, grant: { controls: ["mfa"] } }] } };
    expect(joinMfaRequirement(cfg, "ann@contoso.com", "windows")).toBe('Conditional Access policy "MFA to join" (user action Register or join devices)');
    expect(joinMfaRequirement(cfg, "bob@contoso.com", "windows")).toBeUndefined();
    const reportOnly: PolicyConfig = { directory, conditionalAccess: { policies: [{ ...cfg.conditionalAccess!.policies![0]!, state: "reportOnly" }] } };
    expect(joinMfaRequirement(reportOnly, "ann@contoso.com", "windows")).toBeUndefined();
  });

  it("All cloud apps does not reach the user action, and the user action does not reach Intune Enrollment", () => {
    const all: PolicyConfig = { directory, conditionalAccess: { policies: [{ name: "MFA everywhere", grant: { controls: ["mfa"] } }] } };
    expect(joinMfaRequirement(all, "ann@contoso.com", "windows")).toBeUndefined();
    const action: PolicyConfig = { directory, conditionalAccess: { policies: [{ name: "MFA to join", apps: { include: ["urn:user:registerdevice"] }, grant: { controls: ["mfa"] } }] } };
    const enrollment = { upn: "ann@contoso.com", app: CLOUD_APPS.intuneEnrollment.id, platform: "windows" as const, clientApp: "mobileAppsAndDesktopClients" as const, device: { compliant: false, hybridJoined: false }, mfa: false };
    expect(evaluateCa(action, enrollment, () => true).kind).toBe("granted");
  });

  it("a user has a method unless the directory says mfaRegistered: false (case-insensitive UPN)", () => {
    expect(mfaRegistered({ directory }, "ann@contoso.com")).toBe(true);
    expect(mfaRegistered({ directory }, "BOB@contoso.com")).toBe(false);
    expect(mfaRegistered({}, "zed@contoso.com")).toBe(true);
  });
});
