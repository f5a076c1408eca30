// SPDX-License-Identifier: MIT
/**
 * Android Management API shapes (enterprises.enrollmentTokens, enterprises.devices, Operation,
 * Pub/Sub push envelopes) and bounded, typed readers for them (notes android.md §10).
 */
import { readApplicationPolicies, type ApplicationPolicy, type ApplicationReport } from "./oem-apps.js";
import { ProtocolViolationError } from "../../errors/index.js";
import { parseJsonObject } from "./payload.js";
import type { SecurityPosture } from "./integrity.js";
import { readPasswordPolicies, type PasswordRequirements } from "./password-policy.js";

export type AllowPersonalUsage = "ALLOW_PERSONAL_USAGE_UNSPECIFIED" | "PERSONAL_USAGE_ALLOWED" | "PERSONAL_USAGE_DISALLOWED" | "PERSONAL_USAGE_DISALLOWED_USERLESS";
export const ALLOW_PERSONAL_USAGE: readonly AllowPersonalUsage[] = ["ALLOW_PERSONAL_USAGE_UNSPECIFIED", "PERSONAL_USAGE_ALLOWED", "PERSONAL_USAGE_DISALLOWED", "PERSONAL_USAGE_DISALLOWED_USERLESS"];

export interface EnrollmentToken {
  name: string;
  value: string;
  duration: string;
  expirationTimestamp?: string;
  policyName?: string;
  additionalData?: string;
  oneTimeOnly?: boolean;
  allowPersonalUsage?: AllowPersonalUsage;
  qrCode?: string;
}

export interface AmapiDevice {
  name: string;
  managementMode: "DEVICE_OWNER" | "PROFILE_OWNER";
  ownership: "COMPANY_OWNED" | "PERSONALLY_OWNED";
  state: string;
  appliedState: string;
  policyName?: string;
  appliedPolicyName?: string;
  appliedPolicyVersion?: string;
  policyCompliant?: boolean;
  nonComplianceDetails?: { settingName: string; nonComplianceReason: string }[];
  enrollmentTime: string;
  enrollmentTokenName?: string;
  enrollmentTokenData?: string;
  lastStatusReportTime?: string;
  lastPolicySyncTime?: string;
  apiLevel?: number;
  hardwareInfo?: { brand?: string; manufacturer?: string; model?: string; hardware?: string; serialNumber?: string; enterpriseSpecificId?: string };
  softwareInfo?: { androidVersion?: string; androidBuildNumber?: string; securityPatchLevel?: string; androidDevicePolicyVersionCode?: number };
  networkInfo?: { imei?: string; meid?: string; wifiMacAddress?: string };
  userName?: string;
  /** AMAPI Device.applicationReports: installed apps and their keyed app states (app feedback). */
  applicationReports?: ApplicationReport[];
  /** AMAPI Device.securityPosture: Google's evaluation of the device's integrity (wire/android/integrity.ts). */
  securityPosture?: SecurityPosture;
}

export interface Operation {
  name: string;
  done: boolean;
  metadata?: Record<string, unknown>;
}

export type NotificationType = "ENROLLMENT" | "STATUS_REPORT" | "COMMAND" | "USAGE_LOGS" | "ENTERPRISE_UPGRADE";

export interface PubsubPush {
  message: { attributes: { notificationType: NotificationType }; data: string; messageId: string; publishTime: string };
  subscription: string;
}

/** `3600s` → ms (AMAPI Duration). */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d{1,12})(\.\d{1,9})?s$/.exec(s);
  return m ? Math.round((Number(m[1]) + Number(m[2] ?? 0)) * 1000) : undefined;
}

export const formatDuration = (ms: number): string => `${Math.floor(ms / 1000)}s`;

/** A Google-style error body `{error: {code, status, message}}`, if that is what the text is. */
export function parseGoogleError(text: string): { code: number; status: string; message: string } | undefined {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; status?: unknown; message?: unknown } }).error;
    if (e && typeof e.code === "number" && typeof e.status === "string") return { code: e.code, status: e.status, message: typeof e.message === "string" ? e.message : "" };
  } catch {
    /* not an error body */
  }
  return undefined;
}

