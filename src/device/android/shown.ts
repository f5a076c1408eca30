// SPDX-License-Identifier: MIT
/**
 * What an Android device shows for a failure: the ManagedProvisioning error constant of the task
 * that failed (wire/android/provisioning-errors.ts), the setup wizard's own text (WIZARD_TEXT) and,
 * for a failed DPC download, DownloadManager's COLUMN_REASON. A transport failure while the DPC
 * downloads is DownloadPackageTask.ERROR_DOWNLOAD_FAILED whatever its cause; one while the DPC
 * talks to its server (ADMIN_POLICY_COMPLIANCE) ends the wizard with "Can't set up device" and no
 * constant of its own.
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import { STEP_DOWNLOAD } from "../../protocol/android/download.js";
import { INTERRUPTED_TEXT } from "../../protocol/android/setup-wizard.js";
import { WIZARD_TEXT, ProvisioningPayloadError } from "../../wire/android/errors.js";
import { GOOGLE_RPC_STATUS, PROVISIONING_ERRORS, reasonName, type ProvisioningErrorConstant } from "../../wire/android/provisioning-errors.js";
import { preconditionName } from "../../wire/android/preconditions.js";
import { dialogText } from "../../wire/android/managed-provisioning-text.js";
import type { SetupTextCatalog, SetupTextKey } from "./setup-texts.js";
import type { WizardStop } from "../../protocol/android/precheck.js";
import type { FlowResult } from "../flow.js";
import { hostOf, transportCase, type Shown, type ShownInput } from "../shown.js";
import { chromiumPageShown } from "../web-page-shown.js";
import { SIGNIN_TAB_STEP } from "./signin-step.js";
import { AWAITING_TOKEN_CODE } from "../../protocol/android/dialects/amapi.js";

const WIZARD = "setup wizard (ManagedProvisioning)";

const constant = (k: ProvisioningErrorConstant, text: string, cause?: Shown["cause"]): Shown => ({
  code: k.name,
  name: `${k.task}.${k.name} (${k.value})`,
  text,
  screen: WIZARD,
  ...(cause ? { cause } : {}),
});

/** The device's release and the table its setup wizard's texts come from (devices/android-setup-texts/). */
export interface AndroidRelease {
  apiLevel: number;
  manufacturer?: string;
  texts?: SetupTextCatalog;
}

/**
 * A provisioning task's error dialog as the device's release words it (ManagedProvisioning's getErrorTitle /
 * getErrorMsgId, per release: device/android/setup-texts.ts). A release no row was checked at shows the nearest checked
 * one's text and the screen says which; without a table (a library caller's own Catalog) the built-in wording, said so.
 */
function taskShown(k: ProvisioningErrorConstant, key: SetupTextKey, builtIn: string, release: AndroidRelease | undefined, cause?: Shown["cause"]): Shown {
  const picked = release?.texts?.pick(key, release.apiLevel, release.manufacturer);
  if (!picked) return { ...constant(k, builtIn, cause), screen: `${WIZARD}, built-in wording (no setup text table loaded)` };
  const as = picked.note ?? `as on ${picked.row.release}, API ${release!.apiLevel}`;
  // Before Android 8.0 the checksum was DownloadPackageTask's and a missing receiver InstallPackageTask's: the row says so.
  const own = picked.constant ? { ...k, ...picked.constant } : k;
  return { ...constant(own, dialogText({ title: picked.title, message: picked.text, confirm: "", wipes: false }), cause), screen: `${WIZARD}, error dialog ${as}` };
}

/** DownloadManager COLUMN_REASON for a download that failed this way, where it has one. */
function downloadCause(reason: string | undefined, status: number | undefined): Shown["cause"] | undefined {
  // DownloadProvider refused the http:// hop itself (wire/android/cleartext.ts): STATUS_BAD_REQUEST, no server answered.
  if (reason === "cleartext-not-permitted") return { code: String(status ?? 400), name: "COLUMN_REASON (DownloadProvider STATUS_BAD_REQUEST: cleartext traffic not permitted)" };
  if (status !== undefined) return { code: String(status), name: "COLUMN_REASON (HTTP status)" };
  const n = reason === "reset.mid-body" || reason === "truncated" ? 1004 : reason === "redirect.loop" || reason === "too-many-redirects" ? 1005 : undefined;
  return n === undefined ? undefined : { code: String(n), name: reasonName(n) };
}

