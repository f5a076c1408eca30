// SPDX-License-Identifier: MIT
/**
 * Management: the OMA-DM client after provisioning. The CSP tree seeded from the provisioning
 * document's DMClient parameters, the jobs behind Exec (MSI, SCEP CSP, Store apps), the session
 * (alerts, DevInfo, the command processor over mTLS or MD5), what the device can see of management
 * going wrong, and the scheduled polls (with WNS pushes) of enrollments without an ESP.
 */
import { ProtocolViolationError, ScenarioError, SimError } from "../../errors/index.js";
import type { HttpClient } from "../../ports/http.js";
import { runDmSession, type DmSessionResult } from "../../protocol/windows/dm.js";
import type { Credentials } from "../../protocol/windows/enroll.js";
import { fetchPushes, openChannel } from "../../protocol/windows/wns.js";
import type { Command } from "../../wire/windows/syncml.js";
import { fromB64 } from "../../wire/windows/wstep.js";
import { toPem, type Certificate } from "../../wire/x509/certificate.js";
import { CspProcessor, CspTree, devInfoItems } from "./csp.js";
import { MsiJobs, type EspPhase, type RebootRequest } from "./esp.js";
import { msiContentFetcher } from "./msi-content.js";
import { ScepCspJobs } from "./scep-csp.js";
import { keptSettings } from "./applied-settings.js";
import { execRemoteReset, installResetNodes } from "./recovery.js";
import { StoreAppJobs } from "./store-apps.js";
import type { Provisioned } from "./provisioning.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";

/** Minutes before each of the next `count` polls: first set, second set, then the remaining interval. */
export function pollSchedule(poll: Record<string, string>, count: number): number[] {
  const n = (k: string, d: number) => (/^\d+$/.test(poll[k] ?? "") ? Number(poll[k]) : d);
  const sets: [number, number][] = [
    [n("NumberOfFirstRetries", 8), n("IntervalForFirstSetOfRetries", 3)],
    [n("NumberOfSecondRetries", 8), n("IntervalForSecondSetOfRetries", 15)],
    [n("NumberOfRemainingScheduledRetries", 0) || Number.MAX_SAFE_INTEGER, n("IntervalForRemainingScheduledRetries", 480)],
  ];
  const out: number[] = [];
  for (const [times, every] of sets) for (let i = 0; i < times && out.length < count; i++) out.push(Math.max(1, every));
  return out;
}

/** Command results kept between sessions for managementProblem (a few sessions' worth at limits.sessionCommands). */
const PROCESSOR_LOG_KEEP = 10_000;

/** A server command as the device recognises a repeat: verb, targets, data (children for Atomic/Sequence). */
const signature = (c: Command): string =>
  `${c.verb}(${c.items.map((i) => `${i.target ?? ""}=${i.data ?? ""}`).join(",")}${c.children ? `[${c.children.map(signature).join(";")}]` : ""})`;

export interface Management {
  /** The client of the sessions (replaced after a renewal). */
  http: HttpClient;
  readonly tree: CspTree;
  readonly msi: MsiJobs;
  /** ClientCertificateInstall SCEP jobs (scep-csp.ts), for ESP's Certificates row. */
  readonly scepJobs: ScepCspJobs;
  readonly providerId: string;
  readonly useMd5: boolean;
  /** A restart a policy asked for (AppLocker), for the ESP. */
  readonly reboot: { policy?: RebootRequest };
  clientFor(cert: Certificate, withIdentity: boolean): HttpClient;
  session(extra?: Command[], initiator?: "1200" | "1201"): Promise<DmSessionResult>;
  managementProblem(): { code: string; message: string } | undefined;
  /** A user signed in on the PC: later sessions report LoginStatus "user". */
  userSignedIn(): void;
  /** Cancels the jobs and closes the client (the enrollment's finally). */
  close(): Promise<void>;
}

/** What the PC keeps of its management across a restart: the registry (CSP tree) and the app jobs. */
/**
 * Thrown out of a session in which the server wiped the PC: the flow ends there (enrollment.ts turns it
 * into the `windows.wiped` outcome). A SimError, so the steps it passes through (esp.device-setup, …)
 * keep it as it is.
 */
