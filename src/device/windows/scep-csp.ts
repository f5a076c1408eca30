// SPDX-License-Identifier: MIT
/**
 * ClientCertificateInstall SCEP (`./Device|User/Vendor/MSFT/ClientCertificateInstall/SCEP/<id>/Install/…`):
 * the server sets ServerURL, Challenge, SubjectName (…) and Execs `Install/Enroll`; the device answers
 * 202 and runs the foundation SCEP behaviour in the background, then sets `<id>/Status`
 * (1 finished, 2 pending, 16 failed) and `<id>/ErrorCode`, which ESP's ExpectedSCEPCerts tracking reads.
 */
import { enrollScep } from "../behaviors/scep-enrollment.js";
import type { FlowContext } from "../flow.js";
import type { CspTree } from "./csp.js";

const ENROLL_RE = /^(\.\/(?:Device|User)\/Vendor\/MSFT\/ClientCertificateInstall\/SCEP\/[^/]+)\/Install\/Enroll$/;

export class ScepCspJobs {
  readonly running: Promise<void>[] = [];
  readonly issued: { node: string; subject: string }[] = [];

  constructor(
    private readonly tree: CspTree,
    private readonly ctx: FlowContext,
    private readonly onChange?: () => void,
  ) {}

  exec(uri: string): number | undefined {
    const m = ENROLL_RE.exec(uri);
    if (!m) return undefined;
    const node = m[1]!;
    const get = (k: string) => this.tree.nodes.get(`${node}/Install/${k}`)?.value;
    const url = get("ServerURL")?.split(";")[0];
    const subject = get("SubjectName");
    if (!url || !subject) return 400;
    this.tree.nodes.set(`${node}/Status`, { value: "2" });
    const job = (async () => {
      try {
        const r = await enrollScep(this.ctx, {
          url,
          subject,
          challenge: get("Challenge"),
          extendedKeyUsage: get("EKUMapping")?.split("+").filter(Boolean),
          csrHash: /SHA-?1$/i.test(get("HashAlgorithm") ?? "") ? "sha1" : "sha256",
        });
        const ok = r.outcome.status === "issued";
        this.tree.nodes.set(`${node}/Status`, { value: ok ? "1" : "16" });
        this.tree.nodes.set(`${node}/ErrorCode`, { value: ok ? "0" : "0x80094004" });
        if (ok) this.issued.push({ node, subject });
      } catch {
        this.tree.nodes.set(`${node}/Status`, { value: "16" });
        this.tree.nodes.set(`${node}/ErrorCode`, { value: "0x80072EE2" });
      }
      this.onChange?.();
    })();
    this.running.push(job);
    return 202;
  }
}
