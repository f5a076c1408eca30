// SPDX-License-Identifier: MIT
/**
 * The Microsoft Entra cloud apps a conditional-access policy of `embedded.policy.conditionalAccess` can name,
 * with their published application ids (Microsoft Learn, "Conditional Access: Cloud apps, actions, and
 * authentication context"; "Verify first-party Microsoft applications in sign-in reports"). The scenario
 * schema's vocabulary and the reference server's evaluation (server/policy/conditional-access.ts) share it.
 */
export interface CloudApp {
  id: string;
  name: string;
  /** Other spellings accepted in scenarios (the old flat form's app names). */
  aliases?: readonly string[];
}

export const CLOUD_APPS = {
  intuneEnrollment: { id: "d4ebce55-015a-49b5-a083-c84d1797ae8c", name: "Microsoft Intune Enrollment", aliases: ["intune-enrollment", "enrollment"] },
  intune: { id: "0000000a-0000-0000-c000-000000000000", name: "Microsoft Intune", aliases: ["intune"] },
  office365: { id: "Office365", name: "Office 365" },
  storeForBusiness: { id: "45a330b1-b1ec-4cc1-9161-9f03992aa49f", name: "Microsoft Store for Business", aliases: ["store"] },
  /**
   * Not a cloud app but the user action "Register or join devices" (Graph conditionalAccessApplications
   * includeUserActions "urn:user:registerdevice"; Microsoft Learn, "Require MFA for device registration"): the
   * Entra join or registration. "All cloud apps" does not reach it; a policy names it.
   */
  registerOrJoinDevices: { id: "urn:user:registerdevice", name: "Register or join devices", aliases: ["register-or-join-devices"] },
} as const satisfies Record<string, CloudApp>;

export const ALL_CLOUD_APPS = "All cloud apps";

/** User actions: named by a policy, never reached by "All cloud apps". */
export const USER_ACTIONS: readonly string[] = [CLOUD_APPS.registerOrJoinDevices.id];

/** Every name a scenario may write for a cloud app. */
export const CLOUD_APP_NAMES: readonly string[] = [ALL_CLOUD_APPS, "All", ...Object.values(CLOUD_APPS).flatMap((a: CloudApp) => [a.name, a.id, ...(a.aliases ?? [])])];
