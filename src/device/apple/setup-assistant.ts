// SPDX-License-Identifier: MIT
/**
 * The Setup Assistant panes an ADE device shows after Remote Management, and the USB host
 * connection (Finder / Apple Configurator) after enrolling — two pieces of device behaviour
 * behind field failures:
 *
 * - ios-passcode-pane-14-5 (`options.apple.ade.setupPanes`; off by default, when the flow ends at
 *   the enrollment): panes not hidden by the cloud configuration's `skip_setup_items`
 *   (keys from Apple's `other/skipkeys.yaml`) are shown in order. On iOS/iPadOS 14.5 and later
 *   the Passcode and Biometric (Touch ID / Face ID) panes do not work after an Automated Device
 *   Enrollment: the device stops at the first such pane (`apple.ade.setup-pane-failed`). Hiding
 *   them (skip keys `Passcode`, `Biometric`) avoids it; before 14.5 they work.
 * - ios-sync-deny-all: "Sync with computers: Deny all" arrives as `allowHostPairing` false in a
 *   `com.apple.applicationaccess` payload. Apple's schema marks the key supervised-only, so on a
 *   supervised device the USB port then pairs with no host (charge-only) and Finder or
 *   Configurator cannot talk to the device (`apple.host.pairing-denied`); unsupervised devices
 *   ignore the restriction.
 */
import { decoded } from "../../protocol/common/context.js";
import type { FlowResult } from "../flow.js";
import { compareVersions } from "../../wire/version.js";
import { fail } from "./enroll.js";
import type { AdeCloudConfig, AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";

interface Pane {
  /** skip_setup_items key. */
  key: string;
  title: string;
  os: ("iOS" | "macOS")[];
  /** From this OS version the pane does not work after an ADE enrollment. */
  brokenAfterAdeFrom?: { iOS: string };
}

/** Panes after Remote Management, in the order Setup Assistant shows them (a subset of skipkeys.yaml). */
export const PANES_AFTER_ENROLLMENT: readonly Pane[] = [
  { key: "Passcode", title: "Create a Passcode", os: ["iOS"], brokenAfterAdeFrom: { iOS: "14.5" } },
  { key: "Biometric", title: "Touch ID / Face ID", os: ["iOS", "macOS"], brokenAfterAdeFrom: { iOS: "14.5" } },
  { key: "AppleID", title: "Apple Account", os: ["iOS", "macOS"] },
  { key: "Payment", title: "Apple Pay", os: ["iOS", "macOS"] },
  { key: "Siri", title: "Siri", os: ["iOS", "macOS"] },
  { key: "ScreenTime", title: "Screen Time", os: ["iOS", "macOS"] },
  { key: "Privacy", title: "Data & Privacy", os: ["iOS", "macOS"] },
  { key: "Appearance", title: "Appearance", os: ["iOS", "macOS"] },
];

/** Runs the panes left visible; a pane that does not work stops Setup Assistant there. */
export function runSetupPanes(dev: AppleDevice, cc: AdeCloudConfig): FlowResult | undefined {
  const skipped = new Set(cc.skip_setup_items ?? []);
  const shown = PANES_AFTER_ENROLLMENT.filter((p) => p.os.includes(dev.osName) && !skipped.has(p.key));
  const ctx = dev.ctx.protocol;
  for (const p of shown) {
    const from = dev.osName === "iOS" ? p.brokenAfterAdeFrom?.iOS : undefined;
    const works = !from || compareVersions(dev.osVersion, from) < 0;
    decoded(ctx, "ade.setup-pane", { pane: p.key, title: p.title, works });
    if (!works) {
      return fail(
        dev,
        "apple.ade.setup-pane-failed",
        "ade.setup-pane",
        `Setup Assistant cannot complete the "${p.title}" pane (${p.key}) on iOS ${dev.osVersion}: the Passcode and Touch ID/Face ID panes do not work after Automated Device Enrollment on iOS 14.5 and later; hide them with skip_setup_items "Passcode" and "Biometric"`,
      );
    }
  }
  decoded(ctx, "ade.setup-assistant", { completed: true, panes: shown.map((p) => p.key), skipped: [...skipped] });
  return undefined;
}

/** allowHostPairing false in an installed com.apple.applicationaccess payload, and whether it is enforced. */
export function hostPairingRestriction(dev: AppleDevice): { restricted: boolean; enforced: boolean } {
  let restricted = false;
  for (const installed of dev.store.profiles.values()) {
    for (const p of installed.profile.payloads) {
      if (p.type === "com.apple.applicationaccess" && p.raw.allowHostPairing === false) restricted = true;
    }
  }
  // skipkeys/restrictions schema: allowHostPairing is supervised-only (iOS 7+).
  return { restricted, enforced: restricted && dev.supervised && dev.osName === "iOS" };
}

/** The device is connected by USB to a Mac running `host`; undefined when they can talk. */
export function connectToHost(dev: AppleDevice, host: "configurator" | "finder"): FlowResult | undefined {
  const r = hostPairingRestriction(dev);
  const name = host === "configurator" ? "Apple Configurator" : "Finder";
  decoded(dev.ctx.protocol, "host.pair", { host: name, allowHostPairing: !r.restricted, supervised: dev.supervised, enforced: r.enforced });
  if (!r.enforced) return undefined;
  return fail(
    dev,
    "apple.host.pairing-denied",
    "host.pair",
    `The USB port is charge-only: ${name} cannot talk to the device (restriction allowHostPairing false, "Sync with computers: Deny all", on a supervised device)`,
  );
}

/** After a successful enrollment: the remaining Setup Assistant panes (ADE), then the USB host connection. */
export function afterEnroll(dev: AppleDevice, o: AppleOptions, result: FlowResult, cc?: AdeCloudConfig): FlowResult {
  if (!result.ok || dev.erased || dev.unenrolled) return result;
  if (cc && o.ade?.setupPanes) {
    const stuck = runSetupPanes(dev, cc);
    if (stuck) return stuck;
  }
  if (o.connectToHost) {
    const refused = connectToHost(dev, o.connectToHost);
    if (refused) return { ...refused, keychain: result.keychain };
  }
  return result;
}
