// SPDX-License-Identifier: MIT
/**
 * The Apple half of the reference server, strict like a careful MDM server:
 * - GET  /apple/enroll             CMS-signed enrollment profile (root anchor, SCEP → foundation CA, MDM);
 *   with `embedded.apple.portal`: the enrollment portal (invitations, login page; portal.ts)
 * - POST /apple/portal/login       the portal's login form → 303 to this enrollment's profile
 * - GET  /apple/portal/profile     session: cookie: the profile of the sign-in session the browser's cookie names
 * - POST /apple/portal/assign      an invitation without login: "Assign to user" (optional) → 303 to the profile
 * - POST /apple/ade/enroll         ADE: CMS-signed MachineInfo (verified against the test device CA) → profile
 *   GET  /apple/ade/enroll         same, web-view style, MachineInfo in x-apple-aspen-deviceinfo
 * - PUT  /apple/checkin            check-in (POST → 405); identity by mTLS or Mdm-Signature, issued by the foundation CA
 * - PUT  /apple/mdm                command channel (POST → 405)
 * - POST /apple/api/commands       enqueue {udid, requestType, payload, push?}; GET /apple/api/devices[/UDID] results
 * - POST /apple/api/push           push {udid | "*", collapseId?, expiration?} to the devices' tokens (mock APNs by default)
 * - DeclarativeManagement check-ins (embedded.apple.ddm): tokens, declaration-items, declaration/…, status
 * - GET  /apple/ade/cloudconfig    stand-in for Apple's cloud-configuration service (JSON; 404 when unassigned)
 * - GET  /apple/configurator/enroll the same profile at Apple Configurator's enrollment URL (with user affinity only there)
 * - GET  /apple/ade/softwareupdate stand-in for Apple's software-update service (the update Setup Assistant installs)
 * - GET  /apple/appstore/licenses/<adamId>  stand-in for the App Store's licence lookup (app-installs.ts)
 * - GET  /apple/ca.pem             the reference CA (devices in embedded runs read it over verified HTTPS)
 * - GET  /.well-known/com.apple.remotemanagement   account-driven discovery (mdm-byod, mdm-adde)
 * - POST /apple/account/{byod,adde} account-driven BaseURL: 401 Bearer apple-as-web, then the profile
 * - GET|POST /apple/account/auth   the sign-in form (308 to apple-remotemanagement-user-login://…?access-token=)
 */
import { PolicyEngine } from "../policy/engine.js";
import { ScenarioError } from "../../errors/index.js";
import type { HttpResponse } from "../../ports/http.js";
import { toPem, hex } from "../../wire/x509/certificate.js";
import type { HalfContext, ServerHalf } from "../half.js";
import { pushRegistry } from "../../ports/push.js";
import { MockApns } from "./apns.js";
import { appleAdmin } from "./admin.js";
import { AppleFieldPolicies, CONFIGURATOR_ENROLL_PATH } from "./field-policies.js";
import { AppleFieldServices } from "./field-services.js";
import { AccountAuthority } from "./oauth2.js";
import { DDM_ASSET_PREFIX, DdmAssets } from "./ddm-assets.js";
import type { DdmStatusReport } from "../../wire/apple/ddm.js";
import { DEFAULT_ACCOUNT_PASSWORD, defaultAppleConfig, jsonToPlist, text, type AppleCore, type AppleServerConfig, type AppleServerStats, type DeviceRecord } from "./core.js";
import { deviceIdentity, type TlsRequest } from "./identity.js";
import { ProfileService } from "./profile-service.js";
import { IdentityRenewal } from "./identity-renewal.js";
import { AdeService } from "./ade.js";
import { AccountEnrollment } from "./account-driven.js";
import { CheckinService } from "./checkin.js";
import { CommandQueue } from "./command-queue.js";
import { DdmService } from "./ddm.js";
import { AppleRestApi } from "./rest-api.js";
import { EnrollmentPortal, PORTAL_ASSIGN_PATH, PORTAL_LOGIN_PATH, PORTAL_PROFILE_PATH } from "./portal.js";
import { handleAppleWs1 } from "./ws1.js";
import { UserEnrollmentGrants } from "./user-enrollment-grants.js";

export {
  APPLE_SERVER_FAULTS,
  DEFAULT_ACCOUNT_PASSWORD,
  LOGIN_REDIRECT,
  defaultAppleConfig,
  jsonToPlist,
  type AccountConfig,
  type AppleServerConfig,
  type AppleServerFault,
  type AppleServerStats,
} from "./core.js";