export class PcWiped extends SimError {
  readonly blame = "server" as const;
  constructor(readonly node: string) {
    super("windows.wiped", `the server wiped the PC (Exec RemoteWipe/${node})`);
  }
}

export interface KeptManagement {
  tree: CspTree;
  msi: MsiJobs;
  /** ClientCertificateInstall SCEP jobs (absent in a disk written before they were kept). */
  scep?: ScepCspJobs;
}

export function startManagement(run: EnrollRun, prov: Provisioned, creds: Credentials, kept?: KeptManagement): Management {
  const { ctx, o, id, w, p, report, pretty, strict, https } = run;
  const { doc, apply, key } = prov;
  const useMd5 = o.raw.dmAuth === "md5";
  const client = doc.application!.auth.find((a) => a.level.toUpperCase() === "CLIENT");
  if (useMd5 && (!client?.name || !client.secret)) throw new ProtocolViolationError("provisioning.no-appauth", "dmAuth md5 but the provisioning document has no APPAUTH CLIENT name/secret");
  const md5 = useMd5 ? { name: client!.name!, secret: client!.secret!, nonce: client!.data ? fromB64(client!.data, "AAUTHDATA nonce", 1024) : new Uint8Array() } : undefined;
  const clientFor = (cert: Certificate, withIdentity: boolean): HttpClient =>
    ctx.ports.http.client({
      // The machine store (the device's trust settings, e.g. --ca) plus the provisioned Root certificates.
      tls: { ...(ctx.tls ?? {}), ca: [...(ctx.tls?.ca ?? []), ...apply.roots.map((r) => toPem(r.der))], ...(withIdentity ? { identity: { certPem: toPem(cert.der), keyPem: p.crypto.privateKeyPem(key) } } : {}) },
      keepAlive: ctx.keepAlive ?? true,
    });
  const m = { http: clientFor(apply.cert, !useMd5) };
  const providerId = doc.application!.providerId;
  const tree =
    kept?.tree ??
    new CspTree(id, {
    ...Object.fromEntries(Object.entries(doc.dmClient?.params ?? {}).map(([k, v]) => [`./Vendor/MSFT/DMClient/Provider/${providerId}/${k}`, v])),
    ...Object.fromEntries(Object.entries(doc.dmClient?.poll ?? {}).map(([k, v]) => [`./Vendor/MSFT/DMClient/Provider/${providerId}/Poll/${k}`, v])),
  });
  tree.answerWith(id.state?.cspStatus ?? []);
  if (!kept) installResetNodes(tree);
  const msi = new MsiJobs(tree, p.clock, o.minuteMs, msiContentFetcher(p));
  if (kept) msi.adopt(kept.msi);
  const scepJobs = new ScepCspJobs(tree, ctx, o.minuteMs);
  if (kept?.scep) scepJobs.adopt(kept.scep);
  const storeJobs = new StoreAppJobs(tree, p, () => m.http, o.raw.storeUrl ?? (https ? `${https}/windows/store` : undefined), o.minuteMs, Math.max(1, Number(doc.dmClient?.poll.IntervalForFirstSetOfRetries ?? "3")) * o.minuteMs);
  const reboot: { policy?: RebootRequest } = {};
  tree.hooks = {
    afterWrite(uri) {
      // AppLocker application-control policy takes effect only after a restart.
      if (/\/Vendor\/MSFT\/AppLocker\/ApplicationLaunchRestrictions\//.test(uri)) reboot.policy ??= { by: "AppLocker", kind: "policy", at: p.clock.now() };
    },
    beforeWrite(uri, value) {
      if (uri.endsWith("/FirstSyncStatus/ServerHasFinishedProvisioning")) {
        const cur = tree.nodes.get(uri)?.value;
        if (cur && /^true$/i.test(cur) && !/^true$/i.test(value)) return 405;
      }
      return undefined;
    },
    exec(uri, data) {
      const r = msi.exec(uri, data) ?? scepJobs.exec(uri) ?? storeJobs.exec(uri, data);
      if (r !== undefined) return r;
      if (/\/DMClient\/Provider\/[^/]+\/Unenroll$/.test(uri)) {
        report.unenrolled = "server";
        return 200;
      }
      // RemoteWipe during the flow (an admin wiping a PC stuck in the ESP): acknowledged, and the PC
      // resets once the session ends (session() below).
      // Whether it can start is its recovery environment's (recovery.ts).
      const answer = execRemoteReset(tree, id, uri);
      if (answer) {
        // A reset that keeps the enrollment (Autopilot Reset, the PersistUserData wipes) does not end the flow (the PC stays managed).
        if (answer.reset && !answer.reset.keepsEnrollment) report.wiped ??= answer.reset.node;
        return answer.status;
      }
      return tree.unknownStatus;
    },
  };
  const processor = new CspProcessor(tree);
  let sessionId = o.sessionIdStart;
  // LoginStatus (DMClient alert 1224): "user" while a user is signed in. Self-deploying, bulk and the
  // technician's phase of pre-provisioning have none; a pre-provisioned PC's user signs in before its
  // account phase (esp-run.ts calls userSignedIn).
  let loginStatus = o.kind === "byod" || (o.kind === "autopilot" && o.mode === "user-driven") ? "user" : "none";
  // The enrollment's own user token: only flows that enrolled with the user's token present it.
  const userToken = loginStatus === "user";
  const session = async (extra: Command[] = [], initiator: "1200" | "1201" = "1201"): Promise<DmSessionResult> => {
    const alerts: Command[] = [
      ...extra,
      { verb: "Alert", data: "1224", items: [{ meta: { type: "com.microsoft/MDM/LoginStatus", format: "chr" }, data: loginStatus }] },
      ...(creds.kind === "token" && userToken ? [{ verb: "Alert", data: "1224", items: [{ meta: { type: "com.microsoft/MDM/AADUserToken", format: "chr" }, data: creds.token }] }] : []),
      ...msi.takeAlerts(),
    ];
    const r = await runDmSession(p, {
      http: m.http,
      addr: doc.application!.addr,
      deviceId: w.deviceId,
      sessionId: String(sessionId++),
      initiator,
      alerts,
      devInfo: devInfoItems(id),
      processor,
      pretty,
      strict,
      ...(md5 ? { md5 } : {}),
    });
    report.sessions++;
    report.findings += r.findings.length;
    if (report.wiped) throw new PcWiped(report.wiped);
    // The processor's log is what managementProblem reads (Atomic rollbacks): keep the recent part only,
    // so a device's memory does not grow with every session of a long steady phase.
    if (processor.log.length > PROCESSOR_LOG_KEEP) processor.log.splice(0, processor.log.length - PROCESSOR_LOG_KEEP);
    const sigs = new Set(r.commands.map(signature));
    commandHistory.push(sigs);
    if (commandHistory.length > 3) commandHistory.shift(); // only the last 3 sessions are compared: keep no more
    return r;
  };
  // What the device can see of management going wrong: an Atomic it had to roll back, or the
  // same commands arriving in every session (a server that cannot read the device's answers).
  const commandHistory: Set<string>[] = [];
  const managementProblem = (): { code: string; message: string } | undefined => {
    const atomics = processor.log.filter((l) => l.verb === "Atomic" && l.status === "507");
    if (atomics.length) {
      const bad = processor.log.filter((l) => l.verb !== "Atomic" && !/^2\d\d$/.test(l.status));
      const rolled = processor.log.filter((l) => l.status === "216").length;
      return {
        code: "windows.dm.atomic-failed",
        message: `Atomic failed (507) ${atomics.length}×: ${bad.map((b) => `${b.verb} ${b.target ?? "(no target)"} → ${b.status}`).slice(0, 3).join("; ")}; ${rolled} command(s) rolled back (216): the settings were not applied`,
      };
    }
    const last = commandHistory.slice(-3);
    if (last.length === 3) {
      const again = [...last[0]!].filter((x) => last[1]!.has(x) && last[2]!.has(x));
      if (again.length) {
        return { code: "windows.dm.commands-resent", message: `${again.length} command(s) re-sent in each of the last 3 sessions although the device answered them (e.g. ${again[0]})` };
      }
    }
    return undefined;
  };
  return Object.assign(m, {
    tree,
    msi,
    scepJobs,
    providerId,
    useMd5,
    reboot,
    clientFor,
    session,
    managementProblem,
    userSignedIn() {
      loginStatus = "user";
    },
    async close() {
      msi.cancel();
      await storeJobs.cancel();
      await Promise.allSettled(scepJobs.running);
      await m.http.close().catch(() => {});
    },
  });
}

/**
 * Non-ESP methods: the first sync happens right after enrollment; then `polls` scheduled polls
 * follow the DMClient Poll schedule (first set, then second set), with per-device jitter.
 */
export async function pollAfterEnrollment(run: EnrollRun, prov: Provisioned, mgmt: Management, prep: EspPhase, renewIfDue: () => Promise<void>): Promise<WindowsFlowResult> {
  const { o, w, p, report, https } = run;
  const { doc, keychain } = prov;
  const { tree, providerId, session, managementProblem } = mgmt;
  const poll = doc.dmClient?.poll ?? {};
  const schedule = pollSchedule(poll, o.polls);
  const jitter = p.entropy.fork("poll.jitter").int(Math.max(1, Math.floor(o.minuteMs / 4)));
  // Push: the device opens a WNS channel and reports its URI in DMClient Push/ChannelURI; a push
  // starts a server-initiated session (Alert 1200) right away, between the scheduled polls.
  let channel: string | undefined;
  if (o.raw.push) {
    const wnsUrl = o.raw.wnsUrl ?? (https ? `${https}/windows/wns` : undefined);
    if (!wnsUrl) throw new ScenarioError("push needs options.windows.wnsUrl (or the embedded server's mock WNS)");
    channel = await openChannel(p, wnsUrl, w.deviceId);
    tree.nodes.set(`./Device/Vendor/MSFT/DMClient/Provider/${providerId}/Push/ChannelURI`, { value: channel });
    tree.nodes.set(`./Device/Vendor/MSFT/DMClient/Provider/${providerId}/Push/Status`, { value: "0" });
  }
  const checkMs = Math.max(1, (o.raw.wnsCheckSeconds ?? 15) * 1000 * (o.minuteMs / 60_000));
  for (const minutes of schedule.slice(0, o.maxSessions - 1)) {
    if (report.unenrolled) break;
    const due = p.clock.now() + minutes * o.minuteMs + jitter;
    while (p.clock.now() < due && !report.unenrolled && report.sessions < o.maxSessions) {
      if (!channel) {
        await p.clock.sleep(due - p.clock.now(), p.signal);
        break;
      }
      await p.clock.sleep(Math.min(checkMs, due - p.clock.now()), p.signal);
      if ((await fetchPushes(p, channel)) > 0) {
        await session([], "1200");
        report.pushSessions = (report.pushSessions ?? 0) + 1;
      }
    }
    if (report.unenrolled || report.sessions >= o.maxSessions) break;
    await renewIfDue();
    await session();
  }
  if (o.raw.unenroll && !report.unenrolled) {
    // Settings → Disconnect: one more session carrying the user-requested unenrollment alert.
    await session([{ verb: "Alert", data: "1226", items: [{ meta: { type: "com.microsoft:mdm.unenrollment.userrequest", format: "int" }, data: "1" }] }]);
    report.unenrolled = "user";
  }
  prep.endedAt = p.clock.now();
  const problem = managementProblem();
  if (problem) return { ok: false, code: problem.code, step: "dm.session", message: problem.message, keychain, windows: report };
  if (report.unenrolled) return { ok: true, code: `windows.${o.kind}.unenrolled`, keychain: { identities: [] }, windows: report };
  return { ok: true, code: `windows.${o.kind}.enrolled`, keychain, windows: report, serverIds: { "windows.addr": doc.application!.addr, "windows.deviceId": w.deviceId }, appliedSettings: keptSettings(tree) };
}
