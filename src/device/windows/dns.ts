// SPDX-License-Identifier: MIT
/**
 * The DNS a Windows device resolves EnterpriseEnrollment.<domain> through. Embedded runs answer
 * from a map that CNAMEs the enrollment name to the loopback server (no real DNS query leaves the
 * machine); scenario overrides answer from the scenario's map; "system" uses the DNS port as is.
 */
import type { DnsPort } from "../../ports/dns.js";

export type DnsMap = Record<string, { cname?: string[]; a?: string[] }>;

export const EMBEDDED_TARGET = "enterpriseenrollment-s.enrollsim.invalid";

export function mapDns(map: DnsMap, fallback?: DnsPort): DnsPort {
  const norm = new Map(Object.entries(map).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ""), v]));
  const find = (n: string) => norm.get(n.toLowerCase().replace(/\.$/, ""));
  return {
    async resolveCname(name) {
      const hit = find(name);
      if (hit) return hit.cname ?? [];
      return fallback ? fallback.resolveCname(name) : [];
    },
    async resolve4(name) {
      const hit = find(name);
      if (hit) return hit.a ?? [];
      return fallback ? fallback.resolve4(name) : [];
    },
  };
}

/** The embedded map: enterpriseenrollment.<domain> → CNAME → the loopback listener's address. */
export function embeddedDns(domain: string, loopbackIp: string): DnsPort {
  return mapDns({ [`enterpriseenrollment.${domain}`]: { cname: [EMBEDDED_TARGET] }, [EMBEDDED_TARGET]: { a: [loopbackIp] } });
}
