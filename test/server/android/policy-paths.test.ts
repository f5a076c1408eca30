// SPDX-License-Identifier: MIT
/**
 * Intune's two Android switches as platforms of the tenant's restriction (embedded.policy
 * restrictions.platform.androidWorkProfile / androidDeviceAdmin, server-policies.md §2.3–2.4) and the
 * tenant's conditional access at the enrollment sign-in: the Android half asks the policy engine,
 * and a timeline `set` of the policy changes the next answer.
 */
import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { androidServer, BASE } from "../../protocol/android/harness.js";

const get = async (h: (r: HttpRequest) => Promise<{ status: number; body: Uint8Array }>, path: string) => {
  const r = await h({ method: "GET", url: BASE + path, headers: {} });
  return { status: r.status, json: JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, unknown> };
};

describe("Android paths from the tenant's platform restriction", () => {
  it("routes by the work-profile range, else device admin unless switched off, else blocked (routing table §2.4)", async () => {
    const { server } = await androidServer({}, undefined, { restrictions: { platform: { androidWorkProfile: { minOs: "10.0", maxOs: "13.0" }, androidDeviceAdmin: { maxOs: "12.0" } } } });
    expect((await get(server.handler, "/android/provisioning/route?apiLevel=33")).json).toEqual({ path: "work-profile" });
    // Android 14 is outside the WP range: device admin (its own range is judged when the agent reports in).
    expect((await get(server.handler, "/android/provisioning/route?apiLevel=34")).json).toEqual({ path: "device-admin" });
    server.policy.holder.set("restrictions.platform.androidDeviceAdmin.allowed", false);
    expect((await get(server.handler, "/android/provisioning/route?apiLevel=34")).json).toMatchObject({
      path: "blocked",
      refusal: "os-above-maximum",
      failureCategory: "enrollmentRestrictionsEnforced",
      failureReason: "Enrollment restriction not met",
    });
    expect((await get(server.handler, "/android/provisioning/route?apiLevel=30")).json).toEqual({ path: "work-profile" });
  });

  it("Personally owned: Block admits a work profile whose IMEI or serial is a corporate identifier, on Android 11 and earlier only", async () => {
    const { server } = await androidServer({}, undefined, {
      restrictions: { platform: { androidWorkProfile: { personal: "block" }, androidDeviceAdmin: { allowed: false } } },
      corporateIdentifiers: { imeis: ["356938035643809"], serials: ["R58K1234567"] },
    });
    const route = async (q: string) => (await get(server.handler, `/android/provisioning/route?${q}`)).json;
    expect(await route("apiLevel=29&imei=356938035643809")).toEqual({ path: "work-profile" });
    expect(await route("apiLevel=30&serial=R58K1234567")).toEqual({ path: "work-profile" });
    // Android 12+: the identifiers cannot count (Intune: "Supported with Android 11 and earlier"), even if sent.
    expect(await route("apiLevel=31&imei=356938035643809")).toMatchObject({ path: "blocked", refusal: "personal-blocked", ownership: "personal" });
    expect(await route("apiLevel=29&imei=356938035643800")).toMatchObject({ path: "blocked", refusal: "personal-blocked" });
    // A device enrollment manager's devices are corporate.
    server.policy.holder.set("deviceEnrollmentManagers", { users: ["dem@contoso.com"] });
    expect(await route("apiLevel=34&user=dem%40contoso.com")).toEqual({ path: "work-profile" });
    expect(server.policy.records().refusals.map((r) => r.refusal)).toEqual(["personal-blocked", "personal-blocked"]);
  });

  it("a switched-off work profile refuses the work-profile token (the Resolve error); an assigned policy overrides the Default", async () => {
    const { server } = await androidServer({}, undefined, {
      directory: { users: [{ upn: "ann@contoso.com", groups: ["pilot"] }] },
      restrictions: { platform: { androidWorkProfile: { allowed: false } } },
    });
    const r = await get(server.handler, "/android/provisioning/work-profile/token");
    expect(r.status).toBe(403);
    expect(r.json.reason).toBe("WORK_PROFILE_NOT_ALLOWED");
    expect((await get(server.handler, "/android/provisioning/fully-managed/token")).status).toBe(200);
  });

  it("conditional access refuses a not-yet-compliant enrollment sign-in with AADSTS53000 unless the enrollment app is excluded", async () => {
    const { server } = await androidServer({}, undefined, { conditionalAccess: { requireCompliantDevice: true } });
    const r = await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com");
    expect(r.status).toBe(403);
    expect(String(r.json.error_description)).toMatch(/^AADSTS53000/);
    server.policy.holder.set("conditionalAccess.excludeApps", ["intune-enrollment"]);
    expect((await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com")).status).toBe(200);
  });

  it("conditional-access policies at the enrollment sign-in: a block by platform is AADSTS53003 (excluded users pass); MFA and terms of use are prompts the tab answers", async () => {
    const directory = {
      users: [
        { upn: "ann@contoso.com", groups: ["staff"] },
        { upn: "it@contoso.com", groups: ["it"] },
      ],
    };
    const block = { name: "Block Android", users: { include: ["all-users"], exclude: ["it"] }, platforms: { include: ["android" as const] }, grant: { controls: ["block" as const] } };
    const { server } = await androidServer({}, undefined, { directory, conditionalAccess: { policies: [block] } });
    const ann = await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com");
    expect(ann.status).toBe(403);
    expect(ann.json.error_description).toBe("AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");
    expect((await get(server.handler, "/android/idp/authorize?login_hint=it%40contoso.com")).status).toBe(200);
    server.policy.holder.set("conditionalAccess.policies", [{ name: "MFA", grant: { controls: ["mfa"] } }]);
    expect(await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com")).toMatchObject({ status: 401, json: { error: "interaction_required", interaction: "mfa" } });
    expect((await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com&mfa=done")).status).toBe(200);
    server.policy.holder.set("conditionalAccess", { termsOfUse: [{ name: "T" }], policies: [{ name: "ToU", grant: { termsOfUse: ["T"] } }] });
    expect(await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com")).toMatchObject({ status: 401, json: { interaction: "terms", terms: "T" } });
    expect((await get(server.handler, "/android/idp/authorize?login_hint=it%40contoso.com&tou_name=T&tou=decline")).status).toBe(403);
    expect((await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com&tou_name=T&tou=accept")).status).toBe(200);
    expect((await get(server.handler, "/android/idp/authorize?login_hint=ann%40contoso.com")).status).toBe(200); // consent is per user
    expect((await get(server.handler, "/android/idp/authorize?login_hint=it%40contoso.com")).status).toBe(401); // declined: asked again
  });
});
