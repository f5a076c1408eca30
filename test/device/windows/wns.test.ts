// SPDX-License-Identifier: MIT
/** Push: the reference server's mock WNS wakes a device, which starts a server-initiated session at once (virtual time). */
import { describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse } from "../../../src/ports/http.js";
import { windowsHarness } from "./harness.js";

const dec = (b?: Uint8Array) => new TextDecoder().decode(b ?? new Uint8Array());

describe("windows push (mock WNS)", () => {
  it("a server under test POSTs to the channel URI; the device syncs with Alert 1200 before its next scheduled poll", async () => {
    const sessions: { at: number; alert: string }[] = [];
    let channelUri: string | undefined;
    let opened = 0;
    let pushAnswer: HttpResponse | undefined;
    let unauth: HttpResponse | undefined;
    let badType: HttpResponse | undefined;
    const h = await windowsHarness({}, (inner) => async (req: HttpRequest) => {
      const res = await inner(req);
      if (req.url.includes("/ManagementServer/MDM.svc") && req.body) {
        const alert = /<Alert><CmdID>\d+<\/CmdID><Data>(120[01])<\/Data>/.exec(dec(req.body))?.[1];
        if (alert) sessions.push({ at: h.clock.now(), alert });
      }
      if (req.url.endsWith("/windows/wns/channels") && res.status === 201) {
        channelUri = (JSON.parse(dec(res.body)) as { channelUri: string }).channelUri;
        opened = h.clock.now();
        // The server under test wakes the device one minute later, as it would through real WNS.
        h.clock.setTimer(60_000, () => {
          void (async () => {
            unauth = await h.handler({ method: "POST", url: channelUri!, headers: { "x-wns-type": "wns/raw" }, body: new Uint8Array(1) });
            badType = await h.handler({ method: "POST", url: channelUri!, headers: { "x-wns-type": "wns/other", authorization: "Bearer t" }, body: new Uint8Array(1) });
            pushAnswer = await h.handler({ method: "POST", url: channelUri!, headers: { "x-wns-type": "wns/raw", authorization: "Bearer test-token" }, body: new Uint8Array(1) });
          })();
        });
      }
      return res;
    });
    try {
      const { result, events } = await h.run("windows-byod", { windows: { push: true, polls: 1 } });
      expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(result.windows.pushSessions).toBe(1);
      expect(unauth!.status).toBe(401);
      expect(badType!.status).toBe(400);
      expect(pushAnswer!.status).toBe(200);
      expect(pushAnswer!.headers["x-wns-status"]).toBe("received");
      expect(sessions.map((s) => s.alert)).toEqual(["1201", "1200", "1201"]);
      // woken within one channel check (15 s) of the push, long before the 3-minute poll
      const push = sessions[1]!.at - opened;
      expect(push).toBeGreaterThanOrEqual(60_000);
      expect(push).toBeLessThanOrEqual(75_000);
      expect(sessions[2]!.at - opened).toBeGreaterThanOrEqual(180_000);
      expect(events.some((e) => e.kind === "decoded" && e.step === "wns.receive")).toBe(true);
      expect(h.clock.pendingTimers).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("the reference server's REST wake pushes to the device's channel; unknown channels and devices are refused", async () => {
    const h = await windowsHarness({});
    try {
      const { ctx } = h.context(0);
      const id = ctx.identity.windows!.deviceId;
      const api = (method: "GET" | "POST", path: string, body?: unknown) =>
        h.handler({ method, url: `${h.server.urls.https}${path}`, headers: { "content-type": "application/json" }, ...(body !== undefined ? { body: new TextEncoder().encode(JSON.stringify(body)) } : {}) });
      expect((await api("POST", `/windows/api/devices/${id}/wake`)).status).toBe(409);
      const open = await api("POST", "/windows/wns/channels", { deviceId: id });
      expect(open.status).toBe(201);
      const uri = (JSON.parse(dec(open.body)) as { channelUri: string }).channelUri;
      expect((await api("POST", `/windows/api/devices/${id}/wake`)).status).toBe(202);
      const pending = await h.handler({ method: "GET", url: `${uri}/pending`, headers: {} });
      expect(JSON.parse(dec(pending.body))).toEqual({ pending: 1 });
      const again = await h.handler({ method: "GET", url: `${uri}/pending`, headers: {} });
      expect(JSON.parse(dec(again.body))).toEqual({ pending: 0 });
      expect((await api("GET", `/windows/wns/channels/${"0".repeat(32)}/pending`)).status).toBe(404);
      expect((await api("POST", "/windows/wns/channels", { deviceId: "nope" })).status).toBe(400);
    } finally {
      await h.close();
    }
  });
});
