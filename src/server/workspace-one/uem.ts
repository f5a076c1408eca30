// SPDX-License-Identifier: MIT
/**
 * The Workspace ONE UEM tenant the Intelligent Hub enrolls against, on every platform (`embedded.policy.workspaceOne`,
 * alias `embedded.android.workspaceOne`): one set of organization groups, users, restrictions and device records serves
 * the Android Hub's staging (server/android/ws1.ts) and the iOS Hub's enrollment (server/apple/ws1.ts). Strict in what
 * it checks and in which order:
 * 1. the Group ID names an organization group of the tenant (`groupIds`) — otherwise INVALID_GROUP_ID (400);
 * 2. the user's credentials (a staging user or an enrollment user), counted by the tenant's sign-in lockout
 *    (`embedded.policy.directory.lockout`, server/policy/lockout.ts): a locked user is refused whatever the password —
 *    ACCOUNT_LOCKED (403; Omnissa KB 115001665168, "after 3 failed attempts"; an admin resets LoginFailedAttempts:
 *    timeline `unlockUsers`); a wrong password, an unknown user, or an account created at another organization group
 *    than the Group ID's — INVALID_CREDENTIALS (401, "Invalid User Credentials.": "This can occur if the account is
 *    created at a different organization group … than where the user is attempting to enroll", VMware KB 81557);
 * 3. the enrollment restriction to user groups (`restrictEnrollmentTo.userGroups`, UEM's Enrollment › Restrictions): a
 *    user in none of them — USER_NOT_ALLOWED (403; the Hub's "Your account is not allowed to enroll", VMware KB 2960930);
 * 4. the UEM's record of the device registered to another environment (`registeredDevices`) — DEVICE_REGISTERED_ELSEWHERE
 *    (409; the iOS Hub's "This device is already registered to a different environment", VMware KB 2960930);
 * 5. the tenant's enrollment rules (restrictions, device limit, licences, device lists, terms: policy/engine.ts decide):
 *    a device list refusal as DEVICE_NOT_APPROVED ("Enrollment Denied: Device Not Approved", KB 2960930), others by the
 *    Android half's reasons (policy-gate.ts refusalError: DEVICE_LIMIT, LICENSE_*, ENROLLMENT_BLOCKED, …).
 *
 * The wire is enrollsim's stand-in (the Hub↔UEM enrollment protocol is not published):
 *   POST …/enroll {groupId, username, password, serialNumber, udid?, imei?, model, …}
 *     → 200 {status: "OK", deviceId, …} | 4xx {status: "ERROR", reason, message}
 * Assumptions (not published): the order above (a wrong Group ID is not a failed login; a user outside the restriction
 * has signed in correctly first); where UEM keeps a device's registration to another environment (here: the tenant's
 * records, `registeredDevices`; an admin deletes the device there to free it).
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { refusalError } from "../android/policy-gate.js";
import { jsonRes, readJson } from "../android/respond.js";
import type { EnrollmentDecision, EnrollmentRequest, PolicyEngine } from "../policy/engine.js";
import { lockoutMessage } from "../policy/lockout.js";
import type { WorkspaceOneTenant, WorkspaceOneUser } from "../policy/types.js";

export const WS1_DEFAULTS = { groupIds: ["enrollsim"], stagingUsers: [{ user: "staging", password: "Staging-2026!" }] } as const;

/** The tenant with its defaults. */
export interface ResolvedTenant {
  groupIds: readonly string[];
  stagingUsers: readonly WorkspaceOneUser[];
  users: readonly WorkspaceOneUser[];
  restrictEnrollmentTo?: { userGroups: string[] };
  registeredDevices: NonNullable<WorkspaceOneTenant["registeredDevices"]>;
}

export function resolveTenant(t: WorkspaceOneTenant | undefined): ResolvedTenant {
  return {
    groupIds: t?.groupIds ?? WS1_DEFAULTS.groupIds,
    stagingUsers: t?.stagingUsers ?? WS1_DEFAULTS.stagingUsers,
    users: t?.users ?? [],
    ...(t?.restrictEnrollmentTo ? { restrictEnrollmentTo: t.restrictEnrollmentTo } : {}),
    registeredDevices: t?.registeredDevices ?? [],
  };
}

const refuse = (status: number, reason: string, message: string): HttpResponse => jsonRes(status, { status: "ERROR", reason, message });
export const str = (v: unknown, n: number): string | undefined => (typeof v === "string" && v !== "" ? v.slice(0, n) : undefined);

