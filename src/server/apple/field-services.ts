// SPDX-License-Identifier: MIT
/**
 * Wires the Apple half's field-failure services into server.ts through a few hooks: the APNs
 * provider certificate and scripted pushes (apns-provider.ts), the volume-purchase licence pool
 * (vpp.ts), app installs and their verification with the App Store stand-in (app-installs.ts), the
 * Company Portal install with its app configuration, and directory registration / partner compliance
 * (partner.ts). Every service is off unless its `embedded.apple` key is set (the App Store stand-in
 * always answers).
 */
import { ioLedger } from "../../ports/io-ledger.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import type { PlistDict } from "../../wire/apple/plist.js";
import type { HalfContext } from "../half.js";
import { APNS_CERT_NOT_VALID, ApnsProviderCertificate, type ApnsCertificateConfig, type PushOnEnrollConfig } from "./apns-provider.js";
import { Directory, type PartnerComplianceConfig } from "./partner.js";
import { COMPANY_PORTAL_ADAM_ID, VppPool, type VppConfig } from "./vpp.js";
import { AppInstallTracker } from "./app-installs.js";

/** The `embedded.apple` keys these services read (AppleServerConfig extends it). */
export interface FieldServicesKeys {
  apnsCertificate?: ApnsCertificateConfig;
  pushOnEnroll?: PushOnEnrollConfig;
  vpp?: VppConfig;
  /** The server installs the Company Portal at enrollment; `appConfig` is a separate app-config policy for it. */
  companyPortal?: { appConfig?: Record<string, string | number | boolean> };
  partnerCompliance?: PartnerComplianceConfig;
}

export interface FieldServicesConfig extends FieldServicesKeys {
  topic: string;
}

/** What the services need of a server device record (structural: server.ts's DeviceRecord). */
export interface ServiceDevice {
  udid: string;
  serialNumber?: string;
  product?: string;
  accountUser?: string;
  topic?: string;
  certFingerprint: string;
}

export interface ServiceDeps<D extends ServiceDevice> {
  enqueue(d: D, requestType: string, payload: PlistDict): string;
  push(targets: D[], o: { collapseId?: string; expiration?: number }): Promise<unknown>;
  devices(): D[];
  fingerprint(der: Uint8Array): string;
  /** The server's topic changed (certificate renewed under another Apple ID). */
  setTopic(topic: string): void;
}

const jsonRes = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(v))), url: "" });

export class AppleFieldServices<D extends ServiceDevice> {
  readonly provider?: ApnsProviderCertificate;
  readonly vpp?: VppPool;
  /** Apps sent to each device and what the device reported (app-installs.ts). */
  readonly installs: AppInstallTracker;
  /** App commands in flight: command UUID → the app an InstallApplication installs, or the identifiers a ManagedApplicationList asks. */
  private readonly appCommands = new Map<string, { install: string } | { asked: string[] }>();
  readonly directory: Directory;
  /** ADE devices the server will not release: a required app could not be licensed. */
  readonly blocked = new Map<string, string>();
  /** Licence assignments the Apps and Books location refused (Apple's error numbers), oldest first. */
  readonly licenceRefusals: { udid: string; adamId: number; code: string; message: string }[] = [];
  enrolled = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly ends = new Map<ReturnType<typeof setTimeout>, () => void>();

  constructor(
    private readonly ctx: HalfContext,
    private readonly cfg: FieldServicesConfig,
    private readonly deps: ServiceDeps<D>,
  ) {
    if (cfg.apnsCertificate) this.provider = new ApnsProviderCertificate(ctx, cfg.apnsCertificate, cfg.topic);
    if (cfg.vpp) this.vpp = new VppPool(cfg.vpp, ctx.now);
    this.installs = new AppInstallTracker(() => this.vpp);
    this.directory = new Directory(cfg.partnerCompliance, ctx.policy ? (udid, user) => (ctx.policy.assignUser(udid, user), ctx.policy.compliance(udid)) : undefined);
  }

  async warm(): Promise<void> {
    await this.provider?.warm();
  }

  /** 403 for every enrollment entry point while the push certificate is not valid (server clock). */
  enrollmentRefusal(): HttpResponse | undefined {
    if (!this.provider || this.provider.valid()) return undefined;
    const c = this.provider.current!;
    return jsonRes(403, { ...APNS_CERT_NOT_VALID, detail: `the MDM push certificate expired ${new Date(c.notAfter).toISOString()}` });
  }

  /** Topic and certificate a push to this device goes out with. */
  pushIdentity(d: D, fallbackTopic: string): { topic: string; certificate?: Uint8Array } {
    const c = this.provider?.current;
    return c ? { topic: c.topic, certificate: c.der } : { topic: d.topic ?? fallbackTopic };
  }

