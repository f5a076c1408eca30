// SPDX-License-Identifier: MIT
/**
 * Setup Assistant and the cloud configuration's enrollment URLs (device/apple/ade-enroll-url.ts), on
 * virtual time against the in-memory reference server: configuration_web_url → the web view GET,
 * url → the MachineInfo POST, neither → no request and the Remote Management pane again (no default
 * URL); an error status or a non-profile answer is the device's own record (outcome code with the
 * status, mdmclient's CloudConfig lines on macOS), not a bare transport code; the user's Try Again
 * (timeline tryAgain, after its wait on the scenario clock) asks again.
 */
import { describe, expect, it } from "vitest";
import { createTimeline } from "../../../src/api/timeline.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger } from "../../../src/ports/index.js";
import type { HttpHandler, HttpRequest } from "../../../src/ports/http.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import type { DeviceResult } from "../../../src/runner/observer.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { testFleetEnv } from "../../support/fleet-env.js";
import { appleWorld, crypto, URLS } from "./harness.js";

const ENROLL = "/apple/ade/enroll";
const answer = (status: number, type: string, body = "") => ({ status, headers: { "content-type": type }, body: new Uint8Array(Buffer.from(body)), url: "" });

/** A world whose enrollment URL answers `status` (after `delayMs` on the virtual clock); every request is kept. */
async function refusing(status: number, o: { delayMs?: number; type?: string; body?: string } = {}) {
  const seen: HttpRequest[] = [];
  const w = await appleWorld({}, {}, (h: HttpHandler) => async (req) => {
    seen.push(req);
    if (new URL(req.url).pathname !== ENROLL) return h(req);
    if (o.delayMs) await w.clock.sleep(o.delayMs);
    return answer(status, o.type ?? "text/plain", o.body ?? "unauthorized enrollment client: not signed by Apple Device CA\n");
  });
  return { w, seen };
}

const notes = (events: { step?: string; kind: string; data: unknown }[]) => events.filter((e) => e.step === "ade.enroll" && e.kind === "note").map((e) => e.data as Record<string, unknown>);

describe("ADE: which enrollment URL Setup Assistant asks", () => {
  it("neither url nor configuration_web_url: no request, no default URL; the Remote Management pane again", async () => {
    const { w, seen } = await refusing(200);
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-ade", { apple: { ade: { cloudConfig: { is_supervised: true, await_device_configured: false } } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.no-enrollment-url", step: "ade.enroll" });
    expect(r.shown).toMatchObject({ text: "Retrieving Enrollment Profile", screen: "Setup Assistant › Remote Management", unknown: { of: "condition" } });
    expect(seen.filter((q) => new URL(q.url).pathname === ENROLL)).toEqual([]);
    expect(w.apple.stats.adeEnrollments).toBe(0);
    expect(notes(dev.transcriptSink.events())[0]).toMatchObject({ request: null, cloudConfig: "neither url nor configuration_web_url" });
    const cc = dev.transcriptSink.events().find((e) => e.step === "ade.cloudconfig" && e.kind === "decoded");
    expect(cc?.data).toMatchObject({ url: null });
  });

  it("a cloud configuration fetched from the server under test (cloudConfigUrl) without either URL: the same, no default", async () => {
    const w = await appleWorld({}, {}, (h: HttpHandler) => async (req) => (new URL(req.url).pathname === "/dep/cloudconfig" ? answer(200, "application/json", JSON.stringify({ is_supervised: true, department: "IT" })) : h(req)));
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-ade", { apple: { ade: { cloudConfigUrl: "/dep/cloudconfig" } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.no-enrollment-url", step: "ade.enroll" });
    expect(w.apple.stats.adeEnrollments).toBe(0);
  });

  it("the stand-in's cloud configuration (none given) still names url: the Mac POSTs MachineInfo there and enrolls", async () => {
    const ok = await appleWorld();
    const dev = await ok.device("macbook-air-m3");
    expect(await ok.run(dev, "macos-ade")).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(ok.apple.stats.adeEnrollments).toBe(1);
    const cc = dev.transcriptSink.events().find((e) => e.step === "ade.cloudconfig" && e.kind === "decoded");
    expect(cc?.data).toMatchObject({ url: `${URLS.https}${ENROLL}` });
  });

  it("configuration_web_url wins over url: the web view GET with x-apple-aspen-deviceinfo, url never asked", async () => {
    const seen: HttpRequest[] = [];
    const w = await appleWorld({}, {}, (h) => (req) => (seen.push(req), h(req)));
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-ade", { apple: { ade: { cloudConfig: { configuration_web_url: ENROLL, url: "/mdm/enroll", await_device_configured: false } } } });
    expect(r).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    const asked = seen.filter((q) => /enroll$/.test(new URL(q.url).pathname));
    expect(asked.map((q) => [q.method, new URL(q.url).pathname])).toEqual([["GET", ENROLL]]);
    expect(asked[0]!.headers?.["x-apple-aspen-deviceinfo"]).toBeTruthy();
  });
});

