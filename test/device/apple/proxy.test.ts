// SPDX-License-Identifier: MIT
/**
 * An Apple device's network proxy setting (device/apple/proxy.ts) on an explicit-proxy network (runner/network), in
 * memory on virtual time: Off goes direct and fails; Manual and Auto (PAC URL, or WPAD by DHCP 252 / DNS) get out
 * through the proxy; APNs never uses the proxy; an unreachable PAC without ProxyPACFallbackAllowed leaves no
 * connection (kCFErrorPACFileError), with it the request goes direct; a proxy the network lacks does not resolve.
 */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { zoneDns } from "../../../src/ports/dns.js";
import type { HttpClient } from "../../../src/ports/http.js";
import type { TranscriptEvent } from "../../../src/ports/transcript.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { attachNetwork } from "../../../src/runner/network/attach.js";
import { FleetNetworks } from "../../../src/runner/network/fleet.js";
import type { NetworkSpec } from "../../../src/runner/network/types.js";
import { internetHandler } from "../../../src/server/internet.js";
import { AppleProxy, type AppleProxySetting } from "../../../src/device/apple/proxy.js";
import { proxiedHttp } from "../../../src/device/proxy-discovery.js";

const SERVER = "https://127.0.0.1:8443";
const PROXY = "proxy.school.example:8080";
const CLOUD = `${SERVER}/apple/ade/cloudconfig?serial=X`;
const APNS = `${SERVER}/apple/apns/courier?host=courier.push.apple.com&port=5223`;
const net = (proxy: NetworkSpec["proxy"], extra: Partial<NetworkSpec> = {}): NetworkSpec => ({ dnsSuffix: "school.example", proxy: { address: PROXY, directAs: "connect.refused", ...proxy }, ...extra });

function ipad(n: NetworkSpec, setting?: AppleProxySetting) {
  const clock = new VirtualClock();
  const events: TranscriptEvent[] = [];
  const transcript = { record: (e: TranscriptEvent) => void events.push(e) };
  const current: { step?: string } = { step: "ade.cloudconfig" };
  const fleet = new FleetNetworks({ networks: { wifi: n }, groupNetwork: { g: "wifi" }, serverOrigins: [SERVER] });
  const on = attachNetwork({ fleet, responder: "http://responder.test" }, { index: 0, id: "ipad#0", group: "g" }, { http: new InMemoryHttp({ clock, handler: internetHandler }), dns: zoneDns({}), clock, transcript }, () => current.step);
  const direct = on.http.client();
  const p = { device: "ipad#0", clock, http: direct, transcript, timeoutMs: 30_000, maxResponseBytes: 1 << 20, current } as unknown as ProtocolContext;
  const proxy = new AppleProxy(p, setting, on.view, direct);
  const http = proxiedHttp(direct, (u) => proxy.choose(u));
  const notes = () =>
    events
      .filter((e) => e.kind === "note")
      .map((e) => JSON.stringify(e.data))
      .join("\n");
  return { clock, http, proxy, notes };
}

const get = (c: { clock: VirtualClock; http: HttpClient }, url: string) => c.clock.run(c.http.request({ method: "GET", url, timeoutMs: 30_000 }));
const failure = async (c: { clock: VirtualClock; http: HttpClient }, url: string): Promise<TransportError> => {
  const e = await get(c, url).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TransportError);
  return e as TransportError;
};

