// SPDX-License-Identifier: MIT
/**
 * The networks the run's devices are on (scenario `networks:`), and each device's place in them:
 * which network it is on now (its group's, until a timeline `joinNetwork`) and whether it has signed
 * in to that network's captive portal (timeline `portalSignIn`). The fleet asks it for each device's
 * ports ({@link networkPorts}); the timeline changes it.
 */
import type { TransportDetail } from "../../errors/index.js";
import { hostPattern, resolveNetwork, ruleMatches, type HostRule, type NetworkSpec, type ResolvedNetwork } from "./types.js";
import { serviceHostOf } from "./services.js";

/** What the network does with one request or look-up. */
export type NetworkDecision =
  | { kind: "pass"; host: string }
  | { kind: "fail"; host: string; detail: TransportDetail; reason: string }
  /** The captive portal answers in the destination's place. */
  | { kind: "portal"; host: string; reason: string }
  /** The proxy demands authentication the device does not give (407). */
  | { kind: "proxy-auth"; host: string; reason: string }
  /** The network's own web server answers with its PAC file (its PAC URL, or wpad.<dnsSuffix>/wpad.dat). */
  | { kind: "pac"; host: string; reason: string };

export interface FleetNetworksOptions {
  networks: Record<string, NetworkSpec>;
  /** Network of each group's devices at the start (groups without one: no network model). */
  groupNetwork: Record<string, string | undefined>;
  /** Origins (scheme://host:port) of the run's server: requests to them are the MDM server or a platform-service stand-in. */
  serverOrigins: string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export class FleetNetworks {
  readonly networks = new Map<string, ResolvedNetwork>();
  private readonly joined = new Map<number, string>();
  /** Device index → networks whose portal it signed in to. */
  private readonly signedIn = new Map<number, Set<string>>();

  constructor(private readonly o: FleetNetworksOptions) {
    for (const [name, spec] of Object.entries(o.networks)) this.networks.set(name, resolveNetwork(name, spec));
  }

  /** The network device `index` (of `group`) is on now, or undefined: no network model for it. */
  current(index: number, group: string): ResolvedNetwork | undefined {
    const name = this.joined.get(index) ?? this.o.groupNetwork[group];
    return name === undefined ? undefined : this.networks.get(name);
  }

  join(index: number, name: string): void {
    this.joined.set(index, name);
  }

  /** The device signs in to the captive portal of the network it is on; false when that network has none. */
  signIn(index: number, group: string): boolean {
    const n = this.current(index, group);
    if (!n?.portal) return false;
    let set = this.signedIn.get(index);
    if (!set) this.signedIn.set(index, (set = new Set()));
    set.add(n.name);
    return true;
  }

  /** True when `url` goes to the run's own server (the MDM server or a platform-service stand-in on it). */
  isServer(url: URL): boolean {
    return LOOPBACK.has(url.hostname) || this.o.serverOrigins.includes(url.origin);
  }

  /**
   * The host and port the device addresses: a stand-in's real service host (HTTPS 443, plain HTTP 80, or the port the APNs
   * courier stand-in names), `mdm` for the MDM server, else the URL's own host and port.
   */
  hostOf(url: URL): { host: string; mdm: boolean; port: number } {
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    if (!this.isServer(url)) return { host: url.hostname.toLowerCase(), mdm: false, port };
    const service = serviceHostOf(url.pathname + url.search);
    const named = Number(url.searchParams.get("port"));
    return service ? { host: service, mdm: false, port: service === "courier.push.apple.com" && named > 0 ? named : url.protocol === "http:" ? 80 : 443 } : { host: "mdm", mdm: true, port };
  }

  /**
   * What device `index`'s network does with a request to `url` (sent through the proxy `via`, host:port, when
   * the device's proxy settings chose one), or with a DNS look-up of `name`; undefined: no network model.
   */
  decide(index: number, group: string, target: { url: URL; via?: string } | { name: string }): NetworkDecision | undefined {
    const n = this.current(index, group);
    if (!n) return undefined;
    const { host, mdm, port } = "url" in target ? this.hostOf(target.url) : { host: target.name.toLowerCase().replace(/\.$/, ""), mdm: false, port: undefined };
    const matches = (list: HostRule[], flag: boolean) => (mdm ? flag : ruleMatches(list, host, port));
    // A firewall refuses connections and name look-ups still resolve; a DNS filter (blockedAs dns.*) fails the look-ups too.
    if (("url" in target || n.blockedAs.startsWith("dns.")) && matches(n.blocked, n.blockedMdm))
      return {
        kind: "fail",
        host,
        detail: n.blockedAs,
        reason: `the firewall of network "${n.name}" blocks ${host}${
          port !== undefined &&
          ruleMatches(
            n.blocked.filter((r) => r.withPort),
            host,
            port,
          )
            ? `:${port}`
            : ""
        }`,
      };
    const wpad = wpadDecision(n, host, "url" in target);
    if (wpad) return wpad;
    const portalHost = n.portal ? new URL(n.portal.signIn).hostname.toLowerCase() : undefined;
    if (matches(n.local, n.localMdm) || host === portalHost) return { kind: "pass", host };
    const via = "url" in target ? target.via?.toLowerCase() : undefined;
    // A proxy the device names that this network does not have: its name does not resolve here.
    if (via !== undefined && via !== n.explicit?.address) return { kind: "fail", host, detail: "dns.nxdomain", reason: `the proxy ${via} the device is set to use is not on network "${n.name}" (its name does not resolve)` };
    if (!n.internet) return { kind: "fail", host, detail: "url" in target ? n.unreachableAs : n.unreachableAs.startsWith("dns.") ? n.unreachableAs : "dns.timeout", reason: `network "${n.name}" has no internet access (${host} is not on it)` };
    // The network's PAC sends its bypass hosts DIRECT, so its firewall lets them out directly (e.g. Apple's push service).
    if (n.explicit && via === undefined && n.explicit.bypass.some((g) => hostPattern(g).test(host))) return { kind: "pass", host };
    if (n.explicit && via === undefined && ("url" in target || n.explicit.directAs.startsWith("dns.")))
      return { kind: "fail", host, detail: n.explicit.directAs, reason: `network "${n.name}" lets internet hosts out only through its proxy ${n.explicit.address}; ${"url" in target ? "a direct connection to" : "its DNS does not resolve"} ${host}` };
    if (n.explicit && via !== undefined) return n.proxyAuth ? { kind: "proxy-auth", host, reason: `the proxy ${via} of network "${n.name}" requires authentication for ${host}` } : { kind: "pass", host };
    if (n.portal && !this.signedIn.get(index)?.has(n.name) && "url" in target) return { kind: "portal", host, reason: `the captive portal of network "${n.name}" answers for ${host} (not signed in)` };
    if (n.proxyAuth && "url" in target) return { kind: "proxy-auth", host, reason: `the proxy of network "${n.name}" requires authentication for ${host}` };
    return { kind: "pass", host };
  }

  /** A timeline action on the targeted devices; returns what happened, in words. */
  apply(a: { kind: "joinNetwork"; network: string } | { kind: "portalSignIn" }, devices: readonly { index: number; group: string }[]): string {
    if (a.kind === "joinNetwork") {
      if (!this.networks.has(a.network)) return `not applied: no network "${a.network}"`;
      for (const d of devices) this.join(d.index, a.network);
      return `${devices.length} device(s) joined network "${a.network}"`;
    }
    const n = devices.filter((d) => this.signIn(d.index, d.group)).length;
    return `${n} device(s) signed in to their network's captive portal${n < devices.length ? `; ${devices.length - n} on a network without one` : ""}`;
  }

  /** What the DHCP server of device `index`'s network offers for proxy discovery: option 252 (PAC URL) and option 15 (DNS suffix). */
  dhcp(index: number, group: string): { wpadUrl?: string; dnsSuffix?: string } | undefined {
    const n = this.current(index, group);
    if (!n) return undefined;
    return { ...(n.explicit?.dhcpPac !== undefined ? { wpadUrl: n.explicit.dhcpPac } : {}), ...(n.dnsSuffix !== undefined ? { dnsSuffix: n.dnsSuffix } : {}) };
  }

  /** The PAC file URL of device `index`'s network, if it has a proxy. */
  pacUrl(index: number, group: string): string | undefined {
    return this.current(index, group)?.pacUrl;
  }
}

/**
 * The network's PAC server and its WPAD name: a request to the PAC URL's host (DHCP option 252) or to
 * wpad.<dnsSuffix> when the network publishes WPAD by DNS is answered by the network itself; wpad.<dnsSuffix>
 * without that DNS record does not resolve (the look-up a WPAD-by-DNS client makes fails).
 */
function wpadDecision(n: ResolvedNetwork, host: string, http: boolean): NetworkDecision | undefined {
  const served = n.explicit ? [n.explicit.dhcpPac, n.explicit.dnsPac, n.pacUrl].filter((u): u is string => u !== undefined).map((u) => new URL(u).hostname.toLowerCase()) : [];
  if (served.includes(host)) return http ? { kind: "pac", host, reason: `the web server of network "${n.name}" serves its PAC file` } : { kind: "pass", host };
  if (n.dnsSuffix !== undefined && host === `wpad.${n.dnsSuffix}`) return { kind: "fail", host, detail: "dns.nxdomain", reason: `network "${n.name}" publishes no WPAD record in its DNS (${host})` };
  return undefined;
}
