// SPDX-License-Identifier: MIT
/**
 * Platform-neutral proxy discovery and the proxied flow context, shared by the platforms whose devices read a
 * network's proxy (device/apple/proxy.ts, and device/windows/proxy.ts, which adds WinHTTP's and WinINet's
 * settings and codes on top).
 *
 * - WPAD (Web Proxy Auto-Discovery): the PAC URL comes from DHCP option 252 when the network offers it, else
 *   from DNS as http://wpad.<DNS suffix>/wpad.dat (Microsoft Learn, "WinHTTP AutoProxy Support": the PAC URL is
 *   discovered by DHCP or DNS, then downloaded, then run). The network side (which of the two it publishes) is
 *   runner/network `proxy.wpad`.
 * - A PAC file is read as data (wire/pac.ts), never run as JavaScript; a file outside the readable subset is a
 *   script the device cannot use.
 *
 * Every outcome is a value (`PacLookup`): what to do when discovery, download or the script fails is each
 * platform's published behaviour, not this module's.
 */
import { TransportError } from "../errors/index.js";
import type { HttpClient, HttpPort, HttpRequest, HttpResponse } from "../ports/http.js";
import type { DeviceNetworkView } from "../protocol/common/connectivity.js";
import { parsePac, PacScriptError, type PacProgram } from "../wire/pac.js";
import type { FlowContext } from "./flow.js";

/** Where a PAC search ended: a readable PAC, or the stage that found none and why. */
export type PacLookup = { kind: "pac"; program: PacProgram; url: string } | { kind: "none"; stage: "discovery" | "download" | "script"; url?: string; why: string; detail: string };

async function get(url: string, direct: HttpClient): Promise<HttpResponse | TransportError> {
  try {
    return await direct.request({ method: "GET", url, headers: { accept: "application/x-ns-proxy-autoconfig, */*" }, maxBytes: 64 * 1024 });
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw e;
  }
}

function read(got: HttpResponse | TransportError, url: string): PacLookup {
  if (got instanceof TransportError) return { kind: "none", stage: "download", url, why: `the PAC file ${url} could not be fetched (${got.message})`, detail: got.message };
  if (got.status !== 200) return { kind: "none", stage: "download", url, why: `the PAC file ${url} could not be fetched (HTTP ${got.status})`, detail: `HTTP ${got.status}` };
  try {
    return { kind: "pac", program: parsePac(new TextDecoder().decode(got.body)), url };
  } catch (e) {
    if (!(e instanceof PacScriptError)) throw e;
    return { kind: "none", stage: "script", url, why: `the PAC file ${url} is not a script the device can use (${e.message})`, detail: e.message };
  }
}

/** The PAC file at `url`, fetched on the direct client (a PAC download never goes through a proxy). */
export async function fetchPac(url: string, direct: HttpClient): Promise<PacLookup> {
  return read(await get(url, direct), url);
}

const none = (why: string): PacLookup => ({ kind: "none", stage: "discovery", why, detail: why });

/** WPAD: DHCP option 252 first; only without it, DNS wpad.<suffix>. */
export async function wpadLookup(network: DeviceNetworkView | undefined, direct: HttpClient): Promise<PacLookup> {
  const dhcp = network?.dhcp?.();
  if (!dhcp) return none("no network modelled");
  if (dhcp.wpadUrl) return fetchPac(dhcp.wpadUrl, direct);
  if (!dhcp.dnsSuffix) return none("no DHCP option 252 and no DNS suffix to look up wpad in");
  const url = `http://wpad.${dhcp.dnsSuffix}/wpad.dat`;
  const got = await get(url, direct);
  if (got instanceof TransportError && got.kind === "dns") return none(`no DHCP option 252, and wpad.${dhcp.dnsSuffix} does not resolve`);
  return read(got, url);
}

/** How a request finds its proxy: host:port, undefined for direct; it may throw a TransportError (no connection at all). */
export type ProxyChooser = (url: URL) => Promise<string | undefined>;

/** A client whose requests carry the proxy `choose` gives them (the network reads HttpRequest.proxy). */
export function proxiedHttp(inner: HttpClient, choose: ProxyChooser): HttpClient {
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        return inner.request(req);
      }
      const via = await choose(url);
      return inner.request(via !== undefined ? { ...req, proxy: via } : req);
    },
    close: () => inner.close(),
  };
}

/** The flow context whose every client (the plain one and those the flow builds, e.g. mTLS) asks `choose`; the simulator's own clients are left alone. */
export function withProxyChooser(ctx: FlowContext, choose: ProxyChooser): FlowContext {
  const port: HttpPort = {
    client: (options) => {
      const inner = ctx.ports.http.client(options);
      return options?.simulatorOnly !== undefined ? inner : proxiedHttp(inner, choose);
    },
  };
  return { ...ctx, ports: { ...ctx.ports, http: port }, protocol: { ...ctx.protocol, http: proxiedHttp(ctx.protocol.http, choose) } };
}
