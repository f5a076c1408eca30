// SPDX-License-Identifier: MIT
/**
 * The windows half of the embedded reference server: MS-MDE2 discovery, XCEP, WSTEP and the
 * OMA-DM endpoint, plus a small REST API:
 *   GET  /windows/api/devices                      enrolled devices (JSON)
 *   GET  /windows/api/devices/<DeviceID>           one device: queue length, statuses/results received
 *   POST /windows/api/devices/<DeviceID>/commands  [{verb, target, data?, format?}] → queued for the next session
 *   GET  /windows/content/<name>.msi               stand-in MSI content
 *   POST /windows/api/devices/<DeviceID>/wake      push to the device's mock WNS channel (it starts a session)
 *   POST /windows/wns/channels                     {deviceId} → {channelUri} (mock WNS; the device opens its channel)
 *   POST <channelUri>                              X-WNS-Type + Bearer token: a push, as a server under test sends it
 *   GET  <channelUri>/pending                      the device's fetch of pushes (drained)
 *   POST /windows/drs/join                         {upn?, deviceId, serialNumber, attested, autopilot, tpm, hybrid}: device registration stand-in (drs.ts)
 *   POST /windows/drs/mdm                          {upn}: the GPO task's lookup of the user's MDM enrollment URL (mdm-lookup.ts)
 *   GET/POST /EnrollmentServer/Auth               identity provider sign-in (idp.ts); <domain>/v2.0/.well-known/openid-configuration: tenant discovery (tenants.ts)
 *   POST /windows/autopilot/register               {serialNumber, hardwareHash}: hash import (Get-WindowsAutopilotInfo)
 *   POST /windows/autopilot/profile                {serialNumber, hardwareHash} → profile | 404 | 409 (hash changed)
 *   GET  /windows/tpm/ekcert/<intel|amd|qualcomm>/<id>  firmware TPM EK certificate services' stand-in (tpm-ek.ts)
 *   GET  /windows/cmgateway/service, POST /windows/cmgateway/upload, GET /windows/pki/enrollsim-ca.crl: tenant attach (tenant-attach.ts)
 *   POST /windows/store/licenses                   {packageFamilyName} (mTLS): Store licence behind conditional access (store.ts)
 */
