// SPDX-License-Identifier: MIT
/**
 * ESP glue: the Enrollment Status Page after provisioning. Device preparation (the DevicePreparation
 * policy providers, the hybrid join's offline domain join blob), then the DeviceSetup and
 * AccountSetup phases: tracked items from the CSP tree (esp.ts), restarts, timeouts, and the screen
 * the user is left on when a phase fails.
 */
import { decoded, note, step } from "../../protocol/common/context.js";
import { AUTOLOGON_FAILED_TEXT, DEFAULT_ESP_ERROR, espErrorCode, espFailedRowText, espFailureButtons, REBOOT_PROMPT_TEXT, devicePreparationProviders, espCategoryRow, readEspSettings, trackedItems, type EspPhase } from "./esp.js";
import { registrationItem, setSyncDone } from "./esp-extra.js";
import type { Management } from "./management.js";
import type { Prepared } from "./prepare.js";
import type { Provisioned } from "./provisioning.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";
import { keptSettings } from "./applied-settings.js";

export const HYBRID_JOIN_FAILED =
  "Something went wrong. Confirm you are using the correct sign-in information and that your organization uses this feature. You can try to do this again or contact your system administrator with the error code 80070774.";

/**
 * How long "Join your organization's network" waits for the offline domain join blob before it
 * fails with 80070774. Microsoft documents no value; 15 minutes is enrollsim's choice (the order of
 * the ESP's default provider timeout). It is not a scenario knob: a blob that never comes is
 * `embedded.windows.withhold`, and the wait is time passing on the scenario clock.
 */
export const HYBRID_ODJ_WAIT_MINUTES = 15;

/** Where the ESP was when the PC lost power (device disk key): the phase and when the ESP started. */
export const WINDOWS_ESP_PHASE = "windows.esp";

/**
 * Runs the ESP to its end; `settingsEsp`: a Settings (BYOD) enrollment the server assigned an ESP.
 * `resumed`: the PC restarted during the ESP (timeline reboot): the ESP tracks its progress, so it
 * comes back to the phase it was in (device preparation is done, a finished device setup is not
 * repeated), and its timeout still counts from the ESP's start.
 */
export async function runEsp(run: EnrollRun, prov: Provisioned, mgmt: Management, prepared: Prepared, o2: { settingsEsp: boolean; entraRegistered: boolean; resumed?: boolean }): Promise<WindowsFlowResult> {
  const disk = run.ctx.disk;
  const was = o2.resumed ? (disk?.get(WINDOWS_ESP_PHASE) as { phase: "DeviceSetup" | "AccountSetup"; espStart: number } | undefined) : undefined;
  if (!was) return espFromStart(run, prov, mgmt, prepared, o2);
  return espPhases(run, prov, mgmt, { settingsEsp: o2.settingsEsp, entraRegistered: o2.entraRegistered, from: was.phase, espStart: was.espStart });
}

