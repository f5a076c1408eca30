// SPDX-License-Identifier: MIT
/**
 * The Windows enrollment behaviour, response-driven end to end: discovery (DNS CNAME or the
 * identity provider's URL) → policy (XCEP, when discovery names it) → WSTEP with the model's CSR
 * profile → apply the wap-provisioningdoc (trust Root, client cert from My, ADDR, DMClient) →
 * OMA-DM sessions over mTLS → ESP (Autopilot) on the Clock. Every expected protocol outcome is a
 * FlowResult value; the ESP phase timeline rides along in `windows.esp`.
 */
import { hresultHex, uiTextFor } from "../../wire/windows/menroll.js";
import type { FlowContext } from "../flow.js";
import type { ResolvedWindowsOptions } from "./options.js";
import { espConfigured } from "./esp-extra.js";
import { createRun, faultResult, type EnrollRun, type WindowsFlowResult } from "./run.js";
import { prepare, type Prepared } from "./prepare.js";
import { acceptTerms, authenticate, signInAndJoin } from "./auth.js";
import { companySignInPage } from "./oobe-signin.js";
import { runDiscovery } from "./discovery-step.js";
import { provision, type Provisioned } from "./provisioning.js";
import { resumeWindows, saveWindowsCheckpoint } from "./resume.js";
import type { Credentials } from "../../protocol/windows/enroll.js";
import { PcWiped, pollAfterEnrollment, startManagement, type KeptManagement } from "./management.js";
import { note } from "../../protocol/common/context.js";
import { EnrollmentRenewal } from "./renewal-run.js";
import { runEsp, WINDOWS_ESP_PHASE } from "./esp-run.js";
import { runVendorAgents } from "./agent-work.js";

export type { WindowsFlowResult, WindowsReport } from "./run.js";
export { pollSchedule } from "./management.js";
export { HYBRID_JOIN_FAILED } from "./esp-run.js";

/** A room's value that ends the enrollment (every result carries the keychain). */
const ended = <T extends object>(x: T | WindowsFlowResult): x is WindowsFlowResult => "keychain" in x && "windows" in x;

export async function runWindowsEnrollment(ctx: FlowContext, o: ResolvedWindowsOptions): Promise<WindowsFlowResult> {
  const run = createRun(ctx, o);
  const out = await enrollAndManage(run, ctx, o);
  // Background tasks' failures (scheduled renewals) ride along whatever the flow's own outcome.
  return run.report.background?.length ? { ...out, background: run.report.background } : out;
}

async function enrollAndManage(run: EnrollRun, ctx: FlowContext, o: ResolvedWindowsOptions): Promise<WindowsFlowResult> {
  const { report } = run;
  // Restarted (timeline reboot) after its provisioning document was applied: the enrollment, the
  // registry and the ESP's progress are on its disk; before that it runs OOBE enrollment again.
  const kept = keptEnrollment(ctx);
  const prepared = kept?.prepared ?? (await prepare(run));
  if (ended(prepared)) return prepared;
  if (prepared.withoutProfile) run.withoutProfile = true;
  // In flight when a killed run ended, with its provisioning document applied: straight to OMA-DM.
  const enrolled = kept ?? (await resumeWindows(run)) ?? (await enroll(run, prepared));
  if (ended(enrolled)) return enrolled;
  const { prov, creds, entraRegistered } = enrolled;
  const mgmt = startManagement(run, prov, creds, kept?.management);
  ctx.disk?.set(WINDOWS_KEPT, { prepared, prov, creds, entraRegistered, management: { tree: mgmt.tree, msi: mgmt.msi, scep: mgmt.scepJobs } } satisfies KeptEnrollment);
  if (kept) note(run.p, "device", { restarted: `the PC restarted (reboot ${ctx.boot!.count}): the MDM enrollment and the registry were kept; an OMA-DM session (Alert 1201) follows`, espPhase: ctx.disk?.get(WINDOWS_ESP_PHASE) ?? "none" });
  try {
    await mgmt.session();
    const renewal = new EnrollmentRenewal(run, prov, mgmt);
    if (o.raw.renew) {
      const f = await renewal.renewNow();
      if (f) return faultResult("enroll.renew", f, report);
      await mgmt.session();
    }
    // Scheduled renewal from the provisioning document's RenewPeriod/RetryInterval (renewal.ts), checked before each poll.
    renewal.schedule();
    // ESP in a Settings enrollment: the server assigned one (FirstSyncStatus set in the first session).
    const settingsEsp = o.kind === "byod" && espConfigured(mgmt.tree, mgmt.providerId);
    const out = o.kind !== "autopilot" && !settingsEsp ? await pollAfterEnrollment(run, prov, mgmt, prepared.prep, () => renewal.renewIfDue()) : await runEsp(run, prov, mgmt, prepared, { settingsEsp, entraRegistered, resumed: !!kept });
    // Vendor agents the MDM installed enroll with their own servers (agent-work.ts): their failures are background outcomes.
    await runVendorAgents(run, mgmt.msi);
    return out;
  } catch (e) {
    // The server wiped the PC during the flow: it acknowledged (200) and resets to the out-of-box
    // experience; the enrollment is gone and nothing of it is kept (no check-ins follow).
    if (!(e instanceof PcWiped)) throw e;
    ctx.disk?.delete(WINDOWS_KEPT);
    return { ok: false, code: "windows.wiped", step: "dm.session", message: `${e.message}: the PC acknowledged the wipe and resets to the out-of-box experience; it is no longer enrolled`, keychain: { identities: [] }, windows: run.report };
  } finally {
    await mgmt.close();
  }
}

const WINDOWS_KEPT = "windows.enrollment";

/** What a PC keeps across a restart once its provisioning document is applied. */
interface KeptEnrollment {
  prepared: Prepared;
  prov: Provisioned;
  creds: Credentials;
  entraRegistered: boolean;
  management: KeptManagement;
}

/** After a restart (FlowContext.boot): the enrollment the PC kept, if it had one. */
function keptEnrollment(ctx: FlowContext): KeptEnrollment | undefined {
  return ctx.boot ? (ctx.disk?.get(WINDOWS_KEPT) as KeptEnrollment | undefined) : undefined;
}

/** Sign-in, discovery, authentication, Terms of Use, WSTEP and the provisioning document; then the `windows.omadm` checkpoint. */
async function enroll(run: EnrollRun, prepared: Prepared): Promise<{ prov: Provisioned; creds: Credentials; entraRegistered: boolean } | WindowsFlowResult> {
  const page = await companySignInPage(run, prepared);
  if (page) return page;
  const signedIn = await signInAndJoin(run);
  if (ended(signedIn)) return signedIn;
  const found = await runDiscovery(run);
  if (ended(found)) return found;
  const creds = await authenticate(run, found.disc, signedIn.idpToken);
  if (ended(creds)) return creds;
  const terms = await acceptTerms(run, creds);
  if (ended(terms)) return terms;
  const prov = await provision(run, { disc: found.disc, creds, requestVersion: found.requestVersion, deviceName: prepared.deviceName, ztdCorrelationId: prepared.ztdCorrelationId, enrollmentData: terms.enrollmentData });
  if (ended(prov)) return prov;
  // Durable before the first OMA-DM session: a resumed device continues here instead of enrolling again.
  saveWindowsCheckpoint(run, prov, creds, signedIn.entraRegistered);
  return { prov, creds, entraRegistered: signedIn.entraRegistered };
}

export { hresultHex, uiTextFor };
