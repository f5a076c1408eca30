// SPDX-License-Identifier: MIT
/**
 * The AMAPI dialect: Android Device Policy redeeming its enrollment token with "Google" (here
 * enrollsim's fake AMAPI, whose device-facing endpoints are enrollsim's own: Google's are
 * private), then sending status reports and acknowledging commands. The EMM sees the result
 * through the fake AMAPI REST surface and Pub/Sub pushes.
 *
 *   POST {amapi}/device/v1/integrityNonces           → {nonce}  (before each request that carries integrity evidence)
 *   POST {amapi}/device/v1/enrollmentTokens:redeem   → Device | {error:{code,status,message,reason}}
 *   POST {amapi}/device/v1/{device}:reportStatus     → {policyVersion, pendingCommands[], serviceRestricted?}
 *   POST {amapi}/device/v1/{operation}:ack           → {}
 */
import { ProtocolViolationError, ScenarioError } from "../../../errors/index.js";
import { readDevice, readStatusAck, parseGoogleError, type Operation } from "../../../wire/android/amapi.js";
import { WIZARD_TEXT } from "../../../wire/android/index.js";
import { decoded, step } from "../../common/context.js";
import { exchange } from "../../common/exchange.js";
import type { AndroidDialect, DialectCheckinInput, DialectInput, DialectOutcome } from "./types.js";
import type { ApplicationPolicy, ApplicationReport, NonComplianceDetail } from "../../../wire/android/oem-apps.js";
import { passwordNonCompliance, type PasswordNonCompliance, type PasswordRequirements } from "../../../wire/android/password-policy.js";
import { oncKeyPairNetworks, oncNonCompliance, type OncNonCompliance } from "../../../wire/android/onc.js";
import type { AndroidDeviceInfo, DialectOptions } from "./types.js";
import type { IntegritySignals } from "../../../wire/android/integrity.js";
import { AMAPI_TOKEN_SCREEN_STEP, TOKEN_SOURCES, type TokenSource } from "./token-sources.js";
import { deviceWait } from "../../common/device-wait.js";

/** The FCM registration token a device's Android Device Policy registers (one per device). */
export const fcmTokenFor = (device: { androidId: string; serialNumber: string }) => `adp-${device.androidId}-${device.serialNumber}`.replace(/[^\w-]/g, "-").slice(0, 200);

/** The command's type (AMAPI Operation.metadata is the Command: `type` LOCK, REBOOT, …). */
const commandType = (op: { metadata?: Record<string, unknown> }): string => (typeof op.metadata?.type === "string" ? op.metadata.type : "(untyped)");

export const AMAPI_STEPS = { nonce: "android.amapi.nonce", redeem: "android.amapi.redeem", enterToken: AMAPI_TOKEN_SCREEN_STEP, report: "android.amapi.status", ack: "android.amapi.command", push: "android.fcm.wait", apps: "android.amapi.apps" } as const;

/** Fake-AMAPI error reasons → stable outcome codes. */
const REASON_CODES: Record<string, string> = {
  TOKEN_EXPIRED: "android.token.expired",
  TOKEN_REVOKED: "android.token.revoked",
  TOKEN_ALREADY_USED: "android.token.used",
  TOKEN_NOT_FOUND: "android.token.invalid",
  MODE_NOT_ALLOWED: "android.token.mode-mismatch",
  ENROLLMENT_BLOCKED: "android.enrollment.blocked",
  DEVICE_LIMIT: "android.enrollment.device-limit",
  USER_MISMATCH: "android.enrollment.user-mismatch",
  VERSION_BLOCKED: "android.enrollment.version-blocked",
  // The EMM's own refusals on enrollsim's stand-in (server/android/policy-gate.ts): licences and terms.
  LICENSE_EXPIRED: "android.enrollment.licence-expired",
  LICENSE_NOT_ASSIGNED: "android.enrollment.licence-unassigned",
  LICENSE_SEATS_USED: "android.enrollment.licence-seats-used",
  TERMS_NOT_ACCEPTED: "android.enrollment.terms-not-accepted",
};

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

/**
 * Android Device Policy compares the device's screen lock with the password requirements of the policy it applied
 * (wire/android/password-policy.ts). The deprecated option nonCompliant is its old meaning in these terms: a requirement
 * of any screen lock (PASSWORD_QUALITY SOMETHING) on a device with none.
 */
