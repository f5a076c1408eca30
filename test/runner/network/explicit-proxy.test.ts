// SPDX-License-Identifier: MIT
/**
 * An explicit (non-transparent) proxy on a network (runner/network): direct connections to internet hosts fail,
 * requests sent to the network's proxy get out (or meet its 407), a proxy the network does not have does not
 * resolve, the network's web server answers its PAC URL and wpad.<suffix> only when WPAD by DNS is published, and
 * DHCP offers option 252 only when WPAD by DHCP is. Loading: the keys' dependencies are refused at file:line:column.
 */
import { describe, expect, it } from "vitest";
import { FleetNetworks } from "../../../src/runner/network/fleet.js";
import type { NetworkSpec } from "../../../src/runner/network/types.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const SERVER = "https://127.0.0.1:8443";
const nets = (n: NetworkSpec) => new FleetNetworks({ networks: { lan: n }, groupNetwork: { g: "lan" }, serverOrigins: [SERVER] });
const at = (n: FleetNetworks, url: string, via?: string) => n.decide(0, "g", { url: new URL(url), ...(via ? { via } : {}) });
const PROXY = "proxy.corp.example:8080";

describe("explicit proxy decisions", () => {
  it("direct requests to internet hosts fail as directAs; through the proxy they pass; local hosts pass either way", () => {
    const n = nets({ dnsSuffix: "corp.example", local: ["*.corp.example"], proxy: { address: PROXY } });
    expect(at(n, `${SERVER}/windows/autopilot/profile`)).toMatchObject({ kind: "fail", host: "ztd.dds.microsoft.com", detail: "connect.timeout" });
    expect(at(n, `${SERVER}/windows/autopilot/profile`, PROXY)).toEqual({ kind: "pass", host: "ztd.dds.microsoft.com" });
    expect(at(n, `${SERVER}/EnrollmentServer/Discovery.svc`, "PROXY.corp.example:8080")).toEqual({ kind: "pass", host: "mdm" });
    expect(at(n, "http://intranet.corp.example/")).toEqual({ kind: "pass", host: "intranet.corp.example" });
    // Names resolve by default (the firewall drops the connection); directAs dns.* makes the internal DNS refuse them.
    expect(n.decide(0, "g", { name: "ztd.dds.microsoft.com" })).toEqual({ kind: "pass", host: "ztd.dds.microsoft.com" });
    const dnsOnly = nets({ proxy: { address: PROXY, directAs: "dns.nxdomain" } });
    expect(dnsOnly.decide(0, "g", { name: "ztd.dds.microsoft.com" })).toMatchObject({ kind: "fail", detail: "dns.nxdomain" });
    expect(at(dnsOnly, "http://www.msftconnecttest.com/connecttest.txt")).toMatchObject({ kind: "fail", detail: "dns.nxdomain" });
  });

  it("a proxy the network does not have does not resolve, on an explicit-proxy network and on an open one", () => {
    expect(at(nets({ proxy: { address: PROXY } }), "http://example.com/", "proxy.old.example:3128")).toMatchObject({ kind: "fail", detail: "dns.nxdomain", reason: expect.stringContaining("proxy.old.example:3128") });
    expect(at(nets({}), "http://example.com/", "proxy.old.example:3128")).toMatchObject({ kind: "fail", detail: "dns.nxdomain" });
    // Without a proxy setting the open network is unchanged.
    expect(at(nets({}), "http://example.com/")).toEqual({ kind: "pass", host: "example.com" });
  });

  it("authentication required: requests through the proxy get 407", () => {
    expect(at(nets({ proxy: { address: PROXY, authentication: "required" } }), `${SERVER}/windows/drs/join`, PROXY)).toMatchObject({ kind: "proxy-auth", host: "enterpriseregistration.windows.net" });
  });

  it("the network serves its PAC at its PAC URL and at wpad.<suffix> only when WPAD by DNS is published; DHCP offers 252 only with wpad dhcp", () => {
    const none = nets({ dnsSuffix: "corp.example", proxy: { address: PROXY } });
    expect(at(none, "http://wpad.corp.example/wpad.dat")).toMatchObject({ kind: "fail", detail: "dns.nxdomain" });
    expect(none.dhcp(0, "g")).toEqual({ dnsSuffix: "corp.example" });
    const dns = nets({ dnsSuffix: "corp.example", proxy: { address: PROXY, wpad: ["dns"] } });
    expect(at(dns, "http://wpad.corp.example/wpad.dat")).toMatchObject({ kind: "pac" });
    expect(dns.decide(0, "g", { name: "wpad.corp.example" })).toEqual({ kind: "pass", host: "wpad.corp.example" });
    const dhcp = nets({ proxy: { address: PROXY, wpad: ["dhcp"], pac: "http://10.0.0.5/proxy.pac" } });
    expect(dhcp.dhcp(0, "g")).toEqual({ wpadUrl: "http://10.0.0.5/proxy.pac" });
    expect(at(dhcp, "http://10.0.0.5/proxy.pac")).toMatchObject({ kind: "pac" });
    // A network without an explicit proxy has no wpad record either (a PC that auto-detects there finds nothing).
    expect(at(nets({ dnsSuffix: "home.example" }), "http://wpad.home.example/wpad.dat")).toMatchObject({ kind: "fail", detail: "dns.nxdomain" });
    // A transparent proxy (no address) keeps its old meaning: nothing is refused, nothing is offered.
    const transparent = nets({ proxy: { pac: "http://10.0.0.5/proxy.pac" } });
    expect(at(transparent, "http://example.com/")).toEqual({ kind: "pass", host: "example.com" });
    expect(transparent.dhcp(0, "g")).toEqual({});
  });
});

