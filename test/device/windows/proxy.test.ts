// SPDX-License-Identifier: MIT
/**
 * A Windows PC's proxy discovery (device/windows/proxy.ts) on an explicit-proxy network (runner/network), in memory
 * on virtual time: WinHTTP's static proxy or WPAD (DHCP option 252 first, then DNS wpad.<suffix>) for system-context
 * steps, the user's WinINet settings for the sign-in pages; what a failed discovery leaves (direct, and the network's
 * timeout on the device's clock); a proxy the network does not have; a PAC outside the readable subset.
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
import { proxiedClient, stepContext, WindowsProxy, type ProxySettings } from "../../../src/device/windows/proxy.js";

const SERVER = "https://127.0.0.1:8443";
const PROXY = "proxy.corp.example:8080";
const ZTD = `${SERVER}/windows/autopilot/profile`;
const lan = (proxy: NetworkSpec["proxy"], extra: Partial<NetworkSpec> = {}): NetworkSpec => ({ dnsSuffix: "corp.example", proxy: { address: PROXY, ...proxy }, ...extra });

function pc(net: NetworkSpec, settings: ProxySettings = {}) {
  const clock = new VirtualClock();
  const events: TranscriptEvent[] = [];
  const transcript = { record: (e: TranscriptEvent) => void events.push(e) };
  const current: { step?: string } = { step: "autopilot.profile" };
  const fleet = new FleetNetworks({ networks: { lan: net }, groupNetwork: { g: "lan" }, serverOrigins: [SERVER] });
  const on = attachNetwork({ fleet, responder: "http://responder.test" }, { index: 0, id: "pc#0", group: "g" }, { http: new InMemoryHttp({ clock, handler: internetHandler }), dns: zoneDns({}), clock, transcript }, () => current.step);
  const direct = on.http.client();
  const p = { device: "pc#0", clock, http: direct, transcript, timeoutMs: 30_000, maxResponseBytes: 1 << 20, current } as unknown as ProtocolContext;
  const http = proxiedClient(direct, new WindowsProxy(p, settings, on.view), () => current.step, direct);
  const notes = () => events.filter((e) => e.kind === "note").map((e) => JSON.stringify(e.data));
  return { clock, http, current, notes };
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

describe("WinHTTP (system context) on an explicit-proxy network", () => {
  it("without WPAD auto-detect finds nothing (12180), the request goes direct and times out on the device's clock", async () => {
    const c = pc(lan({}));
    const t0 = c.clock.now();
    const e = await failure(c, ZTD);
    expect(e.detail).toBe("connect.timeout");
    expect(e.message).toMatch(/only through its proxy proxy\.corp\.example:8080; a direct connection to ztd\.dds\.microsoft\.com/);
    expect(c.clock.now() - t0).toBe(30_000);
    expect(c.notes().join("\n")).toMatch(/system \(WinHTTP\).*ERROR_WINHTTP_AUTODETECTION_FAILED \(0x80072F94\)/);
    expect(c.notes().join("\n")).toMatch(/no WPAD record in its DNS \(wpad\.corp\.example\)/);
  });

  it("WPAD by DHCP option 252: the PAC comes from the network, the request goes through the proxy at once", async () => {
    const c = pc(lan({ wpad: ["dhcp"], pac: "http://pac.corp.example/proxy.pac", bypass: ["*.corp.example"] }));
    const t0 = c.clock.now();
    expect((await get(c, "http://www.msftconnecttest.com/connecttest.txt")).status).toBe(200);
    expect(c.clock.now()).toBe(t0);
    expect(c.notes().join("\n")).toMatch(/WPAD by DHCP option 252 \(http:\/\/pac\.corp\.example\/proxy\.pac\)/);
    // The PAC sends the intranet DIRECT; a direct request to an intranet host is allowed on the LAN only if it is local.
    expect((await get(c, "http://pac.corp.example/proxy.pac")).headers["content-type"]).toBe("application/x-ns-proxy-autoconfig");
  });

  it("WPAD by DNS (wpad.<suffix>/wpad.dat) when DHCP offers nothing", async () => {
    const c = pc(lan({ wpad: ["dns"] }));
    expect((await get(c, "http://www.msftconnecttest.com/connecttest.txt")).status).toBe(200);
    expect(c.notes().join("\n")).toMatch(/WPAD by DNS \(http:\/\/wpad\.corp\.example\/wpad\.dat\)/);
  });

  it("DHCP option 252 is asked first: when it answers, DNS is not tried", async () => {
    const c = pc(lan({ wpad: ["dhcp", "dns"], pac: "http://pac.corp.example/proxy.pac" }));
    expect((await get(c, "http://www.msftconnecttest.com/connecttest.txt")).status).toBe(200);
    const notes = c.notes().join("\n");
    expect(notes).toMatch(/WPAD by DHCP option 252/);
    expect(notes).not.toMatch(/wpad\.corp\.example\/wpad\.dat/);
  });

  it("a static netsh winhttp proxy is used without discovery; one the network does not have fails as an unresolvable name", async () => {
    const good = pc(lan({}), { winhttp: { server: PROXY } });
    expect((await get(good, "http://www.msftconnecttest.com/connecttest.txt")).status).toBe(200);
    const stale = pc(lan({}), { winhttp: { server: "proxy.oldsite.example:3128" } });
    const e = await failure(stale, "http://www.msftconnecttest.com/connecttest.txt");
    expect(e.detail).toBe("dns.nxdomain");
    expect(e.message).toMatch(/proxy proxy\.oldsite\.example:3128 the device is set to use is not on network "lan"/);
    // The same stale proxy on a network without any proxy (home Wi-Fi) fails the same way.
    const home = pc({}, { winhttp: { server: "proxy.oldsite.example:3128" } });
    expect((await failure(home, "http://www.msftconnecttest.com/connecttest.txt")).detail).toBe("dns.nxdomain");
  });

  it("the proxy asks authentication: the request that found it gets 407 (system context sends no credentials)", async () => {
    const c = pc(lan({ wpad: ["dns"], authentication: "required" }));
    expect((await get(c, ZTD)).status).toBe(407);
  });
});

describe("the user's WinINet settings (the sign-in pages)", () => {
  it("the user's proxy server serves the sign-in steps while system steps still auto-detect and fail", async () => {
    const c = pc(lan({}), { user: { autoDetect: false, server: PROXY } });
    c.current.step = "auth.federated";
    expect((await get(c, "http://www.msftconnecttest.com/connecttest.txt")).status).toBe(200);
    c.current.step = "discovery.post";
    expect((await failure(c, "http://www.msftconnecttest.com/connecttest.txt")).detail).toBe("connect.timeout");
    expect(c.notes().join("\n")).toMatch(/user \(WinINet\).*state\.userProxy\.server/);
  });

  it("automatic detection off and nothing else: direct", async () => {
    const c = pc(lan({ wpad: ["dns"] }), { user: { autoDetect: false } });
    c.current.step = "auth.realm";
    expect((await failure(c, "http://www.msftconnecttest.com/connecttest.txt")).detail).toBe("connect.timeout");
  });

  it("steps map to contexts: web sign-in pages are the user's, everything else the system's", () => {
    for (const s of ["auth.federated", "auth.realm", "oobe.signin", "enroll.terms"]) expect(stepContext(s)).toBe("user");
    for (const s of ["autopilot.profile", "discovery.post", "enroll.wstep", "join.register", "dm.session", "esp.device-setup", undefined]) expect(stepContext(s)).toBe("system");
  });
});

describe("a PAC that cannot be used", () => {
  const proxyWith = (answer: { status: number; body: string }) => {
    const clock = new VirtualClock();
    const events: TranscriptEvent[] = [];
    const p = { device: "pc#0", clock, transcript: { record: (e: TranscriptEvent) => void events.push(e) }, current: {} } as unknown as ProtocolContext;
    const direct: HttpClient = { request: async (req) => ({ status: answer.status, headers: {}, body: new TextEncoder().encode(answer.body), url: req.url }), close: async () => {} };
    const view = { name: () => "lan", pacUrl: () => undefined, dhcp: () => ({ wpadUrl: "http://wpad.corp.example/wpad.dat" }) };
    return new WindowsProxy(p, {}, view).proxyFor(new URL("https://ztd.dds.microsoft.com/"), "system", direct);
  };

  it("a script outside the readable subset is a bad auto-proxy script (12166): the request goes direct", async () => {
    const got = await proxyWith({ status: 200, body: "function FindProxyForURL(url, host) {\n  return myProxy(host);\n}\n" });
    expect(got.via).toBeUndefined();
    expect(got.how).toMatch(/ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT \(0x80072F86\) \(unsupported PAC statement/);
  });

  it("a PAC URL that answers 404 is a script that could not be downloaded (12167): direct", async () => {
    const got = await proxyWith({ status: 404, body: "" });
    expect(got.via).toBeUndefined();
    expect(got.how).toMatch(/ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT \(0x80072F87\) \(HTTP 404\)/);
  });
});
