// SPDX-License-Identifier: MIT
/** An Android fleet on virtual time: stalled and hostile dialect groups fail alone; the rest enrolls. */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import type { DeviceResult } from "../../../src/runner/observer.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { androidServer, START } from "./harness.js";
import { testFleetEnv } from "../../support/fleet-env.js";

describe("android fleet on virtual time", () => {
  it("good, stalled-AMAPI and malformed-Headwind groups: each failure is typed and confined to its group", async () => {
    const catalog = loadCatalog();
    const clock = new VirtualClock(START);
    const { server } = await androidServer({}, clock);
    const stall = (): Promise<HttpResponse> => new Promise(() => {});
    const handler = (origin: string): HttpHandler => async (req) => {
      const path = new URL(req.url).pathname;
      if (origin === "stalled" && path.includes("enrollmentTokens:redeem")) return stall();
      if (origin === "hostile" && path.includes("/android/hmdm/")) return { status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from("{\"status\":")), url: "" };
      return server.handler(req);
    };
    const aosp = JSON.parse(Buffer.from((await server.handler({ method: "GET", url: "https://mdm.test/android/provisioning/aosp/qr.json" })).body).toString());
    aosp["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"]["com.hmdm.BASE_URL"] = "https://hostile.test/android/hmdm";
    const s = parseScenario(
      `name: android-mixed
groups:
  - { name: good, model: pixel-8, count: 6, flow: android-qr }
  - { name: stalled, model: pixel-8, count: 3, flow: android-qr, options: { android: { amapiUrl: "https://stalled.test/android/amapi" } } }
  - { name: hostile, model: zebra-tc52, count: 3, flow: android-aosp, options: { android: { payload: '${JSON.stringify(aosp)}' } } }
arrival: { concurrency: 4 }
limits: { stepTimeoutMs: 20000 }
`,
      "android-mixed.yaml",
      { modelIds: catalog.ids(), flows: Object.keys(FLOWS) } as never,
    );
    const results: DeviceResult[] = [];
    const done = runFleet(
      s,
      catalog,
      {
        ...(await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: { "https://mdm.test": handler("good"), "https://stalled.test": handler("stalled"), "https://hostile.test": handler("hostile") } }), seed: s.seed })),
        observer: { onDeviceEnd: (r) => results.push(r) },
      },
      { targets: { server: { https: "https://mdm.test", embedded: true } } },
    );
    await clock.run(done, 3_600_000);
    const by = (g: string) => results.filter((r) => r.group === g);
    expect(by("good").every((r) => r.ok)).toBe(true);
    expect(by("stalled").map((r) => [r.failure?.code, r.failure?.step])).toEqual(Array(3).fill(["transport.timeout", "android.amapi.redeem"]));
    expect(by("hostile").map((r) => [r.failure?.code, r.failure?.blame, r.failure?.step])).toEqual(Array(3).fill(["android.headwind.malformed", "server", "android.headwind.configuration"]));
  });
});
