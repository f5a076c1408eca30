// SPDX-License-Identifier: MIT
/**
 * The embedded reference server: the foundation's SCEP CA at /scep (also /cgi-bin/pkiclient.exe,
 * the NDES path) plus the platform halves (server/halves.ts), on two loopback listeners: plain
 * HTTP and HTTPS with a certificate from the reference CA (client certificates requested, for
 * MDM mTLS). Binds 127.0.0.1 unless told otherwise.
 */
import { NodeCrypto } from "../platform/node/crypto.js";
import type { CryptoPort, PrivateKey } from "../ports/crypto.js";
import type { HttpHandler, HttpResponse } from "../ports/http.js";
import { toPem } from "../wire/x509/certificate.js";
import { baseFor, type ServerHalf, type ServerUrls } from "./half.js";
import { HALVES } from "./halves.js";
import { FleetServer } from "./vendors/fleet.js";
import { certificateRecord, type ServerRecords } from "./records.js";
import { PolicyEngine } from "./policy/engine.js";
import { resolveTenant, WorkspaceOneUem } from "./workspace-one/uem.js";
import type { PolicyConfigHolder } from "./policy/holder.js";
import type { PolicyConfig } from "./policy/types.js";
import { bindHandler, type BoundServer } from "./http.js";
import { createCaIdentity, issueServerCertificate } from "./scep/ca.js";
import { defaultScepConfig, type ScepServerConfig } from "./scep/config.js";
import { ScepCaServer } from "./scep/handler.js";
import { AIA_PATH_PREFIX, generateServedChain, signedDurationMs, type ChainSpec, type ServerTlsSpec } from "./tls-chain.js";
import { NamedRoots } from "./named-roots.js";
import type { RootDefinition } from "../wire/x509/named-root.js";

export interface ReferenceServerOptions {
  host?: string;
  /** HTTP port (0 = a free one). */
  port?: number;
  /** HTTPS port (0 = a free one). */
  httpsPort?: number;
  scep?: Partial<ScepServerConfig>;
  /** `embedded.apple|windows|android` configuration for the platform halves. */
  platforms?: { apple?: unknown; windows?: unknown; android?: unknown };
  /**
   * The halves' configuration as a function of the listeners' URLs, for data that names the server
   * itself (`%SERVER%` templates): the halves are mounted again with it once the server listens.
   */
  platformsFor?: (urls: ServerUrls) => ReferenceServerOptions["platforms"];
  /**
   * `embedded.policy`: the tenant's admin rules for every half. Pass a holder to change them while
   * the server runs (holder.set / replace apply to the next request).
   */
  policy?: PolicyConfig | PolicyConfigHolder;
  /** CA (and RA) keys; generated when absent (~250 ms each, off the event loop). */
  keys?: { ca?: PrivateKey; ra?: PrivateKey };
  crypto?: CryptoPort;
  /** Server clock (tests pass their virtual clock's `now`). Default Date.now. */
  now?: () => number;
  /**
   * How far the server's clock is from `now` (ms; `embedded.clockOffset`): everything the server dates
   * or judges reads `now() + offset`. Changed while the server runs with {@link ReferenceServer.clockOffsetMs}.
   */
  clockOffsetMs?: number;
  /** `embedded.tls`: the HTTPS listener's certificate chain, and endpoints served on listeners of their own (server/tls-chain.ts). */
  tls?: ServerTlsSpec;
  /** The public roots `embedded.tls` chains may be issued from (devices/trust-stores/roots.yaml), by name. */
  publicRoots?: readonly RootDefinition[];
  /**
   * Also bind the renegotiating listener (a client certificate asked mid-connection), where the
   * `tls: client-cert-mid-connection` fault sends a device's request: set when the scenario's faults use it
   * ({@link usesMidConnection}). Default false: the server binds its HTTP and HTTPS ports (and its endpoints'), no more.
   */
  midConnection?: boolean;
}

/** Whether any of a scenario's faults sends requests to the renegotiating listener (ReferenceServerOptions.midConnection). */
export function usesMidConnection(faults: readonly { tls?: string }[] | undefined): boolean {
  return faults?.some((f) => f.tls === "client-cert-mid-connection") ?? false;
}

