// SPDX-License-Identifier: MIT
/**
 * No AMAPI command is lost between the server's queue and the device: a status answer carries at most
 * STATUS_ACK_MAX_COMMANDS and the rest wait for the next report, and the commands in the answer to a
 * check-in's follow-up compliance report are carried out like those of its first report. Before, the server
 * handed out (and forgot) every queued command at once while the device ran only the first 16, and the answer to
 * the follow-up report was read for nothing, so a command queued between a check-in's two reports was dropped.
 */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { HttpRequest, HttpResponse } from "../../../src/ports/http.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import type { CheckinSample, StepSample } from "../../../src/runner/observer.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { readStatusAck, STATUS_ACK_MAX_COMMANDS } from "../../../src/wire/android/amapi.js";
import { testFleetEnv } from "../../support/fleet-env.js";
import { androidServer, BASE, START } from "./harness.js";

const post = (path: string, body: unknown): HttpRequest => ({ method: "POST", url: BASE + path, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(body))) });
const json = (r: HttpResponse) => JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, any>;

describe("AMAPI command delivery", () => {
  it("the server hands out at most STATUS_ACK_MAX_COMMANDS per status answer and keeps the rest for the next report", async () => {
    const { server } = await androidServer();
    const h = server.handler;
    const token = json(await h({ method: "GET", url: `${BASE}/android/provisioning/fully-managed/token`, headers: {} })).value as string;
    const dev = json(
      await h(
        post("/android/amapi/device/v1/enrollmentTokens:redeem", { enrollmentToken: token, managementMode: "DEVICE_OWNER", ownership: "COMPANY_OWNED", apiLevel: 34, hardwareInfo: { manufacturer: "Google", serialNumber: "Q1" }, networkInfo: {} }),
      ),
    );
    for (let i = 0; i < STATUS_ACK_MAX_COMMANDS + 4; i++) expect((await h(post(`/android/amapi/v1/${dev.name}:issueCommand`, { type: "LOCK" }))).status).toBe(200);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) counts.push(json(await h(post("/android/amapi/device/v1/devices:reportStatus", { hardwareInfo: { serialNumber: "Q1" } }))).pendingCommands.length);
    expect(counts).toEqual([STATUS_ACK_MAX_COMMANDS, 4, 0]);
  });

  it("a device refuses an answer with more commands than the channel carries, as a malformed answer", () => {
    const ops = Array.from({ length: STATUS_ACK_MAX_COMMANDS + 1 }, (_, i) => ({ name: `enterprises/e/devices/d/operations/${i}` }));
    expect(() => readStatusAck(JSON.stringify({ policyVersion: "1", pendingCommands: ops }))).toThrow(/at most 16/);
  });

  it("a command queued between a check-in's first report and its follow-up compliance report is carried out in that check-in", async () => {
    const catalog = loadCatalog();
    const clock = new VirtualClock(START);
    const android = { profiles: { "fully-managed": { mode: "fully-managed", passwordPolicies: [{ passwordQuality: "NUMERIC", passwordMinimumLength: 6 }] } } };
    const { server, half } = await androidServer(android, clock);
    let queued = 0;
    let steady = false;
    // The EMM queues a LOCK right after a steady check-in's first report (no compliance claim) was answered.
    const handler = async (req: HttpRequest): Promise<HttpResponse> => {
      const res = await server.handler(req);
      const body = req.body ? (JSON.parse(Buffer.from(req.body).toString("utf8")) as Record<string, unknown>) : {};
      if (steady && req.url.endsWith("/devices:reportStatus") && body.policyCompliant === undefined && res.status === 200) {
        const serial = (body.hardwareInfo as { serialNumber?: unknown } | undefined)?.serialNumber;
        const name = [...half.amapi.devices.entries()].find(([, d]) => d.hardwareInfo?.serialNumber === serial)?.[0];
        if (name) {
          queued++;
          await server.handler(post(`/android/amapi/v1/${name}:issueCommand`, { type: "LOCK" }));
        }
      }
      return res;
    };
    const s = parseScenario("name: amapi-follow-up\nseed: 11\ngroups:\n  - { name: fm, model: pixel-8, count: 2, flow: android-qr, state: { screenLock: { type: pin, length: 6 } } }\n", "amapi-follow-up.yaml", {
      modelIds: catalog.ids(),
      flows: Object.keys(FLOWS),
    } as never);
    const checkins: CheckinSample[] = [];
    const steps: StepSample[] = [];
    const done = runFleet(
      s,
      catalog,
      {
        ...(await testFleetEnv({ clock, http: new InMemoryHttp({ clock, handler: { "https://mdm.test": handler } }), seed: s.seed })),
        observer: { onCheckin: (c) => checkins.push(c), onStep: (x) => steps.push(x), onDeviceEnd: () => (steady = true) },
      },
      { targets: { server: { https: "https://mdm.test", embedded: true } }, load: { concurrency: 2, steady: { durationSeconds: 300, intervalSeconds: 60, jitter: 0, maxCheckinsPerDevice: 2 } } },
    );
    await clock.run(done, 3_600_000);
    await server.close?.();
    expect(checkins.length).toBeGreaterThan(0);
    expect(checkins.every((c) => c.ok)).toBe(true);
    expect(queued).toBe(checkins.length);
    // Every LOCK the EMM queued was acknowledged by its device (a COMMAND notification per ack).
    const acks = half.amapi.notifications.filter((n) => n.message.attributes.notificationType === "COMMAND");
    expect(acks).toHaveLength(queued);
    expect(steps.filter((x) => x.step === "checkin.android.amapi.command")).toHaveLength(queued);
  });
});
