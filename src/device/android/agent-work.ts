// SPDX-License-Identifier: MIT
/**
 * An agent app's own work once the policy installed it (AMAPI Policy.applications): the agent catalog's `afterInstall` rows
 * (agents/*.yaml, device/agents.ts) for the release Google Play installed (options.android.appVersions, default the newest).
 * Each action needs a delegated scope (wire/android/delegation.ts AGENT_ACTIONS): Android Device Policy applies the app's
 * delegatedScopes `options.android.delegationDelaySeconds` after the install, on the device's clock (not published; default
 * 0), and only where Android supports the scope. A call before then gets Android's SecurityException for the release. A
 * release that checks its delegation first (DevicePolicyManager.getDelegatedScopes) defers instead; either way it tries
 * again after `retryIntervalSeconds`, `retries` times.
 *
 * cert-install (DevicePolicyManager.installKeyPair): the agent enrolls a certificate over SCEP (the existing SCEP client),
 * with what its managed configuration names — Fleet's keys `scep_url`, `challenge`, `subject`, `alias`
 * (fleetdm/fleet android/app/…/CertificateEnrollmentHandler.kt parseScepConfig); absent: the run's SCEP endpoint, no
 * challenge, CN=%SERIAL%, the package name — then installs the key pair. Without CERT_INSTALL the certificate was issued
 * but is not in the KeyChain (fleetdm/fleet#43064). enrollsim does not keep the installed key pair in the device's keychain
 * (no later flow reads an Android KeyChain), and a Wi-Fi or VPN configuration naming the alias is not modelled.
 *
 * Timing: the agent's first run starts when Android Device Policy's enrollment status reports end (with one report, at
 * the install); Google documents no order between the two.
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { AGENT_ACTIONS, delegationDenied, scopeSupported, type DelegatedScope } from "../../wire/android/delegation.js";
import { compareVersions, type ApplicationPolicy } from "../../wire/android/oem-apps.js";
import { ONC_KEY_PAIR_MISSING, ONC_KEY_PAIR_MISSING_TEXT, type OncNonCompliance } from "../../wire/android/onc.js";
import type { AgentAfterInstall, AgentModel } from "../agents.js";
import { enrollScep } from "../behaviors/scep-enrollment.js";
import { outcomeCode } from "../../protocol/scep/outcome.js";
import type { BackgroundOutcome, FlowContext } from "../flow.js";
import type { AndroidFlowOptions } from "./options.js";
import { deviceWait, scaledMs } from "../../protocol/common/device-wait.js";

export const AGENT_WORK_STEPS = { delegation: "android.agent.delegation", certInstall: "android.agent.cert-install" } as const;
/** The agent's action failed for good (its last attempt): the device stays enrolled without what the action gives. */
export const AGENT_ACTION_FAILED = "android.agent.action-failed";
/** The agent deferred every attempt: its scope was never delegated while it tried. */
export const AGENT_SCOPE_MISSING = "android.agent.scope-not-delegated";

/** A policy app as Android Device Policy installed it. */
export interface InstalledApp {
  app: ApplicationPolicy;
  installedAt: number;
}

export interface DelegationContext {
  managementMode: "DEVICE_OWNER" | "PROFILE_OWNER" | "DEVICE_ADMIN";
  companyOwned: boolean;
  apiLevel: number;
}

/** The afterInstall rows of `version` (undefined: the newest release, the rows with no beforeVersion). */
export function rowsFor(agent: AgentModel, version: string | undefined): AgentAfterInstall[] {
  return agent.afterInstall.filter((r) =>
    version === undefined ? r.beforeVersion === undefined : (r.fromVersion === undefined || compareVersions(version, r.fromVersion) >= 0) && (r.beforeVersion === undefined || compareVersions(version, r.beforeVersion) < 0),
  );
}

/** Android's uid of an app (Process.FIRST_APPLICATION_UID 10000 + its app id; a work profile is user 10: × 100000). enrollsim's app id is stable per package. */
function uidOf(packageName: string, managementMode: DelegationContext["managementMode"]): number {
  let h = 0;
  for (const c of packageName) h = (h * 31 + c.charCodeAt(0)) % 9000;
  return (managementMode === "PROFILE_OWNER" ? 1_000_000 : 0) + 10_000 + 100 + h;
}