async function espFromStart(run: EnrollRun, prov: Provisioned, mgmt: Management, prepared: Prepared, o2: { settingsEsp: boolean; entraRegistered: boolean }): Promise<WindowsFlowResult> {
  const { o, p, report } = run;
  const { doc, keychain } = prov;
  const { tree, session } = mgmt;
  const { prep, prepStart, hybrid } = prepared;
  if (!prep.items!.some((i) => i.kind === "mdm")) prep.items!.push({ kind: "mdm", id: "Register your device for mobile management", state: "done", doneAfterMs: p.clock.now() - prepStart });
  // Preparing for management: the DevicePreparation policy providers the server registered
  // (EnrollmentStatusTracking CSP) must reach NotRequired/Completed within their Timeout.
  if (devicePreparationProviders(tree).length) {
    const prepared = await step(p, "esp.device-preparation", async () => {
      const pollMs = Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs;
      const started = p.clock.now();
      for (let n = 0; n < o.maxSessions; n++) {
        const providers = devicePreparationProviders(tree);
        const failed = providers.find((x) => x.state === "failed");
        if (failed) return { ok: false as const, why: `${failed.name} failed (${failed.lastError ?? "no LastError"})` };
        if (providers.every((x) => x.state === "done")) return { ok: true as const };
        const deadline = started + Math.max(...providers.map((x) => x.timeoutMinutes)) * o.minuteMs;
        const now = p.clock.now();
        if (now >= deadline) return { ok: false as const, why: `timed out waiting for ${providers.filter((x) => x.state === "pending").map((x) => x.name).join(", ")}` };
        await p.clock.sleep(Math.min(pollMs, deadline - now), p.signal);
        await session();
      }
      return { ok: false as const, why: "session limit" };
    });
    for (const x of devicePreparationProviders(tree)) prep.items!.push({ kind: "provider", id: x.name, state: x.state, doneAfterMs: p.clock.now() - prepStart });
    if (!prepared.ok) {
      prep.result = "failed";
      prep.endedAt = p.clock.now();
      prep.screen = "Preparing your device for mobile management (Failed). " + DEFAULT_ESP_ERROR;
      decoded(p, "esp.device-preparation", { ...prep });
      return { ok: false, code: "windows.esp.device-preparation", step: "esp.device-preparation", message: `${prep.screen} — ${prepared.why}`, keychain, windows: report };
    }
  }
  if (hybrid) {
    // Hybrid join: "Join your organization's network" waits for the offline domain join blob the
    // server's connector produces (OfflineDomainJoin CSP), polling within the provider timeout.
    const joined = await step(p, "esp.device-preparation", async () => {
      const deadline = p.clock.now() + HYBRID_ODJ_WAIT_MINUTES * o.minuteMs;
      const pollMs = Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs;
      for (let n = 0; n < o.maxSessions; n++) {
        if (tree.get("./Device/Vendor/MSFT/OfflineDomainJoin/Blob").status === 200) return true;
        const now = p.clock.now();
        if (now >= deadline) return false;
        await p.clock.sleep(Math.min(pollMs, deadline - now), p.signal);
        await session();
      }
      return false;
    });
    prep.items!.push({ kind: "odj", id: "Join your organization's network", state: joined ? "done" : "failed", doneAfterMs: p.clock.now() - prepStart });
    if (!joined) {
      prep.result = "failed";
      prep.endedAt = p.clock.now();
      prep.screen = HYBRID_JOIN_FAILED;
      decoded(p, "esp.device-preparation", { ...prep });
      return { ok: false, code: "windows.autopilot.hybrid-join", step: "esp.device-preparation", message: `${HYBRID_JOIN_FAILED} (no offline domain join blob arrived)`, keychain, windows: report };
    }
  }
  prep.endedAt = p.clock.now();
  decoded(p, "esp.device-preparation", { ...prep });
  return espPhases(run, prov, mgmt, { ...o2, espStart: p.clock.now() });
}