describe("loading an explicit proxy", () => {
  const context = { modelIds: ["windows-11-laptop"], flows: ["windows-autopilot"] };
  const text = (network: string) => `name: n
server: embedded
networks:
  lan: ${network}
groups:
  - { name: g, model: windows-11-laptop, count: 1, flow: windows-autopilot, network: lan }
`;
  it("accepts the vocabulary", () => {
    const s = parseScenario(text('{ dnsSuffix: corp.example, proxy: { address: "proxy.corp.example:8080", wpad: [dhcp, dns], pac: "http://wpad.corp.example/wpad.dat", bypass: ["*.corp.example"], directAs: dns.nxdomain } }'), "ok.yaml", context);
    expect(s.networks?.lan?.proxy).toMatchObject({ address: "proxy.corp.example:8080", wpad: ["dhcp", "dns"] });
  });

  it("refuses WPAD without what it needs, explicit-proxy keys without an address, and a bad address, at their line", () => {
    expect(scenarioLoadError(text('{ proxy: { address: "p.example:8080", wpad: [dhcp] } }'), "bad.yaml", context).message).toMatch(/^bad\.yaml:4:\d+: .*option 252\) carries the PAC URL: give proxy\.pac/);
    expect(scenarioLoadError(text('{ proxy: { address: "p.example:8080", wpad: [dns] } }'), "bad.yaml", context).message).toMatch(/^bad\.yaml:4:\d+: .*give the network a dnsSuffix/);
    expect(scenarioLoadError(text("{ proxy: { wpad: [dns] }, dnsSuffix: corp.example }"), "bad.yaml", context).message).toMatch(/proxy\.wpad belongs to an explicit proxy: give proxy\.address/);
    expect(scenarioLoadError(text('{ proxy: { address: "proxy.corp.example" } }'), "bad.yaml", context).message).toMatch(/host:port/);
    expect(scenarioLoadError(text('{ proxy: { address: "p.example:1", wpad: [dhpc] } }'), "bad.yaml", context).message).toMatch(/dhpc.*(did you mean "dhcp"|dhcp)/s);
  });

  it("the PC's proxy settings are schema-checked with a did-you-mean and the expected form", () => {
    const ctx = { modelIds: ["windows-11-laptop"], flows: ["windows-byod"] };
    const doc = (state: string) => `name: n\nserver: embedded\ngroups:\n  - { name: g, model: windows-11-laptop, count: 1, flow: windows-byod, state: ${state} }\n`;
    const s = parseScenario(doc('{ winhttpProxy: { server: "proxy.corp.example:8080", bypass: ["<local>", "*.corp.example"] }, userProxy: { autoDetect: false, script: "http://wpad.corp.example/wpad.dat" } }'), "ok.yaml", ctx);
    expect(s.groups[0]!.state).toMatchObject({ winhttpProxy: { server: "proxy.corp.example:8080" }, userProxy: { autoDetect: false } });
    expect(scenarioLoadError(doc('{ winhttpProxy: { sever: "proxy.corp.example:8080" } }'), "bad.yaml", ctx).message).toMatch(/^bad\.yaml:4:\d+: unknown property "sever".*did you mean "server"/);
    expect(scenarioLoadError(doc('{ userProxy: { server: "proxy" } }'), "bad.yaml", ctx).message).toMatch(/must be host:port, e\.g\. proxy\.corp\.example:8080 \(got "proxy"\)/);
  });
});
