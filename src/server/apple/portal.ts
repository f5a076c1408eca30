// SPDX-License-Identifier: MIT
/**
 * The enrollment portal of user-initiated enrollment (`embedded.apple.portal`): the web page at the
 * enrollment URL where a user logs in before the enrollment profile is offered, and the enrollment
 * invitations an administrator sends (Jamf Pro, "User-Initiated Enrollment for Mobile Devices",
 * docs.jamf.com/9.101.0 and 10.27.0: "log in to an enrollment portal where they are prompted to install
 * the MDM profile and certificates"; an invitation can "Set an expiration date", "Require users to log
 * in to the portal", "Allow multiple uses of the invitation", "View the status of the invitation").
 *
 * - `GET /apple/enroll[?invitation=<id>]`: an unknown, expired, used or revoked invitation is refused
 *   (403 JSON `{code, message}`); with login required, the answer is the login page (HTML form posting
 *   to `/apple/portal/login`); an invitation without login answers the "Assign to user" form (posting
 *   to `/apple/portal/assign`: a directory user, or blank for none; an unknown name is 403 UserNotFound);
 *   the plain enrollment URL without login serves the profile as before.
 * - `POST /apple/portal/login` (form: username, password, invitation): a user of the tenant's directory
 *   (`embedded.policy.directory.users` when it lists users; an account not enabled is refused) with the
 *   directory password (`embedded.apple.account.password`) gets `303` to the download; else 401.
 * - `GET /apple/enroll?enrollment=<token>`: the profile for this enrollment; its CheckInURL carries the
 *   token, so Authenticate learns the user the portal logged in (checkin.ts) and the record keeps it.
 *
 * - `session: cookie` (an IdP-style sign-in session, as Fleet's BYOD page with end user authentication keeps it): the
 *   login answers `303` to `/apple/portal/profile` with `Set-Cookie: enrollsim_portal_session=<token>` (HttpOnly,
 *   Secure, Path=/apple), and that download reads the user from the cookie. A download without the session is
 *   refused 403 `SignInRequired` (`withoutSession: refuse-download`), or served a profile that names no user, whose
 *   Authenticate is then refused 403 (`withoutSession: refuse-enrollment`: fleetdm/fleet#39996, where the profile a
 *   browser downloaded without the IdP session "can be downloaded but fails to install", "IDP information is not
 *   being passed"). The refusals' wording is the reference server's own: Fleet's is not published.
 *
 * - `userAuth: required` (Fleet's "End user authentication" of a team, which its manual enrollment also enforces since
 *   Fleet 4.73: fleetdm/fleet#33447, #33851, #33705): every enrollment into the target must come from a user the portal
 *   signed in; the target is the portal (its plain enrollment URL) or an invitation (`invitations[].userAuth`: a Fleet
 *   team's own enroll link). A profile the server handed out without a signed-in user (the plain URL without `login`,
 *   or an invitation's "Assign to user" left blank) installs up to its MDM Authenticate, which is refused
 *   `401 Authentication failed` with the server log "required idp uuid to be set, but none found" (Fleet's
 *   `fleet.NewAuthFailedError`, whose StatusCode is 401 and whose public text is "Authentication failed"). Fleet refuses
 *   at an earlier request of the same install, the over-the-air profile service (`POST /api/v1/fleet/ota_enrollment`,
 *   #33851's log); enrollsim's profiles are direct MDM profiles with no profile-service phase, so the refusal lands at
 *   the first request the install makes to the server, Authenticate (checkin.ts).
 *
 * - A login of a user the tenant's lockout holds (`embedded.policy.directory.lockout`, server/policy/lockout.ts) is
 *   403 `AccountLocked` whatever the password; every login with a wrong password counts toward it.
 *
 * Invitations expire on the server's clock (the run's clock: a timeline `skip` makes the time pass).
 * Published: the invitation settings and its statuses (Jamf's list; Trend Micro Mobile Security's
 * invitation list names Active, Expired, Used, Canceled). Not published: the portal's page text for an
 * expired or used invitation and for a failed login, so the messages below are the reference server's
 * own wording, not Jamf's (AccountLocked too: no portal text for a locked account is published).
 */
