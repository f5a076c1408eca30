// SPDX-License-Identifier: MIT
/**
 * The Android half of the embedded reference server (mounted under /android/):
 *
 *   GET  /android/provisioning/{profile}/qr.json | nfc.properties | zero-touch.json | kme.json | token
 *   GET  /android/apk/{clouddpc|headwind|company-portal|workspace-one}.apk[?profile=]   DPC APKs (checksums from the served bytes)
 *   *    /android/amapi/v1/…            fake AMAPI, EMM-facing REST
 *   POST /android/amapi/device/v1/…     fake AMAPI, device-facing (token redemption, status, acks)
 *   *    /android/hmdm/rest/…           Headwind-style device REST
 *   POST /android/fcm/v1/projects/{p}/messages:send, GET /android/fcm/poll/{token}   mock FCM push
 *   POST /android/emm/pubsub, GET /android/emm/notifications   mock EMM push endpoint / notification log
 */
import { caOAuthError, CLOUD_APPS } from "../policy/conditional-access.js";
import { PolicyEngine } from "../policy/engine.js";
import { AADSTS50053_TEXT } from "../policy/lockout.js";
import { androidPathRefusal, DEM_WORK_PROFILE_LIMIT } from "./policy-gate.js";
import { AGENT_TERMS_PATH, agentTerms } from "./agent-terms.js";

/**
 * How Intune records an enrollment an enrollment restriction refused: Graph deviceEnrollmentFailureReason
 * `enrollmentRestrictionsEnforced` (9, "Enrollment restrictions configured by admin blocked this
 * enrollment.", https://learn.microsoft.com/graph/api/resources/intune-troubleshooting-deviceenrollmentfailurereason)
 * shown in Devices › Enrollment failures as "Enrollment restriction not met" (Intune: Identify devices as
 * corporate-owned, "Block personal devices").
 */
export const ENROLLMENT_FAILURE = { category: "enrollmentRestrictionsEnforced", reason: "Enrollment restriction not met" } as const;
import { randomBytes } from "node:crypto";
import { ScenarioError } from "../../errors/index.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { encodeUrlSafeBase64 } from "../../wire/android/base64url.js";
import { buildNfcPayload, buildQrPayload } from "../../wire/android/build.js";
import { CLOUDDPC, EXTRA_PREFIX } from "../../wire/android/extras.js";
import type { Bundle } from "../../wire/android/payload.js";
import type { AllowPersonalUsage } from "../../wire/android/amapi.js";
import type { HalfAdmin, HalfContext, HalfFactory, ServerHalf } from "../half.js";
import { FakeAmapi } from "./amapi.js";
import { INTUNE_COMPLIANCE_PATH, intuneCompliance } from "./intune-compliance.js";
import { kmeAttestationGate } from "./kme-attestation.js";
import { KNOX_ATTESTATION_PREFIX, KnoxAttestationService } from "./knox-attestation.js";
import { androidAdmin } from "./admin.js";
import type { EnrollmentRecord } from "../records.js";
import { resolveConfig, type AndroidHalfConfig, type AndroidMode, type ExtraOverride, type ProfileConfig } from "./config.js";
import { buildDpcs, type HostedDpc } from "./dpcs.js";
import { HeadwindServer } from "./headwind.js";
import { handleAndroidWs1 } from "./ws1.js";
import { resolveTenant, type WorkspaceOneUem } from "../workspace-one/uem.js";
import { bytesRes, jsonRes, readJson } from "./respond.js";
import { TokenStore, type StoredToken } from "./tokens.js";

const APU: Record<AndroidMode, AllowPersonalUsage> = {
  "fully-managed": "PERSONAL_USAGE_DISALLOWED",
  dedicated: "PERSONAL_USAGE_DISALLOWED_USERLESS",
  cope: "PERSONAL_USAGE_ALLOWED",
  "work-profile": "PERSONAL_USAGE_ALLOWED",
  aosp: "PERSONAL_USAGE_DISALLOWED_USERLESS",
  "device-admin": "ALLOW_PERSONAL_USAGE_UNSPECIFIED",
};

