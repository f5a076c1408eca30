// SPDX-License-Identifier: MIT
/**
 * Keys bound to the TPM they were created in, over loopback (device/windows/tpm-keys.ts): enrolled PCs whose system
 * board is replaced (timeline `set` of state.hardwareReplaced) or whose TPM is cleared (state.tpm.cleared) can no
 * longer open their MDM certificate's key: the scheduled sync fails on the PC with NTE_BAD_KEYSET 0x80090016 and sends
 * nothing; the PCs left alone keep checking in; a PC without a TPM keeps its software key; a new enrollment fixes it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { traceLines } from "../support/trace-lines.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("TPM-bound keys (loopback)", () => {
  it("failing: the repaired PCs' syncs fail with 0x80090016 Keyset does not exist; the other PC keeps checking in", async () => {
    const { summary } = await runScenario(scenario("win-board-replaced-tpm-keys-failing"), opts);
    expect(summary.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(summary.enrolled).toBe(3);
    expect(summary.checkins).toMatchObject({ total: 6, failed: 4, codes: { "windows.checkin.key-unusable": 4 } });
    expect(summary.shown).toEqual([expect.objectContaining({ text: "Keyset does not exist", code: "windows.checkin.key-unusable", devices: 2 })]);
  }, 300_000);

  it("fixed, fail first: the repaired PCs' first syncs fail; records deleted, reset, enrolled again: new keys in the new TPM, the next syncs succeed", async () => {
    const { summary } = await runScenario(scenario("win-board-replaced-tpm-keys-fixed"), opts);
    expect(summary.expectations.filter((e) => !e.ok)).toEqual([]);
    expect(summary.enrolled).toBe(3);
    // One steady phase: the repaired PCs check in (and fail) before the reset fires, then check in with their new enrollment.
    expect(summary.checkins).toMatchObject({ total: 6, failed: 2, codes: { "windows.checkin.key-unusable": 2 } });
  }, 300_000);

  it("a TPM clear loses the keys too; a PC without a TPM keeps its software key through a board swap", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-tpmkeys-")), "clear.yaml");
    writeFileSync(
      file,
      `name: clear\nseed: 7\nserver: embedded\n` +
        `groups:\n` +
        `  - { name: cleared, model: windows-11-laptop, count: 1, flow: windows-byod, options: { windows: { minuteMs: 20, tokenSource: idp } } }\n` +
        `  - { name: no-tpm, model: windows-11-laptop, count: 1, flow: windows-byod, state: { tpm: { version: none } }, options: { windows: { minuteMs: 20, tokenSource: idp } } }\n` +
        `load: { steady: { durationSeconds: 7200, intervalSeconds: 3600, jitter: 0, maxCheckinsPerDevice: 1 } }\n` +
        `limits: { durationSeconds: 100000 }\n` +
        `timeline:\n` +
        `  - { after: { enrolled: 2, wait: 1s }, group: cleared, set: { state.tpm: { version: "2.0", cleared: true } }, note: Clear-Tpm }\n` +
        `  - { after: { enrolled: 2, wait: 1s }, group: no-tpm, set: { state.hardwareReplaced: [motherboard] }, note: new board }\n` +
        `  - { after: { enrolled: 2, wait: 2s }, skip: 90m }\n` +
        `  - { after: { step: checkin.dm.session, failed: 1, wait: 1s }, skip: 4h }\n` +
        `expect:\n  checkins: { total: 2, failed: 1, codes: { windows.checkin.key-unusable: 1 } }\n`,
    );
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-tpmkeys-")), "trace");
    const { summary } = await runScenario(file, { ...opts, trace: dir });
    expect(summary.expectations.filter((e) => !e.ok)).toEqual([]);
    // The cleared PC's sync fails before anything goes on the wire, and says why.
    const failed = traceLines(dir).filter((l) => JSON.stringify(l).includes("NTE_BAD_KEYSET"));
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((l) => l.device))).toEqual(new Set(["windows-11-laptop#0"]));
    expect(JSON.stringify(failed)).toContain("cleared");
  }, 300_000);
});