type Attempt = { ok: true; alias: string } | { ok: false; code: string; message: string; exception?: string };

/** What the agents' work left: what failed for good (background outcomes: the device stays enrolled) and the key pair aliases installed. */
export interface AgentWorkResult {
  outcomes: BackgroundOutcome[];
  aliases: string[];
}

/** The agents' work for the apps just installed. */
export async function runAgentWork(fc: FlowContext, ctx: ProtocolContext, o: AndroidFlowOptions, installed: readonly InstalledApp[], dc: DelegationContext): Promise<AgentWorkResult> {
  const out: BackgroundOutcome[] = [];
  const aliases: string[] = [];
  const delayMs = scaledMs(ctx, (o.delegationDelaySeconds ?? 0) * 1000); // on the device's clock, as its retry waits
  const apiLevel = dc.apiLevel;
  for (const { app, installedAt } of installed.slice(0, 20)) {
    const agent = fc.agents?.forPackage(app.packageName);
    if (!agent) continue;
    for (const row of rowsFor(agent, o.appVersions?.[app.packageName])) {
      const scope: DelegatedScope = AGENT_ACTIONS[row.action].scope;
      const granted = (app.delegatedScopes ?? []).includes(scope) && scopeSupported(scope, apiLevel, dc.managementMode, dc.companyOwned);
      const activeAt = granted ? installedAt + delayMs : Infinity;
      const active = () => ctx.clock.now() >= activeAt;
      let last: Attempt | undefined;
      for (let attempt = 0; attempt <= row.retries; attempt++) {
        if (attempt > 0)
          await deviceWait(
            ctx,
            row.retryIntervalSeconds * 1000,
            AGENT_WORK_STEPS.certInstall,
            `${agent.name} (${app.packageName}) tries ${row.action} again (try ${attempt + 1} of ${row.retries + 1}, every ${row.retryIntervalSeconds} s; agents/${agent.id}.yaml afterInstall)`,
          );
        if (row.checkScope) {
          const now = active();
          await step(
            ctx,
            AGENT_WORK_STEPS.delegation,
            async () => {
              decoded(ctx, AGENT_WORK_STEPS.delegation, {
                agent: agent.id,
                packageName: app.packageName,
                call: "DevicePolicyManager.getDelegatedScopes",
                scope,
                delegated: now,
                attempt: attempt + 1,
                ...(now ? {} : { deferred: `next try in ${row.retryIntervalSeconds}s` }),
              });
              return now;
            },
            (ok) => !ok,
          );
          if (!now) {
            last = undefined;
            continue;
          }
        }
        last = await certInstall(fc, ctx, agent, app, active, () => delegationDenied(scope, apiLevel, uidOf(app.packageName, dc.managementMode)), attempt);
        if (last.ok) break;
      }
      if (last?.ok) {
        aliases.push(last.alias);
        continue;
      }
      const at = ctx.clock.now();
      if (!last) {
        out.push({
          task: AGENT_WORK_STEPS.delegation,
          ok: false,
          code: AGENT_SCOPE_MISSING,
          at,
          message: `${agent.name} (${app.packageName}) never found ${scope} delegated in ${row.retries + 1} tries; ${AGENT_ACTIONS[row.action].call} was not called`,
        });
        continue;
      }
      out.push({
        task: AGENT_WORK_STEPS.certInstall,
        ok: false,
        code: AGENT_ACTION_FAILED,
        at,
        message: `${agent.name} (${app.packageName}) ${row.action} failed${row.retries ? ` after ${row.retries + 1} tries` : " (no retry)"}: ${last.message}`,
        ...(last.exception ? { shown: { code: "SecurityException", name: "java.lang.SecurityException", text: last.exception, screen: row.screen } } : {}),
      });
    }
  }
  return { outcomes: out, aliases };
}