/**
 * The exception a TLS failure raises in the download's HttpURLConnection (javax.net.ssl, Conscrypt's
 * TrustManagerImpl): DownloadManager records only ERROR_DOWNLOAD_FAILED, logcat has this. A chain the
 * device's own rules refused (device/trust.ts) carries Conscrypt's text in its message.
 */
function tlsCause(c: string, message: string): Shown["cause"] | undefined {
  const java: Record<string, string> = {
    "tls.untrusted": "java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.",
    "tls.expired": "java.security.cert.CertificateExpiredException",
    "tls.not-yet-valid": "java.security.cert.CertificateNotYetValidException",
    "tls.wrong-host": "javax.net.ssl.SSLPeerUnverifiedException: Hostname not verified",
  };
  const own = /(java\.security\.cert\.[A-Za-z]+Exception: [^()]*[^()\s])/.exec(message)?.[1];
  const name = own ?? java[c];
  return name ? { code: "javax.net.ssl.SSLHandshakeException", name } : undefined;
}

/** Steps where the DPC talks to its server during provisioning (ADMIN_POLICY_COMPLIANCE; before Android 10 dpc-setup). */
const isDpcServerStep = (step: string | undefined): boolean =>
  step !== undefined && (step.startsWith("android.amapi.") || step.startsWith("android.headwind.") || step.startsWith("android.provision.compliance") || step.startsWith("android.provision.dpc-setup"));

/** A thrown failure; undefined when the device shows nothing of its own (scenario, internal). */
export function androidShownForError(input: ShownInput): Shown | undefined {
  const e = input.error;
  const step = input.step ?? e.step;
  if (e instanceof ProvisioningPayloadError) return { text: e.wizardText, screen: WIZARD };
  // An answer the DPC cannot read (bytes before its JSON, a cut or garbled body) fails ADMIN_POLICY_COMPLIANCE like a
  // transport failure does: the wizard ends with "Can't set up device". The DPC's own parser message is not shown.
  if (e instanceof ProtocolViolationError && isDpcServerStep(step)) return { text: WIZARD_TEXT.cantSetUp, screen: `${WIZARD}, after the DPC's ADMIN_POLICY_COMPLIANCE failed` };
  if (!(e instanceof TransportError)) return undefined;
  const c = transportCase(e);
  if (!c) return undefined;
  // The enrollment app's sign-in is a Chrome custom tab: a page that cannot be loaded is Chrome's own error page (or its
  // certificate interstitial). Nothing of the wizard's follows: the tab stays on that page (Reload) and setup goes no
  // further; what the DPC does when the user closes the tab is the DPC's own and not published.
  if (step === SIGNIN_TAB_STEP) return chromiumPageShown(e, c, hostOf(e), `${WIZARD} › enrollment app's sign-in (Chrome custom tab): Chrome's error page, where the user stays`);
  if (step === STEP_DOWNLOAD) return constant(PROVISIONING_ERRORS.downloadFailed, WIZARD_TEXT.cantSetUp, c.startsWith("tls") ? tlsCause(c, e.message) : downloadCause(c, e.kind === "http-status" ? e.status : undefined));
  if (isDpcServerStep(step))
    return { text: WIZARD_TEXT.cantSetUp, screen: `${WIZARD}, after the DPC's ADMIN_POLICY_COMPLIANCE failed` };
  return undefined;
}

