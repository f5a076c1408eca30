// SPDX-License-Identifier: MIT
/**
 * What a Windows PC's state (src/device/state.ts: enrollments on record, the Disable MDM Enrollment
 * policy, the directory join, the TPM) does to an enrollment, as the enrollment client and the
 * Autopilot device-preparation phase act on it:
 *
 * - The enrollment client reads its EnterpriseMgmt records before anything goes on the wire (the
 *   order below): the policy block (MENROLL_E_DEVICE_MANAGEMENT_BLOCKED 0x80180026), a running
 *   enrollment (MENROLL_E_ENROLLMENT_IN_PROGRESS 0x80180009), a stale record (0x8007064C "The machine
 *   is already enrolled", Intune docs: Troubleshoot Windows enrollment errors, cloned images), an
 *   active enrollment (MENROLL_E_DEVICE_ALREADY_ENROLLED 0x8018000A; another user's work account shows
 *   the Settings text "Another user on the system is already connected to a work or school account").
 *   The GPO auto-enroll task reports the same HRESULT in Event 76.
 * - The join decides what the flow has to do: the GPO auto-enroll task needs a device joined to the
 *   directory (hybrid or Entra) and does nothing without one; an already registered or joined device
 *   does not register or join again, so no join request goes on the wire.
 * - The TPM: self-deploying and pre-provisioned Autopilot prove the device by TPM attestation at
 *   "Securing your hardware". A TPM that is not 2.0, or a VM's virtual TPM (no manufacturer EK
 *   certificate), cannot attest and the step times out (0x800705b4, Autopilot troubleshooting). A TPM
 *   that can attest gets the attestation service's verdict from `state.tpm.attestation`: enrollsim
 *   does NOT run the EK/AIK exchange with an attestation service; the verdict is a state input.
 *   0x81039001 is E_AUTOPILOT_CLIENT_TPM_MAX_ATTESTATION_RETRY_EXCEEDED; 0x801C0003 is the directory's
 *   authorization error when the attestation statement cannot be verified (TPM firmware needing an update).
 */
import { hresultHex, MENROLL, uiTextFor } from "../../wire/windows/menroll.js";
import type { DeviceIdentity } from "../identity.js";
import type { Shown } from "../shown.js";
import type { TpmAttestation, TpmManufacturer, WindowsEnrollmentRecord, WindowsJoin } from "../state.js";
import { tpmVulnerabilityCheckFor, type WindowsBuildTable } from "../windows-builds.js";
import { ADV170012_FIRMWARE, TCG_VENDOR_ID, vulnerableFirmware } from "../../wire/windows/tpm-firmware.js";

export type ManagementAgent = "intune-pc-agent" | "configmgr-client";
const AGENT_NAMES: Record<ManagementAgent, string> = { "intune-pc-agent": "the Intune PC software client (PC agent)", "configmgr-client": "the Configuration Manager client agent" };
import type { WindowsFlowKind } from "./options.js";
import { event76Text, type GpoCredential } from "./gpo-event.js";

export interface WindowsState {
  enrollments: WindowsEnrollmentRecord[];
  /** The signed-in account's local rights (state.account). */
  account: { admin: boolean };
  mdmEnrollmentDisabled: boolean;
  /** Other management agents installed (state.managementAgents). */
  managementAgents: ManagementAgent[];
  join: WindowsJoin;
  /** `manufacturer` / `firmwareVersion`: absent when neither the state nor the catalog model states them (a firmware TPM defaults to intel). */
  tpm: { version: "2.0" | "1.2" | "none"; kind: "discrete" | "firmware" | "virtual"; manufacturer?: TpmManufacturer; firmwareVersion?: string; attestation: TpmAttestation };
  /** How the PC reaches the network in OOBE (state.networkLink; network-link.ts). */
  networkLink: "ethernet" | "wifi";
}

/** The device's state with the defaults of its model and flow filled in. */
export function windowsState(id: DeviceIdentity, kind: WindowsFlowKind): WindowsState {
  const s = id.state ?? {};
  return {
    enrollments: s.enrollments ?? [],
    account: { admin: s.account?.admin ?? true },
    mdmEnrollmentDisabled: s.mdmEnrollmentDisabled ?? false,
    managementAgents: s.managementAgents ?? [],
    // The GPO task exists only on domain PCs that Entra Connect synchronised (hybrid join); other flows start unjoined.
    join: s.join ?? (kind === "gpo" ? "hybrid-joined" : "none"),
    tpm: tpmState(id),
    networkLink: s.networkLink ?? "ethernet",
  };
}