import { randomUUID } from "node:crypto";
import type { HttpResponse } from "../../ports/http.js";
import type { PolicyConfig } from "../policy/types.js";
import { lockoutMessage, type SignInLockout } from "../policy/lockout.js";
import type { ProfileEditsOf } from "../../wire/apple/profile-edits.js";

/** embedded.apple.profile's edits (profile-edits.ts; its wire type here: core.ts imports this file). */
type ProfileEdits = ProfileEditsOf<unknown>;
import { durationMs } from "../../runner/timeline/duration.js";

export interface PortalInvitation {
  /** The invitation's id: its URL is the enrollment URL with `?invitation=<id>`. */
  id: string;
  /** How long after the server starts the invitation expires: "48h", or seconds (absent: never). */
  expiresAfter?: string | number;
  /** Enrollments the invitation allows (absent: any number; Jamf's "Allow multiple uses" unticked is 1). */
  uses?: number;
  /** The user must log in (default: the portal's `login`). */
  requireLogin?: boolean;
  /** Enrollments through this invitation need a signed-in user (default: the portal's `userAuth`): a Fleet team's end user authentication. */
  userAuth?: UserAuth;
}

/** Whether an enrollment target needs a user the portal signed in (Fleet: "End user authentication", per team). */
export type UserAuth = "required" | "optional";

/** Fleet's log line for an enrollment without an IdP account in a team that requires one (fleetdm/fleet#33447). */
export const USER_AUTH_REQUIRED_LOG = "required idp uuid to be set, but none found";

/** The platforms a portal reads from a browser's User-Agent. */
export type BrowserPlatform = "Mac" | "iPhone" | "iPad";

/**
 * The platform a browser's User-Agent names, as a vendor portal reads it: `iPhone`, `iPad`, or `Macintosh` (a Mac,
 * and an iPad/iPhone asking for desktop websites, device/apple/safari.ts). The system daemons' strings
 * (`profiled/1.0 CFNetwork/…`) name none.
 */
export function browserPlatform(ua: string | undefined): BrowserPlatform | undefined {
  if (!ua) return undefined;
  if (/\biPhone\b/.test(ua)) return "iPhone";
  if (/\biPad\b/.test(ua)) return "iPad";
  return /\bMacintosh\b/.test(ua) ? "Mac" : undefined;
}

export interface PortalConfig {
  /** The portal asks every user to log in before it offers the profile (default false). */
  login?: boolean;
  /** The edits of the profile the portal offers each platform it reads from the User-Agent (embedded.apple.profile's syntax). */
  profileByBrowser?: Partial<Record<BrowserPlatform, ProfileEdits>>;
  /** Enrollment invitations the administrator sent. */
  invitations?: PortalInvitation[];
  /** Where the login keeps the user: in the download link (default) or in a session cookie of the browser. */
  session?: "link" | "cookie";
  /** `session: cookie`, a profile download without the session: refused (default), or a profile naming no user whose Authenticate is refused. */
  withoutSession?: "refuse-download" | "refuse-enrollment";
  /** Every enrollment needs a user the portal signed in (default optional); an invitation's own `userAuth` wins for its link. */
  userAuth?: UserAuth;
}

export type InvitationStatus = "active" | "expired" | "used" | "revoked";

interface InvitationState {
  used: number;
  /** Set by the timeline's `expire: enrollment-invitations` (server clock, ms). */
  expiredAt?: number;
  revoked?: boolean;
}

export interface Enrollment {
  user?: string;
  invitation?: string;
  /** A profile the portal served without the user's sign-in session (`withoutSession: refuse-enrollment`): its Authenticate is refused. */
  unsigned?: boolean;
}

export const PORTAL_LOGIN_PATH = "/apple/portal/login";
export const PORTAL_ASSIGN_PATH = "/apple/portal/assign";
/** The profile download of a portal whose login keeps a session cookie (`session: cookie`). */
export const PORTAL_PROFILE_PATH = "/apple/portal/profile";
export const PORTAL_SESSION_COOKIE = "enrollsim_portal_session";
/** Most enrollment tokens kept (each portal visit makes one; a load run must not grow without bound). */
const MAX_TOKENS = 100_000;