/** A provisioning outcome (android.provision.*) with the constant of the task that failed. */
export function androidShownForOutcome(
  out: Pick<FlowResult, "ok" | "code" | "message"> & { download?: { reason: string; status?: number }; serverError?: { status?: string; reason?: string; message?: string }; stop?: WizardStop },
  release?: AndroidRelease,
): Shown | undefined {
  if (out.ok) return undefined;
  if (out.stop) return stopShown(out.stop);
  if (out.serverError) {
    // The DPC's server refused it (ADMIN_POLICY_COMPLIANCE fails; the wizard ends with "Can't set up device").
    // The server's own message is not on the wizard's screen: it is reported as what the server said (Shown.serverSaid).
    const { status, reason, message } = out.serverError;
    const screen = `${WIZARD}, after the DPC's ADMIN_POLICY_COMPLIANCE failed`;
    const said = message ? { serverSaid: message } : {};
    if (status && GOOGLE_RPC_STATUS.has(status)) return { code: status, ...(reason ? { name: reason } : {}), text: WIZARD_TEXT.cantSetUp, screen, ...said };
    return { code: status ?? reason ?? "(no status)", text: WIZARD_TEXT.cantSetUp, screen, unknown: { raw: status ?? reason ?? "" }, ...said };
  }
  switch (out.code) {
    case "android.provision.download-failed": {
      const reason = out.download?.reason;
      const cause = reason?.startsWith("tls") ? tlsCause(reason, out.message ?? "") : downloadCause(reason, out.download?.status);
      return taskShown(PROVISIONING_ERRORS.downloadFailed, "downloadFailed", WIZARD_TEXT.cantSetUp, release, cause);
    }
    case "android.provision.hash-mismatch":
      return taskShown(PROVISIONING_ERRORS.hashMismatch, "hashMismatch", WIZARD_TEXT.cantSetUp, release);
    case "android.provision.admin-missing":
      return taskShown(PROVISIONING_ERRORS.adminMissing, "packageInvalid", WIZARD_TEXT.adminMissing, release);
    case "android.provision.install-blocked":
      return taskShown(PROVISIONING_ERRORS.installationFailed, "installationFailed", WIZARD_TEXT.cantSetUp, release);
    case "android.provision.interrupted":
      // The wizard does not come back after the restart: the device boots to its home screen, owned by the DPC, unconfigured.
      return { text: INTERRUPTED_TEXT, screen: "home screen after the restart (device owner set, ADMIN_POLICY_COMPLIANCE never ran)" };
    case AWAITING_TOKEN_CODE:
      // No error dialog: Android Device Policy's own screen asks for a QR code or the code (token-sources.ts); its wording is not published.
      return {
        text: "(not published: Android Device Policy asks to scan a QR code or enter the enrollment code; no error dialog)",
        screen: "Android Device Policy's own scan-QR / enter-code screen, after it updated itself (android/enterprise-samples#32)",
        unknown: { raw: "provisioning gave Android Device Policy no enrollment token and the user entered none", of: "condition" },
      };
    case "android.provision.invalid-mode":
      return { text: WIZARD_TEXT.invalidMode, screen: WIZARD };
    case "android.provision.precondition": {
      const m = /CODE_[A-Z_]+ \((\d+)\)/.exec(out.message ?? "");
      const name = m ? preconditionName(Number(m[1]), 34) : undefined;
      return { ...(name ? { code: name, name: `DevicePolicyManager.${name} (${m![1]})` } : {}), text: WIZARD_TEXT.cantSetUp, screen: WIZARD };
    }
    default:
      return out.message?.startsWith(WIZARD_TEXT.cantSetUp) ? { text: WIZARD_TEXT.cantSetUp, screen: WIZARD } : undefined;
  }
}

/**
 * A refused precondition (the DevicePolicyManager code, logged by ManagedProvisioning, and its dialog) or the
 * user's confirmed cancel dialog (no code: the device shows none); the button the user tapped is in the screen.
 */
function stopShown(stop: WizardStop): Shown {
  const d = stop.dialog;
  const screen = `${WIZARD}, dialog [${[d.dismiss, d.confirm].filter(Boolean).join(" | ")}] → ${d.confirm}${d.wipes ? " (the device erases itself)" : ""}${d.wording ? `, ${d.wording}` : ""}`;
  const p = stop.precondition;
  return { ...(p ? { code: p.name, name: `DevicePolicyManager.${p.name} (${p.value})` } : {}), text: dialogText(d), screen };
}
