// SPDX-License-Identifier: MIT
/**
 * A TestDPC-like DPC persona: answers GET_PROVISIONING_MODE with the mode the scenario asks for
 * (or an illegal one, to reproduce android-dpc-illegal-mode) and does its server enrollment in
 * ADMIN_POLICY_COMPLIANCE through a registered dialect.
 */
import { ScenarioError } from "../../errors/index.js";
import { ANDROID_DIALECTS, dialectForPackage, type AndroidDialect, type AndroidDeviceInfo, type DialectOptions } from "../../protocol/android/dialects/index.js";
import type { DpcPersona } from "../../protocol/android/setup-wizard.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { PROVISIONING_MODE } from "../../wire/android/extras.js";
import type { Bundle } from "../../wire/android/payload.js";
import type { AndroidFlowOptions, DpcModeChoice } from "./options.js";
import { installManagedApps } from "./managed-apps.js";
import { agentTermsScreen } from "./agent-terms.js";
import type { BackgroundOutcome } from "../flow.js";
import { noncompliantOutcome } from "./compliance-shown.js";
import { SIGNIN_TAB_STEP } from "./signin-step.js";
import { passwordOutcome } from "./screen-lock.js";
import { oncOutcome, type AgentWorkResult, type DelegationContext, type InstalledApp } from "./agent-work.js";

/** The agents' work after Android Device Policy installed their apps (device/android/agent-work.ts runAgentWork, bound to the flow). */
export type AfterInstall = (installed: readonly InstalledApp[], dc: DelegationContext) => Promise<AgentWorkResult>;

export function pickDialect(name: string | undefined, pkg: string, adminExtras: Bundle): AndroidDialect {
  if (name) {
    const d = ANDROID_DIALECTS[name];
    if (!d) throw new ScenarioError(`unknown Android dialect "${name}"; known: ${Object.keys(ANDROID_DIALECTS).join(", ")}`);
    return d;
  }
  return dialectForPackage(pkg) ?? (adminExtras["com.hmdm.BASE_URL"] !== undefined ? ANDROID_DIALECTS.headwind! : ANDROID_DIALECTS.amapi!);
}

export function dialectOptions(o: AndroidFlowOptions, httpsBase: string | undefined): DialectOptions {
  return {
    amapiUrl: o.amapiUrl ?? (httpsBase ? `${httpsBase}/android/amapi` : undefined),
    statusReports: o.statusReports,
    nonCompliant: o.nonCompliant,
    statusIntervalMs: o.statusIntervalSeconds === undefined ? undefined : o.statusIntervalSeconds * 1000,
    pushPolls: o.pushPolls,
    headwindSecret: o.headwindSecret,
    checkSignature: o.checkSignature,
    unenrollOnAuthError: o.unenrollOnAuthError,
    agentVersionCode: o.agentVersionCode,
    awaitPushMs: o.awaitPushSeconds === undefined ? undefined : o.awaitPushSeconds * 1000,
    pushPollMs: o.pushPollSeconds === undefined ? undefined : o.pushPollSeconds * 1000,
    checkins: o.checkins,
    checkinIntervalMs: o.checkinIntervalSeconds === undefined ? undefined : o.checkinIntervalSeconds * 1000,
  };
}

const MODE_FOR: Record<DpcModeChoice, number> = {
  "fully-managed": PROVISIONING_MODE.FULLY_MANAGED_DEVICE,
  dedicated: PROVISIONING_MODE.FULLY_MANAGED_DEVICE,
  cope: PROVISIONING_MODE.MANAGED_PROFILE,
  "work-profile": PROVISIONING_MODE.MANAGED_PROFILE,
};

/** Admin extra the DPC reads with Bundle.getBoolean: true → work profile (Headwind's com.hmdm.WORK_PROFILE, notes §9). */
export const WORK_PROFILE_EXTRA = "com.hmdm.WORK_PROFILE";
/** enrollsim's stand-in for the enrollment app's sign-in page (opened in a Chrome custom tab during setup). */
export const SIGNIN_EXTRA = "com.enrollsim.SIGNIN_URL";

/**
 * android.os.BaseBundle.getBoolean: a value of another type (NFC delivers every admin extra as a
 * String) is not converted: a ClassCastException is caught, logged, and the default returned.
 */
