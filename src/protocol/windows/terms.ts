// SPDX-License-Identifier: MIT
/**
 * The MDM Terms-of-Use web view of identity-provider flows: GET the ToU URL with redirect_uri,
 * client-request-id, api-version and mode=azureadjoin, `Authorization: Bearer <token>`; the user
 * accepts or declines in the form; the page ends at `<redirect_uri>?IsAccepted=…&OpaqueBlob=…`
 * (or `?error=…`), which the device reads and never navigates to. The blob goes to enrollment as
 * the EnrollmentData context item.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange } from "../common/exchange.js";
import { parseForms } from "../../wire/windows/webauth.js";

export const TOU_REDIRECT = "ms-appx-web://Microsoft.AAD.BrokerPlugin";
export const TOU_DECLINED_TEXT = "Your organization requires that you agree to the Terms of Use. Please try again or ask your support person for more information.";
export const TOU_UNREACHABLE_TEXT = "Looks like we can't connect to the URL for your organization's MDM terms of use. Try again, or contact your system administrator with the problem information from this page.";

export type TermsOutcome =
  | { status: "accepted"; opaqueBlob: string }
  | { status: "declined" }
  | { status: "error"; error: string; description?: string }
  | { status: "unreachable"; message: string }
  /** The page sent the web view to an identity provider (sign-in before the terms): the protocol working. */
  | { status: "identity-provider"; location: string };

/** What the web view knows about the PC: CloudExperienceHost puts it in its request headers. */
export interface TermsHost {
  /** Windows version "10.0.<build>[.<ubr>]". */
  osVersion: string;
  /** CXH-HOST: FRX in OOBE (Autopilot, out-of-box join), MOSET in Settings. Default FRX. */
  cxhHost?: "FRX" | "MOSET";
}

/**
 * The headers CloudExperienceHost appends to its web-view navigations (CloudExperienceHost
 * `_appendCustomHeaders`: hostApp, cxh-osVersionInfo = JSON of Environment.osVersionInfo, cxh-osPlatform),
 * plus CXH-HOST for the page theme. Servers read the build from cxh-osVersionInfo (AzureBabyMDM answers
 * 500 without it).
 */
export function cxhHeaders(host: TermsHost): Record<string, string> {
  const [major, minor, build] = host.osVersion.split(".").map((n) => Number(n));
  return {
    "cxh-host": host.cxhHost ?? "FRX",
    hostapp: "CloudExperienceHost",
    "cxh-osversioninfo": JSON.stringify({ platformId: 2, majorVersion: major ?? 10, minorVersion: minor ?? 0, buildNumber: build ?? 0 }),
    "cxh-osplatform": "CloudExperienceHost.Platform.DESKTOP",
  };
}

/**
 * A redirect to another https origin is the web view going to the identity provider (the ToU or
 * sign-in page asks for a sign-in first): an outcome. A redirect to plain HTTP is the server's fault.
 */
export function identityProviderRedirect(location: string, from: URL, code: string): string | undefined {
  const next = new URL(location, from);
  if (next.origin === from.origin) return undefined;
  if (next.protocol !== "https:") throw new ProtocolViolationError(code, `redirect to ${next.origin}: a web view never leaves HTTPS`);
  return next.toString();
}

function readRedirect(location: string): TermsOutcome | undefined {
  if (!location.toLowerCase().startsWith(TOU_REDIRECT.toLowerCase())) return undefined;
  const q = new URL(location.replace(/^ms-appx-web:/i, "https:")).searchParams;
  const err = q.get("error");
  if (err) return { status: "error", error: err, ...(q.get("error_description") ? { description: q.get("error_description")! } : {}) };
  if (q.get("IsAccepted")?.toLowerCase() === "true") return { status: "accepted", opaqueBlob: q.get("OpaqueBlob") ?? "" };
  return { status: "declined" };
}

export async function termsOfUse(ctx: ProtocolContext, url: string, bearer: string, accept: boolean, host: TermsHost): Promise<TermsOutcome> {
  return step(ctx, "enroll.terms", async () => {
    const u = new URL(url);
    u.searchParams.set("redirect_uri", TOU_REDIRECT);
    u.searchParams.set("client-request-id", ctx.entropy.fork("tou.request").uuid());
    u.searchParams.set("api-version", "1.0");
    u.searchParams.set("mode", "azureadjoin");
    const headers = { authorization: `Bearer ${bearer}`, ...cxhHeaders(host) };
    let res;
    try {
      res = await exchange(ctx, "enroll.terms", { method: "GET", url: u.toString(), headers }, { acceptStatus: [302, 303] });
    } catch (e) {
      return { status: "unreachable" as const, message: e instanceof Error ? e.message : String(e) };
    }
    if (res.headers.location) {
      const direct = readRedirect(res.headers.location);
      if (direct) return direct;
      const idp = identityProviderRedirect(res.headers.location, u, "tou.redirect");
      if (idp) {
        decoded(ctx, "enroll.terms", { result: "identity-provider", location: idp });
        return { status: "identity-provider" as const, location: idp };
      }
      throw new ProtocolViolationError("tou.redirect", `the Terms of Use page redirected within its own site to ${res.headers.location} without answering`);
    }
    // The user presses the form's button: a GET form navigates to action?inputs, a POST form posts
    // them. A form whose action is the redirect_uri ends the web view there (read, never fetched).
    const forms = parseForms(new TextDecoder().decode(res.body));
    const form = forms.find((f) => f.action.toLowerCase().startsWith(TOU_REDIRECT.toLowerCase())) ?? forms.find((f) => f.method === "post" || f.method === "get");
    if (!form) throw new ProtocolViolationError("tou.no-form", "the Terms of Use page has no form");
    const fields = { ...form.inputs, IsAccepted: accept ? "true" : "false" };
    let out: TermsOutcome | undefined;
    if (form.action.toLowerCase().startsWith(TOU_REDIRECT.toLowerCase())) {
      const end = new URL(form.action.replace(/^ms-appx-web:/i, "https:"));
      for (const [k, v] of Object.entries(fields)) end.searchParams.set(k, v);
      out = readRedirect(end.toString().replace(/^https:/, "ms-appx-web:"));
    } else {
      const target = new URL(form.action || u.toString(), u);
      if (target.origin !== u.origin) throw new ProtocolViolationError("tou.form-off-origin", `Terms of Use form submits to ${target.origin}`);
      const body = new URLSearchParams(fields).toString();
      const get = form.method !== "post";
      if (get) for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
      const sent = await exchange(
        ctx,
        "enroll.terms",
        get
          ? { method: "GET", url: target.toString(), headers }
          : { method: "POST", url: target.toString(), headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: new TextEncoder().encode(body) },
        { acceptStatus: [302, 303] },
      );
      out = sent.headers.location ? readRedirect(sent.headers.location) : undefined;
    }
    if (!out) throw new ProtocolViolationError("tou.no-redirect", `the Terms of Use page did not return to ${TOU_REDIRECT}`);
    decoded(ctx, "enroll.terms", { result: out.status, ...(out.status === "accepted" ? { opaqueBlobBytes: out.opaqueBlob.length } : {}) });
    return out;
  });
}