export class AndroidHalf implements ServerHalf {
  readonly name = "android" as const;
  readonly prefixes = ["/android/"];
  readonly tokens: TokenStore;
  readonly amapi: FakeAmapi;
  /** Samsung's attestation server behind a KME Advanced Profile (knox-attestation.ts). */
  readonly knoxAttestation: KnoxAttestationService;
  readonly headwind: HeadwindServer;
  /** The Workspace ONE UEM tenant the Hub's staging enrolls against (ws1.ts, server/workspace-one/uem.ts). */
  readonly ws1: WorkspaceOneUem;
  /** Devices (serial or IMEI) removed from the zero-touch / KME portals by the timeline's deleteRecords (admin.ts). */
  /** When the profiles were assigned to the portal's devices (the server's start): KME Advanced Profile deadlines count from it. */
  private readonly assignedAt: number;
  readonly unregistered: Record<"zero-touch" | "kme", Set<string>> = { "zero-touch": new Set(), kme: new Set() };
  readonly dpcs: Record<string, HostedDpc>;
  readonly fcm = new Map<string, unknown[]>();
  readonly emmInbox: unknown[] = [];
  private readonly shared = new Map<string, StoredToken>();
  private readonly profileApks = new Map<string, Uint8Array>();
  private readonly stalled = new Set<(r: HttpResponse) => void>();
  private closed = false;
  admin?: HalfAdmin;

  /** AMAPI devices and Headwind agents the half holds (server/records.ts). */
  records(): EnrollmentRecord[] {
    const amapi = [...this.amapi.devices.values()].map((d) => ({ platform: "android" as const, kind: "amapi", key: d.name, ids: { serial: d.hardwareInfo?.serialNumber, imei: d.networkInfo?.imei }, removed: d.state === "DELETED" }));
    const headwind = [...this.headwind.devices].map(([key, d]) => ({ platform: "android" as const, kind: "headwind", key, ids: { deviceId: key, serial: typeof d.info?.serial === "string" ? d.info.serial : undefined } }));
    const ws1 = [...this.ws1.devices].filter(([, d]) => d.platform === "android").map(([key]) => key).map((key) => ({ platform: "android" as const, kind: "workspace-one", key, ids: { serial: key.slice("ws1:".length) } }));
    return [...amapi, ...headwind, ...ws1];
  }

  /** The tenant's rules (embedded.policy): Android restrictions and conditional access. */
  private readonly policy: PolicyEngine;

  constructor(
    private readonly ctx: HalfContext,
    readonly config: AndroidHalfConfig,
  ) {
    this.tokens = new TokenStore(config.enterpriseId, ctx.now, (k) => new Uint8Array(randomBytes(k)));
    this.assignedAt = ctx.now();
    this.dpcs = buildDpcs(ctx.crypto, { cert: ctx.scep.id.ca, key: ctx.scep.id.caKey });
    const stall = () => this.stall();
    this.policy = ctx.policy ?? new PolicyEngine({}, ctx.now);
    this.headwind = new HeadwindServer(config, ctx.crypto, ctx.now, stall, this.policy);
    this.ws1 = ctx.workspaceOne;
    this.knoxAttestation = new KnoxAttestationService(ctx.now);
    this.amapi = new FakeAmapi({
      config,
      tokens: this.tokens,
      now: ctx.now,
      policy: this.policy,
      qrCodeFor: (v, req) => JSON.stringify(this.payloadFor(config.profiles["fully-managed"]!, this.base(req), v)),
      stall,
      fcmSend: (token, data) => this.fcmDeliver(token, data),
    });
    for (const p of Object.values(config.profiles)) {
      if (!p.token.perDevice) {
        try {
          const t = this.issue(p);
          this.shared.set(p.name, t);
        } catch (e) {
          throw new ScenarioError(`embedded.android.profiles.${p.name}.token: ${(e as Error).message}`);
        }
      }
      // Standard base64 differs from URL-safe only where the digest has '+' or '/': the profile serves an APK
      // build whose digest has one, so the admin's encoding shows (a digest without either reads the same).
      if (p.checksumFormat.encoding === "base64" && p.checksum !== "signature") this.profileApks.set(p.name, this.apkWithStandardB64Checksum(this.dpcs[p.dpc]!));
    }
  }

