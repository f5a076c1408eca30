// SPDX-License-Identifier: MIT
/**
 * ClientCertificateInstall SCEP (`./Device|User/Vendor/MSFT/ClientCertificateInstall/SCEP/<id>/…`,
 * learn.microsoft.com/windows/client-management/mdm/clientcertificateinstall-csp): the server sets the
 * `Install/` nodes (ServerURL, Challenge, EKUMapping, KeyLength, HashAlgorithm, SubjectName, RetryCount,
 * RetryDelay, …) and Execs `Install/Enroll`; the device answers 202, takes the values as they are at the
 * Exec, and runs SCEP against ServerURL in the background on its own HTTP client (its DNS, its trust, the
 * run's faults). When it is done it sets `<id>/Status` (1 finished, 2 pending, 16 failed) and
 * `<id>/ErrorCode`, and on success `<id>/CertThumbprint` and `<id>/RespondentServerUrl`
 * (MDM_ClientCertificateInstall_SCEP01_01). ESP's ExpectedSCEPCerts tracking reads them (esp.ts).
 *
 * - ServerURL may list several servers separated by ";": the device tries the next one when a server
 *   cannot be reached, and reports the last failure.
 * - RetryCount (default 3, at most 30) and RetryDelay (minutes, default 5) apply when the SCEP server
 *   answers PENDING: the device polls RetryCount times, RetryDelay apart, on the scenario clock.
 * - ErrorCode of a failure below SCEP is the HRESULT Windows records for it: a transport failure the
 *   WinHTTP error (0x80072EE7 ERROR_WINHTTP_NAME_NOT_RESOLVED, 0x80072EFD ERROR_WINHTTP_CANNOT_CONNECT,
 *   0x80072EE2 ERROR_WINHTTP_TIMEOUT, 0x80072F8F ERROR_WINHTTP_SECURE_FAILURE, …), an HTTP error the
 *   FACILITY_HTTP HRESULT (0x801901F7 HTTP_E_STATUS_SERVICE_UNAVAIL for an NDES application pool that is
 *   stopped; a Windows SCEP log reads "GetCACaps: Not Found … 0x80190194 HTTP_E_STATUS_NOT_FOUND").
 *   A CertRep FAILURE (the CA refused: NDES's CA answered e.g. 0x80094800
 *   CERTSRV_E_UNSUPPORTED_CERT_TYPE, which stays in the CA's log) reaches the device only as its failInfo;
 *   no published table says which HRESULT the device then records, so none is invented: ErrorCode stays
 *   unset and the failure carries the failInfo (X509SCEPFailInfo names) as an unknown raw value.
 */
import { ProtocolViolationError, SimError, TransportError } from "../../errors/index.js";
import { FAIL_INFO_TEXT } from "../../wire/scep/vocabulary.js";
import { enrollScep, type ScepEnrollmentOptions } from "../behaviors/scep-enrollment.js";
import type { FlowContext } from "../flow.js";
import type { CspTree } from "./csp.js";
import { windowsShownForError } from "./shown.js";

const ENROLL_RE = /^(\.\/(?:Device|User)\/Vendor\/MSFT\/ClientCertificateInstall\/SCEP\/[^/]+)\/Install\/Enroll$/;

/** The CSP's documented defaults and bounds for the pending poll. */
export const SCEP_RETRY_COUNT_DEFAULT = 3;
export const SCEP_RETRY_COUNT_MAX = 30;
export const SCEP_RETRY_DELAY_DEFAULT_MINUTES = 5;

/** X509SCEPFailInfo (certpol.h) names, as the Windows SCEP client calls the failInfo values. */
const X509_FAIL_INFO: Record<string, string> = {
  badAlg: "SCEPFailBadAlgorithm",
  badMessageCheck: "SCEPFailBadMessageCheck",
  badRequest: "SCEPFailBadRequest",
  badTime: "SCEPFailBadTime",
  badCertId: "SCEPFailBadCertId",
};

