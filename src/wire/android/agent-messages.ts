// SPDX-License-Identifier: MIT
/**
 * What an EMM's own agent app shows when it meets a cause the simulator models: its published error code, title and
 * message, in place of the setup wizard's generic "Can't set up device". Keyed by the cause (named for what happened,
 * not by one scenario), per agent; an agent is selected as the device's DPC dialect (`options.android.dialect`).
 *
 * Knox Manage (Samsung) — "Client error codes", Agent enrollment › Verify preprovision info
 * (docs.samsungknox.com/admin/knox-manage/appendix/lists-of-error-codes/client-error-codes):
 *   KMA_F1007 Invalid Manage Type: Android Enterprise users are only allowed to enroll on "Fully Managed" or "Work
 *   Profile on company-owned" mode via KME. Please contact your administrator.
 * Service provision:
 *   KMA_F220 Terms and conditions not accepted: Accept all terms to proceed with registration.
 *   KMA_F230 Expired license: The license associated with your business account has expired. Please contact your administrator.
 * Published but not modelled (no cause in the simulator yet): KMA_F1008 (Android Legacy users on "Fully Managed"),
 * KMA_F1002–F1006 (the agent's own provisioning and key errors), KMA_F100 (server information not found), KMA_F210
 * (invalid tenant ID). Not published: a Knox Manage code for a licence with no free seat or one not assigned to the
 * user (those refusals show the platform's text).
 */

/** Causes an agent can have its own text for. */
export type AgentCause =
  /** Knox Mobile Enrollment used for a personally owned work profile (KME supports fully managed, dedicated, company-owned work profile, device admin). */
  | "kme-personal-work-profile"
  /** The EMM licence the enrollment needs has ended (server/policy/licences.ts). */
  | "licence-expired"
  /** The user has not accepted every terms-and-conditions document assigned to them: declined on the agent's screen, or refused by the server. */
  | "terms-not-accepted"
  /** The enrollment sign-in's user name or password is wrong (server/policy/lockout.ts counts it). */
  | "invalid-credentials"
  /** The enrollment user is locked after too many failed sign-ins (embedded.policy.directory.lockout). */
  | "account-locked"
  /** The Group ID (organization group) given at enrollment is not one the server knows. */
  | "invalid-group-id"
  /** A device list of the tenant refuses the device (embedded.policy.deviceLists). */
  | "device-not-approved";

/**
 * What the agent reads as a cause: the EMM server's refusal reason (enrollsim's stand-in names, server/android/policy-gate.ts)
 * or the agent's own outcome (device/android/agent-terms.ts).
 */
export const AGENT_CAUSES: Readonly<Record<string, AgentCause>> = {
  LICENSE_EXPIRED: "licence-expired",
  TERMS_NOT_ACCEPTED: "terms-not-accepted",
  "android.agent.terms-declined": "terms-not-accepted",
  INVALID_CREDENTIALS: "invalid-credentials",
  ACCOUNT_LOCKED: "account-locked",
  INVALID_GROUP_ID: "invalid-group-id",
  DEVICE_NOT_APPROVED: "device-not-approved",
};

export interface AgentMessage {
  code: string;
  title: string;
  text: string;
  /** Where the agent shows it (its screen or module). */
  screen: string;
  source: string;
}

const KM_SOURCE = "docs.samsungknox.com/admin/knox-manage/appendix/lists-of-error-codes/client-error-codes";

