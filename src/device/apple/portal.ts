// SPDX-License-Identifier: MIT
/**
 * User-initiated enrollment in the browser (profile flows): the MDM's enrollment portal the user opens
 * in Safari (`options.apple.portal`, step `portal.login`), and Safari's own prompt before it keeps a
 * downloaded configuration profile (step `profile.download-prompt`).
 *
 * The portal (server: src/server/apple/portal.ts) answers the enrollment URL, or an invitation's link,
 * with its login page, an invitation's "Assign to user" form (a username only, may be left blank), a
 * redirect to this enrollment's profile, or a refusal (403/401 JSON `{code, message}`); the user sees the
 * refusal's message in Safari and nothing is downloaded.
 *
 * Safari's prompt, published texts:
 * - iOS/iPadOS: "This website is trying to download a configuration profile. Do you want to allow
 *   this?" with Ignore / Allow; after Allow, "Profile Downloaded" and the profile waits in Settings
 *   (Apple, "Install a configuration profile on your iPhone or iPad", support.apple.com/102400: "After
 *   you download a profile, you'll see 'Profile Downloaded'"; the prompt and its buttons as quoted by
 *   Jamf's and many vendors' enrollment guides, e.g. mitmproxy's and Burp's iOS certificate guides).
 * - macOS: `Do you want to allow downloads on "<host>"?` — "You can change which websites can download
 *   files in Websites Preferences." with Allow (Microsoft, "Microsoft Defender for Endpoint on macOS:
 *   manual deployment", which quotes the prompt and says "Click Allow").
 * The prompt needs the answer's Content-Type to know it is a profile, so it comes after the download's
 * response (an assumption: Apple does not publish the order). A user who taps Ignore (macOS: does not
 * allow) is the timeline's `abandon` at `profile.download-prompt`: nothing is kept, nothing installed
 * (`apple.profile.download-ignored`); `idle` there leaves the prompt open that long.
 */
