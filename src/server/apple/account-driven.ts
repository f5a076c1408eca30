// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment (User Enrollment BYOD and account-driven device enrollment): the
 * .well-known discovery document, the BaseURL that answers 401 Bearer until a valid access token
 * comes, the apple-as-web sign-in form, and the Bearer check on every later MDM request.
 */
import { caOAuthError, CLOUD_APPS } from "../policy/conditional-access.js";
import type { EnrollmentRequest } from "../policy/engine.js";
import { applePlatform, refusalJson } from "./policy-gate.js";
import { mdmAuthorityRefusal } from "./mdm-authority.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { LOGIN_REDIRECT, json, text, type AppleCore, type DeviceRecord } from "./core.js";
import { verifyMachineInfo } from "./ade.js";
import type { ProfileService } from "./profile-service.js";

export class AccountEnrollment {
  /** Account-driven profiles issued per managed Apple ID. */
  private readonly accountEnrollments = new Map<string, number>();

  constructor(
    private readonly core: AppleCore,
    private readonly profiles: ProfileService,
  ) {}

  /** The managed Apple ID a request's Bearer token belongs to; undefined without one, null when unknown. */
  bearerUser(req: HttpRequest): string | null | undefined {
    const h = req.headers?.authorization;
    if (!h) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
    if (!m) return null;
    const t = m[1]!;
    const issued = this.core.accountAuthority.userOf(t);
    if (issued !== undefined) return issued;
    const a = this.core.config.account;
    return a?.tokens?.includes(t) ? `token-user-${a.tokens.indexOf(t) + 1}@enrollsim.test` : null;
  }

  /** GET /.well-known/com.apple.remotemanagement: the account-driven enrollment services. */
  wellKnown(req: HttpRequest): HttpResponse {
    if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
    const urls = this.core.ctx.urls();
    return json(200, {
      Servers: [
        { Version: "mdm-byod", BaseURL: `${urls.https}/apple/account/byod` },
        { Version: "mdm-adde", BaseURL: `${urls.https}/apple/account/adde` },
      ],
    });
  }

  /** POST BaseURL: CMS-signed request; 401 Bearer apple-as-web until a valid token comes; then the profile. */
  async enroll(req: HttpRequest, mode: "BYOD" | "ADDE"): Promise<HttpResponse> {
    if (req.method !== "POST") return text(405, "method not allowed", { allow: "POST" });
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
    if (type !== "application/pkcs7-signature") return this.core.reject("account.content-type", text(415, `expected application/pkcs7-signature, got "${type}"`));
    const checked = verifyMachineInfo(this.core, req.body ?? new Uint8Array(0));
    if (!("info" in checked)) return checked;
    if (mode === "BYOD" && (checked.info.UDID !== undefined || checked.info.SERIAL !== undefined)) {
      return this.core.reject("account.byod-hardware-ids", text(400, "a User Enrollment request must not carry UDID or SERIAL"));
    }
    const user = this.bearerUser(req);
    if (!user) {
      if (user === null) this.core.reject("account.bad-token", text(401, "unknown access token"));
      const platform = applePlatform(typeof checked.info.PRODUCT === "string" ? checked.info.PRODUCT : "");
      return { ...text(401, "authentication required"), headers: { "content-type": "text/plain", "www-authenticate": this.core.accountAuthority.challenge(platform) } };
    }
    const noAuthority = mdmAuthorityRefusal(this.core.policy.config);
    if (noAuthority) return this.core.reject("account.no-mdm-authority", noAuthority);
    const product = typeof checked.info.PRODUCT === "string" ? checked.info.PRODUCT : "";
    if (!this.core.policy.isLicensed(user)) {
      return this.core.reject("account.unlicensed", json(403, { code: "UserLicenseTypeInvalid", message: "User Name Not Recognized. This user account is not authorized to use MDM." }));
    }
    const n = this.accountEnrollments.get(user) ?? 0;
    // Tenant rules (policy-gate.ts): restrictions for the user, the per-user device limit. A User Enrollment
    // request carries no hardware ids, so each enrollment is a new device record.
    const request: EnrollmentRequest = {
      platform: applePlatform(product),
      deviceKey: typeof checked.info.UDID === "string" ? checked.info.UDID : `account:${user}:${n + 1}`,
      upn: user,
      ...(typeof checked.info.OS_VERSION === "string" ? { osVersion: checked.info.OS_VERSION } : {}),
      ...(typeof checked.info.SERIAL === "string" ? { serial: checked.info.SERIAL } : {}),
      ...(typeof checked.info.UDID === "string" ? { udid: checked.info.UDID } : {}),
      ...(product ? { model: product } : {}),
      methodOwnership: "personal",
      countsTowardLimit: true,
      userEnrollment: mode === "BYOD",
      method: "account-driven",
    };
    const decision = this.core.policy.decide(request);
    if (!decision.ok) return this.core.reject(`account.policy.${decision.refusal}`, refusalJson(decision));
    const noPush = this.core.services.enrollmentRefusal();
    if (noPush) return this.core.reject("apns.certificate", noPush);
    this.core.policy.enrolled(request, decision);
    this.accountEnrollments.set(user, n + 1);
    this.core.accountAuthority.enrolled(user);
    return this.profiles.response(await this.profiles.profile({ mode, user }));
  }

