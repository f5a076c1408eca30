// SPDX-License-Identifier: MIT
/**
 * A Windows PC's proxy settings and how each request finds its proxy (device state `winhttpProxy`,
 * `userProxy`; the network side is runner/network: an explicit proxy, WPAD by DHCP option 252 or DNS).
 *
 * Two stacks, two settings (published):
 * - System context uses WinHTTP. Its setting is independent of the user's WinINet settings and it finds a
 *   proxy only by a transparent proxy, WPAD, or a static proxy (netsh winhttp set proxy / registry) —
 *   Microsoft Learn, "Configure device proxy and internet connection settings" (Purview endpoint onboarding:
 *   "The WinHTTP configuration setting is independent of the Windows Internet (WinINet) Internet browsing
 *   proxy settings and can only discover a proxy server by using the following auto discovery methods:
 *   Transparent proxy, Web Proxy Auto-discovery Protocol (WPAD), Manual static proxy configuration"); the same
 *   for the Windows Update agent running as Local System (KB 900935). Autopilot's and Intune's device traffic
 *   runs there: oofhours.com, "Windows Autopilot and proxy servers" (2019): with a non-transparent proxy, either
 *   bypass the proxy for the required URLs or "use WPAD to discover the needed proxy configuration, making sure
 *   those same required URLs can get through the proxy without any authentication (since those URLs are
 *   typically accessed in local system context with no way to authenticate)"; Microsoft Learn, "Network
 *   endpoints for Microsoft Intune": Intune needs unauthenticated proxy access.
 * - User context uses the user's WinINet settings (Settings › Network & internet › Proxy: "Automatically detect
 *   settings", on by default; "Use setup script"; "Use a proxy server") — IEInternals, "Understanding Web Proxy
 *   Configuration" (2013): WinINet settings are per user and most applications respect them. Here: the web
 *   sign-in pages (the identity provider in a web view) and the Terms of Use page.
 * - WPAD (Microsoft Learn, "WinHTTP AutoProxy Support"): the PAC URL is discovered by DHCP or DNS, then
 *   downloaded, then run. DHCP option 252 is asked first and, when it answers, DNS is not tried (Microsoft
 *   "Insight WPAD proxy settings on IE": "if DHCP is configured to provide the WPAD location, IE stops the
 *   detection … even if the DHCP 252 option is incorrect"); DNS asks wpad.<DNS suffix>. A failed auto-proxy
 *   leaves the request direct; the WinHTTP codes (error-messages page): ERROR_WINHTTP_AUTODETECTION_FAILED 12180,
 *   ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT 12167, ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT 12166 — recorded in the
 *   trace; what the device then shows is the direct request's own failure (e.g. 0x80072EE2 ERROR_WINHTTP_TIMEOUT).
 *
 * Assumptions (not published): which enrollment steps run in which context beyond the above — every step that
 * is not a web sign-in page is taken as system context (WinHTTP); the static WinHTTP proxy is used before
 * auto-detection; WPAD-by-DNS devolution (wpad.<parent domain>) and NetBIOS/LLMNR look-ups are not modelled.
 * The PAC file is read as data (wire/pac.ts), never run as JavaScript.
 */
import type { HttpClient } from "../../ports/http.js";
import { note, type ProtocolContext } from "../../protocol/common/context.js";
import type { DeviceNetworkView } from "../../protocol/common/connectivity.js";
import { evaluatePac, hostGlob, type PacProgram } from "../../wire/pac.js";
import { fetchPac, proxiedHttp, wpadLookup, withProxyChooser, type PacLookup } from "../proxy-discovery.js";
import { hresultHex } from "../../wire/windows/menroll.js";
import { WINHTTP, winHttpHresult } from "../../wire/windows/winhttp.js";
import type { FlowContext } from "../flow.js";

/** `netsh winhttp set proxy proxy-server=… bypass-list=…`: the system context's static proxy. */
export interface WinHttpProxySetting {
  server: string;
  bypass?: string[];
}

/** The user's proxy settings (Settings › Network & internet › Proxy; WinINet). */
export interface UserProxySetting {
  /** "Automatically detect settings" (WPAD). Default true, as Windows ships. */
  autoDetect?: boolean;
  /** "Use setup script": a PAC URL. */
  script?: string;
  /** "Use a proxy server": host:port. */
  server?: string;
  bypass?: string[];
}

export type ProxyContext = "system" | "user";

/** Steps that are web pages the user signs in at (a web view on the user's WinINet settings). */
const USER_CONTEXT_STEP = /^(oobe\.signin|auth\.(realm|federated)|enroll\.terms)(\.|$)/;

export const stepContext = (step: string | undefined): ProxyContext => (step !== undefined && USER_CONTEXT_STEP.test(step) ? "user" : "system");

type Resolved = { kind: "static"; server: string; bypass: string[]; from: string } | { kind: "pac"; program: PacProgram; from: string } | { kind: "direct"; why: string };

/** netsh/WinINet bypass lists: host globs, and "<local>" for plain host names. */
const bypassed = (host: string, list: readonly string[]) => list.some((b) => (b.toLowerCase() === "<local>" ? !host.includes(".") : hostGlob(b).test(host)));

const code = (name: string) => {
  const w = WINHTTP[name]!;
  return `${w.name} (${hresultHex(winHttpHresult(w))})`;
};

export interface ProxySettings {
  winhttp?: WinHttpProxySetting;
  user?: UserProxySetting;
}