export const SCEP_PATHS = ["/scep", "/scep/", "/cgi-bin/pkiclient.exe"];

const notFound = (path: string): HttpResponse => ({
  status: 404,
  headers: { "content-type": "text/plain" },
  body: new Uint8Array(Buffer.from(`no route for ${path}\n`)),
  url: path,
});

export class ReferenceServer {
  private http?: BoundServer;
  private https?: BoundServer;
  /** The HTTPS listener's identity, kept so a restart serves the same certificate. */
  private tls?: { certPem: string; keyPem: string; caPem: string[]; weak?: boolean };
  /** Listeners of `embedded.tls.endpoints`, each with its own chain (kept across restarts, like `tls`). */
  private endpointListeners: { path: string; tls: { certPem: string; keyPem: string; caPem: string[]; weak?: boolean }; bound?: BoundServer }[] = [];
  /**
   * The listener that asks for a client certificate mid-connection (TLS 1.2 renegotiation after the request), with
   * the HTTPS listener's chain: where the `tls: client-cert-mid-connection` fault sends a device's request.
   */
  private midConnection?: BoundServer;
  /** Answers given before routing (endpoints taken down by the timeline); undefined lets the request through. */
  intercept?: (req: Parameters<HttpHandler>[0], path: string) => HttpResponse | undefined;
  private roots?: NamedRoots;
  /** The intermediates the served leaves' AIA caIssuers URLs name, by path (tls-chain.ts), and every intermediate of the served chains. */
  private readonly aia = new Map<string, Uint8Array>();
  private readonly intermediates: Uint8Array[] = [];
  /** Fleet's osquery enroll endpoint (embedded.policy.vendors.fleet), with the hosts it enrolled. */
  private get fleet(): FleetServer {
    return (this.fleetServer ??= new FleetServer(this.crypto));
  }
  private fleetServer?: FleetServer;

  private constructor(
    /** The SCEP CA (replaced, same CA identity, when the server loses its state). */
    public scep: ScepCaServer,
    readonly halves: ServerHalf[],
    readonly policy: PolicyEngine,
    private options: ReferenceServerOptions,
    private readonly crypto: CryptoPort,
  ) {}

  /** Creates the server without binding a socket (use {@link handler} for in-memory tests). */
  static async create(given: ReferenceServerOptions = {}): Promise<ReferenceServer> {
    // The server's clock: the given one plus its own offset, which a timeline `set` may change later.
    const offset = { ms: given.clockOffsetMs ?? 0 };
    const base = given.now ?? Date.now;
    const options: ReferenceServerOptions = { ...given, now: () => base() + offset.ms };
    const crypto = options.crypto ?? new NodeCrypto();
    const config = { ...defaultScepConfig(), ...options.scep };
    const caKey = options.keys?.ca ?? (await crypto.generateKey("rsa2048"));
    const raKey = config.ra ? (options.keys?.ra ?? (await crypto.generateKey("rsa2048"))) : undefined;
    const now = options.now ?? Date.now;
    // embedded.scep.chain: intermediates under the root, the last one issuing (keys made once per server, natively).
    const intermediateKeys = config.chain ? await Promise.all(Array.from({ length: config.chain.intermediates }, () => crypto.generateKey("rsa2048"))) : [];
    const chain = config.chain ? { intermediateKeys, rootInSet: config.chain.root ?? true, issuingAlone: config.chain.answer === "issuing-ca", ...(config.chain.keyUsage ? { issuingKeyUsage: config.chain.keyUsage } : {}) } : {};
    const id = createCaIdentity({ caKey, raKey, ...chain, ...(typeof config.ra === "object" && config.ra.keyUsage ? { raKeyUsage: config.ra.keyUsage } : {}) }, crypto, now());
    const rogue =
      config.fault === "unknown-signer" || config.fault === "cert-for-other-key"
        ? createCaIdentity({ caKey: await crypto.generateKey("rsa2048") }, crypto, now(), "rogue CA nobody trusts")
        : undefined;
    const scep = new ScepCaServer(id, config, crypto, now, rogue);
    const server = new ReferenceServer(scep, [], new PolicyEngine(options.policy ?? {}, now), options, crypto);
    server.rogue = rogue;
    server.offset = offset;
    await server.mountHalves(options.platforms ?? {});
    return server;
  }

