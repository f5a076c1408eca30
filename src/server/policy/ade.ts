// SPDX-License-Identifier: MIT
/**
 * ADE token lifetime and enrollment-profile assignment (server-policies.md §7.2-7.3). The MDM
 * server talks to Apple's device-enrollment service with its ABM/ASM server token: it syncs the
 * devices assigned to it and pushes each one's enrollment profile (explicit by serial, else the
 * token's default profile). Apple's cloud-configuration service serves what was pushed.
 *
 * - A profile (or a change to it) reaches Apple only while the token is valid: with an expired or
 *   revoked token nothing new is pushed, so a device first assigned afterwards has no profile at
 *   Apple (PROFILE_NOT_FOUND at the cloud configuration) and a changed profile keeps serving its
 *   old settings.
 * - "Devices must have a profile before they can enroll": without an explicit or default profile
 *   nothing is pushed and the serial is unassigned (DEVICE_NOT_ASSIGNED, as ABM shows a device with
 *   no MDM server / profile; `profiles: []` for a tenant that assigned none).
 * - A serial released from ABM (the timeline's `deleteRecords: { in: abm }`) is gone from Apple's
 *   service whatever its profile: DEVICE_RELEASED ("Removed" in ABM for 30-45 days, then absent).
 * - Profile edits reach an enrolled device only when it asks for its cloud configuration again
 *   (after erase and reactivation), which is when the stand-in reads what was pushed.
 *
 * Without `embedded.policy.ade.profiles` the server keeps its earlier behaviour: every serial gets
 * the server's one profile (a default profile).
 */
import { adeDenylistedBy } from "./device-lists.js";
import type { PolicyConfigHolder } from "./holder.js";
import type { AdeProfile } from "./types.js";

export interface PushedProfile {
  name: string;
  settings: Record<string, unknown>;
  pushedAt: number;
}

export type AdeLookup = { ok: true; profile: PushedProfile } | { ok: false; code: "PROFILE_NOT_FOUND" | "DEVICE_NOT_ASSIGNED" | "DEVICE_RELEASED"; message: string };

export class AdeAssignments {
  private readonly startedAt: number;
  /** What Apple's service holds per serial. */
  readonly pushed = new Map<string, PushedProfile>();
  /** Serials the admin released from Apple Business/School Manager (upper case). */
  private readonly released = new Set<string>();

  constructor(
    private readonly holder: PolicyConfigHolder,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  /** Token state at `now` (server clock). */
  token(): { valid: boolean; expiresAt: number; why?: string } {
    const t = this.holder.get().ade?.token;
    const expiresAt = this.startedAt + (t?.expiresInHours ?? 8760) * 3_600_000;
    if (t?.revoked) return { valid: false, expiresAt, why: "the ADE token was revoked (a new server token was downloaded in Apple Business Manager)" };
    if (this.now() >= expiresAt) return { valid: false, expiresAt, why: `the ADE token expired at ${new Date(expiresAt).toISOString()}` };
    return { valid: true, expiresAt };
  }

  /** The server token expires now (timeline `expire: ade-token`). */
  expireNow(): string {
    const hours = (this.now() - this.startedAt) / 3_600_000;
    this.holder.set("ade.token.expiresInHours", hours);
    return `the ADE server token expired at ${new Date(this.now()).toISOString()}: no enrollment profile reaches Apple until it is renewed`;
  }

  /** A new server token was downloaded in ABM: the one the server holds stops working (timeline `revoke: ade-token`). */
  revoke(): string {
    this.holder.set("ade.token.revoked", true);
    return "the ADE server token was revoked (a new one was downloaded in Apple Business Manager)";
  }

  /**
   * The admin releases these serials from Apple Business/School Manager (timeline `deleteRecords:
   * { in: abm }`): Apple's service forgets them; unlike a record deleted on the MDM server, no
   * sync brings them back.
   */
  release(serials: readonly string[]): string {
    for (const s of serials) {
      this.released.add(s.toUpperCase());
      this.pushed.delete(s.toUpperCase());
    }
    return `released ${serials.length} device(s) from Apple Business Manager: Apple's service answers DEVICE_RELEASED for them`;
  }

  /** The profile the admin assigned to a serial (explicit first, then the token's default). */
  assigned(serial: string): AdeProfile | undefined {
    const profiles = this.holder.get().ade?.profiles;
    if (!profiles) return { name: "default", default: true };
    const s = serial.toUpperCase();
    return profiles.find((p) => p.serials?.some((x) => x.toUpperCase() === s)) ?? profiles.find((p) => p.default);
  }

  /** Syncs one serial with Apple (pushes its current assignment when the token allows) and answers what Apple holds. */
  lookup(serial: string): AdeLookup {
    const s = serial.toUpperCase();
    if (this.released.has(s)) {
      return { ok: false, code: "DEVICE_RELEASED", message: "Removed from Apple Business Manager: the record stays for 30-45 days, then disappears" };
    }
    // A denylisted serial gets no profile assigned from now on; one Apple already holds stays (device-lists.ts).
    const denied = adeDenylistedBy(this.holder.get(), serial);
    const want = denied ? undefined : this.assigned(serial);
    const kept = denied ? this.pushed.get(serial) : undefined;
    if (kept) return { ok: true, profile: kept };
    if (!want) return { ok: false, code: "DEVICE_NOT_ASSIGNED", message: denied ? `${denied}: a denylisted device gets no enrollment profile assigned` : "no enrollment profile is assigned to this serial and the token has no default profile" };
    const token = this.token();
    const have = this.pushed.get(serial);
    if (want && token.valid) {
      const settings = want.settings ?? {};
      if (!have || have.name !== want.name || JSON.stringify(have.settings) !== JSON.stringify(settings)) {
        this.pushed.set(serial, { name: want.name, settings: structuredClone(settings), pushedAt: this.now() });
      }
    }
    const now = this.pushed.get(serial);
    if (now) return { ok: true, profile: now };
    return { ok: false, code: "PROFILE_NOT_FOUND", message: `the profile "${want.name}" could not be pushed to Apple: ${token.why}` };
  }
}
