// SPDX-License-Identifier: MIT
/** Apple flows (registered in device/flows/index.ts): profile-based enrollment and ADE, iOS and macOS. */
import { adminAuthorizesInstall } from "./local-account.js";
import { ProtocolViolationError, ScenarioError, asSimError } from "../../errors/index.js";
import { appleAdeInvalidProfile, appleShownForServerCode, isAppleServerCode } from "./shown.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import { buildSignedData } from "../../wire/cms/signed-data.js";
import { PROFILE_CONTENT_TYPE } from "../../wire/apple/mdm.js";
import { buildPlistBytes, isDict, parsePlist, type PlistDict } from "../../wire/apple/plist.js";
import { SET_UPS_DISK_KEY, type Flow, type FlowContext, type FlowResult } from "../flow.js";
import type { Platform } from "../catalog.js";
import { issueDeviceIdentity, testDeviceCa } from "../../wire/apple/device-ca.js";
import { enrollWithProfile, fail, optionAnchors, userAgent } from "./enroll.js";
import { ENROLL_URL_STATUSES, MAC_MACHINEINFO_UA, enrollUrlNotAProfile, enrollUrlStatus, enrollmentRequest, failedAnswer, noEnrollmentUrl } from "./ade-enroll-url.js";
import { appleCheckin } from "./checkin.js";
import { runAccountDriven, type AccountVariant } from "./account.js";
import { appleOptions, type AdeCloudConfig, type AppleOptions } from "./options.js";
import { activationLockScreen } from "./activation-lock.js";
import { AppleDevice } from "./state.js";
import { restoreBackup } from "./backup.js";
import { applyPriorMdm, enrolledMdm } from "./prior-mdm.js";
import { configuratorFlow, fetchProfileOrRefusal } from "./configurator.js";
import { SETUP_FINISHED_DISK, adeRenewal, afterEnroll, networkPane, quickStartPane } from "./setup-assistant.js";
import { safariUserAgent } from "./safari.js";
import { compareVersions } from "../../wire/version.js";
import { afterEnrollment } from "./company-portal.js";
import { resumeApple } from "./resume-flow.js";
import { canRequestSoftwareUpdate, installSoftwareUpdate } from "./software-update.js";
import { agentEnrollment } from "./hub.js";
import { downloadPrompt, openPortal, WebBrowser } from "./portal.js";
import type { DurableValue } from "../../ports/checkpoint.js";
import { TemplateValueMissing, deviceTemplateValues, expandTemplate, runTemplateValues } from "../template.js";
import { typedPassword } from "../behaviors/typed-password.js";
import { cliInstalls, userInstallsDownloadedProfile } from "./install-channel.js";

/** The User-Agent of the script's download (curl on macOS). */
const CURL_UA = "curl/8.7.1";

function serverBase(ctx: FlowContext, what: string): string {
  const base = ctx.targets.server?.https ?? ctx.targets.server?.http;
  if (!base) throw new ScenarioError(`${what}: no server URL (use the embedded server, or set it in options.apple)`);
  return base;
}

/**
 * `options.apple.profileFile`: the profile the user opened from a file (AirDrop, Mail, Files) in
 * place of a download. The loader or the CLI has read it into `profileData`.
 */
const isXmlProfile = (b: Uint8Array): boolean => /^\s*(<\?xml|<!DOCTYPE plist|<plist)/.test(Buffer.from(b.subarray(0, 64)).toString("latin1"));

function expandProfileTemplates(ctx: FlowContext, text: string): string {
  const values = { ...deviceTemplateValues(ctx.identity), ...runTemplateValues({ https: ctx.targets.server?.https, http: ctx.targets.server?.http, scepUrl: ctx.targets.scepUrl }) };
  try {
    return expandTemplate(text, values);
  } catch (e) {
    if (e instanceof TemplateValueMissing) throw new ScenarioError(`options.apple.profileFile: ${e.message} (device ${ctx.identity.id})`);
    throw e;
  }
}

