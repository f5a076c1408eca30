// SPDX-License-Identifier: MIT
/**
 * An enrolled Apple device whose command channel is refused (channel-errors.ts): a 5xx, a 4xx other
 * than the unenrolling ones, or no answer keeps the MDM profile installed; the device records the
 * failed polls in a row and polls again at its next wake-up (push or poll cadence, virtual time), and
 * a server that answers again ends the run of failures. A 401 still unenrols.
 */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { ChannelRecord, channelFailureOf } from "../../../src/device/apple/channel-errors.js";
import { appleWorld, START } from "./harness.js";

/** Answers the first `n` requests to the command channel (PUT /apple/mdm) with `status`; the rest reach the server. */
function refuseCommandChannel(n: number, status: number): (h: HttpHandler) => HttpHandler {
  let left = n;
  return (h) => async (req) => {
    if (new URL(req.url).pathname === "/apple/mdm" && left > 0) {
      left--;
      return { status, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode(`refused ${status}`), url: req.url };
    }
    return h(req);
  };
}

const listen = (n: number) => ({ apple: { push: { listen: n, pollSeconds: 3600 } } });

describe("refused command channel (virtual time)", () => {
  it("500 on the first two polls: enrolled, re-polls an hour apart, recovers at the third; the run of failures is a background outcome", async () => {
    const w = await appleWorld({}, {}, refuseCommandChannel(2, 500));
    const r = await w.run(await w.device("iphone-15"), "ios-profile", listen(3));
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    // poll 0 refused, wake-up 1 (+1 h) refused, wake-up 2 (+2 h) answered, wake-up 3 (+3 h) answered
    expect(w.clock.now() - START).toBeGreaterThanOrEqual(3 * 3_600_000);
    expect(w.clock.now() - START).toBeLessThan(4 * 3_600_000);
    expect(r.background).toEqual([expect.objectContaining({ task: "command.idle", ok: false, code: "apple.checkin.http-500" })]);
    expect(r.background![0]!.message).toMatch(/the last 2 ServerURL polls failed \(apple\.checkin\.http-500\).*recovered/);
    expect(r.background![0]!.shown).toMatchObject({ text: "The MDM server answered HTTP 500.", unknown: { of: "condition" } });
  });

  it("not listening: the device ends enrolled after its one refused poll (it polls again at its next steady check-in)", async () => {
    const w = await appleWorld({}, {}, refuseCommandChannel(1, 503));
    const r = await w.run(await w.device("macbook-air-m3"), "macos-profile");
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled", background: [{ code: "apple.checkin.http-503" }] });
    expect(r.background![0]!.message).toMatch(/^enrolled \(the MDM profile stays installed\), but the last 1 ServerURL poll failed/);
    expect(r.background![0]!.message).not.toMatch(/recovered/);
  });

  it("a server that keeps refusing: every wake-up fails and the count grows; the device is still enrolled", async () => {
    const w = await appleWorld({}, {}, refuseCommandChannel(99, 500));
    const r = await w.run(await w.device("iphone-15"), "ios-profile", listen(2));
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect(r.background).toHaveLength(1);
    expect(r.background![0]!.message).toMatch(/the last 3 ServerURL polls failed/);
  });

  it("401 on the command channel still unenrols (Apple: 401 → unenrolment), not a retried failure", async () => {
    const w = await appleWorld({}, {}, refuseCommandChannel(1, 401));
    const r = await w.run(await w.device("iphone-15"), "ios-profile", listen(2));
    expect(r.ok).toBe(false);
    expect(r.code).not.toMatch(/^apple\.enrolled/);
    expect(r.background ?? []).toEqual([]);
  });
});

describe("channelFailureOf / ChannelRecord", () => {
  it("HTTP statuses become apple.checkin.http-N; connection failures keep their transport code and NSURL shown; other errors are not retried", () => {
    expect(channelFailureOf(new TransportError("http-status", "PUT answered HTTP 500", { status: 500, step: "command.idle" }), 1)).toMatchObject({ code: "apple.checkin.http-500", status: 500, step: "command.idle" });
    const refused = channelFailureOf(new TransportError("refused", "connect ECONNREFUSED", { step: "command.idle" }), 1);
    expect(refused).toMatchObject({ code: "transport.refused" });
    expect(refused!.shown?.code).toMatch(/^NSURLErrorDomain -/);
    expect(channelFailureOf(new TransportError("too-large", "body too large"), 1)).toBeUndefined();
    expect(channelFailureOf(new Error("bug"), 1)).toBeUndefined();
  });

  it("a run of failures is one outcome; a success ends it; a new failure after that starts a second", () => {
    const c = new ChannelRecord();
    const f = (status: number, at: number) => channelFailureOf(new TransportError("http-status", `HTTP ${status}`, { status }), at)!;
    c.failed(f(500, 1));
    c.failed(f(502, 2));
    expect(c.outcomes).toHaveLength(1);
    expect(c.outcomes[0]!.message).toMatch(/last 2 ServerURL polls failed \(apple\.checkin\.http-500, apple\.checkin\.http-502\)/);
    expect(c.outcomes[0]!.code).toBe("apple.checkin.http-502");
    c.succeeded(3);
    expect(c.failing).toHaveLength(0);
    expect(c.outcomes[0]!.message).toMatch(/recovered/);
    c.failed(f(500, 4));
    expect(c.outcomes).toHaveLength(2);
    expect(c.outcomes[1]!.message).toMatch(/last 1 ServerURL poll failed/);
  });
});
