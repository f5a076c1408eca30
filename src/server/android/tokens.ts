// SPDX-License-Identifier: MIT
/**
 * Enrollment tokens with AMAPI semantics: duration (default 1 h; at most 90 days for userless
 * dedicated/AOSP tokens; none for fully managed), one-time use, revocation, allowPersonalUsage.
 */
import type { AllowPersonalUsage, EnrollmentToken } from "../../wire/android/amapi.js";
import { formatDuration } from "../../wire/android/amapi.js";
import { MAX_USERLESS_TOKEN_SECONDS } from "./config.js";

export interface StoredToken {
  id: string;
  value: string;
  profile: string;
  createdAt: number;
  /** undefined: never expires. */
  expiresAt?: number;
  oneTimeOnly: boolean;
  revoked: boolean;
  uses: number;
  allowPersonalUsage: AllowPersonalUsage;
  policyName?: string;
  additionalData?: string;
}

export type RedeemError = "TOKEN_NOT_FOUND" | "TOKEN_EXPIRED" | "TOKEN_REVOKED" | "TOKEN_ALREADY_USED" | "MODE_NOT_ALLOWED";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export class TokenStore {
  private readonly byValue = new Map<string, StoredToken>();
  private counter = 0;

  constructor(
    private readonly enterpriseId: string,
    private readonly now: () => number,
    private readonly random: (n: number) => Uint8Array,
  ) {}

  /** Issues a token; throws a RangeError (→ 400 INVALID_ARGUMENT) for an over-long userless token. */
  issue(t: { profile: string; durationSeconds?: number; oneTimeOnly?: boolean; allowPersonalUsage?: AllowPersonalUsage; policyName?: string; additionalData?: string }): StoredToken {
    const apu = t.allowPersonalUsage ?? "ALLOW_PERSONAL_USAGE_UNSPECIFIED";
    if (apu === "PERSONAL_USAGE_DISALLOWED_USERLESS" && (t.durationSeconds === undefined || t.durationSeconds > MAX_USERLESS_TOKEN_SECONDS))
      throw new RangeError(`tokens for dedicated (userless) devices expire after at most 90 days (${MAX_USERLESS_TOKEN_SECONDS}s)`);
    if (t.durationSeconds !== undefined && (t.durationSeconds < 60 || t.durationSeconds > 10_000 * 365 * 86_400)) throw new RangeError("duration must be between 1 minute and ~10,000 years");
    if (t.additionalData !== undefined && t.additionalData.length > 1024) throw new RangeError("additionalData is longer than 1024 characters");
    const value = [...this.random(20)].map((b) => ALPHABET[b % 26]).join("");
    const createdAt = this.now();
    const tok: StoredToken = {
      id: `t${++this.counter}`,
      value,
      profile: t.profile,
      createdAt,
      expiresAt: t.durationSeconds === undefined ? undefined : createdAt + t.durationSeconds * 1000,
      oneTimeOnly: t.oneTimeOnly ?? false,
      revoked: false,
      uses: 0,
      allowPersonalUsage: apu,
      policyName: t.policyName,
      additionalData: t.additionalData,
    };
    this.byValue.set(value, tok);
    return tok;
  }

  get(value: string): StoredToken | undefined {
    return this.byValue.get(value);
  }

  revoke(id: string): boolean {
    for (const t of this.byValue.values()) if (t.id === id) return (t.revoked = true);
    return false;
  }

  /** Revokes every token (an admin revoking enrollment tokens); returns how many were valid. */
  revokeAll(): number {
    let n = 0;
    for (const t of this.byValue.values()) if (!t.revoked) (t.revoked = true, n++);
    return n;
  }

  /** Every token expires now; returns how many had not expired yet. */
  expireAll(): number {
    const now = this.now();
    let n = 0;
    for (const t of this.byValue.values()) if (t.expiresAt === undefined || t.expiresAt > now) (t.expiresAt = now, n++);
    return n;
  }

  /** Checks and consumes a token for a device asking for a management mode. */
  redeem(value: string, managementMode: string, ownership: string): { ok: true; token: StoredToken } | { ok: false; reason: RedeemError; message: string } {
    const t = this.byValue.get(value);
    if (!t) return { ok: false, reason: "TOKEN_NOT_FOUND", message: "Enrollment token not found" };
    if (t.revoked) return { ok: false, reason: "TOKEN_REVOKED", message: "Enrollment token has been revoked" };
    if (t.expiresAt !== undefined && this.now() >= t.expiresAt) return { ok: false, reason: "TOKEN_EXPIRED", message: `Enrollment token expired at ${new Date(t.expiresAt).toISOString()}` };
    if (t.oneTimeOnly && t.uses > 0) return { ok: false, reason: "TOKEN_ALREADY_USED", message: "One-time enrollment token was already used" };
    const apu = t.allowPersonalUsage;
    if ((apu === "PERSONAL_USAGE_DISALLOWED" || apu === "PERSONAL_USAGE_DISALLOWED_USERLESS") && managementMode !== "DEVICE_OWNER")
      return { ok: false, reason: "MODE_NOT_ALLOWED", message: `${apu} needs a fully managed device, not ${managementMode}` };
    if (apu === "PERSONAL_USAGE_ALLOWED" && managementMode === "DEVICE_OWNER")
      return { ok: false, reason: "MODE_NOT_ALLOWED", message: "PERSONAL_USAGE_ALLOWED needs a work profile, not a fully managed device" };
    if (ownership === "PERSONALLY_OWNED" && apu !== "PERSONAL_USAGE_ALLOWED" && apu !== "ALLOW_PERSONAL_USAGE_UNSPECIFIED")
      return { ok: false, reason: "MODE_NOT_ALLOWED", message: "personally owned devices need a PERSONAL_USAGE_ALLOWED token" };
    t.uses++;
    return { ok: true, token: t };
  }

  resource(t: StoredToken, qrCode?: string): EnrollmentToken {
    return {
      name: `enterprises/${this.enterpriseId}/enrollmentTokens/${t.id}`,
      value: t.value,
      duration: t.expiresAt === undefined ? "315360000000s" : formatDuration(t.expiresAt - t.createdAt),
      expirationTimestamp: t.expiresAt === undefined ? undefined : new Date(t.expiresAt).toISOString(),
      policyName: t.policyName,
      additionalData: t.additionalData,
      oneTimeOnly: t.oneTimeOnly,
      allowPersonalUsage: t.allowPersonalUsage,
      qrCode,
    };
  }
}
