// SPDX-License-Identifier: MIT
/**
 * The reference server's policy engine: one per server, consulted by every half. It decides
 * enrollments (restrictions with priority, ownership from corporate identifiers, device limits,
 * DEM ceilings, MDM user scope, terms), directory joins (who may join, the per-user quota, which
 * scope applies), compliance with a grace period and conditional access. It keeps the records
 * those decisions need (who enrolled what, joins, accepted terms, noncompliance clocks) and
 * answers with typed values; each half turns a refusal into its platform's wire answer.
 *
 * Configuration is read through `holder.get()` at every decision, so a runtime change (timeline
 * action, `holder.set("userScope.mdm", "none")`) applies to the next request.
 */
import { SignInLockout } from "./lockout.js";
import { policyRecords, type PolicyRecords } from "./records-view.js";
import type { POLICY_REFUSALS } from "../../runner/scenario/expect-schema.js";
import { evaluateCompliance, type ComplianceState, type DeviceFacts, type IntegrityFacts, type PolicyResult } from "./compliance.js";
import { groupsOf, inScope, licensed, targets } from "./directory.js";
import { AdeAssignments } from "./ade.js";
import { coveredBy, enrolledStanding, licenceRefusal, type LicenceRefusal, type ServiceStanding } from "./licences.js";
import { appId, ConditionalAccessState, evaluateCa, type CaDecision, type CaSignIn } from "./conditional-access.js";
import { DirectoryObjects, type DirectoryRefusal } from "./directory-objects.js";
import { PolicyConfigHolder } from "./holder.js";
import { deviceListRefusal, type DeviceListRefusal } from "./device-lists.js";
import { EnrollmentRecords, reenrollmentRefusal, type EnrollmentMethod } from "./reenrollment.js";
import { unblockRecords, type RecordId } from "./unblock.js";
import { refusedFirmware } from "./tpm-attestation.js";
import type { JoinDecision, JoinRefusal, JoinRequest } from "./join-types.js";
import { checkPlatformRule, resolveLimitPolicy, resolvePlatformPolicy, type AppliedPolicy, type RestrictionRefusal } from "./restrictions.js";
import type { AutopilotProfilePolicy, PolicyConfig, PolicyPlatform, TermsPolicy } from "./types.js";

/** Documented DEM ceiling (server-policies.md §6). */
export const DEM_LIMIT = 1000;
/** Entra "Maximum number of devices per user" default (§3). */
export const DEFAULT_DEVICE_QUOTA = 50;

export interface EnrollmentRequest {
  platform: PolicyPlatform;
  /** Stable key of the device in this half (Windows DeviceID, Apple UDID or serial, Android device id). */
  deviceKey: string;
  /** Enrolling user; undefined for userless enrollments (bulk, self-deploying, ADE without affinity). */
  upn?: string;
  osVersion?: string;
  manufacturer?: string;
  model?: string;
  serial?: string;
  imei?: string;
  /** Apple UDID and the MAC addresses the device reports, where its method sends them (device-lists.ts). */
  udid?: string;
  macs?: string[];
  /** Ownership the enrollment method implies before identifiers (§4.1): e.g. ADE, Autopilot = corporate. */
  methodOwnership: "corporate" | "personal";
  /**
   * The ownership a personal-device block judges when it differs from the recorded one (Windows: an OOBE Entra join
   * of a PC not registered with Autopilot is recorded corporate but blocked as personal; windows/enrollment-paths.ts).
   * A DEM account or a corporate identifier still makes it corporate.
   */
  restrictionOwnership?: "personal";
  /** The method counts toward the Intune per-user device limit (§2.6, §3 table). */
  countsTowardLimit: boolean;
  /** The OS range is enforced for this method (§2.4: not Apple ADE/Configurator). Default true. */
  osRangeApplies?: boolean;
  /** An iOS User Enrollment profile overrides the personally-owned block (§2.4, §7.7). */
  userEnrollment?: boolean;
  /** Reached through the directory's automatic enrollment (Windows join/registration, GPO): MDM user scope applies (§5). */
  viaAutoEnrollment?: boolean;
  /** A lower DEM ceiling this method has (§6: Android personally owned work profile, 10 per DEM). */
  demCeiling?: number;
  /** How it enrolls (reenrollment.ts): the re-enrollment rules match on it. */
  method?: EnrollmentMethod;
}

