// SPDX-License-Identifier: MIT
/**
 * Key reuse (issue 12 #19): a run needs one distinct key per device (plus its offset) unless it
 * asks for a smaller pool; missing keys are generated with an up-front estimate and a progress
 * line with the measured rate and ETA; a key offset makes repeated runs draw different keys.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keysNeeded } from "../../src/api/run-keys.js";
import { FileKeyPool, OffsetKeyPool, keygenProgressLine, keygenEstimateLine } from "../../src/platform/node/keypool/index.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("keys a run needs", () => {
  it("one per device plus the offset by default, beyond the old cap of 1,000; an explicit pool size caps it", () => {
    expect(keysNeeded({ devices: 2000 })).toBe(2000);
    expect(keysNeeded({ devices: 5, offset: 100 })).toBe(105);
    expect(keysNeeded({ devices: 2000, poolSize: 500 })).toBe(500);
    expect(keysNeeded({ devices: 0 })).toBe(1);
    expect(() => keysNeeded({ devices: 5, offset: -1 })).toThrow(/key offset/);
  });

  it("the estimate and the progress line say the cost from the measured rate", () => {
    expect(keygenEstimateLine({ missing: 1000, perKeyMs: 150, workers: 2, spec: "rsa2048" })).toBe("generating 1,000 RSA-2048 keys: about 75 s on this machine (150 ms per key on 2 workers)");
    expect(keygenProgressLine({ done: 130, total: 1000, elapsedMs: 10_000, spec: "rsa2048" })).toBe("generating RSA-2048 keys: 130/1,000, 13.0 keys/s, about 67 s left");
    expect(keygenProgressLine({ done: 0, total: 10, elapsedMs: 0, spec: "rsa2048" })).toBe("generating RSA-2048 keys: 0/10");
  });

  it("an offset pool draws slot + offset: two runs with different offsets present no key twice", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keyreuse-"));
    dirs.push(dir);
    const estimates: string[] = [];
    const pool = await FileKeyPool.open({ dir, spec: "ec-p256", ensure: 6, onEstimate: (e) => estimates.push(keygenEstimateLine(e)) });
    expect(estimates[0]).toMatch(/^generating 6 EC P-256 keys: about \d+ s on this machine/);
    const a = new OffsetKeyPool(pool, 0);
    const b = new OffsetKeyPool(pool, 3);
    const spkis = async (p: OffsetKeyPool) => Promise.all([0, 1, 2].map(async (i) => Buffer.from((await p.ec(i)).spki).toString("hex")));
    const first = await spkis(a);
    const second = await spkis(b);
    expect(new Set([...first, ...second]).size).toBe(6);
    expect(b.size).toBe(3);
    expect(pool.reusedSlots).toBe(0);
  });
});
