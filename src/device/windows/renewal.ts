// SPDX-License-Identifier: MIT
/**
 * Scheduled renewal of the MDM client certificate from the provisioning document's WSTEP `Renew`
 * characteristic (MS-MDE2 / CertificateStore CSP `My/WSTEP/Renew`): `RenewPeriod` = days before expiry at which
 * the client starts renewing, `RetryInterval` = days between attempts after a failed one, `ROBOSupport` = the
 * server supports renew-on-behalf-of (the WSTEP Renew request; without it enrollsim does not renew on schedule).
 * The device checks before each scheduled OMA-DM poll (all times on the device's clock); attempts stop once the
 * certificate has expired. Each attempt is recorded for the flow report (`windows.renewals`).
 */
import type { Clock } from "../../ports/clock.js";

const DAY = 86_400_000;

export interface RenewParams {
  roboSupport?: boolean;
  renewPeriodDays?: number;
  retryIntervalDays?: number;
}

export interface RenewalAttempt {
  /** Device time of the attempt (ms since epoch). */
  at: number;
  ok: boolean;
  error?: string;
}

export class RenewalSchedule {
  /** Next attempt (ms since epoch), undefined when nothing is scheduled. */
  next: number | undefined;
  readonly attempts: RenewalAttempt[] = [];
  private notAfter = 0;

  constructor(
    /** The device's clock (the scenario clock plus its offset): the schedule compares it with the certificate's dates. */
    private readonly clock: Pick<Clock, "now">,
    private readonly params: RenewParams | undefined,
  ) {}

  /** Valid RenewPeriod/RetryInterval (days, positive) and ROBO support. */
  get enabled(): boolean {
    const p = this.params;
    return !!p?.roboSupport && (p.renewPeriodDays ?? 0) > 0 && (p.retryIntervalDays ?? 0) > 0;
  }

  /** A (new) certificate is in use: renew it RenewPeriod days before it expires. */
  certificate(notAfter: Date): void {
    this.notAfter = notAfter.getTime();
    this.next = this.enabled ? this.notAfter - this.params!.renewPeriodDays! * DAY : undefined;
  }

  due(): boolean {
    return this.next !== undefined && this.clock.now() >= this.next && this.clock.now() < this.notAfter;
  }

  /** Records an attempt; a failure schedules the next one RetryInterval days later (while the certificate is valid). */
  record(ok: boolean, error?: string): void {
    this.attempts.push({ at: this.clock.now(), ok, ...(error ? { error } : {}) });
    if (!ok) {
      const next = this.clock.now() + this.params!.retryIntervalDays! * DAY;
      this.next = next < this.notAfter ? next : undefined;
    }
  }
}