export type EnrollmentRefusal = RestrictionRefusal | DeviceListRefusal | "device-limit" | "dem-limit" | "outside-mdm-scope" | "terms-not-accepted" | "reenrollment-blocked" | "reenrollment-other-user" | LicenceRefusal;
/** Every refusal reason; the vocabulary `expect.server.refusals` validates against. */
export type PolicyRefusal = (typeof POLICY_REFUSALS)[number];
// Compile-time check that the engine's reasons and the scenario vocabulary are the same set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameVocabulary: Same<EnrollmentRefusal | "join-not-allowed" | "device-quota" | DirectoryRefusal, PolicyRefusal> = true;
void sameVocabulary;

export type EnrollmentDecision =
  | { ok: true; ownership: "corporate" | "personal"; platformPolicy: AppliedPolicy; limitPolicy?: AppliedPolicy; dem: boolean }
  | { ok: false; refusal: EnrollmentRefusal; message: string; policy?: AppliedPolicy; ownership: "corporate" | "personal" };

export interface EnrollmentRecord {
  deviceKey: string;
  platform: PolicyPlatform;
  upn?: string;
  ownership: "corporate" | "personal";
  osVersion?: string;
  countsTowardLimit: boolean;
  dem: boolean;
  enrolledAt: number;
  platformPolicy: AppliedPolicy;
  limitPolicy?: AppliedPolicy;
  removed?: boolean;
  /** The hardware's identifiers and how it enrolled (re-enrollment rules find the same hardware by them). */
  serial?: string;
  imei?: string;
  method?: EnrollmentMethod;
  /** An admin unblocked it (reenrollment.ts HeldRecord; policy/unblock.ts). */
  allowNextEnrollment?: boolean;
  /** Per compliance policy: when it was first seen failing. */
  noncompliantSince: Map<string, number>;
  /** Android: the security patch level the device last reported. */
  securityPatch?: string;
  /** Android: the device's integrity as last received (Play Integrity verdict, root detection; compliance.ts). */
  integrity?: IntegrityFacts;
}

export type { JoinDecision, JoinRefusal, JoinRequest } from "./join-types.js";

export type { PolicyEnrollmentView, PolicyRecords } from "./records-view.js";

export type AccessDecision = { allowed: true; state: ComplianceState } | { allowed: false; state: ComplianceState; reason: "not-enrolled" | "noncompliant"; results: PolicyResult[]; decision: CaDecision };

export class PolicyEngine {
  readonly holder: PolicyConfigHolder;
  /** Records by device key, indexed by serial, IMEI and user (a decision reads the few of the same hardware or user, not every record). */
  readonly enrollments = new EnrollmentRecords<EnrollmentRecord>();
  /** The directory's device objects (directory-objects.ts). */
  readonly directory: DirectoryObjects;
  /** When the server started: licence end dates given in seconds count from here (licences.ts). */
  readonly startedAt: number;
  /** Accepted terms: `upn|name` → version. */
  readonly accepted = new Map<string, number>();
  readonly refusals: { at: number; deviceKey: string; refusal: PolicyRefusal; message: string }[] = [];
  /** ADE token and profile assignment (ade.ts). */
  readonly ade: AdeAssignments;
  /** Terms-of-use consents and the sign-in log of conditional access (conditional-access.ts). */
  readonly ca = new ConditionalAccessState();
  /** Failed password sign-ins per user and the lockouts they caused (lockout.ts). */
  readonly lockout: SignInLockout;