const REFUSAL: Record<Exclude<InvitationStatus, "active"> | "unknown", { code: string; message: string }> = {
  unknown: { code: "InvitationNotFound", message: "This enrollment invitation is not valid." },
  expired: { code: "InvitationExpired", message: "This enrollment invitation has expired. Ask your administrator for a new invitation." },
  used: { code: "InvitationUsed", message: "This enrollment invitation has already been used." },
  revoked: { code: "InvitationRevoked", message: "This enrollment invitation was cancelled by your administrator." },
};

export class EnrollmentPortal {
  private readonly state = new Map<string, InvitationState>();
  private readonly tokens = new Map<string, Enrollment>();
  private readonly startedAt: number;

  constructor(
    private readonly config: () => PortalConfig | undefined,
    private readonly now: () => number,
    private readonly directory: () => PolicyConfig["directory"],
    private readonly password: () => string,
    /** The tenant's sign-in lockout (server/policy/lockout.ts); absent: logins are never counted. */
    private readonly lockout?: () => SignInLockout | undefined,
  ) {
    this.startedAt = now();
  }

  /** The portal is configured (else the enrollment URL serves the profile as before). */
  get active(): boolean {
    return this.config() !== undefined;
  }

  private invitation(id: string): PortalInvitation | undefined {
    return this.config()?.invitations?.find((i) => i.id === id);
  }

  private stateOf(id: string): InvitationState {
    let s = this.state.get(id);
    if (!s) this.state.set(id, (s = { used: 0 }));
    return s;
  }

  /** The invitation's status now (server clock). */
  status(id: string): InvitationStatus | "unknown" {
    const inv = this.invitation(id);
    if (!inv) return "unknown";
    const s = this.stateOf(id);
    if (s.revoked) return "revoked";
    if (s.expiredAt !== undefined || (inv.expiresAfter !== undefined && this.now() >= this.startedAt + durationMs(inv.expiresAfter))) return "expired";
    if (inv.uses !== undefined && s.used >= inv.uses) return "used";
    return "active";
  }

  private refusal(id: string): HttpResponse | undefined {
    const st = this.status(id);
    return st === "active" ? undefined : json(403, { ...REFUSAL[st], invitation: id });
  }

  private toDownload(e: Enrollment): HttpResponse {
    if (this.config()?.session !== "cookie") return { status: 303, headers: { location: this.issue(e), "content-type": "text/plain" }, body: new Uint8Array(0), url: "" };
    // The sign-in lives in the browser that did it: a session cookie, not the link.
    const token = new URL(this.issue(e), "http://localhost").searchParams.get("enrollment")!;
    const cookie = `${PORTAL_SESSION_COOKIE}=${token}; Path=/apple; Secure; HttpOnly; SameSite=Lax`;
    return { status: 303, headers: { location: PORTAL_PROFILE_PATH, "set-cookie": cookie, "content-type": "text/plain" }, body: new Uint8Array(0), url: "" };
  }

  /**
   * `GET /apple/portal/profile` (`session: cookie`): the profile of the enrollment the browser's session cookie names,
   * or, without it, the refusal or an unsigned enrollment (`withoutSession`).
   */
  download(cookieHeader: string | undefined): HttpResponse | { enrollment: { token: string; user?: string } } {
    const token = sessionToken(cookieHeader);
    if (token !== undefined && this.tokens.has(token)) return this.open(new URLSearchParams({ enrollment: token })) as HttpResponse | { enrollment: { token: string; user?: string } };
    if (this.config()?.withoutSession === "refuse-enrollment") {
      const unsigned = new URL(this.issue({ unsigned: true }), "http://localhost").searchParams.get("enrollment")!;
      return { enrollment: { token: unsigned } };
    }
    return json(403, { code: "SignInRequired", message: "Sign in to download the enrollment profile." });
  }

