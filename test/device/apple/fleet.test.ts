// SPDX-License-Identifier: MIT
/**
 * An Apple fleet on virtual time: a hostile MDM server fails only its own devices, with typed
 * errors naming step and cause; the rest of the fleet enrolls.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { DeviceResult } from "../../../src/runner/observer.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { appleWorld, crypto, URLS } from "./harness.js";
import { testFleetEnv } from "../../support/fleet-env.js";

const catalog = loadCatalog();

describe("apple fleet (virtual time)", () => {
  it("hostile servers fail their own devices; the others enroll", async () => {
    const w = await appleWorld({ commands: [{ requestType: "DeviceInformation", payload: { Queries: ["UDID"] } }] });
    const deep = new Uint8Array(Buffer.from(`<plist version="1.0">${"<array>".repeat(500)}${"</array>".repeat(500)}</plist>`));
    const hostile = {
      // a profile nested 500 deep
      "https://deep.test": async () => ({ status: 200, headers: { "content-type": "application/x-apple-aspen-config" }, body: deep, url: "" }),
      // a profile server answering 503
      "https://down.test": async () => ({ status: 503, headers: { "content-type": "text/plain" }, body: new Uint8Array(Buffer.from("maintenance")), url: "" }),
      // a plist that is not a configuration profile
      "https://wrong.test": async () => ({ status: 200, headers: { "content-type": "application/x-apple-aspen-config" }, body: buildPlistBytes({ PayloadType: 7 }), url: "" }),
    };
    const { ref, apple } = w;
    const http = new InMemoryHttp({
      clock: w.clock,
      handler: {
        [URLS.http]: ref.handler,
        [URLS.https]: (req) => (new URL(req.url).pathname.startsWith("/apple/") ? apple.handler(req) : ref.handler(req)),
        ...hostile,
      },
    });
    const s = parseScenario(
      `name: apple-fleet
groups:
  - { name: good, model: iphone-15, count: 6, flow: ios-profile }
  - { name: macs, model: macbook-air-m3, count: 3, flow: macos-ade }
  - { name: deep, model: iphone-15, count: 2, flow: ios-profile, options: { apple: { profileUrl: "https://deep.test/p" } } }
  - { name: down, model: ipad-air-m2, count: 2, flow: ios-profile, options: { apple: { profileUrl: "https://down.test/p" } } }
  - { name: wrong, model: iphone-15, count: 2, flow: ios-profile, options: { apple: { profileUrl: "https://wrong.test/p" } } }
arrival: { concurrency: 4 }
`,
      "apple-fleet.yaml",
      { modelIds: catalog.ids(), flows: ["ios-profile", "macos-ade"] },
    );
    const results: DeviceResult[] = [];
    await w.clock.run(
      runFleet(
        s,
        catalog,
        {
          ...(await testFleetEnv({ clock: w.clock, http, seed: s.seed, crypto })),
          observer: { onDeviceEnd: (r) => results.push(r) },
        },
        { targets: { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } } },
      ),
      24 * 3_600_000,
    );
    const by = (g: string) => results.filter((r) => r.group === g);
    expect(by("good").every((r) => r.ok)).toBe(true);
    expect(by("macs").every((r) => r.ok)).toBe(true);
    for (const r of by("deep")) expect(r.failure).toMatchObject({ code: "apple.profile.malformed", step: "profile.parse" });
    for (const r of by("down")) expect(r.failure).toMatchObject({ code: "transport.http-status", step: "profile.download", blame: "transport" });
    for (const r of by("wrong")) expect(r.failure).toMatchObject({ code: "apple.profile.invalid-field", step: "profile.parse" });
    expect(results).toHaveLength(15);
    expect(apple.stats.checkins.Authenticate).toBe(9);
  });
});
