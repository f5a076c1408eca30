// SPDX-License-Identifier: MIT
/**
 * A small volume-purchase (Apps and Books / VPP) licence pool in the Apple half: apps bought with
 * a number of licences, assigned to a device (serial) or a user (managed Apple ID), per location
 * token. What it models:
 * - a pool that runs out: the n+1-th assignment of an app with n licences fails (`LicensesExhausted`);
 *   an assignment for the same device or user is reused, not counted twice;
 * - an expired location token: no assignment succeeds (`VppTokenExpired`);
 * - user licences need the user to be associated with the volume-purchase program. The user
 *   accepts the invitation on a device that is not a User Enrollment (a User Enrollment cannot
 *   accept it, as with Intune's "the user's only iOS device" case); a user licence for a user who
 *   never accepted one fails with Intune's "Can't Find VPP License For App" (0x87D13B95).
 * Not modelled: Apple's Apps and Books API (assets, assignments, async events, the sToken format),
 * licence revocation and reclamation, app versions, redemption codes.
 */

/** The Company Portal's App Store id (adamId). */
export const COMPANY_PORTAL_ADAM_ID = 719171358;

export interface VppAppConfig {
  adamId: number;
  name?: string;
  /** Licences bought. */
  licenses: number;
  /** Device-licensed (serial) or user-licensed (managed Apple ID). */
  assignment: "device" | "user";
  /** ADE: the app must be installed before the server releases the device (DeviceConfigured). */
  requiredDuringAde?: boolean;
}

export interface VppConfig {
  /** The location (sToken) expired: no licence can be assigned. */
  tokenExpired?: boolean;
  apps: VppAppConfig[];
}

export interface VppRefusal {
  code: string;
  message: string;
}

export interface VppAppStatus {
  adamId: number;
  name: string;
  status: "installing" | "failed";
  error?: VppRefusal;
}

export class VppPool {
  private readonly assigned = new Map<number, Set<string>>();
  private readonly associatedUsers = new Set<string>();
  /** Per device (UDID): apps the server tried to install and what came of it. */
  readonly status = new Map<string, VppAppStatus[]>();
  readonly refusals: Record<string, number> = {};

  constructor(readonly config: VppConfig) {}

  app(adamId: number): VppAppConfig | undefined {
    return this.config.apps.find((a) => a.adamId === adamId);
  }

  /** The user accepted the volume-purchase invitation (on a device that can accept it). */
  associate(user: string): void {
    this.associatedUsers.add(user.toLowerCase());
  }

  used(adamId: number): number {
    return this.assigned.get(adamId)?.size ?? 0;
  }

  /** Assigns a licence of `adamId` to the device or user; a refusal when the pool cannot. */
  assign(adamId: number, to: { serial?: string; user?: string }): VppRefusal | undefined {
    const app = this.app(adamId);
    if (!app) return { code: "AppNotPurchased", message: `app ${adamId} is not in the volume-purchase location` };
    if (this.config.tokenExpired) return { code: "VppTokenExpired", message: "The volume-purchase location token expired; no licence can be assigned." };
    let holder: string;
    if (app.assignment === "user") {
      if (!to.user) return { code: "0x87D13B95", message: "Can't Find VPP License For App (0x87D13B95): the device has no user to license" };
      if (!this.associatedUsers.has(to.user.toLowerCase())) {
        return { code: "0x87D13B95", message: `Can't Find VPP License For App (0x87D13B95): ${to.user} is not associated with the volume-purchase program` };
      }
      holder = `user:${to.user.toLowerCase()}`;
    } else {
      if (!to.serial) return { code: "LicenseNotAssignable", message: "a device licence needs a serial number (User Enrollment devices have none)" };
      holder = `device:${to.serial}`;
    }
    const set = this.assigned.get(adamId) ?? new Set<string>();
    this.assigned.set(adamId, set);
    if (set.has(holder)) return undefined;
    if (set.size >= app.licenses) {
      return { code: "LicensesExhausted", message: `Not enough licences for ${app.name ?? adamId}: ${set.size} of ${app.licenses} assigned` };
    }
    set.add(holder);
    return undefined;
  }

  /** Records what came of an install attempt for a device. */
  record(udid: string, adamId: number, refusal: VppRefusal | undefined): void {
    const app = this.app(adamId);
    const list = this.status.get(udid) ?? [];
    this.status.set(udid, list);
    list.push({ adamId, name: app?.name ?? String(adamId), status: refusal ? "failed" : "installing", ...(refusal ? { error: refusal } : {}) });
    if (refusal) this.refusals[refusal.code] = (this.refusals[refusal.code] ?? 0) + 1;
  }
}