  /** Mock FCM delivery: queue a data message for a registration token (read by GET /android/fcm/poll/{token}). */
  fcmDeliver(token: string, data: unknown): void {
    const q = this.fcm.get(token) ?? [];
    if (q.length < 1000) q.push(data);
    if (this.fcm.size < 1_000_000 || this.fcm.has(token)) this.fcm.set(token, q);
  }

  private issue(p: ProfileConfig): StoredToken {
    const t = this.tokens.issue({ profile: p.name, durationSeconds: p.token.durationSeconds, oneTimeOnly: p.token.oneTimeOnly, allowPersonalUsage: APU[p.mode], policyName: p.policyName, additionalData: p.additionalData });
    return t;
  }

  /** An APK variant whose SHA-256 has '+' or '/' in standard base64. */
  private apkWithStandardB64Checksum(d: HostedDpc): Uint8Array {
    for (let salt = 0; salt < 256; salt++) {
      const bytes = new Uint8Array(d.bytes.length + 1);
      bytes.set(d.bytes);
      bytes[d.bytes.length] = salt;
      if (/[+/]/.test(Buffer.from(this.ctx.crypto.digest("sha256", bytes)).toString("base64"))) return bytes;
    }
    return d.bytes;
  }

  private apkFor(p: ProfileConfig | undefined, dpc: HostedDpc): Uint8Array {
    return (p && this.profileApks.get(p.name)) ?? dpc.bytes;
  }

  private base(req: HttpRequest): string {
    try {
      return this.ctx.urls().https;
    } catch {
      try {
        return new URL(req.url).origin;
      } catch {
        return `https://${req.headers?.host ?? "127.0.0.1"}`;
      }
    }
  }

  private stall(): Promise<HttpResponse> {
    if (this.closed) return Promise.resolve(jsonRes(503, { error: "closing" }));
    return new Promise((resolve) => this.stalled.add(resolve));
  }

  /** The admin extras a profile's DPC gets. */
  private adminExtras(p: ProfileConfig, base: string, token: string | undefined): Bundle {
    return overlay({ ...this.dpcExtras(p, base, token), ...(p.userSignIn ? { "com.enrollsim.SIGNIN_URL": `${base}/android/idp/authorize` } : {}) }, p.adminExtras) as Bundle;
  }

  private dpcExtras(p: ProfileConfig, base: string, token: string | undefined): Bundle {
    if (p.dpc === "clouddpc") return token ? { [CLOUDDPC.tokenExtra]: token } : {};
    if (p.dpc === "workspace-one") {
      // The Hub's staging extras (notes §9): the tenant's first Group ID and staging user; a profile's adminExtras write over them.
      const w = resolveTenant(this.policy.config.workspaceOne);
      const u = w.stagingUsers[0];
      return { serverurl: `${base}/android/ws1`, ...(w.groupIds[0] ? { gid: w.groupIds[0] } : {}), ...(u ? { un: u.user, pw: u.password } : {}) };
    }
    const x: Bundle = { "com.hmdm.BASE_URL": `${base}/android/hmdm`, "com.hmdm.SERVER_PROJECT": "", "com.hmdm.CONFIG": p.headwindConfig ?? (p.mode === "aosp" ? "AOSP userless" : "Default"), "com.hmdm.DEVICE_ID_USE": "serial" };
    const customer = p.headwindCustomer ?? (this.config.headwind.requireCustomer ? "enrollsim" : undefined);
    if (customer) x["com.hmdm.CUSTOMER"] = customer;
    if (p.headwindDeviceId) x["com.hmdm.DEVICE_ID"] = p.headwindDeviceId;
    return x;
  }