function passwordDetails(device: AndroidDeviceInfo, options: DialectOptions, policies: readonly PasswordRequirements[]): PasswordNonCompliance[] {
  if (options.nonCompliant) return passwordNonCompliance({ type: "none" }, [...policies, { passwordQuality: "SOMETHING" }]);
  return passwordNonCompliance(device.screenLock ?? { type: "none" }, policies);
}

export const amapiDialect: AndroidDialect = {
  name: "amapi",
  description: "Android Device Policy ↔ Google (fake AMAPI): token redemption, status reports, command acks",
  packages: ["com.google.android.apps.work.clouddpc"],
  async enroll(input: DialectInput): Promise<DialectOutcome> {
    const { ctx, device, options } = input;
    const base = options.amapiUrl?.replace(/\/$/, "");
    if (!base) throw new ScenarioError("the amapi dialect needs options.android.amapiUrl (or the embedded server)");
    const token = await enrollmentToken(input);
    if (!token.ok) return token.outcome;
    const integrityAtRedeem = await integrityEvidence(ctx, base, device);
    const redeemed = await step(ctx, AMAPI_STEPS.redeem, async () => {
      const res = await exchange(
        ctx,
        AMAPI_STEPS.redeem,
        {
          method: "POST",
          url: `${base}/device/v1/enrollmentTokens:redeem`,
          headers: { "content-type": "application/json" },
          body: json({
            enrollmentToken: token.value,
            fcmToken: fcmTokenFor(device),
            ...(typeof input.adminExtras.username === "string" && input.adminExtras.username !== "" ? { enrollmentUser: input.adminExtras.username } : input.user ? { enrollmentUser: input.user } : {}),
            managementMode: input.managementMode,
            ownership: input.ownership,
            provisioningMode: input.mode,
            apiLevel: device.apiLevel,
            hardwareInfo: { brand: device.brand, manufacturer: device.manufacturer, model: device.model, hardware: device.hardware, serialNumber: device.serialNumber },
            softwareInfo: { androidVersion: device.androidVersion, androidBuildNumber: device.buildNumber, securityPatchLevel: device.securityPatch, androidDevicePolicyVersionCode: 18420 },
            networkInfo: { imei: device.imei, wifiMacAddress: device.wifiMac },
            ...integrityAtRedeem,
          }),
        },
        { acceptStatus: [400, 403, 404, 409, 410] },
      );
      if (res.status >= 400) {
        const err = parseGoogleError(text(res.body));
        const reason = (() => {
          try {
            return String((JSON.parse(text(res.body)) as { error?: { reason?: unknown } }).error?.reason ?? "");
          } catch {
            return "";
          }
        })();
        const code = REASON_CODES[reason] ?? `android.amapi.${(err?.status ?? `http-${res.status}`).toLowerCase()}`;
        decoded(ctx, AMAPI_STEPS.redeem, { status: res.status, error: err?.status, reason, code });
        return { ok: false as const, code, message: `${WIZARD_TEXT.cantSetUp} (${err?.message || reason || `HTTP ${res.status}`})`, serverError: { ...(err?.status ? { status: err.status } : {}), ...(reason ? { reason } : {}), ...(err?.message ? { message: err.message } : {}) } };
      }
      const dev = readDevice(text(res.body));
      decoded(ctx, AMAPI_STEPS.redeem, { device: dev.name, managementMode: dev.managementMode, ownership: dev.ownership, state: dev.state, policyName: dev.policyName });
      return { ok: true as const, device: dev };
    });
    if (!redeemed.ok) return { ok: false, code: redeemed.code, step: AMAPI_STEPS.redeem, message: redeemed.message, serverError: redeemed.serverError };
    const dev = redeemed.device;
    let policyVersion = dev.appliedPolicyVersion ?? "0";
    let applicationReports: ApplicationReport[] | undefined;
    // What the DPC knows of the policy's password requirements: nothing before its first answer.
    let policies: PasswordRequirements[] = [];
    let passwords = passwordDetails(device, options, policies);
    // The policy's Wi-Fi networks whose client key pair no app installed (wire/android/onc.ts); evaluated once the apps have run.
    let onc: OncNonCompliance[] = [];
    let oncChecked = false;
    let aliases: readonly string[] = [];
    const reports = options.statusReports ?? 1;
    for (let i = 0; i < reports; i++) {
      if (i > 0) await deviceWait(ctx, options.statusIntervalMs ?? 60_000, AMAPI_STEPS.report, `Android Device Policy's next status report (${i + 1} of ${reports})`);
      const integrity = await integrityEvidence(ctx, base, device);
      const ack = await step(ctx, AMAPI_STEPS.report, async () => {
        const res = await exchange(ctx, AMAPI_STEPS.report, {
          method: "POST",
          url: `${base}/device/v1/${dev.name}:reportStatus`,
          headers: { "content-type": "application/json" },
          body: json({
            appliedPolicyVersion: policyVersion,
            policyCompliant: passwords.length + onc.length === 0,
            ...(passwords.length + onc.length ? { nonComplianceDetails: [...passwords, ...onc] } : {}),
            softwareInfo: { securityPatchLevel: device.securityPatch },
            ...integrity,
            report: i,
          }),
        });
        const a = readStatusAck(text(res.body));
        decoded(ctx, AMAPI_STEPS.report, { policyVersion: a.policyVersion, pendingCommands: a.pendingCommands.length });
        return a;
      });
      policyVersion = ack.policyVersion;
      const wiped = await runCommands(ctx, base, ack.pendingCommands);
      if (wiped) return wiped;
      // The DPC applies the policy it was served: its password requirements, then its apps; a changed compliance is reported.
      policies = ack.passwordPolicies;
      const before = passwords.length;
      passwords = passwordDetails(device, options, policies);
      const appsNow = applicationReports === undefined && ack.applications.length > 0 && input.installApps !== undefined;
      if (appsNow) {
        const installed = await installApps(input, ack.applications);
        applicationReports = installed.reports;
        const more = await reportApps(input, base, dev.name, policyVersion, installed, passwords);
        const wipedAfter = await runCommands(ctx, base, more);
        if (wipedAfter) return wipedAfter;
        // The installed apps' own work (an agent installing its certificate): the key pair aliases it leaves on the device.
        if (input.afterInstall) aliases = await input.afterInstall();
      }
      // Android Device Policy configures the policy's Wi-Fi networks once the apps have run: a client key pair alias no app installed is reported.
      const oncNow = !oncChecked && ack.openNetworkConfiguration !== undefined;
      if (oncNow) {
        oncChecked = true;
        onc = oncNonCompliance(oncKeyPairNetworks(ack.openNetworkConfiguration), new Set(aliases));
      }
      if ((oncNow && onc.length > 0) || (!appsNow && passwords.length !== before)) {
        const more = await reportCompliance(ctx, `${base}/device/v1/${dev.name}:reportStatus`, { appliedPolicyVersion: policyVersion }, device, [...passwords, ...onc]);
        const wipedAfter = await runCommands(ctx, base, more);
        if (wipedAfter) return wipedAfter;
      }
    }
    if ((options.awaitPushMs ?? 0) > 0) {
      const woke = await awaitPush(input, base);
      if (woke) {
        const r = await amapiDialect.checkin!({ ctx, device, options });
        if (!r.ok) return r;
        policyVersion = r.policyVersion ?? policyVersion;
      }
    }
    return { ok: true, code: "android.enrolled", deviceName: dev.name, policyVersion, ...(applicationReports ? { applicationReports } : {}), ...(passwords.length ? { passwordNonCompliance: passwords } : {}), ...(onc.length ? { oncNonCompliance: onc } : {}) };
  },

  /**
   * Steady state: a status report, then the acks of the commands it returned. The device
   * identifies itself by hardware serial (enrollsim's own device endpoint: Google's device
   * channel is private, and the enrolled device's resource name is not persisted by the runner).
   */
  async checkin(input: DialectCheckinInput): Promise<DialectOutcome> {
    const { ctx, device, options } = input;
    const base = options.amapiUrl?.replace(/\/$/, "");
    if (!base) throw new ScenarioError("the amapi dialect needs options.android.amapiUrl (or the embedded server)");
    const integrity = await integrityEvidence(ctx, base, device);
    const r = await step(ctx, AMAPI_STEPS.report, async () => {
      const res = await exchange(
        ctx,
        AMAPI_STEPS.report,
        {
          method: "POST",
          url: `${base}/device/v1/devices:reportStatus`,
          headers: { "content-type": "application/json" },
          // No compliance claim before the device has applied the policy this report is answered with (the server keeps the last one); the deprecated nonCompliant still says it.
          body: json({ hardwareInfo: { serialNumber: device.serialNumber }, ...(options.nonCompliant ? { policyCompliant: false, nonComplianceDetails: passwordDetails(device, options, []) } : {}), softwareInfo: { securityPatchLevel: device.securityPatch }, ...integrity }),
        },
        { acceptStatus: [403, 404] },
      );
      if (res.status === 404) {
        decoded(ctx, AMAPI_STEPS.report, { status: 404, known: false });
        return undefined;
      }
      if (res.status === 403) {
        // The EMM refused the service (a licence it checks at check-in): the device stays enrolled and keeps its policy.
        const err = parseGoogleError(text(res.body));
        const reason = (() => {
          try {
            return (JSON.parse(text(res.body)) as { error?: { reason?: unknown } }).error?.reason;
          } catch {
            return undefined;
          }
        })();
        decoded(ctx, AMAPI_STEPS.report, { status: 403, error: err?.status, reason });
        return { refused: typeof reason === "string" ? reason : "", message: err?.message ?? "HTTP 403" };
      }
      const a = readStatusAck(text(res.body));
      decoded(ctx, AMAPI_STEPS.report, { policyVersion: a.policyVersion, pendingCommands: a.pendingCommands.length, ...(a.serviceRestricted ? { serviceRestricted: a.serviceRestricted.message } : {}) });
      return a;
      // The server not knowing the device, or refusing it, is the check-in's outcome (a value), and a failed sample.
    }, (a) => a === undefined || "refused" in a);
    if (!r) return { ok: false, code: "android.amapi.device-unknown", step: AMAPI_STEPS.report, message: "The server does not know this device (not enrolled, or deleted)" };
    if ("refused" in r)
      return { ok: false, code: `android.checkin.${(REASON_CODES[r.refused] ?? "android.amapi.permission-denied").split(".").pop()!}`, step: AMAPI_STEPS.report, message: r.message, serverError: { status: "PERMISSION_DENIED", ...(r.refused ? { reason: r.refused } : {}) } };
    const wiped = await runCommands(ctx, base, r.pendingCommands);
    if (wiped) return wiped;
    // The EMM restricts the service (a lapsed licence): the device keeps its policy and gets nothing new; the check-in is a failed sample.
    if (r.serviceRestricted)
      return { ok: false, code: "android.checkin.service-restricted", step: AMAPI_STEPS.report, message: r.serviceRestricted.message, policyVersion: r.policyVersion, serverError: { ...(r.serviceRestricted.reason ? { reason: r.serviceRestricted.reason } : {}) } };
    // The DPC applies the served password requirements and reports its compliance with them (a follow-up report).
    const passwords = passwordDetails(device, options, r.passwordPolicies);
    if (r.passwordPolicies.length > 0 || options.nonCompliant) {
      // The answer to the follow-up report carries the commands queued since the first one: they are carried out too.
      const more = await reportCompliance(ctx, `${base}/device/v1/devices:reportStatus`, { hardwareInfo: { serialNumber: device.serialNumber } }, device, passwords);
      const wipedAfter = await runCommands(ctx, base, more);
      if (wipedAfter) return wipedAfter;
    }
    if (passwords.length)
      return {
        ok: false,
        code: PASSWORD_NOT_SUFFICIENT_CODE,
        step: AMAPI_STEPS.report,
        message: `the device's screen lock (${device.screenLock?.type ?? "none"}) does not meet the policy's password requirements: it reports passwordPolicies USER_ACTION (PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT), policyCompliant false`,
        policyVersion: r.policyVersion,
        passwordNonCompliance: passwords,
      };
    return { ok: true, code: "android.amapi.status-reported", policyVersion: r.policyVersion, message: `${r.pendingCommands.length} pending command(s)` };
  },
};

