// SPDX-License-Identifier: MIT
/**
 * The network model (runner/network): what a device's network does with each request (firewall,
 * closed network with local hosts, captive portal until sign-in, joining another network), the
 * platform connectivity checks read as the platforms read them, and Android's wait for a validated
 * network on virtual time (NetworkMonitor's 1 s doubling re-evaluation, the probe deadline).
 */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { TranscriptEvent, TranscriptSink } from "../../../src/ports/transcript.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { judgeProbe, probeConnectivity, waitForValidatedNetwork } from "../../../src/protocol/common/connectivity.js";
import { FleetNetworks } from "../../../src/runner/network/fleet.js";
import { networkDns, networkHttp } from "../../../src/runner/network/ports.js";
import type { NetworkSpec } from "../../../src/runner/network/types.js";
import { internetHandler } from "../../../src/server/internet.js";

const SERVER = "https://127.0.0.1:8443";
const nets = (networks: Record<string, NetworkSpec>, group = "g") => new FleetNetworks({ networks, groupNetwork: { [group]: Object.keys(networks)[0] }, serverOrigins: [SERVER] });
const at = (n: FleetNetworks, url: string) => n.decide(0, "g", { url: new URL(url) });

describe("network decisions", () => {
  it("a firewall blocks the hosts it lists (platform-service stand-ins by their real host), not the rest", () => {
    const n = nets({ corp: { blocked: ["play.google.com", "*.apple.com"] } });
    expect(at(n, `${SERVER}/android/apk/clouddpc.apk`)).toMatchObject({ kind: "fail", host: "play.google.com", detail: "connect.timeout" });
    expect(at(n, `${SERVER}/apple/apns/courier?host=courier.push.apple.com&port=5223`)).toMatchObject({ kind: "fail", host: "courier.push.apple.com" });
    expect(at(n, `${SERVER}/android/apk/headwind.apk`)).toEqual({ kind: "pass", host: "mdm" });
    expect(at(n, "http://connectivitycheck.gstatic.com/generate_204")).toEqual({ kind: "pass", host: "connectivitycheck.gstatic.com" });
    // Name look-ups still resolve behind a firewall.
    expect(n.decide(0, "g", { name: "play.google.com" })).toEqual({ kind: "pass", host: "play.google.com" });
    // A DNS filter fails the look-up too.
    const filter = nets({ corp: { blocked: ["*.manage.microsoft.com"], blockedAs: "dns.nxdomain" } });
    expect(filter.decide(0, "g", { name: "enrollment.manage.microsoft.com" })).toMatchObject({ kind: "fail", detail: "dns.nxdomain" });
  });

  it("a host:port rule blocks that port only (APNs 5223 blocked, the 443 fallback passes)", () => {
    const n = nets({ guest: { blocked: ["courier.push.apple.com:5223", "*:5228"] } });
    expect(at(n, `${SERVER}/apple/apns/courier?host=courier.push.apple.com&port=5223`)).toMatchObject({ kind: "fail", reason: expect.stringContaining("blocks courier.push.apple.com:5223") });
    expect(at(n, `${SERVER}/apple/apns/courier?host=courier.push.apple.com&port=443`)).toEqual({ kind: "pass", host: "courier.push.apple.com" });
    expect(at(n, "http://mtalk.example:5228/")).toMatchObject({ kind: "fail" });
    expect(at(n, "http://mtalk.example/")).toEqual({ kind: "pass", host: "mtalk.example" });
    // A look-up has no port: port rules never fail it.
    expect(n.decide(0, "g", { name: "courier.push.apple.com" })).toEqual({ kind: "pass", host: "courier.push.apple.com" });
  });

  it("`mdm` in a host list is the MDM server: blocked, or local on a closed network", () => {
    expect(at(nets({ corp: { blocked: ["mdm"] } }), `${SERVER}/EnrollmentServer/Discovery.svc`)).toMatchObject({ kind: "fail", host: "mdm" });
    const closed = nets({ closed: { internet: false, local: ["mdm", "192.168.1.*"], unreachableAs: "connect.refused" } });
    expect(at(closed, `${SERVER}/android/apk/headwind.apk`)).toEqual({ kind: "pass", host: "mdm" });
    expect(at(closed, "http://192.168.1.12:8080/proxy.pac")).toEqual({ kind: "pass", host: "192.168.1.12" });
    expect(at(closed, `${SERVER}/android/apk/clouddpc.apk`)).toMatchObject({ kind: "fail", host: "play.google.com", detail: "connect.refused" });
    // A DNS look-up on a closed network fails as DNS does (never as a refused connection).
    expect(closed.decide(0, "g", { name: "enterpriseenrollment.contoso.com" })).toMatchObject({ kind: "fail", detail: "dns.timeout" });
    // Without local hosts the MDM server is on the internet too.
    expect(at(nets({ closed: { internet: false } }), `${SERVER}/apple/mdm`)).toMatchObject({ kind: "fail", host: "mdm", detail: "dns.timeout" });
  });

  it("a captive portal answers for internet hosts until the device signs in; its own host and local hosts pass", () => {
    const n = nets({ hotel: { captivePortal: { signIn: "http://portal.hotel.example/login" }, local: ["printer.local"] } });
    expect(at(n, "http://www.msftconnecttest.com/connecttest.txt")).toMatchObject({ kind: "portal" });
    expect(at(n, "http://portal.hotel.example/login")).toEqual({ kind: "pass", host: "portal.hotel.example" });
    expect(at(n, "http://printer.local/")).toEqual({ kind: "pass", host: "printer.local" });
    expect(n.decide(0, "g", { name: "login.microsoftonline.com" })).toEqual({ kind: "pass", host: "login.microsoftonline.com" });
    expect(n.apply({ kind: "portalSignIn" }, [{ index: 0, group: "g" }])).toMatch(/1 device\(s\) signed in/);
    expect(at(n, "http://www.msftconnecttest.com/connecttest.txt")).toEqual({ kind: "pass", host: "www.msftconnecttest.com" });
    // Another device of the group has not signed in.
    expect(n.decide(1, "g", { url: new URL("http://captive.apple.com/hotspot-detect.html") })).toMatchObject({ kind: "portal" });
  });

  it("a proxy that requires authentication answers 407 for internet hosts; local hosts bypass it", async () => {
    const n = nets({ corp: { proxy: { authentication: "required" }, local: ["intranet.local"] } });
    expect(at(n, `${SERVER}/EnrollmentServer/Discovery.svc`)).toMatchObject({ kind: "proxy-auth", host: "mdm" });
    expect(at(n, "http://intranet.local/")).toEqual({ kind: "pass", host: "intranet.local" });
    const clock = new VirtualClock();
    const d = device(n, clock);
    const res = await clock.run(d.ctx.http.request({ method: "GET", url: `${SERVER}/EnrollmentServer/Discovery.svc` }));
    expect(res).toMatchObject({ status: 407, headers: { "proxy-authenticate": 'Basic realm="proxy"' } });
    expect((await clock.run(probeConnectivity(d.ctx, "android"))).state).toBe("no-internet");
  });

  it("a proxy with authentication: none forwards internet requests (no 407)", () => {
    const n = nets({ corp: { proxy: { authentication: "none" } } });
    expect(at(n, `${SERVER}/EnrollmentServer/Discovery.svc`)).toEqual({ kind: "pass", host: "mdm" });
  });

  it("joinNetwork moves devices to another network; devices of groups without one are not modelled", () => {
    const n = new FleetNetworks({ networks: { closed: { internet: false }, open: {} }, groupNetwork: { g: "closed", other: undefined }, serverOrigins: [SERVER] });
    expect(at(n, `${SERVER}/apple/mdm`)).toMatchObject({ kind: "fail" });
    expect(n.apply({ kind: "joinNetwork", network: "open" }, [{ index: 0, group: "g" }])).toBe('1 device(s) joined network "open"');
    expect(at(n, `${SERVER}/apple/mdm`)).toEqual({ kind: "pass", host: "mdm" });
    expect(n.decide(5, "other", { url: new URL(`${SERVER}/apple/mdm`) })).toBeUndefined();
    expect(n.apply({ kind: "joinNetwork", network: "nope" }, [])).toMatch(/not applied/);
  });
});

