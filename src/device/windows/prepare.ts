// SPDX-License-Identifier: MIT
/**
 * Before anything goes on the enrollment wire: the device state (state.ts: records on the PC, policy block, join), the device
 * name, Autopilot device preparation (TPM attestation) and profile, and a provisioning package's
 * scripts.
 */
import { ScenarioError, TransportError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { fetchAutopilotProfile, uploadHardwareHash } from "../../protocol/windows/autopilot.js";
import { parseAutopilotProfile, type AutopilotProfile } from "../../wire/windows/autopilot.js";
import { hresultHex, MENROLL } from "../../wire/windows/menroll.js";
import { hardwareHash } from "./csp.js";
import type { EspPhase } from "./esp.js";
import { expandNameTemplate } from "./options.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";
import { enrollmentPrecheck, joinPrecheck, NOT_ADMIN_TEXT, tpmAttestation, tpmState, tpmVulnerable } from "./state.js";
import { firmwareEkCertificate } from "./tpm-ek.js";
import { continuesWithoutProfile, withoutProfile } from "./oobe-fallback.js";
import { oobeNetwork } from "./network-link.js";
import { event76Text, gpoCredentialOf } from "./gpo-event.js";

/** Suffixes that cannot be verified in a cloud directory (RFC 6762 .local, RFC 8375 home.arpa, common private TLDs, single labels). */
const NON_ROUTABLE_SUFFIX = /(^[^.]+$)|\.(local|localdomain|lan|internal|corp|intranet|home\.arpa|test|invalid)$/i;

export interface Prepared {
  deviceName: string;
  /** The DevicePreparation phase (pushed to the report for Autopilot) and when it started. */
  prep: EspPhase;
  prepStart: number;
  ztdCorrelationId?: string;
  /** Hybrid Entra join (Autopilot hybrid mode, or the profile's CloudAssignedDomainJoinMethod 1). */
  hybrid: boolean;
  /** The tenant the Autopilot profile names (its registration's tenant), when the profile names one. */
  tenant?: { id?: string; domain?: string };
  /** The profile's CloudAssignedOobeConfig bitmask. */
  oobeConfig?: number;
  /**
   * No Autopilot profile could be had (not registered, or the request failed): a user-driven PC goes on as a plain
   * OOBE (IsAutopilotDisabled 1) and the user's work account joins it like any OOBE Entra join (oobe-fallback.ts).
   */
  withoutProfile?: string;
}

export async function prepare(run: EnrollRun): Promise<Prepared | WindowsFlowResult> {
  const { o, id, p, report, fail, upn, https } = run;
  let deviceName =
    o.kind === "autopilot" && o.raw.autopilot?.deviceNameTemplate
      ? expandNameTemplate(o.raw.autopilot.deviceNameTemplate, id.serialNumber, (n) => String(p.entropy.fork("name").int(10 ** Math.min(n, 9))).padStart(n, "0"), 15)
      : o.kind === "bulk" && o.raw.autopilot?.deviceNameTemplate
        ? expandNameTemplate(o.raw.autopilot.deviceNameTemplate, id.serialNumber, (n) => String(p.entropy.fork("name").int(10 ** Math.min(n, 9))).padStart(n, "0"), 63)
        : id.deviceName;

  // ---- Device state: enrollments on record, policy block, directory join (state.ts; before anything goes on the wire) ----
  const refused = enrollmentPrecheck(run.state, o.kind, gpoCredentialOf(o.raw)) ?? joinPrecheck(run.state, o.kind);
  if (refused?.code === "windows.enroll.not-administrator") return { ...fail(refused.code, "enroll.precheck", refused.message), shown: { text: NOT_ADMIN_TEXT, screen: "" } };
  if (refused) return { ...fail(refused.code, "enroll.precheck", refused.message), ...(refused.shown ? { shown: refused.shown } : {}) };
  // GPO auto-enroll: the scheduled task finds the MDM for the user's directory UPN; a non-routable,
  // unverifiable suffix (contoso.local) has none, so the task fails before any request (Event 76).
  if (o.kind === "gpo" && NON_ROUTABLE_SUFFIX.test(upn.split("@")[1] ?? "")) {
    const m = MENROLL.MENROLL_E_MDM_NOT_CONFIGURED!;
    return fail("windows.gpo.mdm-not-configured", "enroll.precheck", `Event 76: ${event76Text(m.hresult, gpoCredentialOf(o.raw))} — ${m.name}: UPN suffix of ${upn} is not routable`);
  }

  // ---- The OOBE network pages: on Wi-Fi a person connects first; pre-provisioning needs Ethernet (network-link.ts) ----
  const link = await oobeNetwork(run);
  if (link) return link;

  // ---- Device preparation: TPM attestation (self-deploying / pre-provisioned) ----
  const prepStart = p.clock.now();
  const prep: EspPhase = { phase: "DevicePreparation", startedAt: prepStart, result: "success", items: [] };
  if (o.kind === "autopilot") report.esp.push(prep);
  if (o.kind === "autopilot" && (o.mode === "self-deploying" || o.mode === "pre-provisioned")) {
    // Securing your hardware: the client's own check of a vulnerable TPM (builds that make it), a firmware TPM's
    // EK certificate (tpm-ek.ts), then TPM attestation (state.ts says what is and is not simulated).
    run.state.tpm = tpmState(run.id); // as it is now (a firmware update set by the timeline since the flow began)
    const attest = tpmVulnerable(run.state, { version: id.os.version, builds: id.windows?.builds ?? [] }) ?? (await firmwareEkCertificate(run)) ?? tpmAttestation(run.state);
    prep.items!.push({ kind: "tpm", id: "Securing your hardware", state: attest ? "failed" : "done", doneAfterMs: 0 });
    if (attest) {
      prep.result = "failed";
      prep.endedAt = p.clock.now();
      prep.screen = `Securing your hardware (Failed: ${hresultHex(attest.hresult).toLowerCase()})`;
      decoded(p, "esp.device-preparation", { ...prep });
      return fail("windows.autopilot.tpm-attestation", "esp.device-preparation", `${prep.screen}; then "Previous step failed" for network join and MDM registration — ${attest.why}`);
    }
  }

  // ---- Autopilot profile ----
  let ztdCorrelationId: string | undefined;
  let tenant: Prepared["tenant"];
  let oobeConfig: number | undefined;
  let hybrid = o.kind === "autopilot" && o.mode === "hybrid";
  if (o.kind === "autopilot") {
    const source = o.raw.autopilot?.profileSource ?? "assumed";
    let profile: AutopilotProfile | undefined;
    if (source === "file") {
      const a = o.raw.autopilot;
      // profileFile is read by the loader or the CLI into profileJson (device code does no file I/O).
      if (a?.profileJson === undefined) throw new ScenarioError(a?.profileFile !== undefined ? `options.windows.autopilot.profileFile "${a.profileFile}" was not read: scenario files and \`enrollsim enroll --set\` read it; library callers pass its text as profileJson` : "options.windows.autopilot.profileSource file needs profileFile (a path) or profileJson (the JSON text)");
      const text = a.profileJson;
      profile = await step(p, "autopilot.profile", async () => parseAutopilotProfile(text, a.profileFile ?? "AutopilotConfigurationFile.json"));
    }
    else if (source === "service") {
      if (!https) throw new ScenarioError("profileSource service needs the embedded server");
      // The hash was uploaded from this PC before its hardware changed (Get-WindowsAutopilotInfo -Online).
      if (o.raw.autopilot?.uploadHash) await uploadHardwareHash(p, `${https}/windows/autopilot/register`, id.serialNumber, hardwareHash(id, true));
      let got: Awaited<ReturnType<typeof fetchAutopilotProfile>>;
      try {
        got = await fetchAutopilotProfile(p, `${https}/windows/autopilot/profile`, id.serialNumber, hardwareHash(id));
      } catch (e) {
        // Blocked, unresolvable, unreachable or failing deployment service: OOBE goes on without a profile (oobe-fallback.ts).
        if (!(e instanceof TransportError) || !continuesWithoutProfile(o)) throw e;
        return withoutProfile(run, { deviceName, prep, prepStart }, `the profile request failed (${e.message})`);
      }
      if (got.status === "not-registered" && continuesWithoutProfile(o)) return withoutProfile(run, { deviceName, prep, prepStart }, "the deployment service has no profile for this hardware hash");
      if (got.status === "not-registered") {
        prep.result = "failed";
        prep.endedAt = p.clock.now();
        // What the PC records: IsAutopilotDisabled 1 ("the device isn't registered with Windows Autopilot", Windows Autopilot troubleshooting FAQ,
        // oobe-fallback.ts), a registry value, so `logged`, not the screen; OOBE shows its default screens and no error.
        return {
          ...fail("windows.autopilot.profile-missing", "autopilot.profile", `No Autopilot profile for this hardware hash: plain OOBE without the Autopilot experience (a blank profile is cached until the next reboot); ${o.mode} needs the profile and no user is there to sign in`),
          shown: {
            text: "(no error: OOBE shows its default screens)",
            logged: ["HKLM\\SOFTWARE\\Microsoft\\Provisioning\\Diagnostics\\Autopilot: IsAutopilotDisabled = 1"],
            screen: "OOBE (out-of-box experience)", unknown: { raw: "no Autopilot profile (plain OOBE: no company branding, no Autopilot page)", of: "condition" } },
        };
      }
      if (got.status === "attention-required") {
        prep.result = "failed";
        prep.endedAt = p.clock.now();
        return fail("windows.autopilot.hardware-changed", "autopilot.profile", "The hardware hash no longer matches the registered device: profile status \"Attention required\" (no profile until reset and re-registration)");
      }
      profile = got.profile;
    }
    if (profile) {
      if (profile.CloudAssignedDomainJoinMethod === 1) hybrid = true;
      ztdCorrelationId = profile.ZtdCorrelationId;
      if (profile.CloudAssignedTenantId || profile.CloudAssignedTenantDomain) {
        tenant = { ...(profile.CloudAssignedTenantId ? { id: profile.CloudAssignedTenantId.toLowerCase() } : {}), ...(profile.CloudAssignedTenantDomain ? { domain: profile.CloudAssignedTenantDomain } : {}) };
      }
      oobeConfig = profile.CloudAssignedOobeConfig;
      if (profile.CloudAssignedDeviceName && !o.raw.autopilot?.deviceNameTemplate) {
        deviceName = expandNameTemplate(profile.CloudAssignedDeviceName, id.serialNumber, (n) => String(p.entropy.fork("name").int(10 ** Math.min(n, 9))).padStart(n, "0"), 15);
      }
      decoded(p, "autopilot.profile", { source, tenant: profile.CloudAssignedTenantDomain, deviceName, ztdCorrelationId, oobeConfig: profile.CloudAssignedOobeConfig });
    }
  }

  // ---- Provisioning package content (bulk): its scripts run in system context before the join ----
  if (o.kind === "bulk" && o.raw.bulkPackage?.scripts?.length) {
    for (const sc of o.raw.bulkPackage.scripts) {
      const exitCode = sc.exitCode ?? 0;
      decoded(p, "package.script", { name: sc.name, context: "system", exitCode });
      if (exitCode !== 0) {
        // The package stops half-applied; with system rights the script already changed the OS.
        return fail("windows.bulk.script-failed", "package.script", `Provisioning package script "${sc.name}" exited with ${exitCode} in system context: the package stopped half-applied and the device is broken until reimaged`);
      }
    }
  }
  return { deviceName, prep, prepStart, ...(ztdCorrelationId !== undefined ? { ztdCorrelationId } : {}), hybrid, ...(tenant ? { tenant } : {}), ...(oobeConfig !== undefined ? { oobeConfig } : {}) };
}