  /** The enrollment `token` (from the CheckInURL) was served without the user's sign-in session: its Authenticate is refused. */
  unsigned(token: string | null): boolean {
    return token !== null && this.tokens.get(token)?.unsigned === true;
  }

  /**
   * The enrollment target's `userAuth: required` is not met: the profile whose CheckInURL carries `token` (null: the plain
   * enrollment URL's profile, which names no enrollment) was handed out without a user the portal signed in. Only for
   * profiles this portal serves: a configured portal, and a token it issued or none.
   */
  userAuthMissing(token: string | null): boolean {
    const c = this.config();
    if (!c) return false;
    const e = token === null ? undefined : this.tokens.get(token);
    if (token !== null && !e) return false;
    const rule = (e?.invitation !== undefined ? this.invitation(e.invitation)?.userAuth : undefined) ?? c.userAuth;
    return rule === "required" && !e?.user;
  }

  /**
   * The download URL of a new enrollment for `e`: its profile's CheckInURL carries the token, so Authenticate learns the
   * user. The portal's logins use it, and so does an enrollment agent that signed the user in itself (the Workspace ONE
   * Hub, server/apple/ws1.ts), which needs no portal configured.
   */
  issue(e: Enrollment): string {
    const token = randomUUID();
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    this.tokens.set(token, e);
    return `/apple/enroll?enrollment=${token}`;
  }

