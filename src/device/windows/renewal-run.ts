// SPDX-License-Identifier: MIT
/**
 * WSTEP renewal (ROBO) during an enrollment: RequestType Renew with a PKCS#7 signed by the current
 * identity, over client TLS, on demand (options.windows.renew) or when the provisioning document's
 * RenewPeriod/RetryInterval schedule (renewal.ts) says so, checked before each poll. A renewed
 * certificate replaces the session client's identity.
 */
import { TransportError } from "../../errors/index.js";
import { deviceNow } from "../../protocol/common/context.js";
import { hresultHex } from "../../wire/windows/menroll.js";
import { windowsShownForError } from "./shown.js";
import { renewSecurityToken } from "../../protocol/windows/enroll.js";
import type { SoapFault } from "../../wire/windows/soap.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import type { Management } from "./management.js";
import type { Provisioned } from "./provisioning.js";
import { RenewalSchedule } from "./renewal.js";
import type { EnrollRun } from "./run.js";

export class EnrollmentRenewal {
  private current: Certificate;
  private renewal?: RenewalSchedule;

  constructor(
    private readonly run: EnrollRun,
    private readonly prov: Provisioned,
    private readonly mgmt: Management,
  ) {
    this.current = prov.apply.cert;
  }

  /** Renews now; a SOAP fault is returned, a transport failure thrown. */
  async renewNow(): Promise<SoapFault | undefined> {
    const { p, report } = this.run;
    const { key, apply, keychain, request } = this.prov;
    const mtls = this.mgmt.clientFor(this.current, true);
    const r = await renewSecurityToken(p, { ...request, http: mtls, cert: this.current }).finally(() => mtls.close().catch(() => {}));
    if (r.status === "fault") return r.fault;
    // The renewal signs with the same key, kept where it was created.
    const keyStore = keychain.identities.find((i) => i.label === "mdm")?.keyStore;
    keychain.identities = [...keychain.identities.filter((i) => i.label !== "mdm-renewed"), { label: "mdm-renewed", certificate: r.cert, key, chain: apply.roots, ...(keyStore ? { keyStore } : {}) }];
    this.current = r.cert;
    report.renewed = true;
    await this.mgmt.http.close().catch(() => {});
    this.mgmt.http = this.mgmt.clientFor(r.cert, !this.mgmt.useMd5);
    return undefined;
  }

  /** Starts the schedule from the provisioning document's Renew characteristic for the certificate in use. */
  schedule(): void {
    // RenewPeriod counts back from the certificate's notAfter: the PC compares them with its own clock.
    const p = this.run.p;
    this.renewal = new RenewalSchedule({ now: () => deviceNow(p) }, this.prov.doc.renew);
    this.renewal.certificate(this.current.notAfter);
  }

  /** Before each poll: renew when the schedule says so and record the attempt. */
  async renewIfDue(): Promise<void> {
    const renewal = this.renewal;
    if (!renewal?.due()) return;
    let why: string | undefined;
    let failed: { hresult: number; name?: string } | undefined;
    try {
      const f = await this.renewNow();
      if (f) {
        why = `${f.name} (${f.hresultHex})${f.reason ? ` — server says: ${f.reason}` : ""}`;
        failed = { hresult: f.hresult, name: f.name };
      }
    } catch (e) {
      // An unreachable enrollment service is a failed attempt too: retried after RetryInterval.
      if (!(e instanceof TransportError)) throw e;
      why = e.message;
      const shown = windowsShownForError({ error: e, step: "enroll.renew" });
      failed = { hresult: shown?.code ? Number(shown.code) >>> 0 : 0x80180008, ...(shown?.name ? { name: shown.name } : {}) };
    }
    renewal.record(!why, why);
    if (!why) renewal.certificate(this.current.notAfter);
    this.run.report.renewals = renewal.attempts;
    if (failed) this.recordFailure(failed, why!);
  }

  /**
   * A failed scheduled renewal as Windows keeps it: the enrollment's registry values (RenewStatus 3,
   * RenewErrorCode as a signed DWORD, EnrollmentState 3; fleetdm/fleet#50611) and the background
   * outcome `windows.renew.failed` the run counts. The device keeps its certificate and carries on.
   */
  private recordFailure(f: { hresult: number; name?: string }, why: string): void {
    const report = this.run.report;
    const code = hresultHex(f.hresult);
    report.registry = { RenewStatus: 3, RenewErrorCode: f.hresult | 0, EnrollmentState: 3 };
    const values = `RenewStatus=3, RenewErrorCode=${code} (${f.hresult | 0}), EnrollmentState=3`;
    (report.background ??= []).push({
      task: "enroll.renew",
      ok: false,
      code: "windows.renew.failed",
      at: this.run.p.clock.now(),
      message: `[device ${this.run.p.device}, step enroll.renew] scheduled certificate renewal failed: ${why}; ${values}`,
      shown: {
        code,
        ...(f.name ? { name: f.name } : {}),
        text: `Certificate renewal failed: ${values}`,
        screen: "Registry HKLM\\SOFTWARE\\Microsoft\\Enrollments\\<enrollment GUID> and the DeviceManagement-Enterprise-Diagnostics-Provider log, no UI",
      },
    });
  }
}
