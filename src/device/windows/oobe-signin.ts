// SPDX-License-Identifier: MIT
/**
 * Autopilot's company-branded sign-in page in OOBE (user-driven, Entra or hybrid join): the page the user meets after the
 * device read its Autopilot profile, before the sign-in at the identity provider.
 *
 * - It is a user prompt, step `oobe.signin`. The page offers an escape, "Not a <Company> device?"
 *   (MicrosoftDocs/windows-itpro-docs#6557): the user who takes it leaves Autopilot and sets the PC up
 *   as a personal device — no directory join, no MDM enrollment, nothing shown. In a scenario that is
 *   the timeline's user leaving at this step, `abandon: { step: oobe.signin }` (user.abandoned; no code
 *   shown, as for every OOBE step: device/windows/shown.ts).
 * - The profile names the tenant that holds the device's registration (CloudAssignedTenantId). OOBE
 *   finds the tenant of the user's UPN domain (home-realm discovery, protocol/windows/realm.ts) and
 *   compares: a user of another tenant gets "That username looks like it belongs to another
 *   organization. Try signing in again or start over with a different account." (Windows Autopilot
 *   known issues, MicrosoftDocs/windows-itpro-docs PR 6801; the device's hash registered in another
 *   tenant, issue 6399). A domain no tenant holds is left to the sign-in itself, which the directory
 *   answers. A failed look-up is shown like any failed sign-in (signin-shown.ts).
 */
import { decoded, step } from "../../protocol/common/context.js";
import { discoverTenant } from "../../protocol/windows/realm.js";
import type { Prepared } from "./prepare.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";
import { windowsScreen } from "./shown.js";
import { signInShown } from "./signin-shown.js";

export const OTHER_ORGANIZATION_TEXT = "That username looks like it belongs to another organization. Try signing in again or start over with a different account.";

/** The company sign-in page and the tenant check; undefined when the user may go on to sign in. */
export async function companySignInPage(run: EnrollRun, prepared: Prepared): Promise<WindowsFlowResult | undefined> {
  const { o, p, upn, https, fail } = run;
  if (o.kind !== "autopilot" || (o.mode !== "user-driven" && o.mode !== "hybrid")) return undefined;
  const tenant = prepared.tenant;
  await step(p, "oobe.signin", async () => {
    decoded(
      p,
      "oobe.signin",
      prepared.withoutProfile
        ? { page: "Sign in with Microsoft (no Autopilot profile: no company branding)", offers: "personal setup instead of work or school", username: upn }
        : { page: `company sign-in${tenant?.domain ? ` (${tenant.domain})` : ""}`, offers: "Not a <Company> device? (personal setup)", username: upn },
    );
  });
  if (!tenant?.id) return undefined;
  // The embedded server is the identity provider by default; against a URL server only an explicit identityProviderUrl is asked.
  const authority = o.raw.identityProviderUrl ?? (run.embedded && https ? `${https}/EnrollmentServer/Auth` : undefined);
  if (!authority) return undefined;
  const r = await discoverTenant(p, authority, upn.split("@")[1] ?? "");
  const screen = windowsScreen("auth.realm", "windows-autopilot");
  if (r.status === "unreachable") {
    const s = signInShown({ kind: "transport", error: r.error, pageLoaded: true }, "web", "oobe");
    return { ...fail("windows.oobe.idp-blocked", "auth.realm", s.message), shown: { ...s.shown, screen } };
  }
  if (r.status === "tenant" && r.tenantId !== tenant.id) {
    const message = `${OTHER_ORGANIZATION_TEXT} — ${upn} belongs to tenant ${r.tenantId}; this device's Autopilot registration and profile belong to ${tenant.domain ?? tenant.id} (${tenant.id})`;
    return { ...fail("windows.autopilot.other-organization", "auth.realm", message), shown: { text: OTHER_ORGANIZATION_TEXT, screen } };
  }
  return undefined;
}
