// SPDX-License-Identifier: MIT
/**
 * Account-driven enrollment (User Enrollment `mdm-byod`, Device Enrollment `mdm-adde`):
 * GET https://DOMAIN/.well-known/com.apple.remotemanagement → POST BaseURL (CMS-signed plist)
 * → 401 `WWW-Authenticate: Bearer method="apple-as-web", url=…` → auth driver (scenario token,
 * or a simple form follower that ends at the 308 `apple-remotemanagement-user-login://…`) →
 * POST again with `Authorization: Bearer` → profile → install, check in (Bearer on every MDM
 * request). User Enrollment uses EnrollmentID instead of UDID/serial/IMEI.
 *
 * Embedded runs: DOMAIN is mapped onto the reference server's HTTPS listener (recorded in the
 * transcript as `account.dns`), as the Windows flow maps EnterpriseEnrollment.<domain>; no real
 * DNS query leaves the machine. Against a real server the device connects to https://DOMAIN.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import type { HttpResponse } from "../../ports/http.js";
import { PROFILE_CONTENT_TYPE } from "../../wire/apple/mdm.js";
import { buildPlistBytes, isDict, parsePlist, type PlistDict } from "../../wire/apple/plist.js";
import { buildSignedData } from "../../wire/cms/signed-data.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { AccountSession } from "./account-auth.js";
import { issueDeviceIdentity, testDeviceCa } from "../../wire/apple/device-ca.js";
import { ACCOUNT_UA, accountUser, parseBearerChallenge } from "./account-signin.js";
import { restoreBackup } from "./backup.js";
import { enrollWithProfile, fail } from "./enroll.js";
import type { AppleOptions } from "./options.js";
import { AppleDevice } from "./state.js";
import { appleShownForServerCode } from "./shown.js";

export type AccountVariant = "mdm-byod" | "mdm-adde";

const MAX_JSON = 64 * 1024;

function modelFamily(ctx: FlowContext): string {
  if (ctx.identity.platform === "macos") return "Mac";
  return ctx.identity.platform === "ipados" ? "iPad" : "iPhone";
}

function readJson(res: HttpResponse): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(res.body.subarray(0, MAX_JSON)).toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The error body's `message`: the text Apple's MDM error schemas say the device displays. */
function userMessage(res: HttpResponse): string | undefined {
  const m = mediaType(res).includes("json") ? readJson(res)?.message : undefined;
  return typeof m === "string" ? m.slice(0, 300) : undefined;
}

