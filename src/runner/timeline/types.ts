// SPDX-License-Identifier: MIT
/**
 * The scenario's `timeline:` — actions fired during a run at a time on the scenario clock or after
 * an event. `TimelineSpec` is an entry as written (schema-valid); `TimelineEntry` is what the runner
 * uses. Vocabulary and examples: scenarios/README.md "timeline".
 */
import type { TransportDetail } from "../../errors/index.js";
import type { HOST_APPS, HostConnection } from "../../protocol/common/context.js";

/** Credentials an `expire:` or `revoke:` action names; each is modelled by a half of the embedded server. */
export const REVOCABLE = ["device-certificate", "enrollment-tokens", "ade-token", "service-certificate", "vpp-token", "enrollment-invitations"] as const;
export const EXPIRABLE = ["push-certificate", "enrollment-tokens", "ade-token", "vpp-token", "enrollment-invitations"] as const;
export type Revocable = (typeof REVOCABLE)[number];
/** Where `deleteRecords` deletes: the MDM server's records (default), Apple Business/School Manager (a release), the directory's device objects (Microsoft Entra ID). */
export const RECORD_STORES = ["mdm", "abm", "directory", "zero-touch", "kme"] as const;
export type RecordStore = (typeof RECORD_STORES)[number];
export type Expirable = (typeof EXPIRABLE)[number];

/** What a device sees while it is offline (TransportError detail; dns.* and connect.* only). */
export const OFFLINE_DETAILS = ["dns.timeout", "dns.nxdomain", "dns.no-address", "connect.refused", "connect.timeout"] as const satisfies readonly TransportDetail[];
export type OfflineDetail = (typeof OFFLINE_DETAILS)[number];

/** The identifier kinds of `embedded.policy.deviceLists[]` (server/policy/device-lists.ts). */
export const DEVICE_LIST_IDS = ["serials", "imeis", "udids", "macs", "models"] as const;
export type DeviceListId = (typeof DEVICE_LIST_IDS)[number];
/** `editDeviceList` as written: add the targeted devices to a list by one identifier, or remove them from it. */
export interface EditDeviceListSpec {
  list: string;
  add?: DeviceListId;
  remove?: true;
}

/** Which backup a restore brings back: the newest (taken while the device held its latest enrolment), or the one from its enrolment before the last set-up from scratch. */
export const RESTORED_BACKUPS = ["latest", "previous"] as const;
export type RestoredBackup = (typeof RESTORED_BACKUPS)[number];

/** The computer a device is connected to (timeline `connectHost`), as written. */
export interface HostConnectionSpec {
  host: (typeof HOST_APPS)[number];
  supervisionIdentity?: boolean;
}

/** An entry as written (after schema validation). Durations are "90s"-style strings or seconds. */
export interface TimelineSpec {
  at?: string | number;
  after?: { step?: string; succeeded?: number; failed?: number; enrolled?: number; outcome?: string; count?: number; wait?: string | number };
  group?: string;
  devices?: number[];
  count?: number;
  platform?: string;
  note?: string;
  set?: Record<string, unknown>;
  deleteRecords?: { in?: RecordStore | RecordStore[] };
  allowNextEnrollment?: { serials?: string[] };
  resync?: Record<string, never>;
  setOwnership?: "corporate" | "personal";
  editDeviceList?: EditDeviceListSpec;
  unlockUsers?: { users?: string[] };
  wipe?: WipeOptions;
  autopilotReset?: Record<string, never>;
  localAutopilotReset?: { admin?: boolean };
  revoke?: Revocable;
  expire?: Expirable;
  restartServer?: { loseState?: boolean; downFor?: string | number };
  endpointDown?: { path: string; answer?: 503 | "refuse"; for?: string | number; retryAfter?: number };
  endpointUp?: { path: string };
  offline?: { for?: string | number; step?: string; as?: OfflineDetail };
  online?: Record<string, never>;
  joinNetwork?: string;
  portalSignIn?: Record<string, never>;
  reset?: Record<string, never>;
  restore?: { backup?: RestoredBackup };
  connectHost?: HostConnectionSpec;
  reboot?: { bootTime?: string | number; step?: string };
  idle?: { for: string | number; step?: string };
  abandon?: { step?: string };
  tryAgain?: { wait?: string | number; times?: number };
  renewEnrollment?: { wait?: string | number; times?: number };
  setUpAgain?: { wait?: string | number; times?: number };
  skip?: string | number;
}

