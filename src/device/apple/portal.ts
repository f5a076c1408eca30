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

const SAFARI = "Safari";

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
function refusal(dev: AppleDevice, status: number, body: Uint8Array, type: string): FlowResult {
  const b = jsonOf(body, type);
  const code = typeof b?.code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(b.code) ? b.code : "";
  const page = typeof b?.message === "string" ? b.message.slice(0, 300) : Buffer.from(body.subarray(0, 300)).toString("utf8").trim();
  decoded(dev.ctx.protocol, "portal.login", { status, code: code || null, message: page || null });
  if (status === 401) return fail(dev, "apple.portal.login-failed", "portal.login", `the enrollment portal refused the login (HTTP 401${code ? ` ${code}` : ""}): ${page}`, { text: page || "HTTP 401", screen: SAFARI });
  return fail(dev, `apple.profile.refused${code ? `.${code}` : ""}`, "portal.login", `The enrollment portal refused (HTTP ${status}${code ? ` ${code}` : ""}): ${page || "refused by the server"}`, { text: page || `HTTP ${status}`, screen: SAFARI });
}

const followRedirect = (status: number, location: string | undefined, base: URL): string | undefined => (status >= 301 && status <= 308 && location ? new URL(location, base).toString() : undefined);

/**
 * The user opens the enrollment portal (the invitation's link when `portal.invitation` is set) and,
 * when it shows its login page, logs in. Returns the URL of this enrollment's profile, or the refusal.
 */
export async function openPortal(ctx: FlowContext, dev: AppleDevice, o: AppleOptions, enrollUrl: string): Promise<string | FlowResult> {
  const p = o.portal ?? {};
  const url = new URL(enrollUrl);
  if (p.invitation !== undefined) url.searchParams.set("invitation", p.invitation);
  return step(ctx.protocol, "portal.login", async () => {
    const headers = { "user-agent": safariUserAgent(dev), accept: `text/html, ${PROFILE_CONTENT_TYPE}` };
    const page = await exchange(ctx.protocol, "portal.login", { method: "GET", url: url.toString(), headers }, { acceptStatus: [302, 303, 307, 401, 403, 404] });
    if (page.status >= 400) return refusal(dev, page.status, page.body, mediaType(page));
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
      { method: "POST", url: action.toString(), headers: { "user-agent": safariUserAgent(dev), "content-type": "application/x-www-form-urlencoded" }, body: new Uint8Array(Buffer.from(new URLSearchParams(fields).toString())) },
      { acceptStatus: [302, 303, 307, 401, 403, 404] },
    );
    if (res.status >= 400) return refusal(dev, res.status, res.body, mediaType(res));
    const next = followRedirect(res.status, res.headers["location"], action);
    if (!next) throw new ProtocolViolationError("apple.portal.page", `the portal answered the login with HTTP ${res.status} and no redirect to the profile`);
    decoded(ctx.protocol, "portal.login", { login, user: user || null, next: "the portal offers the profile" });
    return next;
  });
}

/**
 * Safari's prompt before it keeps the downloaded profile (see the file comment). Undefined when the
 * user allows it; the result when the user taps Ignore (the timeline's `abandon` here).
 */
export async function downloadPrompt(ctx: FlowContext, dev: AppleDevice, url: string): Promise<FlowResult | undefined> {
  const mac = dev.osName === "macOS";
  const text = mac ? `Do you want to allow downloads on "${new URL(url).hostname}"? You can change which websites can download files in Websites Preferences.` : "This website is trying to download a configuration profile. Do you want to allow this?";
  const buttons = mac ? "Allow" : "Ignore / Allow";
  try {
    await step(ctx.protocol, "profile.download-prompt", async () =>
      decoded(ctx.protocol, "profile.download-prompt", { shown: text, buttons, answer: "Allow", next: mac ? "the profile is in Downloads; the user opens it" : "Profile Downloaded: the profile waits in Settings" }),
    );
    return undefined;
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(ctx.protocol, "profile.download-prompt", { shown: text, answer: mac ? "not allowed" : "Ignore", note: "the downloaded profile is discarded: nothing in Settings, nothing installed" });
    return fail(dev, "apple.profile.download-ignored", "profile.download-prompt", `${mac ? "the user did not allow the download" : "the user tapped Ignore"} on Safari's prompt "${text}": the profile was discarded and nothing was installed`, {
      text,
      screen: SAFARI,
    });
  }
}