  private rogue?: ReturnType<typeof createCaIdentity>;
  private offset = { ms: 0 };

  /** How far the server's clock is off (ms, `embedded.clockOffset`); setting it moves the server's clock from the next request on. */
  get clockOffsetMs(): number {
    return this.offset.ms;
  }
  set clockOffsetMs(ms: number) {
    this.offset.ms = ms;
  }

  private async mountHalves(platforms: NonNullable<ReferenceServerOptions["platforms"]>): Promise<void> {
    const now = this.options.now ?? Date.now;
    // One Workspace ONE tenant for every half (embedded.policy.workspaceOne): the Android and the iOS Hub enroll against it.
    const workspaceOne = new WorkspaceOneUem(() => resolveTenant(this.policy.config.workspaceOne), this.policy, now);
    for (const [name, factory] of Object.entries(HALVES)) {
      if (!factory) continue;
      this.halves.push(await factory({ crypto: this.crypto, now, scep: this.scep, policy: this.policy, workspaceOne, namedRoot: async (n) => (await this.namedRoots().get(n)).cert, urls: () => this.urls, config: platforms[name as keyof typeof HALVES] }));
    }
  }

  /**
   * Restarts: both listeners close (connections refused), and after `downForMs` (on `sleep`) listen
   * again on the same ports with the same certificate. `loseState` also drops everything the server
   * held (device records, issued-certificate records, queues); the CA identity stays, as a server's
   * CA key outlives its database. `platforms` is the halves' configuration to start them with.
   */
  async restart(o: { downForMs: number; loseState: boolean; sleep: (ms: number) => Promise<void>; platforms?: ReferenceServerOptions["platforms"] }): Promise<void> {
    const ports = { http: this.http?.port, https: this.https?.port, endpoints: this.endpointListeners.map((e) => e.bound?.port), midConnection: this.midConnection?.port };
    await Promise.all([this.http?.close(), this.https?.close(), this.midConnection?.close(), ...this.endpointListeners.map((e) => e.bound?.close())]);
    this.midConnection = undefined;
    this.http = undefined;
    this.https = undefined;
    if (o.loseState) {
      await Promise.all(this.halves.map((h) => h.close?.()));
      this.halves.length = 0;
      this.policy.forgetRecords();
      this.scep = new ScepCaServer(this.scep.id, this.scep.config, this.crypto, this.options.now ?? Date.now, this.rogue);
      await this.mountHalves(o.platforms ?? this.options.platforms ?? {});
    }
    if (o.downForMs > 0) await o.sleep(o.downForMs);
    await this.listen(ports);
  }

  /** Creates and binds both listeners. */
  static async start(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
    const s = await ReferenceServer.create(options);
    await s.listen();
    if (options.platformsFor) {
      const platforms = options.platformsFor(s.urls);
      await Promise.all(s.halves.map((h) => h.close?.()));
      s.halves.length = 0;
      await s.mountHalves(platforms ?? {});
      s.options = { ...s.options, platforms }; // a timeline restart that loses state mounts these again
    }
    return s;
  }