export function bundleGetBoolean(b: Bundle, key: string, dflt = false): { value: boolean; warning?: string } {
  const v = b[key];
  if (v === undefined || v === null) return { value: dflt };
  if (typeof v === "boolean") return { value: v };
  const javaType = typeof v === "string" ? "java.lang.String" : typeof v === "number" ? (Number.isInteger(v) ? "java.lang.Integer" : "java.lang.Double") : "android.os.PersistableBundle";
  return { value: dflt, warning: `Key ${key} expected Boolean but value was a ${javaType}.  The default value ${dflt} was returned.` };
}

/** The user who signs in on the device: options.android.user, else one per device. */
export const userOf = (o: AndroidFlowOptions, device: { serialNumber: string }): string => o.user ?? `user-${device.serialNumber.toLowerCase()}@enrollsim.test`;

/** Device state dpc.provisioningMode → the EXTRA_PROVISIONING_MODE value the DPC build returns. */
const DPC_ANSWER = { "fully-managed": PROVISIONING_MODE.FULLY_MANAGED_DEVICE, "work-profile": PROVISIONING_MODE.MANAGED_PROFILE, "personal-work-profile": PROVISIONING_MODE.MANAGED_PROFILE_ON_PERSONAL_DEVICE } as const;
export type DpcAnswer = keyof typeof DPC_ANSWER;

/**
 * `appRefusals`: where the policy's managed apps' refusals go (device/android/managed-apps.ts); the flow attaches them
 * to its result as background outcomes.
 */
export function dpcPersona(
  ctx: ProtocolContext,
  o: AndroidFlowOptions,
  mode: DpcModeChoice,
  pkg: string,
  device: AndroidDeviceInfo,
  httpsBase: string | undefined,
  answers?: DpcAnswer,
  appRefusals?: BackgroundOutcome[],
  afterInstall?: AfterInstall,
  userToken?: () => Promise<string | undefined>,
): DpcPersona {
  return {
    getProvisioningMode(req) {
      if (answers !== undefined) return { mode: DPC_ANSWER[answers] };
      let want = MODE_FOR[mode];
      const wp = bundleGetBoolean(req.adminExtras, WORK_PROFILE_EXTRA);
      if (wp.warning) decoded(ctx, "android.provision.mode", { dpcLog: wp.warning });
      if (wp.value) want = PROVISIONING_MODE.MANAGED_PROFILE;
      // TestDPC: an empty allowed list means {managed profile, fully managed}.
      return { mode: req.allowedModes.length === 0 || req.allowedModes.includes(want) ? want : req.allowedModes[0]! };
    },
    async adminPolicyCompliance(req) {
      const signin = req.adminExtras[SIGNIN_EXTRA];
      if (typeof signin === "string" && signin !== "") {
        const r = await signIn(ctx, signin, userOf(o, device));
        if (!r.ok) return r;
      }
      // The agent's terms-and-conditions screen for the user it enrolls (device/android/agent-terms.ts).
      const user = req.ownership === "PERSONALLY_OWNED" || (typeof signin === "string" && signin !== "") ? userOf(o, device) : undefined;
      if (user) {
        const terms = await agentTermsScreen(ctx, httpsBase, user);
        if (!terms.ok) return terms;
      }
      const dialect = pickDialect(o.dialect, pkg, req.adminExtras);
      const managementMode = req.mode === PROVISIONING_MODE.FULLY_MANAGED_DEVICE ? "DEVICE_OWNER" : "PROFILE_OWNER";
      const installed: InstalledApp[] = [];
      const out = await dialect.enroll({
        ctx,
        adminExtras: req.adminExtras,
        mode: req.mode,
        managementMode,
        ownership: req.ownership,
        device,
        // A personally owned work profile is set up by the user signed in to the Company Portal; a signed-in DPC knows its user too.
        ...(user ? { user } : {}),
        options: dialectOptions(o, httpsBase),
        ...(userToken ? { userToken } : {}),
        installApps: (apps) => {
          const r = installManagedApps(device, managementMode, apps, ctx.clock.now());
          const notInstalled = new Set(r.nonComplianceDetails.map((d) => d.packageName));
          installed.push(...apps.filter((a) => !notInstalled.has(a.packageName)).map((app) => ({ app, installedAt: ctx.clock.now() })));
          appRefusals?.push(...r.refusals.slice(0, 8));
          return { reports: r.reports, nonComplianceDetails: r.nonComplianceDetails };
        },
        // The installed agents start their own work (a certificate enrollment needing CERT_INSTALL, …).
        ...(afterInstall
          ? {
              afterInstall: async () => {
                if (!installed.length) return [];
                const w = await afterInstall(installed, { managementMode, companyOwned: req.ownership === "COMPANY_OWNED", apiLevel: device.apiLevel });
                appRefusals?.push(...w.outcomes.slice(0, 8));
                return w.aliases;
              },
            }
          : {}),
      });
      // Intune's app found the enrolled device noncompliant: it stays enrolled, the user sees the failing settings.
      if (out.compliance?.state === "noncompliant") appRefusals?.push(noncompliantOutcome(out.compliance, managementMode, ctx.clock.now()));
      // Android Device Policy found the screen lock short of the policy's password requirements: enrolled, not compliant.
      if (out.passwordNonCompliance?.length) appRefusals?.push(passwordOutcome(device, ctx.clock.now()));
      // A policy Wi-Fi network whose client key pair no app installed: enrolled, not compliant.
      if (out.oncNonCompliance?.length) appRefusals?.push(oncOutcome(out.oncNonCompliance, ctx.clock.now()));
      return out;
    },
  };
}

