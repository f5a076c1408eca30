// SPDX-License-Identifier: MIT
/** `groups[].options.android`: what Android flows read, with defaults (schema: runner/scenario/platforms/android.ts). */
import { ScenarioError } from "../../errors/index.js";

export type DpcModeChoice = "fully-managed" | "dedicated" | "cope" | "work-profile";

export interface AndroidFlowOptions {
  /** Server provisioning profile (embedded: embedded.android.profiles key; default per flow). */
  profile?: string;
  /** How the payload reaches the device (android-qr / android-aosp). */
  trigger?: "qr" | "nfc" | "zero-touch" | "kme";
  /** What the DPC answers to GET_PROVISIONING_MODE. */
  mode?: DpcModeChoice;
  /** DPC↔server dialect; default from the DPC package (Android Device Policy → amapi, Headwind → headwind). */
  dialect?: string;
  /** A literal provisioning payload (QR JSON text) instead of fetching it from the server. */
  payload?: string;
  /** Unknown extras are errors (default) or warnings. */
  strictExtras?: boolean;
  statusReports?: number;
  /** AMAPI status reports say the device is not compliant. */
  nonCompliant?: boolean;
  statusIntervalSeconds?: number;
  pushPolls?: number;
  amapiUrl?: string;
  headwindSecret?: string;
  checkSignature?: boolean;
  unenrollOnAuthError?: boolean;
  maxApkBytes?: number;
  dpc?: { illegalMode?: boolean };
  device?: {
    alreadyProvisioned?: boolean;
    accounts?: number;
    userSetupCompleted?: boolean;
    blockInstall?: boolean;
    /** The Wi-Fi network actually in range (default: whatever the payload names). */
    wifi?: { ssid: string; securityType?: "NONE" | "WPA" | "WEP" | "EAP"; password?: string };
    /** DA: the user taps Cancel instead of Activate. */
    declineAdmin?: boolean;
    /** Override the catalog: false = no Google Mobile Services. */
    gms?: boolean;
    secondaryUser?: boolean;
    /** The device restarts after the owner is set, before ADMIN_POLICY_COMPLIANCE. */
    rebootMidEnrollment?: boolean;
    /** Largest QR payload the setup scanner reads (android-qr-too-large). */
    qrScannerMaxBytes?: number;
  };
}

/** `options.android` of a group (flows receive the whole options object). */
export function androidOptions(options: unknown): AndroidFlowOptions {
  const o = (options ?? {}) as Record<string, unknown>;
  const a = o.android ?? {};
  if (typeof a !== "object" || a === null || Array.isArray(a)) throw new ScenarioError("options.android must be a mapping");
  return a as AndroidFlowOptions;
}
