// SPDX-License-Identifier: MIT
/**
 * Fake Android Management API: Google's side towards an EMM (notes android.md §10).
 *
 * EMM-facing REST (under {prefix}/v1): GET enterprises; POST/DELETE enterprises/{e}/enrollmentTokens;
 * GET enterprises/{e}/devices; GET/PATCH/DELETE …/devices/{d}; POST …/devices/{d}:issueCommand;
 * PATCH/POST …/policies/{p} (version counter); 501 for the rest. Device-facing (enrollsim's own,
 * Google's is private): POST {prefix}/device/v1/enrollmentTokens:redeem, …/{device}:reportStatus,
 * …/{operation}:ack. Pub/Sub-shaped notifications (ENROLLMENT, STATUS_REPORT, COMMAND) are posted
 * to the EMM push endpoint, or kept in an in-memory log when none is configured.
 */
import type { PolicyEngine } from "../policy/engine.js";
import { androidPathRefusal, emmReason, redeemRequest, refusalError, versionRefusal } from "./policy-gate.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { AmapiDevice, NotificationType, Operation, PubsubPush } from "../../wire/android/amapi.js";
import { ALLOW_PERSONAL_USAGE, parseDuration, STATUS_ACK_MAX_COMMANDS, type AllowPersonalUsage } from "../../wire/android/amapi.js";
import type { AndroidHalfConfig } from "./config.js";
import { readApplicationPolicies, readApplicationReports, type ApplicationPolicy } from "../../wire/android/oem-apps.js";
import { googleError, jsonRes, readJson } from "./respond.js";
import { invalidDelegatedScopes } from "../../wire/android/delegation.js";
import type { TokenStore } from "./tokens.js";
import { decodeKeyDescription, deviceVerdict, readIntegritySignals, securityPosture, type IntegritySignals } from "../../wire/android/integrity.js";
import { DEFAULT_NONCE_VALIDITY_SECONDS, IntegrityNonces, NONCE_REFUSAL_TEXT } from "./integrity-nonces.js";

export interface FakeAmapiDeps {
  config: AndroidHalfConfig;
  tokens: TokenStore;
  now: () => number;
  /** Builds the QR payload JSON text for a token (qrCode output field). */
  qrCodeFor: (tokenValue: string, req: HttpRequest) => string;
  /** Parks a request until the server closes (stall fault). */
  stall: () => Promise<HttpResponse>;
  /** Delivers a data message to a device's FCM registration token (the mock FCM queue). */
  fcmSend?: (token: string, data: Record<string, string>) => void;
  /** The tenant's admin rules (server/policy). */
  policy: PolicyEngine;
}

/** Commands a licence-restricted device still gets (Knox Manage: Unenroll Device, Factory Reset): AMAPI's WIPE and RELINQUISH_OWNERSHIP. */
const RESTRICTED_COMMANDS: ReadonlySet<string> = new Set(["WIPE", "RELINQUISH_OWNERSHIP"]);

/** AMAPI WipeDataFlag values (enterprises.devices.delete). */
export const WIPE_DATA_FLAGS = ["PRESERVE_RESET_PROTECTION_DATA", "WIPE_EXTERNAL_STORAGE", "WIPE_ESIMS"];

export class FakeAmapi {
  readonly devices = new Map<string, AmapiDevice>();
  readonly policies = new Map<string, { version: number; body: Record<string, unknown> }>();
  readonly notifications: PubsubPush[] = [];
  readonly pushFailures: string[] = [];
  private readonly pending = new Map<string, Operation[]>();
  /** Hardware serial → device resource name (latest enrollment), for enrollsim's steady-state status reports. */
  private readonly bySerial = new Map<string, string>();
  /** Device resource name → FCM registration token the device registered at enrollment. */
  readonly fcmTokens = new Map<string, string>();
  /** Devices deleted with a wipe, still waiting to acknowledge it (not in the EMM's view). */
  private readonly wiping = new Map<string, AmapiDevice>();
  /** Operation names of pending WIPE commands. */
  private readonly wipeOps = new Set<string>();
  /** Device resource name → the managed apps of the profile it enrolled with (Policy.applications). */
  private readonly applications = new Map<string, ApplicationPolicy[]>();
  /** Device resource name → the profile (embedded.android.profiles key) it enrolled with: its apps are read per status report. */
  private readonly profileOf = new Map<string, string>();
  /** Policy name → its profile's apps as last seen: a change (a timeline `set` of the profile's applications) is a new policy version, as a PATCH is. */
  private readonly profileApps = new Map<string, string>();
  /** Device resource name → what its last served status report gave it (a restricted device keeps getting this). */
  private readonly delivered = new Map<string, { policyVersion: string; applications?: ApplicationPolicy[]; passwordPolicies?: unknown[]; openNetworkConfiguration?: Record<string, unknown> }>();
  private seq = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  /** One-time nonces the device attests with (integrity-nonces.ts); their validity is the tenant's setting, read per issue. */
  readonly integrityNonces: IntegrityNonces;