/** Outcome of a policy Wi-Fi network whose client key pair is not on the device (AMAPI ONC non-compliance; the device stays enrolled). */
export const ONC_KEY_PAIR_MISSING_CODE = "android.policy.onc-key-pair-missing";

/** What the EMM sees for the device's report of Wi-Fi networks without their client key pair (wire/android/onc.ts). */
export function oncOutcome(details: readonly OncNonCompliance[], at: number): BackgroundOutcome {
  const guids = details.map((d) => d.specificNonComplianceContext.oncWifiContext.wifiGuid);
  return {
    task: "android.amapi.status",
    ok: false,
    code: ONC_KEY_PAIR_MISSING_CODE,
    at,
    message: `Android Device Policy reports openNetworkConfiguration INVALID_VALUE ${ONC_KEY_PAIR_MISSING} for Wi-Fi ${guids.join(", ")}: no key pair with the alias is installed, the network cannot authenticate; policyCompliant false`,
    shown: { code: ONC_KEY_PAIR_MISSING, name: "AMAPI NonComplianceDetail (openNetworkConfiguration, INVALID_VALUE)", text: ONC_KEY_PAIR_MISSING_TEXT, screen: `EMM console: the device's non-compliance (Wi-Fi ${guids.join(", ")})` },
  };
}

/** One cert-install attempt: SCEP enrollment, then DevicePolicyManager.installKeyPair (needs CERT_INSTALL). */
async function certInstall(fc: FlowContext, ctx: ProtocolContext, agent: AgentModel, app: ApplicationPolicy, active: () => boolean, denied: () => string, attempt: number): Promise<Attempt> {
  const S = AGENT_WORK_STEPS.certInstall;
  const mc = app.managedConfiguration ?? {};
  const str = (k: string) => (typeof mc[k] === "string" && mc[k] !== "" ? (mc[k] as string).slice(0, 2000) : undefined);
  const alias = str("alias") ?? app.packageName;
  const url = str("scep_url") ?? fc.targets.scepUrl;
  return step(
    ctx,
    S,
    async (): Promise<Attempt> => {
      if (!url) return { ok: false, code: "android.agent.no-scep-url", message: "no scep_url in the app's managed configuration and no SCEP endpoint in the run" };
      const challenge = str("challenge");
      let r: Awaited<ReturnType<typeof enrollScep>>;
      try {
        r = await enrollScep({ ...fc, protocol: ctx }, { url, subject: str("subject") ?? "CN=%SERIAL%", ...(challenge ? { challenge } : {}) });
      } catch (e) {
        // The CA unreachable or answering garbage fails the agent's try, not the device's enrollment (it has enrolled).
        if (!(e instanceof TransportError || e instanceof ProtocolViolationError)) throw e;
        decoded(ctx, S, { agent: agent.id, attempt: attempt + 1, scep: e.code });
        return { ok: false, code: e.code, message: `SCEP enrollment failed: ${e.message}` };
      }
      if (r.outcome.status !== "issued") {
        const code = outcomeCode(r.outcome);
        decoded(ctx, S, { agent: agent.id, attempt: attempt + 1, scep: code });
        return { ok: false, code, message: `SCEP enrollment ended ${code}` };
      }
      if (!active()) {
        const exception = denied();
        decoded(ctx, S, { agent: agent.id, attempt: attempt + 1, scep: "issued", call: "DevicePolicyManager.installKeyPair(null, …)", alias, exception: `java.lang.SecurityException: ${exception}`, keyChain: "certificate not installed" });
        return {
          ok: false,
          code: "SecurityException",
          message: `DevicePolicyManager.installKeyPair threw java.lang.SecurityException: ${exception} (the certificate was issued, not installed: alias ${alias} is missing from the KeyChain)`,
          exception,
        };
      }
      decoded(ctx, S, { agent: agent.id, attempt: attempt + 1, scep: "issued", call: "DevicePolicyManager.installKeyPair(null, …)", alias, keyChain: "installed" });
      return { ok: true, alias };
    },
    (a) => !a.ok,
  );
}