  private page(action: string, invitation: string | undefined, password: boolean, button: string): HttpResponse {
    const hidden = invitation ? `<input type="hidden" name="invitation" value="${escapeHtml(invitation)}">` : "";
    const secret = password ? '<input type="password" name="password">' : "";
    const html = `<!DOCTYPE html><html><head><title>Enrollment</title></head><body><form method="post" action="${action}">${hidden}<input type="text" name="username">${secret}<button type="submit">${button}</button></form></body></html>`;
    return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: new Uint8Array(Buffer.from(html)), url: "" };
  }

  private loginPage(invitation: string | undefined): HttpResponse {
    return this.page(PORTAL_LOGIN_PATH, invitation, true, "Log In");
  }

  /**
   * An invitation without login: Jamf's "Assign to user" dialog (learn.jamf.com 11.16, "User-Initiated
   * Enrollment Experience": a directory user "may optionally be linked" to the device; "If the user is
   * not found" the name is not accepted; the field may be left blank to enroll without a user).
   */
  private assignPage(invitation: string): HttpResponse {
    return this.page(PORTAL_ASSIGN_PATH, invitation, false, "Enroll");
  }

  /** The directory user `name` (lower case) names, or false when the directory lists users and it is not one of them (or disabled). */
  private directoryUser(name: string): string | false {
    const users = this.directory()?.users;
    if (users === undefined) return name;
    const u = users.find((x) => x.upn.toLowerCase() === name);
    return u && u.accountEnabled !== false ? name : false;
  }

  /**
   * `GET /apple/enroll` with the portal configured: the refusal, login page or redirect for
   * `?invitation=`, or `{enrollment}` for `?enrollment=<token>` (the profile to build for it).
   */
  open(query: URLSearchParams): HttpResponse | { enrollment?: { token: string; user?: string } } {
    const token = query.get("enrollment");
    if (token !== null) {
      const e = this.tokens.get(token);
      if (!e) return json(403, { code: "EnrollmentNotFound", message: "This enrollment link is not valid; open the enrollment URL again." });
      if (e.invitation) {
        const refused = this.refusal(e.invitation);
        if (refused) return refused;
        this.stateOf(e.invitation).used++;
      }
      return { enrollment: { token, ...(e.user ? { user: e.user } : {}) } };
    }
    const c = this.config() ?? {};
    const id = query.get("invitation");
    if (id !== null) {
      const refused = this.refusal(id);
      if (refused) return refused;
      return (this.invitation(id)?.requireLogin ?? c.login) ? this.loginPage(id) : this.assignPage(id);
    }
    return c.login ? this.loginPage(undefined) : {};
  }

  /** The platform read from the browser's User-Agent and the edits of the profile offered to it (`profileByBrowser`), if any. */
  profileFor(userAgent: string | undefined): { platform: BrowserPlatform; edits: ProfileEdits } | undefined {
    const platform = browserPlatform(userAgent);
    const edits = platform ? this.config()?.profileByBrowser?.[platform] : undefined;
    return platform && edits ? { platform, edits } : undefined;
  }

  /** `POST /apple/portal/login`: the user's credentials (form-encoded). */
  login(body: Uint8Array): HttpResponse {
    const form = new URLSearchParams(Buffer.from(body.subarray(0, 16_384)).toString("utf8"));
    const user = (form.get("username") ?? "").trim().toLowerCase();
    const invitation = form.get("invitation") ?? undefined;
    if (invitation !== undefined) {
      const refused = this.refusal(invitation);
      if (refused) return refused;
    }
    if (user === "" || !this.directoryUser(user)) return json(401, { code: "LoginFailed", message: "Invalid username or password." });
    // The tenant's lockout counts the portal's logins too (embedded.policy.directory.lockout): a locked user is refused whatever the password.
    const right = form.get("password") === this.password();
    const verdict = this.lockout?.()?.passwordSignIn(user, right);
    if (verdict?.kind === "locked") return json(403, { code: "AccountLocked", message: `The account is locked after too many failed logins. ${lockoutMessage(user, verdict)}.` });
    if (!right) return json(401, { code: "LoginFailed", message: "Invalid username or password." });
    return this.toDownload({ user, ...(invitation !== undefined ? { invitation } : {}) });
  }

  /** `POST /apple/portal/assign`: an invitation without login, the user to link (blank: none). */
  assign(body: Uint8Array): HttpResponse {
    const form = new URLSearchParams(Buffer.from(body.subarray(0, 16_384)).toString("utf8"));
    const invitation = form.get("invitation");
    if (invitation === null) return json(403, { code: "InvitationNotFound", message: "Assigning a user needs an enrollment invitation." });
    const refused = this.refusal(invitation);
    if (refused) return refused;
    const name = (form.get("username") ?? "").trim().toLowerCase();
    if (name === "") return this.toDownload({ invitation });
    const user = this.directoryUser(name);
    if (!user) return json(403, { code: "UserNotFound", message: "No user was found with this username." });
    return this.toDownload({ user, invitation });
  }

  /** The user the portal logged in for the enrollment `token` (from the CheckInURL), if any. */
  userOf(token: string | null): string | undefined {
    return token === null ? undefined : this.tokens.get(token)?.user;
  }

  /** Timeline `expire: enrollment-invitations`: every invitation expires now. */
  expireAll(): string {
    const ids = (this.config()?.invitations ?? []).map((i) => i.id);
    for (const id of ids) this.stateOf(id).expiredAt = this.now();
    return ids.length ? `enrollment invitations expired: ${ids.join(", ")}` : "not applied: the portal has no invitations (embedded.apple.portal.invitations)";
  }

  /** Timeline `revoke: enrollment-invitations`: the administrator cancels every invitation. */
  revokeAll(): string {
    const ids = (this.config()?.invitations ?? []).map((i) => i.id);
    for (const id of ids) this.stateOf(id).revoked = true;
    return ids.length ? `enrollment invitations cancelled: ${ids.join(", ")}` : "not applied: the portal has no invitations (embedded.apple.portal.invitations)";
  }

  /** Every invitation with its status and uses (REST `GET /apple/api/invitations`, `expect.server.invitations`). */
  invitations(): { id: string; status: InvitationStatus | "unknown"; used: number }[] {
    return (this.config()?.invitations ?? []).map((i) => ({ id: i.id, status: this.status(i.id), used: this.stateOf(i.id).used }));
  }
}

/** The portal's JSON answers (its own helper: core.ts imports this file's types). */
const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(v))), url: "" });

/** The portal's session token in a Cookie header, if any. */
function sessionToken(header: string | undefined): string | undefined {
  for (const part of (header ?? "").slice(0, 8192).split(";")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === PORTAL_SESSION_COOKIE && v) return v;
  }
  return undefined;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
