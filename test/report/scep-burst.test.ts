// SPDX-License-Identifier: MIT
/**
 * Several devices failing one SCEP server with badRequest at the same moment (issue 12 #20): the
 * summary carries a hint (JSON `hints`, a line in the text report) that the server may be failing
 * under concurrency (Debian scepserver 2.1.0 has no lock around its serial number, docs/interop.md).
 */
import { describe, expect, it } from "vitest";
import { SummaryCollector } from "../../src/report/summary.js";
import { formatSummary } from "../../src/report/table.js";

function run(failAt: number[], code = "apple.scep.failInfo.badRequest") {
  const c = new SummaryCollector({ now: () => 0 });
  c.onRunStart({ scenario: "s", devices: failAt.length + 1, seed: "x" });
  c.onDeviceEnd({ device: "ok#0", index: 0, group: "g", model: "m", platform: "ios", flow: "f", ok: true, code: "apple.enrolled", startedAt: 0, endedAt: 10 });
  failAt.forEach((t, i) =>
    c.onDeviceEnd({
      device: `d#${i + 1}`,
      index: i + 1,
      group: "g",
      model: "m",
      platform: "ios",
      flow: "f",
      ok: false,
      startedAt: 0,
      endedAt: t,
      failure: { code, blame: "protocol-outcome", step: "profile.scep", message: "The SCEP server rejected the request" },
    }),
  );
  c.onRunEnd({ durationMs: 5000 });
  return c.summary();
}

describe("SCEP badRequest bursts", () => {
  it("three or more badRequest failures within one second: a concurrency hint in JSON and text", () => {
    const s = run([1000, 1200, 1900, 4000]);
    expect(s.hints).toEqual([expect.objectContaining({ code: "scep.concurrent-badRequest", devices: 3, windowMs: 1000 })]);
    expect(s.hints![0]!.message).toMatch(/may be failing under concurrency/);
    expect(formatSummary(s)).toMatch(/Hint: .*3 devices failed .*badRequest within 1 s.*may be failing under concurrency/);
  });

  it("spread-out failures, or other codes, give no hint", () => {
    expect(run([1000, 2500, 4000]).hints).toBeUndefined();
    expect(run([1000, 1100, 1200], "scep.failInfo.badAlg").hints).toBeUndefined();
    expect(run([1000, 1100, 1200], "scep.failInfo.badRequest").hints).toHaveLength(1);
  });
});
