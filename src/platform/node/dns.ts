// SPDX-License-Identifier: MIT
/**
 * {@link DnsPort} on c-ares (`dns.promises.Resolver`), which runs off the libuv threadpool so
 * discovery lookups never queue behind key generation. An override map is consulted first
 * (names case-insensitive, trailing dot ignored), for lab setups that point
 * `enterpriseenrollment.<domain>` at a local server. Recording CNAME chains is the caller's job.
 */
import { ioLedger } from "../../ports/io-ledger.js";
import { isIPv4 } from "node:net";
import { promises as dns } from "node:dns";
import { ScenarioError, TransportError, type TransportDetail } from "../../errors/index.js";

/** c-ares answer codes → the transport detail a device's resolver distinguishes. */
const DNS_DETAIL: Record<string, TransportDetail> = { ENOTFOUND: "dns.nxdomain", ENODATA: "dns.no-address", ESERVFAIL: "dns.servfail", ETIMEOUT: "dns.timeout" };
const dnsDetail = (code: string | undefined): { detail?: TransportDetail } => (code && DNS_DETAIL[code] ? { detail: DNS_DETAIL[code] } : {});
import type { DnsPort } from "../../ports/dns.js";

/** Records that answer for one name instead of the network. */
export interface DnsOverride {
  /** CNAME targets. `resolve4` follows the first one when `a` is absent. */
  cname?: string[];
  /** IPv4 addresses. */
  a?: string[];
}

/** Options of {@link NodeDns}. */
export interface NodeDnsOptions {
  overrides?: Record<string, DnsOverride>;
  /** Resolver addresses ("127.0.0.1", "10.0.0.2:5353"); default: the system's. */
  servers?: string[];
  /** c-ares per-try timeout in ms (its default when absent). */
  timeoutMs?: number;
  /** c-ares attempts per server (default 4). */
  tries?: number;
}

/** How many CNAME hops `resolve4` follows through overrides before calling it a loop. */
const MAX_CNAME_HOPS = 8;

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

function checkName(name: unknown, op: string): string {
  if (typeof name !== "string" || normalize(name) === "" || name.length > 254) {
    throw new TransportError("dns", `${op} ${String(name)}: not a valid host name`);
  }
  return normalize(name);
}

function checkOverrides(overrides: Record<string, DnsOverride>): Map<string, DnsOverride> {
  const map = new Map<string, DnsOverride>();
  for (const [name, entry] of Object.entries(overrides)) {
    const where = `dns override "${name}"`;
    if (typeof entry !== "object" || entry === null) throw new ScenarioError(`${where} must be an object`);
    for (const ip of entry.a ?? []) {
      if (!isIPv4(ip)) throw new ScenarioError(`${where}: "${String(ip)}" is not an IPv4 address`);
    }
    for (const target of entry.cname ?? []) {
      if (typeof target !== "string" || normalize(target) === "") throw new ScenarioError(`${where}: empty CNAME target`);
    }
    map.set(normalize(name), { cname: entry.cname?.map(normalize), a: entry.a ? [...entry.a] : undefined });
  }
  return map;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** The Node adapter of the DNS port. */
export class NodeDns implements DnsPort {
  private readonly overrides: Map<string, DnsOverride>;
  private readonly resolver: dns.Resolver;

  /** Throws ScenarioError for a malformed override map or server list. */
  constructor(options: NodeDnsOptions = {}) {
    this.overrides = checkOverrides(options.overrides ?? {});
    this.resolver = new dns.Resolver({
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      ...(options.tries !== undefined ? { tries: options.tries } : {}),
    });
    if (options.servers) {
      try {
        this.resolver.setServers(options.servers);
      } catch (err) {
        throw new ScenarioError(`dns servers rejected: ${(err as Error).message}`);
      }
    }
  }

  /** CNAME targets of `name` (lower-case, no trailing dot); [] when it has none or does not exist. */
  async resolveCname(name: string): Promise<string[]> {
    const host = checkName(name, "CNAME");
    const override = this.overrides.get(host);
    if (override) return [...(override.cname ?? [])];
    try {
      return (await ioLedger.track(`dns CNAME ${host}`, this.resolver.resolveCname(host))).map(normalize);
    } catch (err) {
      const code = codeOf(err);
      if (code === "ENODATA" || code === "ENOTFOUND") return [];
      throw new TransportError("dns", `CNAME ${host}: ${code || (err as Error).message}`, { cause: err, ...dnsDetail(code) });
    }
  }

  /** IPv4 addresses of `name`, following CNAMEs; no address at all is a TransportError("dns"). */
  async resolve4(name: string): Promise<string[]> {
    let host = checkName(name, "A");
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const override = this.overrides.get(host);
      if (!override) return this.network4(host, name);
      if (override.a && override.a.length > 0) return [...override.a];
      const next = override.cname?.[0];
      if (next === undefined) throw new TransportError("dns", `A ${name}: override for ${host} has no A record`, { detail: "dns.no-address" });
      host = next;
    }
    throw new TransportError("dns", `A ${name}: more than ${MAX_CNAME_HOPS} CNAME hops in the overrides (a loop?)`);
  }

  private async network4(host: string, asked: string): Promise<string[]> {
    try {
      const addresses = await ioLedger.track(`dns A ${host}`, this.resolver.resolve4(host));
      if (addresses.length === 0) throw Object.assign(new Error("no addresses"), { code: "ENODATA" });
      return addresses;
    } catch (err) {
      const via = host === normalize(asked) ? "" : ` (via ${host})`;
      throw new TransportError("dns", `A ${asked}${via}: ${codeOf(err) || (err as Error).message}`, { cause: err, ...dnsDetail(codeOf(err)) });
    }
  }
}
