// SPDX-License-Identifier: MIT
/**
 * A DPC↔server dialect: what the DPC does inside ADMIN_POLICY_COMPLIANCE with the admin
 * extras (enroll with its server, fetch policy, report status, open push). Dialects are
 * registered by name in ./index.ts so more can be added.
 */
import type { Bundle } from "../../../wire/android/payload.js";
import type { ProtocolContext } from "../../common/context.js";
import type { ApplicationPolicy, ApplicationReport, NonComplianceDetail } from "../../../wire/android/oem-apps.js";
import type { IntegritySignals } from "../../../wire/android/integrity.js";
import type { PasswordNonCompliance, ScreenLock } from "../../../wire/android/password-policy.js";
import type { OncNonCompliance } from "../../../wire/android/onc.js";

/** What a DPC can read about the device it runs on. */
export interface AndroidDeviceInfo {
  serialNumber: string;
  imei?: string;
  imei2?: string;
  manufacturer: string;
  brand: string;
  model: string;
  hardware: string;
  androidVersion: string;
  apiLevel: number;
  buildNumber: string;
  securityPatch: string;
  androidId: string;
  wifiMac?: string;
  /** Samsung Knox version of the firmware ("3.2.1"); absent on other makers. */
  knoxVersion?: string;
  /**
   * What the device reports of its integrity (attested KeyDescription, root detection, GMS; wire/android/integrity.ts)
   * for a key attested with this challenge (the server's one-time nonce). Absent: the device sends no integrity evidence.
   */
  attest?: (challenge: Uint8Array) => IntegritySignals;
  /** The screen lock the user set (device state screenLock; default none). */
  screenLock?: ScreenLock;
}

export interface DialectInput {
  ctx: ProtocolContext;
  adminExtras: Bundle;
  /** EXTRA_PROVISIONING_MODE the DPC chose, 0 for a device-admin (DA) enrollment. */
  mode: number;
  managementMode: "DEVICE_OWNER" | "PROFILE_OWNER" | "DEVICE_ADMIN";
  ownership: "COMPANY_OWNED" | "PERSONALLY_OWNED";
  device: AndroidDeviceInfo;
  /** The user who signed in to the enrollment app (Company Portal, the DPC's sign-in): the server counts the device against this user's device limit. */
  user?: string;
  /** Dialect options (server URLs, report counts, …), from the flow. */
  options: DialectOptions;
  /**
   * Installs the policy's managed apps on the device and returns what each reports (ApplicationReport with its
   * keyed app states): the device's apps decide (device/android/managed-apps.ts). Absent: apps are not modelled.
   */
  installApps?: (apps: readonly ApplicationPolicy[]) => { reports: ApplicationReport[]; nonComplianceDetails: NonComplianceDetail[] };
  /**
   * The code the user enters at the DPC's own enter-code screen when provisioning gave it no credential (token-sources.ts):
   * undefined when the user has none. Absent: the user has none.
   */
  userToken?: () => Promise<string | undefined>;
  /** The installed apps' own work once reported (device/android/agent-work.ts): returns the key pair aliases they installed (KeyChain). */
  afterInstall?: () => Promise<readonly string[]>;
}

export interface DialectOptions {
  /** Base URL of the (fake) Google side for the AMAPI dialect, e.g. https://host/android/amapi */
  amapiUrl?: string;
  /** Status reports after enrollment (AMAPI) / long-polls (Headwind). */
  statusReports?: number;
  statusIntervalMs?: number;
  /** Headwind shared secret for X-Request-Signature. */
  headwindSecret?: string;
  /** Check the server's X-Response-Signature (Headwind CHECK_SIGNATURE). */
  checkSignature?: boolean;
  /**
   * Deprecated alias (scenario option nonCompliant): the DPC holds a password requirement (PASSWORD_QUALITY SOMETHING) and
   * the device no screen lock, so its reports say passwordPolicies USER_ACTION, as before.
   */
  nonCompliant?: boolean;
  /** Headwind agent persona that treats a transient 401/404 as unenrollment (a client bug seen in the field). */
  unenrollOnAuthError?: boolean;
  /** Delay before retrying a transient 401/404 (default 30 s). */
  retryDelayMs?: number;
  /** Long-poll rounds (Headwind). */
  pushPolls?: number;
  /** The agent's own version code (Headwind launcher; default 15270): a newer one offered by the configuration self-updates it. */
  agentVersionCode?: number;
  /** Periodic configuration check-ins after the long-polls (Headwind). */
  checkins?: number;
  /** Delay between those check-ins (default 300 s, Headwind's keepaliveTime). */
  checkinIntervalMs?: number;
  /** AMAPI: after enrollment, keep the FCM connection open this long, waiting for a push (0: don't). */
  awaitPushMs?: number;
  /** AMAPI: how often the modelled FCM connection is read while waiting (default 15 s). */
  pushPollMs?: number;
  /** Mock FCM base (default: amapiUrl's origin + /android/fcm). */
  fcmUrl?: string;
  /** Headwind server base (com.hmdm.BASE_URL) for steady-state check-ins; default from the server. */
  headwindBaseUrl?: string;
}

/** One steady-state check-in of an enrolled device (issue 6): what the DPC keeps after enrollment. */
export interface DialectCheckinInput {
  ctx: ProtocolContext;
  device: AndroidDeviceInfo;
  options: DialectOptions;
  /** Headwind device id (com.hmdm.DEVICE_ID / DEVICE_ID_USE); default the serial number. */
  deviceId?: string;
}

export interface DialectOutcome {
  ok: boolean;
  /** "android.amapi.enrolled", "android.token.expired", "android.headwind.error.duplicate.device", … */
  code: string;
  step?: string;
  message?: string;
  /** The server's own error, as sent (AMAPI: google.rpc `status`, the error `reason` and its `message`: the server's words, Shown.serverSaid), for what the device shows. */
  serverError?: { status?: string; reason?: string; message?: string };
  /** What the policy's managed apps reported after installing (AMAPI ApplicationReport). */
  applicationReports?: ApplicationReport[];
  /** Server-side id of the enrolled device. */
  deviceName?: string;
  /** The EMM's compliance answer to the agent's status check after enrollment (the intune dialect). */
  compliance?: { state: "compliant" | "in-grace" | "noncompliant" | "not-evaluated"; failing: string[] };
  policyVersion?: string;
  /** The device's non-compliance with the policy's password requirements, as its last status report said (AMAPI NonComplianceDetail). */
  passwordNonCompliance?: PasswordNonCompliance[];
  /** The policy's Wi-Fi networks whose client key pair alias no app installed, as its status report said (wire/android/onc.ts). */
  oncNonCompliance?: OncNonCompliance[];
}

export interface AndroidDialect {
  name: string;
  description: string;
  /** Does this dialect own a DPC package? Used to pick a dialect from the payload. */
  packages: readonly string[];
  enroll(input: DialectInput): Promise<DialectOutcome>;
  /** Steady state: status report / configuration sync, and pending commands / push messages. */
  checkin?(input: DialectCheckinInput): Promise<DialectOutcome>;
}
