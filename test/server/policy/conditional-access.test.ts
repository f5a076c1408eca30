// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { appId, caOAuthError, caPolicies, CLOUD_APPS, evaluateCa, type CaSignIn } from "../../../src/server/policy/conditional-access.js";
import { PolicyEngine } from "../../../src/server/policy/engine.js";
import type { CaPolicy, PolicyConfig, TermsOfUseDocument } from "../../../src/server/policy/types.js";

const IE = CLOUD_APPS.intuneEnrollment.id;
const directory = {
  users: [
    { upn: "ann@contoso.com", groups: ["staff"] },
    { upn: "admin@contoso.com", groups: ["breakglass"] },
  ],
};
const signIn = (over: Partial<CaSignIn> = {}): CaSignIn => ({ upn: "ann@contoso.com", app: IE, platform: "windows", clientApp: "mobileAppsAndDesktopClients", device: { compliant: false, hybridJoined: false }, mfa: false, ...over });
const cfg = (policies: CaPolicy[], termsOfUse: TermsOfUseDocument[] = []): PolicyConfig => ({ directory, conditionalAccess: { policies, termsOfUse } });
const none = () => false;

describe("conditional access evaluation", () => {
  it("a Terms-of-Use grant on All cloud apps interrupts the Intune Enrollment sign-in until accepted; excluding the app lets it through", () => {
    const tou: CaPolicy = { name: "ToU", grant: { termsOfUse: ["Contoso ToU"] } };
    const c = cfg([tou], [{ name: "Contoso ToU" }]);
    expect(evaluateCa(c, signIn(), none)).toMatchObject({ kind: "terms", terms: { name: "Contoso ToU" }, policy: "ToU" });
    expect(evaluateCa(c, signIn(), () => true).kind).toBe("granted");
    const excluded = cfg([{ ...tou, apps: { include: ["All cloud apps"], exclude: ["Microsoft Intune Enrollment"] } }], [{ name: "Contoso ToU" }]);
    expect(evaluateCa(excluded, signIn(), none).kind).toBe("granted");
    expect(evaluateCa(excluded, signIn({ app: CLOUD_APPS.office365.id }), none).kind).toBe("terms");
  });

  it("block wins over prompts; MFA comes before terms; device controls map to 53000 / 53001 / 53002", () => {
    const c = cfg(
      [
        { name: "ToU", grant: { termsOfUse: ["T"] } },
        { name: "MFA", grant: { controls: ["mfa"] } },
      ],
      [{ name: "T" }],
    );
    expect(evaluateCa(c, signIn(), none)).toMatchObject({ kind: "mfa", policy: "MFA" });
    expect(evaluateCa(c, signIn({ mfa: true }), none)).toMatchObject({ kind: "terms" });
    expect(evaluateCa(cfg([...caPolicies(c.conditionalAccess), { name: "Block", grant: { controls: ["block"] } }]), signIn(), none)).toMatchObject({ kind: "blocked", code: 53003, policy: "Block" });
    for (const [control, code] of [
      ["compliantDevice", 53000],
      ["domainJoinedDevice", 53001],
      ["approvedApplication", 53002],
    ] as const) {
      expect(evaluateCa(cfg([{ name: control, grant: { controls: [control] } }]), signIn(), none)).toMatchObject({ kind: "device", control, code });
    }
    expect(evaluateCa(cfg([{ name: "c", grant: { controls: ["compliantDevice"] } }]), signIn({ device: { compliant: true, hybridJoined: false } }), none).kind).toBe("granted");
  });

  it("AND needs every control, OR one: compliant OR hybrid passes a hybrid device, AND does not", () => {
    const hybrid = signIn({ device: { compliant: false, hybridJoined: true } });
    expect(evaluateCa(cfg([{ name: "or", grant: { operator: "OR", controls: ["compliantDevice", "domainJoinedDevice"] } }]), hybrid, none).kind).toBe("granted");
    expect(evaluateCa(cfg([{ name: "and", grant: { operator: "AND", controls: ["compliantDevice", "domainJoinedDevice"] } }]), hybrid, none)).toMatchObject({ kind: "device", code: 53000 });
    // OR with an interactive alternative: the prompt can satisfy it.
    expect(evaluateCa(cfg([{ name: "or", grant: { operator: "OR", controls: ["compliantDevice", "mfa"] } }]), signIn(), none).kind).toBe("mfa");
  });

  it("assignments: excluded users and groups, platforms, client apps, state off and reportOnly", () => {
    const block = (over: Partial<CaPolicy>): PolicyConfig => cfg([{ name: "b", grant: { controls: ["block"] }, ...over }]);
    expect(evaluateCa(block({ users: { include: ["all-users"], exclude: ["breakglass"] } }), signIn({ upn: "admin@contoso.com" }), none).kind).toBe("granted");
    expect(evaluateCa(block({ users: { include: ["staff"] } }), signIn(), none).kind).toBe("blocked");
    expect(evaluateCa(block({ users: { include: ["ANN@contoso.com"] } }), signIn(), none).kind).toBe("blocked");
    expect(evaluateCa(block({ users: { include: ["staff"] } }), signIn({ upn: "admin@contoso.com" }), none).kind).toBe("granted");
    expect(evaluateCa(block({ platforms: { include: ["android", "ios"] } }), signIn(), none).kind).toBe("granted");
    expect(evaluateCa(block({ platforms: { include: ["all"], exclude: ["windows"] } }), signIn(), none).kind).toBe("granted");
    expect(evaluateCa(block({ platforms: { include: ["all"], exclude: ["windows"] } }), signIn({ platform: "android" }), none).kind).toBe("blocked");
    expect(evaluateCa(block({ clientApps: ["browser"] }), signIn(), none).kind).toBe("granted");
    // A sign-in that names no platform: a policy listing platforms does not apply, one for any platform does.
    expect(evaluateCa(block({ platforms: { include: ["ios"] } }), signIn({ platform: undefined }), none).kind).toBe("granted");
    expect(evaluateCa(block({ platforms: { include: ["all"], exclude: ["ios"] } }), signIn({ platform: undefined }), none).kind).toBe("blocked");
    expect(evaluateCa(block({}), signIn({ platform: undefined }), none).kind).toBe("blocked");
    expect(evaluateCa(block({ state: "off" }), signIn(), none).kind).toBe("granted");
    const ro = evaluateCa(block({ state: "reportOnly" }), signIn(), none);
    expect(ro).toEqual({ kind: "granted", results: [{ policy: "b", state: "reportOnly", result: "failure" }] });
    expect(evaluateCa(block({ apps: { include: [CLOUD_APPS.intune.id] } }), signIn(), none).kind).toBe("granted");
    expect(evaluateCa(block({ apps: { include: ["d4ebce55-015a-49b5-a083-c84d1797ae8c"] } }), signIn(), none).kind).toBe("blocked");
  });

  it("the old flat form keeps its reach: compliant device for Store licences and Android enrollment, MFA for enrollment off Android", () => {
    const flat: PolicyConfig = { conditionalAccess: { requireCompliantDevice: true, requireMfa: true } };
    expect(evaluateCa(flat, signIn({ app: CLOUD_APPS.storeForBusiness.id }), none)).toMatchObject({ kind: "device", code: 53000 });
    expect(evaluateCa(flat, signIn({ platform: "android", clientApp: "browser" }), none)).toMatchObject({ kind: "device", code: 53000 });
    expect(evaluateCa(flat, signIn(), none).kind).toBe("mfa");
    expect(evaluateCa(flat, signIn({ mfa: true }), none).kind).toBe("granted");
    const excluded: PolicyConfig = { conditionalAccess: { requireCompliantDevice: true, excludeApps: ["intune-enrollment", "store"] } };
    expect(evaluateCa(excluded, signIn({ platform: "android" }), none).kind).toBe("granted");
    expect(evaluateCa(excluded, signIn({ app: CLOUD_APPS.storeForBusiness.id }), none).kind).toBe("granted");
    expect(appId("store")).toBe(CLOUD_APPS.storeForBusiness.id);
    expect(appId("All cloud apps")).toBe("*");
  });

  it("non-interactive answers: published codes where they exist, none invented for terms of use", () => {
    expect(caOAuthError({ kind: "mfa", policy: "p", results: [] })).toMatchObject({ error: "interaction_required", aadsts: 50076 });
    expect(caOAuthError({ kind: "blocked", code: 53003, policy: "p", results: [] }).description).toBe("AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");
    const t = caOAuthError({ kind: "terms", terms: { name: "T" }, policy: "p", results: [] });
    expect(t.aadsts).toBeUndefined();
    expect(t.description).toMatch(/no AADSTS code is published/);
  });

  it("the engine logs each sign-in (interrupt, then success after consent) and consents are per user, per device when perDevice", () => {
    const e = new PolicyEngine(cfg([{ name: "ToU", grant: { termsOfUse: ["T", "D"] } }], [{ name: "T" }, { name: "D", perDevice: true }]));
    expect(e.signIn(signIn())).toMatchObject({ kind: "terms", terms: { name: "T" } });
    e.ca.answer({ name: "T" }, "ann@contoso.com", undefined, true);
    expect(e.signIn(signIn())).toMatchObject({ kind: "terms", terms: { name: "D" } });
    e.ca.answer({ name: "D", perDevice: true }, "ann@contoso.com", undefined, true); // no registered device: no consent
    expect(e.signIn(signIn({ device: { id: "DEV1", compliant: false, hybridJoined: false } })).kind).toBe("terms");
    e.ca.answer({ name: "D", perDevice: true }, "ann@contoso.com", "DEV1", true);
    expect(e.signIn(signIn({ device: { id: "DEV1", compliant: false, hybridJoined: false } })).kind).toBe("granted");
    expect(e.signIn(signIn({ device: { id: "DEV2", compliant: false, hybridJoined: false } })).kind).toBe("terms");
    expect(e.records().signIns.map((r) => r.result)).toEqual(["terms", "terms", "terms", "granted", "terms"]);
    e.forgetRecords();
    expect(e.records().signIns).toEqual([]);
  });
});