function profileFromFile(ctx: FlowContext, o: AppleOptions): Uint8Array {
  if (o.profileData === undefined) {
    throw new ScenarioError(`options.apple.profileFile "${o.profileFile}" was not read: scenario files and \`enrollsim enroll --set\` read it; library callers pass its bytes as profileData (base64)`);
  }
  const raw = new Uint8Array(Buffer.from(o.profileData, "base64"));
  // An unsigned (XML) profile may name the run's server and the device with %NAME% templates; a
  // signed one cannot change without breaking its signature, so it is used as it is.
  const bytes = isXmlProfile(raw) ? new TextEncoder().encode(expandProfileTemplates(ctx, Buffer.from(raw).toString("utf8"))) : raw;
  decoded(ctx.protocol, "profile.file", { file: o.profileFile ?? null, bytes: bytes.length, ...(bytes !== raw ? { templates: "expanded" } : {}) });
  return bytes;
}

/**
 * The user gets the profile in Safari: through the enrollment portal when `options.apple.portal` says
 * so (portal.login), the download (profile.download), then Safari's prompt (profile.download-prompt).
 */
async function downloadInSafari(ctx: FlowContext, dev: AppleDevice, o: AppleOptions, enrollUrl: string): Promise<Uint8Array | FlowResult> {
  // The enrollment agent (options.apple.agent) or the portal gives the user this enrollment's profile link.
  // The browser the user opens it in (device state `browser`): its cookies hold the portal's sign-in session, and its
  // row of devices/profile-installers/*.yaml says whether the profile download carries them.
  const browser = WebBrowser.of(dev);
  const url = o.agent ? await agentEnrollment(ctx, dev, o, ctx.targets.server?.embedded ? ctx.targets.server.https : undefined) : o.portal ? await openPortal(ctx, dev, o, enrollUrl, browser) : enrollUrl;
  if (typeof url !== "string") return url;
  // The download sends Safari's User-Agent (safari.ts: platform, release, Request Desktop Website), what a portal reads.
  const cookie = browser.downloadCookies();
  if (browser.cookieHeader()) decoded(ctx.protocol, "profile.download", { browser: browser.name, session: cookie ? "sent" : `not sent: ${browser.name}'s profile download carries none of its cookies (${browser.row.at ?? "default"}: ${browser.row.source})` });
  const bytes = await fetchProfileOrRefusal(ctx, dev, url, safariUserAgent(dev), { name: browser.name, ...(cookie ? { cookie } : {}) });
  if (!(bytes instanceof Uint8Array)) return bytes;
  return (await downloadPrompt(ctx, dev, url, browser.name)) ?? bytes;
}

function checkPlatform(ctx: FlowContext, platforms: readonly Platform[], flow: string): void {
  if (!platforms.includes(ctx.identity.platform)) {
    throw new ScenarioError(`flow ${flow} runs on ${platforms.join("/")}, but model ${ctx.identity.model} is ${ctx.identity.platform}`);
  }
}

function profileFlow(name: string, platforms: readonly Platform[]): Flow<never> {
  return {
    name,
    description: "Profile-based enrollment: download the .mobileconfig, install certificates → SCEP → MDM, check in, process commands",
    platforms,
    checkin: appleCheckin,
    async run(ctx, raw) {
      checkPlatform(ctx, platforms, name);
      const o = appleOptions(raw);
      // In flight when a killed run ended, past its identity's issue: continue at the saved MDM state.
      const resumed = await resumeApple(ctx, o, false);
      if (resumed) return afterEnrollment(ctx, resumed.dev, o, afterEnroll(resumed.dev, o, resumed.result), () => serverBase(ctx, name));
      // A Try Again (timeline `tryAgain`) after a failed install starts the flow again on the same
      // device: its disk counts the install attempts, so each one generates a new key pair as the
      // device does (field-failures apple-first-attempt-fails-retry-succeeds).
      const attempt = installAttempt(ctx);
      const dev = new AppleDevice(ctx, o.commands, { generation: keyGeneration(ctx, attempt) });
      restoreBackup(dev);
      // A script's `profiles install` (macOS; on 11+ the method table ended the flow before this): the script fetches the profile itself.
      const viaCli = o.installVia === "profiles-cli";
      if (viaCli && dev.osName !== "macOS") throw new ScenarioError(`options.apple.installVia: profiles-cli is the Mac's profiles command; flow ${name} runs on ${ctx.identity.platform}`);
      const url = o.profileUrl ?? `${serverBase(ctx, name)}/apple/enroll`;
      const bytes = o.profileFile !== undefined ? profileFromFile(ctx, o) : viaCli ? await fetchProfileOrRefusal(ctx, dev, url, CURL_UA) : await downloadInSafari(ctx, dev, o, url);
      if (!(bytes instanceof Uint8Array)) return bytes;
      if (viaCli) await cliInstalls(ctx, dev);
      else {
        const removed = await userInstallsDownloadedProfile(ctx, dev, ctx.protocol.clock.now());
        if (removed) return removed;
        const unauthorized = await adminAuthorizesInstall(ctx, dev);
        if (unauthorized) return unauthorized;
        await userApprovesEnrollment(ctx, dev);
      }
      const r = await afterEnrollment(ctx, dev, o, afterEnroll(dev, o, await enrollWithProfile(dev, o, bytes, { ade: false, awaitConfiguration: false, silent: viaCli })), () => serverBase(ctx, name));
      return r.ok && attempt > 0 ? { ...r, code: `${r.code}.after-retry` } : r;
    },
  };
}