/**
 * The TPM with its defaults: the group's state, else the catalog model's (tpmVersion, tpmManufacturer, tpmFirmwareVersion).
 * Read where it is used (Securing your hardware, the attested join): a timeline `set` of state.tpm — a firmware update —
 * reaches the identity at a step gate after the flow built its state.
 */
export function tpmState(id: DeviceIdentity): WindowsState["tpm"] {
  const t = id.state?.tpm;
  const kind = t?.kind ?? "discrete";
  const manufacturer = t?.manufacturer ?? id.windows?.tpmManufacturer ?? (kind === "firmware" ? "intel" : undefined);
  const firmwareVersion = t?.firmwareVersion ?? id.windows?.tpmFirmwareVersion;
  return { version: t?.version ?? id.windows?.tpmVersion ?? "2.0", kind, ...(manufacturer ? { manufacturer } : {}), ...(firmwareVersion ? { firmwareVersion } : {}), attestation: t?.attestation ?? "succeeds" };
}

export interface Refusal {
  code: string;
  message: string;
  /** What the device records, where no code table gives it (the GPO task that does not start). */
  shown?: Shown;
}

const OTHER_USER_TEXT = "Another user on the system is already connected to a work or school account. Remove that work or school connection and try again.";

/**
 * Enrolling an already set-up PC from the user's session (Settings › Access work or school, the Company
 * Portal) needs local administrator rights. Texts: Microsoft Learn, "MDM enrollment of Windows devices"
 * (Settings: "You don't have the right privileges to perform this operation. Talk to your admin." — "You
 * can't enroll your device into MDM as a standard user. You must be on an administrator account.") and
 * Intune troubleshooting KB 4463724 (the Company Portal says "…Please talk to your admin."). No HRESULT
 * is published with it. OOBE flows and the GPO task run as the system.
 */
export const NOT_ADMIN_TEXT = "You don't have the right privileges to perform this operation. Talk to your admin.";

/** What the enrollment client (or the GPO task) says about the records it finds; undefined when it may go on. */
export function enrollmentPrecheck(state: WindowsState, kind: WindowsFlowKind, credential: GpoCredential = "user"): Refusal | undefined {
  if (kind === "byod" && !state.account.admin) {
    return { code: "windows.enroll.not-administrator", message: `${NOT_ADMIN_TEXT} — the signed-in Windows account is not in the local Administrators group (state.account.admin: false); enrolling an already set-up PC needs local administrator rights` };
  }
  const event76 = (hresult: number, why: string) => `Event 76: ${event76Text(hresult, credential)} — ${why}`;
  const say = (hresult: number, name: string, text: string, why: string) => (kind === "gpo" ? event76(hresult, why) : `${name} (${hresultHex(hresult)}): "${text}" — ${why}`);
  if (state.mdmEnrollmentDisabled) {
    const m = MENROLL.MENROLL_E_DEVICE_MANAGEMENT_BLOCKED!;
    return { code: "windows.enroll.management-blocked", message: say(m.hresult, m.name, uiTextFor(m), "the Group Policy \"Disable MDM Enrollment\" is set on this PC") };
  }
  // The GPO auto-enroll task on a PC the classic Intune PC agent manages: Microsoft's GPO auto-enrollment page took the
  // prerequisite from MicrosoftDocs/windows-itpro-docs PR #1914 (merged 2018-10): "The scheduled task fails with
  // 0x80180026 if the device is already managed by the old style Intune agents." The Configuration Manager client is
  // not named there (co-management enrolls through that task), so only the Intune PC agent refuses it.
  if (kind === "gpo" && state.managementAgents.includes("intune-pc-agent")) {
    const m = MENROLL.MENROLL_E_DEVICE_MANAGEMENT_BLOCKED!;
    return { code: "windows.enroll.management-blocked", message: event76(m.hresult, `${AGENT_NAMES["intune-pc-agent"]} manages this PC (state.managementAgents); the auto-enroll task fails while the old-style Intune agent is installed (windows-itpro-docs PR #1914)`) };
  }
  const running = state.enrollments.find((e) => e.status === "in-progress");
  if (running) {
    const m = MENROLL.MENROLL_E_ENROLLMENT_IN_PROGRESS!;
    return { code: "windows.enroll.in-progress", message: say(m.hresult, m.name, uiTextFor(m), `an enrollment (${running.owner ?? "other-user"}) is running`) };
  }
  if (state.enrollments.some((e) => e.status === "stale")) {
    const why = "an EnterpriseMgmt enrollment record without a working certificate is on the PC (cloned image or failed unenrollment)";
    return { code: "windows.enroll.machine-already-enrolled", message: kind === "gpo" ? event76(0x8007064c, why) : `0x8007064C: "The machine is already enrolled." — ${why}` };
  }
  const active = state.enrollments.find((e) => e.status === "active");
  if (active && kind === "gpo") return gpoTaskNotStarted(active.owner ?? "other-user");
  if (active) {
    const m = MENROLL.MENROLL_E_DEVICE_ALREADY_ENROLLED!;
    const owner = active.owner ?? "other-user";
    return { code: "windows.enroll.already-enrolled", message: say(m.hresult, m.name, owner === "other-user" ? OTHER_USER_TEXT : uiTextFor(m), `an active MDM enrollment (${owner}) is on the PC; Windows holds one MDM enrollment`) };
  }
  return undefined;
}