  constructor(
    config: PolicyConfig | PolicyConfigHolder = {},
    private readonly now: () => number = Date.now,
  ) {
    this.holder = config instanceof PolicyConfigHolder ? config : new PolicyConfigHolder(config);
    this.startedAt = now();
    this.ade = new AdeAssignments(this.holder, now);
    this.directory = new DirectoryObjects(this.holder);
    this.lockout = new SignInLockout(this.holder, now);
  }

  get config(): PolicyConfig {
    return this.holder.get();
  }

  /** The user holds an MDM licence (directory.users[].licensed; default true). */
  isLicensed(upn: string | undefined): boolean {
    return licensed(this.config, upn);
  }

  isDem(upn: string | undefined): boolean {
    return !!upn && (this.config.deviceEnrollmentManagers?.users ?? []).some((u) => u.toLowerCase() === upn.toLowerCase());
  }

  /** Corporate when the method says so, the user is a DEM, or an imported identifier matches (§4). */
  ownership(r: Pick<EnrollmentRequest, "platform" | "methodOwnership" | "upn" | "serial" | "imei" | "manufacturer" | "model">): "corporate" | "personal" {
    if (r.methodOwnership === "corporate" || this.isDem(r.upn)) return "corporate";
    const ids = this.config.corporateIdentifiers;
    const up = (s?: string) => s?.trim().toUpperCase();
    if (r.platform === "windows") {
      const hit = ids?.windows?.some((t) => up(t.serial) === up(r.serial) && up(t.manufacturer) === up(r.manufacturer) && up(t.model) === up(r.model));
      return hit ? "corporate" : "personal";
    }
    // The serial CSV import refuses a file with a serial containing a period: nothing of it is imported (§4.2).
    const serials = new Set((ids?.serials ?? []).some((s) => s.includes(".")) ? [] : (ids?.serials ?? []).map((s) => up(s)));
    const imeis = new Set((ids?.imeis ?? []).map((s) => s.replace(/\s/g, "")));
    if ((r.serial && serials.has(up(r.serial))) || (r.imei && imeis.has(r.imei.replace(/\s/g, "")))) return "corporate";
    return "personal";
  }

  /** Why the corporate serial import failed, if it did (for the server log). */
  importProblem(): string | undefined {
    const bad = (this.config.corporateIdentifiers?.serials ?? []).filter((s) => s.includes("."));
    return bad.length ? `corporate identifier upload failed: ${bad.length} entr${bad.length === 1 ? "y contains" : "ies contain"} "." (e.g. ${bad[0]}); nothing was imported` : undefined;
  }

  /** Live devices of a user that count toward a limit. */
  countedDevices(upn: string, opts: { dem?: boolean } = {}): EnrollmentRecord[] {
    const u = upn.toLowerCase();
    return this.enrollments.ofUser(u).filter((e) => !e.removed && (opts.dem ? e.dem : e.countsTowardLimit && !e.dem));
  }

