// SPDX-License-Identifier: MIT
/**
 * The reference OMA-DM endpoint: authenticates the device by its client certificate (issued by
 * the foundation CA, serial on record, CN = SyncHdr Source), keeps SyncML session state per
 * device, answers every device command with a Status, and sends the device's queued commands:
 * inventory Gets for plain enrollments, the ESP set-up (DMClient FirstSyncStatus + policies +
 * MSI jobs) for Autopilot devices, then ServerHasFinishedProvisioning.
 */
import { baseFor } from "../half.js";
import { commandLine } from "../../wire/windows/msi-package.js";
import { msiContent } from "./content.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { SimError } from "../../errors/index.js";
import { CSP_LIST_DELIMITER, MIME } from "../../wire/windows/ns.js";
import { parseSyncML, writeSyncML, type Command } from "../../wire/windows/syncml.js";
import { md5Credential } from "../../wire/windows/md5-auth.js";
import type { HalfContext } from "../half.js";
import type { EspAppSpec, ProfileSpec, WindowsServerConfig } from "./config.js";
import { SCEP_STATUS, scepInstallAtomic, scepNode, scepStatusGets } from "./scep-profile.js";
import type { DeviceRecord, ProfileState, WindowsState } from "./state.js";
import { complianceCommands, observeCompliance, storeExpectedList, storeInstallCommands } from "./store.js";
import { withholdCommands } from "./withhold.js";

/** An `int` node holding an HRESULT (signed 32-bit, as the PC reports it) → 0x80070032; other values as sent. */
const hresultOf = (v: string | undefined): string => (v !== undefined && /^-?\d+$/.test(v) && Number(v) !== 0 ? `0x${(Number(v) >>> 0).toString(16).toUpperCase().padStart(8, "0")}` : (v ?? ""));
const text = (status: number, body: string, type = "text/plain"): HttpResponse => ({ status, headers: { "content-type": type }, body: new TextEncoder().encode(body), url: "" });

