// SPDX-License-Identifier: MIT
/**
 * The device's DNS port with faults under it: NXDOMAIN, SERVFAIL, a resolver that never answers,
 * or a CNAME to another name, answered exactly as NodeDns answers the real thing (an NXDOMAIN for
 * a CNAME query is "no CNAME", [], as NodeDns maps ENOTFOUND; for an A query a TransportError).
 * Zones a flow resolves through (`withZone`) pass through the same faults.
 */
import { TransportError } from "../../errors/index.js";
import { zoneDns, type DnsPort, type DnsZone } from "../../ports/dns.js";
import type { DeviceFaults } from "./device.js";
import { DNS_TIMEOUT_MS, lookupError } from "./errors.js";

export class FaultyDns implements DnsPort {
  constructor(
    private readonly inner: DnsPort,
    private readonly faults: DeviceFaults,
  ) {}

  resolveCname(name: string): Promise<string[]> {
    return this.lookup("CNAME", name, () => this.inner.resolveCname(name));
  }

  resolve4(name: string): Promise<string[]> {
    return this.lookup("A", name, () => this.inner.resolve4(name));
  }

  withZone(zone: DnsZone): DnsPort {
    return new FaultyDns(this.inner.withZone ? this.inner.withZone(zone) : zoneDns(zone), this.faults);
  }

  private async lookup(op: "CNAME" | "A", name: string, real: () => Promise<string[]>): Promise<string[]> {
    const { firing, matched } = this.faults.pick({ kind: "dns", op, name });
    if (!firing) {
      try {
        const out = await real();
        this.faults.settle(matched, true);
        return out;
      } catch (err) {
        this.faults.settle(matched, false);
        throw err;
      }
    }
    const answer = firing.fault.dns!;
    if (typeof answer === "object") {
      const target = answer.cname.toLowerCase().replace(/\.$/, "");
      return op === "CNAME" ? [target] : this.inner.resolve4(target);
    }
    if (answer === "nxdomain" && op === "CNAME") return [];
    if (answer === "timeout") {
      try {
        await this.faults.options.clock.sleep(DNS_TIMEOUT_MS);
      } catch (err) {
        throw new TransportError("aborted", `${op} ${name}: aborted`, { cause: err });
      }
    }
    throw lookupError(answer, op, name);
  }
}
