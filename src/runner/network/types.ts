// SPDX-License-Identifier: MIT
/**
 * The scenario's `networks:` — the networks devices are on, apart from the MDM server: whether the
 * internet is reachable, a captive portal, a PAC proxy, hosts a firewall blocks. A group joins one
 * (`groups[].network`); the timeline moves devices between them (`joinNetwork`) and signs them in to
 * a portal (`portalSignIn`). Vocabulary and examples: scenarios/README.md "Networks".
 */
import type { OfflineDetail } from "../timeline/types.js";

/** Keyword in host lists: the MDM server (every request to the run's server that is no platform-service stand-in). */
export const MDM_HOST = "mdm";

/** What a captive portal does to an HTTPS connection before sign-in. */
export const PORTAL_HTTPS = ["wrong-host", "untrusted", "connect.timeout", "connect.refused"] as const;
export type PortalHttps = (typeof PORTAL_HTTPS)[number];

/** The sign-in page a portal redirects to when the scenario names none (served by the internet responder). */
export const DEFAULT_PORTAL_SIGN_IN = "http://portal.enrollsim.test/login";

/** A network as written. */
export interface NetworkSpec {
  /** Internet hosts reachable (default true). */
  internet?: boolean;
  /** How a request to an internet host fails when `internet: false` (default dns.timeout). */
  unreachableAs?: OfflineDetail;
  /** Host globs on the local network: reachable without internet and never intercepted by the portal (`mdm`: the MDM server). */
  local?: string[];
  captivePortal?: { signIn?: string; https?: PortalHttps; status?: 302 | 200 };
  /** The DNS suffix DHCP gives the devices (option 15): WPAD by DNS looks up wpad.<suffix>. */
  dnsSuffix?: string;
  /**
   * The network's proxy: its PAC file, and whether it demands authentication (407) that device services do not
   * give. Without `address` it is transparent (it intercepts every request; devices need not know it); with
   * `address` it is explicit: direct connections to internet hosts fail (`directAs`), only requests a device's
   * proxy settings send to that address get out, and devices find it by WPAD (`wpad`) or their own settings.
   */
  proxy?: ProxySpec;
  /** Host globs a firewall blocks (`mdm`: the MDM server). */
  blocked?: string[];
  /** How a blocked connection fails (default connect.timeout: the firewall drops it). */
  blockedAs?: OfflineDetail;
}

export const WPAD_SOURCES = ["dhcp", "dns"] as const;
export type WpadSource = (typeof WPAD_SOURCES)[number];

export interface ProxySpec {
  pac?: string;
  authentication?: "none" | "required";
  /** host:port of an explicit (non-transparent) proxy. */
  address?: string;
  /** How the network publishes its PAC URL: DHCP option 252 (the `pac` URL), DNS (http://wpad.<dnsSuffix>/wpad.dat). Default none. */
  wpad?: WpadSource[];
  /** Host globs the network's PAC sends DIRECT (the intranet); the rest go to `address`. */
  bypass?: string[];
  /** How a direct connection to an internet host fails on an explicit-proxy network (default connect.timeout). */
  directAs?: OfflineDetail;
}

/** An explicit proxy as the runner holds it. */
export interface ExplicitProxy {
  address: string;
  /** Hosts the network's PAC sends DIRECT. */
  bypass: string[];
  directAs: OfflineDetail;
  /** PAC URL offered by DHCP option 252. */
  dhcpPac?: string;
  /** PAC URL served at wpad.<dnsSuffix> (WPAD by DNS). */
  dnsPac?: string;
}

/** A network as the runner holds it. */
export interface ResolvedNetwork {
  name: string;
  internet: boolean;
  unreachableAs: OfflineDetail;
  local: HostRule[];
  /** The `local` globs as written (without mdm, which is reached directly whatever the PAC says): the network's PAC sends them DIRECT. */
  localGlobs: string[];
  localMdm: boolean;
  portal?: { signIn: string; https: PortalHttps; status: 302 | 200 };
  pacUrl?: string;
  dnsSuffix?: string;
  explicit?: ExplicitProxy;
  /** The proxy answers 407 to requests to internet hosts (device services send no proxy credentials). */
  proxyAuth: boolean;
  blocked: HostRule[];
  blockedMdm: boolean;
  blockedAs: OfflineDetail;
}

/** A host glob of a network's list; `host:port` globs (courier.push.apple.com:5223) match the port too. */
export interface HostRule {
  re: RegExp;
  withPort: boolean;
}

/** Whether a rule matches a host reached on a port. */
export function ruleMatches(rules: readonly HostRule[], host: string, port: number | undefined): boolean {
  return rules.some((r) => (r.withPort ? port !== undefined && r.re.test(`${host}:${port}`) : r.re.test(host)));
}

/** A host glob (`*` any run of characters, `?` one; case-insensitive) as a RegExp. */
export function hostPattern(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

export function resolveNetwork(name: string, n: NetworkSpec): ResolvedNetwork {
  const hosts = (list: string[] | undefined): HostRule[] => (list ?? []).filter((h) => h !== MDM_HOST).map((h) => ({ re: hostPattern(h), withPort: h.includes(":") }));
  return {
    name,
    internet: n.internet ?? true,
    unreachableAs: n.unreachableAs ?? "dns.timeout",
    local: hosts(n.local),
    localGlobs: (n.local ?? []).filter((h) => h !== MDM_HOST),
    localMdm: (n.local ?? []).includes(MDM_HOST),
    ...(n.captivePortal ? { portal: { signIn: n.captivePortal.signIn ?? DEFAULT_PORTAL_SIGN_IN, https: n.captivePortal.https ?? "wrong-host", status: n.captivePortal.status ?? 302 } } : {}),
    ...(n.proxy?.pac !== undefined ? { pacUrl: n.proxy.pac } : {}),
    ...(n.dnsSuffix !== undefined ? { dnsSuffix: n.dnsSuffix.toLowerCase() } : {}),
    ...(n.proxy?.address !== undefined ? { explicit: explicitProxy(n.proxy, n.proxy.address, n.dnsSuffix) } : {}),
    proxyAuth: n.proxy?.authentication === "required",
    blocked: hosts(n.blocked),
    blockedMdm: (n.blocked ?? []).includes(MDM_HOST),
    blockedAs: n.blockedAs ?? "connect.timeout",
  };
}

function explicitProxy(p: ProxySpec, address: string, suffix: string | undefined): ExplicitProxy {
  const wpad = p.wpad ?? [];
  return {
    address: address.toLowerCase(),
    bypass: p.bypass ?? [],
    directAs: p.directAs ?? "connect.timeout",
    ...(wpad.includes("dhcp") && p.pac !== undefined ? { dhcpPac: p.pac } : {}),
    ...(wpad.includes("dns") && suffix !== undefined ? { dnsPac: `http://wpad.${suffix.toLowerCase()}/wpad.dat` } : {}),
  };
}
