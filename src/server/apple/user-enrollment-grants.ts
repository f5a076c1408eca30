// SPDX-License-Identifier: MIT
/**
 * Profile-driven User Enrollment grants. A profile-driven User Enrollment profile (an MDM payload with
 * ManagedAppleID, iOS 13.1–17 / macOS 10.15–14) is handed out by a server that has already authenticated
 * the user, so the device's Authenticate carries an EnrollmentID and no Bearer token (Apple: "User Enrollment
 * into MDM", profile-based). A real server ties that Authenticate to the profile it issued: the profile's
 * CheckInURL carries a token minted for it (the way the enrollment portal's does, portal.ts), and the first
 * EnrollmentID that authenticates with it owns it. Any other EnrollmentID Authenticate without a Bearer token
 * (an account-driven User Enrollment that lost its token, a second device replaying the URL) is refused.
 *
 * Bounded: at most MAX_UNCLAIMED_GRANTS unclaimed grants are kept (the oldest unclaimed one is dropped first), and at
 * most MAX_CLAIMED_GRANTS claimed ones (the oldest claim is dropped first: that enrollment's next Authenticate without a
 * Bearer token, an identity renewal, is then refused like an unknown grant's). A claimed grant lives as long as its
 * device record: it is released when the admin deletes the device or the device checks out (checkin.ts, admin.ts).
 */
import { randomUUID } from "node:crypto";

/** The CheckInURL query parameter that names the grant. */
export const USER_ENROLLMENT_GRANT_PARAM = "userEnrollment";
/** Unclaimed grants kept (one per profile download): a flood of downloads cannot grow the store without bound. */
export const MAX_UNCLAIMED_GRANTS = 100_000;
/** Claimed grants kept (one per enrolled User Enrollment device), the same bound as the Android half's serial map. */
export const MAX_CLAIMED_GRANTS = 1_000_000;

export class UserEnrollmentGrants {
  /** token → the EnrollmentID that claimed it (undefined: not claimed yet). Insertion order is issue order. */
  private readonly unclaimed = new Map<string, true>();
  private readonly claimed = new Map<string, string>();

  constructor(private readonly limits: { unclaimed: number; claimed: number } = { unclaimed: MAX_UNCLAIMED_GRANTS, claimed: MAX_CLAIMED_GRANTS }) {}

  /** A new grant for one served profile: the token its CheckInURL carries. */
  issue(): string {
    const token = randomUUID();
    this.unclaimed.set(token, true);
    if (this.unclaimed.size > this.limits.unclaimed) this.unclaimed.delete(this.unclaimed.keys().next().value!);
    return token;
  }

  /**
   * Whether the Authenticate of `enrollmentId` with the grant `token` (from its CheckInURL) is the enrollment the
   * grant was issued for: the first EnrollmentID claims an unclaimed grant; later, only that EnrollmentID matches.
   */
  claim(token: string | null, enrollmentId: string): boolean {
    if (token === null) return false;
    const owner = this.claimed.get(token);
    if (owner !== undefined) return owner === enrollmentId;
    if (!this.unclaimed.delete(token)) return false;
    this.claimed.set(token, enrollmentId);
    if (this.claimed.size > this.limits.claimed) this.claimed.delete(this.claimed.keys().next().value!);
    return true;
  }

  /** The enrollment the grant was claimed for is gone (device deleted, or checked out): the grant is dropped with it. */
  release(token: string | undefined): void {
    if (token === undefined) return;
    this.claimed.delete(token);
    this.unclaimed.delete(token);
  }

  /** Whether `token` was issued (claimed or not): a renewed profile keeps the CheckInURL's grant. */
  has(token: string): boolean {
    return this.unclaimed.has(token) || this.claimed.has(token);
  }

  size(): { unclaimed: number; claimed: number } {
    return { unclaimed: this.unclaimed.size, claimed: this.claimed.size };
  }
}
