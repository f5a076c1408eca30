// SPDX-License-Identifier: MIT
/**
 * Setup Assistant panes as data: which panes an iPhone, iPad or Mac shows after Remote Management
 * (keys and minimum OS from Apple's `other/skipkeys.yaml`, order as Setup Assistant shows them), and
 * what a user can do at a pane. The device state `setupAssistant` (src/device/state.ts) says what the
 * user does at each pane; the cloud configuration's `skip_setup_items` decides which panes appear
 * (setup-assistant.ts walks them). Pure data, no flow code, so the state vocabulary can list the keys.
 */

/** What the user does at a pane: goes through it, backs out of it ("Set Up Later", "Not Now", "Set Up Manually"), or leaves the device there. */
export const PANE_ACTIONS = ["completes", "cancels", "idles"] as const;
export type PaneAction = (typeof PANE_ACTIONS)[number];

export interface Pane {
  /** skip_setup_items key (skipkeys.yaml). */
  key: string;
  title: string;
  /** Minimum OS release where the pane exists (skipkeys.yaml `supportedOS`). */
  os: { iOS?: string; macOS?: string };
  /** From this OS release the pane does not work after an ADE enrollment (Intune docs: Automated Device Enrollment, iOS 14.5+). */
  brokenAfterAdeFrom?: { iOS: string };
  /** The pane needs no user (Quick Start already did it): shown as done. */
  doneByQuickStart?: boolean;
}

/** Panes after Remote Management, in the order Setup Assistant shows them (a subset of skipkeys.yaml). */
export const PANES_AFTER_ENROLLMENT: readonly Pane[] = [
  { key: "Passcode", title: "Create a Passcode", os: { iOS: "7.0" }, brokenAfterAdeFrom: { iOS: "14.5" } },
  { key: "Biometric", title: "Touch ID / Face ID", os: { iOS: "8.1", macOS: "10.12.4" }, brokenAfterAdeFrom: { iOS: "14.5" } },
  { key: "AppleID", title: "Apple Account", os: { iOS: "7.0", macOS: "10.9" }, doneByQuickStart: true },
  { key: "Location", title: "Location Services", os: { iOS: "7.0", macOS: "10.11" } },
  { key: "Payment", title: "Apple Pay", os: { iOS: "8.1", macOS: "10.12.4" } },
  { key: "Siri", title: "Siri", os: { iOS: "7.0", macOS: "10.12" } },
  { key: "ScreenTime", title: "Screen Time", os: { iOS: "12.0", macOS: "10.15" } },
  { key: "Privacy", title: "Data & Privacy", os: { iOS: "11.3", macOS: "10.13.4" } },
  { key: "Appearance", title: "Appearance", os: { iOS: "13.0", macOS: "10.14" } },
];

/**
 * Quick Start (iPhone/iPad only): offered at the start of Setup Assistant when another iPhone or iPad
 * is nearby, before Wi-Fi and activation, so before Remote Management. It has no skip key: the cloud
 * configuration is not known yet. Completing it brings the language, the Wi-Fi network and the Apple
 * Account over from the other device; "Transfer Your Data" (skip key DeviceToDeviceMigration, iOS
 * 12.4+) would follow, but it is never shown on ADE devices from iOS 13 (Intune docs, server-policies.md §7.6).
 */
export const QUICK_START = { key: "QuickStart", title: "Quick Start" } as const;
export const DEVICE_TO_DEVICE = { key: "DeviceToDeviceMigration", title: "Transfer Your Data", from: "12.4", hiddenOnAdeFrom: "13.0" } as const;

/** Every pane the state may name. */
export const STATE_PANE_KEYS: readonly string[] = [...PANES_AFTER_ENROLLMENT.map((p) => p.key), DEVICE_TO_DEVICE.key];

/**
 * The network pane ("Select a Wi-Fi Network"; a Mac's "Other Network Options" offers "My computer does not connect
 * to the Internet"): before activation and Remote Management, so before the cloud configuration is asked for. It has
 * no skip key (skipkeys.yaml lists none): what happens there is the user's choice, `setupAssistant.network`
 * (completes: joins a network; cancels: goes on without one; idles: stays). Per release:
 * - Mac before macOS 13: the user may go on offline; Setup Assistant never asks Apple for the cloud configuration,
 *   so no Remote Management pane: the Mac is set up unmanaged (gaps survey 03; Kandji, "Configuring Device
 *   Enrollment", support.kandji.io/en/support/solutions/articles/72000560543: from Ventura registered Macs "can no
 *   longer skip" ADE). Enrolling later is `sudo profiles renew -type enrollment` or the Device Enrollment
 *   notification: timeline `renewEnrollment` (setup-assistant.ts adeRenewal).
 * - Mac on macOS 13 and later, registered to an organization: "must connect to a network during Setup Assistant after
 *   being erased or reset" (Kandji, same article): going on offline is not offered; without a network the Mac stays
 *   at the pane.
 * - iPhone/iPad: activation needs a network ("The Setup Assistant requires the user to connect to Wi-Fi or cellular
 *   data", 42Gears, "iOS Automated Device Enrollment (ADE) – On-Device Setup Flow"); a model with a cellular modem
 *   (catalog `cellular`) activates over cellular data when the user joins no Wi-Fi; a Wi-Fi-only iPad stays at the pane.
 */
export const NETWORK_PANE = { key: "Network", title: { iOS: "Choose a Wi-Fi Network", macOS: "Network" }, macosMustConnectFrom: "13.0" } as const;