function errorCode(res: HttpResponse): string | undefined {
  const t = mediaType(res);
  if (t.includes("json")) {
    const c = readJson(res)?.code;
    return typeof c === "string" ? c.slice(0, 200) : undefined;
  }
  try {
    const v = parsePlist(res.body, { maxBytes: MAX_JSON });
    return isDict(v) && typeof v.code === "string" ? v.code.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

/** The enrollment request body: a CMS-signed plist (LANGUAGE, PRODUCT, VERSION; hardware ids only for mdm-adde). */
async function signedRequest(ctx: FlowContext, dev: AppleDevice, variant: AccountVariant): Promise<Uint8Array> {
  const id = ctx.identity;
  const info: PlistDict = { LANGUAGE: "en", PRODUCT: id.modelIdentifier, VERSION: dev.buildVersion, OS_VERSION: dev.osVersion };
  if (variant === "mdm-adde") {
    info.UDID = dev.udid;
    info.SERIAL = id.serialNumber;
    if (id.imei) info.IMEI = id.imei;
  }
  const serial = ctx.protocol.entropy.fork("device-ca.serial").bytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const key = await ctx.ports.keys.rsa(id.index + 1);
  // User Enrollment discloses no hardware identifier, not even in the signer certificate.
  const ue = variant === "mdm-byod";
  const identity = issueDeviceIdentity(ctx.ports.crypto, key, ue ? "USER-ENROLLMENT" : id.serialNumber, ue ? dev.enrollmentId! : dev.udid, serial, ctx.protocol.clock.now());
  decoded(ctx.protocol, "account.request", { ...info, signer: identity.cert.subject });
  return buildSignedData(
    {
      content: buildPlistBytes(info),
      certificates: [identity.cert.der, testDeviceCa(ctx.ports.crypto).cert.der],
      signer: { cert: identity.cert, key: identity.key, hash: "sha256", attributes: [] },
    },
    ctx.ports.crypto,
  );
}

export async function runAccountDriven(ctx: FlowContext, o: AppleOptions, variant: AccountVariant, serverBase: () => string): Promise<FlowResult> {
  const a = o.account ?? {};
  const dev = new AppleDevice(ctx, o.commands, { supervised: false });
  // Management it already holds (another MDM's enrollment profile, a restored backup): the enrollment profile this flow gets is refused at install.
  restoreBackup(dev);
  const { domain, user } = accountUser(ctx, o);
  if (variant === "mdm-byod") {
    dev.userEnrollment = true;
    // EnrollmentID: enrollment-scoped, from the device's entropy (changes when the device enrolls again).
    dev.enrollmentId = ctx.protocol.entropy.fork("apple.enrollment-id").bytes(20).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "").toUpperCase();
  }
  // 1. Discovery
  let wellKnown: string;
  if (a.wellKnownUrl) wellKnown = a.wellKnownUrl;
  else if (ctx.targets.server?.embedded) {
    const origin = new URL(serverBase()).origin;
    decoded(ctx.protocol, "account.dns", { domain, mappedTo: origin, note: "embedded run: the domain is mapped onto the reference server's HTTPS listener; no DNS query leaves the machine" });
    wellKnown = `${origin}/.well-known/com.apple.remotemanagement`;
  } else wellKnown = `https://${domain}/.well-known/com.apple.remotemanagement`;
  const wk = new URL(wellKnown);
  wk.searchParams.set("user-identifier", user);
  wk.searchParams.set("model-family", modelFamily(ctx));
  type Discovery = { refused: FlowResult } | { baseUrl: URL };
  const disc: Discovery = await step(ctx.protocol, "account.well-known", async (): Promise<Discovery> => {
    const res = await exchange(ctx.protocol, "account.well-known", { method: "GET", url: wk.toString(), headers: { "user-agent": ACCOUNT_UA, accept: "application/json" } }, { acceptStatus: [403, 404] });
    if (res.status === 403) {
      const code = errorCode(res);
      return {
        refused: fail(
          dev,
          code === "com.apple.well-known.failed" ? "apple.account.well-known-failed" : `apple.account.well-known-refused${code ? `.${code}` : ""}`,
          "account.well-known",
          `discovery refused (HTTP 403${code ? ` ${code}` : ""}): signing in to the work account fails before any enrollment request`,
          appleShownForServerCode(code, userMessage(res), "account.well-known"),
        ),
      };
    }
    if (res.status === 404) return { refused: fail(dev, "apple.account.no-service", "account.well-known", `${wk.origin} publishes no com.apple.remotemanagement document`) };
    if (!mediaType(res).includes("json")) throw new ProtocolViolationError("apple.account.well-known", `the .well-known document has Content-Type "${mediaType(res)}", expected application/json`);
    const doc = readJson(res);
    const servers = Array.isArray(doc?.Servers) ? (doc!.Servers as unknown[]).slice(0, 16) : undefined;
    if (!servers) throw new ProtocolViolationError("apple.account.well-known", "the .well-known document is not a JSON object with a Servers array");
    const entry = servers.find((x): x is { Version: string; BaseURL: string } => isPlainObject(x) && x.Version === variant && typeof x.BaseURL === "string");
    decoded(ctx.protocol, "account.well-known", { versions: servers.map((x) => (isPlainObject(x) ? String(x.Version).slice(0, 40) : "?")), chosen: entry?.BaseURL.slice(0, 500) ?? null });
    if (!entry) return { refused: fail(dev, "apple.account.no-service", "account.well-known", `the server offers no ${variant} enrollment`) };
    let baseUrl: URL;
    try {
      baseUrl = new URL(entry.BaseURL);
    } catch {
      throw new ProtocolViolationError("apple.account.well-known", "BaseURL is not a URL");
    }
    if (baseUrl.protocol !== "https:") throw new ProtocolViolationError("apple.account.well-known", `BaseURL must be https, not ${baseUrl.protocol}`);
    return { baseUrl };
  });
  if ("refused" in disc) return disc.refused;
  const baseUrl = disc.baseUrl;

  // 2./4. Enrollment request, authenticated by Bearer after the 401.
  let bearer: string | undefined;
  let signinUrl: string | undefined;
  const session = new AccountSession(ctx, o);
  for (let attempt = 0; attempt < 3; attempt++) {
    const body = await signedRequest(ctx, dev, variant);
    const res = await step(ctx.protocol, "account.enroll", () => {
      const headers: Record<string, string> = { "user-agent": ACCOUNT_UA, "content-type": "application/pkcs7-signature" };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      return exchange(ctx.protocol, "account.enroll", { method: "POST", url: baseUrl.toString(), headers, body }, { acceptStatus: [401, 403] });
    });
    if (res.status === 401) {
      if (bearer) return fail(dev, "apple.account.auth-failed", "account.enroll", "the server refused the access token from the sign-in");
      const ch = parseBearerChallenge(res.headers["www-authenticate"] ?? "");
      if (!ch) return fail(dev, "apple.account.auth-failed", "account.enroll", `401 without a Bearer challenge (${(res.headers["www-authenticate"] ?? "no WWW-Authenticate").slice(0, 100)})`);
      if (!(ch.method === "apple-as-web" && ch.url) && ch.method !== "apple-oauth2") return fail(dev, "apple.account.auth-unsupported", "account.enroll", `Bearer method "${(ch.method ?? "").slice(0, 40)}" is not supported by enrollsim's auth drivers (apple-as-web, apple-oauth2)`);
      const got = await session.signIn(ch, baseUrl);
      signinUrl = session.signinUrl;
      if (typeof got !== "string") return fail(dev, got.code, "account.auth", got.message, got.shown);
      bearer = got;
      continue;
    }
    if (res.status === 403) {
      const code = errorCode(res);
      const shown = mediaType(res).includes("json") ? readJson(res)?.message : undefined; // the text the device shows
      return fail(dev, `apple.account.refused${code ? `.${code}` : ""}`, "account.enroll", `the enrollment server answered 403 ${code ?? ""}${typeof shown === "string" ? `: ${shown.slice(0, 300)}` : ""}`.trim(), appleShownForServerCode(code, userMessage(res), "account.enroll"));
    }
    if (mediaType(res) !== PROFILE_CONTENT_TYPE) {
      throw new ProtocolViolationError("apple.profile.content-type", `the BaseURL answered Content-Type "${mediaType(res) || "(none)"}", expected ${PROFILE_CONTENT_TYPE}`);
    }
    decoded(ctx.protocol, "account.enroll", { variant, user, enrollmentId: dev.enrollmentId ?? null });
    return enrollWithProfile(dev, o, res.body, { ade: false, awaitConfiguration: false, account: variant === "mdm-byod" ? "BYOD" : "ADDE", bearer, reauth: session.reauth, ...(signinUrl ? { authUrl: signinUrl } : {}) });
  }
  return fail(dev, "apple.account.auth-failed", "account.enroll", "the enrollment server kept asking for authentication");
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
