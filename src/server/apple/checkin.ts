// SPDX-License-Identifier: MIT
/**
 * The check-in endpoint (PUT /apple/checkin): Authenticate creates the device record (ownership from
 * the corporate identifiers, Bearer user for account-driven enrollments) and queues the scripted
 * commands; TokenUpdate, CheckOut, UserAuthenticate, bootstrap tokens and DeclarativeManagement
 * check-ins follow.
 */
import type { EnrollmentRequest } from "../policy/engine.js";
import { applePlatform } from "./policy-gate.js";
import { randomUUID } from "node:crypto";
import type { HttpResponse } from "../../ports/http.js";
import { CHECKIN_CONTENT_TYPE, parseCheckin } from "../../wire/apple/mdm.js";
import type { PlistDict } from "../../wire/apple/plist.js";
import { hex } from "../../wire/x509/certificate.js";
import { empty, jsonToPlist, plistRes, text, type AppleCore, type DeviceRecord } from "./core.js";
import { deviceIdentity, identityFingerprint, type TlsRequest } from "./identity.js";
import type { AccountEnrollment } from "./account-driven.js";
import type { CommandQueue } from "./command-queue.js";
import type { DdmService } from "./ddm.js";
import { USER_ENROLLMENT_GRANT_PARAM } from "./user-enrollment-grants.js";
import { USER_AUTH_REQUIRED_LOG } from "./portal.js";

export class CheckinService {
  private readonly failedOnce = new Set<string>();

  constructor(
    private readonly core: AppleCore,
    private readonly queue: CommandQueue,
    private readonly account: AccountEnrollment,
    private readonly ddm: DdmService,
  ) {}

