// SPDX-License-Identifier: MIT
/**
 * The enrollment portal of user-initiated enrollment (src/server/apple/portal.ts): invitation
 * lifetimes on the server's clock, uses, the admin's expire / revoke, the login against the tenant
 * directory, and the user an enrollment token carries.
 */
import { describe, expect, it } from "vitest";
import { EnrollmentPortal, type PortalConfig } from "../../../src/server/apple/portal.js";
import type { HttpResponse } from "../../../src/ports/http.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";

const HOUR = 3_600_000;

function portal(config: PortalConfig, directory?: PolicyConfig["directory"]) {
  let now = Date.UTC(2026, 11, 7);
  const p = new EnrollmentPortal(
    () => config,
    () => now,
    () => directory,
    () => "secret-pw",
  );
  return { p, pass: (ms: number) => void (now += ms) };
}
const q = (s: string) => new URLSearchParams(s);
const isResponse = (x: unknown): x is HttpResponse => typeof x === "object" && x !== null && "status" in x;
const body = (r: HttpResponse) => JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, unknown>;
const form = (o: Record<string, string>) => new Uint8Array(Buffer.from(new URLSearchParams(o).toString()));
const token = (r: HttpResponse) => new URLSearchParams(r.headers.location!.split("?")[1]).get("enrollment")!;

describe("enrollment portal: invitations", () => {
  it("an invitation is valid until its lifetime has passed on the server clock, then refused as expired", () => {
    const { p, pass } = portal({ invitations: [{ id: "spring", expiresAfter: "1d" }] });
    const early = p.open(q("invitation=spring"));
    expect(isResponse(early) && early.status).toBe(200);
    pass(24 * HOUR - 1);
    expect(p.status("spring")).toBe("active");
    pass(1);
    expect(p.status("spring")).toBe("expired");
    const late = p.open(q("invitation=spring"));
    expect(isResponse(late) && late.status).toBe(403);
    expect(body(late as HttpResponse)).toMatchObject({ code: "InvitationExpired", invitation: "spring" });
  });

  it("a link opened before the expiry but used after it is refused at the download too", () => {
    const { p, pass } = portal({ invitations: [{ id: "spring", expiresAfter: 3600 }] });
    const link = p.assign(form({ invitation: "spring", username: "" }));
    pass(2 * HOUR);
    const dl = p.open(q(`enrollment=${token(link)}`));
    expect(isResponse(dl) && body(dl)).toMatchObject({ code: "InvitationExpired" });
  });

  it("uses count at the profile download; past them the invitation is used", () => {
    const { p } = portal({ invitations: [{ id: "once", uses: 1 }] });
    const first = p.assign(form({ invitation: "once" }));
    expect(p.open(q(`enrollment=${token(first)}`))).toEqual({ enrollment: { token: token(first) } });
    expect(p.status("once")).toBe("used");
    expect(body(p.open(q("invitation=once")) as HttpResponse)).toMatchObject({ code: "InvitationUsed" });
    expect(p.invitations()).toEqual([{ id: "once", status: "used", used: 1 }]);
  });

  it("unknown ids are refused; the timeline's expire and revoke act on every invitation", () => {
    const { p } = portal({ invitations: [{ id: "a" }, { id: "b" }] });
    expect(body(p.open(q("invitation=zzz")) as HttpResponse)).toMatchObject({ code: "InvitationNotFound" });
    expect(p.expireAll()).toContain("a, b");
    expect(p.status("a")).toBe("expired");
    const other = portal({ invitations: [{ id: "c" }] }).p;
    other.revokeAll();
    expect(body(other.open(q("invitation=c")) as HttpResponse)).toMatchObject({ code: "InvitationRevoked" });
    expect(portal({}).p.expireAll()).toMatch(/^not applied/);
  });

  it("without login the bare enrollment URL serves the profile as before", () => {
    expect(portal({}).p.open(q(""))).toEqual({});
  });
});

