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
  /** The network's proxy: its PAC file, and whether it demands authentication (407) that device services do not give. */
  proxy?: { pac?: string; authentication?: "none" | "required" };
  /** Host globs a firewall blocks (`mdm`: the MDM server). */
  blocked?: string[];
  /** How a blocked connection fails (default connect.timeout: the firewall drops it). */
  blockedAs?: OfflineDetail;
}

/** A network as the runner holds it. */
export interface ResolvedNetwork {
  name: string;
  internet: boolean;
  unreachableAs: OfflineDetail;
  local: HostRule[];
  localMdm: boolean;
  portal?: { signIn: string; https: PortalHttps; status: 302 | 200 };
  pacUrl?: string;
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
    localMdm: (n.local ?? []).includes(MDM_HOST),
    ...(n.captivePortal ? { portal: { signIn: n.captivePortal.signIn ?? DEFAULT_PORTAL_SIGN_IN, https: n.captivePortal.https ?? "wrong-host", status: n.captivePortal.status ?? 302 } } : {}),
    ...(n.proxy?.pac !== undefined ? { pacUrl: n.proxy.pac } : {}),
    proxyAuth: n.proxy?.authentication === "required",
    blocked: hosts(n.blocked),
    blockedMdm: (n.blocked ?? []).includes(MDM_HOST),
    blockedAs: n.blockedAs ?? "connect.timeout",
  };
}