describe("connectivity checks read as each platform reads them", () => {
  const res = (status: number, body = "", headers: Record<string, string> = {}) => ({ status, body: new Uint8Array(Buffer.from(body)), headers });
  it("Android: 204 or an empty 200 validate, a PAC file's 200 validates, other 2xx/3xx are a portal, the rest not validated", () => {
    const u = "http://connectivitycheck.gstatic.com/generate_204";
    expect(judgeProbe("android", u, res(204), false).state).toBe("validated");
    expect(judgeProbe("android", u, res(200, "", { "content-length": "0" }), false).state).toBe("validated");
    expect(judgeProbe("android", u, res(200, "<html>login</html>"), false).state).toBe("portal");
    expect(judgeProbe("android", u, res(200, "function FindProxyForURL(){}"), true).state).toBe("validated");
    expect(judgeProbe("android", u, res(302, "", { location: "http://portal/login" }), false)).toMatchObject({ state: "portal", signIn: "http://portal/login" });
    expect(judgeProbe("android", u, res(503), false).state).toBe("no-internet");
  });
  it("Windows and Apple: only the expected body validates", () => {
    expect(judgeProbe("windows", "x", res(200, "Microsoft Connect Test"), false).state).toBe("validated");
    expect(judgeProbe("windows", "x", res(200, "<html>hotel wifi</html>"), false).state).toBe("portal");
    expect(judgeProbe("apple", "x", res(200, "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"), false).state).toBe("validated");
    expect(judgeProbe("apple", "x", res(200, "Sign in"), false).state).toBe("portal");
  });
});