  constructor(private readonly d: FakeAmapiDeps) {
    this.integrityNonces = new IntegrityNonces(d.now, () => this.d.config.amapi.integrityNonceValiditySeconds ?? DEFAULT_NONCE_VALIDITY_SECONDS);
  }

  private get e(): string {
    return this.d.config.enterpriseId;
  }

  private iso(): string {
    return new Date(this.d.now()).toISOString();
  }

  private policyVersion(name?: string): string {
    return String(name ? (this.policies.get(name)?.version ?? 1) : 1);
  }

  /**
   * The policy a served status report gives the device, remembered as delivered: its applications (a PATCHed policy's
   * list wins over its profile's current one, else the enrollment's) and its version (a change of the profile's apps
   * counts as a new version, as a PATCH does).
   */
  private served(dev: AmapiDevice): { policyVersion: string; applications?: ApplicationPolicy[]; passwordPolicies?: unknown[]; openNetworkConfiguration?: Record<string, unknown> } {
    const profile = this.profileOf.get(dev.name);
    const fromProfile = profile ? this.d.config.profiles[profile]?.applications : undefined;
    if (dev.policyName) {
      const seen = JSON.stringify(fromProfile ?? null);
      const before = this.profileApps.get(dev.policyName);
      if (before !== undefined && before !== seen) {
        const p = this.policies.get(dev.policyName) ?? { version: 1, body: {} };
        this.policies.set(dev.policyName, { ...p, version: p.version + 1 });
      }
      if (this.profileApps.size < 10_000 || before !== undefined) this.profileApps.set(dev.policyName, seen);
    }
    const patched = dev.policyName ? this.policies.get(dev.policyName)?.body.applications : undefined;
    const applications = patched !== undefined ? readApplicationPolicies(patched) : fromProfile ? fromProfile.map((a) => ({ installType: "FORCE_INSTALLED", ...a })) : this.applications.get(dev.name);
    // The profile's password requirements (read per report, so a timeline `set` of them reaches the device at its next report).
    const passwordPolicies = profile ? this.d.config.profiles[profile]?.passwordPolicies : undefined;
    const onc = profile ? this.d.config.profiles[profile]?.openNetworkConfiguration : undefined;
    const out = { policyVersion: this.policyVersion(dev.policyName), ...(applications ? { applications } : {}), ...(passwordPolicies?.length ? { passwordPolicies } : {}), ...(onc ? { openNetworkConfiguration: onc } : {}) };
    this.delivered.set(dev.name, out);
    return out;
  }