export const KNOX_MANAGE_MESSAGES: Readonly<Partial<Record<AgentCause, AgentMessage>>> = {
  "kme-personal-work-profile": {
    code: "KMA_F1007",
    title: "Invalid Manage Type",
    text: 'Android Enterprise users are only allowed to enroll on "Fully Managed" or "Work Profile on company-owned" mode via KME. Please contact your administrator.',
    screen: "Knox Manage agent, Verify preprovision info",
    source: KM_SOURCE,
  },
  // Client › Service provision.
  "terms-not-accepted": {
    code: "KMA_F220",
    title: "Terms and conditions not accepted",
    text: "Accept all terms to proceed with registration.",
    screen: "Knox Manage agent, registration (Service provision)",
    source: KM_SOURCE,
  },
  "licence-expired": {
    code: "KMA_F230",
    title: "Expired license",
    text: "The license associated with your business account has expired. Please contact your administrator.",
    screen: "Knox Manage agent, registration (Service provision)",
    source: KM_SOURCE,
  },
};

/**
 * Workspace ONE Intelligent Hub (Android), what it shows for the causes it meets during enrollment and staging:
 * - account locked: "CREATE_MDM_ERROR" during barcode enrollment or sideload staging, when the staging user or device has
 *   LoginFailedAttempts >= 3 and the server wants a captcha that a headless staging cannot show (Omnissa/AirWatch KB
 *   115001665168, "Rugged enrollment errors when using barcode and sideload enrollment"; the KB calls it "a generic error").
 *   The KB publishes the code only, no title or further text: code, title and text are the code itself.
 * - invalid credentials: "Invalid User Credentials." (Broadcom/VMware KB "Workspace ONE Enrollment Error: 'Invalid User
 *   Credentials' and/or 'Failed to validate user credentials.'", VMware KB 81557); no code is published: the text is all three.
 * - device not approved (a deny list, or not on an allow-only list): "Enrollment Denied: Device Not Approved" (Broadcom KB
 *   "Troubleshooting device enrollment issues in Workspace ONE UEM", VMware KB 2960930).
 * Not published (so not listed: the platform's text with the server's message): the Hub's text for a Group ID the server
 * does not know.
 */
const WS1_LOCK_SOURCE = "kb.air-watch.com/hc/en-us/articles/115001665168-Rugged-enrollment-errors-when-using-barcode-and-sideload-enrollment";

export const WORKSPACE_ONE_MESSAGES: Readonly<Partial<Record<AgentCause, AgentMessage>>> = {
  "account-locked": {
    code: "CREATE_MDM_ERROR",
    title: "CREATE_MDM_ERROR",
    text: "CREATE_MDM_ERROR",
    screen: "Workspace ONE Intelligent Hub, barcode / sideload staging",
    source: WS1_LOCK_SOURCE,
  },
  "invalid-credentials": {
    code: "Invalid User Credentials.",
    title: "Invalid User Credentials.",
    text: "Invalid User Credentials.",
    screen: "Workspace ONE Intelligent Hub, enrollment sign-in",
    source: 'VMware KB 81557 (Workspace ONE Enrollment Error: "Invalid User Credentials" and/or "Failed to validate user credentials.")',
  },
  "device-not-approved": {
    code: "Enrollment Denied",
    title: "Enrollment Denied",
    text: "Device Not Approved",
    screen: "Workspace ONE Intelligent Hub, enrollment",
    source: "VMware KB 2960930 (Troubleshooting device enrollment issues in Workspace ONE UEM)",
  },
};

/**
 * A Knox Manage / Knox Suite device whose licence has lapsed (server/policy/licences.ts enrolledStanding): Samsung's
 * "Renew an expired license" (docs.samsungknox.com/admin/knox-manage/configure/licenses/renew-an-expired-license/),
 * User device: "Access to the Knox Manage service is restricted. The existing policies still apply." Published as what
 * the user's device meets, not as a screen's wording or an error code (none is published for it).
 */
export const KNOX_SERVICE_RESTRICTED = {
  text: "Access to the Knox Manage service is restricted. The existing policies still apply.",
  screen: "Knox Manage agent, enrolled device (Samsung publishes this sentence as what the user's device meets, not a screen's wording; no code is published)",
  source: "docs.samsungknox.com/admin/knox-manage/configure/licenses/renew-an-expired-license/",
} as const;
