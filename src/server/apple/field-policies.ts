// SPDX-License-Identifier: MIT
/**
 * Server-side policies of the Apple half behind several field failures (hooked into server.ts
 * with one line each; knobs in `embedded.apple`, documented in scenarios/README-apple.md):
 *
 * - `scepChallenge`: every served profile embeds its own SCEP challenge with a lifetime, checked
 *   by the CA (SCEP FAILURE badRequest: apple-direct-profile-expired) or by an NDES policy-module
 *   stand-in (ndes.ts, HTTP 500 with no CertRep: ios-scep-challenge-expired). Time passes with the
 *   timeline (`idle` at profile.scep, `skip`).
 * - the ADE device list synced from an Apple Business Manager stand-in (abm.ts), always kept;
 *   records deleted and re-synced by the timeline — apple-ade-deleted-device-reappears.
 * - the tenant's conditional access (`embedded.policy.conditionalAccess`: policies on Microsoft Intune Enrollment; the shorthand `requireMfa`,
 *   the same rule the Windows half's sign-in page honours): the legacy Setup Assistant sign-in
 *   (HTTP Basic on the ADE enrollment URL) cannot carry a second factor (server-policies.md §7.4:
 *   Setup Assistant (legacy), MFA "no"), so the credentials never validate and the enrollment URL
 *   answers 401 again — ios-ade-auth-mfa-mismatch.
 * - unlicensed users (the tenant's `embedded.policy.directory.users[].licensed: false`, the same
 *   datum account-driven enrollment reads): the ADE Setup Assistant sign-in as one gets 403
 *   UserLicenseTypeInvalid — ios-user-unlicensed.
 * - device enrollment managers (the tenant's `embedded.policy.deviceEnrollmentManagers`, the same
 *   accounts the Windows half counts against the DEM limit): an ADE sign-in as one is refused —
 *   apple-dem-with-ade.
 * - `configurator`: the Apple Configurator enrollment profile (Intune: Devices › Enrollment ›
 *   Apple Configurator). With `userAffinity` it is used through its Setup Assistant enrollment URL
 *   (CONFIGURATOR_ENROLL_PATH, the URL Apple Configurator is given): enrollments must get their
 *   user affiliated within `affinityWindowSeconds` of enrolling (POST /apple/configurator/affinity);
 *   later, the pending enrollment is dropped: the affiliation gets 403 and the device's next
 *   check-in or command poll 401 — ios-configurator-affinity-24h. The same profile cannot be
 *   exported for direct enrollment (Intune documentation on Apple Configurator and macOS direct
 *   enrollment: direct enrollment has no user sign-in, so no user affinity; field-failures.md rows
 *   ios-configurator-affinity-24h and mac-direct-enrollment-affinity): the direct download
 *   (GET /apple/enroll) answers 403 UserAffinityNotSupported — mac-direct-enrollment-affinity.
 *   One setting, two failures.
 * - `commands[].products`: scripted commands only for devices whose ProductName starts with one
 *   of these (a wipe for some devices of a run).
 */
import { caOAuthError, CLOUD_APPS } from "../policy/conditional-access.js";
import { baseFor } from "../half.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { parseCheckin, parseCommandResult } from "../../wire/apple/mdm.js";
import type { PlistDict } from "../../wire/apple/plist.js";
import { hex } from "../../wire/x509/certificate.js";
import type { HalfContext } from "../half.js";
import type { PolicyEngine } from "../policy/engine.js";
import { AbmSync } from "./abm.js";
import { mdmAuthorityRefusal } from "./mdm-authority.js";
import { NDES_PATH, NdesPolicyModule } from "./ndes.js";

/**
 * The enrollment credential a served profile embeds (one setting for what used to be two):
 * `lifetimeSeconds` from the moment the profile is served; `checkedBy` who refuses an expired one.
 */
export interface ScepChallengeConfig {
  /** Lifetime of each profile's own challenge (default: ca → none, the CA's static challenge; ndes → 900 s, Intune's 15 minutes). */
  lifetimeSeconds?: number;
  /** ca (default): the CA answers SCEP FAILURE badRequest; ndes: the profile points at an NDES policy-module stand-in that answers HTTP 500 without a CertRep. */
  checkedBy?: "ca" | "ndes";
  /** Each challenge enrolls one certificate request (one SCEP transaction); a second is refused by checkedBy. */
  singleUse?: boolean;
}

export interface FieldPolicyConfig {
  scepChallenge?: ScepChallengeConfig;
  configurator?: { userAffinity?: boolean; affinityWindowSeconds?: number };
}

/** What the policies need of a device record (server.ts DeviceRecord). */
interface DeviceLike {
  udid: string;
  certFingerprint: string;
}

const json = (status: number, v: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: new Uint8Array(Buffer.from(JSON.stringify(v, null, 1))),
  url: "",
});

export const AFFINITY_PATH = "/apple/configurator/affinity";
/** The Configurator profile's Setup Assistant enrollment URL (the same profile as /apple/enroll). */
export const CONFIGURATOR_ENROLL_PATH = "/apple/configurator/enroll";