/** Outcome of a device left on Android Device Policy's own scan-QR / enter-code screen (no token from provisioning, none entered). */
export const AWAITING_TOKEN_CODE = "android.amapi.awaiting-token";

/**
 * The enrollment token Android Device Policy redeems, from its sources in order (token-sources.ts): the provisioning
 * admin extras, then its own screen where the user scans a QR code or enters the code. The screen is the user's step:
 * the timeline's `idle` there is the user who takes a while, `abandon` the user who gives up (`user.abandoned`); the
 * code the user enters is the scenario's `options.android.enterToken` (input.userToken). A user with no code leaves
 * the device on that screen: it is not enrolled, and its outcome says where it waits.
 */
async function enrollmentToken(input: DialectInput): Promise<{ ok: true; value: string } | { ok: false; outcome: DialectOutcome }> {
  const missing: string[] = [];
  for (const source of TOKEN_SOURCES.amapi!.sources) {
    if (source.kind === "admin-extras") {
      const found = source.keys.map((k) => input.adminExtras[k]).find((v): v is string => typeof v === "string" && v !== "");
      if (found) return { ok: true, value: found };
      missing.push(`no ${source.keys.join(" / ")} in the admin extras`);
      continue;
    }
    const typed = await tokenScreen(input, source);
    if (typed) return { ok: true, value: typed };
    missing.push("the user entered no code");
    return {
      ok: false,
      outcome: {
        ok: false,
        code: AWAITING_TOKEN_CODE,
        step: source.step,
        message: `${source.screen}: the device waits there, not enrolled (${missing.join("; ")}). The screen's wording is not published (${source.textSource})`,
      },
    };
  }
  return { ok: false, outcome: { ok: false, code: AWAITING_TOKEN_CODE, step: AMAPI_STEPS.redeem, message: `${WIZARD_TEXT.cantSetUp} (${missing.join("; ")})` } };
}