/** What the platform half makes of a request the tenant let through: the policy request, whether to record it, and the 200 answer's extra fields. */
export interface PlatformEnroll {
  request: (b: Record<string, unknown>, user: string, serial: string) => EnrollmentRequest;
  /** Record the enrollment now (Android staging); false when the platform's own enrollment records it later (Apple's Authenticate). */
  record: boolean;
  answer: (user: string, group: string, request: EnrollmentRequest) => Record<string, unknown>;
}

export class WorkspaceOneUem {
  readonly devices = new Map<string, { user: string; groupId: string; platform: string; enrolledAt: number }>();

  constructor(
    private readonly tenant: () => ResolvedTenant,
    private readonly policy: PolicyEngine,
    private readonly now: () => number,
  ) {}

  /** `POST …/enroll` of the platform's Hub. */
  handle(req: HttpRequest, path: string, platform: PlatformEnroll): HttpResponse {
    if (path !== "/enroll") return jsonRes(404, { status: "ERROR", reason: "NOT_FOUND", message: `no Workspace ONE route for ${path}` });
    if (req.method !== "POST") return jsonRes(405, { status: "ERROR", reason: "METHOD_NOT_ALLOWED", message: "POST" }, { allow: "POST" });
    const b = readJson(req.body);
    const groupId = str(b?.groupId, 100);
    const username = str(b?.username, 200);
    const serial = str(b?.serialNumber, 100);
    if (!b || !groupId || !username || typeof b.password !== "string" || !serial) return refuse(400, "BAD_REQUEST", "expected {groupId, username, password, serialNumber}");
    const t = this.tenant();
    const group = t.groupIds.find((g) => g.toLowerCase() === groupId.toLowerCase());
    if (!group) return refuse(400, "INVALID_GROUP_ID", `Group ID "${groupId}" is not an organization group of this environment`);
    const same = (a: string) => a.toLowerCase() === username.toLowerCase();
    const account = t.stagingUsers.find((u) => same(u.user)) ?? t.users.find((u) => same(u.user));
    const right = !!account && account.password === b.password && (account.groupId === undefined || account.groupId.toLowerCase() === group.toLowerCase());
    const verdict = this.policy.lockout?.passwordSignIn(username, right) ?? { kind: right ? "ok" : "wrong-password", failures: 0, threshold: 0 };
    if (verdict.kind === "locked") return refuse(403, "ACCOUNT_LOCKED", lockoutMessage(username, verdict));
    if (verdict.kind === "wrong-password") {
      const why = !account ? "no such enrollment user" : account.password !== b.password ? "wrong password" : `the account was created at organization group "${account.groupId}", not "${group}"`;
      const counted = verdict.threshold ? ` (failed login ${verdict.failures} of ${verdict.threshold})` : "";
      return refuse(401, "INVALID_CREDENTIALS", `Invalid User Credentials: ${why}${counted}`);
    }
    if (!account) return refuse(401, "INVALID_CREDENTIALS", "Invalid User Credentials: no such enrollment user"); // a sign-in counted right has an account
    const allowed = t.restrictEnrollmentTo?.userGroups;
    if (allowed && !(account.userGroups ?? []).some((g) => allowed.some((a) => a.toLowerCase() === g.toLowerCase())))
      return refuse(403, "USER_NOT_ALLOWED", `${account.user} is in none of the user groups enrollment is restricted to (${allowed.join(", ")})`);
    const udid = str(b.udid, 100);
    const elsewhere = t.registeredDevices.find((d) => d.serialNumbers?.some((x) => x.toUpperCase() === serial.toUpperCase()) || (udid !== undefined && d.udids?.some((x) => x.toLowerCase() === udid.toLowerCase())));
    if (elsewhere) return refuse(409, "DEVICE_REGISTERED_ELSEWHERE", `the device ${udid ?? serial} is registered to the environment "${elsewhere.environment}"; delete it there before it enrolls here`);
    const request = platform.request(b, account.user, serial);
    const d = this.policy.decide(request);
    if (!d.ok) return this.refusal(d);
    if (platform.record) this.policy.enrolled(request, d);
    this.devices.set(request.deviceKey, { user: account.user, groupId: group, platform: request.platform, enrolledAt: this.now() });
    return jsonRes(200, { status: "OK", ...platform.answer(account.user, group, request) });
  }

  private refusal(d: Extract<EnrollmentDecision, { ok: false }>): HttpResponse {
    if (d.refusal === "device-denylisted" || d.refusal === "device-not-allowlisted") return refuse(403, "DEVICE_NOT_APPROVED", `Enrollment Denied: Device Not Approved (${d.message})`);
    const [status, , message, reason] = refusalError(d);
    return refuse(status, reason, message);
  }
}
