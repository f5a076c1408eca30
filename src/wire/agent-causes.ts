// SPDX-License-Identifier: MIT
/**
 * The causes a vendor's enrollment agent (Workspace ONE Intelligent Hub, the Knox Manage agent, …) can have its own
 * screen for, and how an agent reads a cause from its server's refusal. The screens themselves — each vendor's published
 * code and text per cause and platform — are catalog data: `agents/<id>.yaml` (agents/README.md), read by
 * device/agents.ts. A cause is named for what the server decided (its policy model: server/policy/, the UEM tenant's
 * checks in server/policy/workspace-one.ts), never for one scenario, and never chosen by a scenario.
 */

/** Every cause, in the order agents/README.md lists them. */
export const AGENT_CAUSE_NAMES = [
  /** Knox Mobile Enrollment used for a personally owned work profile (KME supports fully managed, dedicated, company-owned work profile, device admin). */
  "kme-personal-work-profile",
  /** The EMM licence the enrollment needs has ended (server/policy/licences.ts). */
  "licence-expired",
  /** The user has not accepted every terms-and-conditions document assigned to them: declined on the agent's screen, or refused by the server. */
  "terms-not-accepted",
  /** The enrollment sign-in's user name or password is wrong (server/policy/lockout.ts counts it). */
  "invalid-credentials",
  /** The enrollment user is locked after too many failed sign-ins (embedded.policy.directory.lockout). */
  "account-locked",
  /** The Group ID (organization group) given at enrollment is not one the server knows. */
  "invalid-group-id",
  /** A device list of the tenant refuses the device (embedded.policy.deviceLists). */
  "device-not-approved",
  /** The user signed in, but the tenant restricts enrollment to user groups the user is not in (embedded.policy.workspaceOne.restrictEnrollmentTo). */
  "user-not-allowed",
  /** The user already has as many enrolled devices as the tenant's device limit allows (embedded.policy.restrictions.deviceLimit). */
  "device-limit",
  /** The device is still registered to another environment (embedded.policy.workspaceOne.registeredDevices). */
  "registered-elsewhere",
  /** An enrolled device's service is restricted: its licence lapsed and the licence's product degrades rather than refuses (server/policy/licences.ts enrolledStanding). */
  "service-restricted",
] as const;

/** Causes an agent can have its own screen for. */
export type AgentCause = (typeof AGENT_CAUSE_NAMES)[number];

/**
 * What the agent reads as a cause: the EMM server's refusal reason (enrollsim's stand-in names: server/android/policy-gate.ts,
 * server/policy/workspace-one.ts) or the agent's own outcome (device/android/agent-terms.ts).
 */
export const AGENT_CAUSES: Readonly<Record<string, AgentCause>> = {
  LICENSE_EXPIRED: "licence-expired",
  TERMS_NOT_ACCEPTED: "terms-not-accepted",
  "android.agent.terms-declined": "terms-not-accepted",
  INVALID_CREDENTIALS: "invalid-credentials",
  ACCOUNT_LOCKED: "account-locked",
  INVALID_GROUP_ID: "invalid-group-id",
  DEVICE_NOT_APPROVED: "device-not-approved",
  USER_NOT_ALLOWED: "user-not-allowed",
  DEVICE_LIMIT: "device-limit",
  DEVICE_REGISTERED_ELSEWHERE: "registered-elsewhere",
  "android.checkin.service-restricted": "service-restricted",
};

/** One row of an agent's table: what it shows for a cause. */
export interface AgentMessage {
  /** The vendor's code (KMA_F230), or its text when the vendor publishes no code. */
  code: string;
  title: string;
  text: string;
  /** Where the agent shows it (its screen or module). */
  screen: string;
  /** Where the code and text are published. */
  source: string;
}