  /** Decides an enrollment in the order of §2.7; nothing is recorded (call {@link enrolled} once it succeeds). */
  decide(r: EnrollmentRequest): EnrollmentDecision {
    const cfg = this.config;
    const ownership = this.ownership(r);
    const dem = this.isDem(r.upn);
    const refuse = (refusal: EnrollmentRefusal, message: string, policy?: AppliedPolicy): EnrollmentDecision => {
      this.note(r.deviceKey, refusal, message);
      return { ok: false, refusal, message, ownership, ...(policy ? { policy } : {}) };
    };
    if (r.viaAutoEnrollment && r.upn && !this.mdmInScope(r.upn)) return refuse("outside-mdm-scope", `${r.upn} is outside the MDM user scope`);
    // The tenant's deny and allow-only lists of devices by identifier (device-lists.ts).
    const listed = deviceListRefusal(cfg, r);
    if (listed) return refuse(listed.refusal, listed.message);
    // The same hardware enrolling again while its record is live: the tenant's re-enrollment rules (reenrollment.ts).
    this.seedRecords();
    const held = reenrollmentRefusal(cfg.reenrollment, r, this.enrollments.held(r));
    if (held) return refuse(held.refusal, held.message);
    // Restrictions are user-targeted; a userless enrollment gets the Default alone (§2.2).
    const { applied, rule } = resolvePlatformPolicy(cfg, r.platform, r.upn);
    const judged = r.restrictionOwnership ? this.ownership({ ...r, methodOwnership: r.restrictionOwnership }) : ownership;
    const bad = checkPlatformRule(rule, { osVersion: r.osVersion, manufacturer: r.manufacturer, ownership: dem || r.userEnrollment ? "corporate" : judged, osRangeApplies: r.osRangeApplies ?? true });
    if (bad) return refuse(bad.refusal, `${bad.message} (restriction "${applied.name}", priority ${applied.priority})`, applied);
    const limited = this.limitCheck(r);
    if (limited && "refusal" in limited) return refuse(limited.refusal, limited.message, limited.policy);
    const limitPolicy = limited?.policy;
    // Seats are counted only when a licence with seats is in play (every record is read then).
    let live: EnrollmentRecord[] | undefined;
    const seatsUsed = (l: Parameters<typeof coveredBy>[1]): number => (live ??= [...this.enrollments.values()].filter((e) => !e.removed && e.deviceKey !== r.deviceKey)).filter((e) => coveredBy(cfg, l, e)).length;
    const lic = licenceRefusal(cfg, r, this.now(), this.startedAt, seatsUsed);
    if (lic) return refuse(lic.refusal, lic.message);
    if (r.upn && this.pendingTerms(r.upn).length) {
      return refuse("terms-not-accepted", `${r.upn} has not accepted ${this.pendingTerms(r.upn).map((t) => `"${t.name}" v${t.version ?? 1}`).join(", ")}`);
    }
    return { ok: true, ownership, platformPolicy: applied, ...(limitPolicy ? { limitPolicy } : {}), dem };
  }

  /**
   * The user's device limit (a device enrollment manager's ceiling for a DEM) against this enrollment: a refusal, or the
   * limit restriction that applied (undefined when no limit applies: no user, not counted, or the same device again).
   * {@link decide} uses it; the Company Portal's Android route (server/android/half.ts) asks it before any work profile
   * exists, where Intune refuses a user over the limit ("Device limit reached" in the app).
   */
  limitCheck(r: Pick<EnrollmentRequest, "deviceKey" | "upn" | "countsTowardLimit" | "demCeiling">): { refusal: "device-limit" | "dem-limit"; message: string; policy?: AppliedPolicy } | { policy: AppliedPolicy } | undefined {
    if (!r.upn) return undefined;
    const again = this.enrollments.get(r.deviceKey);
    if (again && !again.removed && again.upn?.toLowerCase() === r.upn.toLowerCase()) return undefined;
    if (this.isDem(r.upn)) {
      const ceiling = Math.min(this.config.deviceEnrollmentManagers?.limit ?? DEM_LIMIT, r.demCeiling ?? DEM_LIMIT);
      const n = this.countedDevices(r.upn, { dem: true }).length;
      return n >= ceiling ? { refusal: "dem-limit", message: `device enrollment manager ${r.upn} already has ${n} devices (limit ${ceiling})` } : undefined;
    }
    if (!r.countsTowardLimit) return undefined;
    const lim = resolveLimitPolicy(this.config, r.upn);
    const n = this.countedDevices(r.upn).length;
    if (n >= lim.limit) return { refusal: "device-limit", message: `${r.upn} already has ${n} enrolled devices (limit ${lim.limit}, restriction "${lim.applied.name}")`, policy: lim.applied };
    return { policy: lim.applied };
  }

