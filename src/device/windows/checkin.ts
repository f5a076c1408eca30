// SPDX-License-Identifier: MIT
/**
 * Steady-state check-in of an enrolled Windows device (issue 6 load model): one scheduled
 * OMA-DM session, client-initiated (Alert 1201, notes §9.5) with LoginStatus, over mTLS with the
 * enrolled certificate, processing whatever the server queued until it sends only Status/Final.
 *
 * What the runner persists per device is the keychain's certificates (PEM, by label) and
 * `serverIds`. The device key is re-derived honestly: it is the key-pool slot of the device
 * index (the same `keys.rsa(index)` the enrolment used), and the check-in refuses to run if the
 * certificate does not certify that key. The DM server address (w7 ADDR) is read from
 * `serverIds["windows.addr"]` when the runner carries the flow's ids, else from
 * `options.windows.dmUrl`, else the embedded server's /ManagementServer/MDM.svc (where the
 * reference server's provisioning document points). The CSP tree is rebuilt from the persona
 * at each session, then seeded with the Policy CSP values the PC kept (`appliedSettings`,
 * applied-settings.ts); other settings written in earlier sessions are not remembered.
 */
import { ScenarioError, TransportError } from "../../errors/index.js";
import { decoded, deviceNow, step } from "../../protocol/common/context.js";
import { runDmSession } from "../../protocol/windows/dm.js";
import type { Command } from "../../wire/windows/syncml.js";
import { fromPem, parseCertificate, sameBytes, toPem } from "../../wire/x509/certificate.js";
import type { FlowContext, KeyStore } from "../flow.js";
import type { PrivateKey } from "../../ports/crypto.js";
import { CspProcessor, CspTree, devInfoItems } from "./csp.js";
import { execRemoteReset, installResetNodes, type AcceptedReset } from "./recovery.js";
import { keptSettings, localAutopilotReset, restoreSettings } from "./applied-settings.js";
import type { AppliedSettings } from "../flow.js";
import type { Shown } from "../shown.js";
import type { ResolvedWindowsOptions } from "./options.js";
import { withWindowsProxy } from "./proxy.js";
import { lostKey, NTE_BAD_KEYSET } from "./tpm-keys.js";
import { ScepCspJobs } from "./scep-csp.js";

export interface WindowsEnrolledState {
  /** With where each key is kept (tpm-keys.ts), when the enrollment said. */
  certificates: { label: string; pem: string; keyStore?: KeyStore }[];
  serverIds: Record<string, string>;
  /** The Policy CSP values the PC keeps (applied-settings.ts): seeded into each session, replaced after it. */
  appliedSettings?: AppliedSettings;
}

export interface WindowsCheckinOutcome {
  ok: boolean;
  code: string;
  step?: string;
  message?: string;
  /** The server's RemoteWipe: the PC resets and holds no enrollment from now on. */
  erased?: boolean;
  /** The server ended the enrollment (Exec DMClient/Provider/<id>/Unenroll): no more check-ins. */
  unenrolled?: boolean;
  /** What the PC shows or records for a failed check-in. */
  shown?: Shown;
}

/** The ADDR a check-in talks to (see the module comment for the order). */
export function checkinAddr(ctx: FlowContext, o: ResolvedWindowsOptions, state: WindowsEnrolledState): string {
  const fromIds = state.serverIds["windows.addr"];
  if (fromIds) return fromIds;
  if (o.raw.dmUrl) return o.raw.dmUrl;
  const https = ctx.targets.server?.embedded ? ctx.targets.server.https : undefined;
  if (https) return `${https}/ManagementServer/MDM.svc`;
  throw new ScenarioError("a windows check-in needs the DM server address: options.windows.dmUrl (the w7 ADDR of the provisioning document)");
}

