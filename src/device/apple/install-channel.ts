// SPDX-License-Identifier: MIT
/**
 * How a downloaded enrollment profile gets installed, as the user (or their script) does it, and the
 * releases that removed a way of doing it (the enrollment-method table, device/methods.ts):
 *
 * | channel (`options.apple.installVia`) | releases | what happens |
 * |---|---|---|
 * | the user, after the download (`system-settings`, default) | iOS/iPadOS: Settings › Profile Downloaded, deleted 8 minutes after the download (support.apple.com/102400); macOS: the Profiles pane (`macProfilesPane`), no published expiry | step `profile.user-install`; the timeline's `idle` there is the user's delay, `abandon` a user who never opens it: nothing installed |
 * | `profiles install -path` / `profiles -I -F` in a script (`profiles-cli`, macOS) | up to macOS 10.15; removed in macOS 11 | before 11: installed silently as root (step `profile.cli-install`: no consent, no password), not user-approved until the user approves it (VMware, "User Approved MDM in macOS High Sierra"); 11+: the gate ends the flow at `device.method` with the tool's text, nothing installed |
 *
 * Apple Configurator and MDM are not channels for a Mac's *enrollment* profile: Configurator installs
 * profiles on iPhone and iPad (flow ios-configurator), and MDM's InstallProfile needs an enrollment first.
 *
 * Profile-driven User Enrollment (an MDM payload with ManagedAppleID; com.apple.mdm.yaml: introduced iOS
 * 13.1 / macOS 10.15, removed iOS 18 / macOS 15) is a method the device meets in the profile's content: on a
 * release that removed it the profile is refused (`profileMethodRefusal`).
 */
