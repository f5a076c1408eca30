// SPDX-License-Identifier: MIT
/**
 * The settings a PC keeps from its MDM server between OMA-DM sessions: the Policy CSP values it accepted
 * (./Device|User/Vendor/MSFT/Policy/Config/…, Add/Replace answered 200). Windows writes an accepted policy to
 * the device's PolicyManager store, where it stays in force across reboots and check-ins until the server
 * Deletes it or the PC is reset (Policy CSP: "Add/Replace … Delete"; a reset removes settings, Autopilot Reset
 * "removes personal files, apps, and settings and reapplies a device's original settings", Microsoft Learn
 * "Windows Autopilot Reset"). The runner carries the store in the device's enrolled state; each session seeds
 * the CSP tree from it, so a Get returns a value set at an earlier session and a local action can read it.
 *
 * Read by local actions the policy gates: Windows Autopilot Reset from the lock screen (CTRL + Windows key + R)
 * needs ./Device/Vendor/MSFT/Policy/Config/CredentialProviders/DisableAutomaticReDeploymentCredentials = 0 — "a
 * policy that enables or disables the visibility of the credentials for Autopilot Reset" (1, the default,
 * hides them) — and the Windows Recovery Environment (MicrosoftDocs/windows-itpro-docs
 * education/windows/autopilot-reset.md, "Enable Autopilot Reset"; windows-autopilot-reset.md "local reset").
 */
import type { AppliedSettings } from "../flow.js";
import type { DeviceIdentity } from "../identity.js";
import { canonicalUri, type CspTree } from "./csp.js";
import { winreEnabled } from "./recovery.js";

/**
 * What the PC keeps: the Policy CSP (device and user scope), and what each ClientCertificateInstall SCEP enrollment
 * recorded (SCEP/{UniqueID}/Status, ErrorCode, CertThumbprint, RespondentServerUrl: the CSP's result nodes, which a
 * server reads at later sessions; the enrollment itself runs after the session that Exec'd it, scep-csp.ts).
 */
const KEPT = /^\.\/(Device|User)\/Vendor\/MSFT\/(Policy\/Config\/|ClientCertificateInstall\/SCEP\/[^/]+\/(Status|ErrorCode|CertThumbprint|RespondentServerUrl)$)/;

/** The settings of a tree after a session: every writable Policy CSP node it holds (a Delete removed it). */
export function keptSettings(tree: CspTree): AppliedSettings {
  const out: AppliedSettings = {};
  for (const [uri, n] of tree.nodes) if (KEPT.test(uri) && !n.readOnly) out[uri] = n.format ? { value: n.value, format: n.format } : { value: n.value };
  return out;
}

/** Seeds a session's tree with the settings the PC kept. */
export function restoreSettings(tree: CspTree, kept: AppliedSettings | undefined): void {
  for (const [uri, n] of Object.entries(kept ?? {})) tree.nodes.set(canonicalUri(uri), { ...n });
}

/** The policy that shows the Autopilot Reset credential prompt at the lock screen (Policy CSP CredentialProviders). */
export const LOCAL_AUTOPILOT_RESET_POLICY = "./Device/Vendor/MSFT/Policy/Config/CredentialProviders/DisableAutomaticReDeploymentCredentials";

/** What a local Autopilot Reset needs from the PC: the policy in force, WinRE, and an administrator at the keyboard. */
export interface LocalResetCheck {
  /** The lock screen shows the Autopilot Reset credential prompt on CTRL + Windows key + R. */
  promptShown: boolean;
  /** Why no reset happens, as the PC shows it; undefined when it resets. */
  refusal?: string;
}

/**
 * A local Autopilot Reset at the lock screen. Microsoft publishes no message for a PC whose policy hides the
 * prompt: the keystroke opens nothing (the credentials are not visible). Without WinRE the reset "fails
 * immediately … ERROR_NOT_SUPPORTED (0x80070032)" (Autopilot Reset troubleshooting), as the remote one does.
 * `adminCredentials: false` models a user who cannot give an administrator account (assumption: the prompt
 * refuses a non-administrator; the wording is not published).
 */
export function localAutopilotReset(identity: DeviceIdentity, kept: AppliedSettings | undefined, adminCredentials = true): LocalResetCheck {
  const v = kept?.[LOCAL_AUTOPILOT_RESET_POLICY]?.value;
  if (v !== "0") {
    return {
      promptShown: false,
      refusal: `CTRL + Windows key + R at the lock screen shows nothing: the Autopilot Reset credentials are hidden (CredentialProviders/DisableAutomaticReDeploymentCredentials ${v === undefined ? "not set, default 1" : `= ${v}`}; the server must set it to 0)`,
    };
  }
  if (!adminCredentials) return { promptShown: true, refusal: "Autopilot Reset: the credentials given are not an administrator account of this PC (wording not published)" };
  if (!winreEnabled(identity)) return { promptShown: true, refusal: "Autopilot Reset: Error code: ERROR_NOT_SUPPORTED (0x80070032): the Windows Recovery Environment is not enabled" };
  return { promptShown: true };
}
