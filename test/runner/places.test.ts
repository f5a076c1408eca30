// SPDX-License-Identifier: MIT
/** The closed model's places (runner/places.ts): first come first served, given back and taken again, a queued take abandoned on abort. */
import { describe, expect, it } from "vitest";
import { Places, runClosed } from "../../src/runner/places.js";

describe("places of the closed load model", () => {
  it("a released place goes to the first in the queue; acquiring again queues behind it; release is idempotent", async () => {
    const places = new Places(1);
    const a = await places.take();
    const order: string[] = [];
    const b = places.take().then((p) => (order.push("b"), p));
    a.release();
    a.release(); // no second place appears
    const again = a.acquire().then((ok) => (order.push(`a:${ok}`), ok));
    const pb = await b;
    expect(order).toEqual(["b"]);
    pb.release();
    expect(await again).toBe(true);
    expect(order).toEqual(["b", "a:true"]);
  });

  it("an aborted acquire leaves the queue and holds nothing", async () => {
    const places = new Places(1);
    const a = await places.take();
    a.release();
    const late = await places.take();
    const c = new AbortController();
    const waiting = a.acquire(c.signal);
    c.abort();
    expect(await waiting).toBe(false);
    late.release();
    // The aborted waiter was not handed the place: the next take gets it at once.
    let got = false;
    void places.take().then(() => (got = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(got).toBe(true);
  });

  it("runClosed runs at most N at once, in slot order, and rethrows the first error after all ended", async () => {
    let inFlight = 0;
    let max = 0;
    const started: number[] = [];
    const run = async (i: number) => {
      started.push(i);
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (i === 1) throw new Error("boom");
    };
    await expect(
      runClosed(
        [0, 1, 2, 3, 4][Symbol.iterator](),
        2,
        () => false,
        () => undefined,
        run,
      ),
    ).rejects.toThrow("boom");
    expect(max).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});
