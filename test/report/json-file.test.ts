// SPDX-License-Identifier: MIT
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ReportError } from "../../src/report/errors.js";
import { parseSummary } from "../../src/report/json.js";
import { writeReport } from "../../src/report/json-file.js";
import { SummaryCollector } from "../../src/report/summary.js";

describe("writeReport", () => {
  it("writes the summary JSON and leaves no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-report-"));
    try {
      const c = new SummaryCollector({ now: () => 0 });
      c.onRunStart({ scenario: "s", devices: 1, seed: "x" });
      c.onStep({ device: "d", step: "scep.getcacaps", ms: 3, ok: true });
      c.onRunEnd({ durationMs: 5 });
      const path = join(dir, "summary.json");
      writeReport(path, c.summary());
      expect(readdirSync(dir)).toEqual(["summary.json"]);
      expect(parseSummary(readFileSync(path, "utf8")).steps["scep.getcacaps"]!.p50).toBe(3);
      // A missing directory is created (0700); a path through a regular file cannot be written.
      expect(() => writeReport(join(path, "summary.json"), c.summary())).toThrow(ReportError);
      expect(readdirSync(dir)).toEqual(["summary.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
