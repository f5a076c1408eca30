// SPDX-License-Identifier: MIT
/** Per-device and per-user state of the Windows half (enrollments, DM queues, ESP progress). */
import type { Command } from "../../wire/windows/syncml.js";

export interface DeviceRecord {
  deviceId: string;
  upn: string;
  serialHex: string;
  enrollmentType: string;
  autopilot: boolean;
  userless: boolean;
  sessions: number;
  /** Commands waiting for the next message to this device. */
  queue: Command[];
  /** ESP provisioning stage. */
  esp: "none" | "new" | "delivered" | "finished";
  /** Statuses and Results the device sent, newest last (bounded). */
  received: { msgId: string; verb: string; cmdRef?: string; cmd?: string; data?: string; target?: string }[];
  /** MSI completions reported by generic alerts. */
  appResults: Record<string, string>;
  nextCmdId: number;
  lastSessionId?: string;
  unenrolled?: boolean;
  /** RequestSecurityTokens that issued a certificate for this DeviceID (a re-enrollment keeps the record and counts one more). */
  enrollments?: number;
  /** APPAUTH CLIENT credentials for syncml:auth-md5 (devices without mTLS). */
  md5?: { secret: string; nonce: Uint8Array };
  /** CmdIDs of Exec …/Unenroll commands sent: a 200 Status for one ends the enrollment. */
  unenrollCmdIds?: string[];
  /**
   * A remote wipe the admin sent (timeline `wipe`): Exec RemoteWipe/doWipe queued for the next session;
   * the device's 200 ends the enrollment (done), another status leaves the PC as it was (failed).
   */
  wipe?: {
    state: "pending" | "sent" | "done" | "failed";
    cmdIds: string[];
    status?: string;
    keepsEnrollment?: boolean;
    /** A remote Autopilot Reset (timeline `autopilotReset`), not a wipe. */
    kind?: "autopilot-reset";
    /** What the PC's AutomaticRedeployment/Status and LastError nodes answered after the Exec (RemoteWipe CSP). */
    result?: { status?: string; lastError?: string };
  };
  /** Top-level commands sent and not yet answered by a Status, by CmdID: re-sent at the next session. */
  outstanding?: Map<string, Command>;
  /** Commands re-sent because they looked unanswered. */
  resent?: number;
  /** Configuration profiles and what the server knows of them. */
  profiles?: Record<string, ProfileState>;
  /** Compliance as conditional access sees it (store.ts): FirstSyncStatus/IsSyncDone read back as true. */
  syncDone?: boolean;
  /** Store licences refused by conditional access / granted. */
  storeLicences?: { refused: number; granted: number };
}

export interface ProfileState {
  /** pending: a SCEP profile the PC accepted and has not reported installed or failed yet (scep-profile.ts). */
  state: "sent" | "verifying" | "pending" | "applied" | "failed";
  /** Sessions in which the profile was sent. */
  attempts: number;
  /** CmdIDs of the profile's top-level commands / verification Gets in flight. */
  cmdIds: string[];
  getIds: string[];
  /** Why it is not applied (Status codes, mismatching values). */
  detail?: string;
  /** Verification failed: send again at the next session. */
  retry?: boolean;
  /** A SCEP profile: what the PC last answered for SCEP/{UniqueID}/Status and ErrorCode (as 0x… HRESULT), and when it was assigned. */
  scep?: { status?: string; errorCode?: string };
}

export class WindowsState {
  readonly users = new Map<string, Set<string>>();
  readonly devices = new Map<string, DeviceRecord>();
  /** Autopilot registrations: serial → hardware hash. */
  readonly autopilot = new Map<string, string>();
  readonly counters = { discoveries: 0, issued: 1, sessions: 0, renewals: 0, pushes: 0, oversizeMessages: 0, moreMessageAlerts: 0 };
  /** Mock WNS channels: channel id → owner and notifications not yet fetched. */
  readonly channels = new Map<string, { deviceId: string; pending: number }>();

  userDevices(upn: string): Set<string> {
    let s = this.users.get(upn);
    if (!s) this.users.set(upn, (s = new Set()));
    return s;
  }

  /** Ends an enrollment: frees the user's device slot; later sessions are refused. */
  unenroll(deviceId: string): void {
    const rec = this.devices.get(deviceId);
    if (!rec) return;
    rec.unenrolled = true;
    this.users.get(rec.upn)?.delete(deviceId);
  }

  enrolled(deviceId: string, r: Pick<DeviceRecord, "upn" | "serialHex" | "enrollmentType" | "autopilot" | "userless" | "md5">): DeviceRecord {
    // A re-enrolment of the same DeviceID keeps what the admin queued for it.
    const prev = this.devices.get(deviceId);
    const rec: DeviceRecord = {
      deviceId,
      ...r,
      sessions: 0,
      queue: prev?.queue ?? [],
      esp: r.autopilot ? "new" : "none",
      received: prev?.received ?? [],
      appResults: {},
      nextCmdId: prev?.nextCmdId ?? 2,
      outstanding: new Map(),
      resent: 0,
      enrollments: (prev?.enrollments ?? 0) + 1,
    };
    this.devices.set(deviceId, rec);
    return rec;
  }
}
