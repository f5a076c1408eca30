// SPDX-License-Identifier: MIT
import { hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HmacEntropy, SeededEntropySource } from "../../src/platform/node/entropy.js";

describe("SeededEntropySource", () => {
  it("derives each device's seed as HKDF-SHA256(runSeed, empty salt, shard/device info, 32) (RFC 5869)", () => {
    for (const seed of ["42", 7, "", "ünïcode-seed"]) {
      const src = new SeededEntropySource(seed);
      for (const [shard, index] of [
        [0, 0],
        [0, 1],
        [3, 49_999],
        [12, 7],
      ] as const) {
        const want = new HmacEntropy(new Uint8Array(hkdfSync("sha256", Buffer.from(`enrollsim-seed:${String(seed)}`), Buffer.alloc(0), `shard/${shard}/device/${index}`, 32)));
        const got = src.forDevice(shard, index);
        expect(Buffer.from(got.bytes(80)).toString("hex")).toBe(Buffer.from(want.bytes(80)).toString("hex"));
        expect(got.fork("checkin/1").uuid()).toBe(want.fork("checkin/1").uuid());
      }
    }
  });

  it("keeps the streams the fleet was generated with (pinned values)", () => {
    const e = new SeededEntropySource("1").forDevice(0, 0);
    expect(Buffer.from(e.bytes(8)).toString("hex")).toBe("ca7fdea26d10e195"); // computed with hkdfSync + the first HMAC block
  });

  it("gives different devices and shards different streams", () => {
    const src = new SeededEntropySource("s");
    const a = Buffer.from(src.forDevice(0, 1).bytes(16)).toString("hex");
    expect(Buffer.from(src.forDevice(0, 2).bytes(16)).toString("hex")).not.toBe(a);
    expect(Buffer.from(src.forDevice(1, 1).bytes(16)).toString("hex")).not.toBe(a);
    expect(Buffer.from(new SeededEntropySource("t").forDevice(0, 1).bytes(16)).toString("hex")).not.toBe(a);
  });
});
