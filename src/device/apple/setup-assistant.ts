// SPDX-License-Identifier: MIT
/**
 * The Setup Assistant panes an ADE device shows after Remote Management, and the USB host
 * connection (Finder / Apple Configurator) after enrolling — two pieces of device behaviour
 * behind field failures:
 *
 * - ios-passcode-pane-14-5 (device state `setupAssistant`, panes.ts; without it the flow ends at the
 *   enrollment): panes not hidden by the cloud configuration's `skip_setup_items` are shown in
 *   order and the user completes, cancels or idles at each as the state says. On iOS/iPadOS 14.5
 *   and later the Passcode and Biometric (Touch ID / Face ID) panes do not work after an Automated
 *   Device Enrollment: the device stops at the first such pane (`apple.ade.setup-pane-failed`)
 *   whatever the user taps. Hiding them (skip keys `Passcode`, `Biometric`) avoids it; before 14.5
 *   they work. Quick Start comes before Remote Management (`quickStartPane`).
 * - USB host pairing once enrolled (the timeline's `connectHost`; host-pairing.ts: allowHostPairing,
 *   supervised-only, with the supervision host's exception).
 */
import { enrolledMdm } from "./prior-mdm.js";
import { decoded, step } from "../../protocol/common/context.js";
import { ADE_RENEWAL_DISK_KEY, type FlowResult } from "../flow.js";
import { compareVersions } from "../../wire/version.js";
import { fail } from "./enroll.js";
import { pairWithConnectedHosts } from "./host-pairing.js";
import type { AdeCloudConfig, AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";
import type { DeviceState } from "../state.js";
import { DEVICE_TO_DEVICE, NETWORK_PANE, PANES_AFTER_ENROLLMENT, QUICK_START, type PaneAction } from "./panes.js";

type SetupState = NonNullable<DeviceState["setupAssistant"]>;

const actionAt = (st: SetupState, key: string): PaneAction => st.panes?.[key] ?? st.others ?? "completes";

/** The user left the device at a pane: Setup Assistant is not finished; whatever was enrolled stays enrolled. */
function idleAt(dev: AppleDevice, pane: { key: string; title: string }, enrolled: boolean): FlowResult {
  return fail(
    dev,
    "apple.setup.idle-at-pane",
    "ade.setup-pane",
    `the user left the device at the "${pane.title}" pane (${pane.key}): Setup Assistant is not finished; ${enrolled ? "the MDM enrollment is done and kept" : "nothing has reached the MDM server (Remote Management comes later)"}`,
  );
}

/**
 * Quick Start, before Wi-Fi, activation and Remote Management (iPhone/iPad; a Mac has none). Returns
 * a result when the user stays there; else whether Quick Start brought the Apple Account over.
 */
export function quickStartPane(dev: AppleDevice): FlowResult | { quickStart: boolean } {
  const st = dev.ctx.identity.state?.setupAssistant;
  if (!st?.quickStart) return { quickStart: false };
  const ctx = dev.ctx.protocol;
  if (dev.osName !== "iOS") {
    decoded(ctx, "ade.setup-pane", { pane: QUICK_START.key, shown: false, reason: "a Mac has no Quick Start" });
    return { quickStart: false };
  }
  decoded(ctx, "ade.setup-pane", { pane: QUICK_START.key, title: QUICK_START.title, action: st.quickStart });
  if (st.quickStart === "idles") return idleAt(dev, QUICK_START, false);
  return { quickStart: st.quickStart === "completes" };
}

/** The `disk` key of a Mac whose Setup Assistant finished without enrolling (set up offline, or not assigned): its OS runs, unmanaged. */
export const SETUP_FINISHED_DISK = "apple.setup.finished";

/** `profiles renew -type enrollment` from macOS 10.13 (assumption: the `-type enrollment` verbs are published as 10.13+ for status/show; scenarios/README.md renewEnrollment). */
const RENEW_FROM = "10.13";

/**
 * An enrolment asked for again from the running macOS (timeline `renewEnrollment`, flow.ts ADE_RENEWAL_DISK_KEY):
 * `sudo profiles renew -type enrollment` or the Device Enrollment notification. false: this run is not one (Setup
 * Assistant runs); true: the Mac goes on to ask for its cloud configuration, no pane shown; a result: it cannot (an
 * iPhone/iPad has no such command, a Mac still in Setup Assistant has no running OS, a Mac before 10.13 lacks it).
 * Step `ade.renew`: a timeline `abandon` there is the user who never acts on the notification.
 */
export async function adeRenewal(dev: AppleDevice): Promise<FlowResult | boolean> {
  const disk = dev.ctx.disk;
  if (disk?.get(ADE_RENEWAL_DISK_KEY) !== true) return false;
  disk.delete(ADE_RENEWAL_DISK_KEY);
  // A Mac still enrolled in another MDM (state.mdmEnrollments) was set up too.
  const setUp = disk.get(SETUP_FINISHED_DISK) === true || dev.ctx.identity.state?.activated === true || enrolledMdm(dev.ctx.identity.state) !== undefined;
  return step(dev.ctx.protocol, "ade.renew", async () => {
    const cannot = (why: string) => fail(dev, "apple.ade.renew-unavailable", "ade.renew", why);
    if (dev.osName !== "macOS") return cannot(`an ${dev.ctx.identity.modelIdentifier} has no command to enroll through ADE from the running OS: only Setup Assistant asks for the cloud configuration (erase it to enroll)`);
    if (!setUp) return cannot("the Mac is still in Setup Assistant: there is no running macOS to run profiles renew -type enrollment from");
    if (compareVersions(dev.osVersion, RENEW_FROM) < 0) return cannot(`macOS ${dev.osVersion} has no profiles renew -type enrollment (macOS ${RENEW_FROM} and later)`);
    decoded(dev.ctx.protocol, "ade.renew", { command: "sudo profiles renew -type enrollment", notification: "Device Enrollment", from: `macOS ${dev.osVersion}, set up`, setupAssistant: "over: no pane shown" });
    return true;
  }, (r) => r !== true);
}

/**
 * The network pane (panes.ts NETWORK_PANE), after Quick Start and before activation: the user's choice
 * `setupAssistant.network` with the release's rule. Returns a result when Setup Assistant does not reach Remote
 * Management (stays at the pane, or a Mac before macOS 13 set up offline); undefined when it goes on online.
 * It is the step `ade.setup-network`, so a timeline `idle`/`abandon`/`offline` with that step stops the user there.
 */
export function networkPane(dev: AppleDevice, quickStart: boolean): Promise<FlowResult | undefined> {
  return step(dev.ctx.protocol, "ade.setup-network", async () => networkChoice(dev, quickStart), (r) => r !== undefined && !r.ok);
}

function networkChoice(dev: AppleDevice, quickStart: boolean): FlowResult | undefined {
  const st = dev.ctx.identity.state?.setupAssistant;
  const ctx = dev.ctx.protocol;
  const title = NETWORK_PANE.title[dev.osName];
  if (quickStart) {
    decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, shown: false, reason: "Quick Start brought the Wi-Fi network over" });
    return undefined;
  }
  const action: PaneAction = st?.network ?? "completes";
  if (action === "completes") {
    decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, action, network: "joined" });
    return undefined;
  }
  const pane = { key: NETWORK_PANE.key, title };
  if (action === "idles") {
    decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, action });
    return idleAt(dev, pane, false);
  }
  // cancels: the user goes on without a network, where the release lets them.
  if (dev.osName === "iOS") {
    if (dev.ctx.identity.imei) {
      decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, action, network: "cellular data", note: "no Wi-Fi joined: the iPhone activates over its cellular connection" });
      return undefined;
    }
    decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, action, offered: false, note: "activation needs a network and this device has no cellular modem" });
    return fail(
      dev,
      "apple.setup.network-required",
      "ade.setup-network",
      `the user joined no Wi-Fi network at "${title}": this ${dev.ctx.identity.modelIdentifier} has no cellular connection and activation needs a network, so Setup Assistant stays at the pane; nothing has reached the MDM server`,
    );
  }
  if (compareVersions(dev.osVersion, NETWORK_PANE.macosMustConnectFrom) >= 0) {
    decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, action, offered: false, note: `macOS ${dev.osVersion}: a Mac registered to an organization must connect to a network during Setup Assistant (macOS 13 and later)` });
    return fail(
      dev,
      "apple.setup.network-required",
      "ade.setup-network",
      `the user tried to set up without a network at "${title}": on macOS 13 and later a Mac registered to an organization must connect to a network during Setup Assistant, so it stays at the pane; nothing has reached the MDM server`,
    );
  }
  decoded(ctx, "ade.setup-network", { pane: NETWORK_PANE.key, title, action, offered: true, answer: "My computer does not connect to the Internet", next: "no cloud configuration asked for: no Remote Management pane" });
  dev.ctx.disk?.set(SETUP_FINISHED_DISK, true);
  return fail(
    dev,
    "apple.ade.skipped-offline",
    "ade.setup-network",
    `the Mac was set up without a network connection (macOS ${dev.osVersion}, before 13): Setup Assistant never asked Apple for the cloud configuration, showed no Remote Management pane and finished unmanaged; nothing reached the MDM server. It enrolls later with sudo profiles renew -type enrollment or the Device Enrollment notification once online`,
  );
}