  /** The QR payload for a profile (with a token value). */
  payloadFor(p: ProfileConfig, base: string, token: string | undefined): Record<string, unknown> {
    const dpc = this.dpcs[p.dpc]!;
    const bytes = this.apkFor(p, dpc);
    // The checksums as the admin computed and wrote them (profile checksumFormat; Android wants SHA-256, URL-safe base64).
    const f = p.checksumFormat;
    const written = (data: Uint8Array, pad: boolean): string => {
      const d = this.ctx.crypto.digest(f.algorithm, data);
      if (f.encoding === "base64") return Buffer.from(d).toString("base64");
      if (f.encoding === "hex") return Buffer.from(d).toString("hex");
      if (f.encoding === "hex-colons") return [...d].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
      return encodeUrlSafeBase64(d, pad);
    };
    let packageChecksum = p.checksum !== "signature" ? written(bytes, true) : undefined;
    let signatureChecksum = p.checksum !== "package" ? (f.algorithm === "sha256" && f.encoding === "base64url" ? dpc.signatureChecksum : written(dpc.signerDer, false)) : undefined;
    const wrong = encodeUrlSafeBase64(this.ctx.crypto.digest("sha256", new TextEncoder().encode(`not the ${dpc.packageName} APK`)), false);
    if (p.fault === "checksum-mismatch") {
      if (packageChecksum) packageChecksum = wrong;
      else signatureChecksum = wrong;
    }
    const payload = buildQrPayload({
      component: dpc.component,
      downloadLocation: `${base}/android/apk/${dpc.kind}.apk?profile=${encodeURIComponent(p.name)}`,
      cookieHeader: p.cookie,
      packageChecksum,
      signatureChecksum,
      wifi: p.wifi,
      useMobileData: p.mode === "aosp" ? undefined : true,
      leaveAllSystemAppsEnabled: p.mode === "dedicated" || p.mode === "aosp" ? true : undefined,
      organizationName: p.organizationName,
      adminExtras: this.adminExtras(p, base, token),
    });
    // What the admin typed into the profile (a wrong type, a typo, a component the APK lacks) goes out as written.
    return overlay(payload, p.extras);
  }

  private tokenFor(p: ProfileConfig): StoredToken {
    return this.shared.get(p.name) ?? this.issue(p);
  }