describe("Apple network proxy on an explicit-proxy network", () => {
  it("Off (no setting): the cloud configuration request goes direct and the firewall refuses it, even where the network publishes WPAD", async () => {
    const c = ipad(net({ wpad: ["dns"] }));
    const e = await failure(c, CLOUD);
    expect(e.kind).toBe("refused");
    expect(e.message).toMatch(/only through its proxy proxy\.school\.example:8080; a direct connection to iprofiles\.apple\.com/);
  });

  it("Manual: requests carry the proxy and get out; the choice is recorded once", async () => {
    const c = ipad(net({}), { type: "manual", server: PROXY });
    expect(await c.proxy.choose(new URL(CLOUD))).toBe(PROXY);
    expect((await get(c, CLOUD)).status).not.toBe(0);
    expect(c.notes()).toMatch(/Manual \(state\.networkProxy\).*proxy\.school\.example:8080/);
  });

  it("a Manual proxy the network does not have: its name does not resolve", async () => {
    const c = ipad(net({}), { type: "manual", server: "proxy.other.example:3128" });
    const e = await failure(c, CLOUD);
    expect(e.detail).toBe("dns.nxdomain");
    expect(e.message).toMatch(/proxy\.other\.example:3128 the device is set to use is not on network/);
  });

  it("Auto without a PAC URL discovers the PAC by WPAD over DNS (wpad.<suffix>) and by DHCP option 252", async () => {
    const dns = ipad(net({ wpad: ["dns"], bypass: ["*.school.example"] }), { type: "auto" });
    expect(await dns.proxy.choose(new URL(CLOUD))).toBe(PROXY);
    expect(await dns.proxy.choose(new URL("http://intranet.school.example/x"))).toBeUndefined();
    expect(dns.notes()).toMatch(/WPAD \(http:\/\/wpad\.school\.example\/wpad\.dat\)/);
    const dhcp = ipad(net({ wpad: ["dhcp"], pac: "http://pac.school.example/proxy.pac" }), { type: "auto" });
    expect(await dhcp.proxy.choose(new URL(CLOUD))).toBe(PROXY);
    expect(dhcp.notes()).toMatch(/WPAD \(http:\/\/pac\.school\.example\/proxy\.pac\)/);
  });

  it("Auto by WPAD on a network that publishes none: discovery finds nothing and requests go direct", async () => {
    const c = ipad(net({}), { type: "auto" });
    expect(await c.proxy.choose(new URL(CLOUD))).toBeUndefined();
    expect(c.notes()).toMatch(/auto proxy discovery \(WPAD\) found no PAC file: no DHCP option 252, and wpad\.school\.example does not resolve/);
    expect((await failure(c, CLOUD)).kind).toBe("refused");
  });

  it("Auto with a PAC URL the network does not serve: no connection (kCFErrorPACFileError) unless ProxyPACFallbackAllowed", async () => {
    const pac = "http://wpad.school.example/missing.pac";
    const strict = ipad(net({ wpad: ["dns"] }), { type: "auto", pacUrl: pac });
    const e = await failure(strict, CLOUD);
    expect(e.kind).toBe("other");
    expect(e.message).toMatch(/kCFErrorPACFileError \(308\): the PAC file http:\/\/wpad\.school\.example\/missing\.pac could not be fetched \(HTTP 404\), and ProxyPACFallbackAllowed is false/);
    const lenient = ipad(net({ wpad: ["dns"] }), { type: "auto", pacUrl: pac, pacFallbackAllowed: true });
    expect(await lenient.proxy.choose(new URL(CLOUD))).toBeUndefined();
    expect(lenient.notes()).toMatch(/ProxyPACFallbackAllowed: requests go direct/);
  });

  it("Auto with the network's own PAC URL uses it", async () => {
    const c = ipad(net({ wpad: ["dns"] }), { type: "auto", pacUrl: "http://wpad.school.example/wpad.dat" });
    expect(await c.proxy.choose(new URL(CLOUD))).toBe(PROXY);
  });

  it("APNs never uses the proxy: the push connection goes direct and is refused even with a Manual proxy", async () => {
    const c = ipad(net({}), { type: "manual", server: PROXY });
    expect(await c.proxy.choose(new URL(APNS))).toBeUndefined();
    const e = await failure(c, APNS);
    expect(e.message).toMatch(/a direct connection to courier\.push\.apple\.com/);
    expect(c.notes()).toMatch(/courier\.push\.apple\.com is reached directly: APNs needs a direct and persistent connection/);
  });

  it("a network whose PAC and firewall let *.push.apple.com out directly (proxy.bypass): the direct push connection gets out", async () => {
    const c = ipad(net({ bypass: ["*.push.apple.com"] }), { type: "manual", server: PROXY });
    expect(await c.proxy.choose(new URL(APNS))).toBeUndefined();
    await expect(get(c, APNS)).resolves.toBeDefined();
    expect((await failure(ipad(net({ bypass: ["*.push.apple.com"] })), CLOUD)).kind).toBe("refused");
  });
});