/** Android Device Policy's own screen (after it updated itself): the user's step. Returns the code entered, if any. */
async function tokenScreen(input: DialectInput, screen: Extract<TokenSource, { kind: "user-screen" }>): Promise<string | undefined> {
  const { ctx } = input;
  return step(ctx, screen.step, async () => {
    const typed = input.userToken ? await input.userToken() : undefined;
    decoded(ctx, screen.step, {
      screen: screen.screen,
      text: screen.text ?? "not published",
      textSource: screen.textSource,
      before: "Android Device Policy updates itself first ('updating', android/enterprise-samples#32)",
      userAction: typed ? `enters a code (${typed.length} characters)` : "none: the user has no code, the device stays on this screen",
    });
    return typed || undefined;
  });
}

/** Android Device Policy installs the policy's applications; each app then reports its own state (device-side, input.installApps). */
async function installApps(input: DialectInput, apps: readonly ApplicationPolicy[]): Promise<{ reports: ApplicationReport[]; nonComplianceDetails: NonComplianceDetail[] }> {
  const { ctx } = input;
  return step(ctx, AMAPI_STEPS.apps, async () => {
    const out = input.installApps!(apps);
    decoded(ctx, AMAPI_STEPS.apps, {
      installed: out.reports.map((r) => r.packageName),
      policy: apps.map((a) => `${a.packageName} (${a.installType ?? "FORCE_INSTALLED"}${a.managedConfiguration ? ", managed configuration" : ""})`),
      keyedAppStates: out.reports.flatMap((r) => (r.keyedAppStates ?? []).map((k) => `${r.packageName} ${k.severity} ${k.key}: ${k.message ?? ""}`)),
      nonComplianceDetails: out.nonComplianceDetails.map((d) => `${d.settingName} ${d.nonComplianceReason} ${d.packageName ?? ""}`),
    });
    return out;
  });
}