import { asSimError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import type { AppleError } from "../../wire/apple/errors.js";
import type { ParsedProfile } from "../../wire/apple/profile.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { methodRow, methodVerdict, unsupportedResult, versionBelow } from "../methods.js";
import { fail, keychainOf } from "./enroll-common.js";
import { appleScreen } from "./shown.js";
import type { AppleDevice } from "./state.js";

/** iOS and iPadOS delete a downloaded profile not installed within 8 minutes (support.apple.com/102400). */
export const PROFILE_HOLD_MS = 8 * 60_000;

/**
 * Where the Mac keeps a downloaded profile, by release: System Preferences › Profiles before macOS 13 (Ventura renamed
 * the app), System Settings › Privacy & Security › Profiles on 13–14, System Settings › General › Device Management
 * from macOS 15 (JumpCloud, "End User Prompt: Approve your MDM Profile": "macOS 15 Sequoia and later - Go to General >
 * Device Management. macOS 14 Sonoma - Go to Privacy & Security > Profiles").
 */
export function macProfilesPane(version: string): string {
  if (versionBelow(version, "13.0")) return "System Preferences › Profiles";
  return versionBelow(version, "15.0") ? "System Settings › Privacy & Security › Profiles" : "System Settings › General › Device Management";
}

/**
 * The user opens the downloaded profile to install it (step `profile.user-install`). iOS/iPadOS: after more
 * than 8 minutes (scenario clock; the timeline's `idle` here) it is gone. macOS: a double-click or a download
 * only downloads it ("Profile Downloaded" in System Settings, The Robservatory 2026); a user who never opens it
 * there is the timeline's `abandon` at this step: it stays downloaded and nothing is installed.
 */
export async function userInstallsDownloadedProfile(ctx: FlowContext, dev: AppleDevice, downloadedAt: number): Promise<FlowResult | undefined> {
  if (dev.osName === "macOS") return macUserInstalls(ctx, dev);
  return step(
    ctx.protocol,
    "profile.user-install",
    async () => {
      const waited = ctx.protocol.clock.now() - downloadedAt;
      decoded(ctx.protocol, "profile.user-install", { waitedSeconds: Math.round(waited / 1000), heldFor: "8 min" });
      if (waited <= PROFILE_HOLD_MS) return undefined;
      const text = 'Settings no longer shows "Profile Downloaded": the profile was removed because it was not installed within 8 minutes of the download; download it again.';
      return fail(dev, "apple.profile.download-expired", "profile.user-install", `${text} (installed ${Math.round(waited / 60_000)} min after the download)`, { text, screen: "Settings" });
    },
    (r) => r !== undefined,
  );
}

async function macUserInstalls(ctx: FlowContext, dev: AppleDevice): Promise<FlowResult | undefined> {
  const pane = macProfilesPane(dev.osVersion);
  try {
    await step(ctx.protocol, "profile.user-install", async () => decoded(ctx.protocol, "profile.user-install", { channel: "system-settings", downloadedTo: `${pane} (Profile Downloaded)`, heldFor: "no published limit on macOS" }));
    return undefined;
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(ctx.protocol, "profile.user-install", { installed: false, note: "the user never opened the downloaded profile: it stays downloaded" });
    const text = `Profile Downloaded: the enrollment profile waits in ${pane} and is not installed until the user opens it there and clicks Install`;
    return fail(dev, "apple.profile.not-installed", "profile.user-install", `${text}; the Mac is not enrolled`, { text, screen: pane });
  }
}

/**
 * `profiles install -path` run by a script as root on a release that still has it (macOS 10.15 and
 * earlier; the gate refuses 11+): no consent dialog and no password prompt, and the enrollment is not
 * user-approved until the user approves it in the Profiles pane (scripted installs are not user-approved:
 * VMware, "User Approved MDM in macOS High Sierra", 2018).
 */
export async function cliInstalls(ctx: FlowContext, dev: AppleDevice): Promise<void> {
  await step(ctx.protocol, "profile.cli-install", async () => decoded(ctx.protocol, "profile.cli-install", { command: "sudo profiles install -path <profile>.mobileconfig", runsAs: "root", consent: "none", userApproved: false }));
  dev.userApproved = false;
}

/** The row of profile-driven User Enrollment (device/methods.ts). */
const PROFILE_UE = "apple.user-enrollment.profile";

/**
 * A method the profile itself selects: an MDM payload with ManagedAppleID is profile-driven User Enrollment.
 * On a release that has it the device enrolls as a User Enrollment: an EnrollmentID (per enrollment, from the
 * device's entropy) in place of UDID, serial and the other hardware ids in everything it sends and in the
 * profile's variables (authenticate.yaml: EnrollmentID "required if the enrollment type is user enrollment").
 * On a release that removed it the device refuses the profile (the error's texts are the method table's; Apple
 * publishes no on-screen text, so the Shown carries the condition as unknown). Below its first release the key
 * is ignored by the schema check (profile-schema.ts) and the profile installs as an ordinary enrollment.
 * Not modelled: the Managed Apple Account sign-in the device asks for after the install (Apple's service).
 */
export function profileMethodRefusal(dev: AppleDevice, parsed: ParsedProfile): AppleError | undefined {
  const mdm = parsed.profile.payloads.find((p) => p.kind === "mdm");
  if (!mdm || typeof mdm.raw.ManagedAppleID !== "string") return undefined;
  const v = methodVerdict(dev.ctx.identity, methodRow(PROFILE_UE));
  const userEnrollment = v?.supported === true;
  if (userEnrollment) {
    dev.userEnrollment = true;
    dev.enrollmentId = dev.ctx.protocol.entropy
      .fork("apple.enrollment-id")
      .bytes(20)
      .reduce((s, b) => s + b.toString(16).padStart(2, "0"), "")
      .toUpperCase();
  }
  decoded(dev.ctx.protocol, "profile.install", {
    method: PROFILE_UE,
    release: v?.release ?? null,
    supported: userEnrollment,
    ...(v?.removedIn !== undefined ? { removedIn: v.removedIn } : {}),
    ...(userEnrollment ? { managedAppleId: mdm.raw.ManagedAppleID, enrollmentId: dev.enrollmentId } : {}),
  });
  if (!v || v.supported || v.removedIn === undefined) return undefined;
  const r = unsupportedResult(v, dev.ctx.identity.platform, "profile.install");
  return {
    symptom: r.code,
    chain: [{ ErrorCode: 0, ErrorDomain: "enrollsim.method", LocalizedDescription: r.message! }],
    unpublished: { raw: r.shown!.unknown?.raw ?? r.message! },
  };
}

/** The Shown of a method refusal met while installing (the method table's, for this platform and release). */
export function profileMethodResult(dev: AppleDevice, e: AppleError): FlowResult | undefined {
  const row = methodRow(PROFILE_UE);
  if (e.symptom !== row.afterRemoval?.code) return undefined;
  const v = methodVerdict(dev.ctx.identity, row)!;
  const r = unsupportedResult(v, dev.ctx.identity.platform, "profile.install");
  // The screen of a refused install on this platform (appleScreen: the Mac's Profiles pane).
  return { ...r, shown: { ...r.shown!, screen: appleScreen("profile.install", dev.osName === "macOS" ? "macos-profile" : "ios-profile") }, keychain: keychainOf(dev) };
}
