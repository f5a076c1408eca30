// SPDX-License-Identifier: MIT
/**
 * What runs on an Apple device after it enrolled, beyond MDM: a small model of the Company Portal
 * app (iOS/iPadOS) and of a partner MDM agent's directory registration (Jamf Pro's `jamfaad` on
 * macOS). Both talk to the server's directory endpoints (`/apple/directory/…`, server
 * partner.ts) with the device's MDM identity over mTLS.
 *
 * Company Portal (`options.apple.companyPortal`): only when the MDM installed it (InstallApplication
 * with the Company Portal's App Store id; its managed app configuration is kept on the device).
 * - The user opens it. Its app configuration decides what it thinks is left to do: with
 *   `IntuneCompanyPortalEnrollmentAfterUDA` true (the Company Portal policy meant for ADE without
 *   modern auth) it runs its own enrollment: the user signs in again and is asked to download the
 *   management profile — which this device already has installed (one MDM profile per device):
 *   error `apple.company-portal.profile-already-installed`.
 * - Otherwise the user taps Begin and the app registers the device in the directory (`cp.register`);
 *   refusals → `apple.directory.refused.<code>`. A user who never taps Begin is the timeline's
 *   `abandon` at `cp.register`: the device stays enrolled (its MDM enrollment is done), unregistered.
 * Partner agent (`options.apple.partner`, macOS): the user registers through the partner's Self
 * Service policy (or, wrongly, through the Company Portal); then the agent checks compliance every
 * `checkSeconds` (device clock) up to `complianceChecks` times; while it is not evaluated it runs
 * `jamfaad gatherAADInfo`, which prompts the user to sign in again when the directory says so.
 * Not modelled: the apps' UI, Entra tokens and broker, app updates, Jamf's inventory and policies.
 */
import { asSimError } from "../../errors/index.js";
import type { HttpClient, HttpResponse } from "../../ports/http.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { toPem } from "../../wire/x509/certificate.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { fail, fetchProfile } from "./enroll.js";
import type { AppleOptions, CompanyPortalOptions, PartnerAgentOptions } from "./options.js";
import type { AppleDevice } from "./state.js";
import { tlsAnchors } from "./profile-trust.js";

/** The Company Portal's App Store id (the InstallApplication iTunesStoreID), and its identifier before the App Store names it. */
export const COMPANY_PORTAL_ADAM_ID = 719171358;
export const COMPANY_PORTAL_APP = `id${COMPANY_PORTAL_ADAM_ID}`;
/** Company Portal app-config key of Intune's ADE policy for Setup Assistant without modern auth. */
export const CP_ENROLL_AFTER_UDA = "IntuneCompanyPortalEnrollmentAfterUDA";

type Json = Record<string, unknown>;