import { ProtocolViolationError, asSimError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import { EMBEDDED_ACCOUNT_PASSWORD } from "../../wire/apple/embedded.js";
import { PROFILE_CONTENT_TYPE } from "../../wire/apple/mdm.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { parseLoginForm } from "./account-signin.js";
import { fail } from "./enroll.js";
import { safariUserAgent } from "./safari.js";
import type { AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";
import { typedPassword } from "../behaviors/typed-password.js";
import { ScenarioError } from "../../errors/index.js";
import { SAFARI_ROW, type BrowserRow } from "../profile-browsers.js";
import { ProfileInstallPathCatalog } from "../profile-install-paths.js";

/**
 * The browser the user opens the enrollment URL in (device state `browser`, default Safari; its row of
 * devices/profile-installers/*.yaml) and the cookies it keeps: the portal's sign-in session lives in this browser
 * only (fleetdm/fleet#52666: "no way to transfer cookies across browsers").
 */
export class WebBrowser {
  private readonly jar = new Map<string, string>();
  private constructor(readonly row: Omit<BrowserRow, "platform" | "at"> & { at?: string }) {}

  static of(dev: AppleDevice): WebBrowser {
    const id = dev.ctx.identity.state?.browser ?? "safari";
    const table = dev.ctx.profileInstallPaths ?? new ProfileInstallPathCatalog();
    const row = table.browser(id, dev.ctx.identity.platform, dev.osVersion);
    if (row) return new WebBrowser(row);
    if (id === "safari") return new WebBrowser(SAFARI_ROW);
    const known = [...new Set(table.browsers.map((b) => b.browser))].join(", ");
    throw new ScenarioError(
      `device state browser "${id}": no row of devices/profile-installers/*.yaml covers it on ${dev.osName} ${dev.osVersion} (browsers with rows: ${known || "none"})`,
      undefined,
      "a browser with a row for the device, or a row of your own in --devices DIR/profile-installers/*.yaml",
    );
  }

  get name(): string {
    return this.row.name;
  }

  /**
   * Keeps the cookies of an answer's Set-Cookie (name=value; attributes are not modelled). Bounded as browsers bound
   * them (RFC 6265 §6.1: at least 4096 bytes per cookie, 50 per domain): a larger cookie, or one past 50, is dropped.
   */
  keep(setCookie: string | undefined): void {
    if (!setCookie || setCookie.length > 4096) return;
    const [pair] = setCookie.split(";", 1);
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq).trim();
    if (eq > 0 && (this.jar.has(name) || this.jar.size < 50)) this.jar.set(name, pair!.slice(eq + 1).trim());
  }

  /** The Cookie header of the browser's own page requests. */
  cookieHeader(): string | undefined {
    return this.jar.size ? [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
  }

  /** The Cookie header of the profile download: the session only when this browser's download carries it (its row). */
  downloadCookies(): string | undefined {
    return this.row.download === "with-session" ? this.cookieHeader() : undefined;
  }
}

function jsonOf(body: Uint8Array, type: string): Record<string, unknown> | undefined {
  if (!type.includes("json")) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(body.subarray(0, 65_536)).toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A portal refusal as the device ends: its code (`apple.profile.refused.<code>`, `apple.portal.login-failed`) and the page text. */
function refusal(dev: AppleDevice, status: number, body: Uint8Array, type: string, screen: string): FlowResult {
  const b = jsonOf(body, type);
  const code = typeof b?.code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(b.code) ? b.code : "";
  const page = typeof b?.message === "string" ? b.message.slice(0, 300) : Buffer.from(body.subarray(0, 300)).toString("utf8").trim();
  decoded(dev.ctx.protocol, "portal.login", { status, code: code || null, message: page || null });
  if (status === 401) return fail(dev, "apple.portal.login-failed", "portal.login", `the enrollment portal refused the login (HTTP 401${code ? ` ${code}` : ""}): ${page}`, { text: page || "HTTP 401", screen });
  return fail(dev, `apple.profile.refused${code ? `.${code}` : ""}`, "portal.login", `The enrollment portal refused (HTTP ${status}${code ? ` ${code}` : ""}): ${page || "refused by the server"}`, { text: page || `HTTP ${status}`, screen });
}

const followRedirect = (status: number, location: string | undefined, base: URL): string | undefined => (status >= 301 && status <= 308 && location ? new URL(location, base).toString() : undefined);

/**
 * The user opens the enrollment portal (the invitation's link when `portal.invitation` is set) and,
 * when it shows its login page, logs in. Returns the URL of this enrollment's profile, or the refusal.
 */
export async function openPortal(ctx: FlowContext, dev: AppleDevice, o: AppleOptions, enrollUrl: string, browser: WebBrowser): Promise<string | FlowResult> {
  const p = o.portal ?? {};
  const url = new URL(enrollUrl);
  if (p.invitation !== undefined) url.searchParams.set("invitation", p.invitation);
  return step(ctx.protocol, "portal.login", async () => {
    const jar = browser.cookieHeader();
    const headers = { "user-agent": safariUserAgent(dev), accept: `text/html, ${PROFILE_CONTENT_TYPE}`, ...(jar ? { cookie: jar } : {}) };
    const page = await exchange(ctx.protocol, "portal.login", { method: "GET", url: url.toString(), headers }, { acceptStatus: [302, 303, 307, 401, 403, 404] });
    browser.keep(page.headers["set-cookie"]);
    if (page.status >= 400) return refusal(dev, page.status, page.body, mediaType(page), browser.name);
    const direct = followRedirect(page.status, page.headers["location"], url);
    if (direct) {
      decoded(ctx.protocol, "portal.login", { login: false, next: "the portal offers the profile without a login" });
      return direct;
    }
    if (mediaType(page) === PROFILE_CONTENT_TYPE) {
      decoded(ctx.protocol, "portal.login", { login: false, next: "the enrollment URL answered the profile itself (no portal page)" });
      return url.toString();
    }
    const form = mediaType(page).includes("html") ? parseLoginForm(Buffer.from(page.body).toString("utf8")) : undefined;
    if (!form?.passwordField && !form?.userField) throw new ProtocolViolationError("apple.portal.page", `the enrollment portal answered HTTP ${page.status} "${mediaType(page) || "(no Content-Type)"}" without a login form or a profile`);
    const action = new URL(form.action || url.toString(), url);
    if (action.origin !== url.origin) throw new ProtocolViolationError("apple.portal.page", `the portal's login form posts to another origin (${action.origin})`);
    // A login form (user and password), or an invitation's "Assign to user" form (a username only, which the
    // user may leave blank: then only an explicit portal.user is typed).
    const login = form.passwordField !== undefined;
    const user = p.user ?? (login ? `user${ctx.identity.index + 1}@enrollsim.test` : "");
    const password = login ? typedPassword(ctx, "portal.login", p.password ?? (ctx.targets.server?.embedded ? EMBEDDED_ACCOUNT_PASSWORD : ""), o.mistypedPasswords) : "";
    const fields = { ...form.fields, ...(form.passwordField ? { [form.passwordField]: password } : {}), ...(form.userField ? { [form.userField]: user } : {}) };
    const res = await exchange(
      ctx.protocol,
      "portal.login",
      {
        method: "POST",
        url: action.toString(),
        // The browser sends the cookies it keeps for the site (the page's, a session from an earlier sign-in).
        headers: { "user-agent": safariUserAgent(dev), "content-type": "application/x-www-form-urlencoded", ...(browser.cookieHeader() ? { cookie: browser.cookieHeader()! } : {}) },
        body: new Uint8Array(Buffer.from(new URLSearchParams(fields).toString())),
      },
      { acceptStatus: [302, 303, 307, 401, 403, 404] },
    );
    browser.keep(res.headers["set-cookie"]);
    if (res.status >= 400) return refusal(dev, res.status, res.body, mediaType(res), browser.name);
    const next = followRedirect(res.status, res.headers["location"], action);
    if (!next) throw new ProtocolViolationError("apple.portal.page", `the portal answered the login with HTTP ${res.status} and no redirect to the profile`);
    decoded(ctx.protocol, "portal.login", { login, user: user || null, browser: browser.name, session: res.headers["set-cookie"] ? `a sign-in session cookie, kept in ${browser.name}` : null, next: "the portal offers the profile" });
    return next;
  });
}

/**
 * Safari's prompt before it keeps the downloaded profile (see the file comment). Undefined when the
 * user allows it; the result when the user taps Ignore (the timeline's `abandon` here).
 */
export async function downloadPrompt(ctx: FlowContext, dev: AppleDevice, url: string, browser = "Safari"): Promise<FlowResult | undefined> {
  const mac = dev.osName === "macOS";
  const text = mac ? `Do you want to allow downloads on "${new URL(url).hostname}"? You can change which websites can download files in Websites Preferences.` : "This website is trying to download a configuration profile. Do you want to allow this?";
  const buttons = mac ? "Allow" : "Ignore / Allow";
  try {
    await step(ctx.protocol, "profile.download-prompt", async () =>
      decoded(ctx.protocol, "profile.download-prompt", {
        shown: text,
        buttons,
        answer: "Allow",
        next: mac ? "the profile is in Downloads; the user opens it" : "Profile Downloaded: the profile waits in Settings",
        ...(browser !== "Safari" ? { note: `the prompt's text is Safari's published one; ${browser}'s is not published` } : {}),
      }),
    );
    return undefined;
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(ctx.protocol, "profile.download-prompt", { shown: text, answer: mac ? "not allowed" : "Ignore", note: "the downloaded profile is discarded: nothing in Settings, nothing installed" });
    return fail(dev, "apple.profile.download-ignored", "profile.download-prompt", `${mac ? "the user did not allow the download" : "the user tapped Ignore"} on ${browser}'s prompt "${text}": the profile was discarded and nothing was installed`, {
      text,
      screen: browser,
    });
  }
}
