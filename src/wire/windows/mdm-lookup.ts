// SPDX-License-Identifier: MIT
/**
 * The GPO auto-enroll task's lookup of the signed-in user's MDM enrollment URL (POST to the directory stand-in,
 * `/windows/drs/mdm`): what the client sends (protocol/windows/mdm-lookup.ts) and what the reference server answers
 * (server/windows/mdm-lookup.ts). Microsoft Learn, "Enroll a Windows device automatically using Group Policy": the
 * scheduled task "Schedule created by enrollment client for automatically enrolling in MDM from Microsoft Entra ID"
 * uses the user's Microsoft Entra credentials (the PRT) and the MDM enrollment URLs of the tenant's MDM application
 * (Mobility (MDM and MAM)). How the real task reads them (the PRT's discovery, the directory's answer) is not published:
 * this JSON is enrollsim's stand-in; the codes the device shows for its outcomes are the published ones.
 */

/** Why the directory has no MDM enrollment URL for the user (Learn, Event 76 0x8018002b, the two published causes). */
export type NoMdmReason = "upn-domain-unverified" | "mdm-scope-none";

export const NO_MDM_REASONS: readonly NoMdmReason[] = ["upn-domain-unverified", "mdm-scope-none"];

export interface MdmLookupRequest {
  /** The signed-in user (the PRT's user). */
  upn: string;
}

/** `{mdm: true, discoveryUrl}` or `{mdm: false, noMdm}`; a member left out (a fault's `edit: {remove}`) is judged by the client. */
export interface MdmLookupAnswer {
  upn: string;
  mdm: boolean;
  /** The MDM application's discovery URL (Mobility › MDM discovery URL). */
  discoveryUrl?: string;
  noMdm?: NoMdmReason;
}