/** The first macOS release with User Approved MDM. */
const UAMDM_FROM = "10.13.2";

/**
 * macOS profile enrollment: the user approves the MDM profile in System Settings › Privacy &
 * Security › Profiles (step `profile.approve`), which makes the enrollment user-approved (Apple
 * Platform Deployment, "User Approved MDM"). A user who never approves it is the timeline's
 * `abandon` at profile.approve: the enrollment goes on, not user-approved, and payloads that need
 * user-approved MDM are refused (SecurityInfo UserApprovedEnrollment false). iOS has no such step.
 */
async function userApprovesEnrollment(ctx: FlowContext, dev: AppleDevice): Promise<void> {
  if (dev.osName !== "macOS") return;
  // User Approved MDM exists from macOS 10.13.2 (SimpleMDM, "What is User Approved MDM Enrollment?"; VMware, "User Approved MDM in macOS High Sierra"): an older Mac has nothing to approve.
  if (compareVersions(dev.osVersion, UAMDM_FROM) < 0) return void decoded(ctx.protocol, "profile.install", { userApproval: `none before macOS ${UAMDM_FROM}` });
  try {
    await step(ctx.protocol, "profile.approve", async () => decoded(ctx.protocol, "profile.approve", { userApproved: true }));
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    dev.userApproved = false;
    decoded(ctx.protocol, "profile.approve", { userApproved: false, note: "the user never approved the profile" });
  }
}

/** The device's disk key counting profile install attempts (each Try Again is one more). */
const INSTALL_ATTEMPTS_DISK = "apple.profile.install-attempts";

/** This install attempt's number (0 first), counted on the device's disk; at most 3 (key slots of one generation). */
function installAttempt(ctx: FlowContext): number {
  const before = ctx.disk?.get(INSTALL_ATTEMPTS_DISK);
  const attempt = typeof before === "number" ? before : 0;
  ctx.disk?.set(INSTALL_ATTEMPTS_DISK, attempt + 1);
  return Math.min(attempt, 3);
}

/**
 * The key generation of this enrolment: its install attempt plus the set-ups from scratch before it (timeline
 * `setUpAgain`), so a new enrolment of the hardware has a new key pair, as a real device generates one; at most 3,
 * the generations the steady check-in probes (checkin.ts MAX_SLOT_PROBES).
 */
function keyGeneration(ctx: FlowContext, attempt: number): number {
  const setUps = ctx.disk?.get(SET_UPS_DISK_KEY);
  return Math.min(3, attempt + (typeof setUps === "number" ? setUps : 0));
}

/** MachineInfo plist (other/machineinfo.yaml keys), CMS-signed by the device identity. */
async function machineInfo(ctx: FlowContext, dev: AppleDevice): Promise<Uint8Array> {
  const id = ctx.identity;
  const info: PlistDict = {
    UDID: dev.udid,
    SERIAL: id.serialNumber,
    PRODUCT: id.modelIdentifier,
    VERSION: dev.buildVersion,
    OS_VERSION: dev.osVersion,
    LANGUAGE: "en",
    // iOS/iPadOS 17 and macOS 14 on can be asked for an update before enrollment (software-update.ts).
    MDM_CAN_REQUEST_SOFTWARE_UPDATE: canRequestSoftwareUpdate(dev),
  };
  if (id.imei) info.IMEI = id.imei;
  if (id.meid) info.MEID = id.meid;
  const serial = ctx.protocol.entropy.fork("device-ca.serial").bytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  // The device's "Apple-issued" identity: a pool key (a different slot from the SCEP key).
  const key = await ctx.ports.keys.rsa(id.index + 1);
  const identity = issueDeviceIdentity(ctx.ports.crypto, key, id.serialNumber, dev.udid, serial, ctx.protocol.clock.now());
  decoded(ctx.protocol, "ade.machineinfo", { ...info, signer: identity.cert.subject, note: "signed by the enrollsim TEST device CA, not Apple-issued" });
  return buildSignedData(
    {
      content: buildPlistBytes(info),
      certificates: [identity.cert.der, testDeviceCa(ctx.ports.crypto).cert.der],
      signer: { cert: identity.cert, key: identity.key, hash: "sha256", attributes: [] },
    },
    ctx.ports.crypto,
  );
}

