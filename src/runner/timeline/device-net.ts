// SPDX-License-Identifier: MIT
/**
 * A device's network as the timeline shapes it: while the device is offline its requests and DNS
 * look-ups fail as they do on a device without network (a TransportError whose kind and detail are
 * those of the real failure, labelled injected), and an endpoint taken down with `answer: refuse`
 * refuses the device's connections. Wraps the HTTP and DNS ports the device's flows use, so clients
 * a flow builds itself (mTLS) are covered too.
 */
import { TransportError, type TransportDetail } from "../../errors/index.js";
import { dnsWithZone, type DnsPort } from "../../ports/dns.js";
import type { HttpClient, HttpPort, HttpRequest, HttpResponse } from "../../ports/http.js";

/** Why a request cannot leave the device now; undefined when it can. */
export interface NetworkBlock {
  detail: TransportDetail;
  /** Human reason, e.g. "device offline (timeline[2])". */
  reason: string;
}

export interface DeviceNetwork {
  /** Block for a request to `url` (HTTP) or a look-up of a name (`url` undefined). */
  blocked(url: string | undefined): NetworkBlock | undefined;
  /** Aborted when the device loses power (timeline `reboot`): a request in flight is lost. */
  power?(): AbortSignal;
}

const KIND: Record<string, TransportError["kind"]> = { dns: "dns", connect: "refused" };

export function blockedError(b: NetworkBlock, what: string): TransportError {
  const family = b.detail.split(".")[0]!;
  const kind = b.detail === "connect.timeout" ? "timeout" : (KIND[family] ?? "other");
  const text: Record<string, string> = {
    "dns.timeout": "name resolution timed out (no network)",
    "dns.nxdomain": "name not found",
    "dns.no-address": "no address for the name",
    "connect.refused": "connection refused",
    "connect.timeout": "connection timed out",
  };
  return new TransportError(kind, `${what}: ${text[b.detail] ?? b.detail} [injected: ${b.reason}]`, { detail: b.detail });
}

function wrapClient(inner: HttpClient, net: DeviceNetwork): HttpClient {
  return {
    request: async (req: HttpRequest): Promise<HttpResponse> => {
      const b = net.blocked(req.url);
      if (b) throw blockedError(b, `${req.method} ${req.url.length > 120 ? `${req.url.slice(0, 117)}...` : req.url}`);
      const power = net.power?.();
      if (!power) return inner.request(req);
      if (power.aborted) throw power.reason as Error;
      // A power cut loses the answer: the server may still act on the request; the device never hears back.
      const sent = inner.request(req);
      return new Promise<HttpResponse>((resolve, reject) => {
        const cut = () => reject(power.reason as Error);
        power.addEventListener("abort", cut, { once: true });
        sent.then(
          (r) => (power.removeEventListener("abort", cut), resolve(r)),
          (e: unknown) => (power.removeEventListener("abort", cut), reject(e as Error)),
        );
      });
    },
    close: () => inner.close(),
  };
}

export function wrapHttp(port: HttpPort, net: DeviceNetwork): HttpPort {
  // The simulator's own fetch (a QR code's payload) stands for no network request: an offline device still "reads" it; only a power cut stops it.
  return { client: (options) => wrapClient(port.client(options), options?.simulatorOnly !== undefined ? { ...net, blocked: () => undefined } : net) };
}

export function wrapDns(port: DnsPort, net: DeviceNetwork): DnsPort {
  const check = (name: string) => {
    const b = net.blocked(undefined);
    if (b) throw blockedError(b, `DNS look-up of ${name}`);
  };
  return {
    resolveCname: async (name) => (check(name), port.resolveCname(name)),
    resolve4: async (name) => (check(name), port.resolve4(name)),
    // Zones a flow resolves through (the embedded discovery map) stay behind this layer and the ones under it.
    withZone: (zone) => wrapDns(dnsWithZone(port, zone), net),
  };
}
