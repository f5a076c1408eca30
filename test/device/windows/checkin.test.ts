// SPDX-License-Identifier: MIT
/** Steady-state check-ins of enrolled Windows devices: one scheduled OMA-DM session each, on virtual time. */
import { describe, expect, it } from "vitest";
import { FLOWS, flowNames } from "../../../src/device/flows/index.js";
import { toPem } from "../../../src/wire/x509/certificate.js";
import { parseSyncML } from "../../../src/wire/windows/syncml.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { CheckinSample, DeviceResult } from "../../../src/runner/observer.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { HttpHandler, HttpRequest } from "../../../src/ports/http.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { crypto, testKeys } from "../../support/scep-harness.js";
import { START, windowsHarness } from "./harness.js";
import { testFleetEnv } from "../../support/fleet-env.js";

const stateOf = (keychain: { identities: { label: string; certificate: { der: Uint8Array } }[] }) => ({
  certificates: keychain.identities.map((i) => ({ label: i.label, pem: toPem(i.certificate.der) })),
  serverIds: {},
});

describe("windows check-in hook", () => {
  it("a scheduled session (Alert 1201, mTLS with the enrolled certificate) answers the commands queued since enrolment", async () => {
    const sent: string[] = [];
    const h = await windowsHarness({}, (inner) => async (req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }) => {
      if (req.url.includes("/ManagementServer/MDM.svc") && req.body) sent.push(new TextDecoder().decode(req.body));
      return inner(req);
    });
    try {
      const { result } = await h.run("windows-byod", {});
      expect(result.ok).toBe(true);
      expect(result.serverIds).toMatchObject({ "windows.addr": `${h.server.urls.https}/ManagementServer/MDM.svc` });
      const { ctx, events } = h.context(0);
      const deviceId = ctx.identity.windows!.deviceId;
      const q = await h.handler({
        method: "POST",
        url: `${h.server.urls.https}/windows/api/devices/${deviceId}/commands`,
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode(JSON.stringify([{ verb: "Get", target: "./DevDetail/SwV" }, { verb: "Replace", target: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursEnd", data: "18", format: "int" }])),
      });
      expect(q.status).toBe(202);
      sent.length = 0;
      await h.clock.advance(8 * 3_600_000);
      const out = await h.clock.run(FLOWS["windows-byod"]!.checkin!(ctx, {} as never, stateOf(result.keychain)), 600_000);
      expect(out).toMatchObject({ ok: true, code: "windows.checkin.synced" });
      // package 1 opens a client-initiated session; package 2 answers the queued Get and Replace
      const first = parseSyncML(new TextEncoder().encode(sent[0]!), "t");
      expect(first.body.find((c) => c.verb === "Alert")?.data).toBe("1201");
      const second = parseSyncML(new TextEncoder().encode(sent[1]!), "t");
      expect(second.body.filter((c) => c.verb === "Results").map((c) => c.items[0]?.source)).toEqual(["./DevDetail/SwV"]);
      expect(second.body.filter((c) => c.verb === "Status" && c.cmd === "Replace").map((c) => c.data)).toEqual(["200"]);
      const rec = await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices/${deviceId}`, headers: {} });
      const info = JSON.parse(new TextDecoder().decode(rec.body)) as { queue: number; sessions: number };
      expect(info.queue).toBe(0);
      expect(events.some((e) => e.kind === "decoded" && e.step === "dm.session" && (e as { data: { alert?: string } }).data.alert === "1201")).toBe(true);
    } finally {
      await h.close();
    }
  });

  it("judges its MDM certificate's expiry on the PC's own clock: a clock 2 years ahead sees it expired, the true time does not", async () => {
    const h = await windowsHarness({}, undefined);
    try {
      const { result } = await h.run("windows-byod", {}, 5);
      expect(result.ok).toBe(true);
      const st = stateOf(result.keychain);
      const { ctx } = h.context(5);
      const ahead = { ...ctx, protocol: { ...ctx.protocol, deviceTime: () => h.clock.now() + 2 * 365 * 86_400_000 } };
      const expired = await h.clock.run(FLOWS["windows-byod"]!.checkin!(ahead, {} as never, st), 600_000);
      expect(expired).toMatchObject({ ok: false, code: "windows.checkin.certificate-expired" });
      const onTime = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(5).ctx, {} as never, st), 600_000);
      expect(onTime).toMatchObject({ ok: true, code: "windows.checkin.synced" });
    } finally {
      await h.close();
    }
  });

  it("refuses honestly: a certificate of another key, and an unenrolled device", async () => {
    const h = await windowsHarness({}, undefined);
    try {
      const a = await h.run("windows-byod", {}, 0);
      const b = await h.run("windows-byod", { windows: { unenroll: true } }, 1);
      expect(b.result.code).toBe("windows.byod.unenrolled");
      // device 2 presenting device 0's certificate: not its key-pool key — also after device 0 checked in with the same keychain entry objects
      const st0 = stateOf(a.result.keychain);
      expect(await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(0).ctx, {} as never, st0), 600_000)).toMatchObject({ ok: true, code: "windows.checkin.synced" });
      const wrong = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(2).ctx, {} as never, st0), 600_000);
      expect(wrong).toMatchObject({ ok: false, code: "windows.checkin.key-mismatch" });
      expect(await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(0).ctx, {} as never, st0), 600_000)).toMatchObject({ ok: true, code: "windows.checkin.synced" });
      // the unenrolled device still holds its certificate (from a fresh enrolment of index 1) but the server refuses it
      const again = await h.run("windows-byod", {}, 3);
      const del = await h.handler({
        method: "POST",
        url: `${h.server.urls.https}/windows/api/devices/${h.context(3).ctx.identity.windows!.deviceId}/commands`,
        headers: {},
        body: new TextEncoder().encode(JSON.stringify([{ verb: "Exec", target: "./Vendor/MSFT/DMClient/Provider/enrollsim/Unenroll" }])),
      });
      expect(del.status).toBe(202);
      const st = stateOf(again.result.keychain);
      const first = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(3).ctx, {} as never, st), 600_000);
      expect(first).toMatchObject({ ok: true, code: "windows.checkin.unenrolled", unenrolled: true });
      const after = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(3).ctx, {} as never, st), 600_000);
      expect(after).toMatchObject({ ok: false, code: "windows.checkin.refused" });
    } finally {
      await h.close();
    }
  });

  it("the steady phase: every enrolled Windows device checks in on its cadence in virtual time", async () => {
    const clock = new VirtualClock(START);
    const keys = await testKeys();
    const server = await ReferenceServer.start({ keys: { ca: await keys.rsa(23) }, now: () => clock.now() });
    try {
      const catalog = loadCatalog();
      const s = parseScenario(
        `name: win-steady
groups:
  - { name: byod, model: windows-11-laptop, count: 3, flow: windows-byod }
  - { name: gpo, model: windows-10-desktop, count: 2, flow: windows-gpo }
arrival: { concurrency: 5 }
limits: { stepTimeoutMs: 20000, durationSeconds: 7200 }
`,
        "win-steady.yaml",
        { modelIds: catalog.ids(), flows: flowNames() },
      );
      let alerts1201 = 0;
      const count: HttpHandler = async (req) => {
        if (req.url.includes("/ManagementServer/MDM.svc") && req.body && new TextDecoder().decode(req.body).includes("<Data>1201</Data>")) alerts1201++;
        return server.handler(req);
      };
      const http = new InMemoryHttp({ clock, handler: { [server.urls.https]: count, [server.urls.http]: count } });
      const results: DeviceResult[] = [];
      const checkins: CheckinSample[] = [];
      const out = await clock.run(
        runFleet(
          s,
          catalog,
          {
            ...(await testFleetEnv({ clock, http, seed: s.seed, keys, crypto })),
            observer: { onDeviceEnd: (r) => results.push(r), onCheckin: (c) => checkins.push(c) },
          },
          { targets: { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } }, load: { concurrency: 5, steady: { durationSeconds: 1800, intervalSeconds: 480, jitter: 0.1 } } },
        ),
        24 * 3_600_000,
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(checkins.length).toBeGreaterThanOrEqual(5 * 3);
      expect(checkins.every((c) => c.ok)).toBe(true);
      expect(out.checkins).toBe(checkins.length);
      const before = alerts1201;
      expect(before).toBeGreaterThanOrEqual(5 + checkins.length); // enrolment sessions + one per check-in
      expect(clock.pendingTimers).toBe(0);
    } finally {
      await server.close();
    }
  });
});
