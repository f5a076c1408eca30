// SPDX-License-Identifier: MIT
/**
 * The virtual clock moves time only when every pending task is a timer: real work recorded in the
 * I/O ledger (sockets, threadpool, deliberately slow operations here) always finishes first, however
 * slow, and nothing real-time is guessed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeHttp } from "../../src/platform/node/http.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { IoLedger, ioLedger } from "../../src/ports/io-ledger.js";

/** Real work that takes `ms` of real time, recorded in `ledger` (an artificially slow operation). */
const slowIo = <T>(ledger: IoLedger, ms: number, value: T): Promise<T> => ledger.track("slow test operation", new Promise<T>((r) => setTimeout(() => r(value), ms)));

describe("VirtualClock", () => {
  it("does not jump to a timeout while slow real work is in flight (the flake of real-quiet advancing)", async () => {
    const ledger = new IoLedger();
    const clock = new VirtualClock(0, ledger);
    // The operation races a 1 s virtual timeout; the work takes 150 ms of real time.
    const race = Promise.race([slowIo(ledger, 150, "answer"), clock.sleep(1_000).then(() => "timeout")]);
    expect(await clock.run(race)).toBe("answer");
    expect(clock.now()).toBe(0);
    expect(ledger.pending).toBe(0);
  });

  it("runs a chain of slow operations and timers in virtual order, the same every time", async () => {
    for (let round = 0; round < 3; round++) {
      const ledger = new IoLedger();
      const clock = new VirtualClock(0, ledger);
      const events: string[] = [];
      const device = (async () => {
        for (let i = 0; i < 3; i++) {
          events.push(`io${i}@${clock.now()}`);
          await slowIo(ledger, 20 + 15 * ((i + round) % 3), i);
          await clock.sleep(100);
        }
        return "done";
      })();
      const watchdog = clock.sleep(250).then(() => events.push(`watchdog@${clock.now()}`));
      expect(await clock.run(device)).toBe("done");
      await watchdog;
      expect(events).toEqual(["io0@0", "io1@100", "io2@200", "watchdog@250"]);
      expect(clock.now()).toBe(300);
    }
  });

  it("waits for tracked work a timer callback starts before firing the next timer", async () => {
    const ledger = new IoLedger();
    const clock = new VirtualClock(0, ledger);
    const seen: string[] = [];
    clock.setTimer(10, () => void slowIo(ledger, 60, "x").then(() => seen.push(`io done@${clock.now()}`)));
    await clock.run(clock.sleep(11).then(() => seen.push(`second timer@${clock.now()}`)));
    expect(seen).toEqual(["io done@10", "second timer@11"]);
  });

  it("advance(ms) is the test saying time passes: it fires a deadline although real work is open", async () => {
    const ledger = new IoLedger();
    const clock = new VirtualClock(0, ledger);
    const end = ledger.begin("a real request that never answers");
    let fired = false;
    clock.setTimer(30_000, () => (fired = true));
    await clock.advance(30_000);
    expect([fired, clock.now(), ledger.pending]).toEqual([true, 30_000, 1]);
    end();
  });

  it("with no timer pending, waits (no timer of its own) for untracked work, then honours the timer it sets", async () => {
    const ledger = new IoLedger();
    const clock = new VirtualClock(0, ledger);
    // Untracked work (as reading a scenario file before any device starts) that then sets a virtual timer.
    const flow = new Promise<void>((r) => setTimeout(r, 80)).then(() => clock.sleep(5_000)).then(() => clock.now());
    expect(await clock.run(flow)).toBe(5_000);
  });

  it("still bounds a run by virtual time", async () => {
    const clock = new VirtualClock(0, new IoLedger());
    const forever = (async () => {
      for (;;) await clock.sleep(60_000);
    })();
    await expect(clock.run(forever, 600_000)).rejects.toThrow(/within 600000 ms of virtual time/);
  });

  it("closes a ledger entry once however often it is ended, and reports what is open", async () => {
    const ledger = new IoLedger();
    const end = ledger.begin("http GET https://x/");
    expect(ledger.describe()).toEqual(["http GET https://x/"]);
    let idle = false;
    void ledger.idle().then(() => (idle = true));
    end();
    end();
    await Promise.resolve();
    expect(idle).toBe(true);
    expect(ledger.pending).toBe(0);
    expect(ledger.epoch).toBe(2);
  });

  describe("over a real loopback socket (the Node HTTP adapter records its requests)", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Answers after 120 ms of real time: slower than the request's 50 ms virtual timeout.
      server = createServer((_req, res) => void setTimeout(() => res.end("slow but complete"), 120));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it("a slow real server is not mistaken for a virtual timeout", async () => {
      const clock = new VirtualClock(0);
      const client = new NodeHttp({ clock }).client();
      try {
        const res = await clock.run(client.request({ method: "GET", url, timeoutMs: 50 }));
        expect(Buffer.from(res.body).toString()).toBe("slow but complete");
        expect(clock.now()).toBe(0);
        expect(ioLedger.pending).toBe(0);
      } finally {
        await client.close();
      }
    });
  });
});
