// SPDX-License-Identifier: MIT
/**
 * The identity provider's account lockout after failed sign-ins (`embedded.policy.directory.lockout`), counted per user on
 * the server's clock, for every password sign-in of the embedded server (Windows identity provider and OnPremise, Apple portal and
 * account-driven sign-in, the legacy ADE Setup Assistant sign-in; the Android sign-in reads the lock only). Each half asks
 * {@link SignInLockout.passwordSignIn} and answers a `locked` verdict as its platform's identity provider does.
 *
 * Published (Microsoft Learn, "Protect user accounts from attacks with Microsoft Entra smart lockout"): the account locks
 * after a number of failed sign-ins (the lockout threshold, default 10 in Azure Public, 3 in Azure US Government), for the
 * lockout duration (default 60 seconds); "If the first sign-in after a lockout period has expired also fails, the account
 * locks out again. If an account locks repeatedly, the lockout duration increases." A locked account's sign-in answers
 * AADSTS50053 "The account is locked, you've tried to sign in too many times with an incorrect user ID or password."
 * (Microsoft Entra error codes, IdsLocked). Active Directory's "Account lockout duration" of 0 keeps the account locked
 * until an administrator unlocks it (Microsoft Learn, "Account lockout duration"); Workspace ONE keeps its failed-login
 * count until an admin resets it (Omnissa KB 115001665168, LoginFailedAttempts): `durationSeconds: 0` models both.
 *
 * Assumptions (not published): by how much a repeated lockout grows (`durationGrowth`, a factor per lockout, default 1:
 * no growth); that a correct password before the threshold resets the count (Active Directory's badPwdCount does); that
 * the sign-in which reaches the threshold is still answered as the wrong password it was, the next one as locked; that a
 * sign-in while locked is not counted; the OnPremise UsernameToken of a locked user gets the wrong-password fault (no text is
 * published for it). Not modelled: Entra's "tracks the last three bad password hashes" (a repeated wrong
 * password counting once), familiar-location lockout (AD FS extranet smart lockout), a CAPTCHA.
 */
import type { PolicyConfigHolder } from "./holder.js";
import type { LockoutPolicy } from "./types.js";

export type { LockoutPolicy };

/** What the lockout says about one password sign-in. */
export type LockoutVerdict =
  /** The password was right and the account not locked: the count starts again. */
  | { kind: "ok" }
  /** A wrong password, counted: `failures` so far, `threshold` of the policy (0 when no policy). */
  | { kind: "wrong-password"; failures: number; threshold: number }
  /** The account is locked (whatever the password): until `until` (ms, server clock), or until an admin unlocks it. */
  | { kind: "locked"; until?: number; lockouts: number };

interface UserCount {
  failures: number;
  lastFailureAt: number;
  lockedUntil?: number;
  /** Locked until an admin unlocks (durationSeconds 0). */
  lockedForGood?: boolean;
  lockouts: number;
}

/** One user's lockout state, for the records (GET /policy/api/records) and transcripts. */
export interface LockoutRecord {
  upn: string;
  failures: number;
  lockouts: number;
  /** ISO time the current lockout ends; "admin" while locked until an admin unlocks; absent when not locked. */
  lockedUntil?: string;
}

export const AADSTS50053_TEXT = "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.";

export class SignInLockout {
  private readonly users = new Map<string, UserCount>();

  constructor(
    private readonly holder: PolicyConfigHolder,
    private readonly now: () => number,
  ) {}

  private get policy(): LockoutPolicy | undefined {
    return this.holder.get().directory?.lockout;
  }

  /** Whether `upn` is locked now (a sign-in without a password, such as Android's, reads only this). */
  locked(upn: string | undefined): Extract<LockoutVerdict, { kind: "locked" }> | undefined {
    const u = upn ? this.users.get(upn.toLowerCase()) : undefined;
    if (!u) return undefined;
    if (u.lockedForGood) return { kind: "locked", lockouts: u.lockouts };
    if (u.lockedUntil !== undefined && this.now() < u.lockedUntil) return { kind: "locked", until: u.lockedUntil, lockouts: u.lockouts };
    return undefined;
  }

  /**
   * A password sign-in of `upn` whose password was `passwordOk`: counted, and the verdict. Without a lockout policy a
   * wrong password is only a wrong password (threshold 0) and nothing is kept.
   */
  passwordSignIn(upn: string, passwordOk: boolean): LockoutVerdict {
    const p = this.policy;
    if (!p) return passwordOk ? { kind: "ok" } : { kind: "wrong-password", failures: 0, threshold: 0 };
    const key = upn.toLowerCase();
    const held = this.locked(key);
    if (held) return held;
    const now = this.now();
    const u = this.users.get(key) ?? { failures: 0, lastFailureAt: now, lockouts: 0 };
    if (p.resetCounterAfterSeconds !== undefined && u.failures > 0 && now - u.lastFailureAt > p.resetCounterAfterSeconds * 1000) u.failures = 0;
    if (passwordOk) {
      // The count starts again; a user never locked out leaves nothing behind (a lockout is kept for the growth of the next).
      if (u.lockouts === 0) this.users.delete(key);
      else ((u.failures = 0), this.users.set(key, u));
      return { kind: "ok" };
    }
    const threshold = p.threshold ?? 10;
    u.failures++;
    u.lastFailureAt = now;
    const failures = u.failures;
    if (u.failures >= threshold) {
      const seconds = p.durationSeconds ?? 60;
      if (seconds === 0) u.lockedForGood = true;
      else u.lockedUntil = now + seconds * 1000 * (p.durationGrowth ?? 1) ** u.lockouts;
      u.lockouts++;
      // "If the first sign-in after a lockout period has expired also fails, the account locks out again."
      u.failures = threshold - 1;
    }
    this.users.set(key, u);
    return { kind: "wrong-password", failures, threshold };
  }

  /**
   * An admin unlocks users and clears their failed sign-ins (timeline `unlockUsers`; Entra's admin unlock, Active Directory's
   * Unlock account, Workspace ONE's LoginFailedAttempts reset to 0): all when `upns` is absent. Returns how many users it cleared.
   */
  unlock(upns?: readonly string[]): number {
    const keys = upns ? upns.map((u) => u.toLowerCase()) : [...this.users.keys()];
    let n = 0;
    for (const k of keys) if (this.users.delete(k)) n++;
    return n;
  }

  records(): LockoutRecord[] {
    return [...this.users.entries()].map(([upn, u]) => {
      const l = this.locked(upn);
      return { upn, failures: u.failures, lockouts: u.lockouts, ...(l ? { lockedUntil: l.until !== undefined ? new Date(l.until).toISOString() : "admin" } : {}) };
    });
  }

  /** The server lost its database (timeline restartServer loseState). */
  forget(): void {
    this.users.clear();
  }
}

/** The verdict in words, for a refusal's message and the transcript. */
export function lockoutMessage(upn: string, v: Extract<LockoutVerdict, { kind: "locked" }>): string {
  return `${upn} is locked out after too many failed sign-ins (lockout ${v.lockouts}${v.until !== undefined ? `, until ${new Date(v.until).toISOString()}` : ", until an admin unlocks the account"})`;
}
