// SPDX-License-Identifier: MIT
/**
 * MS-MDE2 discovery as a device does it: UPN domain → EnterpriseEnrollment.<domain> through the
 * DNS port (CNAME chain recorded), GET, then the SOAP Discover POST. Outcomes are values: found,
 * fault, or no host (Settings then asks the user for a server address).
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import type { DnsPort } from "../../ports/dns.js";
import { decoded, note, step, type ProtocolContext } from "../common/context.js";
import { exchange } from "../common/exchange.js";
import { discoverBody, readDiscoverResponse, type AuthPolicy, type DiscoverResult } from "../../wire/windows/discovery.js";
import { ACTION } from "../../wire/windows/ns.js";
import { buildEnvelope, type SoapFault } from "../../wire/windows/soap.js";
import { ENROLL_UA, reportFindings, soapCall } from "./soap-exchange.js";

export interface DiscoveryInput {
  upn: string;
  requestVersion: string;
  applicationVersion: string;
  osEdition: string;
  authPolicies: AuthPolicy[];
  /** Resolve EnterpriseEnrollment.<domain> through this port; absent when the URL is given (IdP flows). */
  dns?: DnsPort;
  /** Fixed discovery URL (identity-provider MDM registration, manual entry): skips DNS. */
  url?: string;
  /** Origin to connect to once the name resolved (embedded runs: the loopback listener). Default https://<host>. */
  originFor?: (host: string) => string;
  /** Plain-HTTP origin probed when HTTPS fails (Windows checks whether HTTP redirects). Default http://<host>. */
  httpOriginFor?: (host: string) => string;
  pretty?: boolean;
  strict?: boolean;
  /** The client posts Discover without a body, and why (device state: device/windows/leftovers.ts). */
  bodyDropped?: string;
}

export type DiscoveryOutcome =
  | { status: "found"; url: string; cnameChain: string[]; result: DiscoverResult; redirectedFrom?: string }
  | { status: "insecure-redirect"; location: string; cnameChain: string[] }
  | { status: "fault"; url: string; cnameChain: string[]; fault: SoapFault }
  | { status: "no-host"; host: string; cnameChain: string[] };

export const enrollmentHost = (upn: string): string => {
  const at = upn.lastIndexOf("@");
  if (at < 0 || at === upn.length - 1) throw new ProtocolViolationError("discovery.bad-upn", `"${upn}" has no domain part`);
  return `enterpriseenrollment.${upn.slice(at + 1).toLowerCase()}`;
};

/** Follows CNAMEs (at most 8 hops); the chain starts with the queried name. */
export async function cnameChain(dns: DnsPort, host: string): Promise<{ chain: string[]; resolved: boolean }> {
  const chain = [host];
  let cur = host;
  for (let hop = 0; hop < 8; hop++) {
    const next = (await dns.resolveCname(cur))[0];
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  const a = await dns.resolve4(cur).catch(() => []);
  return { chain, resolved: a.length > 0 || chain.length > 1 };
}

export async function discover(ctx: ProtocolContext, input: DiscoveryInput): Promise<DiscoveryOutcome> {
  let url = input.url;
  let chain: string[] = [];
  let host: string | undefined;
  if (!url) {
    host = enrollmentHost(input.upn);
    const h = host;
    const found = await step(ctx, "discovery.dns", async () => {
      if (!input.dns) throw new ProtocolViolationError("discovery.no-dns", "no DNS port for discovery");
      const r = await cnameChain(input.dns, h);
      decoded(ctx, "discovery.dns", { host: h, cnameChain: r.chain, resolved: r.resolved });
      return r;
    });
    chain = found.chain;
    if (!found.resolved) return { status: "no-host", host, cnameChain: chain };
    url = `${input.originFor ? input.originFor(host) : `https://${host}`}/EnrollmentServer/Discovery.svc`;
  }
  let discoveryUrl = url;
  const headers = { "user-agent": ENROLL_UA, "cache-control": "no-cache", pragma: "no-cache" };
  let redirectedFrom: string | undefined;
  const firstTry = await step(ctx, "discovery.get", async () => {
    try {
      await exchange(ctx, "discovery.get", { method: "GET", url: discoveryUrl, headers });
      return undefined;
    } catch (err) {
      if (!host || !(err instanceof TransportError) || err.kind === "aborted") throw err;
      return err;
    }
  });
  if (firstTry) {
    // HTTPS failed: Windows probes plain HTTP to see whether the name redirects, and asks the user
    // before following a redirect (legacy CNAME targets); an HTTP target is never followed.
    const h = host!;
    const probe = `${input.httpOriginFor ? input.httpOriginFor(h) : `http://${h}`}/EnrollmentServer/Discovery.svc`;
    const location = await step(ctx, "discovery.redirect", async () => {
      let res;
      try {
        res = await exchange(ctx, "discovery.redirect", { method: "GET", url: probe, headers }, { acceptStatus: [301, 302, 303, 307, 308] });
      } catch {
        throw firstTry; // nothing answers on HTTP either: report the HTTPS failure
      }
      const loc = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
      if (!loc) throw firstTry;
      const abs = new URL(loc, probe).toString();
      decoded(ctx, "discovery.redirect", { from: probe, location: abs });
      return abs;
    });
    if (!location.startsWith("https:")) return { status: "insecure-redirect", location, cnameChain: chain };
    // Settings asks the user to confirm the redirect: a step of its own, so a user who cancels there is
    // the timeline's `abandon` at discovery.confirm-redirect (MENROLL_E_USER_CANCELED, device/windows/shown.ts).
    await step(ctx, "discovery.confirm-redirect", async () => decoded(ctx, "discovery.confirm-redirect", { prompt: "redirect confirmation", location, answer: "continue" }));
    redirectedFrom = discoveryUrl;
    discoveryUrl = location;
    await step(ctx, "discovery.get", async () => {
      await exchange(ctx, "discovery.get", { method: "GET", url: discoveryUrl, headers });
    });
  }
  return step(ctx, "discovery.post", async () => {
    if (input.bodyDropped) note(ctx, "discovery.post", { body: "none", why: input.bodyDropped });
    const xml = input.bodyDropped
      ? ""
      : buildEnvelope(
          {
            action: ACTION.discover,
            messageId: `urn:uuid:${ctx.entropy.fork("discovery.msgid").uuid()}`,
            to: discoveryUrl,
            body: discoverBody({
              emailAddress: input.upn,
              requestVersion: input.requestVersion,
              deviceType: "CIMClient_Windows",
              applicationVersion: input.applicationVersion,
              osEdition: input.osEdition,
              authPolicies: input.authPolicies,
            }),
          },
          input.pretty,
        );
    const env = await soapCall(ctx, "discovery.post", discoveryUrl, xml, { strict: input.strict });
    if (env.fault) return { status: "fault" as const, url: discoveryUrl, cnameChain: chain, fault: env.fault };
    const findings = [...env.findings];
    const result = readDiscoverResponse(env.body, findings);
    reportFindings(ctx, "discovery.post", findings.slice(env.findings.length), input.strict);
    if (!input.authPolicies.includes(result.authPolicy as AuthPolicy)) {
      throw new ProtocolViolationError("discovery.auth-policy", `server chose AuthPolicy ${result.authPolicy}, which the device did not offer`);
    }
    decoded(ctx, "discovery.post", { ...result });
    return { status: "found" as const, url: discoveryUrl, cnameChain: chain, result, ...(redirectedFrom ? { redirectedFrom } : {}) };
  });
}