/** The status report after the apps were installed: Device.applicationReports with their keyed app states (app feedback). */
/** Returns the commands the answer carried (the caller carries them out). */
async function reportApps(input: DialectInput, base: string, name: string, policyVersion: string, installed: { reports: ApplicationReport[]; nonComplianceDetails: NonComplianceDetail[] }, passwords: readonly PasswordNonCompliance[]): Promise<Operation[]> {
  const { reports: applicationReports } = installed;
  const nonComplianceDetails = [...passwords, ...installed.nonComplianceDetails];
  const { ctx, device } = input;
  const integrity = await integrityEvidence(ctx, base, device);
  return step(ctx, AMAPI_STEPS.report, async () => {
    const res = await exchange(ctx, AMAPI_STEPS.report, {
      method: "POST",
      url: `${base}/device/v1/${name}:reportStatus`,
      headers: { "content-type": "application/json" },
      body: json({
        appliedPolicyVersion: policyVersion,
        policyCompliant: nonComplianceDetails.length === 0,
        ...(nonComplianceDetails.length ? { nonComplianceDetails } : {}),
        softwareInfo: { securityPatchLevel: device.securityPatch },
        ...integrity,
        applicationReports,
      }),
    });
    const a = readStatusAck(text(res.body));
    decoded(ctx, AMAPI_STEPS.report, { policyVersion: a.policyVersion, applicationReports: applicationReports.length, pendingCommands: a.pendingCommands.length });
    return a.pendingCommands;
  });
}

