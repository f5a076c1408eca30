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
 * Published but not modelled (no cause in the simulator yet): KMA_F1008 (Android Legacy users on "Fully Managed"),
 * KMA_F1002–F1006 (the agent's own provisioning and key errors).
 */

/** Causes an agent can have its own text for. */
export type AgentCause =
  /** Knox Mobile Enrollment used for a personally owned work profile (KME supports fully managed, dedicated, company-owned work profile, device admin). */
  "kme-personal-work-profile";

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
};