  /** Publishes one notification (fire-and-forget towards an external endpoint). */
  private publish(type: NotificationType, data: unknown): void {
    const msg: PubsubPush = {
      message: { attributes: { notificationType: type }, data: Buffer.from(JSON.stringify(data)).toString("base64"), messageId: String(++this.seq), publishTime: this.iso() },
      subscription: `projects/enrollsim/subscriptions/${this.e}`,
    };
    if (this.notifications.length < 100_000) this.notifications.push(msg);
    const endpoint = this.d.config.amapi.pushEndpoint;
    if (!endpoint) return;
    const p = fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(msg), signal: AbortSignal.timeout(10_000) })
      .then((r) => {
        if (!r.ok) this.pushFailures.push(`HTTP ${r.status}`);
      })
      .catch((err: unknown) => this.pushFailures.push(String(err)))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  async handle(req: HttpRequest, path: string): Promise<HttpResponse> {
    if (path.startsWith("/device/v1/")) return this.device(req, path.slice("/device/v1/".length));
    if (path.startsWith("/v1/")) return this.emm(req, path.slice("/v1/".length));
    return googleError(404, "NOT_FOUND", `no such AMAPI path ${path}`);
  }

  // ---------------------------------------------------------------- device-facing
  private async device(req: HttpRequest, rest: string): Promise<HttpResponse> {
    const fault = this.d.config.amapi.fault;
    if (fault === "stall") return this.d.stall();
    if (req.method !== "POST") return googleError(405, "INVALID_ARGUMENT", "POST only");
    const body = readJson(req.body);
    if (!body) return googleError(400, "INVALID_ARGUMENT", "body is not a JSON object");
    if (rest === "integrityNonces") {
      const serial = (body.hardwareInfo as { serialNumber?: unknown } | undefined)?.serialNumber;
      if (typeof serial !== "string" || serial === "") return googleError(400, "INVALID_ARGUMENT", "hardwareInfo.serialNumber is required");
      return jsonRes(200, { nonce: this.integrityNonces.issue(serial) });
    }
    if (rest === "enrollmentTokens:redeem") {
      const value = typeof body.enrollmentToken === "string" ? body.enrollmentToken : "";
      const mm = String(body.managementMode ?? "");
      const known = this.d.tokens.get(value);
      const prof = known ? this.d.config.profiles[known.profile] : undefined;
      if (prof?.kmeUser !== undefined && known && body.enrollmentUser !== prof.kmeUser)
        return googleError(403, "PERMISSION_DENIED", `This device is assigned to another user: only ${prof.kmeUser} can enroll it`, "USER_MISMATCH");
      // A personally owned work profile meets the tenant's work-profile switch as the owner its corporate identifiers make it.
      const pre = redeemRequest(body, `amapi:serial:${String((body.hardwareInfo as { serialNumber?: unknown } | undefined)?.serialNumber ?? "unknown")}`);
      const wp = mm === "PROFILE_OWNER" && body.ownership === "PERSONALLY_OWNED" && typeof body.apiLevel === "number" ? androidPathRefusal(this.d.policy, "androidWorkProfile", body.apiLevel, pre) : undefined;
      if (wp) {
        this.d.policy.recordRefusal(pre.deviceKey, wp.refusal, wp.message);
        return googleError(403, "PERMISSION_DENIED", `Device can't be enrolled: Android API level ${String(body.apiLevel)}: ${wp.message} (work profile restriction)`, versionRefusal(wp) ? "VERSION_BLOCKED" : "ENROLLMENT_BLOCKED");
      }
      const r = this.d.tokens.redeem(value, mm, String(body.ownership ?? ""));
      if (!r.ok) return googleError(r.reason === "TOKEN_NOT_FOUND" ? 404 : 400, r.reason === "TOKEN_NOT_FOUND" ? "NOT_FOUND" : "FAILED_PRECONDITION", r.message, r.reason);
      const hw = (body.hardwareInfo ?? {}) as AmapiDevice["hardwareInfo"] & object;
      const id = `3${(++this.seq).toString(16).padStart(15, "0")}`;
      // Tenant platform restriction (policy-gate.ts): manufacturer, OS range, personally owned.
      const request = redeemRequest(body, `amapi:${id}`);
      const decision = this.d.policy.decide(request);
      if (!decision.ok) return googleError(...refusalError(decision));
      // What the device sent of its integrity, read before anything is recorded: a malformed envelope is refused.
      const signals = this.signals(body);
      if (signals instanceof Error) return googleError(400, "INVALID_ARGUMENT", signals.message);
      this.d.policy.enrolled(request, decision);
      const name = `enterprises/${this.e}/devices/${id}`;
      const t = r.token;
      const dev: AmapiDevice = {
        name,
        managementMode: mm === "PROFILE_OWNER" ? "PROFILE_OWNER" : "DEVICE_OWNER",
        ownership: body.ownership === "PERSONALLY_OWNED" ? "PERSONALLY_OWNED" : "COMPANY_OWNED",
        state: "ACTIVE",
        appliedState: "ACTIVE",
        policyName: t.policyName,
        appliedPolicyName: t.policyName,
        appliedPolicyVersion: this.policyVersion(t.policyName),
        policyCompliant: true,
        enrollmentTime: this.iso(),
        enrollmentTokenName: `enterprises/${this.e}/enrollmentTokens/${t.id}`,
        enrollmentTokenData: t.additionalData,
        apiLevel: typeof body.apiLevel === "number" ? body.apiLevel : undefined,
        hardwareInfo: hw,
        softwareInfo: body.softwareInfo as AmapiDevice["softwareInfo"],
        networkInfo: body.networkInfo as AmapiDevice["networkInfo"],
      };
      this.devices.set(name, dev);
      this.observeIntegrity(dev, request.deviceKey, signals, body);
      if (prof?.applications?.length) this.applications.set(name, prof.applications.map((a) => ({ installType: "FORCE_INSTALLED", ...a })));
      if (known) this.profileOf.set(name, known.profile);
      this.served(dev); // the policy as enrolled: the baseline later changes are versions after
      if (typeof hw.serialNumber === "string" && this.bySerial.size < 1_000_000) this.bySerial.set(hw.serialNumber, name);
      if (typeof body.fcmToken === "string" && /^[\w:-]{1,200}$/.test(body.fcmToken)) this.fcmTokens.set(name, body.fcmToken);
      for (let i = 0; i < this.d.config.amapi.pendingCommands; i++) this.queue(name, { type: "LOCK" });
      this.publish("ENROLLMENT", dev);
      return jsonRes(200, dev);
    }
    const report = /^(enterprises\/[^/]+\/devices\/[^/:]+):reportStatus$/.exec(rest);
    if (report || rest === "devices:reportStatus") {
      const serial = (body.hardwareInfo as { serialNumber?: unknown } | undefined)?.serialNumber;
      const key = report ? report[1]! : typeof serial === "string" ? this.bySerial.get(serial) : undefined;
      const dev = key === undefined ? undefined : (this.devices.get(key) ?? this.wiping.get(key));
      if (!dev) return googleError(404, "NOT_FOUND", "device not found");
      // The device's licences (policy/licences.ts enrolledStanding): refused (403, it stays enrolled) or restricted (served what it has).
      const recordKey = `amapi:${dev.name.slice(dev.name.lastIndexOf("/") + 1)}`;
      const lic = this.d.policy.serviceStanding(recordKey);
      if (lic.state === "refused") {
        this.d.policy.recordRefusal(recordKey, lic.refusal, lic.message);
        return googleError(403, "PERMISSION_DENIED", `Licence problem: ${lic.message}`, emmReason(lic.refusal));
      }
      const signals = this.signals(body);
      if (signals instanceof Error) return googleError(400, "INVALID_ARGUMENT", signals.message);
      this.observeIntegrity(dev, recordKey, signals, body);
      dev.lastStatusReportTime = this.iso();
      dev.lastPolicySyncTime = dev.lastStatusReportTime;
      dev.appliedPolicyVersion = typeof body.appliedPolicyVersion === "string" ? body.appliedPolicyVersion : dev.appliedPolicyVersion;
      // A report without policyCompliant (a check-in's first report, before the device applied the policy it is served) keeps the last one.
      if (typeof body.policyCompliant === "boolean" || body.nonComplianceDetails !== undefined) {
        dev.policyCompliant = body.policyCompliant !== false;
        const details = Array.isArray(body.nonComplianceDetails) ? body.nonComplianceDetails.slice(0, 50).filter((d): d is { settingName: string; nonComplianceReason: string } => typeof d === "object" && d !== null && typeof (d as { settingName?: unknown }).settingName === "string") : [];
        if (details.length) dev.nonComplianceDetails = details;
        else delete dev.nonComplianceDetails;
      }
      if (Array.isArray(body.applicationReports)) dev.applicationReports = readApplicationReports(body.applicationReports);
      this.publish("STATUS_REPORT", dev);
      if (lic.state === "restricted") {
        // Knox "Renew an expired license": the existing policy stays, nothing new is deployed, and only Unenroll and
        // Factory Reset still reach the device; the rest waits. `serviceRestricted` is enrollsim's stand-in member (the
        // Knox Manage agent's own channel is private; Google's AMAPI has no such field).
        const pending = this.pending.get(dev.name) ?? [];
        const pendingCommands = pending.filter((op) => RESTRICTED_COMMANDS.has(String(op.metadata?.type))).slice(0, STATUS_ACK_MAX_COMMANDS);
        this.pending.set(dev.name, pending.filter((op) => !pendingCommands.includes(op)));
        const kept = this.delivered.get(dev.name) ?? { policyVersion: dev.appliedPolicyVersion ?? "1" };
        return jsonRes(200, { ...kept, pendingCommands, serviceRestricted: { reason: emmReason(lic.refusal), licence: lic.licence, message: lic.message } });
      }
      // At most STATUS_ACK_MAX_COMMANDS per answer; the rest wait for the device's next report (nothing is dropped).
      const pending = this.pending.get(dev.name) ?? [];
      const pendingCommands = pending.splice(0, STATUS_ACK_MAX_COMMANDS);
      if (pending.length === 0) this.pending.delete(dev.name);
      return jsonRes(200, { ...this.served(dev), pendingCommands });
    }
    const ack = /^(enterprises\/[^/]+\/devices\/[^/:]+\/operations\/[^/:]+):ack$/.exec(rest);
    if (ack) {
      const op: Operation = { name: ack[1]!, done: true, metadata: { "@type": "type.googleapis.com/google.android.devicemanagement.v1.CommandMetadata" } };
      this.publish("COMMAND", op);
      const device = ack[1]!.replace(/\/operations\/[^/]+$/, "");
      if (this.wipeOps.delete(ack[1]!)) this.forget(device);
      return jsonRes(200, {});
    }
    return googleError(404, "NOT_FOUND", `no such device endpoint ${rest}`);
  }

  /** The integrity envelope of a device request (wire/android/integrity.ts), undefined when absent, an Error when malformed. */
  private signals(body: Record<string, unknown>): IntegritySignals | undefined | Error {
    try {
      const s = readIntegritySignals(body.integrity);
      if (s) decodeKeyDescription(s); // the KeyDescription must be readable DER
      return s;
    } catch (e) {
      return e as Error;
    }
  }

  /**
   * Google's stand-in evaluates what the device sent (wire/android/integrity.ts): the Play Integrity device verdict (as a
   * server receives it decoded; nothing here is signed by Google) and the AMAPI securityPosture on the device resource;
   * the tenant's compliance (Intune reads Play's verdict) gets the verdict, the root detection and the patch level.
   *
   * The attested key's challenge must be a nonce this server issued to this device, unused and within its validity
   * (integrity-nonces.ts). Evidence that is not (missing, replayed, edited, expired, another device's) earns no verdict:
   * securityPosture POSTURE_UNSPECIFIED, and compliance sees "no verdict received" with the reason. AMAPI publishes no
   * error for a replayed attestation, and Play Integrity leaves the refusal to the server that checks requestDetails
   * (developer.android.com/google/play/integrity/classic); withholding the verdict, rather than failing the request, is
   * an assumption (the request itself is well formed).
   */
  private observeIntegrity(dev: AmapiDevice, recordKey: string, s: IntegritySignals | undefined, body: Record<string, unknown>): void {
    const patch = (body.softwareInfo as { securityPatchLevel?: unknown } | undefined)?.securityPatchLevel;
    const securityPatch = typeof patch === "string" && /^\d{4}-\d{2}-\d{2}$/.test(patch) ? patch : undefined;
    if (securityPatch) dev.softwareInfo = { ...(dev.softwareInfo ?? {}), securityPatchLevel: securityPatch };
    if (!s) {
      this.d.policy.observe(recordKey, { ...(securityPatch ? { securityPatch } : {}) });
      return;
    }
    const challenge = decodeKeyDescription(s)?.attestationChallenge;
    // Evidence without an attested key has no challenge either: it is not bound to this request ("missing").
    const refused = this.integrityNonces.consume(challenge, String(dev.hardwareInfo?.serialNumber ?? ""));
    if (refused) {
      dev.securityPosture = securityPosture(undefined, s);
      this.d.policy.observe(recordKey, { ...(securityPatch ? { securityPatch } : {}), integrity: { rootDetected: s.rootDetected, withheld: NONCE_REFUSAL_TEXT[refused] } });
      return;
    }
    const verdict = s.gms ? deviceVerdict(s, this.d.now(), dev.apiLevel) : undefined;
    dev.securityPosture = securityPosture(verdict, s);
    this.d.policy.observe(recordKey, { ...(securityPatch ? { securityPatch } : {}), integrity: { ...(verdict ? { verdict: verdict.deviceRecognitionVerdict } : {}), rootDetected: s.rootDetected } });
  }

  /**
   * A remote wipe (AMAPI `enterprises.devices.delete` with `wipeDataFlags`, or `issueCommand` type WIPE):
   * the device gets a WIPE command at its next status report (sooner when an FCM tickle wakes it),
   * acknowledges it and wipes itself — a factory reset of a company-owned device, the work profile of a
   * personally owned one. A delete takes the resource out of the EMM's view at once (devices.get answers
   * 404); the command carries on until the device's acknowledgement ends the record
   * (https://developers.google.com/android/management/reference/rest/v1/enterprises.devices/delete,
   * …/enterprises.devices/issueCommand#Command.CommandType WIPE).
   */
  wipe(name: string, how: { delete: boolean; wipeDataFlags?: string[]; reason?: string }): Operation | undefined {
    const dev = this.devices.get(name) ?? this.wiping.get(name);
    if (!dev) return undefined;
    const op = this.queue(name, { type: "WIPE", wipeParams: { ...(how.wipeDataFlags?.length ? { wipeDataFlags: how.wipeDataFlags } : {}), ...(how.reason ? { wipeReason: { defaultMessage: how.reason } } : {}) } });
    this.wipeOps.add(op.name);
    if (how.delete && this.devices.delete(name)) this.wiping.set(name, dev);
    const fcm = this.fcmTokens.get(name);
    if (fcm) this.d.fcmSend?.(fcm, { type: "SYNC", reason: "COMMAND", operation: op.name });
    return op;
  }

  /** The device resource name of a hardware serial's latest enrollment (the device's steady-state channel identifies by serial). */
  nameForSerial(serial: string): string | undefined {
    return this.bySerial.get(serial);
  }

  /** Device resource names of a hardware serial (every enrollment of it the server holds). */
  namesForSerials(serials: ReadonlySet<string>): string[] {
    return [...this.devices.values(), ...this.wiping.values()].filter((d) => serials.has(String(d.hardwareInfo?.serialNumber ?? ""))).map((d) => d.name);
  }

  /** The wiped device is gone: its resource, its FCM registration and its serial mapping; it no longer counts for its user. */
  private forget(name: string): void {
    const dev = this.devices.get(name) ?? this.wiping.get(name);
    this.devices.delete(name);
    this.wiping.delete(name);
    this.fcmTokens.delete(name);
    this.profileOf.delete(name);
    this.delivered.delete(name);
    const serial = dev?.hardwareInfo?.serialNumber;
    if (typeof serial === "string" && this.bySerial.get(serial) === name) this.bySerial.delete(serial);
    this.d.policy.removed(`amapi:${name.slice(name.lastIndexOf("/") + 1)}`);
  }

  private queue(device: string, command: Record<string, unknown>): Operation {
    // An issueCommand Operation's metadata is the Command itself (type, createTime, …).
    const op: Operation = { name: `${device}/operations/${++this.seq}`, done: false, metadata: { "@type": "type.googleapis.com/google.android.devicemanagement.v1.Command", ...command, createTime: this.iso() } };
    const list = this.pending.get(device) ?? [];
    if (list.length < 100) list.push(op);
    this.pending.set(device, list);
    return op;
  }

  // ---------------------------------------------------------------- EMM-facing
  private emm(req: HttpRequest, rest: string): HttpResponse {
    const method = req.method as string;
    const url = new URL(req.url, "http://x");
    if (rest === "enterprises" && req.method === "GET") return jsonRes(200, { enterprises: [{ name: `enterprises/${this.e}`, enterpriseDisplayName: "enrollsim", pubsubTopic: "projects/enrollsim/topics/amapi", enabledNotificationTypes: ["ENROLLMENT", "STATUS_REPORT", "COMMAND"] }] });
    const m = /^enterprises\/([^/]+)\/(.*)$/.exec(rest);
    if (!m) return googleError(501, "UNIMPLEMENTED", `not emulated: ${rest}`);
    if (m[1] !== this.e) return googleError(404, "NOT_FOUND", `enterprise ${m[1]} not found`);
    const sub = m[2]!;
    const body = req.body ? readJson(req.body) : {};
    if (req.body && !body) return googleError(400, "INVALID_ARGUMENT", "body is not a JSON object");
    if (sub === "enrollmentTokens" && req.method === "POST") return this.createToken(req, body ?? {});
    const tok = /^enrollmentTokens\/([^/]+)$/.exec(sub);
    if (tok && req.method === "DELETE") return this.d.tokens.revoke(tok[1]!) ? jsonRes(200, {}) : googleError(404, "NOT_FOUND", "token not found");
    if (sub === "devices" && req.method === "GET") {
      const all = [...this.devices.values()];
      const size = Math.min(Math.max(Number(url.searchParams.get("pageSize") ?? 100) || 100, 1), 1000);
      const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
      const page = all.slice(start, start + size);
      return jsonRes(200, { devices: page, ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) });
    }
    const dm = /^devices\/([^/:]+)(:issueCommand)?$/.exec(sub);
    if (dm) {
      const name = `enterprises/${this.e}/devices/${dm[1]}`;
      const dev = this.devices.get(name);
      if (!dev) return googleError(404, "NOT_FOUND", `${name} not found`);
      if (dm[2]) {
        if (req.method !== "POST") return googleError(405, "INVALID_ARGUMENT", "POST only");
        const type = (body ?? {}).type;
        if (typeof type !== "string") return googleError(400, "INVALID_ARGUMENT", "command type is required");
        if (type === "WIPE") return jsonRes(200, this.wipe(name, { delete: false, wipeDataFlags: ((body ?? {}).wipeParams as { wipeDataFlags?: unknown } | undefined)?.wipeDataFlags as string[] | undefined }));
        const op = this.queue(name, body ?? {});
        // Google tickles the device over FCM so it syncs now instead of at its next status report.
        const fcm = this.fcmTokens.get(name);
        if (fcm) this.d.fcmSend?.(fcm, { type: "SYNC", reason: "COMMAND", operation: op.name });
        return jsonRes(200, op);
      }
      if (req.method === "GET") return jsonRes(200, dev);
      if (req.method === "DELETE") {
        const flags = url.searchParams.getAll("wipeDataFlags").flatMap((f) => f.split(",")).filter((f) => WIPE_DATA_FLAGS.includes(f));
        const reason = url.searchParams.get("wipeReasonMessage") ?? undefined;
        this.wipe(name, { delete: true, wipeDataFlags: flags, ...(reason ? { reason: reason.slice(0, 200) } : {}) });
        return jsonRes(200, {});
      }
      if (method === "PATCH" || method === "PUT") {
        const mask = url.searchParams.get("updateMask")?.split(",") ?? Object.keys(body ?? {});
        for (const k of mask) if (["state", "policyName", "userName"].includes(k) && typeof (body ?? {})[k] === "string") (dev as unknown as Record<string, unknown>)[k] = (body ?? {})[k];
        return jsonRes(200, dev);
      }
    }
    const pm = /^policies\/([^/]+)$/.exec(sub);
    if (pm && (method === "PATCH" || method === "POST" || method === "PUT")) {
      const name = `enterprises/${this.e}/policies/${pm[1]}`;
      // Google's JSON mapping refuses an unknown enum value before anything is stored (wire/android/delegation.ts).
      const badScope = invalidDelegatedScopes((body ?? {}).applications);
      if (badScope) return googleError(400, "INVALID_ARGUMENT", badScope);
      const prev = this.policies.get(name);
      const next = { version: (prev?.version ?? 0) + 1, body: body ?? {} };
      this.policies.set(name, next);
      return jsonRes(200, { ...next.body, name, version: String(next.version) });
    }
    if (pm && req.method === "GET") {
      const name = `enterprises/${this.e}/policies/${pm[1]}`;
      const p = this.policies.get(name);
      return p ? jsonRes(200, { ...p.body, name, version: String(p.version) }) : googleError(404, "NOT_FOUND", `${name} not found`);
    }
    return googleError(501, "UNIMPLEMENTED", `not emulated: ${req.method} ${rest}`);
  }

  private createToken(req: HttpRequest, body: Record<string, unknown>): HttpResponse {
    const duration = body.duration === undefined ? 3_600_000 : typeof body.duration === "string" ? parseDuration(body.duration) : undefined;
    if (duration === undefined) return googleError(400, "INVALID_ARGUMENT", "duration must look like \"3600s\"");
    const apu = (body.allowPersonalUsage ?? "ALLOW_PERSONAL_USAGE_UNSPECIFIED") as AllowPersonalUsage;
    if (!ALLOW_PERSONAL_USAGE.includes(apu)) return googleError(400, "INVALID_ARGUMENT", `allowPersonalUsage ${String(apu)}`);
    try {
      const t = this.d.tokens.issue({
        profile: "api",
        durationSeconds: duration / 1000,
        oneTimeOnly: body.oneTimeOnly === true,
        allowPersonalUsage: apu,
        policyName: typeof body.policyName === "string" ? body.policyName : undefined,
        additionalData: typeof body.additionalData === "string" ? body.additionalData : undefined,
      });
      return jsonRes(200, this.d.tokens.resource(t, this.d.qrCodeFor(t.value, req)));
    } catch (e) {
      return googleError(400, "INVALID_ARGUMENT", (e as Error).message);
    }
  }
}