  /**
   * The sign-in page of the apple-as-web session: a form; a good password ends in a 308 to the login scheme.
   * Conditional access (server/policy/conditional-access.ts) judges it as a browser sign-in to Microsoft Intune
   * Enrollment from a device not enrolled yet, on the platform the enrollment request named (the `platform` the
   * challenge URL carries; absent on a re-authentication, where a policy naming platforms does not apply): MFA and
   * terms of use are further pages of the form (`otc`: the user's authenticator is not modelled here, any six digits
   * pass; `tou_name` + `tou` accept / decline), a block or a device control is 403 with the AADSTS text.
   */
  auth(req: HttpRequest): HttpResponse {
    const url = new URL(req.url, "http://localhost");
    const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const page = (fields: string) => {
      const html = `<!doctype html><html><head><title>enrollsim sign-in</title></head><body>
<form method="post" action="/apple/account/auth">
${fields}
<input type="hidden" name="flow" value="apple-as-web">
<button type="submit">Sign in</button>
</form></body></html>`;
      return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: new Uint8Array(Buffer.from(html)), url: "" };
    };
    const hidden = (k: string, v: string | null) => (v ? `<input type="hidden" name="${k}" value="${esc(v.slice(0, 320))}">` : "");
    if (req.method === "GET") {
      const user = (url.searchParams.get("user-identifier") ?? "").slice(0, 320);
      return page(`<input type="email" name="username" value="${esc(user)}">
<input type="password" name="password" value="">${hidden("platform", url.searchParams.get("platform"))}`);
    }
    if (req.method !== "POST") return text(405, "method not allowed", { allow: "GET, POST" });
    const form = new URLSearchParams(Buffer.from((req.body ?? new Uint8Array(0)).subarray(0, 16384)).toString("utf8"));
    const user = form.get("username") ?? "";
    const refusal = this.core.accountAuthority.signInRefusal(user, form.get("password"));
    if (refusal) return this.core.reject("account.sign-in", text(401, refusal));
    const platform = form.get("platform") === "ios" || form.get("platform") === "macos" ? (form.get("platform") as "ios" | "macos") : undefined;
    const otc = form.get("otc");
    if (otc !== null && !/^\d{6}$/.test(otc)) return this.core.reject("account.sign-in", text(401, "Authentication failed during strong authentication request."));
    const answered = this.core.policy.config.conditionalAccess?.termsOfUse?.find((t) => t.name === form.get("tou_name"));
    const tou = form.get("tou");
    if (answered && !answered.perDevice && (tou === "accept" || tou === "decline")) {
      this.core.policy.ca.answer(answered, user, undefined, tou === "accept");
      if (tou === "decline") return this.core.reject("account.conditional-access.terms-declined", text(403, `The user declined the terms of use "${answered.name}"`));
    }
    const d = this.core.policy.signIn({ upn: user, app: CLOUD_APPS.intuneEnrollment.id, platform, clientApp: "browser", device: { compliant: false, hybridJoined: false }, mfa: otc !== null });
    const keep = `${hidden("username", user)}${hidden("password", form.get("password"))}${hidden("platform", platform ?? null)}${hidden("otc", otc)}`;
    if (d.kind === "mfa") return page(`${keep}<input type="text" name="otc" value="">`);
    if (d.kind === "terms" && !d.terms.perDevice) return page(`${keep}${hidden("tou_name", d.terms.name)}<input type="text" name="tou" value="">`);
    if (d.kind !== "granted") return this.core.reject(`account.conditional-access.${d.kind}`, text(403, caOAuthError(d).description));
    const token = this.core.accountAuthority.issue(user);
    return { status: 308, headers: { location: `${LOGIN_REDIRECT}?access-token=${token}`, "content-type": "text/plain" }, body: new Uint8Array(0), url: "" };
  }

  /** Account-driven devices carry their Bearer token on every MDM request. */
  checkBearer(req: HttpRequest, d: DeviceRecord): HttpResponse | undefined {
    if (!d.accountUser) return undefined;
    if (this.bearerUser(req) !== d.accountUser) {
      return this.core.reject("mdm.bearer", { ...text(401, "missing or wrong Bearer token"), headers: { "content-type": "text/plain", "www-authenticate": this.core.accountAuthority.challenge() } });
    }
    return undefined;
  }
}