/** Action keys, in the order the documentation lists them. */
export const ACTION_KEYS = [
  "set",
  "deleteRecords",
  "allowNextEnrollment",
  "resync",
  "setOwnership",
  "editDeviceList",
  "unlockUsers",
  "wipe",
  "autopilotReset",
  "revoke",
  "expire",
  "restartServer",
  "endpointDown",
  "endpointUp",
  "offline",
  "online",
  "joinNetwork",
  "portalSignIn",
  "reset",
  "localAutopilotReset",
  "restore",
  "connectHost",
  "reboot",
  "idle",
  "abandon",
  "tryAgain",
  "renewEnrollment",
  "setUpAgain",
  "skip",
] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];

/**
 * The console's wipe options (Intune "Wipe"): `keepEnrollment` — "Retain enrollment state and user account"
 * (Windows RemoteWipe doWipePersistUserData, 1709+); `protected` — "continue to wipe even if the device loses
 * power" (doWipeProtected, 1703+). Windows only; other platforms' wipe commands ignore them.
 */
export interface WipeOptions {
  keepEnrollment?: boolean;
  protected?: boolean;
}

export type TimelineAction =
  | { kind: "set"; values: { path: string[]; value: unknown }[] }
  | { kind: "deleteRecords"; in: RecordStore[] }
  /** Intune's per-device "Unblock device" (Graph allowNextEnrollment): the targeted devices' records, and records named by serial, let their next enrollment through a one-time re-enrollment rule; the records are kept (server/policy/unblock.ts). */
  | { kind: "allowNextEnrollment"; serials?: string[] }
  | { kind: "resync" }
  | { kind: "setOwnership"; ownership: "corporate" | "personal" }
  /** The admin adds the targeted devices to a device list of embedded.policy.deviceLists (by one identifier), or removes them. */
  | { kind: "editDeviceList"; list: string; add?: DeviceListId; remove?: true }
  /** The admin unlocks users the identity provider's lockout holds (server/policy/lockout.ts): the listed UPNs, or all. */
  | { kind: "unlockUsers"; users?: string[] }
  | ({ kind: "wipe" } & WipeOptions)
  | { kind: "autopilotReset" }
  /** Someone at the PC resets it from the lock screen (CTRL + Windows key + R), as an administrator or not; the PC decides at its next session (device/windows/applied-settings.ts). */
  | { kind: "localAutopilotReset"; admin: boolean }
  | { kind: "revoke"; what: Revocable }
  | { kind: "expire"; what: Expirable }
  | { kind: "restartServer"; loseState: boolean; downForMs: number }
  | { kind: "endpointDown"; path: string; answer: 503 | "refuse"; forMs?: number; retryAfter?: number }
  | { kind: "endpointUp"; path: string }
  | { kind: "offline"; forMs?: number; step?: string; detail: OfflineDetail }
  | { kind: "online" }
  /** The devices move to another network of the scenario's `networks:` (runner/network). */
  | { kind: "joinNetwork"; network: string }
  /** The user signs in to the captive portal of the network the device is on. */
  | { kind: "portalSignIn" }
  | { kind: "reset" }
  | { kind: "restore"; backup: RestoredBackup }
  /** The user connects the device by USB to a computer (device/apple/host-pairing.ts decides whether they pair). */
  | ({ kind: "connectHost" } & Pick<HostConnection, "host" | "supervisionIdentity">)
  /** The device power-cycles: now, or when it reaches `step`; back after `bootMs` (default: its platform's boot time). */
  | { kind: "reboot"; bootMs?: number; step?: string }
  | { kind: "idle"; forMs: number; step?: string }
  | { kind: "abandon"; step?: string }
  | { kind: "tryAgain"; waitMs: number; times: number }
  /** After a failed ADE enrolment that left the Mac set up unmanaged, the user or admin asks the running macOS to enrol through ADE again (`profiles renew -type enrollment`, the Device Enrollment notification); the flow reads it from its disk (ADE_RENEWAL_DISK_KEY). */
  | { kind: "renewEnrollment"; waitMs: number; times: number }
  /** An erased device (a `reset`, an enrolment a reset cut short) is set up again from scratch `waitMs` later, up to `times` per device (runner/timeline/redeploy.ts). */
  | { kind: "setUpAgain"; waitMs: number; times: number }
  | { kind: "skip"; ms: number };

