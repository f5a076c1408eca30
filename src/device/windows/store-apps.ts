// SPDX-License-Identifier: MIT
/**
 * EnterpriseModernAppManagement Store installs (`./Device|User/Vendor/MSFT/EnterpriseModernAppManagement/
 * AppInstallation/<PackageFamilyName>/StoreInstall`): the server Execs StoreInstall with
 * `<Application id=… flags=… skuid=…/>`; the device answers 202 and, in the background, acquires the app's licence
 * from the Store service (`storeUrl`/licenses, over the device's mTLS client, i.e. as the enrolled device), then
 * installs it on the Clock. A refused licence (e.g. conditional access, AADSTS53000) is retried every
 * `retryMs` until the flow ends. `AppInstallation/<PFN>/Status` (enrollsim's values: 1 installing, 2 installed,
 * 3 failed) and `LastError`/`LastErrorDesc` are what ESP's ExpectedModernAppPackages tracking reads.
 */
import type { HttpClient } from "../../ports/http.js";
import { decoded, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import type { CspTree } from "./csp.js";

const STORE_RE = /^(\.\/(?:Device|User)\/Vendor\/MSFT\/EnterpriseModernAppManagement\/AppInstallation\/([^/]+))\/StoreInstall$/;

export class StoreAppJobs {
  readonly running: Promise<void>[] = [];
  private readonly stop = new AbortController();

  constructor(
    private readonly tree: CspTree,
    private readonly p: ProtocolContext,
    private readonly http: () => HttpClient,
    private readonly storeUrl: string | undefined,
    private readonly minuteMs: number,
    private readonly retryMs: number,
  ) {}

  exec(uri: string, data: string | undefined): number | undefined {
    const m = STORE_RE.exec(uri);
    if (!m) return undefined;
    const node = m[1]!;
    let pfn: string;
    try {
      pfn = decodeURIComponent(m[2]!);
    } catch {
      return 400;
    }
    const productId = /<Application\b[^>]*\bid="([^"]{1,64})"/.exec(data ?? "")?.[1];
    if (!productId) return 400;
    this.tree.nodes.set(`${node}/Status`, { value: "1" });
    if (!this.storeUrl) {
      this.fail(node, "0x80072EE7", "no Store service URL");
      return 202;
    }
    this.running.push(this.job(node, pfn, productId).catch(() => {}));
    return 202;
  }

  private fail(node: string, code: string, desc: string): void {
    this.tree.nodes.set(`${node}/LastError`, { value: code });
    this.tree.nodes.set(`${node}/LastErrorDesc`, { value: desc });
  }

  private async job(node: string, pfn: string, productId: string): Promise<void> {
    for (let attempt = 1; attempt <= 1000 && !this.stop.signal.aborted; attempt++) {
      // The device's current mTLS client (it changes when the certificate is renewed).
      const ctx = { ...this.p, http: this.http() };
      const res = await exchange(ctx, "store.license", {
        method: "POST",
        url: `${this.storeUrl}/licenses`,
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode(JSON.stringify({ packageFamilyName: pfn, productId })),
      }, { acceptStatus: [401, 403, 404] }).catch((e: unknown) => ({ status: 0, body: new TextEncoder().encode(e instanceof Error ? e.message : String(e)), headers: {}, url: "" }));
      let body: { error?: string; message?: string; installMinutes?: number; license?: string } = {};
      try {
        const v = JSON.parse(new TextDecoder().decode(res.body.subarray(0, 4096))) as Record<string, unknown>;
        const str = (x: unknown) => (typeof x === "string" ? x.slice(0, 400) : undefined);
        body = { error: str(v?.error), message: str(v?.message), installMinutes: typeof v?.installMinutes === "number" ? v.installMinutes : undefined, license: str(v?.license) };
      } catch {
        body = { message: new TextDecoder().decode(res.body.subarray(0, 200)) };
      }
      decoded(ctx, "store.license", { packageFamilyName: pfn, attempt, status: res.status, ...(body.error ? { error: body.error } : {}) });
      if (res.status === 200 && !body.license) {
        // A 200 without a licence is no licence: recorded, retried like a refusal.
        this.fail(node, "0x80073CF0", "malformed licence response (no license)");
        await this.p.clock.sleep(this.retryMs, this.stop.signal);
        continue;
      }
      if (res.status === 200) {
        const minutes = typeof body.installMinutes === "number" && body.installMinutes >= 0 ? body.installMinutes : 1;
        await this.p.clock.sleep(minutes * this.minuteMs, this.stop.signal);
        this.tree.nodes.set(`${node}/Status`, { value: "2" });
        this.tree.nodes.delete(`${node}/LastError`);
        this.tree.nodes.delete(`${node}/LastErrorDesc`);
        return;
      }
      if (res.status === 404) {
        this.tree.nodes.set(`${node}/Status`, { value: "3" });
        this.fail(node, "0x80073CF9", `the Store does not know ${pfn}`);
        return;
      }
      // Licence refused (conditional access) or service unreachable: the Store client retries later.
      this.fail(node, res.status === 403 ? "0x80070005" : "0x80072EE7", body.message ?? body.error ?? `HTTP ${res.status}`);
      await this.p.clock.sleep(this.retryMs, this.stop.signal);
    }
  }

  /** Ends the background jobs (the flow is over). */
  async cancel(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled(this.running);
  }
}