describe("enrollment portal: an invitation without login (Assign to user)", () => {
  const dir = { users: [{ upn: "ana@contoso.example" }] };

  it("shows the Assign to user form: a username field, no password", () => {
    const page = portal({ invitations: [{ id: "x" }] }).p.open(q("invitation=x")) as HttpResponse;
    const html = Buffer.from(page.body).toString("utf8");
    expect(html).toContain('action="/apple/portal/assign"');
    expect(html).toContain('name="username"');
    expect(html).not.toContain('type="password"');
  });

  it("a directory user is linked to the enrollment; blank enrolls without a user; an unknown name is UserNotFound", () => {
    const { p } = portal({ invitations: [{ id: "x" }] }, dir);
    const linked = p.assign(form({ invitation: "x", username: "ana@contoso.example" }));
    expect(p.userOf(token(linked))).toBe("ana@contoso.example");
    const blank = p.assign(form({ invitation: "x", username: "" }));
    expect(blank.status).toBe(303);
    expect(p.userOf(token(blank))).toBeUndefined();
    expect(body(p.assign(form({ invitation: "x", username: "zed@contoso.example" })))).toMatchObject({ code: "UserNotFound" });
    expect(body(p.assign(form({ username: "ana@contoso.example" })))).toMatchObject({ code: "InvitationNotFound" });
  });
});

describe("enrollment portal: login", () => {
  const dir = { users: [{ upn: "ana@contoso.example" }, { upn: "old@contoso.example", accountEnabled: false }] };

  it("shows the login form (posting to /apple/portal/login, the invitation as a hidden field)", () => {
    const page = portal({ login: true, invitations: [{ id: "x" }] }).p.open(q("invitation=x")) as HttpResponse;
    const html = Buffer.from(page.body).toString("utf8");
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(html).toContain('action="/apple/portal/login"');
    expect(html).toContain('name="invitation" value="x"');
    expect(html).toContain('type="password"');
  });

  it("a directory user with the password is logged in and the enrollment token carries the user", () => {
    const { p } = portal({ login: true }, dir);
    const res = p.login(form({ username: "Ana@Contoso.example", password: "secret-pw" }));
    expect(res.status).toBe(303);
    expect(p.userOf(token(res))).toBe("ana@contoso.example");
    expect(p.open(q(`enrollment=${token(res)}`))).toEqual({ enrollment: { token: token(res), user: "ana@contoso.example" } });
  });

  it("refuses a wrong password, an unknown user and a disabled account (401 LoginFailed)", () => {
    const { p } = portal({ login: true }, dir);
    for (const f of [
      { username: "ana@contoso.example", password: "nope" },
      { username: "eve@contoso.example", password: "secret-pw" },
      { username: "old@contoso.example", password: "secret-pw" },
    ]) {
      const r = p.login(form(f));
      expect(r.status).toBe(401);
      expect(body(r)).toMatchObject({ code: "LoginFailed" });
    }
  });

  it("checks the invitation again at the login (it may have expired while the page was open)", () => {
    const { p, pass } = portal({ login: true, invitations: [{ id: "x", expiresAfter: "1h" }] }, dir);
    p.open(q("invitation=x"));
    pass(HOUR);
    expect(body(p.login(form({ username: "ana@contoso.example", password: "secret-pw", invitation: "x" })))).toMatchObject({ code: "InvitationExpired" });
  });

  it("an unknown enrollment token is refused; userOf an absent token is undefined", () => {
    const { p } = portal({});
    expect(body(p.open(q("enrollment=forged")) as HttpResponse)).toMatchObject({ code: "EnrollmentNotFound" });
    expect(p.userOf(null)).toBeUndefined();
  });
});