  /** Records a successful enrollment (replacing an earlier one of the same device). */
  enrolled(r: EnrollmentRequest, d: Extract<EnrollmentDecision, { ok: true }>): EnrollmentRecord {
    const rec: EnrollmentRecord = {
      deviceKey: r.deviceKey,
      platform: r.platform,
      ...(r.upn ? { upn: r.upn.toLowerCase() } : {}),
      ownership: d.ownership,
      ...(r.osVersion ? { osVersion: r.osVersion } : {}),
      ...(r.serial ? { serial: r.serial } : {}),
      ...(r.imei ? { imei: r.imei } : {}),
      ...(r.method ? { method: r.method } : {}),
      countsTowardLimit: r.countsTowardLimit,
      dem: d.dem,
      enrolledAt: this.now(),
      platformPolicy: d.platformPolicy,
      ...(d.limitPolicy ? { limitPolicy: d.limitPolicy } : {}),
      noncompliantSince: new Map(),
    };
    // An unblocked record (allowNextEnrollment) lets one enrollment through: this one uses the permission up.
    const unblocked = this.enrollments.held(r);
    if (unblocked?.allowNextEnrollment) delete unblocked.allowNextEnrollment;
    this.enrollments.set(r.deviceKey, rec);
    this.compliance(r.deviceKey); // starts a grace-period clock at enrollment
    return rec;
  }

  /** The inventory from before the run (`records`), added once per configuration it appears in; a record deleted since stays deleted. */
  private seeded = { generation: -1, json: "" };
  private seedRecords(): void {
    if (this.holder.generation === this.seeded.generation) return;
    this.seeded.generation = this.holder.generation;
    const json = JSON.stringify(this.config.records ?? []);
    if (json === this.seeded.json) return;
    this.seeded.json = json;
    for (const spec of this.config.records ?? []) {
      const ids: { serial?: string; imei?: string }[] = [...(spec.serials ?? []).map((serial) => ({ serial })), ...(spec.imeis ?? []).map((imei) => ({ imei }))];
      for (const id of ids) {
        const deviceKey = `before-run:${id.serial ?? id.imei}`;
        if (this.enrollments.has(deviceKey)) continue;
        const applied: AppliedPolicy = { name: "(enrolled before the run)", priority: 0, target: "Device" };
        this.enrollments.set(deviceKey, { deviceKey, platform: spec.platform, ...(spec.user ? { upn: spec.user.toLowerCase() } : {}), ...id, ...(spec.method ? { method: spec.method } : {}), ownership: "corporate", countsTowardLimit: false, dem: false, enrolledAt: this.now(), platformPolicy: applied, noncompliantSince: new Map() });
      }
    }
  }

  /** The admin's "Unblock device" on these records (unblock.ts): what each record's state made of it, in words. */
  allowNextEnrollment(ids: readonly RecordId[]): string {
    this.seedRecords();
    return unblockRecords(this.enrollments, this.config.reenrollment, ids);
  }

  /** An admin deleted these devices' records in the console: their records from before the run (`records`) go too, found by serial or IMEI. */
  removeRecordsBefore(ids: readonly { serial?: string; imei?: string }[]): number {
    this.seedRecords();
    const up = (x: string | undefined) => x?.replace(/\s/g, "").toUpperCase();
    const want = new Set(ids.flatMap((i) => [up(i.serial), up(i.imei)]).filter((x): x is string => !!x));
    let n = 0;
    for (const rec of this.enrollments.values()) {
      if (rec.removed || !rec.deviceKey.startsWith("before-run:") || !(want.has(up(rec.serial) ?? "") || want.has(up(rec.imei) ?? ""))) continue;
      rec.removed = true;
      n++;
    }
    return n;
  }

  /** Unenrolled, retired or deleted: the device no longer counts. */
  removed(deviceKey: string): void {
    const rec = this.enrollments.get(deviceKey);
    if (rec) rec.removed = true;
  }

  /** The server lost its database (timeline restart with loseState): enrollments, accepted terms and refusals are gone; the tenant configuration, the directory's joins and what Apple holds stay. */
  forgetRecords(): void {
    this.enrollments.clear();
    this.accepted.clear();
    this.refusals.length = 0;
    this.ca.forget();
    this.lockout.forget();
  }

