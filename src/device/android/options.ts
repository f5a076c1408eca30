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
  dpc?: { targetSdk?: number };
  /** The user who signs in / types credentials (KME user association, conditional access). Default: user-<serial>. */
  user?: string;
  /**
   * What the user enters at the DPC's own scan-QR / enter-code screen, shown when provisioning gave it no enrollment token
   * (AMAPI; protocol/android/dialects/token-sources.ts): `{ profile }` the token of that embedded provisioning profile
   * (handed out by the admin, as for afw#setup), `{ value }` a code as typed. Absent: the user has none and the device waits there.
   */
  enterToken?: { profile: string } | { value: string };
  /** android-da: after enrollment the user migrates to a work profile (Intune DA → WP): by the Resolve notification or the update-settings link. */
  migrateToWorkProfile?: "resolve" | "link";
  /** Headwind agent: the management agent's own version code (self-update when the server offers a newer one). */
  agentVersionCode?: number;
  /** AMAPI: after enrollment, wait up to this long for an FCM push, then sync (default 0: don't wait). */
  awaitPushSeconds?: number;
  /** AMAPI: seconds after a policy app's install before Android Device Policy applies its delegated scopes (default 0: not published). */
  delegationDelaySeconds?: number;
  /** AMAPI: the version Google Play installs of a policy app, by package (default: the agent catalog's newest). */
  appVersions?: Record<string, string>;
  /** How often the modelled FCM connection is read while waiting (default 15). */
  pushPollSeconds?: number;
  /** Headwind: periodic configuration check-ins after the long-polls (default 0). */
  checkins?: number;
  /** Delay between those check-ins (default 300, Headwind's keepaliveTime). */
  checkinIntervalSeconds?: number;
}

/** `options.android` of a group (flows receive the whole options object). */
export function androidOptions(options: unknown): AndroidFlowOptions {
  const o = (options ?? {}) as Record<string, unknown>;
  const a = o.android ?? {};
  if (typeof a !== "object" || a === null || Array.isArray(a)) throw new ScenarioError("options.android must be a mapping");
  return a as AndroidFlowOptions;
}
