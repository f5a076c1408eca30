// SPDX-License-Identifier: MIT
/**
 * What every room of the Windows enrollment shares: the run (device, options, ports, report) and
 * the shapes of its result. enrollment.ts builds the run and walks the rooms in protocol order:
 * prepare.ts (pre-checks, Autopilot, packages) → auth.ts (IdP, directory join) → discovery-step.ts →
 * auth.ts (authentication plug-in, Terms of Use) → provisioning.ts (XCEP, WSTEP, provisioning
 * document) → management.ts (OMA-DM sessions, polls) with renewal-run.ts → esp-run.ts (ESP).
 */
import { ScenarioError } from "../../errors/index.js";
import type { ProtocolContext } from "../../protocol/common/context.js";
import type { SoapFault } from "../../wire/windows/soap.js";
import type { BackgroundOutcome, FlowContext, FlowResult } from "../flow.js";
import type { DeviceIdentity, WindowsIdentity } from "../identity.js";
import type { EspPhase } from "./esp.js";
import { firewalled } from "./firewall.js";
import { withWindowsProxy } from "./proxy.js";
import type { ResolvedWindowsOptions } from "./options.js";
import { windowsState, type WindowsState } from "./state.js";
import { substitute } from "../behaviors/substitute.js";
import { windowsShownForFault } from "./shown.js";

export interface WindowsReport {
  discovery?: {
    url: string;
    cnameChain: string[];
    redirectedFrom?: string;
    /** The RequestVersion sent and where it came from: the scenario option, or the build table's row and its source. */
    requestVersion?: { value: string; from: string };
  };
  addr?: string;
  sessions: number;
  /** Who ended the enrollment: the server (Exec DMClient/Provider/<id>/Unenroll) or the user (Alert 1226). */
  unenrolled?: "server" | "user";
  /** The server wiped the PC during the flow (the RemoteWipe node it Exec'd, e.g. doWipe). */
  wiped?: string;
  /** Sessions started by a push (Alert 1200). */
  pushSessions?: number;
  /** The enrollment certificate was renewed (WSTEP Renew) and the next session used the new one. */
  renewed?: boolean;
  /** Scheduled renewal attempts (RenewPeriod/RetryInterval), device time. */
  renewals?: { at: number; ok: boolean; error?: string }[];
  /**
   * What the enrollment's registry key (HKLM\SOFTWARE\Microsoft\Enrollments\<GUID>) holds after a
   * failed scheduled renewal: RenewStatus 3, RenewErrorCode (the HRESULT as a signed DWORD),
   * EnrollmentState 3 (Intune enrollmentState "failed"; fleetdm/fleet#50611).
   */
  registry?: { RenewStatus: number; RenewErrorCode: number; EnrollmentState: number };
  /** Failed background tasks (scheduled renewals), carried to FlowResult.background. */
  background?: BackgroundOutcome[];
  esp: EspPhase[];
  findings: number;
}

/**
 * `serverIds`: what a steady-state check-in needs besides the certificate (the w7 ADDR, the
 * DeviceID). The runner does not carry flow-provided ids yet (see docs/windows.md); the check-in
 * reads them when it does.
 */
export type WindowsFlowResult = FlowResult & {
  windows: WindowsReport;
  serverIds?: Record<string, string>;
  /** A SOAP fault's DeviceEnrollmentServiceError Message and TraceId: what a build's error page prints as "Server message" and "Correlation ID" (devices/windows/builds.yaml). */
  serverDetail?: { message?: string; correlationId?: string };
};

/** One device's enrollment: what the rooms read (device, options, targets) and the report they fill. */
export interface EnrollRun {
  ctx: FlowContext;
  o: ResolvedWindowsOptions;
  /** The identity (state.osVersion is already its os, identity.ts). */
  id: DeviceIdentity;
  /** The PC's state with the model's and flow's defaults (state.ts). */
  state: WindowsState;
  w: WindowsIdentity;
  /** The protocol context, behind the site's firewall when one is configured. */
  p: ProtocolContext;
  report: WindowsReport;
  upn: string;
  osEdition: string;
  win11: boolean;
  pretty: boolean;
  strict: boolean;
  embedded: boolean;
  https: string | undefined;
  /** Identity-provider flows (everything but BYOD) present a token. */
  tokenFlow: boolean;
  fail(code: string, stepName: string, message: string): WindowsFlowResult;
  /** Autopilot got no profile and OOBE went on as a plain OOBE (oobe-fallback.ts): the join is an ordinary user join. */
  withoutProfile?: boolean;
  /** The MDM discovery URL the GPO task's user lookup found (gpo-lookup.ts); discovery goes there unless options name one. */
  mdmDiscoveryUrl?: string;
}

const isWin11 = (version: string): boolean => Number(version.split(".")[2] ?? "0") >= 22000;

export function createRun(original: FlowContext, o: ResolvedWindowsOptions): EnrollRun {
  // Every request the PC makes finds its proxy as WinHTTP (system context) or WinINet (the user's sign-in pages) would.
  const ctx = withWindowsProxy(original);
  const id = ctx.identity;
  const w = id.windows;
  if (!w) throw new ScenarioError(`${id.model} is not a Windows model`);
  // The site's proxy/firewall (options.windows.firewall) refuses some URLs for the device's web requests.
  const p = o.raw.firewall?.length ? { ...ctx.protocol, http: firewalled(ctx.protocol.http, o.raw.firewall) } : ctx.protocol;
  const report: WindowsReport = { sessions: 0, esp: [], findings: 0 };
  const fail = (code: string, stepName: string, message: string): WindowsFlowResult => ({ ok: false, code, step: stepName, message, keychain: { identities: [] }, windows: report });
  const upn = substitute(o.upn, id);
  const osEdition = String(w.edition.osEdition);
  const win11 = isWin11(id.os.version);
  const pretty = o.xmlStyle === "pretty";
  const strict = o.raw.strict ?? false;
  const embedded = ctx.targets.server?.embedded ?? false;
  const https = ctx.targets.server?.https;
  const tokenFlow = o.kind !== "byod";
  return { ctx, o, id, state: windowsState(id, o.kind), w, p, report, fail, upn, osEdition, win11, pretty, strict, embedded, https, tokenFlow };
}

export const faultResult = (stepName: string, f: SoapFault, report: WindowsReport): WindowsFlowResult => ({
  ok: false,
  code: `windows.fault.${f.errorType ?? f.subcode ?? "unknown"}`,
  step: stepName,
  message: `${f.name} (${f.hresultHex}): ${f.uiText}${f.reason ? ` — server says: ${f.reason}` : ""}`,
  shown: windowsShownForFault(f, stepName),
  keychain: { identities: [] },
  windows: report,
  serverDetail: { ...(f.detailMessage ? { message: f.detailMessage } : {}), ...(f.traceId ? { correlationId: f.traceId } : {}) },
});