  /**
   * An enrolled device's service as its licences leave it now (licences.ts enrolledStanding): licensed, restricted
   * (its half serves what it already has and withholds new configuration, apps and commands) or refused. A device the
   * engine holds no live record of is licensed (nothing to judge).
   */
  serviceStanding(deviceKey: string): ServiceStanding {
    const rec = this.enrollments.get(deviceKey);
    if (!rec || rec.removed) return { state: "licensed" };
    return enrolledStanding(this.config, rec, this.now(), this.startedAt);
  }

  /** A user signed in on a userless enrollment (Company Portal registration): the device gets its primary user. */
  assignUser(deviceKey: string, upn: string): void {
    const rec = this.enrollments.get(deviceKey);
    if (rec && !rec.upn) this.enrollments.assignUser(deviceKey, upn.toLowerCase());
  }

  /** The device reported new facts (check-in inventory, an Android status report's patch level and integrity). */
  observe(deviceKey: string, facts: { osVersion?: string; securityPatch?: string; integrity?: IntegrityFacts }): void {
    const rec = this.enrollments.get(deviceKey);
    if (rec && facts.osVersion) rec.osVersion = facts.osVersion;
    if (rec && facts.securityPatch) rec.securityPatch = facts.securityPatch;
    if (rec && facts.integrity) rec.integrity = facts.integrity;
    if (rec) this.compliance(deviceKey);
  }

  // ---- Directory ----

  mdmInScope(upn: string | undefined): boolean {
    return inScope(this.config, this.config.userScope?.mdm, upn, true);
  }

  mamInScope(upn: string | undefined): boolean {
    return inScope(this.config, this.config.userScope?.mam, upn, false);
  }