/**
 * The enrollment app's user sign-in, in a Chrome custom tab during setup. The device is not
 * compliant yet (it is being enrolled), so an identity provider whose conditional access requires
 * a compliant device for every cloud app, without excluding the enrollment app, refuses it
 * (field failure android-ca-blocks-chrome-tab). The tab is a browser: a prompt the sign-in asks for
 * (a second factor, terms of use; HTTP 401 naming the interaction) is the user's step, `auth.mfa` or
 * `auth.terms`, where the timeline's `abandon` is the user who gives up; then the tab signs in again
 * with the answer.
 */
export async function signIn(ctx: ProtocolContext, url: string, user: string): Promise<{ ok: boolean; code: string; step?: string; message?: string }> {
  const S = SIGNIN_TAB_STEP;
  return step(ctx, S, async () => {
    const answers: Record<string, string> = {};
    for (let round = 0; round < 4; round++) {
      const u = new URL(url);
      u.searchParams.set("client_id", "enrollment-app");
      u.searchParams.set("login_hint", user);
      u.searchParams.set("device_state", "not-compliant");
      for (const [k, v] of Object.entries(answers)) u.searchParams.set(k, v);
      const res = await exchange(ctx, S, { method: "GET", url: u.toString(), headers: { accept: "application/json" } }, { acceptStatus: [400, 401, 403] });
      let body: Record<string, unknown> = {};
      try {
        const v = JSON.parse(Buffer.from(res.body.subarray(0, 65536)).toString("utf8")) as unknown;
        if (typeof v === "object" && v !== null && !Array.isArray(v)) body = v as Record<string, unknown>;
      } catch {
        /* not JSON: judged by status */
      }
      const desc = typeof body.error_description === "string" ? body.error_description.slice(0, 500) : "";
      const interaction = res.status === 401 && typeof body.interaction === "string" ? body.interaction : undefined;
      decoded(ctx, S, { status: res.status, user, error: typeof body.error === "string" ? body.error : undefined, description: desc || undefined, ...(interaction ? { interaction } : {}) });
      if (interaction === "mfa" && !answers.mfa) {
        answers.mfa = await step(ctx, "auth.mfa", async () => {
          decoded(ctx, "auth.mfa", { prompt: "second factor (in the browser tab)" });
          return "done";
        });
        continue;
      }
      if (interaction === "terms" && typeof body.terms === "string" && answers.tou_name !== body.terms) {
        const name = body.terms.slice(0, 200);
        answers.tou = await step(ctx, "auth.terms", async () => {
          decoded(ctx, "auth.terms", { prompt: "terms of use", name });
          return "accept";
        });
        answers.tou_name = name;
        continue;
      }
      if (res.status >= 400) return { ok: false, code: "android.signin.blocked", step: S, message: `Sign-in in the setup browser tab was blocked: ${desc || `HTTP ${res.status}`}` };
      return { ok: true, code: "android.signin.ok" };
    }
    return { ok: false, code: "android.signin.blocked", step: S, message: "Sign-in in the setup browser tab did not finish: the identity provider kept asking" };
  });
}
