// SPDX-License-Identifier: MIT
/** windows flows (registered in device/flows/index.ts): BYOD, Autopilot (ESP), bulk, GPO auto-enroll. */
import type { Flow } from "../flow.js";
import { windowsCheckin } from "./checkin.js";
import { runWindowsEnrollment } from "./enrollment.js";
import { runTenantAttach } from "./tenant-attach.js";
import { withBuildScreen, withWindowsShown } from "./shown.js";
import { resolveWindowsOptions, type WindowsFlowKind } from "./options.js";
import { gpoCredentialOf } from "./gpo-event.js";

const flow = (name: string, kind: WindowsFlowKind, description: string): Flow<never> => ({
  name,
  description,
  platforms: ["windows"],
  // What is shown: the code's table text (shown.ts), then the device's build's own text where one is published.
  run: async (ctx, options) => {
    const o = resolveWindowsOptions(options, kind);
    return withBuildScreen(withWindowsShown(await runWindowsEnrollment(ctx, o), name, gpoCredentialOf(o.raw)), ctx.identity.windows?.builds, ctx.identity.os.version);
  },
  // Steady state: one scheduled OMA-DM session (Alert 1201) over mTLS with the enrolled certificate.
  checkin: (ctx, options, state) => windowsCheckin(ctx, resolveWindowsOptions(options, kind), state),
});

export const windowsFlows: Record<string, Flow<never>> = {
  "windows-byod": flow(
    "windows-byod",
    "byod",
    "Settings → Access work or school → Connect: UPN → EnterpriseEnrollment CNAME discovery, OnPremise auth, XCEP, WSTEP (EnrollmentType Full, My/User), OMA-DM sessions",
  ),
  "windows-autopilot": flow(
    "windows-autopilot",
    "autopilot",
    "Autopilot (user-driven, self-deploying, pre-provisioned): IdP discovery URL, token auth, WSTEP (Device), OMA-DM, ESP phases on the DMClient/FirstSyncStatus settings the server sets",
  ),
  "windows-bulk": flow("windows-bulk", "bulk", "Provisioning-package bulk enrollment: bulk token, userless, EnrollmentType Device, OMA-DM sessions, no ESP"),
  "windows-tenant-attach": {
    name: "windows-tenant-attach",
    description: "ConfigMgr tenant attach from the service connection point: service discovery, CRL check of the service certificate, device upload",
    platforms: ["windows"],
    run: (ctx, options) => runTenantAttach(ctx, options),
  },
  "windows-gpo": flow("windows-gpo", "gpo", "GPO/hybrid auto-enrollment: IdP token from the scheduled task, EnrollmentType Device, OMA-DM sessions, no ESP"),
};
