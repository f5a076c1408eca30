// SPDX-License-Identifier: MIT
/** DNS port. The Node adapter uses c-ares (off the libuv threadpool) with an override map. */
export interface DnsPort {
  /** CNAME targets of `name`, [] when none. */
  resolveCname(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
  /**
   * This device's resolver answering from a local zone instead of the network (the embedded
   * server's map, a scenario's overrides): a name the zone lacks has no records. Optional: ports
   * that leave it out are replaced by {@link zoneDns}. Port layers under the device (fault
   * injection) implement it so lookups in the zone pass through them too.
   */
  withZone?(zone: DnsZone): DnsPort;
}

/** Records by name: CNAME targets and IPv4 addresses. */
export type DnsZone = Record<string, { cname?: string[]; a?: string[] }>;

/** A resolver that answers from `zone` only (names case-insensitive, trailing dot ignored). */
export function zoneDns(zone: DnsZone): DnsPort {
  const norm = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ""), v]));
  const find = (n: string) => norm.get(n.toLowerCase().replace(/\.$/, ""));
  return {
    async resolveCname(name) {
      return [...(find(name)?.cname ?? [])];
    },
    async resolve4(name) {
      return [...(find(name)?.a ?? [])];
    },
  };
}

/** `dns.withZone(zone)` where the port offers it, else a plain zone resolver. */
export function dnsWithZone(dns: DnsPort, zone: DnsZone): DnsPort {
  return dns.withZone ? dns.withZone(zone) : zoneDns(zone);
}
