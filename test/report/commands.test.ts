// SPDX-License-Identifier: MIT
/**
 * Command answers in the summary (issue 12 #17): per protocol and command, how each was answered
 * (Apple Acknowledged/Error/CommandFormatError/NotNow, SyncML status codes, AMAPI results); a
 * command answered NotNow and never answered otherwise is counted apart, shown in the text report
 * and assertable with expect.commands.
 */
import { describe, expect, it } from "vitest";
import { SummaryCollector } from "../../src/report/summary.js";
import { formatSummary } from "../../src/report/table.js";
import { validateExpectationSpec } from "../../src/report/expectations.js";

function run(expectSpec?: object) {
  const c = new SummaryCollector({ now: () => 0, expect: expectSpec as never });
  c.onRunStart({ scenario: "s", devices: 2, seed: "x" });
  const ios = (device: string, command: string, status: string, id: string) => c.onCommand({ device, platform: "ios", protocol: "apple-mdm", command, status, id });
  ios("iPhone#0", "InstallProfile", "NotNow", "u1");
  ios("iPhone#0", "InstallProfile", "Acknowledged", "u1");
  ios("iPhone#1", "InstallProfile", "NotNow", "u2");
  ios("iPhone#1", "InstallProfile", "NotNow", "u2");
  ios("iPhone#1", "DeviceInformation", "Acknowledged", "u3");
  ios("iPhone#1", "Bogus", "Error", "u4");
  c.onCommand({ device: "win#0", platform: "windows", protocol: "syncml", command: "Replace", status: "200" });
  c.onCommand({ device: "win#0", platform: "windows", protocol: "syncml", command: "Replace", status: "405" });
  c.onCommand({ device: "pixel#0", platform: "android", protocol: "amapi", command: "LOCK", status: "done" });
  for (const d of ["iPhone#0", "iPhone#1"]) c.onDeviceEnd({ device: d, index: 0, group: "g", model: "m", platform: "ios", flow: "f", ok: true, code: "ok", startedAt: 0, endedAt: 1 });
  c.onRunEnd({ durationMs: 1 });
  return c.summary();
}

describe("command answers", () => {
  it("are counted per protocol, command and answer; NotNow never answered otherwise is counted apart", () => {
    expect(run().commands).toEqual({
      "apple-mdm": { InstallProfile: { NotNow: 3, Acknowledged: 1, NotNowUnanswered: 1 }, DeviceInformation: { Acknowledged: 1 }, Bogus: { Error: 1 } },
      syncml: { Replace: { "200": 1, "405": 1 } },
      amapi: { LOCK: { done: 1 } },
    });
  });

  it("appear in the text report, with the unanswered NotNow called out", () => {
    const text = formatSummary(run());
    expect(text).toMatch(/Commands/);
    expect(text).toMatch(/apple-mdm InstallProfile: .*Acknowledged ×1.*NotNow ×3/);
    expect(text).toMatch(/1 InstallProfile command\(s\) answered NotNow and never answered otherwise/);
    expect(text).toMatch(/syncml Replace: 200 ×1, 405 ×1/);
  });

  it("are assertable: expect.commands bounds a count per answer (a number is exact)", () => {
    const ok = run({ commands: { "apple-mdm": { InstallProfile: { Acknowledged: 1, NotNow: { min: 1 } } }, syncml: { Replace: { "405": 1 } } } });
    expect(ok.ok).toBe(true);
    const bad = run({ commands: { "apple-mdm": { InstallProfile: { NotNowUnanswered: 0 } } } });
    expect(bad.ok).toBe(false);
    expect(bad.expectations.find((e) => e.name === "command apple-mdm InstallProfile NotNowUnanswered")).toMatchObject({ ok: false, expected: "exactly 0", actual: "1" });
    expect(() => validateExpectationSpec({ commands: { "apple-mdm": { InstallProfile: { NotNow: -1 } } } } as never)).toThrow(/commands\.apple-mdm\.InstallProfile\.NotNow/);
  });
});