/** What one SCEP install job ended with (for ESP's Certificates row and the transcript). */
export interface ScepJobState {
  id: string;
  status: "pending" | "done" | "failed";
  /** The HRESULT in `<id>/ErrorCode`, when Windows records one. */
  errorCode?: string;
  /** Its symbolic name (ERROR_WINHTTP_*, HTTP_E_STATUS_*). */
  errorName?: string;
  /** What happened, in words (the failInfo, the server that failed). */
  text?: string;
  /** A code outside every table: the raw value (failInfo, pending). */
  unknownRaw?: string;
  server?: string;
}

export class ScepCspJobs {
  readonly running: Promise<void>[] = [];
  readonly issued: { node: string; subject: string }[] = [];
  /** Job state by the SCEP node (`./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/<id>`). */
  readonly jobs = new Map<string, ScepJobState>();

  /**
   * `startWhen`: the jobs wait for it before their first request; false abandons them. A scheduled sync passes the
   * end of its OMA-DM session, so the enrollment runs after the session that Exec'd it (checkin.ts).
   */
  constructor(
    private readonly tree: CspTree,
    private readonly ctx: FlowContext,
    private readonly minuteMs = 60_000,
    private readonly onChange?: () => void,
    private readonly startWhen?: Promise<boolean>,
  ) {}

  exec(uri: string): number | undefined {
    const m = ENROLL_RE.exec(uri);
    if (!m) return undefined;
    const node = m[1]!;
    // The device takes the values as they are when it accepts the Exec (CSP note on Install).
    const get = (k: string) => this.tree.nodes.get(`${node}/Install/${k}`)?.value;
    const urls = (get("ServerURL") ?? "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean);
    const subject = get("SubjectName");
    if (!urls.length || !subject) return 400;
    const count = Number(get("RetryCount") ?? SCEP_RETRY_COUNT_DEFAULT);
    const delay = Number(get("RetryDelay") ?? SCEP_RETRY_DELAY_DEFAULT_MINUTES);
    if (!Number.isInteger(count) || count < 0 || count > SCEP_RETRY_COUNT_MAX || !Number.isFinite(delay) || delay < 0) return 400;
    const id = decodeURIComponent(node.split("/").pop()!);
    this.tree.nodes.set(`${node}/Status`, { value: "2" });
    this.jobs.set(node, { id, status: "pending" });
    const params = {
      subject,
      challenge: get("Challenge"),
      extendedKeyUsage: get("EKUMapping")?.split("+").filter(Boolean),
      csrHash: /SHA-?1$/i.test(get("HashAlgorithm") ?? "") ? ("sha1" as const) : ("sha256" as const),
      poll: { maxAttempts: count, delayMs: delay * this.minuteMs, backoff: 1 },
      // Windows stops at a GetCACaps the server answers with an HTTP error (the log line quoted above).
      capsRequired: true,
    };
    const keyLength = get("KeyLength");
    const job = (async () => {
      if (this.startWhen && !(await this.startWhen)) return;
      // The key comes from the run's RSA-2048 key pool: another length is refused here rather than
      // silently enrolled with a 2048-bit key (a simulator limit, said as such; not a Windows answer).
      if (keyLength !== undefined && keyLength !== "2048") {
        this.finish(node, subject, { id, status: "failed", unknownRaw: `KeyLength ${keyLength}`, text: "enrollsim's key pool holds RSA-2048 keys only (simulator limit)" });
        return;
      }
      let last: ScepJobState | "aborted" = { id, status: "failed" };
      for (const url of urls) {
        last = await this.attempt(id, url, params);
        // Only an unreachable server sends the device on to the next URL; an answer (issued, refused, an HTTP error) is final.
        if (last === "aborted" || last.status === "done" || last.errorCode === undefined || /^0x8019/.test(last.errorCode)) break;
      }
      // A power cut or the end of the run: the job stops with the device and reports nothing.
      if (last !== "aborted") this.finish(node, subject, last);
    })().catch(() => undefined);
    this.running.push(job);
    return 202;
  }

  private async attempt(id: string, url: string, params: Omit<ScepEnrollmentOptions, "url">): Promise<ScepJobState | "aborted"> {
    // A ServerURL that is no http(s) URL (a server that sends anything): nothing to connect to.
    if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) return { id, status: "failed", server: url, unknownRaw: "ServerURL", text: `ServerURL ${JSON.stringify(url)} is not an http(s) URL` };
    try {
      const r = await enrollScep(this.ctx, { ...params, url });
      const o = r.outcome;
      if (o.status === "issued") {
        const thumb = Buffer.from(this.ctx.ports.crypto.digest("sha1", o.certificate.der)).toString("hex").toUpperCase();
        return { id, status: "done", server: url, text: thumb };
      }
      if (o.status === "failure") {
        const name = o.failInfo ?? o.failInfoRaw ?? "none";
        const x509 = o.failInfo ? X509_FAIL_INFO[o.failInfo] : undefined;
        const why = o.failInfo ? FAIL_INFO_TEXT[o.failInfo] : "no failInfo the device knows";
        return { id, status: "failed", server: url, unknownRaw: `failInfo ${name}`, text: `the SCEP server refused the request: CertRep FAILURE, failInfo ${name}${x509 ? ` (${x509})` : ""}: ${why}` };
      }
      return {
        id,
        status: "failed",
        server: url,
        unknownRaw: "pending",
        text: `the SCEP server still answered PENDING after ${o.polls} poll(s) (RetryCount ${params.poll?.maxAttempts}, RetryDelay ${(params.poll?.delayMs ?? 0) / this.minuteMs} min)`,
      };
    } catch (err) {
      if (err instanceof TransportError && err.kind === "aborted") return "aborted";
      if (err instanceof TransportError) {
        const shown = windowsShownForError({ error: err, step: "esp.scep" });
        if (shown?.code) return { id, status: "failed", server: url, errorCode: shown.code, ...(shown.name ? { errorName: shown.name } : {}), text: `${url}: ${err.message}` };
        return { id, status: "failed", server: url, unknownRaw: err.detail ?? err.kind, text: `${url}: ${err.message}` };
      }
      if (err instanceof ProtocolViolationError) return { id, status: "failed", server: url, unknownRaw: err.code, text: `${url}: the SCEP answer could not be used: ${err.message}` };
      // A power cut (timeline reboot) stops the job with the device (adopt() starts it again after the boot).
      if (err instanceof SimError && err.code === "device.rebooted") return "aborted";
      if (err instanceof SimError) return { id, status: "failed", server: url, unknownRaw: err.code, text: `${url}: ${err.message}` };
      throw err;
    }
  }

