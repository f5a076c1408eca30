// SPDX-License-Identifier: MIT
/**
 * The Workspace ONE UEM side of the Intelligent Hub's staging enrollment (`embedded.android.workspaceOne`), strict in
 * what it checks and in which order:
 * 1. the Group ID names an organization group of the tenant (`groupIds`) — otherwise INVALID_GROUP_ID (400);
 * 2. the staging user's credentials, counted by the tenant's sign-in lockout (`embedded.policy.directory.lockout`,
 *    server/policy/lockout.ts): a locked user is refused whatever the password — ACCOUNT_LOCKED (403), the Hub's
 *    CREATE_MDM_ERROR ("after 3 failed attempts" the server wants a captcha that barcode / sideload staging cannot
 *    show; an admin resets LoginFailedAttempts to 0: timeline `unlockUsers`; Omnissa KB 115001665168); a wrong password,
 *    an unknown user, or a user created at another organization group than the Group ID's — INVALID_CREDENTIALS (401),
 *    "Invalid User Credentials." ("This can occur if the account is created at a different organization group … than
 *    where the user is attempting to enroll", VMware KB 81557);
 * 3. the tenant's enrollment rules (restrictions, device limit, licences, device lists: policy/engine.ts decide),
 *    a device list refusal as DEVICE_NOT_APPROVED ("Enrollment Denied: Device Not Approved"), others by the Android
 *    half's reasons (policy-gate.ts refusalError: LICENSE_*, DEVICE_LIMIT, ENROLLMENT_BLOCKED, …).
 *
 * The wire is enrollsim's stand-in (the Hub↔UEM enrollment protocol is not published):
 *   POST /android/ws1/enroll {groupId, username, password, serialNumber, imei?, model, managementMode}
 *     → 200 {status: "OK", deviceId} | 4xx {status: "ERROR", reason, message}
 * Assumptions (not published): the Group ID is checked before the credentials (a wrong Group ID is not counted as a failed
 * login); the staging user is a UEM basic user, whose name is the lockout's key; staging devices are corporate.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { PolicyEngine } from "../policy/engine.js";
import { lockoutMessage } from "../policy/lockout.js";
import { androidRelease, refusalError } from "./policy-gate.js";
import { jsonRes, readJson } from "./respond.js";
import type { Ws1Config } from "./config.js";

const refuse = (status: number, reason: string, message: string): HttpResponse => jsonRes(status, { status: "ERROR", reason, message });
const str = (v: unknown, n: number): string | undefined => (typeof v === "string" && v !== "" ? v.slice(0, n) : undefined);

export class Ws1Server {
  readonly devices = new Map<string, { user: string; groupId: string; enrolledAt: number }>();

  constructor(
    private readonly config: () => Ws1Config,
    private readonly policy: PolicyEngine,
    private readonly now: () => number,
  ) {}

  handle(req: HttpRequest, path: string): HttpResponse {
    if (path !== "/enroll") return jsonRes(404, { status: "ERROR", reason: "NOT_FOUND", message: `no Workspace ONE route for ${path}` });
    if (req.method !== "POST") return jsonRes(405, { status: "ERROR", reason: "METHOD_NOT_ALLOWED", message: "POST" }, { allow: "POST" });
    const b = readJson(req.body);
    const groupId = str(b?.groupId, 100);
    const username = str(b?.username, 200);
    const serial = str(b?.serialNumber, 100);
    if (!b || !groupId || !username || typeof b.password !== "string" || !serial) return refuse(400, "BAD_REQUEST", "expected {groupId, username, password, serialNumber}");
    const cfg = this.config();
    const group = cfg.groupIds.find((g) => g.toLowerCase() === groupId.toLowerCase());
    if (!group) return refuse(400, "INVALID_GROUP_ID", `Group ID "${groupId}" is not an organization group of this environment`);
    const account = cfg.stagingUsers.find((u) => u.user.toLowerCase() === username.toLowerCase());
    const right = !!account && account.password === b.password && (account.groupId === undefined || account.groupId.toLowerCase() === group.toLowerCase());
    const verdict = this.policy.lockout?.passwordSignIn(username, right) ?? { kind: right ? "ok" : "wrong-password", failures: 0, threshold: 0 };
    if (verdict.kind === "locked") return refuse(403, "ACCOUNT_LOCKED", lockoutMessage(username, verdict));
    if (verdict.kind === "wrong-password") {
      const why = !account ? "no such enrollment user" : account.password !== b.password ? "wrong password" : `the account was created at organization group "${account.groupId}", not "${group}"`;
      const counted = verdict.threshold ? ` (failed login ${verdict.failures} of ${verdict.threshold})` : "";
      return refuse(401, "INVALID_CREDENTIALS", `Invalid User Credentials: ${why}${counted}`);
    }
    const api = typeof b.apiLevel === "number" ? b.apiLevel : undefined;
    const osVersion = androidRelease(api);
    const key = `ws1:${serial}`;
    const request = {
      platform: "android" as const,
      deviceKey: key,
      upn: username,
      serial,
      ...(str(b.imei, 40) ? { imei: str(b.imei, 40) } : {}),
      ...(str(b.model, 100) ? { model: str(b.model, 100) } : {}),
      ...(osVersion ? { osVersion } : {}),
      methodOwnership: "corporate" as const,
      countsTowardLimit: true,
    };
    const d = this.policy.decide(request);
    if (!d.ok) {
      if (d.refusal === "device-denylisted" || d.refusal === "device-not-allowlisted") return refuse(403, "DEVICE_NOT_APPROVED", `Enrollment Denied: Device Not Approved (${d.message})`);
      const [status, , message, reason] = refusalError(d);
      return refuse(status, reason, message);
    }
    this.policy.enrolled(request, d);
    this.devices.set(key, { user: username, groupId: group, enrolledAt: this.now() });
    return jsonRes(200, { status: "OK", deviceId: key });
  }
}