  /**
   * Runs `fn` after `ms` of real time (the server has no virtual clock). The wait and the work are
   * recorded in the I/O ledger, so a device on virtual time sees the push before its poll timer.
   */
  private later(ms: number, fn: () => Promise<unknown>): void {
    const end = ioLedger.begin(`server push in ${ms} ms`);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.ends.delete(t);
      fn()
        .catch(() => undefined)
        .finally(end);
    }, ms);
    this.timers.add(t);
    this.ends.set(t, end);
  }

  /** A device's first TokenUpdate: app installs (licences), scripted pushes, certificate renewal. */
  onFirstTokenUpdate(d: D, awaitingConfiguration: boolean): void {
    const userEnrollment = !!d.accountUser && !d.serialNumber;
    // The user accepts the volume-purchase invitation on a device that can (not a User Enrollment).
    if (this.vpp && d.accountUser && !userEnrollment) this.vpp.associate(d.accountUser);
    const cp = this.cfg.companyPortal;
    const config: PlistDict = cp?.appConfig ? { Configuration: { ...cp.appConfig } } : {};
    const install = (payload: PlistDict): void => {
      const uuid = this.deps.enqueue(d, "InstallApplication", payload);
      const id = this.installs.sent(d.udid, payload);
      if (id) this.appCommands.set(uuid, { install: id });
    };
    for (const app of this.vpp?.config.apps ?? []) {
      // Assign the licence first (Intune installs a volume-purchase app only once it is licensed).
      const refusal = this.vpp!.assign(app.adamId, { serial: d.serialNumber, user: d.accountUser });
      if (refusal) {
        if (this.licenceRefusals.length < 10_000) this.licenceRefusals.push({ udid: d.udid, adamId: app.adamId, code: refusal.code, message: refusal.message });
        if (awaitingConfiguration && app.requiredDuringAde) this.blocked.set(d.udid, `${app.name ?? app.adamId}: ${refusal.message}`);
        continue;
      }
      install({ iTunesStoreID: app.adamId, ManagementFlags: 1, Options: { PurchaseMethod: 1 }, ...(app.manageIfUserInstalled ? { ChangeManagementState: "Managed" } : {}), ...(app.adamId === COMPANY_PORTAL_ADAM_ID ? config : {}) });
    }
    // Without a licence in the location, the Company Portal comes from the App Store (the user's Apple Account).
    if (cp && !this.vpp?.app(COMPANY_PORTAL_ADAM_ID)) install({ iTunesStoreID: COMPANY_PORTAL_ADAM_ID, ManagementFlags: 1, ...config });
    const p = this.cfg.pushOnEnroll;
    if (p) {
      this.later((p.delaySeconds ?? 0.05) * 1000, () => Promise.all(Array.from({ length: p.count ?? 1 }, () => this.deps.push([d], { collapseId: p.collapseId, expiration: p.expiration }))));
    }
    this.enrolled++;
  }

  /**
   * The admin renewed the push certificate under `appleId` (a timeline `set` of
   * embedded.apple.apnsCertificate): the same Apple ID within the grace keeps the topic, another one
   * gets another topic (apns-provider.ts renew). New profiles carry the new topic; the server then
   * syncs every enrolled device (a push each) with the new certificate. Undefined without a modelled
   * push certificate.
   */
  renewPushCertificate(appleId: string): { topic: string; appleId: string } | undefined {
    if (!this.provider?.current) return undefined;
    const renewed = this.provider.renew(appleId);
    this.deps.setTopic(renewed.topic);
    this.later(50, () => this.deps.push(this.deps.devices(), {}));
    return renewed;
  }

  /** A session's Idle: ask ManagedApplicationList about the apps still on their way. */
  onIdle(d: D): void {
    const ids = this.installs.pending(d.udid);
    if (ids.length) this.appCommands.set(this.deps.enqueue(d, "ManagedApplicationList", { Identifiers: ids }), { asked: ids });
  }

  /** A command result: an InstallApplication's answer, or a ManagedApplicationList reply with the apps' statuses. */
  afterResult(d: D, commandUUID: string, status: string, dict: PlistDict): void {
    const c = this.appCommands.get(commandUUID);
    if (!c) return;
    if (status !== "NotNow") this.appCommands.delete(commandUUID);
    if ("install" in c) this.installs.answered(d.udid, c.install, status);
    else if (status === "Acknowledged") this.installs.result(d.udid, dict, c.asked);
  }

  /** ADE: may the server release the device (DeviceConfigured)? */
  releaseAllowed(d: D): boolean {
    return !this.blocked.has(d.udid);
  }

  /** /apple/directory/…: the device is found by the identity certificate it presents. */
  route(req: HttpRequest, path: string, identity: () => Certificate | HttpResponse): HttpResponse {
    if (path.startsWith("/apple/appstore/")) return this.installs.store(req, path, (serial) => this.deps.devices().find((x) => x.serialNumber === serial)?.accountUser);
    if (req.method === "GET" && path.startsWith("/apple/directory/devices")) return this.directory.handle(req, path, jsonRes(401, {}));
    const cert = identity();
    let dev: D | HttpResponse = cert as HttpResponse;
    if ("der" in cert) {
      const fp = this.deps.fingerprint(cert.der);
      dev = this.deps.devices().find((x) => x.certFingerprint === fp) ?? jsonRes(401, { code: "UnknownDevice", message: "no enrolled device has this identity" });
    }
    return this.directory.handle(req, path, dev);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const end of this.ends.values()) end();
    this.ends.clear();
  }

  stats(): Record<string, unknown> {
    return {
      ...(this.provider?.current ? { apnsCertificate: { topic: this.provider.current.topic, notAfter: new Date(this.provider.current.notAfter).toISOString(), valid: this.provider.valid(), renewals: this.provider.renewals } } : {}),
      ...(this.vpp ? { vpp: { refusals: { ...this.vpp.refusals }, used: Object.fromEntries(this.vpp.config.apps.map((a) => [a.adamId, this.vpp!.used(a.adamId)])) } } : {}),
      apps: { reported: { ...this.installs.reported } },
      blockedAde: this.blocked.size,
      directory: { registered: this.directory.records.size, refusals: { ...this.directory.refusals } },
    };
  }
}