  readonly handler = async (req: HttpRequest): Promise<HttpResponse> => {
    const url = new URL(req.url, "http://localhost");
    const path = url.pathname.slice("/android".length);
    if (path.startsWith("/amapi/")) return this.amapi.handle(req, path.slice("/amapi".length));
    if (path.startsWith("/hmdm/rest/")) return this.headwind.handle(req, path.slice("/hmdm/rest".length));
    if (path.startsWith("/ws1/")) return handleAndroidWs1(this.ws1, req, path.slice("/ws1".length));
    if (path === "/provisioning/route" && req.method === "GET") return this.route(url);
    if (path === AGENT_TERMS_PATH) return agentTerms(req, url, this.policy);
    if (path === INTUNE_COMPLIANCE_PATH) return intuneCompliance(req, url, this.amapi, this.policy);
    if (path.startsWith(KNOX_ATTESTATION_PREFIX)) return this.knoxAttestation.handle(req, path.slice(KNOX_ATTESTATION_PREFIX.length));
    const prov = /^\/provisioning\/([\w.-]{1,64})\/(qr\.json|nfc\.properties|zero-touch\.json|kme\.json|token)$/.exec(path);
    if (prov && req.method === "GET") {
      const p = this.config.profiles[prov[1]!];
      if (!p) return jsonRes(404, { error: `no provisioning profile "${prov[1]}"; known: ${Object.keys(this.config.profiles).join(", ")}` });
      if (prov[2] === "token" && p.mode === "work-profile" && androidPathRefusal(this.policy, "androidWorkProfile", undefined)?.refusal === "platform-blocked")
        return jsonRes(403, { error: "work profile enrollment is not set up for this organisation", reason: "WORK_PROFILE_NOT_ALLOWED" });
      // Zero-touch and KME know a device by IMEI or serial: one removed from the portal gets no configuration.
      const portal = prov[2] === "zero-touch.json" ? "zero-touch" : prov[2] === "kme.json" ? "kme" : undefined;
      const ids = [url.searchParams.get("serial"), url.searchParams.get("imei")].filter((s): s is string => !!s);
      if (portal && ids.some((id) => this.unregistered[portal].has(id))) return jsonRes(404, { error: `device not registered with ${portal === "kme" ? "Knox Mobile Enrollment" : "zero-touch enrollment"}` });
      // KME's GET_PROFILE: a 401 nonce challenge, then the device's Knox attestation blob (kme-attestation.ts).
      const challenged = portal === "kme" ? kmeAttestationGate(this.knoxAttestation, req, url) : undefined;
      if (challenged) return challenged;
      const token = this.tokenFor(p);
      const base = this.base(req);
      const payload = this.payloadFor(p, base, token.value);
      switch (prov[2]) {
        case "qr.json":
          return bytesRes(200, new Uint8Array(Buffer.from(`${JSON.stringify(payload)}\n`)), "application/json");
        case "nfc.properties":
          return bytesRes(200, new Uint8Array(Buffer.from(buildNfcPayload(payload))), "text/plain; charset=utf-8");
        case "zero-touch.json":
          return jsonRes(200, { configurationName: p.name, companyName: p.organizationName, contactEmail: "it@enrollsim.test", contactPhone: "+1 555 0100", customMessage: "Managed by enrollsim", dpcResourcePath: `customers/1/dpcs/${p.dpc}`, dpcExtras: JSON.stringify(payload), isDefault: true, forcedResetTime: "7200s" });
        case "kme.json": {
          const admin = payload[EXTRA_PREFIX + "PROVISIONING_ADMIN_EXTRAS_BUNDLE"] as Bundle | undefined;
          return jsonRes(200, {
            profileName: p.name,
            companyName: p.organizationName,
            mdmApkUrl: payload[EXTRA_PREFIX + "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION"],
            adminComponent: payload[EXTRA_PREFIX + "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME"],
            signatureChecksum: this.dpcs[p.dpc]!.signatureChecksum,
            ...(p.kmeUser !== undefined ? { username: p.kmeUser } : {}),
            // Knox Suite Advanced Profile: the date by which the device must be enrolled in the EMM (enrollsim's field: Knox's is not published).
            ...(p.advancedProfile || p.enrollWithinSeconds !== undefined ? { advancedProfile: p.enrollWithinSeconds !== undefined ? { enrollBy: new Date(this.assignedAt + p.enrollWithinSeconds * 1000).toISOString() } : {} } : {}),
            ...(admin && Object.keys(admin).length ? { customJson: JSON.stringify(admin) } : {}),
          });
        }
        default:
          return jsonRes(200, { value: token.value, enrollmentUrl: `https://enterprise.google.com/android/enroll?et=${token.value}`, profile: p.name, mode: p.mode, expirationTimestamp: token.expiresAt === undefined ? undefined : new Date(token.expiresAt).toISOString() });
      }
    }
    const apk = /^\/apk\/([\w-]{1,40})\.apk$/.exec(path);
    if (apk && (req.method === "GET" || req.method === "HEAD")) {
      const dpc = this.dpcs[apk[1]!];
      if (!dpc) return jsonRes(404, { error: "no such APK" });
      const p = this.config.profiles[url.searchParams.get("profile") ?? ""];
      if (p?.cookie !== undefined && req.headers?.cookie !== p.cookie) return jsonRes(403, { error: "cookie required" });
      const bytes = this.apkFor(p, dpc);
      // apk-truncated and apk-redirect-off-host are faults: entries under the device (runner/scenario/faults-aliases.ts).
      switch (p?.fault) {
        case "apk-corrupt":
          return bytesRes(200, new Uint8Array(bytes.length).fill(0x5a), "application/vnd.android.package-archive");
        default:
          return bytesRes(200, bytes, "application/vnd.android.package-archive", { etag: `"${dpc.packageChecksum}"` });
      }
    }
    const send = /^\/fcm\/v1\/projects\/[\w-]{1,64}\/messages:send$/.exec(path);
    if (send && req.method === "POST") {
      const m = (readJson(req.body)?.message ?? undefined) as { token?: unknown; data?: unknown } | undefined;
      if (!m || typeof m.token !== "string") return jsonRes(400, { error: { code: 400, status: "INVALID_ARGUMENT", message: "message.token is required" } });
      const q = this.fcm.get(m.token) ?? [];
      if (q.length < 1000) q.push(m.data ?? {});
      this.fcm.set(m.token, q);
      return jsonRes(200, { name: `projects/enrollsim/messages/${q.length}` });
    }
    const fpoll = /^\/fcm\/poll\/([\w:-]{1,200})$/.exec(path);
    if (fpoll && req.method === "GET") {
      const q = this.fcm.get(fpoll[1]!) ?? [];
      this.fcm.delete(fpoll[1]!);
      return jsonRes(200, { messages: q });
    }
    if (path === "/idp/authorize" && req.method === "GET") return this.authorize(url);
    if (path === "/emm/pubsub" && req.method === "POST") {
      const m = readJson(req.body);
      if (!m || typeof m.message !== "object") return jsonRes(400, { error: "not a Pub/Sub push" });
      if (this.emmInbox.length < 100_000) this.emmInbox.push(m);
      return jsonRes(204, {});
    }
    if (path === "/emm/notifications" && req.method === "GET") {
      const counts: Record<string, number> = {};
      for (const n of this.amapi.notifications) counts[n.message.attributes.notificationType] = (counts[n.message.attributes.notificationType] ?? 0) + 1;
      return jsonRes(200, { counts, total: this.amapi.notifications.length, pushFailures: this.amapi.pushFailures.length, inbox: this.emmInbox.length });
    }
    return jsonRes(404, { error: `no Android route for ${path}` });
  };

