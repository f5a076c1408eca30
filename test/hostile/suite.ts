// SPDX-License-Identifier: MIT
/**
 * The assertions every hostile case makes: the device ends with a typed error (code, blame,
 * device, step) as the table says; nothing was thrown uncaught; the failing step ended within
 * its timeout; the hostile rule really fired; the process's memory grew less than the bound.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalText } from "../../src/report/terminal-text.js";
import type { HostileCase } from "./cases.js";
import { DEFAULT_STEP_TIMEOUT_MS, runHostile } from "./run.js";

/** Memory growth allowed per case (RSS after minus before, after a GC when exposed). */
export const MEMORY_BOUND_MIB = 96;
/** Slack over limits.stepTimeoutMs for a step to end (a loaded 2-core machine, close grace). */
const STEP_SLACK_MS = 3_000;

const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => void uncaught.push(e);

const rssMiB = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

export function hostileSuite(title: string, cases: HostileCase[]): void {
  describe(title, () => {
    beforeAll(() => {
      process.on("uncaughtException", onUncaught);
      process.on("unhandledRejection", onUncaught);
    });
    afterAll(() => {
      process.off("uncaughtException", onUncaught);
      process.off("unhandledRejection", onUncaught);
    });

    it.each(cases.map((c) => [c.id, c] as const))(
      "%s",
      async (_id, c) => {
        const before = rssMiB();
        const out = await runHostile({ ...c, groups: [c.group] });
        const grown = rssMiB() - before;
        const r = out.results[0];
        if (process.env.HOSTILE_PROBE) {
          console.log(
            `PROBE ${c.id} ${JSON.stringify({ ok: r?.ok, code: r?.failure?.code, blame: r?.failure?.blame, step: r?.failure?.step, msg: r?.failure?.message?.slice(0, 300), fired: out.fired, wallMs: out.wallMs, grown: Math.round(grown), log: out.log.slice(-3) })}`,
          );
          return;
        }
        expect(out.results, "one device ended").toHaveLength(1);
        expect(r!.ok, "the device did not enrol").toBe(false);
        expect(r!.failure).toMatchObject({ code: c.expect.code, blame: c.expect.blame, step: c.expect.step });
        expect(r!.failure!.message, "the error names device and step").toContain(`device ${r!.device}`);
        expect(r!.failure!.message.length).toBeGreaterThan(20);
        if (c.rules?.length)
          expect(
            out.fired.reduce((a, b) => a + b, 0),
            "the hostile rule fired",
          ).toBeGreaterThan(0);
        const timeout = c.limits?.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
        for (const s of out.samples.filter((x) => !x.ok)) expect(s.ms, `step ${s.step} ended within its timeout`).toBeLessThan(timeout + STEP_SLACK_MS);
        expect(grown, `memory grew ${grown.toFixed(0)} MiB`).toBeLessThan(MEMORY_BOUND_MIB);
        // Server text reaches a terminal only escaped: no raw ESC, BEL or bidi override survives.
        expect(terminalText(r!.failure!.message)).not.toMatch(/[\x00-\x08\x1b\x7f\u202a-\u202e\u2066-\u2069]/);
        expect(uncaught, "no uncaught exception").toEqual([]);
      },
      60_000,
    );
  });
}

/**
 * Fleet variant: the hostile case's device beside a healthy group on another half of the same
 * hostile server; the hostile device fails as the table says, every healthy device still enrols.
 */
export function hostileFleetSuite(title: string, cases: { c: HostileCase; healthy: import("./run.js").Group; count: number }[]): void {
  describe(title, () => {
    it.each(cases.map((x) => [x.c.id, x] as const))(
      "%s beside healthy devices",
      async (_id, { c, healthy, count }) => {
        const out = await runHostile({
          ...c,
          groups: [
            { ...c.group, count: 2 },
            { ...healthy, count },
          ],
          limits: c.limits,
        });
        const hostile = out.results.filter((r) => r.group === "g0");
        const fine = out.results.filter((r) => r.group === "g1");
        expect(hostile).toHaveLength(2);
        for (const r of hostile) expect(r.failure).toMatchObject(c.expect);
        expect(fine.map((r) => [r.device, r.ok, r.failure?.code])).toEqual(fine.map((r) => [r.device, true, undefined]));
        expect(fine).toHaveLength(count);
      },
      90_000,
    );
  });
}