/** The Apple half: owns the device records and routes each request to its room. */
export class AppleServer implements AppleCore {
  readonly config: AppleServerConfig;
  readonly devices = new Map<string, DeviceRecord>();
  readonly stats: AppleServerStats = { profiles: 0, adeEnrollments: 0, checkins: {}, commandsSent: 0, results: {}, rejected: {} };
  readonly log: string[] = [];
  readonly userEnrollmentGrants = new UserEnrollmentGrants();
  /** The mock APNs beside the half (see apns.ts), when running. */
  apns?: MockApns;
  /** Access tokens issued (sign-in form, apple-oauth2), their lifetime, the stand-in authorization server (oauth2.ts). */
  readonly accountAuthority: AccountAuthority;
  /** The tenant rules (embedded.policy); an engine without rules when a test builds the context by hand. */
  readonly policy: PolicyEngine;
  /** DDM asset data (embedded.apple.ddm.assets, ddm-assets.ts). */
  readonly ddmAssets = new DdmAssets(() => this.config.ddm?.assets, { digest: (alg, d) => this.ctx.crypto.digest(alg, d) }, () => this.ctx.urls().https);
  /** Field-failure policies (field-policies.ts). */
  readonly field: AppleFieldPolicies;
  /** Push certificate, scripted pushes, VPP licences, Company Portal, directory / partner compliance (field-services.ts). */
  readonly services: AppleFieldServices<DeviceRecord>;
  private readonly profiles: ProfileService;
  private readonly adeService: AdeService;
  private readonly account: AccountEnrollment;
  /** The per-device command queue (REST API, scripted commands, timeline wipe). */
  readonly queue: CommandQueue;
  private readonly ddm: DdmService;
  private readonly checkins: CheckinService;
  private readonly api: AppleRestApi;
  /** The enrollment portal (embedded.apple.portal): login, invitations. */
  readonly portal: EnrollmentPortal;
  /** embedded.apple.identityRenewal: the enrollment profile re-sent before a device's identity expires. */
  readonly renewal: IdentityRenewal;

  constructor(
    readonly ctx: HalfContext,
    config: Partial<AppleServerConfig>,
  ) {
    this.config = { ...defaultAppleConfig(), ...config };
    this.policy = ctx.policy ?? new PolicyEngine({}, ctx.now);
    this.field = new AppleFieldPolicies(ctx, this.config, (reason, res) => this.reject(reason, res), this.policy);
    this.accountAuthority = new AccountAuthority({ ...ctx, policy: this.policy }, () => this.config.account ?? {}, DEFAULT_ACCOUNT_PASSWORD, (reason, res) => this.reject(reason, res));
    this.portal = new EnrollmentPortal(
      () => this.config.portal,
      ctx.now,
      () => this.policy.holder.get().directory,
      () => this.config.account?.password ?? DEFAULT_ACCOUNT_PASSWORD,
      () => this.policy.lockout,
    );
    this.profiles = new ProfileService(this);
    this.adeService = new AdeService(this, this.profiles);
    this.account = new AccountEnrollment(this, this.profiles);
    this.queue = new CommandQueue(this, this.account, () => this.apns);
    this.ddm = new DdmService(this, this.ddmAssets);
    this.checkins = new CheckinService(this, this.queue, this.account, this.ddm);
    this.renewal = new IdentityRenewal(this, { profile: (account, enrollment, grant) => this.profiles.profile(account, enrollment, undefined, grant), enqueue: (d, t, p) => this.queue.enqueue(d, t, p) });
    this.api = new AppleRestApi(this, this.queue, () => this.ddm.reports, () => this.apns);
    this.services = new AppleFieldServices<DeviceRecord>(ctx, this.config, {
      enqueue: (d, t, p) => this.queue.enqueue(d, t, p),
      push: (t, o) => this.queue.pushTo(t, o),
      devices: () => [...this.devices.values()],
      fingerprint: (der) => hex(this.ctx.crypto.digest("sha256", der)),
      setTopic: (topic) => void (this.config.topic = topic),
    });
    // Convert scripted payloads now, so a bad one is a scenario error at start, not a 500 later.
    for (const [i, c] of this.config.commands.entries()) {
      try {
        if (c.payload) jsonToPlist(c.payload);
      } catch (e) {
        throw new ScenarioError(`embedded.apple.commands[${i}] (${c.requestType}): ${(e as Error).message}`);
      }
    }
  }

