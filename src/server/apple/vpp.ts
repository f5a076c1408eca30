// SPDX-License-Identifier: MIT
/**
 * The tenant's Apps and Books (volume purchase, VPP) location: a catalogue of apps bought with a
 * number of licences, assigned to a device (serial) or a user (managed Apple ID), through a location
 * token (sToken) with a lifetime. It also answers, in Apple's place, the App Store's question "does
 * this device or its user hold a licence for this app?" that a device asks while it installs a VPP
 * app (device/apple/apps.ts; GET /apple/appstore/licenses, a stand-in for Apple's store like
 * /apple/ade/cloudconfig). What it models:
 * - the location token expires (`token.expiresInDays` from server start, or the timeline's
 *   `expire: vpp-token`) or is revoked (`revoke: vpp-token`): no assignment succeeds, with Apple's
 *   error 9621 / 9625;
 * - a pool that runs out: the n+1-th assignment of an app with n licences fails with 9610 "License not
 *   found." (no unassigned licence left); an assignment for the same device or user is reused;
 * - an app whose developer did not allow device assignment (`deviceAssignable: false`): 9628;
 * - user licences need the user associated with the program (the invitation accepted on a device
 *   that is not a User Enrollment); otherwise Intune's "Can't Find VPP License For App" (0x87D13B95).
 * Error numbers and messages: Apple, Device Management, "Interpreting Error Codes" (Apps and Books /
 * legacy VPP web service, https://developer.apple.com/documentation/devicemanagement/interpreting-error-codes).
 * Not modelled: the asynchronous assignment events of the Apps and Books API, the sToken format,
 * licence revocation and reclamation, app versions, redemption codes.
 */

/** The Company Portal's App Store id (adamId). */
export const COMPANY_PORTAL_ADAM_ID = 719171358;
/** Its bundle identifier (what ManagedApplicationList is keyed by). */
export const COMPANY_PORTAL_BUNDLE_ID = "com.microsoft.CompanyPortal";

/** Apple's Apps and Books error numbers the pool returns (errorNumber → errorMessage, verbatim). */
export const APPS_AND_BOOKS_ERRORS = {
  9610: "License not found.",
  9621: "The token has expired. Generate a new token in Apple School Manager.",
  9625: "The sToken has been revoked.",
  9628: "Ineligible device assignment: MDM tried to assign an item to a serial number but device assignment is not allowed for that item.",
} as const;

export interface VppAppConfig {
  adamId: number;
  name?: string;
  /** Bundle identifier (ManagedApplicationList key); default id<adamId> (the Company Portal's is known). */
  bundleId?: string;
  /** Licences bought. */
  licenses: number;
  /** Device-licensed (serial) or user-licensed (managed Apple ID). */
  assignment: "device" | "user";
  /** The developer allows device (serial) assignment (default true). */
  deviceAssignable?: boolean;
  /** Take over the user's own copy (InstallApplication ChangeManagementState Managed): "make the app MDM-managed if the user installed it". */
  manageIfUserInstalled?: boolean;
  /** ADE: the app must be licensed before the server releases the device (DeviceConfigured). */
  requiredDuringAde?: boolean;
}

export interface VppConfig {
  /** The location token (sToken): days from server start to its expiry (default 365: "each token is valid for one year"). */
  token?: { expiresInDays?: number };
  apps: VppAppConfig[];
}

export interface VppRefusal {
  /** Apple's errorNumber as text ("9621"), or Intune's code where Apple's service is not involved. */
  code: string;
  message: string;
}

const DAY_MS = 86_400_000;

export class VppPool {
  private readonly assigned = new Map<number, Set<string>>();
  private readonly associatedUsers = new Set<string>();
  private tokenNotAfter: number;
  private tokenRevoked = false;
  readonly refusals: Record<string, number> = {};

  constructor(
    readonly config: VppConfig,
    private readonly now: () => number,
  ) {
    this.tokenNotAfter = now() + (config.token?.expiresInDays ?? 365) * DAY_MS;
  }

