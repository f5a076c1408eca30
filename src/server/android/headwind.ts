// SPDX-License-Identifier: MIT
/**
 * Headwind-style device REST (h-mdm/hmdm-server SyncResource, simplified): enrollment and
 * configuration sync with X-Request-Signature checks (secure enrollment), duplicate-device
 * prevention, customer requirement, signed responses, device-info upload and long-poll push.
 */
import type { CryptoPort } from "../../ports/crypto.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { compactJson, headwindSignature, type HeadwindPushMessage } from "../../wire/android/headwind.js";
import type { AndroidHalfConfig } from "./config.js";
import type { PolicyEngine } from "../policy/engine.js";
import { resolvePlatformPolicy } from "../policy/restrictions.js";
import { androidPathRefusal, androidRelease, versionRefusal } from "./policy-gate.js";
import { jsonRes, readJson } from "./respond.js";

export class HeadwindServer {
  readonly devices = new Map<string, { customer?: string; configuration?: string; info?: Record<string, unknown>; enrolledAt: number; state?: "active" | "wipe-pending" }>();
  private readonly queues = new Map<string, HeadwindPushMessage[]>();

  constructor(
    private readonly config: AndroidHalfConfig,
    private readonly crypto: CryptoPort,
    private readonly now: () => number,
    private readonly stall: () => Promise<HttpResponse>,
    /** The tenant's rules: the device-administrator restriction (embedded.policy). */
    private readonly policy: PolicyEngine,
  ) {}

  private sig(x: string): string {
    return headwindSignature(this.config.headwind.hashSecret, x, (b) => this.crypto.digest("sha1", b));
  }

  private envelope(status: "OK" | "ERROR", message: string | null, data?: unknown): HttpResponse {
    const headers: Record<string, string> = {};
    if (data !== undefined) headers["x-response-signature"] = this.sig(compactJson(data));
    return jsonRes(200, { status, message, ...(data !== undefined ? { data } : {}) }, headers);
  }

  /** Records a device-administrator enrollment with the tenant's rules (the user's device limit counts it). */
  private record(id: string, upn: string, apiLevel: number | undefined): void {
    const key = `headwind:${id}`;
    const platformPolicy = resolvePlatformPolicy(this.policy.config, "androidDeviceAdmin", upn).applied;
    const osVersion = androidRelease(apiLevel);
    this.policy.enrolled(
      { platform: "android", deviceKey: key, upn, methodOwnership: "personal", countsTowardLimit: true, ...(osVersion ? { osVersion } : {}) },
      { ok: true, ownership: this.policy.ownership({ platform: "android", methodOwnership: "personal", upn }), platformPolicy, dem: this.policy.isDem(upn) },
    );
  }

  /** Queues a push message for a device (the EMM side of push). */
  push(deviceId: string, m: HeadwindPushMessage): void {
    const q = this.queues.get(deviceId) ?? [];
    if (q.length < 100) q.push(m);
    this.queues.set(deviceId, q);
  }

  /**
   * The admin wipes devices (timeline `wipe`): the record stays as wipe-pending until the reset has
   * finished, and the device gets a factoryReset push at its next poll. Returns how many it reached.
   */
  wipe(serials: ReadonlySet<string>): number {
    let n = 0;
    for (const [id, dev] of this.devices) {
      if (!serials.has(String(dev.info?.serial ?? ""))) continue;
      dev.state = "wipe-pending";
      this.push(id, { messageType: "factoryReset", payload: null });
      n++;
    }
    return n;
  }

  async handle(req: HttpRequest, path: string): Promise<HttpResponse> {
    const h = this.config.headwind;
    if (h.fault === "stall") return this.stall();
    if (h.fault === "malformed") return jsonRes(200, { status: "MAYBE", data: "[" });
    const cfg = /^\/public\/sync\/configuration\/([^/]{1,100})$/.exec(path);
    if (cfg) {
      const id = decodeURIComponent(cfg[1]!);
      if (h.secureEnrollment && req.headers?.["x-request-signature"]?.toUpperCase() !== this.sig(id)) return jsonRes(403, { status: "ERROR", message: "error.request.signature" });
      let dev = this.devices.get(id);
      if (req.method === "POST") {
        const opts = readJson(req.body) ?? {};
        if (h.requireCustomer && typeof opts.customer !== "string") return this.envelope("ERROR", "error.customer.missing");
        if (dev && h.duplicatePrevention) return this.envelope("ERROR", "error.duplicate.device");
        dev ??= { customer: opts.customer as string | undefined, configuration: opts.configuration as string | undefined, enrolledAt: this.now() };
        this.devices.set(id, dev);
        if (h.pushOnEnroll) this.push(id, { messageType: "configUpdated", payload: null });
      } else if (!dev) return this.envelope("ERROR", "error.device.notfound");
      const agent = h.agentVersionCode ?? 15270;
      return this.envelope("OK", null, {
        applications: [{ id: 1, name: "Headwind MDM", pkg: "com.hmdm.launcher", version: `${Math.floor(agent / 1000) / 10}`, code: agent, url: "/files/hmdm-launcher.apk", showIcon: false, system: false }],
        pushOptions: "polling",
        kioskMode: false,
        gps: true,
        bluetooth: true,
        wifi: true,
        mobileData: true,
        title: dev.configuration ?? "Default",
        requestUpdates: "DONOTTRACK",
        keepaliveTime: 300,
      });
    }
    if (path === "/public/sync/info" && req.method === "POST") {
      const info = readJson(req.body);
      if (!info || typeof info.deviceId !== "string") return jsonRes(400, { status: "ERROR", message: "error.params.missing" });
      const dev = this.devices.get(info.deviceId);
      if (!dev) return this.envelope("ERROR", "error.device.notfound");
      dev.info = info;
      // Enrollment restrictions for device administrator, judged on the reported version (enrollsim
      // extension fields apiLevel / managementMode).
      const user = typeof info.user === "string" && info.user ? info.user : undefined;
      const da = info.managementMode === "DEVICE_ADMIN" && typeof info.apiLevel === "number" ? androidPathRefusal(this.policy, "androidDeviceAdmin", info.apiLevel, { ...(user ? { upn: user } : {}) }) : undefined;
      if (da) return this.envelope("ERROR", versionRefusal(da) ? "error.enrollment.version-blocked" : "error.enrollment.blocked");
      // The device-administrator record counts against its user's device limit until it is removed (server-policies.md §3).
      if (info.managementMode === "DEVICE_ADMIN" && user) this.record(info.deviceId, user, typeof info.apiLevel === "number" ? info.apiLevel : undefined);
      return this.envelope("OK", null);
    }
    const un = /^\/public\/sync\/unenroll\/([^/]{1,100})$/.exec(path);
    if (un && req.method === "POST") {
      const id = decodeURIComponent(un[1]!);
      this.devices.delete(id);
      this.queues.delete(id);
      this.policy.removed(`headwind:${id}`);
      return this.envelope("OK", null);
    }
    const poll = /^\/notification\/polling\/([^/]{1,100})$/.exec(path);
    if (poll) {
      const id = decodeURIComponent(poll[1]!);
      const msgs = this.queues.get(id) ?? [];
      this.queues.delete(id);
      return this.envelope("OK", null, msgs);
    }
    return jsonRes(404, { status: "ERROR", message: "error.notfound" });
  }
}