export type TimelineEvent =
  | { kind: "step"; step: string; ok: boolean; n: number }
  | { kind: "enrolled"; n: number }
  | { kind: "outcome"; code: string; n: number };

export type TimelineWhen = { kind: "at"; ms: number } | { kind: "after"; event: TimelineEvent; waitMs: number };

/** Which devices an action applies to; absent: every device of the run. */
export interface TimelineTarget {
  group?: string;
  /** Run-wide device indices (%INDEX%). */
  devices?: number[];
  /** The first N devices of the selection (by index). */
  count?: number;
  platform?: string;
}

export interface TimelineEntry {
  /** Position in the file's list (timeline[i]). */
  index: number;
  when: TimelineWhen;
  target?: TimelineTarget;
  action: TimelineAction;
  note?: string;
}

/** Actions performed by the embedded server (refused against a URL server). */
export function isServerAction(a: TimelineAction): boolean {
  return (a.kind === "set" && a.values.some((v) => v.path[0] !== "state")) || a.kind === "deleteRecords" || a.kind === "allowNextEnrollment" || a.kind === "resync" || a.kind === "setOwnership" || a.kind === "editDeviceList" || a.kind === "unlockUsers" || a.kind === "wipe" || a.kind === "autopilotReset" || a.kind === "revoke" || a.kind === "expire" || a.kind === "restartServer" || (a.kind === "endpointDown" && a.answer === 503) || a.kind === "endpointUp";
}

/** Actions that apply to devices (and accept group/devices/count/platform). */
export function isTargeted(a: TimelineAction): boolean {
  return (
    a.kind === "offline" ||
    a.kind === "online" ||
    a.kind === "joinNetwork" ||
    a.kind === "portalSignIn" ||
    a.kind === "reset" ||
    a.kind === "localAutopilotReset" ||
    a.kind === "restore" ||
    a.kind === "connectHost" ||
    a.kind === "reboot" ||
    a.kind === "idle" ||
    a.kind === "abandon" ||
    a.kind === "tryAgain" ||
    a.kind === "renewEnrollment" ||
    a.kind === "setUpAgain" ||
    (a.kind === "set" && a.values.some((v) => v.path[0] === "state")) ||
    a.kind === "deleteRecords" ||
    a.kind === "allowNextEnrollment" ||
    a.kind === "setOwnership" || a.kind === "editDeviceList" || a.kind === "wipe" || a.kind === "autopilotReset" ||
    (a.kind === "revoke" && a.what === "device-certificate") ||
    (a.kind === "endpointDown" && a.answer === "refuse")
  );
}

/** One fired action, as the run report lists it. */
export interface FiredAction {
  /** timeline[i] of the scenario. */
  entry: number;
  action: ActionKey;
  /** Milliseconds since the run started (scenario clock, skips included). */
  atMs: number;
  /** Wall-clock-style instant on the scenario clock (ISO 8601). */
  at: string;
  /** What triggered it: "at 90s" or "after enrolled 10". */
  trigger: string;
  /** Devices it applied to (ids, at most 20 listed) and their number. */
  devices?: string[];
  deviceCount?: number;
  /** What happened, in words (e.g. "revoked 3 certificate(s)"). */
  result: string;
  note?: string;
}
