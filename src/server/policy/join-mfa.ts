// SPDX-License-Identifier: MIT
/**
 * Multifactor authentication for the Microsoft Entra join or registration, two ways a tenant asks for it:
 *
 * - the device setting "Require multifactor authentication to register or join devices"
 *   (`embedded.policy.directory.requireMfaToJoin`; Graph deviceRegistrationPolicy multiFactorAuthConfiguration);
 * - a Conditional Access policy on the user action "Register or join devices" (urn:user:registerdevice) granting
 *   `mfa` — the replacement Microsoft recommends; the toggle must then be No (Microsoft Learn, "Manage device
 *   identities" and "Require MFA for device registration").
 *
 * The join's sign-in asks for a token for the device registration service (resource
 * urn:ms-drs:enterpriseregistration.windows.net); when MFA is required the sign-in prompts for it, and the token
 * carries `amr: [pwd, mfa]`. A user with no registered method meets Entra's registration interrupt, AADSTS50072
 * "User needs to enroll for second factor authentication (interactive)." (reference-error-codes); enrollsim's
 * sign-in does not walk the security-info registration (proof-up), so that sign-in ends there.
 *
 * The setting "doesn't apply to Microsoft Entra hybrid joined devices, … and Microsoft Entra joined devices that
 * use Windows Autopilot self-deployment mode" (Manage device identities): hybrid sync joins and TPM-attested
 * (userless) joins are exempt.
 */
import type { CaSignIn } from "./conditional-access.js";
import { CLOUD_APPS, evaluateCa } from "./conditional-access.js";
import type { PolicyConfig, PolicyPlatform } from "./types.js";

/** The resource a join's sign-in asks a token for (the device registration service). */
export const DRS_RESOURCE = "urn:ms-drs:enterpriseregistration.windows.net";

/** AADSTS50072, Microsoft Learn "Microsoft Entra authentication and authorization error codes". */
export const AADSTS50072_TEXT = "User needs to enroll for second factor authentication (interactive).";

/** Why this user's join or registration needs MFA: the device setting or the policy that asks; undefined when none. */
export function joinMfaRequirement(cfg: PolicyConfig, upn: string | undefined, platform: PolicyPlatform | undefined): string | undefined {
  if (cfg.directory?.requireMfaToJoin) return 'device setting "Require multifactor authentication to register or join devices"';
  const s: CaSignIn = { ...(upn ? { upn } : {}), app: CLOUD_APPS.registerOrJoinDevices.id, platform, clientApp: "mobileAppsAndDesktopClients", device: { compliant: false, hybridJoined: false }, mfa: false };
  const d = evaluateCa(cfg, s, () => true);
  return d.kind === "mfa" ? `Conditional Access policy "${d.policy}" (user action Register or join devices)` : undefined;
}

/** The user has a multifactor method to answer a prompt with (directory.users[].mfaRegistered, default true). */
export function mfaRegistered(cfg: PolicyConfig, upn: string): boolean {
  return cfg.directory?.users?.find((u) => u.upn.toLowerCase() === upn.toLowerCase())?.mfaRegistered !== false;
}