/**
 * What a check-in learnt about a keychain entry: that its certificate certifies the device's pool
 * key, its notAfter, and whether its PEM is already the canonical encoding handed to TLS. A steady
 * device checks in with the same entry object all its life, so the certificate is parsed once, not
 * on every check-in (as for Apple, device/apple/checkin.ts). Valid only for the same PEM string, key
 * port and device index; a WeakMap, so it goes with the entry. A mismatch is never kept.
 */
const enrolledMemo = new WeakMap<object, { pem: string; keys: FlowContext["ports"]["keys"]; index: number; notAfter: number; canonical: boolean }>();

/**
 * Waits for the SCEP enrollments a session started and records each one's end in the transcript (step
 * `scep.install`, failed when the CSP recorded Status 16); the text the check-in's message carries. A failed
 * certificate is not a failed check-in: the PC stays enrolled and the server reads the result at its next session.
 */
async function scepResults(p: FlowContext["protocol"], jobs: ScepCspJobs): Promise<string> {
  if (!jobs.running.length) return "";
  await Promise.all(jobs.running);
  const parts: string[] = [];
  for (const [node, job] of jobs.jobs) {
    if (job.status === "pending") continue;
    const line = job.status === "done" ? `${node}: installed (Status 1)` : `${node}: failed (Status 16), ${ScepCspJobs.describe(job)}`;
    parts.push(line);
    await step(
      p,
      "scep.install",
      async () => (decoded(p, "scep.install", { node, status: job.status === "done" ? "1" : "16", ...(job.errorCode ? { errorCode: job.errorCode } : {}), ...(job.status === "failed" ? { failed: ScepCspJobs.describe(job) } : {}) }), job.status),
      (s) => s === "failed",
    );
  }
  return parts.length ? `; ClientCertificateInstall ${parts.join("; ")}` : "";
}

/** A session ID per check-in: seconds of the device clock (increasing, like the device's counter), in 1..65535. */
const sessionIdAt = (ms: number): string => String(1 + (Math.floor(ms / 1000) % 65535));