describe("ADE: what the device records when the enrollment URL gives no profile", () => {
  it("a Mac, HTTP 500 to the MachineInfo POST: its own outcome code with the status and mdmclient's CloudConfig lines (virtual time)", async () => {
    const { w } = await refusing(500, { delayMs: 250 });
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-ade", { apple: { ade: { cloudConfig: { url: ENROLL } } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.enroll-http-status.500", step: "ade.enroll" });
    expect(r.message).toContain("CloudConfig: Error returning activation profile.   Error = 500; Datasize = 0");
    // The server's own text is not the device's record.
    expect(r.message).not.toContain("not signed by Apple Device CA");
    // mdmclient's lines are the Mac's own record, in its log, not on the pane: apart from the screen's text (expect.shown matches both).
    expect(r.shown).toMatchObject({
      text: "Retrieving Enrollment Profile",
      logged: ["CloudConfig: Get activation profile returning error after 0.25 secs", "CloudConfig: Error returning activation profile.   Error = 500; Datasize = 0"],
      screen: "Setup Assistant › Remote Management",
      cause: { code: "HTTP 500" },
    });
    const [n] = notes(dev.transcriptSink.events());
    expect(n).toMatchObject({ status: 500, via: "machineinfo-post", process: "mdmclient" });
    // cloudconfigurationd's User-Agent on the MachineInfo POST (micromdm#854's server log)
    const post = dev.transcriptSink.events().find((e) => e.step === "ade.enroll" && e.kind === "http");
    expect(JSON.stringify(post?.data)).toContain("CloudConfiguration-OSX/1.0");
    expect(n!.log).toEqual(["CloudConfig: Get activation profile returning error after 0.25 secs", "CloudConfig: Error returning activation profile.   Error = 500; Datasize = 0"]);
  });

  it("a 404 and a 503 keep their own status in the code", async () => {
    for (const status of [404, 503]) {
      const { w } = await refusing(status);
      const r = await w.run(await w.device("macbook-air-m3"), "macos-ade", { apple: { ade: { cloudConfig: { url: ENROLL } } } });
      expect(r).toMatchObject({ code: `apple.ade.enroll-http-status.${status}` });
      expect(r.message).toContain(`Error = ${status}; Datasize = 0`);
    }
  });

  it("an iPhone: the same outcome, no mdmclient line (none is published for iOS)", async () => {
    const { w } = await refusing(500);
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-ade", { apple: { ade: { cloudConfig: { url: ENROLL } } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.enroll-http-status.500" });
    expect(r.message).not.toContain("mdmclient");
    expect(notes(dev.transcriptSink.events())[0]).toMatchObject({ log: null, why: "no published iOS log line for this answer" });
  });

  it("the web view answered 500: the status is what it shows (the server's page), no return to the pane claimed", async () => {
    const { w } = await refusing(500);
    const r = await w.run(await w.device("macbook-air-m3"), "macos-ade", { apple: { ade: { cloudConfig: { configuration_web_url: ENROLL } } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.enroll-http-status.500" });
    expect(r.shown).toMatchObject({ text: "HTTP 500", screen: "Setup Assistant › Remote Management (web view)" });
    expect(r.message).not.toContain("CloudConfig");
  });

  it("a 200 that is not a profile (an HTML page) to the MachineInfo POST: apple.ade.enroll-not-a-profile", async () => {
    const { w } = await refusing(200, { type: "text/html", body: "<html>sign in</html>" });
    const r = await w.run(await w.device("macbook-air-m3"), "macos-ade", { apple: { ade: { cloudConfig: { url: ENROLL } } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.enroll-not-a-profile", step: "ade.enroll" });
    expect(r.message).toContain('Content-Type "text/html"');
  });

  it("401 and 403 are still read as before (a challenge, an error body), not as a failed answer", async () => {
    const { w } = await refusing(403, { type: "application/json", body: JSON.stringify({ code: "DeviceTypeNotSupported" }) });
    const r = await w.run(await w.device("iphone-15"), "ios-ade", { apple: { ade: { cloudConfig: { url: ENROLL } } } });
    expect(r.code).toBe("apple.ade.refused.DeviceTypeNotSupported");
  });
});

describe("ADE: Try Again on the Remote Management pane (timeline tryAgain, virtual time)", () => {
  it("after a 500 the user taps Try Again 10 minutes later: the Mac POSTs again and enrolls; without it the Mac stays failed", async () => {
    const catalog = loadCatalog();
    const posts: number[] = [];
    const w = await appleWorld();
    const started = w.clock.now();
    // The server refuses MachineInfo for its first 5 minutes, then accepts it.
    const https: HttpHandler = async (req) => {
      const path = new URL(req.url).pathname;
      if (path === ENROLL) {
        posts.push(w.clock.now() - started);
        if (w.clock.now() - started < 300_000) return answer(500, "text/plain");
      }
      return path.startsWith("/apple/") ? w.apple.handler(req) : w.ref.handler(req);
    };
    const http = new InMemoryHttp({ clock: w.clock, handler: { [URLS.http]: w.ref.handler, [URLS.https]: https } });
    const s = parseScenario(
      `name: try-again
groups:
  - { name: retried, model: macbook-air-m3, count: 1, flow: macos-ade, options: { apple: { ade: { cloudConfig: { url: ${ENROLL}, await_device_configured: false } } } } }
  - { name: left, model: macbook-air-m3, count: 1, flow: macos-ade, options: { apple: { ade: { cloudConfig: { url: ${ENROLL}, await_device_configured: false } } } } }
timeline:
  - { at: 0s, group: retried, tryAgain: { wait: 10m, times: 1 } }
arrival: { concurrency: 2 }
limits: { durationSeconds: 3600 }
`,
      "try-again.yaml",
      { modelIds: catalog.ids(), flows: ["macos-ade"] },
    );
    const env = await testFleetEnv({ clock: w.clock, http, seed: s.seed, crypto });
    const timeline = createTimeline(s, catalog, { clock: w.clock, entropy: new SeededEntropySource(s.seed), log: silentLogger }, undefined, env.transcriptFor)!;
    const results: DeviceResult[] = [];
    await w.clock.run(
      runFleet(
        s,
        catalog,
        { ...env, observer: { onDeviceStart: (d, i) => timeline.onDeviceStart(d, i), onStep: (x) => timeline.onStep(x), onDeviceEnd: (r) => (results.push(r), timeline.onDeviceEnd(r)) } },
        { targets: { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }, timeline, onFlowResult: (d, r) => timeline.onFlowResult(d, r) },
      ),
      24 * 3_600_000,
    );
    const by = (g: string) => results.find((r) => r.group === g)!;
    expect(by("retried")).toMatchObject({ ok: true });
    expect(by("left")).toMatchObject({ ok: false, failure: { code: "apple.ade.enroll-http-status.500", step: "ade.enroll" } });
    // retried: POST (500), Try Again after 10 minutes of the scenario clock, POST (profile); left: one POST (500).
    expect(posts).toHaveLength(3);
    expect(posts[0]).toBeLessThan(60_000);
    expect(posts[1]).toBeLessThan(60_000);
    expect(posts[2]).toBeGreaterThanOrEqual(600_000);
    expect(posts[2]).toBeLessThan(660_000);
  });
});