/** A device context on virtual time whose requests pass its network and reach the internet responder in memory. */
function device(n: FleetNetworks, clock: VirtualClock) {
  const events: TranscriptEvent[] = [];
  const transcript: TranscriptSink = { record: (e) => events.push(e) };
  const current: { step?: string } = {};
  const inner = new InMemoryHttp({ clock, handler: internetHandler });
  const http = networkHttp(inner, n, { index: 0, id: "dev#0", group: "g" }, { clock, transcript, step: () => current.step, responder: "http://responder.test" }).client();
  const steps: { step: string; ok: boolean }[] = [];
  const ctx = { device: "dev#0", clock, http, transcript, timeoutMs: 30_000, maxResponseBytes: 1 << 20, current, onStep: (s: { step: string; ok: boolean }) => steps.push(s), log: { child: () => ({}) } } as unknown as ProtocolContext;
  return { ctx, events, steps };
}

describe("probes through the network (in memory, virtual time)", () => {
  it("each platform's check validates on an open network and sees the portal behind one", async () => {
    const clock = new VirtualClock();
    const open = device(nets({ open: {} }), clock);
    for (const p of ["android", "windows", "ios"]) expect((await clock.run(probeConnectivity(open.ctx, p))).state).toBe("validated");
    const hotel = device(nets({ hotel: { captivePortal: {} } }), clock);
    const r = await clock.run(probeConnectivity(hotel.ctx, "windows"));
    expect(r).toMatchObject({ state: "portal", status: 302, signIn: "http://portal.enrollsim.test/login" });
    expect(hotel.steps).toEqual([{ step: "network.probe", ok: false, ms: 0 }].map(({ step, ok }) => expect.objectContaining({ step, ok })));
    expect(hotel.events.some((e) => e.kind === "note" && (e.data as { injected?: boolean }).injected === true && /captive portal/.test(String((e.data as { network?: string }).network)))).toBe(true);
  });

  it("a portal that serves its page in place (status 200) is a portal to Apple and Windows, not success", async () => {
    const clock = new VirtualClock();
    const d = device(nets({ cafe: { captivePortal: { status: 200 } } }), clock);
    expect((await clock.run(probeConnectivity(d.ctx, "macos"))).state).toBe("portal");
  });

  it("Android waits for a validated network: a probe times out after 10 s, re-evaluation waits 1 s doubling, and joining a network with internet ends the wait", async () => {
    const clock = new VirtualClock();
    const n = new FleetNetworks({ networks: { closed: { internet: false }, open: {} }, groupNetwork: { g: "closed" }, serverOrigins: [SERVER] });
    const d = device(n, clock);
    const start = clock.now();
    clock.setTimer(50_000, () => n.join(0, "open"));
    const { result, probes } = await clock.run(waitForValidatedNetwork(d.ctx, "android"));
    expect(result.state).toBe("validated");
    // Probes at 0, 11, 23, 37 s fail after their 10 s DNS timeout (waits 1, 2, 4, 8 s between); the fifth, at 55 s, is on the open network.
    expect(probes).toBe(5);
    expect(clock.now() - start).toBe(55_000);
    expect(d.steps.map((s) => s.ok)).toEqual([false, false, false, false, true]);
  });

  it("the re-evaluation delay stops doubling at 10 minutes", async () => {
    const clock = new VirtualClock();
    const n = new FleetNetworks({ networks: { closed: { internet: false, unreachableAs: "connect.refused" }, open: {} }, groupNetwork: { g: "closed" }, serverOrigins: [SERVER] });
    const d = device(n, clock);
    const probeTimes: number[] = [];
    const start = clock.now();
    const ctx = { ...d.ctx, onStep: () => probeTimes.push(clock.now() - start) } as ProtocolContext;
    // Refused connections fail at once: probes at 0, 1, 3, 7, ... s; after 2^10 s > 600 s the delay is 600 s.
    clock.setTimer(3_000_000, () => n.join(0, "open"));
    await clock.run(waitForValidatedNetwork(ctx, "android"), 10_000_000);
    const gaps = probeTimes.slice(1).map((t, i) => t - probeTimes[i]!);
    expect(gaps.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((s) => s * 1000));
    expect(gaps.slice(10, -1).every((g) => g === 600_000)).toBe(true);
  });

  it("the PAC file of the network is what Android probes, and its 200 validates a network without internet", async () => {
    const clock = new VirtualClock();
    const n = nets({ closed: { internet: false, local: ["pac.local"], proxy: { pac: "http://pac.local/proxy.pac" } } });
    const d = device(n, clock);
    const { result, probes } = await clock.run(waitForValidatedNetwork(d.ctx, "android", { pacUrl: () => n.pacUrl(0, "g") }));
    expect(result).toMatchObject({ state: "validated", url: "http://pac.local/proxy.pac", status: 200 });
    expect(probes).toBe(1);
  });

  it("a firewall that drops a connection makes the device wait out its request deadline; one that rejects it fails at once", async () => {
    const clock = new VirtualClock();
    const drop = device(nets({ corp: { blocked: ["play.google.com"] } }), clock);
    let start = clock.now();
    const dropped = await clock.run(drop.ctx.http.request({ method: "GET", url: `${SERVER}/android/apk/clouddpc.apk`, timeoutMs: 7_000 }).catch((e: unknown) => e));
    expect(dropped).toMatchObject({ code: "transport.timeout", detail: "connect.timeout" });
    expect(clock.now() - start).toBe(7_000);
    const reject = device(nets({ corp: { blocked: ["play.google.com"], blockedAs: "connect.refused" } }), clock);
    start = clock.now();
    await expect(clock.run(reject.ctx.http.request({ method: "GET", url: `${SERVER}/android/apk/clouddpc.apk` }))).rejects.toMatchObject({ code: "transport.refused" });
    expect(clock.now() - start).toBe(0);
  });

  it("behind a portal, HTTPS meets the portal's certificate (or a dropped connection) and plain HTTP its redirect", async () => {
    const clock = new VirtualClock();
    const tls = device(nets({ hotel: { captivePortal: {} } }), clock);
    await expect(clock.run(tls.ctx.http.request({ method: "GET", url: `${SERVER}/EnrollmentServer/Auth` }))).rejects.toMatchObject({ code: "transport.tls", detail: "tls.wrong-host" });
    const dropped = device(nets({ hotel: { captivePortal: { https: "connect.timeout" } } }), clock);
    const start = clock.now();
    await expect(clock.run(dropped.ctx.http.request({ method: "GET", url: `${SERVER}/EnrollmentServer/Auth`, timeoutMs: 3_000 }))).rejects.toMatchObject({ detail: "connect.timeout" });
    expect(clock.now() - start).toBe(3_000);
    const res = await clock.run(tls.ctx.http.request({ method: "GET", url: "http://example.com/" }));
    expect(res).toMatchObject({ status: 302, headers: { location: "http://portal.enrollsim.test/login" } });
  });

  it("DNS look-ups on a closed network time out on the device's clock; HTTP to another host is refused without a responder", async () => {
    const clock = new VirtualClock();
    const n = nets({ closed: { internet: false } });
    const dns = networkDns({ resolve4: async () => ["1.2.3.4"], resolveCname: async () => [] }, n, { index: 0, id: "d", group: "g" }, { clock, transcript: { record() {} }, step: () => undefined });
    const start = clock.now();
    await expect(clock.run(dns.resolve4("enterpriseenrollment.contoso.com"))).rejects.toMatchObject({ code: "transport.dns", detail: "dns.timeout" });
    expect(clock.now() - start).toBe(10_000);
    const open = nets({ open: {} });
    const http = networkHttp(new InMemoryHttp({ clock, handler: internetHandler }), open, { index: 0, id: "d", group: "g" }, { clock, transcript: { record() {} }, step: () => undefined }).client();
    const err = await clock.run(http.request({ method: "GET", url: "http://example.com/" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).detail).toBe("connect.refused");
  });
});
