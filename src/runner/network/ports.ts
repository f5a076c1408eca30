// SPDX-License-Identifier: MIT
/**
 * A device's HTTP and DNS ports on its network (runner/network/fleet.ts decides): a request the
 * network lets through goes on — to the run's server, or, for any other host, to the internet
 * responder on loopback with the host in its Host header (the simulator never reaches the real
 * internet); a request the network stops fails as on a real network (a timeout takes its time on
 * the device's clock); a captive portal answers in the destination's place (plain HTTP: its
 * redirect to the sign-in page; HTTPS: the handshake fails on the portal's certificate, or the
 * connection is dropped). Every condition that acts is a transcript note labelled injected, naming
 * the network and the rule.
 */
import { TransportError } from "../../errors/index.js";
import type { Clock } from "../../ports/clock.js";
import { dnsWithZone, type DnsPort } from "../../ports/dns.js";
import type { HttpClient, HttpPort, HttpRequest, HttpResponse } from "../../ports/http.js";
import { DEFAULT_TIMEOUT_MS } from "../../ports/http-request.js";
import type { TranscriptSink } from "../../ports/transcript.js";
import { blockedError } from "../timeline/device-net.js";
import { DNS_TIMEOUT_MS, tlsError } from "../faults/errors.js";
import type { FleetNetworks, NetworkDecision } from "./fleet.js";
import { PAC_MIME, renderPac } from "../../wire/pac.js";

export interface NetworkPortsEnv {
  clock: Clock;
  transcript: TranscriptSink;
  /** The device's current step (for transcript notes). */
  step(): string | undefined;
  /** Base URL (http://127.0.0.1:port) of the internet responder; undefined: hosts outside the run's server are not served. */
  responder?: string;
}

export interface NetworkDevice {
  index: number;
  id: string;
  group: string;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

class NetworkHttpClient implements HttpClient {
  constructor(
    private readonly inner: HttpClient,
    private readonly nets: FleetNetworks,
    private readonly device: NetworkDevice,
    private readonly env: NetworkPortsEnv,
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return this.inner.request(req);
    }
    const { proxy: via, ...direct } = req;
    const d = this.nets.decide(this.device.index, this.device.group, { url, ...(via !== undefined ? { via } : {}) });
    if (!d) return this.inner.request(direct);
    req = direct;
    if (d.kind === "pac") return this.pac(d, req, url);
    if (d.kind === "fail") return this.fail(d, req);
    if (d.kind === "portal") return this.portal(d, req, url);
    if (d.kind === "proxy-auth") {
      // RFC 9110 §15.5.8: 407 with a Proxy-Authenticate challenge; device services send no proxy credentials.
      this.note(d, req, { answer: "407 Proxy Authentication Required" });
      return { status: 407, headers: { "proxy-authenticate": 'Basic realm="proxy"', "content-length": "0" }, body: new Uint8Array(0), url: req.url };
    }
    if (this.nets.isServer(url)) return this.inner.request(req);
    // Never the real internet: without a responder, another host is not reachable from the simulator.
    if (!this.env.responder) throw new TransportError("refused", `${req.method} ${req.url}: connection refused (no internet responder in this run)`, { detail: "connect.refused" });
    // Another host: the internet responder on loopback plays it (Host header), as a resolver pointed at it would.
    const routed = `${this.env.responder}${url.pathname}${url.search}`;
    const res = await this.inner.request({ ...req, url: routed, headers: { ...req.headers, host: url.host } });
    return { ...res, url: req.url };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private note(d: Exclude<NetworkDecision, { kind: "pass" }>, req: HttpRequest, extra: Record<string, unknown> = {}): void {
    const e = this.env;
    e.transcript.record({
      t: e.clock.now(),
      device: this.device.id,
      step: e.step() ?? "device",
      kind: "note",
      data: { injected: true, network: d.reason, target: `${req.method} ${req.url.length > 160 ? `${req.url.slice(0, 160)}…` : req.url}`, ...extra },
    });
  }

