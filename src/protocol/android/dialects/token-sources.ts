// SPDX-License-Identifier: MIT
/**
 * Where each DPC dialect gets the enrollment credential it redeems, in the order it tries them, and what it does when
 * none gives one. One row per dialect, each with its published source; where a DPC's behaviour without its credential is
 * not published, the row says so and keeps the admin extras as the only source (the dialect's own outcome for a missing
 * extra stands).
 *
 * AMAPI (Android Device Policy): the provisioning admin extras (`EXTRA_ENROLLMENT_TOKEN`, developers.google.com/android/
 * management/provision-device: the QR/NFC payload "contains … an enrollment token"), then its own screen where the user
 * scans a QR code or enters the code ("You and your device users can initiate enrollment by entering or scanning an
 * enrollment token during device setup", learn.microsoft.com/mem/intune/enrollment/android-fully-managed-enroll). A
 * device provisioned without the extra shows that screen after Android Device Policy updated itself: android/enterprise-
 * samples#32 (NFC admin extras whose token was written into the java.util.Properties comment: "After taking a while, it
 * says updating the device and take me to enter/scan the QR code screen"). The screen's own wording is NOT published in
 * the sources searched (Google publishes no Android Device Policy strings): the device says so instead of inventing it.
 */
import { CLOUDDPC } from "../../../wire/android/index.js";

/** A place a DPC reads its enrollment credential from. */
export type TokenSource =
  | { kind: "admin-extras"; keys: readonly string[] }
  /** The DPC's own screen: the user scans a QR code or types the code (the timeline's user acts at `step`). */
  | { kind: "user-screen"; step: string; screen: string; text?: string; textSource: string };

export interface TokenSourceRow {
  dialect: string;
  sources: readonly TokenSource[];
  source: string;
  /** What is not published about this DPC without its credential. */
  unpublished?: string;
}

/** The step of Android Device Policy's own scan-QR / enter-code screen. */
export const AMAPI_TOKEN_SCREEN_STEP = "android.amapi.enter-token";

export const TOKEN_SOURCES: Readonly<Record<string, TokenSourceRow>> = {
  amapi: {
    dialect: "amapi",
    sources: [
      { kind: "admin-extras", keys: [CLOUDDPC.tokenExtra] },
      {
        kind: "user-screen",
        step: AMAPI_TOKEN_SCREEN_STEP,
        screen: "Android Device Policy's own screen to scan a QR code or enter the enrollment code",
        textSource:
          "android/enterprise-samples#32 (the reporter's words: 'updating the device', then 'enter/scan the QR code screen'); learn.microsoft.com/mem/intune/enrollment/android-fully-managed-enroll ('entering or scanning an enrollment token during device setup')",
      },
    ],
    source: "https://developers.google.com/android/management/provision-device; https://github.com/android/enterprise-samples/issues/32",
    unpublished: "the screen's wording (no Android Device Policy strings are published)",
  },
  // The other dialects: the admin extras are where enrollsim's dialect reads its server and credentials; what the real agent
  // does when provisioning gave it none is not published in the sources searched, so their own outcome for a missing extra stands.
  ...Object.fromEntries(
    (["headwind", "intune", "knox-manage", "workspace-one"] as const).map((dialect) => [
      dialect,
      {
        dialect,
        sources: [{ kind: "admin-extras", keys: [] }],
        source: "none found",
        unpublished: "what the agent shows when the provisioning admin extras carry no server or credential (not published in the sources searched)",
      } satisfies TokenSourceRow,
    ]),
  ),
};

/** The DPC's own screen where the user gives it the credential, if its row has one. */
export function userTokenScreen(dialect: string): Extract<TokenSource, { kind: "user-screen" }> | undefined {
  return TOKEN_SOURCES[dialect]?.sources.find((s): s is Extract<TokenSource, { kind: "user-screen" }> => s.kind === "user-screen");
}