  readonly handler: HttpHandler = async (req) => {
    const path = new URL(req.url, "http://localhost").pathname;
    const intercepted = this.intercept?.(req, path);
    if (intercepted) return intercepted;
    if (SCEP_PATHS.includes(path)) return this.scep.handle(req);
    if (path.startsWith(AIA_PATH_PREFIX)) return this.aiaAnswer(req.method, path);
    if (path === "/policy/api/records" && req.method === "GET") {
      // Read-only: what the tenant rules decided (enrollments, joins, terms, refusals).
      return { status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(this.policy.records()))), url: path };
    }
    // A vendor agent's own server on the same listeners (embedded.policy.vendors): absent, its paths are not served.
    const fleet = this.policy.config.vendors?.fleet;
    if (fleet && FleetServer.serves(path)) return this.fleet.enroll(req, fleet);
    const half = this.halves.find((h) => h.prefixes.some((p) => path.startsWith(p)));
    if (half) return half.handler(req);
    return notFound(path);
  };

  /**
   * An intermediate a leaf's AIA caIssuers URL names: the DER certificate as application/pkix-cert
   * (RFC 5280 §4.2.2.1, RFC 2585 §4.1); 404 for any other path under the prefix, 405 for a method other than GET/HEAD.
   */
  private aiaAnswer(method: string, path: string): HttpResponse {
    const der = this.aia.get(path);
    if (method !== "GET" && method !== "HEAD") return { status: 405, headers: { allow: "GET, HEAD", "content-type": "text/plain" }, body: new Uint8Array(Buffer.from("method not allowed\n")), url: path };
    if (!der) return notFound(path);
    return { status: 200, headers: { "content-type": "application/pkix-cert" }, body: method === "HEAD" ? new Uint8Array() : der, url: path };
  }

  /**
   * PEMs of every intermediate CA of the served chains, sent or not: the full chain as the server's
   * operator (or the admin's console, which shows an Android QR code's payload) has it.
   */
  get intermediatePems(): string[] {
    return this.intermediates.map((d) => toPem(d));
  }

  /** What the server holds, read-only: enrollment records of every half, issued certificates, policy view (server/records.ts). */
  records(): ServerRecords {
    const sha256 = (b: Uint8Array) => this.crypto.digest("sha256", b);
    return {
      enrollments: this.halves.flatMap((h) => h.records?.() ?? []),
      certificates: this.scep.issuedCertificates().map(({ cert, by }) => certificateRecord(cert, by, sha256)),
      policy: this.policy.records().enrollments.map((r) => ({ deviceKey: r.deviceKey, platform: r.platform, ...(r.upn ? { user: r.upn } : {}), ownership: r.ownership, compliance: r.compliance, licence: r.licence, removed: r.removed })),
      policyRefusals: this.policy.refusals.map((r) => ({ deviceKey: r.deviceKey, refusal: r.refusal })),
      signIns: this.policy.ca.signIns.map((r) => ({ result: r.result, reportOnlyFailure: r.policies.some((p) => p.state === "reportOnly" && p.result !== "success") })),
      scepRequests: this.scep.requestRecords(),
      apps: this.halves.flatMap((h) => h.appRecords?.() ?? []),
      invitations: this.halves.flatMap((h) => h.invitationRecords?.() ?? []),
      profiles: this.halves.flatMap((h) => h.profileRecords?.() ?? []),
    };
  }

  get caPem(): string {
    return toPem(this.scep.id.ca.der);
  }

  async listen(ports: { http?: number; https?: number; endpoints?: (number | undefined)[]; midConnection?: number } = {}): Promise<this> {
    const host = this.options.host ?? "127.0.0.1";
    this.http = await bindHandler(this.handler, { host, port: ports.http ?? this.options.port });
    this.tls ??= this.options.tls?.certificate ? await this.servedChain(host, this.options.tls.certificate) : await this.serverIdentity(host);
    this.https = await bindHandler(this.handler, { host, port: ports.https ?? this.options.httpsPort, tls: this.tls });
    if (this.options.midConnection) this.midConnection = await bindHandler(this.handler, { host, port: ports.midConnection, tls: this.tls, renegotiate: true });
    if (this.endpointListeners.length === 0) {
      for (const e of this.options.tls?.endpoints ?? []) this.endpointListeners.push({ path: e.path, tls: e.certificate ? await this.servedChain(host, e.certificate) : this.tls });
    }
    for (const [i, e] of this.endpointListeners.entries()) e.bound = await bindHandler(this.handler, { host, port: ports.endpoints?.[i], tls: e.tls });
    return this;
  }

  /**
   * Name → PEM of the named roots the served chains were issued from or cross-signed by (generated at
   * `listen`): what the runner puts in the trust store of each device whose store has the root.
   */
  get namedRootPems(): Map<string, string> {
    return this.roots?.pems() ?? new Map();
  }

  /** The catalog's public roots and the scenario's private ones (validity relative to the server's start). */
  private namedRoots(): NamedRoots {
    if (this.roots) return this.roots;
    const now = (this.options.now ?? Date.now)();
    const defs = new Map<string, RootDefinition>((this.options.publicRoots ?? []).map((r) => [r.name, r]));
    for (const p of this.options.tls?.privateRoots ?? []) {
      const nb = now + signedDurationMs(p.notBefore ?? "-365d");
      defs.set(p.name, { name: p.name, subject: p.subject ?? `CN=${p.name}`, notBefore: new Date(nb), notAfter: new Date(nb + (p.validityDays ?? 3650) * 86_400_000), key: p.key ?? "rsa-2048", private: true });
    }
    return (this.roots = new NamedRoots(defs, this.crypto));
  }

  /** A chain generated from `embedded.tls` properties, issued now on the server's clock. */
  private async servedChain(host: string, spec: ChainSpec): Promise<{ certPem: string; keyPem: string; caPem: string[]; weak: boolean }> {
    const ipLike = /^\d+\.\d+\.\d+\.\d+$/.test(host);
    const c = await generateServedChain(this.scep.id, spec, { dns: ["localhost", ...(ipLike ? [] : [host])], ip: ipLike ? [host] : ["127.0.0.1"] }, (this.options.now ?? Date.now)(), this.crypto, this.namedRoots(), this.http?.url);
    for (const i of c.issuers) this.aia.set(i.path, i.der);
    for (const cert of c.certificates.slice(1)) this.intermediates.push(cert.der);
    return { certPem: c.certPem, keyPem: c.keyPem, caPem: c.caPem, weak: c.weak };
  }

  private async serverIdentity(host: string): Promise<{ certPem: string; keyPem: string; caPem: string[] }> {
    const tlsKey = await this.crypto.generateKey("ec-p256");
    const ipLike = /^\d+\.\d+\.\d+\.\d+$/.test(host);
    const cert = issueServerCertificate(
      this.scep.id,
      tlsKey.spki,
      { dns: ["localhost", ...(ipLike ? [] : [host])], ip: ipLike ? [host] : ["127.0.0.1"] },
      this.crypto.digest("sha256", tlsKey.spki).subarray(0, 8),
      (this.options.now ?? Date.now)(),
      this.crypto,
    );
    return { certPem: toPem(cert.der) + this.caPem, keyPem: this.crypto.privateKeyPem(tlsKey), caPem: [this.caPem] };
  }

  get urls(): ServerUrls {
    if (this.front) return this.front;
    if (!this.http || !this.https) throw new Error("reference server is not listening");
    const endpoints = this.endpointListeners.flatMap((e) => (e.bound ? [{ path: e.path, base: e.bound.url }] : []));
    return { http: this.http.url, https: this.https.url, ...(endpoints.length ? { endpoints } : {}), ...(this.midConnection ? { midConnection: this.midConnection.url } : {}) };
  }

  /** The URLs of a front (reverse proxy, test harness) this server is reached through; see {@link serveBehind}. */
  private front?: ServerUrls;

  /**
   * Serve behind a front that forwards requests to {@link handler} (a reverse proxy, or a test
   * harness that misbehaves on some endpoints): every URL the halves put in their answers (SCEP,
   * enrollment, check-in, download URLs) then names the front's listeners, not this server's own.
   */
  serveBehind(urls: ServerUrls): void {
    this.front = { ...urls };
  }

  /** Base URL of the HTTP listener, e.g. http://127.0.0.1:41234 */
  get url(): string {
    return this.urls.http;
  }

  /** Base URL of the HTTPS listener. */
  get httpsUrl(): string {
    return this.urls.https;
  }

  get scepUrl(): string {
    return `${baseFor(this.urls, "/scep", "http")}/scep`;
  }

  async close(): Promise<void> {
    await Promise.all([this.http?.close(), this.https?.close(), this.midConnection?.close(), ...this.endpointListeners.map((e) => e.bound?.close()), ...this.halves.map((h) => h.close?.())]);
    this.midConnection = undefined;
    this.http = undefined;
    this.https = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