  private async fail(d: Extract<NetworkDecision, { kind: "fail" }>, req: HttpRequest): Promise<never> {
    this.note(d, req, { fails: d.detail });
    // A dropped packet or an unanswered DNS query takes its time before the device gives up.
    if (d.detail === "connect.timeout" || d.detail === "dns.timeout") {
      const wait = Math.min(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, d.detail === "dns.timeout" ? DNS_TIMEOUT_MS : Infinity);
      await this.env.clock.sleep(wait, req.signal);
    }
    // The request names the host the device addressed (a platform service's real host, not its stand-in on the run's
    // server): what the device shows quotes it ("login.microsoftonline.com’s server IP address could not be found.").
    const u = new URL(req.url);
    const url = d.host !== "mdm" && d.host !== u.hostname.toLowerCase() ? `${u.protocol}//${d.host}${u.pathname}${u.search}` : req.url;
    throw blockedError({ detail: d.detail, reason: d.reason }, `${req.method} ${url.length > 120 ? `${url.slice(0, 117)}...` : url}`);
  }

  /** The network's PAC file, in the subset wire/pac.ts reads: its bypass list and local hosts DIRECT, the rest through its proxy. */
  private pac(d: Extract<NetworkDecision, { kind: "pac" }>, req: HttpRequest, url: URL): HttpResponse {
    const n = this.nets.current(this.device.index, this.device.group)!;
    const known = [n.explicit?.dhcpPac, n.explicit?.dnsPac, n.pacUrl].some((u) => u !== undefined && new URL(u).pathname === url.pathname);
    this.note(d, req, { answer: known ? "200 PAC file" : "404" });
    if (!known) return { status: 404, headers: { "content-length": "0" }, body: new Uint8Array(0), url: req.url };
    const body = utf8(renderPac(n.explicit!.address, [...n.explicit!.bypass, ...n.localGlobs]));
    return { status: 200, headers: { "content-type": PAC_MIME, "content-length": String(body.length) }, body, url: req.url };
  }

  private async portal(d: Extract<NetworkDecision, { kind: "portal" }>, req: HttpRequest, url: URL): Promise<HttpResponse> {
    const n = this.nets.current(this.device.index, this.device.group)!.portal!;
    if (url.protocol === "https:") {
      this.note(d, req, { https: n.https });
      if (n.https === "wrong-host" || n.https === "untrusted") {
        const e = tlsError(n.https, req.method, req.url);
        throw new TransportError("tls", `${e.message} [injected: ${d.reason}]`, { detail: e.detail! });
      }
      return this.fail({ ...d, kind: "fail", detail: n.https }, req);
    }
    this.note(d, req, { answer: n.status === 302 ? `302 to ${n.signIn}` : "200 sign-in page" });
    if (n.status === 302) return { status: 302, headers: { location: n.signIn, "content-length": "0" }, body: new Uint8Array(0), url: req.url };
    // A portal that serves its page in place of the destination's: fetch it from the responder.
    if (!this.env.responder) {
      const body = utf8("<html><body>Sign in to the network</body></html>");
      return { status: 200, headers: { "content-type": "text/html", "content-length": String(body.length) }, body, url: req.url };
    }
    const sign = new URL(n.signIn);
    const res = await this.inner.request({ ...req, method: "GET", body: undefined, url: `${this.env.responder}${sign.pathname}${sign.search}`, headers: { host: sign.host } });
    return { ...res, url: req.url };
  }
}

/** The device's HTTP port on its network. */
export function networkHttp(port: HttpPort, nets: FleetNetworks, device: NetworkDevice, env: NetworkPortsEnv): HttpPort {
  // The simulator's own fetches (simulatorOnly: a QR code's payload, which no real device requests) pass no network.
  return { client: (options) => (options?.simulatorOnly !== undefined ? port.client(options) : new NetworkHttpClient(port.client(options), nets, device, env)) };
}

/** The device's DNS port on its network: without internet, names that are not local do not resolve. */
export function networkDns(port: DnsPort, nets: FleetNetworks, device: NetworkDevice, env: NetworkPortsEnv): DnsPort {
  const check = async (name: string) => {
    const d = nets.decide(device.index, device.group, { name });
    if (d?.kind !== "fail") return;
    env.transcript.record({ t: env.clock.now(), device: device.id, step: env.step() ?? "device", kind: "note", data: { injected: true, network: d.reason, target: `DNS ${name}`, fails: d.detail } });
    if (d.detail === "dns.timeout") await env.clock.sleep(DNS_TIMEOUT_MS);
    throw new TransportError("dns", `DNS look-up of ${name}: ${d.detail === "dns.timeout" ? "name resolution timed out" : "name not found"} [injected: ${d.reason}]`, { detail: d.detail });
  };
  return {
    resolveCname: async (name) => (await check(name), port.resolveCname(name)),
    resolve4: async (name) => (await check(name), port.resolve4(name)),
    withZone: (zone) => networkDns(dnsWithZone(port, zone), nets, device, env),
  };
}
