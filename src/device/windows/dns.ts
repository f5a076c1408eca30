// SPDX-License-Identifier: MIT
/**
 * The DNS zone a Windows device resolves EnterpriseEnrollment.<domain> through on embedded runs:
 * the enrollment name CNAMEs to the loopback server (no real DNS query leaves the machine).
 * --server runs use the same zone pointed at the given server ("server"). Scenario overrides are
 * a zone too; "system" (only when asked for) uses the DNS port as is. Zones are answered by the
 * device's own DNS port (`dnsWithZone`), so whatever sits under that port applies to them.
 */
import type { DnsZone } from "../../ports/dns.js";

export type DnsMap = DnsZone;

export const EMBEDDED_TARGET = "enterpriseenrollment-s.enrollsim.invalid";

/** The embedded zone: enterpriseenrollment.<domain> → CNAME → the loopback listener's address. */
export function embeddedZone(domain: string, loopbackIp: string): DnsZone {
  return { [`enterpriseenrollment.${domain}`]: { cname: [EMBEDDED_TARGET] }, [EMBEDDED_TARGET]: { a: [loopbackIp] } };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The zone of the run's server (embedded or --server): an IP host is reached as the embedded zone
 * does; a named host is the CNAME target, so the chain ends at the server's own name.
 */
export function serverZone(domain: string, host: string): DnsZone {
  const h = host.replace(/^\[|\]$/g, "");
  if (IPV4.test(h) || h.includes(":")) return embeddedZone(domain, h);
  return { [`enterpriseenrollment.${domain}`]: { cname: [h] } };
}
