// SPDX-License-Identifier: MIT
/**
 * Server policy `embedded.apple.identityRenewal`: renewing a device's MDM identity before it expires.
 *
 * Certificates in a profile with an MDM payload are not renewed by the OS: the server re-sends the
 * enrollment profile over the MDM channel (InstallProfile), with the same profile identifier, Topic,
 * ServerURL and CheckInURL and a new identity payload; the device replaces its MDM profile, gets a
 * new identity and checks in with Authenticate/TokenUpdate again (Jamf Pro API "Renew MDM Profile":
 * "Renews the device's MDM Profile, including the device identity certificate within the MDM
 * Profile"; fleetdm/fleet#19800: an InstallProfile of the enrollment profile with the same root
 * PayloadIdentifier and ServerURL renewed the SCEP certificate; fleetdm/fleet#17232: "on cert
 * renewals the Authenticate method is called"; micromdm/nanomdm#14: "re-send the enrollment profile
 * (via the MDM channel) … which will capture a new Authenticate message"; mdmdirector re-installs
 * the enrollment profile when the certificate has less than a minimum validity left,
 * mdmdirector/mdmdirector#120).
 *
 * When: at a command session's Idle of a device whose identity has `beforeExpirySeconds` or less
 * left. A server only sees a device that checks in, so a device that does not check in within that
 * window (a long check-in interval, offline, a window shorter than the cadence) is not renewed and
 * its identity expires (401 at the next check-in). One renewal per identity: a device that refused
 * it (e.g. Error 12002 when the server's Topic changed) keeps its identity until it expires.
 */
import { parseCommandResult } from "../../wire/apple/mdm.js";
import { parseCertificate } from "../../wire/x509/certificate.js";
import type { PlistDict } from "../../wire/apple/plist.js";
import type { TlsRequest } from "./identity.js";
import type { AppleCore, DeviceRecord } from "./core.js";

export interface RenewalDeps {
  /** The enrollment profile as the server builds it now (its current Topic, URLs and a new identity payload). */
  profile(account?: { mode: "BYOD" | "ADDE"; user: string }, enrollment?: { token: string }, grant?: string): Promise<Uint8Array>;
  enqueue(d: DeviceRecord, requestType: string, payload: PlistDict): string;
}

/** notAfter (ms) of a record's identity, parsed once per DER. */
const notAfterOf = new WeakMap<Uint8Array, number>();

export class IdentityRenewal {
  /** Renewing InstallProfile commands queued (udid, command UUID), oldest first. */
  readonly queued: { udid: string; commandUUID: string; at: number }[] = [];

  constructor(
    private readonly core: AppleCore,
    private readonly deps: RenewalDeps,
  ) {}

  /**
   * Before a command-channel request is answered: at an Idle from a device due for renewal, queue
   * the enrollment profile. Requests that are not a readable Idle are left to the command queue.
   */
  async beforeCommand(req: TlsRequest): Promise<void> {
    const policy = this.core.config.identityRenewal;
    if (!policy || req.method !== "PUT") return;
    let udid: string;
    try {
      const r = parseCommandResult(req.body ?? new Uint8Array(0), { maxBytes: 4 * 1024 * 1024 });
      if (r.status !== "Idle") return;
      udid = r.udid ?? r.enrollmentId!;
    } catch {
      return; // the command queue refuses it with its own status
    }
    const d = this.core.devices.get(udid);
    if (!d || d.checkedOut) return;
    const fp = d.certFingerprint;
    if (d.renewalFor === fp) return;
    let notAfter = notAfterOf.get(d.identity);
    if (notAfter === undefined) {
      notAfter = parseCertificate(d.identity, "device identity").notAfter.getTime();
      notAfterOf.set(d.identity, notAfter);
    }
    const now = this.core.ctx.now();
    if (notAfter - now > policy.beforeExpirySeconds * 1000 || notAfter < now) return;
    d.renewalFor = fp;
    // An account-driven enrollment's profile carries its EnrollmentMode and Managed Apple Account: a User Enrollment has no serial.
    const account = d.accountUser ? { mode: d.serialNumber === undefined ? ("BYOD" as const) : ("ADDE" as const), user: d.accountUser } : undefined;
    // A portal enrollment's CheckInURL names its enrollment: the renewed profile carries the same URL (a changed CheckInURL is refused, 12002).
    // A profile-driven User Enrollment's CheckInURL names its grant: the renewed profile keeps it.
    const bytes = await this.deps.profile(account, d.portalEnrollment !== undefined ? { token: d.portalEnrollment } : undefined, d.userEnrollmentGrant);
    const commandUUID = this.deps.enqueue(d, "InstallProfile", { Payload: bytes });
    this.queued.push({ udid, commandUUID, at: now });
    this.core.log.push(`identity-renewal: InstallProfile ${commandUUID} for ${udid} (identity ${fp.slice(0, 12)}… expires ${new Date(notAfter).toISOString()})`);
    if (this.core.log.length > 200) this.core.log.shift();
  }
}