  handle(req: TlsRequest): HttpResponse {
    if (req.method !== "PUT") return this.core.reject("checkin.method", text(405, `check-in must use PUT, not ${req.method}`, { allow: "PUT" }));
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
    if (type !== CHECKIN_CONTENT_TYPE) return this.core.reject("checkin.content-type", text(400, `check-in Content-Type must be ${CHECKIN_CONTENT_TYPE}, got "${type}"`));
    const cert = deviceIdentity(this.core, req);
    if (!("der" in cert)) return cert;
    let msg;
    try {
      msg = parseCheckin(req.body ?? new Uint8Array(0), { maxBytes: 256 * 1024 });
    } catch (e) {
      return this.core.reject("checkin.malformed", text(400, (e as Error).message));
    }
    const fp = identityFingerprint(this.core, cert);
    const udid = msg.udid ?? msg.enrollmentId!;
    this.core.stats.checkins[msg.messageType] = (this.core.stats.checkins[msg.messageType] ?? 0) + 1;
    if (this.core.config.fault === "checkin-401" && msg.messageType !== "Authenticate" && msg.messageType !== "CheckOut") {
      return this.core.reject("checkin.fault-401", text(401, "unauthorized (fault: checkin-401)"));
    }
    if (msg.messageType === "Authenticate") {
      if (this.core.config.fault === "first-authenticate-500" && !this.failedOnce.has(udid)) {
        this.failedOnce.add(udid);
        return this.core.reject("checkin.fault-500", text(500, "enrollment state not ready (fault: first-authenticate-500)"));
      }
      if (msg.topic !== this.core.config.topic) return this.core.reject("checkin.topic", text(400, `Topic ${msg.topic} is not this server's push topic`));
      // An Authenticate while an InstallProfile is in flight to this device: it is installing an update of its
      // enrollment profile (a renewal, identity-renewal.ts) and authenticates its new identity. The record is
      // the same enrollment: its commands, results and tokens stay, no tenant rules and no scripted commands
      // again (fleetdm/fleet#17232 fixed re-queuing profiles on a renewal's Authenticate).
      const updating = this.core.devices.get(udid);
      if (updating?.inflight?.requestType === "InstallProfile" && !updating.checkedOut) {
        updating.enrollments = [...(updating.enrollments ?? []).filter((x) => x !== fp), fp];
        updating.certFingerprint = fp;
        updating.identity = cert.der;
        return empty();
      }
      // A server keyed by hardware ids cannot take a device without them: a User Enrollment (EnrollmentID
      // only) or a device whose serial is blank (a macOS VM), which would collide with every other one.
      if (this.core.config.requireHardwareIds && (msg.udid === undefined || typeof msg.dict.SerialNumber !== "string" || msg.dict.SerialNumber.trim() === "")) {
        const what = msg.udid === undefined ? `EnrollmentID ${msg.enrollmentId ?? "-"}` : `UDID ${msg.udid}, blank SerialNumber`;
        return this.core.reject("checkin.no-hardware-ids", text(400, `Authenticate without UDID/SerialNumber (${what}): this server keys devices by hardware identifiers`));
      }
      const serial = typeof msg.dict.SerialNumber === "string" ? msg.dict.SerialNumber.toUpperCase() : undefined;
      const imei = typeof msg.dict.IMEI === "string" ? msg.dict.IMEI.replace(/\s/g, "") : undefined;
      const accountUser = this.account.bearerUser(req);
      // Authentication before the tenant rules: a device refused here must not be recorded as enrolled (a seat, a device-limit slot).
      // A User Enrollment authenticates with its Bearer token (account-driven), or with the grant of the profile-driven
      // User Enrollment profile this server issued, which its CheckInURL names; the first EnrollmentID to use a grant
      // owns it (user-enrollment-grants.ts). A server-wide exemption would let any EnrollmentID in without a token.
      const grant = new URL(req.url, "http://localhost").searchParams.get(USER_ENROLLMENT_GRANT_PARAM);
      if (accountUser === null || (msg.enrollmentId && !accountUser && !this.core.userEnrollmentGrants.claim(grant, msg.enrollmentId))) {
        return this.core.reject("checkin.bearer", text(401, msg.enrollmentId ? "a User Enrollment must authenticate with its Bearer token" : "unknown Bearer token", { "www-authenticate": this.core.accountAuthority.challenge() }));
      }
      // User-initiated enrollment through the portal: the CheckInURL carries the enrollment's token (portal.ts).
      const portalEnrollment = new URL(req.url, "http://localhost").searchParams.get("enrollment");
      const portalUser = this.core.portal.userOf(portalEnrollment);
      // A profile the portal served without the user's sign-in session (embedded.apple.portal.withoutSession: refuse-enrollment):
      // the server does not know who enrolls and refuses, as Fleet does (fleetdm/fleet#39996: "fails before completing with 'forbidden'").
      if (this.core.portal.unsigned(portalEnrollment)) return this.core.reject("checkin.portal.no-sign-in", text(403, "forbidden: the enrollment profile was downloaded without the user's sign-in session"));
      // An enrollment target that needs a signed-in user (embedded.apple.portal.userAuth / invitations[].userAuth: Fleet's
      // end user authentication, fleetdm/fleet#33447): a profile handed out without one is refused as Fleet refuses it,
      // 401 "Authentication failed" (fleet.NewAuthFailedError), the log naming the cause. ADE, account-driven and
      // profile-driven User Enrollment devices authenticated at their own enrollment URL or grant: not this rule.
      if (!accountUser && grant === null && this.core.policy.enrollments.get(udid)?.method !== "ade" && this.core.portal.userAuthMissing(portalEnrollment)) {
        const refused = this.core.reject("checkin.portal.user-auth-required", text(401, "Authentication failed"));
        this.core.log.push(`checkin.portal.user-auth-required: internal: ${USER_AUTH_REQUIRED_LOG}`);
        if (this.core.log.length > 200) this.core.log.shift();
        return refused;
      }
      // Profile (Company Portal) enrollments meet the tenant rules here, where serial, IMEI and OS are first
      // known; ADE and account-driven devices were decided at their enrollment URL (policy-gate.ts).
      const decided = this.core.policy.enrollments.get(udid);
      // A profile enrollment again (the device erased and enrolled again: a new identity, or an Authenticate after
      // its enrollment completed with a TokenUpdate) meets the tenant rules again (reenrollment.ts).
      const known = this.core.devices.get(udid);
      const again = decided?.method === "user-initiated" && !!known && (!(known.enrollments ?? []).includes(fp) || known.tokenUpdates > 0);
      let ownership = decided && !decided.removed && !again ? decided.ownership : undefined;
      if (!ownership && !accountUser) {
        const problem = this.core.policy.importProblem();
        if (problem && !this.core.log.includes(problem)) this.core.log.push(problem);
        const request: EnrollmentRequest = {
          platform: applePlatform(msg.dict.ProductName ?? msg.dict.Model),
          deviceKey: udid,
          ...(typeof msg.dict.OSVersion === "string" ? { osVersion: msg.dict.OSVersion } : {}),
          ...(serial ? { serial } : {}),
          ...(imei ? { imei } : {}),
          ...(msg.udid ? { udid: msg.udid } : {}),
          ...(typeof msg.dict.ProductName === "string" ? { model: msg.dict.ProductName } : {}),
          // The enrolling user, kept on the tenant's record (the same field Windows and Android fill).
          ...(portalUser ? { upn: portalUser } : {}),
          methodOwnership: "personal",
          countsTowardLimit: true,
          method: "user-initiated",
        };
        const decision = this.core.policy.decide(request);
        if (!decision.ok) {
          const why = decision.refusal === "personal-blocked" ? "personal devices are blocked by the enrollment restrictions (device not pre-declared as corporate)" : decision.message;
          return this.core.reject(`checkin.policy.${decision.refusal}`, text(403, why));
        }
        this.core.policy.enrolled(request, decision);
        ownership = decision.ownership;
      }
      ownership ??= "personal";
      const before = this.core.devices.get(udid)?.enrollments ?? [];
      const d: DeviceRecord = {
        udid,
        enrollments: before.includes(fp) ? before : [...before, fp],
        certFingerprint: fp,
        topic: msg.topic,
        serialNumber: typeof msg.dict.SerialNumber === "string" ? msg.dict.SerialNumber : undefined,
        product: typeof msg.dict.ProductName === "string" ? msg.dict.ProductName : undefined,
        tokenUpdates: 0,
        awaitingConfiguration: false,
        checkedOut: false,
        queue: [],
        deferred: [],
        results: [],
        deviceConfiguredSent: false,
        users: [],
        identity: cert.der,
        ownership,
        ...(accountUser ? { accountUser } : {}),
        ...(portalUser ? { portalUser, portalEnrollment: portalEnrollment! } : {}),
        ...(msg.enrollmentId && !accountUser && grant !== null ? { userEnrollmentGrant: grant } : {}),
      };
      this.core.devices.set(udid, d);
      this.core.field.onAuthenticate(d);
      for (const c of this.core.config.commands.filter((x) => this.core.field.commandApplies(x, msg.dict))) this.queue.enqueue(d, c.requestType, c.payload ? (jsonToPlist(c.payload) as PlistDict) : {});
      const configured = this.queue.configuredCommands();
      d.assigned = [...configured.keys];
      d.assignedVersion = configured.version;
      if (this.core.config.ddm?.enabled) this.queue.enqueue(d, "DeclarativeManagement");
      return empty();
    }
    const d = this.core.devices.get(udid);
    if (!d || d.certFingerprint !== fp) {
      const status = this.core.config.unknownDeviceStatus ?? 401;
      return this.core.reject("checkin.unknown-device", text(status, status === 500 ? `enrollment not associated with cert (${msg.messageType} from ${udid} without a prior Authenticate)` : `${msg.messageType} from ${udid} without a prior Authenticate with this identity`));
    }
    const noBearer = this.account.checkBearer(req, d);
    if (noBearer) return noBearer;
    switch (msg.messageType) {
      case "TokenUpdate":
        if (typeof msg.dict.UserID === "string") {
          // Shared iPad: UserID is always FFFFFFFF-…; the user is UserShortName, which is required there (tokenupdate.yaml).
          const shared = msg.dict.UserID === "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF";
          if (shared && typeof msg.dict.UserShortName !== "string") return this.core.reject("checkin.shared-ipad-user", text(400, "Shared iPad user-channel TokenUpdate without UserShortName"));
          const who = shared ? (msg.dict.UserShortName as string) : msg.dict.UserID;
          if (!d.users.includes(who)) d.users.push(who);
          return empty();
        }
        d.tokenUpdates++;
        if (msg.dict.Token instanceof Uint8Array) d.pushToken = hex(msg.dict.Token).toLowerCase();
        if (typeof msg.dict.PushMagic === "string") d.pushMagic = msg.dict.PushMagic;
        d.awaitingConfiguration = msg.dict.AwaitingConfiguration === true;
        if (d.tokenUpdates === 1) this.core.services.onFirstTokenUpdate(d, d.awaitingConfiguration);
        if (d.awaitingConfiguration && !d.deviceConfiguredSent && this.core.services.releaseAllowed(d)) {
          d.deviceConfiguredSent = true;
          this.queue.enqueue(d, "DeviceConfigured");
        }
        return empty();
      case "CheckOut":
        d.checkedOut = true;
        // The enrollment has ended: its User Enrollment grant is dropped (a new enrollment downloads a new profile).
        this.core.userEnrollmentGrants.release(d.userEnrollmentGrant);
        delete d.userEnrollmentGrant;
        return empty();
      case "DeclarativeManagement":
        return this.ddm.declarative(d, msg.dict);
      case "UserAuthenticate":
        if (!this.core.config.userChannel) return text(410, "user channel declined");
        return plistRes(msg.dict.DigestResponse === undefined ? { DigestChallenge: "" } : { AuthToken: randomUUID() });
      case "GetBootstrapToken":
        return plistRes({ BootstrapToken: d.bootstrapToken ?? new Uint8Array(0) });
      case "SetBootstrapToken": {
        const t = msg.dict.BootstrapToken;
        if (!(t instanceof Uint8Array)) return this.core.reject("checkin.bootstrap", text(400, "SetBootstrapToken without BootstrapToken data"));
        d.bootstrapToken = t.length ? t : undefined;
        return empty();
      }
      default:
        return this.core.reject("checkin.unsupported", text(400, `MessageType ${msg.messageType} is not supported by the reference server`));
    }
  }
}