function readJson(res: HttpResponse): Json {
  try {
    const v: unknown = JSON.parse(Buffer.from(res.body.subarray(0, 65_536)).toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown, max = 300): string => (typeof v === "string" ? v.slice(0, max) : "");

/** The device's MDM identity as an mTLS client, for the directory endpoints; undefined when not enrolled. */
function directoryClient(ctx: FlowContext, dev: AppleDevice): HttpClient | undefined {
  const uuid = dev.mdmBinding?.uuid;
  const id = uuid ? dev.store.identity(uuid) : undefined;
  if (!id) return undefined;
  return ctx.ports.http.client({
    tls: { ...(ctx.tls ?? {}), ca: [...(ctx.tls?.ca ?? []), ...tlsAnchors(dev).map((c) => toPem(c.der))], identity: { certPem: toPem(id.certificate.der), keyPem: ctx.ports.crypto.privateKeyPem(id.key) } },
    keepAlive: ctx.keepAlive ?? true,
  });
}

async function call(p: ProtocolContext, stepName: string, method: "GET" | "POST", url: string, body?: Json): Promise<{ status: number; json: Json }> {
  return step(p, stepName, async () => {
    const res = await exchange(
      p,
      stepName,
      { method, url, headers: { accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: new Uint8Array(Buffer.from(JSON.stringify(body))) } : {}) },
      { acceptStatus: [400, 401, 403, 404, 409, 503] },
    );
    const json = readJson(res);
    decoded(p, stepName, { status: res.status, ...json });
    return { status: res.status, json };
  });
}

/** Runs the Company Portal / partner agent after a successful enrollment (no-op without their options). */
export async function afterEnrollment(ctx: FlowContext, dev: AppleDevice, o: AppleOptions, result: FlowResult, base: () => string): Promise<FlowResult> {
  if (!result.ok || (!o.companyPortal && !o.partner) || result.code !== "apple.enrolled" && result.code !== "apple.ade.enrolled") return result;
  const http = directoryClient(ctx, dev);
  if (!http) return result;
  const p: ProtocolContext = { ...ctx.protocol, http };
  try {
    return o.partner ? await partnerAgent(ctx, p, dev, o.partner, result, base) : await companyPortal(ctx, p, dev, o.companyPortal ?? {}, result, base);
  } finally {
    await http.close().catch(() => {});
  }
}

const defaultUser = (ctx: FlowContext) => `user${ctx.identity.index + 1}@enrollsim.test`;

async function companyPortal(ctx: FlowContext, p: ProtocolContext, dev: AppleDevice, cp: CompanyPortalOptions, result: FlowResult, base: () => string): Promise<FlowResult> {
  const app = dev.apps.find((a) => a.itunesStoreId === COMPANY_PORTAL_ADAM_ID || a.identifier === COMPANY_PORTAL_APP);
  if (!app) {
    decoded(p, "cp.launch", { installed: false, note: "the MDM did not install the Company Portal" });
    return result;
  }
  const config = app.configuration ?? {};
  const enrollAfterUda = config[CP_ENROLL_AFTER_UDA] === true || config[CP_ENROLL_AFTER_UDA] === "true";
  await step(p, "cp.launch", async () => decoded(p, "cp.launch", { installed: true, appConfig: Object.keys(config), enrollmentAfterUda: enrollAfterUda }));
  const user = cp.user ?? defaultUser(ctx);
  if (enrollAfterUda) {
    // The app configuration tells the Company Portal the device still has to enroll through it.
    await step(p, "cp.sign-in", async () => decoded(p, "cp.sign-in", { user, prompt: "Sign in to set up your device", again: true }));
    await fetchProfile({ ...ctx, protocol: p }, dev, `${base()}/apple/enroll`);
    if (dev.store.mdmProfile()) {
      return fail(
        dev,
        "apple.company-portal.profile-already-installed",
        "cp.profile",
        `Company Portal error: the user was asked to sign in again and to download and install a management profile, but the device already has it installed (app configuration ${CP_ENROLL_AFTER_UDA} on a device that enrolled through Setup Assistant with modern authentication)`,
      );
    }
  }
  let r: { status: number; json: Json };
  try {
    r = await call(p, "cp.register", "POST", `${base()}/apple/directory/register`, { user, via: "company-portal" });
  } catch (err) {
    // The user closed the app without tapping Begin (timeline `abandon` at cp.register): nothing is
    // undone, the device just never registers in the directory.
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(p, "cp.launch", { begin: "never tapped", registered: false });
    return result;
  }
  if (r.status !== 200) return fail(dev, `apple.directory.refused.${str(r.json.code, 60) || r.status}`, "cp.register", str(r.json.message) || `registration answered HTTP ${r.status}`);
  return result;
}

async function partnerAgent(ctx: FlowContext, p: ProtocolContext, dev: AppleDevice, a: PartnerAgentOptions, result: FlowResult, base: () => string): Promise<FlowResult> {
  const user = a.user ?? defaultUser(ctx);
  const via = a.registerVia;
  const register = () => call(p, via === "company-portal" ? "cp.register" : "partner.register", "POST", `${base()}/apple/directory/register`, { user, via });
  const r = await register();
  if (r.status !== 200) return fail(dev, `apple.directory.refused.${str(r.json.code, 60) || r.status}`, via === "company-portal" ? "cp.register" : "partner.register", str(r.json.message) || `registration answered HTTP ${r.status}`);
  const checks = a.complianceChecks ?? 6;
  const started = p.clock.now();
  let prompts = 0;
  let reasons: string[] = [];
  for (let i = 0; i < checks; i++) {
    if (i > 0) await dev.sleep((a.checkSeconds ?? 900) * 1000);
    const c = await call(p, "partner.compliance", "GET", `${base()}/apple/directory/compliance`);
    if (c.status !== 200) return fail(dev, `apple.partner.refused.${str(c.json.code, 60) || c.status}`, "partner.compliance", str(c.json.message) || `compliance answered HTTP ${c.status}`);
    if (c.json.state === "compliant") return result;
    reasons = Array.isArray(c.json.reasons) ? c.json.reasons.slice(0, 8).map((x) => str(x, 200)) : [];
    const g = await call(p, "partner.gather-aad-info", "POST", `${base()}/apple/directory/gather`);
    if (g.json.signInRequired === true) {
      prompts++;
      await step(p, "partner.sign-in", async () => decoded(p, "partner.sign-in", { user, prompt: "jamfaad gatherAADInfo asks the user to sign in again" }));
      await register();
    }
  }
  const secs = Math.round((p.clock.now() - started) / 1000);
  return fail(
    dev,
    "apple.partner.compliance-not-evaluated",
    "partner.compliance",
    `compliance stays N/A (not evaluated) after ${checks} checks over ${secs} s of device time${reasons.length ? `: ${reasons.join("; ")}` : ""}; jamfaad gatherAADInfo re-prompted for sign-in ${prompts} times`,
  );
}
