// SPDX-License-Identifier: MIT
/** The shipped SCEP scenarios, end to end against the embedded server over loopback. */
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("shipped SCEP scenarios", () => {
  it("scep-fleet: 100 devices of three platforms all enrol", async () => {
    const { summary } = await runScenario(scenario("scep-fleet.yaml"), opts);
    expect(summary).toMatchObject({ devices: 100, enrolled: 100, failed: 0, ok: true });
    expect(summary.steps["scep.pkioperation"]!.count).toBe(100);
    expect(summary.groups).toMatchObject({ iphones: { enrolled: 40 }, "windows-laptops": { enrolled: 30 }, pixels: { enrolled: 30 } });
  });

  it("scep-pending: PENDING twice, then issued", async () => {
    const { summary } = await runScenario(scenario("scep-pending.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    expect(summary.steps["scep.certpoll"]!.count).toBe(10);
  });

  it("scep-bad-challenge: passes because every device gets FAILURE badRequest", async () => {
    const { summary } = await runScenario(scenario("scep-bad-challenge.yaml"), opts);
    expect(summary).toMatchObject({ devices: 10, enrolled: 0, failed: 10, ok: true });
    expect(summary.errors["scep.failInfo.badRequest"]!.count).toBe(10);
  });

  it("scep-malformed-certrep: every device refuses a CertRep signed by an unknown key, blamed on the server", async () => {
    const { summary } = await runScenario(scenario("scep-malformed-certrep.yaml"), opts);
    expect(summary).toMatchObject({ devices: 6, enrolled: 0, failed: 6, ok: true });
    expect(summary.errors["scep.unknown-signer"]).toMatchObject({ count: 6, blame: "server", step: "scep.pkioperation" });
  });

  it("a trace directory gets one 0600 NDJSON file per device with the challenge redacted", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-trace-")), "trace");
    const { summary } = await runScenario(scenario("scep-bad-challenge.yaml"), { ...opts, trace: dir });
    expect(summary.devices).toBe(10);
    const files = readdirSync(dir);
    expect(files).toHaveLength(10);
    for (const f of files) {
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      const text = readFileSync(join(dir, f), "utf8");
      expect(text).not.toContain("a-wrong-one");
      expect(text).not.toContain("the-right-one");
      const lines = text.trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.some((l) => l.kind === "http" && l.step === "scep.pkioperation")).toBe(true);
      expect(lines.some((l) => l.kind === "decoded" && l.data.pkiStatus === "FAILURE")).toBe(true);
    }
  });
});