/** The DeviceSetup and AccountSetup phases, from `from` (default the first). */
async function espPhases(run: EnrollRun, prov: Provisioned, mgmt: Management, o2: { settingsEsp: boolean; entraRegistered: boolean; espStart: number; from?: "DeviceSetup" | "AccountSetup" }): Promise<WindowsFlowResult> {
  const { o, id, w, p, report } = run;
  const { doc, keychain } = prov;
  const { tree, msi, providerId, session } = mgmt;
  const { settingsEsp, entraRegistered, espStart } = o2;
  const dmClientDoc = doc.dmClient?.firstSyncStatus ?? {};
  setSyncDone(tree, providerId, false);
  // Self-deploying has no user; pre-provisioned runs the technician's device phase, reseals, and
  // the user's account phase follows at first sign-in.
  const all: ("DeviceSetup" | "AccountSetup")[] = o.mode === "self-deploying" ? ["DeviceSetup"] : ["DeviceSetup", "AccountSetup"];
  const phases = o2.from ? all.slice(Math.max(0, all.indexOf(o2.from))) : all;
  const pollMs = Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs;
  let rebootHandled = false;
  for (const phase of phases) {
    run.ctx.disk?.set(WINDOWS_ESP_PHASE, { phase, espStart });
    const scope = phase === "DeviceSetup" ? "device" : "user";
    // Pre-provisioned: the technician reseals; the user's first sign-in, days later, syncs (PollOnLogin) before the account
    // phase. The sign-in is a step of its own, so the time between (the device shipped) is the timeline's idle there;
    // the account phase (and its timeout) starts at the sign-in.
    if (phase === "AccountSetup" && o.mode === "pre-provisioned" && o.kind === "autopilot") {
      await step(p, "esp.user-sign-in", async () => note(p, "esp.user-sign-in", { prompt: "the user signs in for the first time after the technician's reseal" }));
      mgmt.userSignedIn();
    }
    const ph: EspPhase = { phase, startedAt: p.clock.now(), result: "success", items: [], sessions: 0 };
    report.esp.push(ph);
    if (phase === "AccountSetup" && o.mode === "pre-provisioned" && o.kind === "autopilot" && doc.dmClient?.poll.PollOnLogin === "true") await session();
    const settings0 = readEspSettings(tree, providerId, dmClientDoc);
    if ((phase === "DeviceSetup" && settings0.skipDeviceStatusPage) || (phase === "AccountSetup" && settings0.skipUserStatusPage)) {
      ph.result = "skipped";
      ph.endedAt = p.clock.now();
      continue;
    }
    const doneAt = new Map<string, number>();
    const outcome = await step(p, phase === "DeviceSetup" ? "esp.device-setup" : "esp.account-setup", async () => {
      for (let n = 0; n < o.maxSessions; n++) {
        const rb = msi.reboot ?? mgmt.reboot.policy;
        if (rb && !rebootHandled) {
          rebootHandled = true;
          (ph.reboots ??= []).push({ by: rb.by, kind: rb.kind, atMs: rb.at - ph.startedAt });
          if (rb.kind === "policy") {
            // ESP cannot suppress the restart this policy needs: the user gets a restart prompt mid-provisioning.
            return { result: "reboot-prompt" as const, screen: `${REBOOT_PROMPT_TEXT} (${rb.by} policy delivered during the Enrollment Status Page)` };
          }
          // An unplanned restart: Windows comes back after about two minutes and ESP resumes, unless the
          // DeviceLock password policy applied before it stops the automatic sign-in.
          await p.clock.sleep(2 * o.minuteMs, p.signal);
          if (tree.get("./Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled").value === "0") {
            return { result: "autologon-failed" as const, screen: `${AUTOLOGON_FAILED_TEXT} (restart by ${rb.by} after the DeviceLock policy applied)` };
          }
        }
        const s = readEspSettings(tree, providerId, dmClientDoc);
        if (s.findings.length) note(p, "esp", { findings: s.findings.map((m) => ({ code: "esp.out-of-range", message: m })) });
        const items = trackedItems(tree, s, msi, mgmt.scepJobs.jobs).filter((i) => i.scope === scope);
        if (settingsEsp && phase === "DeviceSetup" && o.raw.workAccount === "entra") items.push(registrationItem(id.os.version, entraRegistered));
        for (const i of items) if (i.state !== "pending" && !doneAt.has(i.id)) doneAt.set(i.id, p.clock.now() - ph.startedAt);
        ph.items = items.map((i) => ({ kind: i.kind, id: i.id, state: i.state, ...(doneAt.has(i.id) ? { doneAfterMs: doneAt.get(i.id) } : {}) }));
        const failed = items.find((i) => i.state === "failed");
        if (failed && (failed.kind === "scep" || failed.kind === "pfx")) {
          // The Certificates row turns to an error with the profile's ErrorCode (scep-csp.ts). Which profile failed and
          // the job's description are enrollsim's diagnosis (the message), not the page's words.
          const job = [...mgmt.scepJobs.jobs.values()].find((j) => j.id === failed.id && j.status === "failed");
          const screen = espFailedRowText(espCategoryRow(items, "Certificates"), job?.errorCode, s.customErrorText);
          return { result: "certificate-failed" as const, screen, job, failedItem: `Failed certificate profile: ${failed.id}: ${failed.detail ?? "failed"}` };
        }
        if (failed) {
          const app = [...msi.jobs.values()].find((j) => j.error && failed.id.includes(j.name)) ?? [...msi.jobs.values()].find((j) => j.error);
          // The Apps row with the app's error code (its LastError as the ESP shows it, espErrorCode); which app failed and
          // why (the installer's exit code) are enrollsim's diagnosis, kept for the message, not put into the page's words.
          const code = espErrorCode(app?.lastError);
          const screen = espFailedRowText(espCategoryRow(items, "Apps"), code, s.customErrorText);
          return { result: "app-failed" as const, screen, code, failedItem: `Failed app: ${failed.id}${app?.error ? `: ${app.error}` : ""}` };
        }
        const finished = scope === "device" ? s.serverHasFinishedProvisioning : true;
        if (items.every((i) => i.state === "done") && finished && n > 0) return { result: "success" as const };
        const deadline = (phase === "DeviceSetup" ? espStart : ph.startedAt) + s.timeoutMinutes * o.minuteMs;
        const now = p.clock.now();
        if (now >= deadline) {
          return { result: "timeout" as const, screen: s.customErrorText ?? DEFAULT_ESP_ERROR, waitingFor: items.filter((i) => i.state === "pending").map((i) => (i.detail ? `${i.id} (${i.detail})` : i.id)) };
        }
        if (n > 0) await p.clock.sleep(Math.min(pollMs, deadline - now), p.signal);
        if (p.clock.now() >= deadline) continue;
        await session();
        ph.sessions!++;
      }
      return { result: "timeout" as const, screen: DEFAULT_ESP_ERROR, waitingFor: ["(session limit)"] };
    });
    ph.result = outcome.result;
    ph.endedAt = p.clock.now();
    if (outcome.screen) ph.screen = outcome.screen;
    decoded(p, phase === "DeviceSetup" ? "esp.device-setup" : "esp.account-setup", { ...ph, durationMs: ph.endedAt - ph.startedAt });
    if (outcome.result !== "success") {
      const s = readEspSettings(tree, providerId, dmClientDoc);
      const buttons = espFailureButtons(s).join(", ");
      const waited = "waitingFor" in outcome && outcome.waitingFor?.length ? ` Waiting for: ${outcome.waitingFor.join(", ")}.` : "";
      const failedItem = "failedItem" in outcome ? ` ${outcome.failedItem}.` : "";
      return {
        ok: false,
        code: outcome.result === "timeout" ? "windows.esp.timeout" : outcome.result === "app-failed" ? "windows.esp.app-failed" : `windows.esp.${outcome.result}`,
        step: phase === "DeviceSetup" ? "esp.device-setup" : "esp.account-setup",
        message: `${phase} failed after ${Math.round((ph.endedAt - ph.startedAt) / o.minuteMs)} min: "${outcome.screen}" [${buttons}].${waited}${failedItem}`,
        keychain,
        windows: report,
        // A failed certificate profile: its ErrorCode and name, or the raw value no table holds.
        ...("job" in outcome && outcome.job
          ? { shown: { ...(outcome.job.errorCode ? { code: outcome.job.errorCode } : {}), ...(outcome.job.errorName ? { name: outcome.job.errorName } : {}), text: outcome.screen!, screen: `Enrollment Status Page (${phase})`, ...(outcome.job.unknownRaw ? { unknown: { raw: outcome.job.unknownRaw } } : {}) } }
          : "code" in outcome && outcome.code
            ? { shown: { code: outcome.code, text: outcome.screen!, screen: `Enrollment Status Page (${phase})` } }
            : {}),
      };
    }
  }
  setSyncDone(tree, providerId, true);
  return { ok: true, code: settingsEsp ? "windows.byod.enrolled" : run.withoutProfile ? "windows.oobe.entra-join.provisioned" : `windows.autopilot.${o.mode}.provisioned`, keychain, windows: report, serverIds: { "windows.addr": doc.application!.addr, "windows.deviceId": w.deviceId }, appliedSettings: keptSettings(tree) };
}