function adeFlow(name: string, platforms: readonly Platform[]): Flow<never> {
  return {
    name,
    description: "Automated Device Enrollment: cloud configuration, signed MachineInfo to the enrollment URL, profile install, await configuration until DeviceConfigured",
    platforms,
    checkin: appleCheckin,
    async run(ctx, raw): Promise<FlowResult> {
      checkPlatform(ctx, platforms, name);
      const o = appleOptions(raw);
      const resumed = await resumeApple(ctx, o, true);
      if (resumed) {
        const cc = resumed.flow?.cloudConfig as AdeCloudConfig | undefined;
        return afterEnrollment(ctx, resumed.dev, o, afterEnroll(resumed.dev, o, resumed.result, cc, resumed.flow?.quickStart === true), () => serverBase(ctx, name));
      }
      return runAde(ctx, o, name);
    },
  };
}

/**
 * The ADE enrollment profile the device obtained, kept on its disk: after a failed install, Setup
 * Assistant's Try Again installs that profile again instead of fetching another ("The iPad retried
 * enrolment using the enrolment profile it had already obtained (it doesn't try and get another
 * one)", nanomdm issue #73), with a new key pair (installAttempt). A one-time SCEP challenge in it is
 * then already used.
 */
const ADE_PROFILE_DISK = "apple.ade.profile";

/** Setup Assistant up to Remote Management: activation state, Quick Start, the network pane, Activation Lock. A result when it stops there. */
async function setupBeforeRemoteManagement(dev: AppleDevice): Promise<FlowResult | { quickStart: boolean }> {
  const enrolledIn = enrolledMdm(dev.ctx.identity.state);
  if (enrolledIn) {
    // Still enrolled in another MDM (state.mdmEnrollments): the device was set up, so Setup Assistant's Remote Management pane never comes until it is erased.
    decoded(dev.ctx.protocol, "ade.setup-assistant", { activated: true, remoteManagement: false, mdmEnrollment: enrolledIn });
    return fail(dev, "apple.ade.already-activated", "ade.setup-assistant", `the device is set up and enrolled in ${enrolledIn}; it must be erased before it can enroll through ADE`);
  }
  if (dev.ctx.identity.state?.activated) {
    // Device state: activated (Setup Assistant completed) before a profile was assigned: Setup
    // Assistant never asks for the cloud configuration again until the device is erased. An erased
    // device is one whose state is not activated (`state: { activated: false }`, what an erase leaves).
    decoded(dev.ctx.protocol, "ade.setup-assistant", { activated: true, remoteManagement: false });
    return fail(dev, "apple.ade.already-activated", "ade.setup-assistant", "the device was activated before an enrollment profile was assigned; it must be erased before it can enroll through ADE");
  }
  // Quick Start is offered before Wi-Fi and activation (device state setupAssistant.quickStart).
  const qs = quickStartPane(dev);
  if ("ok" in qs) return qs;
  // The network pane: the user's choice (setupAssistant.network) with the release's rule whether a registered device may go on offline.
  const offline = await networkPane(dev, qs.quickStart);
  if (offline) return offline;
  // Activation comes before Remote Management: an Activation Lock stops Setup Assistant there (activation-lock.ts).
  const locked = activationLockScreen(dev);
  if (locked) return fail(dev, "apple.ade.activation-locked", "ade.setup-assistant", locked);
  return { quickStart: qs.quickStart };
}