  /** DDM status reports received (udid, parsed report). */
  get ddmReports(): { udid: string; report: DdmStatusReport }[] {
    return this.ddm.reports;
  }

  reject(reason: string, res: HttpResponse): HttpResponse {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
    this.log.push(`${reason}: ${Buffer.from(res.body).toString("utf8").trim()}`);
    if (this.log.length > 200) this.log.shift();
    return res;
  }

  /** Creates the profile-signing identity now (keygen is async; do it before serving). */
  async warm(): Promise<void> {
    await this.profiles.profileSigner();
    await this.services.warm();
  }

  /** The enrollment profile served to every device. */
  profile(account?: { mode: "BYOD" | "ADDE"; user: string }): Promise<Uint8Array> {
    return this.profiles.profile(account);
  }

  readonly handler = async (req: TlsRequest): Promise<HttpResponse> => {
    const path = new URL(req.url, "http://localhost").pathname;
    const policy = await this.field.route(req, path, this.devices);
    if (policy) return policy;
    // The Configurator profile's Setup Assistant enrollment URL (Apple Configurator is given it: field-policies.ts) serves the same profile.
    if (path === "/apple/enroll" || path === CONFIGURATOR_ENROLL_PATH) {
      if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
      const noPush = this.services.enrollmentRefusal();
      if (noPush) return this.reject("apns.certificate", noPush);
      const query = new URL(req.url, "http://localhost").searchParams;
      // An enrollment's own link (`?enrollment=`: the portal's, or an enrollment agent's such as the Workspace ONE Hub) needs no portal configured.
      if ((!this.portal.active && !query.has("enrollment")) || path !== "/apple/enroll") return this.profiles.response(await this.profiles.profile());
      const page = this.portal.open(query);
      if ("status" in page) return page.status >= 400 ? this.reject("portal.refused", page) : page;
      // The profile of the platform the portal reads from the browser's User-Agent (profileByBrowser), else the one profile.
      const browser = this.portal.profileFor(req.headers?.["user-agent"]);
      if (browser && this.log.length < 200) this.log.push(`portal: ${browser.platform} User-Agent, offered the ${browser.platform} profile`);
      return this.profiles.response(await this.profiles.profile(undefined, page.enrollment, browser?.edits));
    }
    if (path === PORTAL_PROFILE_PATH) {
      // The download of a portal whose login keeps a session cookie (embedded.apple.portal.session: cookie).
      if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
      if (!this.portal.active) return text(404, "no enrollment portal (embedded.apple.portal)");
      const noPush = this.services.enrollmentRefusal();
      if (noPush) return this.reject("apns.certificate", noPush);
      const got = this.portal.download(req.headers?.["cookie"]);
      if ("status" in got) return got.status >= 400 ? this.reject("portal.session", got) : got;
      if (this.log.length < 200) this.log.push(`portal: profile download ${got.enrollment.user ? `in ${got.enrollment.user}'s sign-in session` : "without the sign-in session"}`);
      const browser = this.portal.profileFor(req.headers?.["user-agent"]);
      return this.profiles.response(await this.profiles.profile(undefined, got.enrollment, browser?.edits));
    }
    if (path === PORTAL_LOGIN_PATH || path === PORTAL_ASSIGN_PATH) {
      if (req.method !== "POST") return text(405, "method not allowed", { allow: "POST" });
      if (!this.portal.active) return text(404, "no enrollment portal (embedded.apple.portal)");
      const body = req.body ?? new Uint8Array(0);
      const res = path === PORTAL_LOGIN_PATH ? this.portal.login(body) : this.portal.assign(body);
      return res.status >= 400 ? this.reject("portal.login", res) : res;
    }
    if (path.startsWith("/apple/ws1/")) return handleAppleWs1(this.ctx.workspaceOne, this.portal, req, path.slice("/apple/ws1".length));
    if (path === "/apple/ade/enroll") return this.adeService.enroll(req);
    if (path === "/apple/ade/cloudconfig" && req.method === "GET") return this.adeService.cloudConfig(req);
    if (path === "/apple/ade/softwareupdate" && req.method === "GET") return this.adeService.softwareUpdate(req);
    if (path === "/apple/ca.pem" && req.method === "GET") {
      return { status: 200, headers: { "content-type": "application/x-pem-file" }, body: new Uint8Array(Buffer.from(toPem(this.ctx.scep.id.ca.der))), url: "" };
    }
    if (path === "/.well-known/com.apple.remotemanagement") return this.account.wellKnown(req);
    if (path === "/apple/account/byod") return this.account.enroll(req, "BYOD");
    if (path === "/apple/account/adde") return this.account.enroll(req, "ADDE");
    if (path === "/apple/account/auth") return this.account.auth(req);
    if (path.startsWith("/apple/account/oauth2/")) return this.accountAuthority.route(req, path);
    if (path === "/apple/apns/courier") return courier(req);
    if (path === "/apple/checkin") return this.checkins.handle(req);
    if (path === "/apple/mdm") {
      await this.renewal.beforeCommand(req);
      return this.queue.handle(req);
    }
    if (path.startsWith("/apple/directory/") || path.startsWith("/apple/appstore/")) return this.services.route(req, path, () => deviceIdentity(this, req));
    if (path.startsWith(DDM_ASSET_PREFIX)) return this.ddmAssets.route(req, path, () => deviceIdentity(this, req));
    if (path.startsWith("/apple/api/")) return this.api.route(req, path);
    return text(404, `no route for ${path}`);
  };
}

export async function createAppleHalf(ctx: HalfContext): Promise<ServerHalf> {
  const server = new AppleServer(ctx, (ctx.config ?? {}) as Partial<AppleServerConfig>);
  await server.warm();
  // The mock APNs runs beside the half (its own HTTP/2 listener on 127.0.0.1) unless turned off.
  if (server.config.apns !== false) {
    server.apns = new MockApns(pushRegistry, ctx.now);
    await server.apns.start();
  }
  return {
    name: "apple",
    prefixes: ["/apple/", "/.well-known/com.apple.remotemanagement"],
    handler: server.handler,
    describe: () => [
      "apple: GET /apple/enroll (signed profile), POST|GET /apple/ade/enroll (MachineInfo), PUT /apple/checkin, PUT /apple/mdm",
      `apple: identity by ${server.config.signMessage ? "Mdm-Signature" : "mTLS"}; REST: POST /apple/api/commands, GET /apple/api/devices[/UDID], GET /apple/api/stats`,
      ...(server.apns ? [`apple: mock APNs (HTTP/2 h2c) ${server.apns.url}/3/device/<token> (topic ${server.config.topic})`] : []),
    ],
    close: async () => {
      server.services.close();
      await server.apns?.close();
    },
    admin: appleAdmin(server),
    counters: () => {
      const sum = (r: Record<string, number>): number => Object.values(r).reduce((n, x) => n + x, 0);
      const st = server.stats;
      return { "profiles served": st.profiles, "ADE enrollments": st.adeEnrollments, "check-ins": sum(st.checkins), "commands sent": st.commandsSent, "command results": sum(st.results), "requests rejected": sum(st.rejected), pushes: st.pushes ?? 0 };
    },
    appRecords: () => [
      ...server.services.licenceRefusals.map((r) => ({ deviceKey: r.udid, app: server.services.installs.bundleId(r.adamId), licenceRefusal: r.code })),
      ...[...server.devices.values()].flatMap((d) => Object.entries(server.services.installs.statuses(d.udid)).map(([app, status]) => ({ deviceKey: d.udid, app, status }))),
    ],
    invitationRecords: () => server.portal.invitations(),
    records: () => [...server.devices.values()].map((d) => ({ platform: "apple" as const, kind: "mdm", key: d.udid, ids: { udid: d.udid, serial: d.serialNumber }, enrollments: d.enrollments?.length ?? 1, removed: d.checkedOut })),
    apple: server,
  } as ServerHalf & { apple: AppleServer };
}

/**
 * The device side of the mock APNs: a stand-in for the device's TLS connection to courier.push.apple.com
 * (5223, or 443 as fallback; device/apple/push.ts). Answering is accepting the connection; faults and
 * endpointDown on this path are what a blocked port looks like to the device.
 */
function courier(req: TlsRequest): HttpResponse {
  if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
  const q = new URL(req.url, "http://localhost").searchParams;
  const port = Number(q.get("port"));
  if (port !== 5223 && port !== 443) return text(400, "APNs devices connect on 5223 or 443");
  return { status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ connected: true, host: q.get("host") ?? "courier.push.apple.com", port }))), url: "" };
}