export class AppleFieldPolicies {
  readonly ndes?: NdesPolicyModule;
  readonly abm: AbmSync;
  /** udid → enrolled at (server clock) for enrollments still waiting for their user. */
  private readonly pendingAffinity = new Map<string, number>();
  /** udid → affiliated user. */
  readonly affiliated = new Map<string, string>();

  constructor(
    private readonly ctx: HalfContext,
    private readonly config: FieldPolicyConfig,
    private readonly reject: (reason: string, res: HttpResponse) => HttpResponse,
    /** The tenant rules (embedded.policy): who is a device enrollment manager. */
    private readonly policy: Pick<PolicyEngine, "isDem" | "isLicensed" | "config" | "signIn">,
  ) {
    if (config.scepChallenge?.checkedBy === "ndes") this.ndes = new NdesPolicyModule(ctx, { challengeLifetimeSeconds: config.scepChallenge.lifetimeSeconds, singleUse: config.scepChallenge.singleUse === true });
    this.abm = new AbmSync(ctx.now);
  }

  /** SCEP URL and challenge for a served profile when the NDES stand-in is on. */
  scep(): { url: string; challenge: string } | undefined {
    return this.ndes ? { url: `${baseFor(this.ctx.urls(), NDES_PATH, "http")}${NDES_PATH}`, challenge: this.ndes.issue() } : undefined;
  }

