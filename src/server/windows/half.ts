// SPDX-License-Identifier: MIT
/**
 * The windows half of the embedded reference server: MS-MDE2 discovery, XCEP, WSTEP and the
 * OMA-DM endpoint, plus a small REST API:
 *   GET  /windows/api/devices                      enrolled devices (JSON)
 *   GET  /windows/api/devices/<DeviceID>           one device: queue length, statuses/results received
 *   POST /windows/api/devices/<DeviceID>/commands  [{verb, target, data?, format?}] → queued for the next session
 *   GET  /windows/content/<name>.msi               stand-in MSI content
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { HalfFactory } from "../half.js";
import { windowsServerConfig } from "./config.js";
import { DmEndpoint } from "./dm.js";
import { EnrollmentEndpoints } from "./enrollment.js";
import { WindowsState } from "./state.js";

const json = (status: number, v: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: new TextEncoder().encode(JSON.stringify(v)),
  url: "",
});

const VERBS = new Set(["Get", "Add", "Replace", "Delete", "Exec"]);

export const windowsHalf: HalfFactory | undefined = async (ctx) => {
  const cfg = windowsServerConfig(ctx.config);
  const state = new WindowsState();
  const enroll = new EnrollmentEndpoints(ctx, cfg, state);
  const dm = new DmEndpoint(ctx, cfg, state);
  const autopilotProfile = (req: HttpRequest): HttpResponse => {
    let q: { serialNumber?: unknown; hardwareHash?: unknown };
    try {
      q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 16 * 1024)) as typeof q;
    } catch {
      return json(400, { error: "body is not JSON" });
    }
    if (typeof q.serialNumber !== "string" || typeof q.hardwareHash !== "string") return json(400, { error: "expected {serialNumber, hardwareHash}" });
    const known = state.autopilot.get(q.serialNumber);
    if (known === undefined) {
      if (!cfg.autopilot.autoRegister) return json(404, { status: "not-registered" });
      state.autopilot.set(q.serialNumber, q.hardwareHash);
    } else if (known !== q.hardwareHash) return json(409, { status: "attention-required" });
    const h = ctx.crypto.digest("sha256", new TextEncoder().encode(`ztd:${q.serialNumber}`));
    const guid = Buffer.from(h).toString("hex");
    return json(200, {
      Version: 2049,
      CloudAssignedTenantId: "00000000-0000-0000-0000-00000000e501",
      CloudAssignedTenantDomain: cfg.autopilot.tenantDomain,
      CloudAssignedOobeConfig: 1310,
      CloudAssignedDomainJoinMethod: 0,
      CloudAssignedForcedEnrollment: 1,
      ZtdCorrelationId: `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20, 32)}`,
      ...(cfg.autopilot.deviceNameTemplate ? { CloudAssignedDeviceName: cfg.autopilot.deviceNameTemplate } : {}),
      CloudAssignedAadServerData: JSON.stringify({ ZeroTouchConfig: { CloudAssignedTenantUpn: "", ForcedEnrollment: 1, CloudAssignedTenantDomain: cfg.autopilot.tenantDomain } }),
      Comment_File: "Profile enrollsim reference Autopilot",
    });
  };
  const handler = async (req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): Promise<HttpResponse> => {
    const path = new URL(req.url, "http://localhost").pathname;
    const lower = path.toLowerCase();
    if (lower === "/enrollmentserver/discovery.svc" && cfg.discoveryRedirect) {
      // A legacy CNAME target: HTTPS discovery does not answer; plain HTTP redirects elsewhere.
      if (req.tls) return { status: 404, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("no discovery here\n"), url: "" };
      const target = cfg.discoveryRedirect === "legacy-https" ? ctx.urls().https : ctx.urls().http;
      return { status: 302, headers: { location: `${target}/EnrollmentServer/Legacy/Discovery.svc`, "content-type": "text/plain" }, body: new Uint8Array(), url: "" };
    }
    if (lower === "/enrollmentserver/discovery.svc" || lower === "/enrollmentserver/legacy/discovery.svc") return req.method === "GET" ? enroll.discoveryGet() : enroll.discoveryPost(req);
    if (lower === "/enrollmentserver/policy.svc" && req.method === "POST") return enroll.policy(req);
    if (lower === "/enrollmentserver/auth") return enroll.auth(req);
    if (lower === "/enrollmentserver/enrollment.svc" && req.method === "POST") return enroll.enroll(req);
    if (lower === "/managementserver/mdm.svc") return dm.handle(req);
    if (path === "/windows/tou") return enroll.terms(req);
    if (path === "/windows/autopilot/profile" && req.method === "POST") return autopilotProfile(req);
    if (path.startsWith("/windows/content/")) return { status: 200, headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(16), url: "" };
    if (path === "/windows/api/devices" && req.method === "GET") {
      return json(200, [...state.devices.values()].map((d) => ({ deviceId: d.deviceId, upn: d.upn, sessions: d.sessions, queued: d.queue.length, esp: d.esp })));
    }
    const m = /^\/windows\/api\/devices\/([0-9A-Fa-f]{32})(\/commands)?$/.exec(path);
    if (m) {
      const rec = state.devices.get(m[1]!.toUpperCase());
      if (!rec) return json(404, { error: "unknown device" });
      if (!m[2] && req.method === "GET") return json(200, { ...rec, queue: rec.queue.length });
      if (m[2] && req.method === "POST") {
        let cmds: unknown;
        try {
          cmds = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()));
        } catch {
          return json(400, { error: "body is not JSON" });
        }
        const list = Array.isArray(cmds) ? cmds : [cmds];
        if (!list.every((c) => c && typeof c === "object" && VERBS.has((c as { verb: string }).verb) && typeof (c as { target: unknown }).target === "string")) {
          return json(400, { error: "expected [{verb: Get|Add|Replace|Delete|Exec, target, data?, format?}]" });
        }
        return json(202, { queued: dm.enqueue(rec.deviceId, list as never) });
      }
    }
    return { status: 404, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode(`no windows route for ${path}\n`), url: "" };
  };
  return {
    name: "windows",
    prefixes: ["/EnrollmentServer/", "/enrollmentserver/", "/ManagementServer/", "/managementserver/", "/windows/"],
    handler,
    describe: () => [
      "windows: discovery  /EnrollmentServer/Discovery.svc (EnterpriseEnrollment.<domain> → this host)",
      "windows: policy     /EnrollmentServer/Policy.svc, enrollment /EnrollmentServer/Enrollment.svc",
      "windows: OMA-DM     /ManagementServer/MDM.svc (mTLS, certificate from the reference CA)",
      `windows: REST       /windows/api/devices[/<DeviceID>[/commands]]; device limit ${cfg.deviceLimitPerUser}/user`,
    ],
  };
};