const malformed = (what: string, detail: string) => new ProtocolViolationError("android.amapi.malformed", `${what}: ${detail}`);

/** Reads a Device resource from a response body; off-spec shapes are ProtocolViolationErrors. */
export function readDevice(text: string): AmapiDevice {
  let o: Record<string, unknown>;
  try {
    o = parseJsonObject(text, "Device resource", 256 * 1024);
  } catch (e) {
    throw malformed("Device resource", (e as Error).message);
  }
  if (typeof o.name !== "string" || !/^enterprises\/[^/]+\/devices\/[^/]+$/.test(o.name)) throw malformed("Device resource", "name is not enterprises/{e}/devices/{d}");
  if (o.managementMode !== "DEVICE_OWNER" && o.managementMode !== "PROFILE_OWNER") throw malformed("Device resource", `managementMode ${JSON.stringify(o.managementMode)}`);
  if (o.ownership !== "COMPANY_OWNED" && o.ownership !== "PERSONALLY_OWNED") throw malformed("Device resource", `ownership ${JSON.stringify(o.ownership)}`);
  if (typeof o.state !== "string") throw malformed("Device resource", "state is not a string");
  return o as unknown as AmapiDevice;
}

/**
 * Reads a status-report answer `{policyVersion, pendingCommands[], applications?}`. `applications` is the policy's
 * AMAPI ApplicationPolicy list (enrollsim's device channel carries it with the answer: Google's is private).
 */
export interface StatusAck {
  policyVersion: string;
  pendingCommands: Operation[];
  applications: ApplicationPolicy[];
  /** The policy's password requirements (AMAPI Policy.passwordPolicies), carried like `applications`. */
  passwordPolicies: PasswordRequirements[];
  /** The policy's openNetworkConfiguration (ONC), as sent (read by wire/android/onc.ts). */
  openNetworkConfiguration?: Record<string, unknown>;
  /** The EMM restricts the device's service (a lapsed licence, server/policy/licences.ts): enrollsim's stand-in member `serviceRestricted`, read when it is an object with a string message. */
  serviceRestricted?: { reason?: string; licence?: string; message: string };
}

/**
 * The most commands one status answer carries (enrollsim's device channel, Google's being private). The server
 * hands out at most this many and keeps the rest for the next report; the device carries out every one it gets.
 */
export const STATUS_ACK_MAX_COMMANDS = 16;

export function readStatusAck(text: string): StatusAck {
  let o: Record<string, unknown>;
  try {
    o = parseJsonObject(text, "status report answer", 256 * 1024);
  } catch (e) {
    throw malformed("status report answer", (e as Error).message);
  }
  if (typeof o.policyVersion !== "string") throw malformed("status report answer", "policyVersion is not a string");
  const pending = o.pendingCommands ?? [];
  if (!Array.isArray(pending) || pending.some((p) => typeof p !== "object" || p === null || typeof (p as Operation).name !== "string"))
    throw malformed("status report answer", "pendingCommands is not a list of operations");
  if (pending.length > STATUS_ACK_MAX_COMMANDS) throw malformed("status report answer", `${pending.length} pending commands (at most ${STATUS_ACK_MAX_COMMANDS} per answer)`);
  const onc = typeof o.openNetworkConfiguration === "object" && o.openNetworkConfiguration !== null && !Array.isArray(o.openNetworkConfiguration) ? (o.openNetworkConfiguration as Record<string, unknown>) : undefined;
  const r = o.serviceRestricted as { reason?: unknown; licence?: unknown; message?: unknown } | undefined;
  const restricted = r && typeof r === "object" && typeof r.message === "string" ? { message: r.message.slice(0, 500), ...(typeof r.reason === "string" ? { reason: r.reason.slice(0, 100) } : {}), ...(typeof r.licence === "string" ? { licence: r.licence.slice(0, 200) } : {}) } : undefined;
  return { policyVersion: o.policyVersion, pendingCommands: pending as Operation[], applications: readApplicationPolicies(o.applications), passwordPolicies: readPasswordPolicies(o.passwordPolicies), ...(onc ? { openNetworkConfiguration: onc } : {}), ...(restricted ? { serviceRestricted: restricted } : {}) };
}