  /** Requests the policies answer (or only observe: undefined falls through to the half). */
  async route(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }, path: string, devices: Map<string, DeviceLike>): Promise<HttpResponse | undefined> {
    if (path === NDES_PATH) return this.ndes ? this.ndes.handle(req) : undefined;
    if (path === "/apple/ade/cloudconfig") {
      const serial = new URL(req.url, "http://localhost").searchParams.get("serial") ?? "";
      if (/^[A-Z0-9]{8,14}$/.test(serial)) this.abm.assign(serial);
      return undefined;
    }
    if (path.startsWith("/apple/api/ade/")) return this.abm.api(req.method, path);
    if ((path === "/apple/enroll" || path === CONFIGURATOR_ENROLL_PATH) && req.method === "GET") {
      const noAuthority = mdmAuthorityRefusal(this.policy.config);
      if (noAuthority) return this.reject("enroll.no-mdm-authority", noAuthority);
    }
    if (path === "/apple/enroll" && req.method === "GET" && this.config.configurator?.userAffinity) {
      return this.reject(
        "enroll.user-affinity",
        json(403, {
          code: "UserAffinityNotSupported",
          message: "Direct enrollment does not support user affinity: this enrollment profile can only be used through Apple Configurator's Setup Assistant enrollment (its enrollment URL); for direct enrollment create it without user affinity.",
        }),
      );
    }
    if (path === AFFINITY_PATH) return this.affiliate(req, devices);
    if ((path === "/apple/mdm" || path === "/apple/checkin") && this.pendingAffinity.size) return this.unaffiliated(req, path, devices);
    return undefined;
  }

  private get affinityWindowMs(): number {
    return (this.config.configurator?.affinityWindowSeconds ?? 86_400) * 1000;
  }

  /** A poll of an enrollment whose user was not affiliated in time: the enrollment is dropped (401). */
  private unaffiliated(req: HttpRequest, path: string, devices: Map<string, DeviceLike>): HttpResponse | undefined {
    let udid: string | undefined;
    try {
      const body = req.body ?? new Uint8Array(0);
      if (path === "/apple/checkin") {
        const m = parseCheckin(body, { maxBytes: 256 * 1024 });
        if (m.messageType !== "Authenticate") udid = m.udid;
      } else udid = parseCommandResult(body, { maxBytes: 4 * 1024 * 1024 }).udid;
    } catch {
      return undefined; // the half answers malformed requests
    }
    const since = udid === undefined ? undefined : this.pendingAffinity.get(udid);
    if (since === undefined || this.ctx.now() - since <= this.affinityWindowMs) return undefined;
    // Only the enrolled identity's own poll drops it (mTLS; Mdm-Signature requests are checked by the half later anyway).
    const cert = (req as { tls?: { peerCertificateDer?: Uint8Array } }).tls?.peerCertificateDer;
    if (cert?.length && hex(this.ctx.crypto.digest("sha256", cert)) !== devices.get(udid!)?.certFingerprint) return undefined;
    devices.delete(udid!);
    this.pendingAffinity.delete(udid!);
    return this.reject("affinity.expired", { ...json(401, { message: `enrollment dropped: no user was affiliated within ${formatWindow(this.affinityWindowMs)} of enrollment` }) });
  }

  /** Gate on the ADE enrollment URL after the Basic check: conditional access, DEM accounts, ADE device list. */
  adeGate(req: HttpRequest, machineInfo: PlistDict): HttpResponse | undefined {
    const noAuthority = mdmAuthorityRefusal(this.policy.config);
    if (noAuthority) return this.reject("ade.no-mdm-authority", noAuthority);
    const user = basicUser(req.headers?.authorization);
    if (user !== undefined) {
      // The legacy sign-in is a password-only token request for Microsoft Intune Enrollment: it can show no prompt (MFA, terms of
      // use), and the device is not enrolled, hence not compliant, yet. Whatever conditional access refuses, the credentials do
      // not validate and the enrollment URL asks again (401).
      const platform = typeof machineInfo.PRODUCT === "string" && /^Mac/i.test(machineInfo.PRODUCT) ? "macos" : "ios";
      const d = this.policy.signIn({ upn: user, app: CLOUD_APPS.intuneEnrollment.id, platform, clientApp: "mobileAppsAndDesktopClients", device: { compliant: false, hybridJoined: false }, mfa: false });
      if (d.kind !== "granted") {
        const prompt = d.kind === "mfa" ? "requires multifactor authentication, which" : d.kind === "terms" ? `requires the terms of use "${d.terms.name}", which` : "refuses the sign-in, which";
        const why = `the tenant's conditional access (policy "${d.policy}") ${prompt} the legacy Setup Assistant sign-in (user name and password) cannot complete: ${caOAuthError(d).description}`;
        return this.reject(`ade.conditional-access.${d.kind}`, { ...json(401, { message: why }), headers: { "content-type": "application/json", "www-authenticate": 'Basic realm="enrollsim"' } });
      }
    }
    if (user !== undefined && !this.policy.isLicensed(user)) {
      // The Intune iOS/iPadOS troubleshooting text for an unlicensed user, the same answer account-driven enrollment gives.
      return this.reject("ade.unlicensed", json(403, { code: "UserLicenseTypeInvalid", message: "User Name Not Recognized. This user account is not authorized to use MDM." }));
    }
    if (user !== undefined && this.policy.isDem(user)) {
      return this.reject("ade.dem", json(403, { code: "DeviceEnrollmentManagerNotAllowed", message: `${user} is a device enrollment manager account: DEM accounts cannot enroll devices through Automated Device Enrollment.` }));
    }
    const refused = this.abm.gate(typeof machineInfo.SERIAL === "string" ? machineInfo.SERIAL.toUpperCase() : undefined);
    if (refused) return this.reject("ade.not-in-device-list", refused);
    return undefined;
  }

  /** Scripted command for this Authenticate? (`products`: ProductName prefixes.) */
  commandApplies(c: { products?: string[] }, authenticate: PlistDict): boolean {
    if (!c.products) return true;
    const product = typeof authenticate.ProductName === "string" ? authenticate.ProductName : "";
    return c.products.some((p) => product.startsWith(p));
  }

  onAuthenticate(d: DeviceLike): void {
    if (this.config.configurator?.userAffinity) this.pendingAffinity.set(d.udid, this.ctx.now());
  }

  /** POST /apple/configurator/affinity {udid, user} over mTLS with the enrolled identity. */
  private affiliate(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }, devices: Map<string, DeviceLike>): HttpResponse {
    if (req.method !== "POST") return json(405, { message: "POST only" }, { allow: "POST" });
    let body: { udid?: unknown; user?: unknown };
    try {
      body = JSON.parse(Buffer.from((req.body ?? new Uint8Array(0)).subarray(0, 16384)).toString("utf8"));
    } catch {
      return this.reject("affinity.body", json(400, { message: "body is not JSON" }));
    }
    if (typeof body?.udid !== "string" || typeof body.user !== "string") return this.reject("affinity.body", json(400, { message: "udid and user are required" }));
    const d = devices.get(body.udid);
    const cert = req.tls?.peerCertificateDer;
    if (!d || !cert || hex(this.ctx.crypto.digest("sha256", cert)) !== d.certFingerprint) return this.reject("affinity.unknown-device", json(401, { message: "no enrollment for this device and identity" }));
    if (!this.config.configurator?.userAffinity) return json(200, { affinity: "not-required" });
    const since = this.pendingAffinity.get(d.udid);
    if (since === undefined) return json(200, { affinity: "affiliated", user: this.affiliated.get(d.udid) ?? body.user });
    const windowMs = this.affinityWindowMs;
    const age = this.ctx.now() - since;
    if (age > windowMs) {
      // The enrollment waited too long for its user: it is dropped; only a factory reset starts over.
      devices.delete(d.udid);
      this.pendingAffinity.delete(d.udid);
      return this.reject(
        "affinity.expired",
        json(403, { code: "AffinityWindowExpired", message: `The user was not affiliated within ${formatWindow(windowMs)} of enrollment (${formatWindow(age)} later): the enrollment failed; factory reset the device to enroll again.` }),
      );
    }
    this.pendingAffinity.delete(d.udid);
    this.affiliated.set(d.udid, body.user);
    return json(200, { affinity: "affiliated", user: body.user });
  }
}

function formatWindow(ms: number): string {
  return ms >= 3_600_000 ? `${Math.round(ms / 360_000) / 10} h` : `${Math.round(ms / 1000)} s`;
}

function basicUser(h: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(h?.trim() ?? "");
  if (!m) return undefined;
  const s = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = s.indexOf(":");
  return i < 0 ? undefined : s.slice(0, i);
}
