// SPDX-License-Identifier: MIT
/**
 * The GPO auto-enroll task's own user lookup: on every run the task asks the directory for the signed-in user's MDM
 * enrollment URL (Microsoft Learn, "Enroll a Windows device automatically using Group Policy": the task uses the
 * user's Microsoft Entra credentials and the tenant's MDM application; protocol/windows/mdm-lookup.ts, step
 * `gpo.mdm-lookup`). It runs whether or not the PC joined in this run, so a PC hybrid joined long before (the default
 * `state.join`) meets the tenant's rules about the user too. No URL is Event 76 0x8018002b MENROLL_E_MDM_NOT_CONFIGURED
 * (Learn, "Troubleshooting Windows device enrollment errors in Intune", "Auto MDM Enroll: Failed": an unverified or
 * non-routable UPN suffix, or MDM user scope None). An answer that says MDM but carries no URL (a fault's
 * `edit: {remove: discoveryUrl}`) is judged the same way: enrollsim's reading, the task's handling of it is not published.
 * The URL found is where discovery goes unless the scenario names one (`options.windows.discoveryUrl`).
 */
import { note } from "../../protocol/common/context.js";
import { lookupMdm, MDM_LOOKUP_STEP } from "../../protocol/windows/mdm-lookup.js";
import { MENROLL } from "../../wire/windows/menroll.js";
import { event76Text, gpoCredentialOf } from "./gpo-event.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";

const WHY: Record<string, (upn: string) => string> = {
  "upn-domain-unverified": (upn) => `${upn.split("@")[1] ?? upn} is not a verified domain of the tenant`,
  "mdm-scope-none": () => "the MDM user scope is None",
  "missing-url": () => "the directory's answer carries no MDM enrollment URL",
  unstated: () => "the directory gave no reason",
};

/** The lookup's URL: the directory stand-in next to the join service (`drsUrl`'s sibling `mdm`), or none without a directory. */
export function mdmLookupUrl(drsUrl: string | undefined): string | undefined {
  return drsUrl ? new URL("mdm", drsUrl).toString() : undefined;
}

/** Looks the user's MDM enrollment URL up; a failure result when there is none, else undefined (run.mdmDiscoveryUrl set). */
export async function gpoMdmLookup(run: EnrollRun, drsUrl: string | undefined): Promise<WindowsFlowResult | undefined> {
  const url = mdmLookupUrl(drsUrl);
  if (!url) {
    note(run.p, MDM_LOOKUP_STEP, { skipped: "no directory (options.windows.drsUrl or the embedded server)" });
    return undefined;
  }
  const got = await lookupMdm(run.p, url, run.upn);
  if (got.status === "found") {
    run.mdmDiscoveryUrl = got.discoveryUrl;
    return undefined;
  }
  const m = MENROLL.MENROLL_E_MDM_NOT_CONFIGURED!;
  return run.fail("windows.gpo.mdm-not-configured", MDM_LOOKUP_STEP, `Event 76: ${event76Text(m.hresult, gpoCredentialOf(run.o.raw))} — ${m.name}: ${WHY[got.reason]!(run.upn)}, so the directory has no MDM enrollment URL for ${run.upn}`);
}