  /**
   * Entra join or registration (§3, §5; directory-objects.ts): the device's object first (deleted,
   * disabled, not synced, a TPM 1.2 key, two Autopilot profiles), then "users may join devices" (joins
   * only), the per-user device quota (registered + joined), then which management the scopes give: MAM
   * wins on a registered personal device, MDM on a joined one.
   */
  join(q: JoinRequest): JoinDecision {
    const cfg = this.config;
    const upn = q.upn?.toLowerCase();
    const obj = this.directory.find({ deviceId: q.deviceKey, serial: q.serial });
    const byId = obj?.deviceId === q.deviceKey.toUpperCase();
    // The objects the device authenticates as: its Autopilot object (attested), its synced computer object (hybrid), its own id.
    if (obj?.state === "disabled" && (q.attested || q.hybrid || byId)) return this.joinRefusal(q.deviceKey, "device-object-disabled", `the device object of ${q.serial ?? q.deviceKey} is disabled`);
    // An unlisted computer counts as synced (Entra Connect syncs the domain's computers); a listed pending or deleted one is not found.
    if (q.hybrid && (obj?.state === "pending" || obj?.state === "deleted")) return this.joinRefusal(q.deviceKey, "device-object-pending", `The device object by the given ID (${q.deviceKey}) is not found: it has not synced from Active Directory`);
    if (q.attested && q.serial) {
      const gone = obj ? obj.state === "deleted" : !this.autopilotRegistered(q.serial);
      if (gone) return this.joinRefusal(q.deviceKey, "device-object-missing", `no Autopilot device object for serial ${q.serial} in the directory${obj ? " (deleted)" : ""}`);
    }
    if (q.autopilot && q.tpm === "1.2") return this.joinRefusal(q.deviceKey, "device-attestation-refused", "the device's keys are bound to a TPM 1.2 (a 2.0-capable chip not upgraded to 2.0 firmware)");
    // The attestation model (tpm-attestation.ts): firmware on a refused list fails the TPM validation of an attested join.
    const fw = q.attested ? refusedFirmware({ ...(q.tpmManufacturerId ? { manufacturerId: q.tpmManufacturerId } : {}), ...(q.tpmFirmwareVersion ? { firmwareVersion: q.tpmFirmwareVersion } : {}) }, cfg.attestation) : undefined;
    if (fw) return this.joinRefusal(q.deviceKey, "tpm-attestation-refused", `TPM ${q.tpmManufacturerId} firmware ${q.tpmFirmwareVersion} is in a refused range (${fw.from}–${fw.to}: ${fw.source})`);
    if (q.autopilot && q.serial && this.autopilotProfiles(q.serial).length > 1) {
      return this.joinRefusal(q.deviceKey, "autopilot-profile-conflict", `serial ${q.serial} is assigned ${this.autopilotProfiles(q.serial).map((p) => `"${p.name}"`).join(" and ")}`);
    }
    // "Users may join devices" and the quota concern user joins and registrations, not hybrid sync joins (§3).
    if (upn && !q.registration && !q.attested && !q.hybrid && !inScope(cfg, cfg.directory?.usersMayJoin, upn, true)) {
      return this.joinRefusal(q.deviceKey, "join-not-allowed", "The user is not authorized to join devices to the directory");
    }
    const mine = obj && obj.state !== "deleted" ? obj : undefined;
    if (upn && !q.hybrid && (!mine || mine.owner !== upn)) {
      const quota = cfg.directory?.deviceQuota ?? DEFAULT_DEVICE_QUOTA;
      const n = this.directory.ownedBy(upn, mine).length;
      if (n >= quota) return this.joinRefusal(q.deviceKey, "device-quota", `The user has reached the maximum number of devices (${n} of ${quota}) in the directory`);
    }
    // A user-driven join binds (or creates) the device's object; an attested join authenticates as the Autopilot one.
    this.directory.put(
      { deviceId: q.deviceKey, ...(q.serial ? { serial: q.serial } : {}) },
      { state: "enabled", joinType: q.hybrid ? "hybrid" : q.registration ? "registered" : "joined", ...(upn ? { owner: upn } : {}), ...(q.autopilot ? { autopilot: true } : {}), attested: !!q.attested, origin: mine ? mine.origin : "join", joinedAt: this.now() },
    );
    const mdm = this.mdmInScope(upn);
    const mam = this.mamInScope(upn);
    return q.registration ? { ok: true, mdm: mdm && !mam, mam } : { ok: true, mdm: upn ? mdm : true, mam: upn ? mam && !mdm : false };
  }

  private joinRefusal(deviceKey: string, refusal: JoinRefusal, message: string): JoinDecision {
    this.note(deviceKey, refusal, message);
    return { ok: false, refusal, message };
  }

  /** A refusal a half decided with the engine's rules outside {@link decide} (the Company Portal's Android route), kept for `expect.server.refusals`. */
  recordRefusal(deviceKey: string, refusal: PolicyRefusal, message: string): void {
    this.note(deviceKey, refusal, message);
  }

  private note(deviceKey: string, refusal: PolicyRefusal, message: string): void {
    this.refusals.push({ at: this.now(), deviceKey, refusal, message });
    if (this.refusals.length > 1000) this.refusals.shift();
  }

  // ---- Autopilot ----

  /** The deployment profile assigned to a registered serial: a profile, none, or "unconfigured" (no profiles in the policy). */
  /** Whether the tenant imported this serial's hardware hash (autopilot.registered; absent: every serial). */
  autopilotRegistered(serial: string): boolean {
    const list = this.config.autopilot?.registered;
    return list === undefined || list.some((x) => x.toUpperCase() === serial.toUpperCase());
  }

  /** The profiles that name this serial explicitly (more than one is a conflicting assignment). */
  autopilotProfiles(serial: string): AutopilotProfilePolicy[] {
    const s = serial.toUpperCase();
    return (this.config.autopilot?.profiles ?? []).filter((p) => p.serials?.some((x) => x.toUpperCase() === s));
  }

