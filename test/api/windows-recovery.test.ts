// SPDX-License-Identifier: MIT
/**
 * The recovery environment as device state (`recovery.winre`), over loopback against the embedded server on the
 * scenario clock (timeline `skip`): the remote Autopilot Reset (timeline `autopilotReset`) and the RemoteWipe wipes
 * (timeline `wipe`) that cannot start without WinRE, and the same runs with the PCs' WinRE enabled or the protected
 * wipe, and a reset on the PC itself (timeline `reset`). The server reads the Autopilot Reset's Status and LastError
 * back (GET /windows/api/devices/<id>).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";

const root = join(import.meta.dirname, "../../scenarios/failures");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

type Rec = { deviceId: string; wipe?: { state: string; status?: string; kind?: string; result?: { status?: string; lastError?: string } }; profiles?: Record<string, { attempts: number }> };

/** Every Windows record the server holds, as its admin API shows it (the handler, called after the run: the listeners are closed). */
async function records(server: ReferenceServer): Promise<Rec[]> {
  const get = async (path: string) => JSON.parse(new TextDecoder().decode((await server.handler({ method: "GET", url: `https://127.0.0.1${path}`, headers: {} })).body)) as unknown;
  const list = (await get("/windows/api/devices")) as { deviceId: string }[];
  return Promise.all(list.map((d) => get(`/windows/api/devices/${d.deviceId}`) as Promise<Rec>));
}

describe("recovery environment: Autopilot Reset", () => {
  it("win-autopilot-reset-winre-disabled-failing: two PCs answer 500 and report Status 30, LastError 0x80070032; the third resets and is sent its profile again", async () => {
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(join(root, "win-autopilot-reset-winre-disabled-failing.yaml"), { ...opts, onServer: (s) => (server = s) });
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const recs = await records(server!);
    const failed = recs.filter((r) => r.wipe?.state === "failed");
    expect(failed.map((r) => r.wipe)).toEqual([0, 1].map(() => ({ state: "failed", status: "500", cmdIds: expect.any(Array), keepsEnrollment: true, kind: "autopilot-reset", result: { status: "30", lastError: "0x80070032" } })));
    expect(failed.map((r) => r.profiles?.["classroom-hours"]?.attempts)).toEqual([1, 1]);
    const reset = recs.filter((r) => r.wipe?.state === "done");
    expect(reset).toHaveLength(1);
    expect(reset[0]!.wipe!.result).toEqual({ status: "10", lastError: "0" });
    expect(reset[0]!.profiles?.["classroom-hours"]?.attempts).toBe(2);
  }, 120_000);

  it("win-autopilot-reset-winre-disabled-fixed: every PC acknowledges, stays enrolled and is sent its profile again", async () => {
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(join(root, "win-autopilot-reset-winre-disabled-fixed.yaml"), { ...opts, onServer: (s) => (server = s) });
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const recs = await records(server!);
    expect(recs.map((r) => [r.wipe?.state, r.wipe?.result?.status, r.profiles?.["classroom-hours"]?.attempts])).toEqual([0, 1, 2].map(() => ["done", "10", 2]));
  }, 120_000);
});

describe("recovery environment: remote wipe", () => {
  it("win-wipe-winre-disabled-failing: doWipe cannot start without WinRE (500), the two PCs stay enrolled", async () => {
    const { summary } = await runScenario(join(root, "win-wipe-winre-disabled-failing.yaml"), opts);
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
  }, 120_000);

  it("win-wipe-winre-disabled-fixed: doWipeProtected runs without WinRE, every laptop resets", async () => {
    const { summary } = await runScenario(join(root, "win-wipe-winre-disabled-fixed.yaml"), opts);
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
  }, 120_000);
});

describe("recovery environment: a reset on the PC itself (timeline reset)", () => {
  it("win-reset-this-pc-winre-disabled-failing: the two kiosks without WinRE are not erased and never redeployed", async () => {
    const { summary } = await runScenario(join(root, "win-reset-this-pc-winre-disabled-failing.yaml"), opts);
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    expect(summary.actions?.find((a) => a.action === "reset")?.result).toContain('2 could not reset: Reset this PC: "Could not find the recovery environment."');
  }, 120_000);

  it("win-reset-this-pc-winre-disabled-fixed: every kiosk resets and runs the deployment again", async () => {
    const { summary } = await runScenario(join(root, "win-reset-this-pc-winre-disabled-fixed.yaml"), opts);
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
  }, 120_000);
});
