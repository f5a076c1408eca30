// SPDX-License-Identifier: MIT
/**
 * Store-for-Business apps during ESP and the conditional-access gate in front of the Store licence
 * service (field failure win-esp-store-apps-ca-timeout).
 *
 * - `esp.storeApps` are sent as EnterpriseModernAppManagement `AppInstallation/<PFN>/StoreInstall` Execs and
 *   listed in `FirstSyncStatus/ExpectedModernAppPackages` (the device tracks `AppInstallation/<PFN>`).
 * - The device acquires each app's licence at `POST /windows/store/licenses` (mTLS with its enrollment
 *   certificate, JSON `{packageFamilyName, productId}`), a stand-in for the Store for Business, a cloud app.
 * - `embedded.policy.conditionalAccess` (a policy requiring a compliant device for the cloud app Microsoft Store for
 *   Business, `store` in the shorthand's `excludeApps`) refuses the licence with AADSTS53000 until the device is compliant: evaluated
 *   (below) and not noncompliant under the tenant's compliance policies (server/policy/compliance.ts, grace periods). This server evaluates an ESP device's compliance only
 *   once the device reports it has finished provisioning: it Gets `FirstSyncStatus/IsSyncDone` in each session
 *   and marks the device compliant when that reads true — which the device sets only after ESP. An ESP that waits
 *   for a Store app therefore never finishes: the circular dependency of the field report. Non-ESP devices are
 *   evaluated after their first session.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { Command } from "../../wire/windows/syncml.js";
import { CSP_LIST_DELIMITER } from "../../wire/windows/ns.js";
import type { HalfContext } from "../half.js";
import { AADSTS_TEXT, caOAuthError, caPolicies, CLOUD_APPS } from "../policy/conditional-access.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { WindowsServerConfig } from "./config.js";
import type { DeviceRecord, WindowsState } from "./state.js";

export const AADSTS53000 = `AADSTS53000: ${AADSTS_TEXT[53000]}`;

const EMAM = "./Device/Vendor/MSFT/EnterpriseModernAppManagement/AppInstallation";
const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(v)), url: "" });
const isSyncDone = (cfg: WindowsServerConfig) => `./Device/Vendor/MSFT/DMClient/Provider/${cfg.providerId}/FirstSyncStatus/IsSyncDone`;

/** The ExpectedModernAppPackages list (a FirstSyncStatus Replace), or nothing. */
export function storeExpectedList(cfg: WindowsServerConfig): Command[] {
  if (!cfg.esp.storeApps.length) return [];
  const fss = `./Device/Vendor/MSFT/DMClient/Provider/${cfg.providerId}/FirstSyncStatus`;
  const list = cfg.esp.storeApps.map((a) => `${EMAM}/${encodeURIComponent(a.name)}`).join(CSP_LIST_DELIMITER);
  return [{ verb: "Replace", items: [{ target: `${fss}/ExpectedModernAppPackages`, meta: { format: "chr" }, data: list }] }];
}

/** StoreInstall Execs for the ESP set-up. */
export function storeInstallCommands(cfg: WindowsServerConfig): Command[] {
  return cfg.esp.storeApps.map((a) => ({
    verb: "Exec",
    items: [{ target: `${EMAM}/${encodeURIComponent(a.name)}/StoreInstall`, meta: { format: "xml", type: "text/plain" }, data: `<Application id="${a.productId ?? "9WZDNCRFJ3PZ"}" flags="0" skuid="0016"/>` }],
  }));
}

/** Compliance evaluation: ESP devices are asked whether provisioning is done (only when conditional access needs it). */
export function complianceCommands(rec: DeviceRecord, cfg: WindowsServerConfig, policy: PolicyEngine): Command[] {
  const needsCompliance = caPolicies(policy.config.conditionalAccess).some((p) => p.state !== "off" && p.grant.controls?.includes("compliantDevice"));
  if (!needsCompliance || rec.esp === "none" || rec.syncDone) return [];
  return [{ verb: "Get", items: [{ target: isSyncDone(cfg) }] }];
}

/** Reads the device's Results for IsSyncDone, and the OS version it reports (DevDetail/SwV) for the compliance policies. */
export function observeCompliance(rec: DeviceRecord, c: Command, cfg: WindowsServerConfig, policy: PolicyEngine): void {
  if (c.verb !== "Results") return;
  for (const it of c.items) {
    if (it.source === isSyncDone(cfg) && /^(true|1)$/i.test(it.data ?? "")) rec.syncDone = true;
    if (it.source === "./DevDetail/SwV" && it.data && /^\d+(\.\d+)+$/.test(it.data)) policy.observe(rec.deviceId, { osVersion: it.data });
  }
}

/** Evaluated once the device has reported (ESP: provisioning done; others: one session); then the tenant's compliance policies decide. */
export function isEvaluated(rec: DeviceRecord): boolean {
  return rec.esp === "none" ? rec.sessions >= 1 : rec.syncDone === true;
}

/** The device behind a request's client certificate (issued by the reference CA, serial on record). */
function deviceFor(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }, ctx: HalfContext, state: WindowsState): DeviceRecord | undefined {
  const der = req.tls?.peerCertificateDer;
  if (!der) return undefined;
  try {
    const cert = ctx.scep.checkIssued(der);
    if (typeof cert === "string") return undefined;
    const rec = state.devices.get(/CN=([0-9A-F]{32})/i.exec(cert.subject)?.[1]?.toUpperCase() ?? "");
    return rec && rec.serialHex === cert.serialHex && !rec.unenrolled ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** POST /windows/store/licenses: the Store licence stand-in behind conditional access. */
export function storeLicence(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }, ctx: HalfContext, cfg: WindowsServerConfig, state: WindowsState): HttpResponse {
  if (req.method !== "POST") return json(405, { error: "POST {packageFamilyName, productId}" });
  const rec = deviceFor(req, ctx, state);
  if (!rec) return json(401, { error: "invalid_client", message: "a client certificate of an enrolled device is required" });
  let q: { packageFamilyName?: unknown };
  try {
    q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 4096)) as typeof q;
  } catch {
    return json(400, { error: "body is not JSON" });
  }
  const app = cfg.esp.storeApps.find((a) => a.name === q.packageFamilyName);
  if (!app) return json(404, { error: "unknown package family name" });
  const counts = (rec.storeLicences ??= { refused: 0, granted: 0 });
  // Conditional access (policy.conditionalAccess) for the Store cloud app (Microsoft Store for Business): a device not yet
  // evaluated, or noncompliant after its grace period, is not marked compliant; "in grace period" still passes.
  const access = ctx.policy.access(rec.deviceId, CLOUD_APPS.storeForBusiness.id, { evaluated: isEvaluated(rec) });
  if (!access.allowed) {
    counts.refused++;
    const e = access.decision.kind === "granted" ? undefined : caOAuthError(access.decision);
    return json(403, { error: e?.aadsts ? `AADSTS${e.aadsts}` : e?.error, message: e?.description, policy: "policy" in access.decision ? access.decision.policy : undefined, compliance: access.state });
  }
  counts.granted++;
  // installMinutes: a simulation hint the device's installer honours (real licences carry none).
  return json(200, { packageFamilyName: app.name, license: `enrollsim-licence:${rec.deviceId}:${app.name}`, installMinutes: app.installMinutes ?? 2 });
}
