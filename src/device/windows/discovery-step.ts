// SPDX-License-Identifier: MIT
/**
 * Discovery handling: the discovery URL (identity-provider flows, or given), else the
 * EnterpriseEnrollment DNS name through the embedded, overridden or system resolver, redirect
 * confirmation, and the manual server address Settings asks for when no host answers.
 */
import { ScenarioError } from "../../errors/index.js";
import { note } from "../../protocol/common/context.js";
import { discover, enrollmentHost, type DiscoveryOutcome } from "../../protocol/windows/discovery.js";
import type { AuthPolicy, DiscoverResult } from "../../wire/windows/discovery.js";
import { hresultHex, MENROLL } from "../../wire/windows/menroll.js";
import { serverZone } from "./dns.js";
import { discoverBodyDropped } from "./leftovers.js";
import { requestVersionFor } from "../windows-builds.js";
import { dnsWithZone } from "../../ports/dns.js";
import { faultResult, type EnrollRun, type WindowsFlowResult } from "./run.js";

export async function runDiscovery(run: EnrollRun): Promise<{ disc: DiscoverResult; requestVersion: string } | WindowsFlowResult> {
  const { ctx, o, id, p, report, fail, upn, osEdition, win11, pretty, strict, embedded, https, tokenFlow } = run;
  const authPolicies: AuthPolicy[] = tokenFlow ? ["Federated"] : o.raw.certificateAuth ? ["Certificate", "OnPremise", "Federated"] : ["OnPremise", "Federated"];
  // The RequestVersion the build sends by itself (devices/windows/builds.yaml, nearest earlier row), unless the
  // scenario sets one; without a table (a bare library use), enrollsim's earlier defaults.
  const byBuild = requestVersionFor(id.windows?.builds ?? [], id.os.version);
  const requestVersion = o.raw.requestVersion ?? byBuild?.requestVersion ?? (win11 ? "5.0" : "4.0");
  const versionFrom =
    o.raw.requestVersion !== undefined
      ? "options.windows.requestVersion"
      : byBuild
        ? `devices/windows/builds.yaml, build ${byBuild.build} (${byBuild.source})`
        : "no Windows build table: enrollsim's default";
  let dOut: DiscoveryOutcome;
  const bodyDropped = discoverBodyDropped(id, o.kind);
  const base = { upn, requestVersion, applicationVersion: id.os.version, osEdition: osEdition, authPolicies, pretty, strict, ...(bodyDropped ? { bodyDropped } : {}) };
  if (o.raw.discoveryUrl || tokenFlow) {
    const url = o.raw.discoveryUrl ?? run.mdmDiscoveryUrl ?? (https ? `${https}/EnrollmentServer/Discovery.svc` : undefined);
    if (!url) throw new ScenarioError("identity-provider flows need options.windows.discoveryUrl (the MDM discovery URL of the IdP registration)");
    dOut = await discover(p, { ...base, url });
  } else {
    const domain = enrollmentHost(upn).slice("enterpriseenrollment.".length);
    // The run's server (embedded, or --server / targets.server): the device reaches it through an
    // in-process zone, so the UPN domain never resolves outside the run. The system resolver is
    // used only when the scenario asks for it (dns: system).
    const serverBase = https ?? ctx.targets.server?.http;
    const target = serverBase ? new URL(serverBase) : undefined;
    const mode = o.raw.dns ?? (embedded ? "embedded" : o.raw.dnsOverrides ? "overrides" : target ? "server" : undefined);
    if (!mode) {
      throw new ScenarioError(
        `windows-byod: no server to resolve EnterpriseEnrollment.${domain} to; give --server URL (targets.server), options.windows.dnsOverrides, or options.windows.dns: system to query this machine's resolver`,
      );
    }
    if ((mode === "embedded" || mode === "server") && !target) throw new ScenarioError(`options.windows.dns: ${mode} needs a server URL (--server / targets.server)`);
    const inRun = mode === "embedded" || mode === "server";
    const dns = inRun
      ? dnsWithZone(ctx.ports.dns, serverZone(domain, target!.hostname))
      : mode === "overrides"
        ? dnsWithZone(ctx.ports.dns, o.raw.dnsOverrides ?? {})
        : ctx.ports.dns;
    // The HTTP port connects by URL, not through the DNS port: once the enrollment name resolved in
    // the run's zone, the device connects at the server's origin (its TLS name), and probes plain
    // HTTP at the server's HTTP listener (or port 80 of its host).
    const httpBase = ctx.targets.server?.http ?? (target ? `http://${target.hostname}` : undefined);
    const httpsOrigin = https ?? (target ? `https://${target.host}` : undefined);
    dOut = await discover(p, {
      ...base,
      dns,
      ...(inRun && httpsOrigin ? { originFor: () => httpsOrigin } : {}),
      ...(inRun && httpBase ? { httpOriginFor: () => httpBase.replace(/\/$/, "") } : {}),
    });
    if (dOut.status === "no-host") {
      note(p, "discovery.dns", { prompt: "Settings asks the user for the server address", host: dOut.host });
      if (!o.raw.manualServerUrl) {
        return fail("windows.discovery.no-enrollment-host", "discovery.dns", `No DNS record for ${dOut.host}: Settings asks the user to type the server address (none given)`);
      }
      dOut = await discover(p, { ...base, url: o.raw.manualServerUrl });
    }
  }
  if (dOut.status === "no-host") return fail("windows.discovery.no-enrollment-host", "discovery.dns", `no host ${dOut.host}`);
  if (dOut.status === "insecure-redirect") {
    const m = MENROLL.MENROLL_E_INSECUREREDIRECT!;
    return fail("windows.discovery.insecure-redirect", "discovery.redirect", `${m.name} (${hresultHex(m.hresult)}): discovery redirected to ${dOut.location}`);
  }
  report.discovery = {
    url: dOut.url,
    cnameChain: dOut.cnameChain,
    ...(dOut.status === "found" && dOut.redirectedFrom ? { redirectedFrom: dOut.redirectedFrom } : {}),
    requestVersion: { value: requestVersion, from: versionFrom },
  };
  if (dOut.status === "fault") return faultResult("discovery.post", dOut.fault, report);
  const disc = dOut.result;
  return { disc, requestVersion };
}