/** Runs the panes left visible as the user's state says; a pane that does not work stops Setup Assistant there. */
export function runSetupPanes(dev: AppleDevice, cc: AdeCloudConfig, st: SetupState, quickStart: boolean): FlowResult | undefined {
  const skipped = new Set(cc.skip_setup_items ?? []);
  const exists = (min?: string) => min !== undefined && compareVersions(dev.osVersion, min) >= 0;
  const panes: { key: string; title: string; brokenFrom?: string; done?: boolean }[] = [];
  // Transfer Your Data follows Quick Start; never shown on ADE devices from iOS 13.
  const d2d = DEVICE_TO_DEVICE;
  if (quickStart && exists(d2d.from) && !exists(d2d.hiddenOnAdeFrom) && !skipped.has(d2d.key)) panes.push({ key: d2d.key, title: d2d.title });
  for (const p of PANES_AFTER_ENROLLMENT) {
    if (!exists(p.os[dev.osName]) || skipped.has(p.key)) continue;
    panes.push({ key: p.key, title: p.title, brokenFrom: dev.osName === "iOS" ? p.brokenAfterAdeFrom?.iOS : undefined, done: quickStart && p.doneByQuickStart });
  }
  const ctx = dev.ctx.protocol;
  const shown: string[] = [];
  for (const p of panes) {
    if (p.done) {
      decoded(ctx, "ade.setup-pane", { pane: p.key, title: p.title, shown: false, reason: "done by Quick Start" });
      continue;
    }
    const action = actionAt(st, p.key);
    const works = !p.brokenFrom || compareVersions(dev.osVersion, p.brokenFrom) < 0;
    decoded(ctx, "ade.setup-pane", { pane: p.key, title: p.title, action, works });
    shown.push(p.key);
    if (action === "idles") return idleAt(dev, p, true);
    if (!works) {
      return fail(
        dev,
        "apple.ade.setup-pane-failed",
        "ade.setup-pane",
        `Setup Assistant cannot complete the "${p.title}" pane (${p.key}) on iOS ${dev.osVersion}: the Passcode and Touch ID/Face ID panes do not work after Automated Device Enrollment on iOS 14.5 and later; hide them with skip_setup_items "Passcode" and "Biometric"`,
      );
    }
  }
  decoded(ctx, "ade.setup-assistant", { completed: true, panes: shown, skipped: [...skipped] });
  return undefined;
}

/** After a successful enrollment: the remaining Setup Assistant panes (ADE), then the USB host connections (host-pairing.ts). */
export function afterEnroll(dev: AppleDevice, o: AppleOptions, result: FlowResult, cc?: AdeCloudConfig, quickStart = false, setupOver = false): FlowResult {
  if (!result.ok || dev.erased || dev.unenrolled) return result;
  const st = dev.ctx.identity.state?.setupAssistant;
  if (cc && dev.sharedIPad) {
    // Shared iPad skips every Setup Assistant pane after activation, whatever the settings (server-policies.md §7.6).
    decoded(dev.ctx.protocol, "ade.setup-assistant", { completed: true, panes: [], sharedIPad: "every pane after activation skipped" });
  } else if (cc && st && !setupOver) {
    const stuck = runSetupPanes(dev, cc, st, quickStart);
    if (stuck) return { ...stuck, keychain: result.keychain };
  }
  // The computers the user connected it to (timeline connectHost); ADE's supervision hosts are the cloud configuration's supervising_host_certs.
  return pairWithConnectedHosts(dev, result, (cc?.supervising_host_certs?.length ?? 0) > 0);
}