/**
 * The GPO auto-enroll task on a PC already enrolled in another MDM does not start at all. Microsoft Learn,
 * "Troubleshooting Windows 10 Group Policy-based auto-enrollment in Intune" (Troubleshoot the auto-enrollment task):
 * the task "may not start" when "The device is already enrolled in another MDM solution. In this case, Event ID 7016
 * together with error code 2149056522 is logged in the Applications and Services Logs > Microsoft > Windows > Task
 * Scheduler > Operational event log" (2149056522 = 0x8018000A MENROLL_E_DEVICE_ALREADY_ENROLLED); and when the
 * enrollment is not triggered, "event ID 75 and event ID 76 aren't logged". Fix: unenroll the device from the MDM.
 * The event's own wording is not published: the shown text names the event and the code only.
 */
function gpoTaskNotStarted(owner: string): Refusal {
  const m = MENROLL.MENROLL_E_DEVICE_ALREADY_ENROLLED!;
  const code = hresultHex(m.hresult);
  return {
    code: "windows.enroll.already-enrolled",
    message: `Task Scheduler event 7016, error code ${m.hresult >>> 0} (${code} ${m.name}): the task "Schedule created by enrollment client for automatically enrolling in MDM from Microsoft Entra ID" does not start — an active MDM enrollment (${owner}) of another MDM is on the PC (state.enrollments); no Event 75 or 76 is logged`,
    shown: {
      code,
      name: m.name,
      text: `Event ID 7016, error code ${m.hresult >>> 0} (the event's wording is not published)`,
      screen: "Event Viewer (Task Scheduler › Operational), no UI: Auto MDM Enroll task",
    },
  };
}

/**
 * Another management agent on the PC when an Entra join hands over to MDM automatic enrollment. Microsoft Learn,
 * "Troubleshoot Windows device enrollment problems in Microsoft Intune", Error 80180026 ("Something went wrong.
 * Confirm you are using the correct sign-in information and that your organization uses this feature. …"): the
 * cause is joining Microsoft Entra ID while MDM automatic enrollment is enabled AND the Intune PC software client
 * or the Configuration Manager client agent is installed; resolutions: uninstall the agent, or disable MDM
 * automatic enrollment (MDM user scope None), after which the join carries no enrollment and nothing is blocked.
 * Only that path is published, so only a join that carries MDM enrollment URLs is checked (auth.ts).
 */
export function managementAgentBlock(state: WindowsState): Refusal | undefined {
  if (!state.managementAgents.length) return undefined;
  const m = MENROLL.MENROLL_E_DEVICE_MANAGEMENT_BLOCKED!;
  const agents = state.managementAgents.map((a) => AGENT_NAMES[a]).join(" and ");
  return {
    code: "windows.enroll.management-blocked",
    message: `${m.name} (${hresultHex(m.hresult)}): "${uiTextFor(m)}" — the device joined Microsoft Entra ID with MDM automatic enrollment, but ${agents} is installed (state.managementAgents); the enrollment client refuses a second management authority`,
  };
}