/**
 * The integrity evidence for one request: the device asks the server for a one-time nonce and attests a key with it as
 * the attestationChallenge (server/android/integrity-nonces.ts). When the server gives no nonce (no such endpoint, or an
 * error answer), the request goes on with evidence whose challenge is empty: the server decides (a nonce-checking server
 * withholds its verdict), and the request's own answer says whatever the server has to say.
 */
async function integrityEvidence(ctx: DialectInput["ctx"], base: string, device: AndroidDeviceInfo): Promise<{ integrity?: IntegritySignals }> {
  if (!device.attest) return {};
  const attest = device.attest;
  return step(ctx, AMAPI_STEPS.nonce, async () => {
    const res = await exchange(
      ctx,
      AMAPI_STEPS.nonce,
      { method: "POST", url: `${base}/device/v1/integrityNonces`, headers: { "content-type": "application/json" }, body: json({ hardwareInfo: { serialNumber: device.serialNumber } }) },
      { acceptStatus: [400, 401, 403, 404, 405, 409, 429, 500, 501, 502, 503] },
    );
    if (res.status >= 400) {
      decoded(ctx, AMAPI_STEPS.nonce, { status: res.status, nonce: "none: the key is attested with an empty challenge" });
      return { integrity: attest(new Uint8Array(0)) };
    }
    let nonce: unknown;
    try {
      nonce = (JSON.parse(text(res.body.subarray(0, 4096))) as { nonce?: unknown }).nonce;
    } catch {
      nonce = undefined;
    }
    if (typeof nonce !== "string" || !/^[A-Za-z0-9+/]{4,172}={0,2}$/.test(nonce)) throw new ProtocolViolationError("android.amapi.malformed", "the integrity nonce answer has no base64 nonce (at most 128 bytes)");
    const challenge = new Uint8Array(Buffer.from(nonce, "base64"));
    decoded(ctx, AMAPI_STEPS.nonce, { nonceBytes: challenge.length });
    return { integrity: attest(challenge) };
  });
}

/** Outcome of a steady-state check-in whose compliance report says the screen lock misses the policy's password requirements. */
export const PASSWORD_NOT_SUFFICIENT_CODE = "android.checkin.password-not-sufficient";

/** A status report of the device's compliance after it applied the policy (its password requirements). Returns the commands the answer carried. */
async function reportCompliance(ctx: DialectInput["ctx"], url: string, who: Record<string, unknown>, device: AndroidDeviceInfo, passwords: readonly (NonComplianceDetail & { specificNonComplianceReason?: string })[]): Promise<Operation[]> {
  const integrity = await integrityEvidence(ctx, url.slice(0, url.indexOf("/device/v1/")), device);
  return step(ctx, AMAPI_STEPS.report, async () => {
    const res = await exchange(ctx, AMAPI_STEPS.report, {
      method: "POST",
      url,
      headers: { "content-type": "application/json" },
      body: json({ ...who, policyCompliant: passwords.length === 0, ...(passwords.length ? { nonComplianceDetails: passwords } : {}), softwareInfo: { securityPatchLevel: device.securityPatch }, ...integrity }),
    });
    const a = readStatusAck(text(res.body));
    decoded(ctx, AMAPI_STEPS.report, { screenLock: device.screenLock?.type ?? "none", policyCompliant: passwords.length === 0, nonComplianceDetails: passwords.map((d) => `${d.settingName} ${d.nonComplianceReason} ${d.specificNonComplianceReason}`), pendingCommands: a.pendingCommands.length });
    return a.pendingCommands;
  });
}

