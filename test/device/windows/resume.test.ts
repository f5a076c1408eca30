// SPDX-License-Identifier: MIT
/**
 * Exactly-once resume of Windows enrollments (issue 13 #5), in memory on virtual time: a device whose
 * provisioning document was applied is killed before (or during) its first OMA-DM session; a new
 * instance of the same device continues with an OMA-DM session (Alert 1201) with the certificate it
 * holds. The reference server's own records must show one WSTEP enrollment and one certificate for
 * the DeviceID. A device killed before the document arrived has no checkpoint and enrolls again: the
 * server then counts a second enrollment, which the runner reports as resumed-restart.
 */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { CheckpointPort, DurablePoint, ResumeMode } from "../../../src/ports/index.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { windowsHarness, type WinHarness } from "./harness.js";

const PASSWORD = "S3cret-pw-4-alice";
const BYOD = { windows: { upn: "alice@contoso.com", password: PASSWORD } };
const AUTOPILOT = { windows: { autopilot: { mode: "self-deploying", profileSource: "service" } } };

type TestPort = CheckpointPort & { last?: DurablePoint; modes: { mode: ResumeMode; why?: string }[] };

function port(o: { saved?: DurablePoint; killAt?: string } = {}): TestPort {
  const p: TestPort = {
    ...(o.saved ? { saved: o.saved } : {}),
    modes: [],
    save(point) {
      p.last = structuredClone(point);
      if (point.step === o.killAt) throw new Error(`killed at ${point.step}`);
    },
    resumed(mode, why) {
      p.modes.push({ mode, ...(why ? { why } : {}) });
      delete p.saved;
    },
  };
  return p;
}

/** The request reaches the server, then the process dies before the answer comes back. */
function loseAnswerTo(prefix: string): { wrap: (h: HttpHandler) => HttpHandler } {
  let armed = true;
  return {
    wrap: (h) => async (req) => {
      const res = await h(req);
      if (armed && new URL(req.url).pathname.toLowerCase().startsWith(prefix)) {
        armed = false;
        throw new Error(`killed after ${prefix} reached the server`);
      }
      return res;
    },
  };
}

async function runWith(h: WinHarness, flow: string, options: unknown, index: number, cp: CheckpointPort) {
  const { ctx, events } = h.context(index);
  ctx.protocol.checkpoint = cp;
  const result = await h.clock.run(FLOWS[flow]!.run(ctx, options as never), 48 * 3_600_000);
  return { result, events };
}

/** The server's own view: WSTEP enrollments and certificates for the one device. */
function serverView(h: WinHarness) {
  const rec = h.server.records();
  return { enrollments: rec.enrollments.filter((r) => r.platform === "windows").map((r) => r.enrollments), certificates: rec.certificates.filter((c) => c.issuedBy !== "scep").length };
}

describe("Windows resume from the applied provisioning document (virtual time, in-memory server)", () => {
  for (const [flow, options] of [
    ["windows-byod", BYOD],
    ["windows-autopilot", AUTOPILOT],
  ] as const) {
    it(`${flow}: killed before its first OMA-DM session, a new instance starts OMA-DM with the certificate it holds — one enrollment`, async () => {
      const dm: string[] = [];
      const record =
        (next: HttpHandler): HttpHandler =>
        (req) => {
          if (/^\/managementserver\//i.test(new URL(req.url).pathname)) dm.push(Buffer.from(req.body ?? new Uint8Array()).toString("utf8"));
          return next(req);
        };
      const h = await windowsHarness({ password: PASSWORD, autopilot: { deviceNameTemplate: "CT-%SERIAL%" }, esp: { apps: [] } }, record);
      try {
        const first = port({ killAt: "windows.omadm" });
        await expect(runWith(h, flow, options, 0, first)).rejects.toThrow(/killed at windows.omadm/);
        expect(first.last?.step).toBe("windows.omadm");
        expect(serverView(h)).toEqual({ enrollments: [1], certificates: 1 });
        const again = port({ saved: first.last! });
        const { result, events } = await runWith(h, flow, options, 0, again);
        expect(result).toMatchObject({ ok: true });
        expect(again.modes).toEqual([{ mode: "checkpoint" }]);
        // No discovery and no WSTEP request this time: the first request is the OMA-DM session, Alert 1201.
        const requests = events.filter((e) => e.kind === "http").map((e) => e.step);
        expect(requests.filter((s) => s !== "autopilot.profile")[0]).toBe("dm.session");
        expect(requests.filter((s) => /^(discovery|policy|enroll)\./.test(s))).toEqual([]);
        expect(dm.length).toBeGreaterThan(0);
        expect(dm[0]).toMatch(/<Alert>\s*<CmdID>\d+<\/CmdID>\s*<Data>1201<\/Data>/);
        expect(serverView(h)).toEqual({ enrollments: [1], certificates: 1 });
        const dev = h.server.records().enrollments.find((r) => r.platform === "windows")!;
        expect(dev.removed).toBeFalsy();
      } finally {
        await h.close();
      }
    });
  }

  it("windows-byod: killed after its first OMA-DM message reached the server, the resumed device opens a new session — still one enrollment", async () => {
    const h = await windowsHarness({ password: PASSWORD }, loseAnswerTo("/managementserver/").wrap);
    try {
      const first = port();
      await expect(runWith(h, "windows-byod", BYOD, 1, first)).rejects.toThrow(/killed after/);
      const again = port({ saved: first.last! });
      expect((await runWith(h, "windows-byod", BYOD, 1, again)).result).toMatchObject({ ok: true });
      expect(again.modes).toEqual([{ mode: "checkpoint" }]);
      expect(serverView(h)).toEqual({ enrollments: [1], certificates: 1 });
    } finally {
      await h.close();
    }
  });

  it("windows-byod: killed after the WSTEP request reached the server (no document yet): no checkpoint, enrolls again — the server counts 2", async () => {
    const h = await windowsHarness({ password: PASSWORD }, loseAnswerTo("/enrollmentserver/enrollment").wrap);
    try {
      const first = port();
      await expect(runWith(h, "windows-byod", BYOD, 2, first)).rejects.toThrow(/killed after/);
      expect(first.last).toBeUndefined();
      const again = port();
      expect((await runWith(h, "windows-byod", BYOD, 2, again)).result).toMatchObject({ ok: true });
      expect(again.modes).toEqual([]); // the runner counts this device resumed-restart
      expect(serverView(h)).toEqual({ enrollments: [2], certificates: 2 });
    } finally {
      await h.close();
    }
  });

  it("a checkpoint of another flow kind, or whose key slot holds another key, is not used (restart, with why)", async () => {
    const h = await windowsHarness({ password: PASSWORD, autopilot: { deviceNameTemplate: "CT-%SERIAL%" }, esp: { apps: [] } });
    try {
      const first = port({ killAt: "windows.omadm" });
      await expect(runWith(h, "windows-byod", BYOD, 3, first)).rejects.toThrow(/killed/);
      const wrongKey = structuredClone(first.last!);
      wrongKey.data.keySlot = 4;
      const a = port({ saved: wrongKey });
      expect((await runWith(h, "windows-byod", BYOD, 3, a)).result).toMatchObject({ ok: true });
      expect(a.modes[0]).toMatchObject({ mode: "restart", why: expect.stringMatching(/does not certify the device key/) });
      const b = port({ saved: first.last! });
      await runWith(h, "windows-autopilot", AUTOPILOT, 3, b);
      expect(b.modes[0]).toMatchObject({ mode: "restart", why: expect.stringMatching(/byod enrollment, this flow is autopilot/) });
    } finally {
      await h.close();
    }
  });
});