  private finish(node: string, subject: string, s: ScepJobState): void {
    const ok = s.status === "done";
    this.tree.nodes.set(`${node}/Status`, { value: ok ? "1" : "16" });
    if (ok) {
      this.tree.nodes.set(`${node}/ErrorCode`, { value: "0" });
      this.tree.nodes.set(`${node}/CertThumbprint`, { value: s.text! });
      this.tree.nodes.set(`${node}/RespondentServerUrl`, { value: s.server! });
      this.issued.push({ node, subject });
      this.jobs.set(node, { id: s.id, status: "done", server: s.server });
    } else {
      if (s.errorCode) this.tree.nodes.set(`${node}/ErrorCode`, { value: String(Number.parseInt(s.errorCode, 16) | 0) });
      this.jobs.set(node, s);
    }
    this.onChange?.();
  }

  /**
   * After the PC restarted (timeline `reboot`; `prev` is the job table before it): finished jobs keep
   * their result; an enrollment the restart cut short starts again from the Install values in the kept
   * registry (modelled like the MSI jobs: not a published figure).
   */
  adopt(prev: ScepCspJobs): void {
    for (const [node, job] of prev.jobs) {
      if (job.status === "pending") this.exec(`${node}/Install/Enroll`);
      else this.jobs.set(node, job);
    }
    this.issued.push(...prev.issued);
  }

  /** `<code> <name>: <text>` of a failed job, for the ESP's Certificates row. */
  static describe(s: ScepJobState): string {
    const code = s.errorCode ? `${s.errorCode}${s.errorName ? ` ${s.errorName}` : ""}` : `unknown code (${s.unknownRaw ?? "none"})`;
    return `${code}: ${s.text ?? "failed"}`;
  }
}
