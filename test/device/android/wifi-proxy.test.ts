// SPDX-License-Identifier: MIT
/** The payload Wi-Fi's proxy (device/android/wifi-proxy.ts) on an explicit-proxy network, in memory on virtual time. */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import { wifiProxied } from "../../../src/device/android/wifi-proxy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { zoneDns } from "../../../src/ports/dns.js";
import type { TranscriptEvent } from "../../../src/ports/transcript.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { attachNetwork } from "../../../src/runner/network/attach.js";
import { FleetNetworks } from "../../../src/runner/network/fleet.js";
import { internetHandler } from "../../../src/server/internet.js";
import type { WifiParams } from "../../../src/wire/android/payload.js";

const PROBE = "http://connectivitycheck.gstatic.com/generate_204";
const wifi = (extra: Partial<WifiParams>): WifiParams => ({ ssid: "corp-wifi", securityType: "NONE", hidden: false, proxyPort: 0, ...extra });

function phone() {
  const clock = new VirtualClock();
  const events: TranscriptEvent[] = [];
  const transcript = { record: (e: TranscriptEvent) => void events.push(e) };
  const fleet = new FleetNetworks({ networks: { lan: { local: ["*.corp.example"], proxy: { address: "proxy.corp.example:8080", pac: "http://pac.corp.example/proxy.pac" } } }, groupNetwork: { g: "lan" }, serverOrigins: [] });
  const on = attachNetwork({ fleet, responder: "http://responder.test" }, { index: 0, id: "p#0", group: "g" }, { http: new InMemoryHttp({ clock, handler: internetHandler }), dns: zoneDns({}), clock, transcript }, () => undefined);
  const base = { device: "p#0", clock, http: on.http.client(), transcript, timeoutMs: 10_000, maxResponseBytes: 1 << 20, current: {} } as unknown as ProtocolContext;
  const w = wifiProxied(base, on.view);
  const get = (url: string) => clock.run(w.ctx.http.request({ method: "GET", url, timeoutMs: 10_000 }));
  return { clock, get, joined: w.joined, events };
}

describe("the payload Wi-Fi's proxy", () => {
  it("before the wizard joined the Wi-Fi requests go direct (and the network drops them); after, through PROXY_HOST:PORT", async () => {
    const p = phone();
    const t0 = p.clock.now();
    await expect(p.get(PROBE)).rejects.toBeInstanceOf(TransportError);
    expect(p.clock.now() - t0).toBe(10_000);
    p.joined(wifi({ proxyHost: "Proxy.corp.example", proxyPort: 8080 }));
    expect((await p.get(PROBE)).status).toBe(204);
  });

  it("a PAC URL: the PAC is fetched directly and read as data; hosts it sends to the proxy get out", async () => {
    const p = phone();
    p.joined(wifi({ pacUrl: "http://pac.corp.example/proxy.pac" }));
    expect((await p.get(PROBE)).status).toBe(204);
    expect((await p.get("http://pac.corp.example/proxy.pac")).status).toBe(200);
  });

  it("a PAC URL that is not served leaves requests direct, noted in the trace", async () => {
    const p = phone();
    p.joined(wifi({ pacUrl: "http://pac.corp.example/missing.pac" }));
    await expect(p.get(PROBE)).rejects.toBeInstanceOf(TransportError);
    expect(p.events.some((e) => e.kind === "note" && JSON.stringify(e.data).includes("HTTP 404"))).toBe(true);
  });
});