/** The PC's proxy resolution: one discovery per context and network, as WinHTTP/WinINet cache it. */
export class WindowsProxy {
  private readonly cache = new Map<string, Promise<Resolved>>();

  constructor(
    private readonly p: ProtocolContext,
    private readonly settings: ProxySettings,
    private readonly network: DeviceNetworkView | undefined,
  ) {}

  /** The proxy (host:port) a request to `url` in `context` goes through, or undefined: direct. */
  async proxyFor(url: URL, context: ProxyContext, direct: HttpClient): Promise<{ via?: string; how: string }> {
    const net = this.network?.name();
    const key = `${context}:${net ?? ""}`;
    let r = this.cache.get(key);
    if (!r) this.cache.set(key, (r = this.resolve(context, direct)));
    const res = await r;
    // The host as the network knows it: a platform-service stand-in's real host, else the URL's own.
    const host = (this.network?.hostOf?.(url) ?? url.hostname).toLowerCase();
    if (res.kind === "direct") return { how: res.why };
    if (res.kind === "static") return bypassed(host, res.bypass) ? { how: `${res.from}: ${host} is on the bypass list` } : { via: res.server, how: res.from };
    const d = evaluatePac(res.program, host);
    return d.kind === "direct" ? { how: `${res.from}: the PAC says DIRECT for ${host}` } : { via: d.address, how: res.from };
  }

  private async resolve(context: ProxyContext, direct: HttpClient): Promise<Resolved> {
    const out = await this.discover(context, direct);
    const step = this.p.current?.step ?? "device";
    note(this.p, step, {
      proxy: {
        context: context === "system" ? "system (WinHTTP)" : "user (WinINet)",
        network: this.network?.name(),
        ...(out.kind === "direct" ? { direct: out.why } : out.kind === "static" ? { server: out.server, from: out.from } : { pac: out.from }),
      },
    });
    return out;
  }

  private async discover(context: ProxyContext, direct: HttpClient): Promise<Resolved> {
    const s = this.settings;
    if (context === "system" && s.winhttp) return { kind: "static", server: s.winhttp.server.toLowerCase(), bypass: s.winhttp.bypass ?? [], from: "netsh winhttp proxy (state.winhttpProxy)" };
    if (context === "user" && s.user?.server) return { kind: "static", server: s.user.server.toLowerCase(), bypass: s.user.bypass ?? [], from: "the user's proxy server (state.userProxy.server)" };
    if (context === "user" && s.user?.script) return this.download(s.user.script, "the user's setup script (state.userProxy.script)", direct);
    if (context === "user" && s.user?.autoDetect === false) return { kind: "direct", why: "the user's proxy settings: automatic detection off, no script, no server" };
    return this.wpad(context, direct);
  }

  /** WPAD (device/proxy-discovery.ts): DHCP option 252 first; only without it, DNS wpad.<suffix>. */
  private async wpad(context: ProxyContext, direct: HttpClient): Promise<Resolved> {
    const who = context === "system" ? "WinHTTP auto-detect" : "WinINet automatic detection";
    const found = await wpadLookup(this.network, direct);
    const dhcp = this.network?.dhcp?.();
    return this.resolved(found, found.kind === "pac" || found.stage !== "discovery" ? `${who}: WPAD by ${dhcp?.wpadUrl ? "DHCP option 252" : "DNS"} (${found.url})` : `${who} found no PAC file`);
  }

  private async download(url: string, from: string, direct: HttpClient): Promise<Resolved> {
    return this.resolved(await fetchPac(url, direct), from);
  }

  /** A PAC search's end as WinHTTP records it: a failed auto-proxy leaves the request direct, with its WinHTTP code. */
  private resolved(found: PacLookup, from: string): Resolved {
    if (found.kind === "pac") return { kind: "pac", program: found.program, from };
    if (found.stage === "discovery") return { kind: "direct", why: `${from}: ${found.why} — ${code("ERROR_WINHTTP_AUTODETECTION_FAILED")}; requests go direct` };
    const winhttp = found.stage === "download" ? "ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT" : "ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT";
    return { kind: "direct", why: `${from}: ${code(winhttp)} (${found.detail}); requests go direct` };
  }
}

/** A client whose requests carry the proxy their context chose (the context from the device's current step). */
export function proxiedClient(inner: HttpClient, proxy: WindowsProxy, step: () => string | undefined, direct: HttpClient): HttpClient {
  return proxiedHttp(inner, async (url) => (await proxy.proxyFor(url, stepContext(step()), direct)).via);
}

/**
 * The flow context with the PC's proxy settings applied to every client it builds (the plain one and the mTLS
 * ones of the OMA-DM sessions). Unchanged when the device is on no modelled network and has no proxy settings.
 * The PAC download goes direct, on the device's plain client.
 */
export function withWindowsProxy(ctx: FlowContext): FlowContext {
  const st = ctx.identity.state;
  const settings: ProxySettings = { ...(st?.winhttpProxy ? { winhttp: st.winhttpProxy } : {}), ...(st?.userProxy ? { user: st.userProxy } : {}) };
  if (!ctx.network && !settings.winhttp && !settings.user) return ctx;
  const proxy = new WindowsProxy(ctx.protocol, settings, ctx.network);
  const direct = ctx.protocol.http;
  // The context (system or user) comes from the device's current step at each request.
  return withProxyChooser(ctx, async (url) => (await proxy.proxyFor(url, stepContext(ctx.protocol.current?.step), direct)).via);
}