export async function windowsCheckin(original: FlowContext, o: ResolvedWindowsOptions, state: WindowsEnrolledState): Promise<WindowsCheckinOutcome> {
  // A scheduled sync is WinHTTP in system context, as the enrolment's sessions: the PC's proxy settings as they are now.
  const ctx = withWindowsProxy(original);
  const id = ctx.identity;
  const w = id.windows;
  if (!w) throw new ScenarioError(`${id.model} is not a Windows model`);
  const p = ctx.protocol;
  // The newest enrolment certificate (a renewal replaces the original one).
  const entry = state.certificates.find((c) => c.label === "mdm-renewed") ?? state.certificates.find((c) => c.label === "mdm");
  if (!entry) return { ok: false, code: "windows.checkin.not-enrolled", step: "dm.session", message: "no MDM enrolment certificate in the keychain" };
  // The key must still be where it was created (tpm-keys.ts): a replaced board or a cleared TPM has lost it, and the
  // session's client-certificate TLS handshake cannot sign. Nothing goes on the wire.
  const lost = lostKey(entry.keyStore, id);
  if (lost) {
    const out: WindowsCheckinOutcome = {
      ok: false,
      code: "windows.checkin.key-unusable",
      step: "dm.session",
      message: `${NTE_BAD_KEYSET.name} (${NTE_BAD_KEYSET.code}): "${NTE_BAD_KEYSET.text}" — ${lost}; the MDM session's TLS handshake cannot sign with the enrolled certificate, the PC does not check in until it enrolls again`,
      // Which screen shows a failed scheduled sync is not published (the code and its system text are).
      shown: { code: NTE_BAD_KEYSET.code, name: NTE_BAD_KEYSET.name, text: NTE_BAD_KEYSET.text, screen: "" },
    };
    // A failed session step with nothing on the wire (the trace and the timeline's step triggers see it).
    return step(
      p,
      "dm.session",
      async () => (decoded(p, "dm.session", { checkin: "scheduled", keyStore: entry.keyStore, failed: `${NTE_BAD_KEYSET.name} ${NTE_BAD_KEYSET.code}`, why: lost }), out),
      () => true,
    );
  }
  let facts = enrolledMemo.get(entry);
  let key: PrivateKey;
  if (facts && facts.pem === entry.pem && facts.keys === ctx.ports.keys && facts.index === id.index) key = await ctx.ports.keys.rsa(id.index);
  else {
    const der = fromPem(entry.pem)[0];
    if (!der) return { ok: false, code: "windows.checkin.not-enrolled", step: "dm.session", message: "the keychain entry holds no certificate" };
    const cert = parseCertificate(der, "enrolled MDM certificate");
    key = await ctx.ports.keys.rsa(id.index);
    if (!sameBytes(cert.spki, key.spki)) {
      return { ok: false, code: "windows.checkin.key-mismatch", step: "dm.session", message: "the enrolled certificate does not certify this device's key-pool key" };
    }
    const certPem = toPem(cert.der);
    facts = { pem: entry.pem, keys: ctx.ports.keys, index: id.index, notAfter: cert.notAfter.getTime(), canonical: certPem === entry.pem };
    enrolledMemo.set(entry, facts);
  }
  // The PC judges its own certificate on its own clock (state.clockOffset), as it judges the server's.
  if (facts.notAfter < deviceNow(p)) {
    return { ok: false, code: "windows.checkin.certificate-expired", step: "dm.session", message: `the MDM certificate expired ${new Date(facts.notAfter).toISOString()}` };
  }
  const addr = checkinAddr(ctx, o, state);
  const certPem = facts.canonical ? entry.pem : toPem(fromPem(entry.pem)[0]!);
  const http = ctx.ports.http.client({ tls: { ...(ctx.tls ?? {}), identity: { certPem, keyPem: p.crypto.privateKeyPem(key) } }, keepAlive: ctx.keepAlive ?? true });
  const tree = new CspTree(id);
  // The PC's own CSP answers (device state cspStatus) hold at every session, check-ins included.
  tree.answerWith(id.state?.cspStatus ?? []);
  installResetNodes(tree);
  // Someone at the PC started a local Autopilot Reset since its last session: the policies it holds and its WinRE
  // decide. A reset removes the settings (as the remote one, below) and the PC syncs right after it.
  let localReset: { done: boolean; shown?: string } | undefined;
  for (const a of ctx.localActions ?? []) {
    const check = localAutopilotReset(id, state.appliedSettings, a.admin);
    decoded(p, "autopilot-reset.local", { timeline: a.entry, promptShown: check.promptShown, ...(check.refusal ? { shown: check.refusal } : { reset: "keeps Entra join, MDM enrollment, Wi-Fi profiles, provisioning packages" }) });
    if (!check.refusal) ((state.appliedSettings = {}), (localReset = { done: true }));
    else localReset ??= { done: false, shown: check.refusal };
  }
  // The policies accepted at earlier sessions are still in force (PolicyManager store).
  restoreSettings(tree, state.appliedSettings);
  let unenrolled = false;
  let reset: AcceptedReset | undefined;
  const resetLog: string[] = [];
  // ClientCertificateInstall SCEP profiles the server assigned (Exec Install/Enroll): the PC answers 202 and enrolls
  // once the session has ended, on its own HTTP client (the run's faults, DNS and trust; the same scep.* steps as ESP's).
  let sessionEnded!: (run: boolean) => void;
  const scepJobs = new ScepCspJobs(tree, ctx, o.minuteMs, undefined, new Promise<boolean>((r) => (sessionEnded = r)));
  tree.hooks = {
    exec(uri) {
      const scep = scepJobs.exec(uri);
      if (scep !== undefined) return scep;
      if (/\/DMClient\/Provider\/[^/]+\/Unenroll$/.test(uri)) {
        unenrolled = true;
        return 200;
      }
      // RemoteWipe CSP: the PC acknowledges a reset it can start (200) and resets once the session ends;
      // its recovery environment decides (recovery.ts). Which RemoteWipe nodes a build has is the
      // capability table's (csp.ts refuses the others with 404).
      const answer = execRemoteReset(tree, id, uri);
      if (answer) {
        if (answer.reset) reset ??= answer.reset;
        if (answer.logged) resetLog.push(answer.logged);
        return answer.status;
      }
      return tree.unknownStatus;
    },
  };
  const loginStatus = o.kind === "byod" || (o.kind === "autopilot" && o.mode === "user-driven") ? "user" : "none";
  const alerts: Command[] = [{ verb: "Alert", data: "1224", items: [{ meta: { type: "com.microsoft/MDM/LoginStatus", format: "chr" }, data: loginStatus }] }];
  try {
    const r = await runDmSession(p, {
      http,
      addr,
      deviceId: w.deviceId,
      sessionId: sessionIdAt(p.clock.now()),
      alerts,
      devInfo: devInfoItems(id),
      processor: new CspProcessor(tree),
      pretty: o.xmlStyle === "pretty",
      strict: o.raw.strict ?? false,
    });
    decoded(p, "dm.session", {
      checkin: "scheduled",
      alert: "1201",
      messages: r.messages,
      serverCommands: r.serverCommands,
      ...(unenrolled ? { unenrolledBy: "server" } : {}),
      ...(reset ? { wipedBy: `RemoteWipe/${reset.node}` } : {}),
      ...(resetLog.length ? { resetNotStarted: resetLog } : {}),
    });
    // The SCEP enrollments the session started run now (a reset or an unenrollment ends them with the PC's state).
    sessionEnded(!reset && !unenrolled);
    const certs = await scepResults(p, scepJobs);
    // What the PC keeps for the next session: a reset removes the settings (Autopilot Reset reapplies the
    // original ones; the server sends its profiles again), otherwise what the tree holds now.
    state.appliedSettings = reset ? {} : keptSettings(tree);
    if (localReset && !localReset.done && !reset) return { ok: false, code: "windows.autopilot-reset.local-refused", step: "dm.session", message: localReset.shown! };
    if (reset?.kind === "autopilot-reset" || (localReset?.done && !reset)) {
      return {
        ok: true,
        code: "windows.checkin.autopilot-reset",
        message: `${reset ? `Exec RemoteWipe/${reset.node}: the PC acknowledged and resets` : "Autopilot Reset from the lock screen: the PC reset"}, keeping its Entra join, MDM enrollment, Wi-Fi profiles, provisioning packages and SCEP certificates; it syncs again before the next user reaches the desktop`,
      };
    }
    if (reset?.keepsEnrollment) {
      return { ok: true, code: "windows.checkin.wiped", message: `Exec RemoteWipe/${reset.node}: the PC acknowledged, resets and keeps its user accounts, data and MDM enrollment; it checks in again` };
    }
    if (reset) {
      return { ok: true, code: "windows.checkin.wiped", erased: true, message: `Exec RemoteWipe/${reset.node}: the PC acknowledged the wipe and resets to the out-of-box experience; its MDM enrollment is gone` };
    }
    // The PC removes the enrollment the server ended: it checks in no more (as after a wipe, without the reset).
    if (unenrolled) return { ok: true, code: "windows.checkin.unenrolled", unenrolled: true, message: "the server ended the enrolment (Exec DMClient/Provider/<id>/Unenroll)" };
    return { ok: true, code: "windows.checkin.synced", message: `${r.messages} message(s), ${r.serverCommands} server command(s)${certs}` };
  } catch (e) {
    sessionEnded(false);
    if (e instanceof TransportError && e.kind === "http-status" && (e.status === 401 || e.status === 403)) {
      return { ok: false, code: "windows.checkin.refused", step: "dm.session", message: `the DM server refused the enrolled certificate (HTTP ${e.status})` };
    }
    throw e;
  } finally {
    await http.close().catch(() => {});
  }
}
