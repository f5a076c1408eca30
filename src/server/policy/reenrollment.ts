// SPDX-License-Identifier: MIT
/**
 * Re-enrollment of hardware the tenant already holds a live record for (`embedded.policy.reenrollment`):
 * what the server does when a device enrolls again — reset, redeployed, handed to another user — while
 * the record of its earlier enrollment still exists (the same device key, serial number or IMEI on the
 * same platform). Rules are data, matched by platform and enrollment method, first match wins:
 * - `any`: the enrollment replaces the old record (the default, as before);
 * - `same-user`: only the user recorded on the old record (or anyone when it records none) may enroll;
 * - `none`: refused until an admin deletes the record (timeline `deleteRecords`), or unblocks it: Intune's per-device
 *   "Unblock device" (Graph `windowsAutopilotDeviceIdentity: allowNextEnrollment`, timeline `allowNextEnrollment`)
 *   lets the next enrollment of that hardware through and keeps the record; that enrollment uses the permission up.
 *
 * Built-in rule (after the scenario's own): Windows Autopilot self-deploying and pre-provisioning are
 * one-time deployments. Published (learn.microsoft.com/autopilot/troubleshoot-device-enrollment, "Error
 * code 0x80180014 when re-enrolling using self-deployment or pre-provisioning mode"): "After the first
 * Autopilot deployment, devices with a targeted Autopilot self-deployment mode or pre-provisioning mode
 * profile can't automatically re-enroll using Autopilot"; the device shows 0x80180014 and the ETW log
 * `Fault/Code/Subcode/Value=(DeviceNotSupported) Fault/Reason/Text=(Enrollment blocked for AP device by SDM
 * One Time Limit Check)`; "To reuse a device, the device record created by Intune must be deleted".
 * The Jamf Pro setting "Restrict re-enrollment to authorized users only" is the `same-user` rule of
 * user-initiated enrollment (docs.jamf.com, User-Initiated Enrollment Settings); what its portal shows
 * is not published.
 */
import type { EnrollmentMethod, PolicyPlatform, ReenrollmentRule } from "./types.js";

export type { EnrollmentMethod, ReenrollmentRule };

/** The service's own rules, applied after the tenant's (a tenant rule for the same method overrides them). */
export const BUILT_IN_REENROLLMENT: readonly ReenrollmentRule[] = [{ platform: "windows", method: "autopilot-userless", allow: "none" }];

/** Published refusal texts by platform and method (the SOAP fault's Reason for Windows). */
const PUBLISHED_TEXT: Record<string, string> = {
  "windows/autopilot-userless": "Enrollment blocked for AP device by SDM One Time Limit Check",
};

/** What a live record holds that the rule reads. */
export interface HeldRecord {
  deviceKey: string;
  platform: PolicyPlatform;
  upn?: string;
  serial?: string;
  imei?: string;
  method?: EnrollmentMethod;
  removed?: boolean;
  /** An admin unblocked this record (timeline `allowNextEnrollment`): the next enrollment of its hardware passes a `none` rule once. */
  allowNextEnrollment?: boolean;
}

export interface ReenrollmentQuery {
  platform: PolicyPlatform;
  deviceKey: string;
  serial?: string;
  imei?: string;
  upn?: string;
  method?: EnrollmentMethod;
}

const up = (s: string | undefined) => s?.trim().toUpperCase();
const family = (p: PolicyPlatform) => (p === "macos" ? "macos" : p === "android" ? "android" : p === "windows" ? "windows" : "ios");
const listed = <T>(v: T | T[] | undefined, x: T | undefined): boolean => v === undefined || (x !== undefined && (Array.isArray(v) ? v.includes(x) : v === x));

/** The live record of the same hardware, if the tenant holds one: same device key, serial or IMEI on the same platform. */
export function heldRecordOf<R extends HeldRecord>(records: Iterable<R>, q: ReenrollmentQuery): R | undefined {
  const serial = up(q.serial);
  const imei = q.imei?.replace(/\s/g, "");
  for (const r of records) {
    if (r.removed || family(r.platform) !== family(q.platform)) continue;
    if (r.deviceKey === q.deviceKey || (serial && up(r.serial) === serial) || (imei && r.imei?.replace(/\s/g, "") === imei)) return r;
  }
  return undefined;
}

/** The rule that applies to this enrollment: the tenant's first match, else the built-in one, else `any`. */
export function reenrollmentRule(rules: readonly ReenrollmentRule[] | undefined, q: ReenrollmentQuery): ReenrollmentRule {
  const match = (r: ReenrollmentRule) => listed(r.platform, q.platform) && listed(r.method, q.method);
  return (rules ?? []).find(match) ?? BUILT_IN_REENROLLMENT.find(match) ?? { allow: "any" };
}