  /**
   * Company Portal-style routing (Intune enrollment restrictions, server-policies.md §2.4): personally owned
   * work profile when the tenant's work-profile switch admits this device, else device administrator
   * unless that is switched off, else blocked. The app sends the API level, the signed-in user and, on
   * Android 11 and earlier, the IMEI and serial, so an imported corporate identifier makes the device
   * corporate and lets it past "Personally owned: Block". A refusal names the rule, the reason the
   * engine records (`expect.server.refusals`) and Intune's enrollment-failure reason for it.
   */
  private route(url: URL): HttpResponse {
    const q = url.searchParams;
    const api = Number(q.get("apiLevel"));
    if (!Number.isInteger(api) || api < 1 || api > 100) return jsonRes(400, { error: "apiLevel must be an integer 1-100" });
    const str = (k: string) => (q.get(k) ?? "").slice(0, 200) || undefined;
    const device = { upn: str("user"), serial: str("serial"), imei: str("imei"), manufacturer: str("manufacturer") };
    const wp = androidPathRefusal(this.policy, "androidWorkProfile", api, device);
    if (!wp) return this.routeWithinLimit("work-profile", device);
    const da = androidPathRefusal(this.policy, "androidDeviceAdmin", api, device);
    if (da?.refusal !== "platform-blocked") return this.routeWithinLimit("device-admin", device);
    this.policy.recordRefusal(`company-portal:${device.serial ?? device.upn ?? "unknown"}`, wp.refusal, wp.message);
    return jsonRes(200, { path: "blocked", refusal: wp.refusal, ownership: wp.ownership, message: `work profile: ${wp.message}; device administrator: ${da.message}`, failureCategory: ENROLLMENT_FAILURE.category, failureReason: ENROLLMENT_FAILURE.reason });
  }

  /**
   * The path, once the user's device limit admits the device: Intune refuses the Company Portal's enrollment of a user
   * who already has as many devices as the limit before any work profile or device administrator exists (the app's
   * "Device limit reached" screen, its log's "Device Cap Reached": Intune Support Team, "Troubleshoot device cap reached
   * when enrolling devices into Microsoft Intune", techcommunity.microsoft.com, 2025-09-09). A device enrollment manager
   * meets its ceiling (10 personally owned work profiles). The refusal's reason is the stand-in's (policy-gate.ts
   * refusalError: DEVICE_LIMIT), which the app reads as the cause of its screen (wire/agent-causes.ts).
   */
  private routeWithinLimit(path: "work-profile" | "device-admin", device: { upn?: string; serial?: string }): HttpResponse {
    const key = `company-portal:${device.serial ?? device.upn ?? "unknown"}`;
    const limited = this.policy.limitCheck({ deviceKey: key, upn: device.upn, countsTowardLimit: true, ...(path === "work-profile" ? { demCeiling: DEM_WORK_PROFILE_LIMIT } : {}) });
    if (!limited || !("refusal" in limited)) return jsonRes(200, { path });
    this.policy.recordRefusal(key, limited.refusal, limited.message);
    return jsonRes(200, { path: "refused", refusal: limited.refusal, reason: "DEVICE_LIMIT", message: `Device limit reached: ${limited.message}` });
  }

