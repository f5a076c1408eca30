// SPDX-License-Identifier: MIT
/** A Windows fleet on virtual time: hostile and stalled servers fail only their own devices. */
import { describe, expect, it } from "vitest";
import { flowNames } from "../../../src/device/flows/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { DeviceResult } from "../../../src/runner/observer.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { crypto, testKeys } from "../../support/scep-harness.js";
import { START } from "./harness.js";
import { testFleetEnv } from "../../support/fleet-env.js";

describe("windows fleet", () => {
  it("devices behind a stalled and an entity-bomb server fail with typed errors; the rest enrol", async () => {
    const clock = new VirtualClock(START);
    const keys = await testKeys();
    const server = await ReferenceServer.start({ keys: { ca: await keys.rsa(23) }, now: () => clock.now() });
    try {
      const catalog = loadCatalog();
      const s = parseScenario(
        `name: win-mixed
groups:
  - { name: good, model: windows-11-laptop, count: 6, flow: windows-byod }
  - { name: stalled, model: windows-10-desktop, count: 3, flow: windows-gpo, options: { windows: { discoveryUrl: "https://stalled.test/EnrollmentServer/Discovery.svc" } } }
  - { name: bomb, model: windows-10-desktop, count: 3, flow: windows-gpo, options: { windows: { discoveryUrl: "https://bomb.test/EnrollmentServer/Discovery.svc" } } }
arrival: { concurrency: 4 }
limits: { stepTimeoutMs: 20000 }
`,
        "win-mixed.yaml",
        { modelIds: catalog.ids(), flows: flowNames() },
      );
      const bomb = new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><s:Envelope>&b;</s:Envelope>');
      const http = new InMemoryHttp({
        clock,
        handler: {
          [server.urls.https]: server.handler,
          [server.urls.http]: server.handler,
          "https://stalled.test": () => new Promise(() => {}),
          "https://bomb.test": async (req) => ({ status: 200, headers: { "content-type": req.method === "GET" ? "text/html" : "application/soap+xml" }, body: req.method === "GET" ? new Uint8Array() : bomb, url: req.url }),
        },
      });
      const results: DeviceResult[] = [];
      await clock.run(
        runFleet(
          s,
          catalog,
          {
            ...(await testFleetEnv({ clock, http, seed: s.seed, keys, crypto })),
            observer: { onDeviceEnd: (r) => results.push(r) },
          },
          { targets: { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } } },
        ),
        3_600_000,
      );
      const by = (g: string) => results.filter((r) => r.group === g);
      expect(by("good").every((r) => r.ok)).toBe(true);
      expect(by("stalled").map((r) => [r.failure?.code, r.failure?.step])).toEqual(Array(3).fill(["transport.timeout", "discovery.get"]));
      expect(by("bomb").map((r) => [r.failure?.code, r.failure?.step])).toEqual(Array(3).fill(["xml.doctype", "discovery.post"]));
      expect(by("bomb")[0]!.failure!.message).toMatch(/device windows-10-desktop#\d+, step discovery.post/);
    } finally {
      await server.close();
    }
  });
});