async function runAde(ctx: FlowContext, o: AppleOptions, name: string): Promise<FlowResult> {
  const dev = new AppleDevice(ctx, o.commands, { supervised: true, generation: keyGeneration(ctx, installAttempt(ctx)) });
  dev.ade = true;
  // Asked again from the running macOS (timeline renewEnrollment): Setup Assistant is over, its panes are not shown.
  const renewal = await adeRenewal(dev);
  if (typeof renewal === "object") return renewal;
  // From the running macOS, a Mac still enrolled elsewhere (state.mdmEnrollments) holds that MDM's profile: the ADE profile meets the install rule (prior-mdm.ts).
  if (renewal) applyPriorMdm(dev);
  const setup = renewal ? { quickStart: false } : await setupBeforeRemoteManagement(dev);
  if ("ok" in setup) return setup;
  const abs0 = (u: string) => (u.startsWith("/") ? `${serverBase(ctx, name)}${u}` : u);
  let cc: AdeCloudConfig = o.ade?.cloudConfig ?? {};
  const ccUrl = o.ade?.cloudConfigUrl ?? (!o.ade?.cloudConfig && ctx.targets.server?.embedded ? "/apple/ade/cloudconfig" : undefined);
  if (ccUrl) {
    const fetched = await fetchCloudConfig(ctx, `${abs0(ccUrl)}?serial=${encodeURIComponent(ctx.identity.serialNumber)}`);
    if ("missing" in fetched) {
      ctx.disk?.set(SETUP_FINISHED_DISK, true);
      return fail(dev, "apple.ade.device-not-assigned", "ade.cloudconfig", `no cloud configuration for this serial${fetched.missing ? ` (${fetched.missing})` : ""}: no Remote Management pane; the device sets up as a consumer device and cannot enroll`);
    }
    cc = fetched;
  }
  const abs = (u: string | undefined) => (u?.startsWith("/") ? `${serverBase(ctx, name)}${u}` : u);
  const webUrl = abs(cc.configuration_web_url);
  // No default: a cloud configuration without either URL leaves the device nowhere to ask (ade-enroll-url.ts).
  const url = abs(cc.url);
  dev.supervised = cc.is_supervised ?? true;
  if (dev.osName === "iOS" && parseInt(ctx.identity.os.version, 10) >= 13) dev.supervised = true; // ignored on iOS 13+
  decoded(ctx.protocol, "ade.cloudconfig", {
    url: url ?? null,
    configuration_web_url: webUrl,
    await_device_configured: cc.await_device_configured ?? true,
    is_supervised: dev.supervised,
    is_mandatory: cc.is_mandatory ?? true,
    is_mdm_removable: cc.is_mdm_removable ?? false,
    department: cc.department,
    support_phone_number: cc.support_phone_number,
    skip_setup_items: cc.skip_setup_items,
  });
  const install = async (profile: Uint8Array): Promise<FlowResult> => {
    const enrolled = await enrollWithProfile(dev, o, profile, {
      ade: true,
      awaitConfiguration: cc.await_device_configured ?? true,
      removable: cc.is_mdm_removable ?? false,
      extraAnchors: optionAnchors(cc.anchor_certs),
      // Kept in the MDM checkpoints: a resumed device runs the Setup Assistant panes after enrollment as this one would.
      flow: { cloudConfig: JSON.parse(JSON.stringify(cc)) as DurableValue, quickStart: setup.quickStart },
    });
    return afterEnrollment(ctx, dev, o, afterEnroll(dev, o, enrolled, cc, setup.quickStart, renewal), () => serverBase(ctx, name));
  };
  const kept = ctx.disk?.get(ADE_PROFILE_DISK);
  if (kept instanceof Uint8Array) {
    decoded(ctx.protocol, "ade.enroll", { profile: "the enrollment profile obtained before, kept on the device (Try Again does not fetch another)", bytes: kept.length });
    return install(kept);
  }
  const target = enrollmentRequest(webUrl, url);
  if (!target) {
    // The pane's Continue with nowhere to ask: a step with no request, a failed sample (the timeline's gates at ade.enroll still apply).
    await step(ctx.protocol, "ade.enroll", () => Promise.resolve(undefined), () => true);
    return noEnrollmentUrl(dev, name);
  }
  let authorization: string | undefined;
  let updated = false;
  for (let attempt = 0; attempt < 4; attempt++) {
    const signed = await machineInfo(ctx, dev);
    const started = ctx.protocol.clock.now();
    const res = await step(ctx.protocol, "ade.enroll", () => {
      const headers: Record<string, string> = { "user-agent": userAgent(dev) };
      if (authorization) headers.authorization = authorization;
      // Every 4xx/5xx is read below (401 challenge, 403 error body, else the device's record of a failed answer).
      if (target.via === "web-view") {
        headers["x-apple-aspen-deviceinfo"] = Buffer.from(signed).toString("base64");
        return exchange(ctx.protocol, "ade.enroll", { method: "GET", url: target.url, headers }, { acceptStatus: [...ENROLL_URL_STATUSES] });
      }
      headers["content-type"] = "application/pkcs7-signature";
      if (dev.osName === "macOS") headers["user-agent"] = MAC_MACHINEINFO_UA;
      return exchange(ctx.protocol, "ade.enroll", { method: "POST", url: target.url, headers, body: signed }, { acceptStatus: [...ENROLL_URL_STATUSES] });
    }, failedAnswer);
    if (res.status === 401) {
      const challenge = res.headers["www-authenticate"] ?? "";
      if (!/^basic/i.test(challenge) || !o.ade?.basicAuth || authorization) {
        const stuck = authorization ? "DEP enrollment stuck at user login: the sign-in was refused again; " : "";
        return fail(dev, "apple.ade.auth-failed", "ade.enroll", `${stuck}the enrollment URL answered 401 (${challenge || "no WWW-Authenticate"}) and the device has no (more) credentials`);
      }
      // The password goes into an Authorization header the transcript redacts.
      authorization = `Basic ${Buffer.from(`${o.ade.basicAuth.username}:${typedPassword(ctx, "ade.enroll", o.ade.basicAuth.password, o.mistypedPasswords)}`).toString("base64")}`;
      continue;
    }
    if (res.status === 403) {
      const body = readErrorBody(res.body, mediaType(res));
      if (body?.code === "com.apple.softwareupdate.required") {
        const target = isDict(body.details) && typeof body.details.OSVersion === "string" ? body.details.OSVersion : undefined;
        const build = isDict(body.details) && typeof body.details.BuildVersion === "string" ? body.details.BuildVersion : undefined;
        // A device that cannot be asked, a body without the version, or one still refused after its update: Setup Assistant cannot go on.
        if (!canRequestSoftwareUpdate(dev) || !target || updated) {
          return fail(
            dev,
            "apple.ade.software-update-required",
            "ade.enroll",
            `the server requires a software update to ${target ?? "(no OSVersion)"} before enrollment${updated ? `, and still does after the update to ${dev.osVersion}` : !canRequestSoftwareUpdate(dev) ? ` (${dev.osName} ${dev.osVersion} cannot perform an update during enrollment)` : ""}`,
            appleShownForServerCode(body.code, typeof body.message === "string" ? body.message : undefined, "ade.enroll", name),
          );
        }
        decoded(ctx.protocol, "ade.software-update", { from: dev.osVersion, to: target, ...(build ? { build } : {}) });
        await installSoftwareUpdate(ctx, dev, { version: target, ...(build ? { build } : {}) }, ctx.targets.server?.embedded ? serverBase(ctx, name) : undefined);
        updated = true;
        continue;
      }
      const raw = typeof body?.code === "string" ? body.code : undefined;
      // Apple's documented codes have their own meaning; any other leaves Setup Assistant without a profile it can read.
      const deviceKind = dev.osName === "macOS" ? "Mac" : /^iPad/.test(ctx.identity.modelIdentifier ?? "") ? "iPad" : "iPhone";
      return fail(
        dev,
        `apple.ade.refused${body?.code ? `.${String(body.code)}` : ""}`,
        "ade.enroll",
        `the enrollment URL answered 403 ${String(body?.code ?? "")} ${String(body?.message ?? "")}`.trim(),
        isAppleServerCode(raw) ? appleShownForServerCode(raw, typeof body?.message === "string" ? body.message : undefined, "ade.enroll", name) : { ...appleAdeInvalidProfile(raw, deviceKind, cc.department, "ade.enroll", name), ...(typeof body?.message === "string" && body.message ? { serverSaid: body.message } : {}) },
      );
    }
    if (res.status >= 400) return enrollUrlStatus(dev, name, target, res.status, res.body.length, ctx.protocol.clock.now() - started);
    const type = mediaType(res);
    if (type !== PROFILE_CONTENT_TYPE) {
      if (target.via === "machineinfo-post") return enrollUrlNotAProfile(dev, name, target.url, res.status, type);
      throw new ProtocolViolationError("apple.profile.content-type", `the enrollment URL answered Content-Type "${type || "(none)"}", expected ${PROFILE_CONTENT_TYPE}`);
    }
    ctx.disk?.set(ADE_PROFILE_DISK, res.body);
    return install(res.body);
  }
  return fail(dev, "apple.ade.retries-exhausted", "ade.enroll", "the enrollment URL kept refusing");
}