/** The GPO auto-enroll task needs the device's directory join; without one it has no device identity to ask for a token with. */
export function joinPrecheck(state: WindowsState, kind: WindowsFlowKind): Refusal | undefined {
  // domain-joined: the hybrid sync join runs first (auth.ts), and the directory answers it.
  if (kind !== "gpo" || state.join === "hybrid-joined" || state.join === "entra-joined" || state.join === "domain-joined") return undefined;
  return {
    code: "windows.gpo.not-joined",
    message: `The auto-enroll task finds no directory join (join: ${state.join}; dsregcmd /status shows AzureAdJoined : NO): it sends nothing and the PC stays unmanaged`,
  };
}

/** Already registered or joined: the flow's registration/join step has nothing to do. */
export const alreadyInDirectory = (state: WindowsState, need: "registration" | "join"): boolean =>
  need === "registration" ? state.join !== "none" && state.join !== "domain-joined" : state.join === "entra-joined" || state.join === "hybrid-joined";

/**
 * The PC's own check of its TPM before attesting (self-deploying, pre-provisioning): on builds whose Autopilot client
 * makes it (devices/windows/builds.yaml `tpmVulnerabilityCheck`), firmware in the known-vulnerable table
 * (wire/windows/tpm-firmware.ts, ADV170012) fails "Securing your hardware" within seconds with 0x81039024 and nothing goes to the
 * attestation service. Microsoft Learn, "Windows Autopilot known issues": 0x81039024 means known vulnerabilities were
 * detected with the TPM and attestation fails; update the TPM firmware from the PC maker. Seen in the field: call4cloud.nl,
 * "The Red Screen before Christmas" (December 2020, Windows 10 20H2). A build without the check (1909: rockenroll.tech)
 * sends the statement and the service refuses it (0x801C0003, server/policy/tpm-attestation.ts).
 */
export function tpmVulnerable(state: WindowsState, os: { version: string; builds: WindowsBuildTable }): { hresult: number; why: string } | undefined {
  const t = state.tpm;
  if (t.version !== "2.0" || t.kind === "virtual" || !t.manufacturer || !t.firmwareVersion) return undefined;
  const check = tpmVulnerabilityCheckFor(os.builds, os.version);
  if (!check?.refuses) return undefined;
  const row = vulnerableFirmware({ manufacturerId: TCG_VENDOR_ID[t.manufacturer], firmwareVersion: t.firmwareVersion }, ADV170012_FIRMWARE);
  if (!row) return undefined;
  return {
    hresult: 0x81039024,
    why: `the TPM (${TCG_VENDOR_ID[t.manufacturer]} firmware ${t.firmwareVersion}) has a known vulnerability (${row.from}–${row.to}: ${row.source}); Windows ${os.version}'s Autopilot client refuses it before attestation, nothing is sent to the attestation service (Microsoft Learn, Windows Autopilot known issues: 0x81039024, known vulnerabilities detected with the TPM; update the TPM firmware from the PC maker; build row ${check.build}: ${check.source})`,
  };
}

/** "Securing your hardware": undefined when the TPM attested, else the screen's failure code and why. */
export function tpmAttestation(state: WindowsState): { hresult: number; why: string } | undefined {
  const t = state.tpm;
  if (t.version !== "2.0" || t.kind === "virtual") {
    return { hresult: 0x800705b4, why: `TPM ${t.version}${t.kind === "virtual" ? " (virtual, no manufacturer EK certificate)" : ""} cannot attest; the attestation times out` };
  }
  switch (t.attestation) {
    case "succeeds":
      return undefined;
    case "times-out":
      return { hresult: 0x800705b4, why: "the attestation service did not answer in time (state tpm.attestation: times-out)" };
    case "retries-exceeded":
      return { hresult: 0x81039001, why: "E_AUTOPILOT_CLIENT_TPM_MAX_ATTESTATION_RETRY_EXCEEDED (state tpm.attestation: retries-exceeded)" };
    case "firmware-rejected":
      return { hresult: 0x801c0003, why: "AuthorizationError: the attestation statement cannot be verified, TPM firmware needs an update (state tpm.attestation: firmware-rejected)" };
  }
}