/** Why this re-enrollment is refused (undefined: allowed). `held` is the record of the same hardware. */
export function reenrollmentRefusal(rules: readonly ReenrollmentRule[] | undefined, q: ReenrollmentQuery, held: HeldRecord | undefined): { refusal: "reenrollment-blocked" | "reenrollment-other-user"; message: string } | undefined {
  if (!held) return undefined;
  const rule = reenrollmentRule(rules, q);
  const id = q.serial ?? q.deviceKey;
  if (rule.allow === "none" && !held.allowNextEnrollment) {
    const text = PUBLISHED_TEXT[`${q.platform}/${q.method ?? ""}`];
    return { refusal: "reenrollment-blocked", message: text ?? `a device record for ${id} already exists (${held.method ?? "enrolled before"}); re-enrollment is refused until an admin deletes or unblocks the record` };
  }
  if (rule.allow === "same-user" && held.upn && held.upn.toLowerCase() !== q.upn?.toLowerCase()) {
    return { refusal: "reenrollment-other-user", message: `${id} is recorded under ${held.upn}; only that user may re-enroll it (${q.upn ? `${q.upn} tried` : "no user signed in"})` };
  }
  return undefined;
}

const serialKey = (s: string | undefined): string | undefined => up(s) || undefined;
const imeiKey = (s: string | undefined): string | undefined => s?.replace(/\s/g, "") || undefined;

/**
 * The tenant's records by device key (a Map, in enrollment order), indexed by the identifiers
 * {@link heldRecordOf} matches on (serial, IMEI) and by user, so that deciding one enrollment reads
 * the few records of the same hardware or user instead of every record: with a scan, each decision
 * cost O(records) and a fleet's enrollment O(records²) (at 50,000 devices the server scanned ≈ 1.25
 * billion records during the enrolment phase; docs/performance.md, "Server CPU per enrolment").
 *
 * The answers are those of the scan, in the same order: {@link held} returns what
 * `heldRecordOf(this.values(), q)` returns, and {@link ofUser} the records whose user is `upn`, in
 * the Map's order. Identifiers are indexed when a record is stored (`set`); the flags a record
 * changes in place (`removed`) are read at query time. A record's user is the one field set in
 * place after it is stored (a Company Portal sign-in on a userless enrollment): set it through
 * {@link assignUser}. Invariant: a record is stored under its own `deviceKey`.
 */
export class EnrollmentRecords<R extends HeldRecord> extends Map<string, R> {
  /** Position in the Map's order (a replaced record keeps its place, as in a Map). */
  private readonly position = new Map<string, number>();
  private nextPosition = 0;
  private readonly bySerial = new Map<string, Set<string>>();
  private readonly byImei = new Map<string, Set<string>>();
  private readonly byUser = new Map<string, Set<string>>();

  override set(key: string, rec: R): this {
    const was = super.get(key);
    if (was) this.unindex(key, was);
    else this.position.set(key, this.nextPosition++);
    super.set(key, rec);
    this.index(key, rec);
    return this;
  }

  override delete(key: string): boolean {
    const was = super.get(key);
    if (was) (this.unindex(key, was), this.position.delete(key));
    return super.delete(key);
  }

  override clear(): void {
    super.clear();
    this.position.clear();
    this.bySerial.clear();
    this.byImei.clear();
    this.byUser.clear();
  }

  /** The same answer as `heldRecordOf(this.values(), q)`. */
  held(q: ReenrollmentQuery): R | undefined {
    const keys = new Set<string>([q.deviceKey]);
    const serial = serialKey(q.serial);
    const imei = imeiKey(q.imei);
    for (const k of (serial && this.bySerial.get(serial)) || []) keys.add(k);
    for (const k of (imei && this.byImei.get(imei)) || []) keys.add(k);
    return heldRecordOf(this.inOrder(keys), q);
  }

  /** The records whose user is `upn` (compared in lower case), in the Map's order. */
  ofUser(upn: string): R[] {
    const u = upn.toLowerCase();
    return this.inOrder(this.byUser.get(u) ?? []).filter((r) => r.upn?.toLowerCase() === u);
  }

  /** Gives a stored record its user (the one field changed in place after storing). */
  assignUser(key: string, upn: string): void {
    const rec = super.get(key);
    if (!rec) return;
    this.unindex(key, rec);
    rec.upn = upn;
    this.index(key, rec);
  }

  /** The stored records of these keys, in the Map's order. */
  private inOrder(keys: Iterable<string>): R[] {
    const ks = [...keys].filter((k) => this.position.has(k));
    if (ks.length > 1) ks.sort((a, b) => this.position.get(a)! - this.position.get(b)!);
    return ks.map((k) => super.get(k)!);
  }

  private index(key: string, rec: R): void {
    add(this.bySerial, serialKey(rec.serial), key);
    add(this.byImei, imeiKey(rec.imei), key);
    add(this.byUser, rec.upn?.toLowerCase(), key);
  }

  private unindex(key: string, rec: R): void {
    drop(this.bySerial, serialKey(rec.serial), key);
    drop(this.byImei, imeiKey(rec.imei), key);
    drop(this.byUser, rec.upn?.toLowerCase(), key);
  }
}

function add(m: Map<string, Set<string>>, k: string | undefined, key: string): void {
  if (k === undefined) return;
  const s = m.get(k);
  if (s) s.add(key);
  else m.set(k, new Set([key]));
}

function drop(m: Map<string, Set<string>>, k: string | undefined, key: string): void {
  const s = k === undefined ? undefined : m.get(k);
  if (!s) return;
  s.delete(key);
  if (s.size === 0) m.delete(k!);
}