/** The cloud configuration for this device, or undefined when the service knows no such device (404). */
async function fetchCloudConfig(ctx: FlowContext, url: string): Promise<AdeCloudConfig | { missing: string }> {
  return step(ctx.protocol, "ade.cloudconfig", async () => {
    const res = await exchange(ctx.protocol, "ade.cloudconfig", { method: "GET", url, headers: { accept: "application/json" } }, { acceptStatus: [404] });
    if (res.status === 404) {
      const b = readErrorBody(res.body, mediaType(res));
      const code = typeof b?.code === "string" ? b.code.slice(0, 100) : "";
      decoded(ctx.protocol, "ade.cloudconfig", { found: false, code: code || null, message: typeof b?.message === "string" ? b.message.slice(0, 300) : null });
      return { missing: code };
    }
    if (!mediaType(res).includes("json")) throw new ProtocolViolationError("apple.ade.cloudconfig", `cloud configuration has Content-Type "${mediaType(res)}", expected JSON`);
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(res.body).toString("utf8"));
    } catch {
      throw new ProtocolViolationError("apple.ade.cloudconfig", "cloud configuration is not JSON");
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ProtocolViolationError("apple.ade.cloudconfig", "cloud configuration is not a JSON object");
    const o = v as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
    const bool = (k: string) => (typeof o[k] === "boolean" ? (o[k] as boolean) : undefined);
    const strs = (k: string) => (Array.isArray(o[k]) && (o[k] as unknown[]).every((x) => typeof x === "string") ? (o[k] as string[]).slice(0, 64) : undefined);
    if (o.url !== undefined && !str("url")) throw new ProtocolViolationError("apple.ade.cloudconfig", "cloud configuration url is not a string");
    return {
      url: str("url"),
      configuration_web_url: str("configuration_web_url"),
      is_supervised: bool("is_supervised"),
      is_mandatory: bool("is_mandatory"),
      is_mdm_removable: bool("is_mdm_removable"),
      await_device_configured: bool("await_device_configured"),
      skip_setup_items: strs("skip_setup_items"),
      department: str("department"),
      support_phone_number: str("support_phone_number"),
      anchor_certs: strs("anchor_certs"),
      supervising_host_certs: strs("supervising_host_certs"),
    };
  });
}