describe("enrollment portal: a sign-in session cookie (session: cookie)", () => {
  const cookieOf = (r: HttpResponse) => r.headers["set-cookie"]!.split(";")[0]!;

  it("the login answers 303 to /apple/portal/profile with an HttpOnly Secure session cookie, not a link token", () => {
    const { p } = portal({ login: true, session: "cookie" });
    const r = p.login(form({ username: "ana@corp.example", password: "secret-pw" }));
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe("/apple/portal/profile");
    expect(r.headers["set-cookie"]).toMatch(/^enrollsim_portal_session=[0-9a-f-]{36}; Path=\/apple; Secure; HttpOnly; SameSite=Lax$/);
  });

  it("the download with the cookie is the user's enrollment; the token its CheckInURL carries names the user", () => {
    const { p } = portal({ login: true, session: "cookie" });
    const c = cookieOf(p.login(form({ username: "ana@corp.example", password: "secret-pw" })));
    const got = p.download(`other=1; ${c}`);
    expect(isResponse(got)).toBe(false);
    const e = (got as { enrollment: { token: string; user?: string } }).enrollment;
    expect(e.user).toBe("ana@corp.example");
    expect(p.userOf(e.token)).toBe("ana@corp.example");
    expect(p.unsigned(e.token)).toBe(false);
  });

  it("without the session the download is refused 403 SignInRequired (default), also with an unknown session", () => {
    const { p } = portal({ login: true, session: "cookie" });
    for (const header of [undefined, "", "enrollsim_portal_session=not-a-session"]) {
      const got = p.download(header);
      expect(isResponse(got) && got.status).toBe(403);
      expect(body(got as HttpResponse)).toMatchObject({ code: "SignInRequired" });
    }
  });

  it("withoutSession refuse-enrollment: the download serves an enrollment naming no user, marked unsigned for Authenticate", () => {
    const { p } = portal({ login: true, session: "cookie", withoutSession: "refuse-enrollment" });
    const got = p.download(undefined) as { enrollment: { token: string; user?: string } };
    expect(got.enrollment.user).toBeUndefined();
    expect(p.unsigned(got.enrollment.token)).toBe(true);
    expect(p.userOf(got.enrollment.token)).toBeUndefined();
    expect(p.unsigned(null)).toBe(false);
  });

  it("an invitation's uses count at the cookie download as at the link's", () => {
    const { p } = portal({ session: "cookie", invitations: [{ id: "once", uses: 1, requireLogin: true }] });
    const c = cookieOf(p.login(form({ username: "ana@corp.example", password: "secret-pw", invitation: "once" })));
    expect(isResponse(p.download(c))).toBe(false);
    expect(body(p.download(c) as HttpResponse)).toMatchObject({ code: "InvitationUsed" });
  });
});

describe("enrollment portal: user authentication required (userAuth: Fleet's end user authentication)", () => {
  const dir = { users: [{ upn: "ana@corp.example" }] };

  it("the plain enrollment URL's profile (no enrollment token) misses a required user; optional or unset does not", () => {
    expect(portal({ userAuth: "required" }).p.userAuthMissing(null)).toBe(true);
    expect(portal({ userAuth: "optional" }).p.userAuthMissing(null)).toBe(false);
    expect(portal({}).p.userAuthMissing(null)).toBe(false);
  });

  it("a login's enrollment carries the user and meets the rule; an Assign to user left blank does not", () => {
    const { p } = portal({ userAuth: "required", invitations: [{ id: "team", requireLogin: true }, { id: "link" }] }, dir);
    const signed = p.login(form({ invitation: "team", username: "ana@corp.example", password: "secret-pw" }));
    expect(p.userAuthMissing(token(signed))).toBe(false);
    const blank = p.assign(form({ invitation: "link", username: "" }));
    expect(p.userAuthMissing(token(blank))).toBe(true);
  });

  it("an invitation's own userAuth wins for its link (a team): required there, optional elsewhere, and the reverse", () => {
    const { p } = portal({ invitations: [{ id: "eua", userAuth: "required" }, { id: "no-eua" }] }, dir);
    expect(p.userAuthMissing(token(p.assign(form({ invitation: "eua", username: "" }))))).toBe(true);
    expect(p.userAuthMissing(token(p.assign(form({ invitation: "no-eua", username: "" }))))).toBe(false);
    expect(p.userAuthMissing(null)).toBe(false);
    const strict = portal({ userAuth: "required", invitations: [{ id: "exempt", userAuth: "optional" }] }, dir).p;
    expect(strict.userAuthMissing(token(strict.assign(form({ invitation: "exempt", username: "" }))))).toBe(false);
  });

  it("a token the portal did not issue (another enrollment path's), or no portal at all, is not this rule's", () => {
    expect(portal({ userAuth: "required" }).p.userAuthMissing("not-a-portal-token")).toBe(false);
    const none = new EnrollmentPortal(
      () => undefined,
      () => 0,
      () => undefined,
      () => "pw",
    );
    expect(none.userAuthMissing(null)).toBe(false);
  });
});