import { MSI_CONTENT_PREFIX, msiContent, msiContentName } from "./content.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { HalfFactory } from "../half.js";
import { windowsAdmin } from "./admin.js";
import { windowsServerConfig } from "./config.js";
import { DmEndpoint } from "./dm.js";
import { drsJoin } from "./drs.js";
import { mdmLookup } from "./mdm-lookup.js";
import { EnrollmentEndpoints } from "./enrollment.js";
import { WindowsState } from "./state.js";
import { storeLicence } from "./store.js";
import { TenantAttachService } from "./tenant-attach.js";
import { ekCertificate } from "./tpm-ek.js";
import { signIn } from "./idp.js";
import { OWN_TENANT_ID, openIdConfiguration, otherTenantOfSerial, userRealm } from "./tenants.js";

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
  const tenantAttach = new TenantAttachService(ctx, cfg.tenantAttach ?? {});
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
      // Only hashes the tenant imported (embedded.policy.autopilot.registered) belong to an Autopilot device.
      if (!ctx.policy.autopilotRegistered(q.serialNumber)) return json(404, { status: "not-registered" });
      state.autopilot.set(q.serialNumber, q.hardwareHash);
    } else if (known !== q.hardwareHash) return json(409, { status: "attention-required" });
    // Deployment profile assignment (embedded.policy.autopilot): a registered device without a profile gets none.
    const assigned = ctx.policy.autopilotProfile(q.serialNumber);
    if (assigned === undefined) return json(404, { status: "not-assigned", message: "registered, but no deployment profile is assigned to this device" });
    const prof = assigned === "unconfigured" ? undefined : assigned;
    // A hash another tenant imported is that tenant's device: its profile carries that tenant (tenants.ts).
    const tenant = otherTenantOfSerial(ctx.policy.config, q.serialNumber) ?? { id: OWN_TENANT_ID, domain: cfg.autopilot.tenantDomain };
    const nameTemplate = prof?.deviceNameTemplate ?? cfg.autopilot.deviceNameTemplate;
    const h = ctx.crypto.digest("sha256", new TextEncoder().encode(`ztd:${q.serialNumber}`));
    const guid = Buffer.from(h).toString("hex");
    return json(200, {
      Version: 2049,
      CloudAssignedTenantId: tenant.id,
      CloudAssignedTenantDomain: tenant.domain,
      CloudAssignedOobeConfig: 1310,
      CloudAssignedDomainJoinMethod: prof?.joinType === "hybrid" ? 1 : 0,
      CloudAssignedForcedEnrollment: 1,
      ZtdCorrelationId: `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20, 32)}`,
      ...(nameTemplate ? { CloudAssignedDeviceName: nameTemplate } : {}),
      CloudAssignedAadServerData: JSON.stringify({ ZeroTouchConfig: { CloudAssignedTenantUpn: "", ForcedEnrollment: 1, CloudAssignedTenantDomain: tenant.domain } }),
      Comment_File: `Profile ${prof?.name ?? "enrollsim reference Autopilot"}`,
    });
  };
  const handler = async (req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): Promise<HttpResponse> => {
    const path = new URL(req.url, "http://localhost").pathname;
    const lower = path.toLowerCase();
    if (lower === "/enrollmentserver/discovery.svc" || lower === "/enrollmentserver/legacy/discovery.svc") return req.method === "GET" ? enroll.discoveryGet() : enroll.discoveryPost(req);
    if (lower === "/enrollmentserver/policy.svc" && req.method === "POST") return enroll.policy(req);
    if (lower === "/enrollmentserver/auth") return signIn(req, ctx, cfg);
    // Tenant discovery at the identity provider (tenants.ts): /EnrollmentServer/Auth/<domain or id>/v2.0/.well-known/openid-configuration.
    const oidc = /^\/enrollmentserver\/auth\/([^/]{1,253})\/v2\.0\/\.well-known\/openid-configuration$/.exec(lower);
    const realm = /^\/enrollmentserver\/auth\/common\/userrealm\/([^/]{1,320})$/.exec(path.toLowerCase());
    if (realm && req.method === "GET") return userRealm(ctx.policy.config, cfg, decodeURIComponent(realm[1]!));
    if (oidc && req.method === "GET") return openIdConfiguration(`${ctx.urls().https}/EnrollmentServer/Auth`, ctx.policy.config, cfg, decodeURIComponent(oidc[1]!));
    if (lower === "/enrollmentserver/enrollment.svc" && req.method === "POST") return enroll.enroll(req);
    if (lower === "/managementserver/mdm.svc") return dm.handle(req);
    if (path === "/windows/tou") return enroll.terms(req);
    if (path === "/windows/autopilot/profile" && req.method === "POST") return autopilotProfile(req);
    if (path.startsWith("/windows/tpm/ekcert/") && req.method === "GET") return ekCertificate(path, ctx.crypto, ctx.now()) ?? json(404, { error: "unknown EK certificate path" });
    if (path === "/windows/store/licenses") return storeLicence(req, ctx, cfg, state);
    if (path.startsWith("/windows/cmgateway/") || path.startsWith("/windows/pki/")) {
      const r = await tenantAttach.handle(req, path);
      if (r) return r;
    }
    const wns = /^\/windows\/wns\/channels(?:\/([0-9a-f]{32})(\/pending)?)?$/.exec(path);
    if (wns) {
      // Mock WNS. POST /channels {deviceId} opens a channel; POST /channels/<id> (X-WNS-Type, Bearer token, as a
      // server sends to a real channel URI) pushes; GET /channels/<id>/pending is the device's fetch.
      if (!wns[1] && req.method === "POST") {
        let q: { deviceId?: unknown };
        try {
          q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 4096)) as typeof q;
        } catch {
          return json(400, { error: "body is not JSON" });
        }
        if (typeof q.deviceId !== "string" || !/^[0-9A-Fa-f]{32}$/.test(q.deviceId)) return json(400, { error: "expected {deviceId}" });
        const id = Buffer.from(ctx.crypto.digest("sha256", new TextEncoder().encode(`wns:${q.deviceId.toUpperCase()}`))).toString("hex").slice(0, 32);
        state.channels.set(id, { deviceId: q.deviceId.toUpperCase(), pending: state.channels.get(id)?.pending ?? 0 });
        return json(201, { channelUri: `${ctx.urls().https}/windows/wns/channels/${id}` });
      }
      const ch = wns[1] ? state.channels.get(wns[1]) : undefined;
      if (!ch) return json(404, { error: "unknown channel" });
      if (wns[2] && req.method === "GET") {
        const n = ch.pending;
        ch.pending = 0;
        return json(200, { pending: n });
      }
      if (!wns[2] && req.method === "POST") {
        if (!/^Bearer\s+\S+/i.test(req.headers?.authorization ?? "")) return { status: 401, headers: { "content-type": "text/plain", "www-authenticate": "Bearer" }, body: new TextEncoder().encode("WNS needs a bearer token\n"), url: "" };
        const type = (req.headers?.["x-wns-type"] ?? "").toLowerCase();
        if (!["wns/raw", "wns/toast", "wns/tile", "wns/badge"].includes(type)) return json(400, { error: "X-WNS-Type must be wns/raw|toast|tile|badge" });
        ch.pending = Math.min(ch.pending + 1, 1000);
        state.counters.pushes++;
        return { status: 200, headers: { "content-type": "text/plain", "x-wns-status": "received", "x-wns-msg-id": String(state.counters.pushes) }, body: new Uint8Array(), url: "" };
      }
      return json(405, { error: "method not allowed" });
    }
    // Device registration (Entra join / registration) from the directory's device objects and settings (drs.ts).
    if (path === "/windows/drs/join" && req.method === "POST") return drsJoin(req, ctx, cfg.tokenKey, cfg.autopilot.tenantDomain);
    // The GPO auto-enroll task's lookup of the user's MDM enrollment URL (mdm-lookup.ts).
    if (path === "/windows/drs/mdm" && req.method === "POST") return mdmLookup(req, ctx, cfg.autopilot.tenantDomain);
    if (path === "/windows/autopilot/register" && req.method === "POST") {
      // Hash import (Get-WindowsAutopilotInfo -Online / OEM CSV): serial → hardware hash.
      let q: { serialNumber?: unknown; hardwareHash?: unknown };
      try {
        q = JSON.parse(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 16 * 1024)) as typeof q;
      } catch {
        return json(400, { error: "body is not JSON" });
      }
      if (typeof q.serialNumber !== "string" || typeof q.hardwareHash !== "string" || q.hardwareHash.length > 8192) return json(400, { error: "expected {serialNumber, hardwareHash}" });
      state.autopilot.set(q.serialNumber, q.hardwareHash);
      return json(201, { registered: q.serialNumber });
    }
    if (path.startsWith(MSI_CONTENT_PREFIX)) {
      const name = msiContentName(path);
      if (name === undefined) return { status: 404, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode(`no content at ${path}\n`), url: "" };
      return { status: 200, headers: { "content-type": "application/octet-stream" }, body: msiContent(name, cfg.esp.apps.find((a) => a.name === name)?.files), url: "" };
    }
    if (path === "/windows/api/devices" && req.method === "GET") {
      return json(200, [...state.devices.values()].map((d) => ({ deviceId: d.deviceId, upn: d.upn, sessions: d.sessions, queued: d.queue.length, esp: d.esp })));
    }
    const wake = /^\/windows\/api\/devices\/([0-9A-Fa-f]{32})\/wake$/.exec(path);
    if (wake && req.method === "POST") {
      // The reference server's own use of its mock WNS: push to the device's channel.
      const id = wake[1]!.toUpperCase();
      const ch = [...state.channels.values()].find((c) => c.deviceId === id);
      if (!ch) return json(409, { error: "the device has no push channel" });
      ch.pending = Math.min(ch.pending + 1, 1000);
      state.counters.pushes++;
      return json(202, { pushed: true });
    }
    const m = /^\/windows\/api\/devices\/([0-9A-Fa-f]{32})(\/commands)?$/.exec(path);
    if (m) {
      const rec = state.devices.get(m[1]!.toUpperCase());
      if (!rec) return json(404, { error: "unknown device" });
      if (!m[2] && req.method === "GET") return json(200, { ...rec, queue: rec.queue.length, outstanding: rec.outstanding?.size ?? 0 });
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
    admin: { ...windowsAdmin(cfg, state, ctx.policy), revoke: (what: string) => (what === "service-certificate" ? tenantAttach.revoke() : undefined) },
    counters: () => ({ discoveries: state.counters.discoveries, "OMA-DM sessions": state.counters.sessions, renewals: state.counters.renewals, pushes: state.counters.pushes }),
    records: () => [...state.devices.values()].map((d) => ({ platform: "windows" as const, kind: "wstep", key: d.deviceId, ids: { deviceId: d.deviceId }, enrollments: d.enrollments ?? 1, removed: !!d.unenrolled })),
    profileRecords: () =>
      [...state.devices.values()]
        .filter((d) => !d.unenrolled)
        .flatMap((d) =>
          Object.entries(d.profiles ?? {}).map(([profile, st]) => ({
            deviceKey: d.deviceId,
            platform: "windows" as const,
            profile,
            state: st.state,
            ...(st.state === "failed" && st.scep?.errorCode && st.scep.errorCode !== "0" ? { errorCode: st.scep.errorCode } : {}),
            ...(st.detail ? { detail: st.detail } : {}),
          })),
        ),
    prefixes: ["/EnrollmentServer/", "/enrollmentserver/", "/ManagementServer/", "/managementserver/", "/windows/"],
    handler,
    describe: () => [
      "windows: discovery  /EnrollmentServer/Discovery.svc (EnterpriseEnrollment.<domain> → this host)",
      "windows: policy     /EnrollmentServer/Policy.svc, enrollment /EnrollmentServer/Enrollment.svc",
      "windows: OMA-DM     /ManagementServer/MDM.svc (mTLS, certificate from the reference CA)",
      `windows: REST       /windows/api/devices[/<DeviceID>[/commands]]; tenant policy: embedded.policy`,
    ],
  };
};
