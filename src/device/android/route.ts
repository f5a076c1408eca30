// SPDX-License-Identifier: MIT
/**
 * The Company Portal's first question after the user signs in (`android-work-profile` without a
 * profile): which path the tenant's enrollment restrictions give this device — a personally owned work
 * profile, device administrator, or none (Intune enrollment restrictions, server-policies.md §2.4). The
 * app tells the server the API level, the signed-in user, the manufacturer and, on Android 11 and earlier,
 * the IMEI and serial, which the server matches against the tenant's corporate identifiers ("Supported
 * with Android 11 and earlier", Intune: Identify devices as corporate-owned).
 *
 * A refusal is an outcome: `android.enrollment.blocked` (`…version-blocked` for the OS range) with what
 * the device shows. The Company Portal's own wording of this screen is not published, so the shown code
 * and text are what Intune records for the device — Graph `enrollmentRestrictionsEnforced` ("Enrollment
 * restrictions configured by admin blocked this enrollment.") and the admin center's failure reason
 * "Enrollment restriction not met" — and the screen says so.
 *
 * The same answer carries Intune's refusal of the Company Portal's enrollment itself (`path: refused`, the user's
 * device limit): `android.enrollment.device-limit` here, before any work profile or DPC exists, shown as the Company
 * Portal shows it — its row for the cause in agents/company-portal.yaml (device/agent-shown.ts); with no row, Intune's
 * refusal as the app received it.
 */
import { decoded, step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { agentCause, agentScreen } from "../agent-shown.js";
import type { FlowContext, FlowResult } from "../flow.js";
import type { Shown } from "../shown.js";
import { apiLevelOf } from "./device-info.js";
import { userOf } from "./dpc.js";
import type { AndroidFlowOptions } from "./options.js";

export const ROUTE_STEP = "android.trigger.route";
/** The agent catalog entry of the app that asks the route (agents/company-portal.yaml; `--agents DIR` may replace it). */
export const COMPANY_PORTAL_AGENT = "company-portal";

/** Graph deviceEnrollmentFailureReason 9's description (microsoft.graph deviceEnrollmentFailureReason). */
export const RESTRICTION_TEXT = "Enrollment restrictions configured by admin blocked this enrollment.";
export const ROUTE_SCREEN = "Company Portal › Company Access Setup (the app's own wording is unpublished: code and text are the enrollment failure Intune records, Devices › Enrollment failures)";

const VERSION = new Set(["os-below-minimum", "os-above-maximum"]);

/** What the device shows for a route the tenant's restrictions refused. */
export function routeRefusalShown(refusal: string | undefined): Shown {
  return { code: "enrollmentRestrictionsEnforced", name: `Enrollment restriction not met${refusal ? ` (${refusal})` : ""}`, text: RESTRICTION_TEXT, screen: ROUTE_SCREEN };
}

export type Route = { path: "work-profile" | "device-admin" } | { path: "blocked"; result: FlowResult };

/** Asks the server for this device's path; a `blocked` answer becomes the flow's result. */
export async function companyPortalRoute(fc: FlowContext, o: AndroidFlowOptions, baseUrl: string): Promise<Route> {
  const ctx = fc.protocol;
  const api = apiLevelOf(fc.identity, o);
  const id = fc.identity;
  const q = new URLSearchParams({ apiLevel: String(api), user: userOf(o, id), manufacturer: id.manufacturer });
  // Android 12 made the IMEI and serial unreadable to the app: only older releases send them.
  if (api < 31) {
    q.set("serial", id.serialNumber);
    if (id.imei) q.set("imei", id.imei);
  }
  const answer = await step(ctx, ROUTE_STEP, async () => {
    const res = await exchange(ctx, ROUTE_STEP, { method: "GET", url: `${baseUrl}/android/provisioning/route?${q.toString()}`, headers: { accept: "application/json" } }, { acceptStatus: [404] });
    let v: { path?: unknown; refusal?: unknown; reason?: unknown; message?: unknown } = {};
    if (res.status === 200) {
      try {
        v = JSON.parse(Buffer.from(res.body.subarray(0, 4096)).toString("utf8")) as typeof v;
      } catch {
        /* unreadable: keep the work-profile path */
      }
    }
    const path = v.path === "device-admin" || v.path === "blocked" || v.path === "refused" ? v.path : "work-profile";
    const refusal = typeof v.refusal === "string" ? v.refusal.slice(0, 64) : undefined;
    const reason = typeof v.reason === "string" ? v.reason.slice(0, 64) : undefined;
    const message = typeof v.message === "string" ? v.message.slice(0, 500) : undefined;
    decoded(ctx, ROUTE_STEP, { apiLevel: api, identifiersSent: api < 31, status: res.status, path, refusal, reason, message });
    return { path, refusal, reason, message } as const;
  });
  if (answer.path === "refused") {
    // Intune refused the Company Portal's enrollment: the app shows its own screen for the cause it reads.
    const out = { ok: false, code: answer.reason === "DEVICE_LIMIT" ? "android.enrollment.device-limit" : "android.enrollment.refused", serverError: { ...(answer.reason ? { reason: answer.reason } : {}) } };
    const plain: FlowResult = { ok: false, code: out.code, step: ROUTE_STEP, message: `The Company Portal's enrollment was refused by the service${answer.message ? `: ${answer.message}` : ""}`, keychain: { identities: [] } };
    const cause = agentCause(out);
    const shown = cause ? agentScreen(fc.agents, COMPANY_PORTAL_AGENT, "android", cause, plain) : plain;
    // Intune's words as the app received them stay the server's (never matched by expect.shown).
    return { path: "blocked", result: shown.shown && answer.message ? { ...shown, shown: { ...shown.shown, serverSaid: answer.message } } : shown };
  }
  if (answer.path !== "blocked") return { path: answer.path };
  const version = answer.refusal !== undefined && VERSION.has(answer.refusal);
  return {
    path: "blocked",
    result: {
      ok: false,
      code: version ? "android.enrollment.version-blocked" : "android.enrollment.blocked",
      step: ROUTE_STEP,
      message: `The organisation's enrollment restrictions admit neither a work profile nor device administrator for this device${answer.message ? `: ${answer.message}` : ""}`,
      shown: routeRefusalShown(answer.refusal),
      keychain: { identities: [] },
    },
  };
}