  /**
   * Identity-provider stand-in for the enrollment app's sign-in (a Chrome custom tab: client app type
   * browser, cloud app Microsoft Intune Enrollment). The tenant's conditional access decides
   * (server/policy/conditional-access.ts): during enrollment the device is not compliant yet, so a
   * policy requiring a compliant device that does not exclude Intune Enrollment refuses it (403
   * AADSTS53000), a block policy too (AADSTS53003). A prompt (MFA, terms of use) is a 401 naming the
   * interaction; the tab asks the user and signs in again with the answer: `mfa=done` (the stand-in takes
   * the tab's word for the second factor; no authenticator is modelled on Android), `tou_name` + `tou`
   * (accept / decline, recorded as the user's consent). A user the tenant's lockout holds is refused first
   * (AADSTS50053, server/policy/lockout.ts); no password is typed in this stand-in, so nothing is counted here.
   */
  private authorize(url: URL): HttpResponse {
    const q = url.searchParams;
    const upn = (q.get("login_hint") ?? "").slice(0, 200) || undefined;
    const answered = this.policy.config.conditionalAccess?.termsOfUse?.find((t) => t.name === q.get("tou_name"));
    const tou = q.get("tou");
    if (answered && !answered.perDevice && (tou === "accept" || tou === "decline")) {
      this.policy.ca.answer(answered, upn, undefined, tou === "accept");
      if (tou === "decline") return jsonRes(403, { error: "access_denied", error_description: `The user declined the terms of use "${answered.name}" (no AADSTS code is published for a declined terms of use)` });
    }
    // The tab's sign-in carries no password here: it reads the tenant's lockout only (embedded.policy.directory.lockout).
    if (this.policy.lockout?.locked(upn)) return jsonRes(400, { error: "invalid_grant", error_description: `AADSTS50053: ${AADSTS50053_TEXT}`, error_codes: [50053] });
    const d = this.policy.signIn({ ...(upn ? { upn } : {}), app: CLOUD_APPS.intuneEnrollment.id, platform: "android", clientApp: "browser", device: { compliant: q.get("device_state") === "compliant", hybridJoined: false }, mfa: q.get("mfa") === "done" });
    if (d.kind === "mfa" || (d.kind === "terms" && !d.terms.perDevice)) {
      return jsonRes(401, { error: "interaction_required", interaction: d.kind, ...(d.kind === "terms" ? { terms: d.terms.name } : {}), error_description: d.kind === "mfa" ? "a second factor is required" : `the terms of use "${d.terms.name}" must be accepted` });
    }
    if (d.kind !== "granted") {
      const e = caOAuthError(d);
      return jsonRes(403, { error: "access_denied", error_description: e.description, ...(e.aadsts ? { error_codes: [e.aadsts] } : {}) });
    }
    return jsonRes(200, { code: "enrollsim-authorization", user: upn });
  }

  describe(): string[] {
    return [
      `  Android: /android/provisioning/{${Object.keys(this.config.profiles).join("|")}}/qr.json (also nfc.properties, zero-touch.json, kme.json, token)`,
      `           /android/apk/*.apk, fake AMAPI /android/amapi/v1/enterprises/${this.config.enterpriseId}/…, Headwind /android/hmdm/rest/…, Workspace ONE /android/ws1/enroll, FCM /android/fcm/…`,
    ];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.stalled) r(jsonRes(503, { error: "server closing" }));
    this.stalled.clear();
    await this.amapi.close();
  }
}

export const androidHalf: HalfFactory | undefined = async (ctx) => {
  const half = new AndroidHalf(ctx, resolveConfig(ctx.config));
  half.admin = androidAdmin(half);
  return half;
};

/** `base` with `over` written on top: a null removes the key (an admin's profile edits, embedded.android.profiles.<name>.extras / adminExtras). */
function overlay(base: Record<string, unknown>, over: Record<string, ExtraOverride> | undefined): Record<string, unknown> {
  const o = over ?? {};
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(base).filter(([k]) => o[k] !== null));
  for (const [k, v] of Object.entries(o)) if (v !== null) out[k] = v;
  return out;
}
