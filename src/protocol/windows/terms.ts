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

export type TermsOutcome = { status: "accepted"; opaqueBlob: string } | { status: "declined" } | { status: "error"; error: string; description?: string } | { status: "unreachable"; message: string };

function readRedirect(location: string): TermsOutcome | undefined {
  if (!location.toLowerCase().startsWith(TOU_REDIRECT.toLowerCase())) return undefined;
  const q = new URL(location.replace(/^ms-appx-web:/i, "https:")).searchParams;
  const err = q.get("error");
  if (err) return { status: "error", error: err, ...(q.get("error_description") ? { description: q.get("error_description")! } : {}) };
  if (q.get("IsAccepted")?.toLowerCase() === "true") return { status: "accepted", opaqueBlob: q.get("OpaqueBlob") ?? "" };
  return { status: "declined" };
}

export async function termsOfUse(ctx: ProtocolContext, url: string, bearer: string, accept: boolean): Promise<TermsOutcome> {
  return step(ctx, "enroll.terms", async () => {
    const u = new URL(url);
    u.searchParams.set("redirect_uri", TOU_REDIRECT);
    u.searchParams.set("client-request-id", ctx.entropy.fork("tou.request").uuid());
    u.searchParams.set("api-version", "1.0");
    u.searchParams.set("mode", "azureadjoin");
    const headers = { authorization: `Bearer ${bearer}`, "cxh-host": "FRX" };
    let res;
    try {
      res = await exchange(ctx, "enroll.terms", { method: "GET", url: u.toString(), headers }, { acceptStatus: [302, 303] });
    } catch (e) {
      return { status: "unreachable" as const, message: e instanceof Error ? e.message : String(e) };
    }
    const direct = res.headers.location ? readRedirect(res.headers.location) : undefined;
    if (direct) return direct;
    const form = parseForms(new TextDecoder().decode(res.body)).find((f) => f.method === "post");
    if (!form) throw new ProtocolViolationError("tou.no-form", "the Terms of Use page has no form");
    const target = new URL(form.action || u.toString(), u);
    if (target.origin !== u.origin) throw new ProtocolViolationError("tou.form-off-origin", `Terms of Use form posts to ${target.origin}`);
    const body = new URLSearchParams({ ...form.inputs, IsAccepted: accept ? "true" : "false" }).toString();
    const post = await exchange(
      ctx,
      "enroll.terms",
      { method: "POST", url: target.toString(), headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: new TextEncoder().encode(body) },
      { acceptStatus: [302, 303] },
    );
    const out = post.headers.location ? readRedirect(post.headers.location) : undefined;
    if (!out) throw new ProtocolViolationError("tou.no-redirect", `the Terms of Use page did not return to ${TOU_REDIRECT}`);
    decoded(ctx, "enroll.terms", { result: out.status, ...(out.status === "accepted" ? { opaqueBlobBytes: out.opaqueBlob.length } : {}) });
    return out;
  });
}