/**
 * Carries out the commands a status report returned, acknowledging each. A WIPE (AMAPI Command type WIPE,
 * also what devices.delete sends) ends management: Android Device Policy acknowledges it and wipes — a
 * factory reset of a company-owned device (keeping Factory Reset Protection data when the flags say
 * PRESERVE_RESET_PROTECTION_DATA), the work profile of a personally owned one — so the commands after it
 * never run and the device reports no more.
 */
async function runCommands(ctx: DialectInput["ctx"], base: string, ops: readonly { name: string; metadata?: Record<string, unknown> }[]): Promise<DialectOutcome | undefined> {
  for (const op of ops) {
    await step(ctx, AMAPI_STEPS.ack, async () => {
      await exchange(ctx, AMAPI_STEPS.ack, { method: "POST", url: `${base}/device/v1/${op.name}:ack`, headers: { "content-type": "application/json" }, body: json({ done: true }) });
      ctx.onCommand?.({ protocol: "amapi", command: commandType(op), status: "done", id: op.name });
    });
    if (commandType(op) === "WIPE") {
      const p = (op.metadata?.wipeParams ?? {}) as { wipeDataFlags?: unknown; wipeReason?: { defaultMessage?: unknown } };
      const flags = Array.isArray(p.wipeDataFlags) ? p.wipeDataFlags.filter((f): f is string => typeof f === "string").slice(0, 4) : [];
      const reason = typeof p.wipeReason?.defaultMessage === "string" ? p.wipeReason.defaultMessage.slice(0, 200) : undefined;
      decoded(ctx, AMAPI_STEPS.ack, { command: "WIPE", operation: op.name, wipeDataFlags: flags, reason, effect: "factory reset (company-owned) or work profile removed (personally owned)" });
      return {
        ok: false,
        code: "android.device.wiped",
        step: AMAPI_STEPS.ack,
        message: `The admin wiped the device (AMAPI WIPE${flags.length ? `, ${flags.join(", ")}` : ""}${reason ? `: "${reason}"` : ""}): Android Device Policy acknowledged it and wipes the device; the server's record is gone`,
      };
    }
  }
  return undefined;
}

/**
 * The FCM connection of an enrolled device, waiting for a push (a "sync" tickle when the EMM
 * issues a command or changes the policy). The persistent connection is modelled as reads of the
 * mock FCM queue on the device clock; the first message wakes the device. Returns whether it woke.
 */
async function awaitPush(input: DialectInput, amapiBase: string): Promise<boolean> {
  const { ctx, device, options } = input;
  const S = AMAPI_STEPS.push;
  const fcm = (options.fcmUrl ?? `${new URL(amapiBase).origin}/android/fcm`).replace(/\/$/, "");
  const token = fcmTokenFor(device);
  const every = Math.max(1000, options.pushPollMs ?? 15_000);
  const until = ctx.clock.now() + (options.awaitPushMs ?? 0);
  return step(ctx, S, async () => {
    for (let reads = 0; ; reads++) {
      const res = await exchange(ctx, S, { method: "GET", url: `${fcm}/poll/${encodeURIComponent(token)}`, headers: { accept: "application/json" } });
      let messages: unknown[] = [];
      try {
        const v = JSON.parse(text(res.body)) as { messages?: unknown };
        if (Array.isArray(v.messages)) messages = v.messages.slice(0, 100);
      } catch {
        throw new ProtocolViolationError("android.fcm.malformed", "mock FCM answer is not JSON with a messages list");
      }
      if (messages.length > 0) {
        decoded(ctx, S, { woke: true, afterMs: ctx.clock.now() - (until - (options.awaitPushMs ?? 0)), messages: messages.length, reads: reads + 1 });
        return true;
      }
      if (ctx.clock.now() + every > until) {
        decoded(ctx, S, { woke: false, reads: reads + 1 });
        return false;
      }
      await ctx.clock.sleep(every, ctx.signal);
    }
  });
}