  autopilotProfile(serial: string): AutopilotProfilePolicy | undefined | "unconfigured" {
    const profiles = this.config.autopilot?.profiles;
    if (!profiles) return "unconfigured";
    const s = serial.toUpperCase();
    return profiles.find((p) => p.serials?.some((x) => x.toUpperCase() === s)) ?? profiles.find((p) => p.default);
  }

  // ---- Terms and conditions (§10.1): per user per version ----

  pendingTerms(upn: string): TermsPolicy[] {
    return (this.config.terms ?? []).filter((t) => targets(this.config, t.assign, upn) && (this.accepted.get(`${upn.toLowerCase()}|${t.name}`) ?? 0) < (t.version ?? 1));
  }

  acceptTerms(upn: string, only?: readonly { name: string; version: number }[]): number {
    const pending = this.pendingTerms(upn).filter((t) => !only || only.some((a) => a.name === t.name && a.version === (t.version ?? 1)));
    for (const t of pending) this.accepted.set(`${upn.toLowerCase()}|${t.name}`, t.version ?? 1);
    return pending.length;
  }

  // ---- Compliance and conditional access ----

  facts(rec: EnrollmentRecord): DeviceFacts {
    return { platform: rec.platform, ...(rec.upn ? { upn: rec.upn } : {}), ...(rec.osVersion ? { osVersion: rec.osVersion } : {}), ownership: rec.ownership, ...(rec.securityPatch ? { securityPatch: rec.securityPatch } : {}), ...(rec.integrity ? { integrity: rec.integrity } : {}) };
  }

  compliance(deviceKey: string): { state: ComplianceState; results: PolicyResult[] } {
    const rec = this.enrollments.get(deviceKey);
    if (!rec || rec.removed) return { state: "not-evaluated", results: [] };
    return evaluateCompliance(this.config, this.facts(rec), rec.noncompliantSince, this.now());
  }

  /** Conditional access for one sign-in (conditional-access.ts), logged in `records().signIns`. */
  signIn(s: CaSignIn): CaDecision {
    const d = evaluateCa(this.config, s, (doc) => this.ca.accepted(doc, s.upn, s.device.id));
    this.ca.log(this.now(), s, d);
    return d;
  }

  /** Whether the device is marked compliant (compliant or in its grace period; §11.3). */
  markedCompliant(deviceKey: string | undefined): boolean {
    if (!deviceKey || !this.enrollments.has(deviceKey)) return false;
    const s = this.compliance(deviceKey).state;
    return s === "compliant" || s === "in-grace";
  }

  /**
   * A cloud app's access for an enrolled device (the Store licence service): its user's sign-in with the
   * device's compliance, under the tenant's policies. `evaluated: false` is a device the service has not
   * evaluated yet (not marked compliant whatever its policies say).
   */
  access(deviceKey: string | undefined, app: string, opts: { evaluated?: boolean } = {}): AccessDecision {
    const rec = deviceKey ? this.enrollments.get(deviceKey) : undefined;
    const state = deviceKey && rec ? this.compliance(deviceKey).state : "not-evaluated";
    const compliant = opts.evaluated !== false && this.markedCompliant(deviceKey);
    const d = this.signIn({ ...(rec?.upn ? { upn: rec.upn } : {}), app: appId(app), platform: rec?.platform ?? "windows", clientApp: "mobileAppsAndDesktopClients", device: { ...(deviceKey ? { id: deviceKey } : {}), compliant, hybridJoined: false }, mfa: false });
    if (d.kind === "granted") return { allowed: true, state };
    if (!rec) return { allowed: false, state: "not-evaluated", reason: "not-enrolled", results: [], decision: d };
    return { allowed: false, state, reason: "noncompliant", results: this.compliance(deviceKey!).results, decision: d };
  }

  /** Read-only records for `expect.server` (server/records.ts) and GET /policy/api/records (records-view.ts). */
  records(): PolicyRecords {
    return policyRecords(this);
  }

  /** Groups of a user (for transcripts). */
  groups(upn: string): string[] {
    return [...groupsOf(this.config, upn)];
  }
}