  app(adamId: number): VppAppConfig | undefined {
    return this.config.apps.find((a) => a.adamId === adamId);
  }

  bundleId(adamId: number): string {
    const app = this.app(adamId);
    return app?.bundleId ?? (adamId === COMPANY_PORTAL_ADAM_ID ? COMPANY_PORTAL_BUNDLE_ID : `id${adamId}`);
  }

  /** The user accepted the volume-purchase invitation (on a device that can accept it). */
  associate(user: string): void {
    this.associatedUsers.add(user.toLowerCase());
  }

  used(adamId: number): number {
    return this.assigned.get(adamId)?.size ?? 0;
  }

  /** The token expires now (timeline `expire: vpp-token`). */
  expireToken(): string {
    this.tokenNotAfter = Math.min(this.tokenNotAfter, this.now());
    return `the Apps and Books location token expired at ${new Date(this.tokenNotAfter).toISOString()}: licence assignments now fail with 9621`;
  }

  /** The token is revoked (timeline `revoke: vpp-token`: another MDM took it, or the admin revoked it in Apple Business Manager). */
  revokeToken(): string {
    this.tokenRevoked = true;
    return "the Apps and Books location token was revoked: licence assignments now fail with 9625";
  }

  private tokenRefusal(): VppRefusal | undefined {
    if (this.tokenRevoked) return apple(9625);
    if (this.now() >= this.tokenNotAfter) return apple(9621);
    return undefined;
  }

  /** Assigns a licence of `adamId` to the device or user; a refusal when the location cannot. */
  assign(adamId: number, to: { serial?: string; user?: string }): VppRefusal | undefined {
    const refusal = this.assignOnce(adamId, to);
    if (refusal) this.refusals[refusal.code] = (this.refusals[refusal.code] ?? 0) + 1;
    return refusal;
  }

  private assignOnce(adamId: number, to: { serial?: string; user?: string }): VppRefusal | undefined {
    const token = this.tokenRefusal();
    if (token) return token;
    const app = this.app(adamId);
    if (!app) return apple(9610, `app ${adamId} has no licences in this location`);
    let holder: string;
    if (app.assignment === "user") {
      if (!to.user) return { code: "0x87D13B95", message: "Can't Find VPP License For App (0x87D13B95): the device has no user to license" };
      if (!this.associatedUsers.has(to.user.toLowerCase())) {
        return { code: "0x87D13B95", message: `Can't Find VPP License For App (0x87D13B95): ${to.user} is not associated with the volume-purchase program` };
      }
      holder = `user:${to.user.toLowerCase()}`;
    } else {
      if (!to.serial) return { code: "LicenseNotAssignable", message: "a device licence needs a serial number (User Enrollment devices have none)" };
      if (app.deviceAssignable === false) return apple(9628, app.name ?? String(adamId));
      holder = `device:${to.serial}`;
    }
    const set = this.assigned.get(adamId) ?? new Set<string>();
    this.assigned.set(adamId, set);
    if (set.has(holder)) return undefined;
    if (set.size >= app.licenses) return apple(9610, `${set.size} of ${app.licenses} licences of ${app.name ?? adamId} are assigned; none is left`);
    set.add(holder);
    return undefined;
  }

  /**
   * What Apple's store answers a device installing `adamId`: the licence it holds (by serial), or its
   * user holds; none when neither (the token's state does not matter: an assigned licence stays).
   */
  licenceFor(adamId: number, serial: string | undefined, user: string | undefined): "device" | "user" | undefined {
    const set = this.assigned.get(adamId);
    if (!set) return undefined;
    if (serial && set.has(`device:${serial}`)) return "device";
    if (user && set.has(`user:${user.toLowerCase()}`)) return "user";
    return undefined;
  }
}

function apple(n: keyof typeof APPS_AND_BOOKS_ERRORS, detail?: string): VppRefusal {
  return { code: String(n), message: `${n} ${APPS_AND_BOOKS_ERRORS[n]}${detail ? ` (${detail})` : ""}` };
}