export const productCodeFor = (app: EspAppSpec, hash: (s: string) => Uint8Array): string => {
  if (app.productCode) return app.productCode.replace(/[{}]/g, "").toUpperCase();
  const h = Buffer.from(hash(app.name)).toString("hex").toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * What a licence-restricted PC is still sent (Knox Manage "Renew an expired license": Unenroll Device and Factory Reset
 * among the device commands): the RemoteWipe Execs and the DMClient Unenroll Exec, taken out of the queue; the rest waits.
 */
const RESTRICTED_TARGET = /\/Vendor\/MSFT\/(RemoteWipe\/|DMClient\/Provider\/[^/]+\/Unenroll$)/;
function takeRestricted(queue: Command[]): Command[] {
  const out = queue.filter((c) => c.verb === "Exec" && RESTRICTED_TARGET.test(c.items[0]?.target ?? ""));
  for (const c of out) queue.splice(queue.indexOf(c), 1);
  return out;
}

export class DmEndpoint {
  /** global-session-state quirk: the one session the whole server keeps. */
  private global: { sessionId: string; rec: DeviceRecord } | undefined;
  /** Which profile a queued command belongs to (commands are server objects, never on the wire). */
  private readonly profileOf = new WeakMap<Command, { state: ProfileState; verify: boolean }>();
  constructor(
    private readonly ctx: HalfContext,
    private readonly cfg: WindowsServerConfig,
    private readonly state: WindowsState,
  ) {}

  private identify(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): DeviceRecord | string {
    const der = req.tls?.peerCertificateDer;
    if (!der) return "no client certificate";
    const cert = this.ctx.scep.checkIssued(der);
    if (cert === "unreadable") return "unparsable client certificate";
    if (cert === "not-issued") return "client certificate not issued by the reference CA";
    // IIS with client-certificate revocation checking answers 403.13 "Client certificate revoked".
    if (cert === "revoked") return "client certificate revoked";
    const cn = /CN=([0-9A-F]{32})/i.exec(cert.subject)?.[1]?.toUpperCase();
    const rec = cn ? this.state.devices.get(cn) : undefined;
    if (!rec || rec.serialHex !== cert.serialHex) return "client certificate not on record";
    const now = this.ctx.now();
    if (cert.notAfter.getTime() < now) return "client certificate expired";
    return rec;
  }

  handle(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): HttpResponse {
    if (req.method !== "POST") return text(405, "POST SyncML here\n");
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    let who = this.identify(req);
    if (who === "no client certificate" && type === MIME.syncml) who = "md5";
    if (typeof who === "string" && who !== "md5") return text(403, `${who}\n`);
    if (type !== MIME.syncml) return text(415, `expected ${MIME.syncml}\n`);
    let msg;
    try {
      msg = parseSyncML(req.body ?? new Uint8Array(), "device SyncML", { maxBytes: 512 * 1024, maxDepth: 24 });
    } catch (err) {
      return text(400, `${err instanceof SimError ? err.message : "bad SyncML"}\n`);
    }
    let chal: string | undefined;
    if (who === "md5") {
      // No client certificate: syncml:auth-md5 with the APPAUTH CLIENT secret and the current nonce.
      const rec = this.state.devices.get(msg.hdr.source.toUpperCase());
      if (!rec?.md5) return text(403, "no client certificate and no MD5 credentials on record\n");
      const expected = md5Credential(rec.deviceId, rec.md5.secret, rec.md5.nonce, this.ctx.crypto);
      rec.md5.nonce = this.ctx.crypto.digest("sha256", new TextEncoder().encode(`${rec.md5.secret}:${this.ctx.now()}:${msg.hdr.sessionId}:${msg.hdr.msgId}`)).subarray(0, 16);
      chal = Buffer.from(rec.md5.nonce).toString("base64");
      if (msg.hdr.cred?.type !== "syncml:auth-md5" || msg.hdr.cred.data !== expected) {
        const status = msg.hdr.cred ? "401" : "407";
        const body = writeSyncML({
          hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: msg.hdr.sessionId, msgId: msg.hdr.msgId, target: msg.hdr.source, source: msg.hdr.target },
          body: [{ verb: "Status", cmdId: "1", msgRef: msg.hdr.msgId, cmdRef: "0", cmd: "SyncHdr", data: status, chalNextNonce: chal, items: [] }],
          final: true,
        });
        return { status: 200, headers: { "content-type": MIME.syncml }, body: new TextEncoder().encode(body), url: "" };
      }
      who = rec;
    }
    if (typeof who === "string") return text(403, `${who}\n`);
    if (msg.hdr.source.toUpperCase() !== who.deviceId) return text(403, "SyncHdr Source does not match the client certificate\n");
    if (who.unenrolled) return text(403, "device is unenrolled\n");
    const quirks = new Set(this.cfg.syncmlQuirks);
    // The session this message belongs to. A correct server keys it per device; the
    // global-session-state quirk keys one process-wide session by SessionID only.
    let rec: DeviceRecord = who;
    if (quirks.has("global-session-state")) {
      if (!this.global || this.global.sessionId !== msg.hdr.sessionId) {
        this.global = { sessionId: msg.hdr.sessionId, rec: who };
        who.lastSessionId = msg.hdr.sessionId;
        who.sessions++;
        this.state.counters.sessions++;
        this.startSession(who);
      }
      rec = this.global.rec;
    } else if (rec.lastSessionId !== msg.hdr.sessionId) {
      rec.lastSessionId = msg.hdr.sessionId;
      rec.sessions++;
      this.state.counters.sessions++;
      // requires-signed-in-user: a server that provisions nothing while no user is signed in
      // (LoginStatus none), so userless devices never get their set-up (fleetdm/fleet #46302).
      const login = msg.body.find((c) => c.verb === "Alert" && c.data === "1224" && c.items[0]?.meta?.type === "com.microsoft/MDM/LoginStatus")?.items[0]?.data;
      if (!(quirks.has("requires-signed-in-user") && login !== "user")) this.startSession(rec);
    }
    let unenrollAfter = false;
    const replies: Command[] = [
      { verb: "Status", msgRef: msg.hdr.msgId, cmdRef: "0", cmd: "SyncHdr", targetRef: msg.hdr.target, sourceRef: msg.hdr.source, data: chal ? "212" : "200", ...(chal ? { chalNextNonce: chal } : {}), items: [] },
    ];
    for (const c of msg.body) {
      if (c.verb === "Status" || c.verb === "Results") {
        if (c.verb === "Status" && c.cmd === "Exec" && c.data === "200" && rec.unenrollCmdIds?.includes(c.cmdRef ?? "")) unenrollAfter = true;
        // The PC acknowledged the remote wipe (200) and resets: its enrollment is gone. Another status
        // (a PC whose RemoteWipe fails, a build without the node) leaves it enrolled, and the wipe failed.
        if (c.verb === "Status" && c.cmd === "Exec" && rec.wipe?.cmdIds.includes(c.cmdRef ?? "")) {
          // doWipePersistUserData resets the PC and keeps its enrollment: the record stays live.
          if (c.data === "200") (rec.wipe.state = "done"), (unenrollAfter = !rec.wipe.keepsEnrollment);
          else Object.assign(rec.wipe, { state: "failed", status: c.data });
          // After an Autopilot Reset the PC holds none of its configuration: the server delivers its profiles again at the PC's next sync.
          if (c.data === "200" && rec.wipe.kind === "autopilot-reset") for (const st of Object.values(rec.profiles ?? {})) st.retry = true;
        }
        if (c.verb === "Results" && rec.wipe?.kind === "autopilot-reset") {
          for (const it of c.items) {
            const src = it.source ?? "";
            if (/\/RemoteWipe\/AutomaticRedeployment\/Status$/.test(src)) (rec.wipe.result ??= {}).status = it.data ?? "";
            if (/\/RemoteWipe\/AutomaticRedeployment\/LastError$/.test(src)) (rec.wipe.result ??= {}).lastError = hresultOf(it.data);
          }
        }
        if (c.verb === "Status" && c.cmd !== "SyncHdr") rec.outstanding?.delete(c.cmdRef ?? "");
        this.track(rec, c);
        observeCompliance(rec, c, this.cfg, this.ctx.policy);
        rec.received.push({ msgId: msg.hdr.msgId, verb: c.verb, cmdRef: c.cmdRef, cmd: c.cmd, data: c.data ?? c.items[0]?.data, target: c.items[0]?.source ?? c.targetRef });
        if (rec.received.length > 500) rec.received.splice(0, rec.received.length - 500);
        continue;
      }
      if (c.verb === "Alert" && c.data === "1226") {
        for (const it of c.items) {
          if (it.meta?.type === "com.microsoft:mdm.unenrollment.userrequest") {
            this.state.unenroll(rec.deviceId);
            this.ctx.policy.removed(rec.deviceId);
          }
          else if (it.source) rec.appResults[it.source] = it.data ?? "";
        }
      }
      replies.push({ verb: "Status", msgRef: msg.hdr.msgId, cmdRef: c.cmdId ?? "", cmd: c.verb, data: "200", items: [] });
    }
    if (unenrollAfter) {
      this.state.unenroll(rec.deviceId);
      this.ctx.policy.removed(rec.deviceId);
    }
    const maxMsgSize = this.cfg.maxMsgSize;
    if (maxMsgSize !== undefined && (req.body?.length ?? 0) > maxMsgSize) this.state.counters.oversizeMessages++;
    if (!msg.final) {
      // Multi-message package from the device: acknowledge and ask for the next message (Alert 1222).
      const more = writeSyncML({
        hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: msg.hdr.sessionId, msgId: msg.hdr.msgId, target: rec.deviceId, source: msg.hdr.target, ...(maxMsgSize ? { maxMsgSize: String(maxMsgSize) } : {}) },
        body: [...replies.map((r, i) => ({ ...r, cmdId: String(i + 1) })), { verb: "Alert", cmdId: String(replies.length + 1), data: "1222", items: [] }],
        final: true,
      });
      this.state.counters.moreMessageAlerts++;
      return { status: 200, headers: { "content-type": MIME.syncml }, body: new TextEncoder().encode(more), url: "" };
    }
    const out = unenrollAfter ? [] : this.restricted(rec) ? takeRestricted(rec.queue) : rec.queue.splice(0, 40);
    for (const c of out) {
      this.number(rec, c);
      rec.outstanding?.set(c.cmdId!, c);
      const prof = this.profileOf.get(c);
      if (prof) (prof.verify ? prof.state.getIds : prof.state.cmdIds).push(c.cmdId!);
      if (c.verb === "Exec" && /\/DMClient\/Provider\/[^/]+\/Unenroll$/.test(c.items[0]?.target ?? "")) (rec.unenrollCmdIds ??= []).push(c.cmdId!);
      if (c.verb === "Exec" && rec.wipe && /\/Vendor\/MSFT\/RemoteWipe\/(doWipe[A-Za-z]*|AutomaticRedeployment\/doAutomaticRedeployment)$/.test(c.items[0]?.target ?? "")) (rec.wipe.cmdIds.push(c.cmdId!), (rec.wipe.state = "sent"));
    }
    // The session ends when the server has nothing more to send.
    if (out.length === 0 && this.global?.rec === rec) this.global = undefined;
    const body = writeSyncML({
      hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: msg.hdr.sessionId, msgId: msg.hdr.msgId, target: rec.deviceId, source: msg.hdr.target, ...(maxMsgSize ? { maxMsgSize: String(maxMsgSize) } : {}) },
      body: [...replies.map((r, i) => ({ ...r, cmdId: String(i + 1) })), ...out],
      final: true,
    });
    return { status: 200, headers: { "content-type": MIME.syncml }, body: new TextEncoder().encode(body), url: "" };
  }

  /** Profile bookkeeping from the device's Status/Results. */
  private track(rec: DeviceRecord, c: Command): void {
    for (const [name, st] of Object.entries(rec.profiles ?? {})) {
      const spec = this.cfg.profiles.find((p) => p.name === name);
      if (!spec) continue;
      const ref = c.cmdRef ?? "";
      if (c.verb === "Status" && st.cmdIds.includes(ref)) {
        st.cmdIds = st.cmdIds.filter((x) => x !== ref);
        if (!/^2\d\d$/.test(c.data ?? "")) {
          st.state = "failed";
          st.detail = `${c.cmd} ${ref}: Status ${c.data}`;
        } else if (st.cmdIds.length === 0 && st.state === "sent") {
          // An Exec has nothing to read back (its node is not Get-able): only Add/Replace settings are verified.
          const readable = (spec.settings ?? []).filter((s) => s.verb !== "Exec");
          // A SCEP profile the PC accepted (Exec Enroll 202): it enrolls after the session and says how at the next ones.
          if (spec.scep) (st.state = "pending"), (st.scep = {});
          else if (spec.verify && readable.length) {
            st.state = "verifying";
            for (const s of readable) {
              const get: Command = { verb: "Get", items: [{ target: s.uri }] };
              this.profileOf.set(get, { state: st, verify: true });
              rec.queue.push(get);
            }
          } else st.state = "applied";
        }
      } else if (st.getIds.includes(ref) && st.state === "pending" && spec.scep) {
        // SCEP/{UniqueID}/Status and ErrorCode (scep-profile.ts). A Get the PC answers 404 (nothing recorded yet) reads as nothing.
        if (c.verb === "Status" && c.data === "200") continue; // its Results follow
        if (c.verb === "Results") {
          const it = c.items[0];
          const src = it?.source ?? "";
          if (src.endsWith("/Status")) (st.scep ??= {}).status = it?.data ?? "";
          if (src.endsWith("/ErrorCode")) (st.scep ??= {}).errorCode = hresultOf(it?.data);
        }
        st.getIds = st.getIds.filter((x) => x !== ref);
        if (st.getIds.length === 0) {
          const result = SCEP_STATUS[st.scep?.status ?? ""];
          if (result === "installed") (st.state = "applied"), delete st.detail;
          else if (result === "failed") {
            st.state = "failed";
            const code = st.scep?.errorCode && st.scep.errorCode !== "0" ? st.scep.errorCode : undefined;
            st.detail = `SCEP Status 16${code ? `, ErrorCode ${code}` : ", no ErrorCode recorded"}`;
          } else st.detail = st.scep?.status ? `SCEP Status ${st.scep.status}` : "SCEP Status not recorded yet";
        }
      } else if (st.getIds.includes(ref) && st.state === "verifying") {
        const spec1 = spec.settings ?? [];
        if (c.verb === "Status" && c.data !== "200") {
          st.retry = true;
          st.detail = `Get → ${c.data}`;
          st.getIds = st.getIds.filter((x) => x !== ref);
        } else if (c.verb === "Results") {
          const it = c.items[0];
          const want = spec1.find((x) => x.uri === it?.source);
          if (want && want.value !== (it?.data ?? "")) {
            st.retry = true;
            st.detail = `Get ${want.uri} returned ${JSON.stringify(it?.data ?? "")}, expected ${JSON.stringify(want.value)}`;
          }
          st.getIds = st.getIds.filter((x) => x !== ref);
        }
        if (st.getIds.length === 0 && !st.retry) st.state = "applied";
      }
    }
  }

  private sendProfile(rec: DeviceRecord, spec: ProfileSpec): void {
    const st: ProfileState = rec.profiles?.[spec.name] ?? { state: "sent", attempts: 0, cmdIds: [], getIds: [] };
    Object.assign(st, { state: "sent", cmdIds: [], getIds: [], retry: false, attempts: st.attempts + 1 });
    (rec.profiles ??= {})[spec.name] = st;
    const set = (x: NonNullable<ProfileSpec["settings"]>[number]): Command =>
      x.verb === "Exec"
        ? { verb: "Exec", items: [{ target: x.uri, ...(x.value !== undefined ? { meta: { format: x.format ?? "chr" }, data: x.value } : {}) }] }
        : { verb: x.verb ?? "Replace", items: [{ target: x.uri, meta: { format: x.format ?? "chr" }, data: x.value ?? "" }] };
    const settings = spec.settings ?? [];
    const cmds: Command[] = !settings.length ? [] : spec.atomic ? [{ verb: "Atomic", items: [], children: settings.map(set) }] : settings.map(set);
    if (spec.scep) cmds.push(scepInstallAtomic({ ...spec.scep, id: spec.scep.id ?? spec.name }, this.scepDefaults()));
    delete st.scep;
    for (const c of cmds) {
      this.profileOf.set(c, { state: st, verify: false });
      rec.queue.push(c);
    }
  }

  private number(rec: DeviceRecord, c: Command): void {
    c.cmdId = String(100 + rec.nextCmdId++);
    for (const k of c.children ?? []) this.number(rec, k);
  }

  /** What the server wants to do in a new session, less what it is set up never to send (withhold.ts). */
  private startSession(rec: DeviceRecord): void {
    // Restricted by a lapsed licence (policy/licences.ts): the session adds nothing (no profile assigned since, no
    // compliance or ESP set-up); what is already queued waits, but for a wipe or an unenroll (takeRestricted).
    if (this.restricted(rec)) return;
    this.queueSession(rec);
    if (this.cfg.withhold.length) rec.queue = withholdCommands(rec.queue, this.cfg.withhold);
  }

  private restricted(rec: DeviceRecord): boolean {
    return this.ctx.policy.serviceStanding(rec.deviceId).state === "restricted";
  }

  private queueSession(rec: DeviceRecord): void {
    // Commands the device never answered (as far as this server could read) are sent again.
    if (rec.outstanding?.size) {
      for (const c of rec.outstanding.values()) {
        const again = structuredClone(c);
        const prof = this.profileOf.get(c);
        if (prof) this.profileOf.set(again, prof);
        rec.queue.push(again);
      }
      rec.resent = (rec.resent ?? 0) + rec.outstanding.size;
      rec.outstanding.clear();
    }
    for (const spec of this.cfg.profiles) if (rec.profiles?.[spec.name]?.retry) this.sendProfile(rec, spec);
    // SCEP profiles the PC has not reported installed or failed: read their Status and ErrorCode (scep-profile.ts).
    for (const spec of this.cfg.profiles) {
      const st = rec.profiles?.[spec.name];
      if (!spec.scep || st?.state !== "pending" || st.getIds.length) continue;
      for (const get of scepStatusGets({ ...spec.scep, id: spec.scep.id ?? spec.name })) {
        this.profileOf.set(get, { state: st, verify: true });
        rec.queue.push(get);
      }
    }
    rec.queue.push(...complianceCommands(rec, this.cfg, this.ctx.policy));
    // The ESP profile reaches a device only while it is assigned (esp.assigned; a timeline `set` is the
    // admin disabling or unassigning it). Disabling removes nothing a device already holds: the
    // FirstSyncStatus nodes stay, and the device's ESP keeps reading them (Intune, ESP known issues).
    if (rec.esp === "new" && this.cfg.esp.assigned === false) rec.esp = "none";
    if (rec.esp === "new") {
      rec.queue.push(...this.espSetup());
      rec.esp = "delivered";
      return;
    }
    if (rec.esp === "delivered") {
      rec.queue.push({
        verb: "Replace",
        items: [{ target: `./Device/Vendor/MSFT/DMClient/Provider/${this.cfg.providerId}/FirstSyncStatus/ServerHasFinishedProvisioning`, meta: { format: "bool" }, data: "true" }],
      });
      rec.esp = "finished";
      return;
    }
    if (rec.sessions === 1 && rec.esp === "none") {
      rec.queue.push({ verb: "Get", items: this.cfg.inventoryGets.map((t) => ({ target: t })) });
      rec.queue.push({ verb: "Replace", items: [{ target: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart", meta: { format: "int" }, data: "8" }] });
      rec.queue.push({ verb: "Get", items: [{ target: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart" }] });
      for (const spec of this.cfg.profiles) this.sendProfile(rec, spec);
      return;
    }
    // A profile assigned later (a timeline `set` of embedded.windows.profiles) reaches every device at its
    // next session, ESP devices once their ESP set-up is finished.
    if (rec.esp === "none" || rec.esp === "finished") for (const spec of this.cfg.profiles) if (!rec.profiles?.[spec.name]) this.sendProfile(rec, spec);
  }

  private espSetup(): Command[] {
    const e = this.cfg.esp;
    const fss = `./Device/Vendor/MSFT/DMClient/Provider/${this.cfg.providerId}/FirstSyncStatus`;
    const ufss = `./User/Vendor/MSFT/DMClient/Provider/${this.cfg.providerId}/FirstSyncStatus`;
    const hash = (s: string) => this.ctx.crypto.digest("sha256", new TextEncoder().encode(s));
    const agents = e.devicePreparationProviders.map((pp) => ({ name: pp.name, installMinutes: pp.installMinutes ?? 2, exitCode: pp.exitCode }));
    const apps = e.apps.map((a) => ({ ...a, code: productCodeFor(a, hash) }));
    const agentJobs = agents.map((a) => ({ ...a, code: productCodeFor(a, hash) }));
    const devPolicies = e.policies.map((p) => p.uri).filter((u) => !u.startsWith("./User/"));
    const userPolicies = e.policies.map((p) => p.uri).filter((u) => u.startsWith("./User/"));
    const devCerts = e.scepCerts.filter((c) => c.scope !== "user");
    const userCerts = e.scepCerts.filter((c) => c.scope === "user");
    const msiList = apps.map((a) => `./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7B${a.code}%7D/Status;1`);
    const set = (target: string, data: string, format = "chr"): Command => ({ verb: "Replace", items: [{ target, meta: { format }, data }] });
    const espCmds: Command[] = [
      set(`${fss}/TimeOutUntilSyncFailure`, String(e.timeoutMinutes), "int"),
      ...(e.blockInStatusPage !== undefined ? [set(`${fss}/BlockInStatusPage`, String(e.blockInStatusPage), "int")] : []),
      ...(e.allowCollectLogsButton !== undefined ? [set(`${fss}/AllowCollectLogsButton`, String(e.allowCollectLogsButton), "bool")] : []),
      ...(e.customErrorText ? [set(`${fss}/CustomErrorText`, e.customErrorText)] : []),
      ...(e.skipUserStatusPage !== undefined ? [set(`${fss}/SkipUserStatusPage`, String(e.skipUserStatusPage), "bool")] : []),
      ...(devPolicies.length ? [set(`${fss}/ExpectedPolicies`, devPolicies.join(CSP_LIST_DELIMITER))] : []),
      ...(userPolicies.length ? [set(`${ufss}/ExpectedPolicies`, userPolicies.join(CSP_LIST_DELIMITER))] : []),
      ...(msiList.length ? [set(`${fss}/ExpectedMSIAppPackages`, msiList.join(CSP_LIST_DELIMITER))] : []),
      ...(devCerts.length ? [set(`${fss}/ExpectedSCEPCerts`, devCerts.map(scepNode).join(CSP_LIST_DELIMITER))] : []),
      ...(userCerts.length ? [set(`${ufss}/ExpectedSCEPCerts`, userCerts.map(scepNode).join(CSP_LIST_DELIMITER))] : []),
      ...storeExpectedList(this.cfg),
    ];
    const prep = "./Device/Vendor/MSFT/EnrollmentStatusTracking/DevicePreparation/PolicyProviders";
    for (const pp of e.devicePreparationProviders) {
      const base = `${prep}/${encodeURIComponent(pp.name)}`;
      espCmds.push(
        { verb: "Add", items: [{ target: `${base}/InstallationState`, meta: { format: "int" }, data: "1" }] },
        { verb: "Add", items: [{ target: `${base}/Timeout`, meta: { format: "int" }, data: String(pp.timeoutMinutes ?? 15) }] },
        { verb: "Add", items: [{ target: `${base}/TrackedResourceTypes/Apps`, meta: { format: "bool" }, data: "true" }] },
      );
    }
    const out: Command[] = e.atomic ? [{ verb: "Atomic", items: [], children: espCmds }] : espCmds;
    // Stand-in for the connector's djoin blob (base64 ODJ provisioning data); only hybrid devices wait for it.
    // A connector that cannot create the computer object is `withhold` of this LocURI.
    const blob = Buffer.from(`enrollsim-odj:${this.cfg.autopilot.tenantDomain}`).toString("base64");
    out.push({ verb: "Replace", items: [{ target: "./Device/Vendor/MSFT/OfflineDomainJoin/Blob", meta: { format: "chr" }, data: blob }] });
    for (const p of e.policies) out.push({ verb: "Replace", items: [{ target: p.uri, meta: { format: p.format ?? "chr" }, data: p.value }] });
    // Each SCEP profile in its own Atomic with Exec Enroll last, as the CSP requires, so that the
    // enrollment never starts before every setting is in place (ClientCertificateInstall CSP, note).
    for (const c of e.scepCerts) out.push(scepInstallAtomic(c, this.scepDefaults()));
    out.push(...storeInstallCommands(this.cfg));
    const base = this.ctx.urls().https;
    const fileHash = (name: string, files?: Record<string, string>) => Buffer.from(this.ctx.crypto.digest("sha256", msiContent(name, files))).toString("hex").toUpperCase();
    for (const a of [...agentJobs, ...apps]) {
      const job = `./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7B${a.code}%7D/DownloadInstall`;
      const q = new URLSearchParams({ "enrollsim-app": a.name, "enrollsim-install-minutes": String(a.installMinutes ?? 2), "enrollsim-exit-code": String(a.exitCode ?? 0), ...("channel" in a && a.channel === "win32" ? { "enrollsim-channel": "win32" } : {}) });
      const url = `${base}/windows/content/${encodeURIComponent(a.name)}.msi?${q.toString()}`;
      const msiJob = `<MsiInstallJob id="{${a.code}}"><Product Version="1.0.0.0"><Download><ContentURLList><ContentURL>${url.replace(/&/g, "&amp;")}</ContentURL></ContentURLList></Download><Validation><FileHash>${fileHash(a.name, "files" in a ? a.files : undefined)}</FileHash></Validation><Enforcement><CommandLine>${commandLine("properties" in a ? a.properties : undefined)}</CommandLine><TimeOut>10</TimeOut><RetryCount>1</RetryCount><RetryInterval>5</RetryInterval></Enforcement></Product></MsiInstallJob>`;
      out.push({ verb: "Add", items: [{ target: job }] });
      out.push({ verb: "Exec", items: [{ target: job, meta: { format: "xml", type: "text/plain" }, data: msiJob }] });
    }
    return out;
  }

  /** What a SCEP profile without its own ServerURL / Challenge gets: the embedded CA's. */
  private scepDefaults(): { url: string; challenge: string } {
    return { url: `${baseFor(this.ctx.urls(), "/scep", "http")}/scep`, challenge: this.ctx.scep.config.challenge ?? "" };
  }

  /** REST: queue commands for a device. */
  enqueue(deviceId: string, cmds: { verb: string; target: string; data?: string; format?: string }[]): number | undefined {
    const rec = this.state.devices.get(deviceId.toUpperCase());
    if (!rec) return undefined;
    for (const c of cmds) rec.queue.push({ verb: c.verb, items: [{ target: c.target, ...(c.format ? { meta: { format: c.format } } : {}), ...(c.data !== undefined ? { data: c.data } : {}) }] });
    return rec.queue.length;
  }
}