function readErrorBody(body: Uint8Array, type: string): Record<string, unknown> | undefined {
  try {
    if (type.includes("json")) {
      const v: unknown = JSON.parse(Buffer.from(body.subarray(0, 65536)).toString("utf8"));
      return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
    }
    const v = parsePlist(body, { maxBytes: 65536 });
    return isDict(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function accountFlow(name: string, platforms: readonly Platform[], variant: AccountVariant): Flow<never> {
  return {
    name,
    description:
      variant === "mdm-byod"
        ? "Account-driven User Enrollment: .well-known discovery, POST BaseURL, Bearer sign-in, profile with EnrollmentMode BYOD, EnrollmentID instead of hardware ids"
        : "Account-driven Device Enrollment: .well-known discovery, POST BaseURL, Bearer sign-in, profile with EnrollmentMode ADDE",
    platforms,
    checkin: appleCheckin,
    async run(ctx, raw) {
      checkPlatform(ctx, platforms, name);
      return runAccountDriven(ctx, appleOptions(raw), variant, () => serverBase(ctx, name));
    },
  };
}

export const appleFlows: Record<string, Flow<never>> = {
  "ios-profile": profileFlow("ios-profile", ["ios", "ipados"]),
  "macos-profile": profileFlow("macos-profile", ["macos"]),
  "ios-ade": adeFlow("ios-ade", ["ios", "ipados"]),
  "macos-ade": adeFlow("macos-ade", ["macos"]),
  "ios-user-enrollment": accountFlow("ios-user-enrollment", ["ios", "ipados"], "mdm-byod"),
  "macos-user-enrollment": accountFlow("macos-user-enrollment", ["macos"], "mdm-byod"),
  "ios-account-device-enrollment": accountFlow("ios-account-device-enrollment", ["ios", "ipados"], "mdm-adde"),
  "ios-configurator": configuratorFlow,
};
