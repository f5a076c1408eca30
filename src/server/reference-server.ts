// SPDX-License-Identifier: MIT
/**
 * The embedded reference server: today its SCEP CA at /scep (also /cgi-bin/pkiclient.exe, the
 * NDES path). Later issues mount the Apple, Windows and Android halves on the same router.
 * Binds 127.0.0.1 unless told otherwise.
 */
import { NodeCrypto } from "../platform/node/crypto.js";
import type { CryptoPort, PrivateKey } from "../ports/crypto.js";
import type { HttpHandler, HttpResponse } from "../ports/http.js";
import { bindHandler, type BoundServer } from "./http.js";
import { createCaIdentity } from "./scep/ca.js";
import { defaultScepConfig, type ScepServerConfig } from "./scep/config.js";
import { ScepCaServer } from "./scep/handler.js";

export interface ReferenceServerOptions {
  host?: string;
  port?: number;
  scep?: Partial<ScepServerConfig>;
  /** CA (and RA) keys; generated when absent (~250 ms each, off the event loop). */
  keys?: { ca?: PrivateKey; ra?: PrivateKey };
  crypto?: CryptoPort;
  /** Server clock (tests pass their virtual clock's `now`). Default Date.now. */
  now?: () => number;
}

export const SCEP_PATHS = ["/scep", "/scep/", "/cgi-bin/pkiclient.exe"];

const notFound = (path: string): HttpResponse => ({
  status: 404,
  headers: { "content-type": "text/plain" },
  body: new Uint8Array(Buffer.from(`no route for ${path}\n`)),
  url: path,
});

export class ReferenceServer {
  private bound?: BoundServer;

  private constructor(
    readonly scep: ScepCaServer,
    private readonly options: ReferenceServerOptions,
  ) {}

  /** Creates the server without binding a socket (use {@link handler} for in-memory tests). */
  static async create(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
    const crypto = options.crypto ?? new NodeCrypto();
    const config = { ...defaultScepConfig(), ...options.scep };
    const caKey = options.keys?.ca ?? (await crypto.generateKey("rsa2048"));
    const raKey = config.ra ? (options.keys?.ra ?? (await crypto.generateKey("rsa2048"))) : undefined;
    const now = options.now ?? Date.now;
    const id = createCaIdentity({ caKey, raKey }, crypto, now());
    const rogue =
      config.fault === "unknown-signer" || config.fault === "cert-for-other-key"
        ? createCaIdentity({ caKey: await crypto.generateKey("rsa2048") }, crypto, now(), "rogue CA nobody trusts")
        : undefined;
    return new ReferenceServer(new ScepCaServer(id, config, crypto, now, rogue), options);
  }

  /** Creates and binds (127.0.0.1, a free port unless `port` is given). */
  static async start(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
    const s = await ReferenceServer.create(options);
    await s.listen();
    return s;
  }

  readonly handler: HttpHandler = async (req) => {
    const path = new URL(req.url, "http://localhost").pathname;
    if (SCEP_PATHS.includes(path)) return this.scep.handle(req);
    return notFound(path);
  };

  async listen(): Promise<this> {
    this.bound = await bindHandler(this.handler, { host: this.options.host, port: this.options.port });
    return this;
  }

  /** Base URL, e.g. http://127.0.0.1:41234 */
  get url(): string {
    if (!this.bound) throw new Error("reference server is not listening");
    return this.bound.url;
  }

  get scepUrl(): string {
    return `${this.url}/scep`;
  }

  async close(): Promise<void> {
    await this.bound?.close();
    this.bound = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
