// SPDX-License-Identifier: MIT
/**
 * The DNS zone a Windows device resolves EnterpriseEnrollment.<domain> through on embedded runs:
 * the enrollment name CNAMEs to the loopback server (no real DNS query leaves the machine).
 * Scenario overrides are a zone too; "system" uses the DNS port as is. Zones are answered by the
 * device's own DNS port (`dnsWithZone`), so whatever sits under that port applies to them.
 */
import type { DnsZone } from "../../ports/dns.js";

export type DnsMap = DnsZone;

export const EMBEDDED_TARGET = "enterpriseenrollment-s.enrollsim.invalid";

/** The embedded zone: enterpriseenrollment.<domain> → CNAME → the loopback listener's address. */
export function embeddedZone(domain: string, loopbackIp: string): DnsZone {
  return { [`enterpriseenrollment.${domain}`]: { cname: [EMBEDDED_TARGET] }, [EMBEDDED_TARGET]: { a: [loopbackIp] } };
}
