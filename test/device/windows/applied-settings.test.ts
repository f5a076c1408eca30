// SPDX-License-Identifier: MIT
/** The Policy CSP values a PC keeps between OMA-DM sessions, and the local Autopilot Reset they gate (virtual time). */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { toPem } from "../../../src/wire/x509/certificate.js";
import { parseSyncML } from "../../../src/wire/windows/syncml.js";
import type { HttpRequest } from "../../../src/ports/http.js";
import { LOCAL_AUTOPILOT_RESET_POLICY, localAutopilotReset } from "../../../src/device/windows/applied-settings.js";
import type { WindowsEnrolledState } from "../../../src/device/windows/checkin.js";
import { windowsHarness } from "./harness.js";

describe("applied Policy CSP settings", () => {
  it("persist across check-ins (a later Get reads them), gate the local Autopilot Reset, and go when the server Deletes them or the PC is wiped", async () => {
    const sent: string[] = [];
    const h = await windowsHarness({}, (inner) => async (req: HttpRequest) => {
      if (req.url.includes("/ManagementServer/MDM.svc") && req.body) sent.push(new TextDecoder().decode(req.body));
      return inner(req);
    });
    try {
      const { result } = await h.run("windows-byod", {});
      expect(result.ok).toBe(true);
      const { ctx } = h.context(0);
      const deviceId = ctx.identity.windows!.deviceId;
      const queue = async (cmds: unknown[]) => {
        const q = await h.handler({
          method: "POST",
          url: `${h.server.urls.https}/windows/api/devices/${deviceId}/commands`,
          headers: { "content-type": "application/json" },
          body: new TextEncoder().encode(JSON.stringify(cmds)),
        });
        expect(q.status).toBe(202);
      };
      const checkin = async () => {
        sent.length = 0;
        await h.clock.advance(8 * 3_600_000);
        return h.clock.run(FLOWS["windows-byod"]!.checkin!(ctx, {} as never, state), 600_000);
      };
      const state: WindowsEnrolledState = {
        certificates: result.keychain.identities.map((i) => ({ label: i.label, pem: toPem(i.certificate.der) })),
        serverIds: {},
        ...(result.appliedSettings ? { appliedSettings: result.appliedSettings } : {}),
      };
      // Before the policy: the lock screen hides the Autopilot Reset credentials (default 1).
      expect(localAutopilotReset(ctx.identity, state.appliedSettings)).toMatchObject({ promptShown: false });
      await queue([{ verb: "Replace", target: LOCAL_AUTOPILOT_RESET_POLICY, data: "0", format: "int" }]);
      expect(await checkin()).toMatchObject({ ok: true, code: "windows.checkin.synced" });
      expect(state.appliedSettings?.[LOCAL_AUTOPILOT_RESET_POLICY]?.value).toBe("0");
      expect(localAutopilotReset(ctx.identity, state.appliedSettings)).toEqual({ promptShown: true });
      expect(localAutopilotReset(ctx.identity, state.appliedSettings, false).refusal).toMatch(/not an administrator/);

      // Someone at the lock screen without an administrator account: the prompt shows, no reset.
      const at = (admin: boolean) => ({ ...ctx, localActions: [{ kind: "autopilot-reset" as const, admin, entry: 0, at: h.clock.now() }] });
      const run = async (c: typeof ctx) => (await h.clock.advance(3_600_000), h.clock.run(FLOWS["windows-byod"]!.checkin!(c, {} as never, state), 600_000));
      expect(await run(at(false))).toMatchObject({ ok: false, code: "windows.autopilot-reset.local-refused", message: expect.stringMatching(/not an administrator/) });
      expect(state.appliedSettings?.[LOCAL_AUTOPILOT_RESET_POLICY]?.value).toBe("0");

      // A later session's Get reads the value set at the earlier one.
      await queue([{ verb: "Get", target: LOCAL_AUTOPILOT_RESET_POLICY }]);
      await checkin();
      const results = parseSyncML(new TextEncoder().encode(sent[1]!), "t").body.filter((c) => c.verb === "Results");
      expect(results.map((c) => c.items[0]?.data)).toEqual(["0"]);

      // The admin removes the policy: no longer in force, the prompt is hidden again.
      await queue([{ verb: "Delete", target: LOCAL_AUTOPILOT_RESET_POLICY }]);
      await checkin();
      expect(state.appliedSettings?.[LOCAL_AUTOPILOT_RESET_POLICY]).toBeUndefined();
      expect(localAutopilotReset(ctx.identity, state.appliedSettings).refusal).toMatch(/shows nothing.*not set, default 1/);

      // Hidden prompt: CTRL + Windows key + R shows nothing, the PC stays as it is.
      expect(await run(at(true))).toMatchObject({ ok: false, code: "windows.autopilot-reset.local-refused", message: expect.stringMatching(/shows nothing/) });

      // Set again: an administrator resets the PC from the lock screen; it keeps its enrollment, the settings go.
      await queue([{ verb: "Replace", target: LOCAL_AUTOPILOT_RESET_POLICY, data: "0", format: "int" }]);
      await checkin();
      expect(await run(at(true))).toMatchObject({ ok: true, code: "windows.checkin.autopilot-reset", message: expect.stringMatching(/lock screen/) });
      expect(state.appliedSettings?.[LOCAL_AUTOPILOT_RESET_POLICY]).toBeUndefined();

      // Set again, then a remote wipe: the reset removes what the PC kept.
      await queue([{ verb: "Replace", target: LOCAL_AUTOPILOT_RESET_POLICY, data: "0", format: "int" }]);
      await checkin();
      expect(state.appliedSettings?.[LOCAL_AUTOPILOT_RESET_POLICY]?.value).toBe("0");
      await queue([{ verb: "Exec", target: "./Device/Vendor/MSFT/RemoteWipe/doWipe" }]);
      expect(await checkin()).toMatchObject({ ok: true, code: "windows.checkin.wiped", erased: true });
      expect(state.appliedSettings).toEqual({});
    } finally {
      await h.close();
    }
  });

  it("the local Autopilot Reset reads WinRE as the remote one does", () => {
    const kept = { [LOCAL_AUTOPILOT_RESET_POLICY]: { value: "0", format: "int" } };
    const pc = { platform: "windows", state: { recovery: { winre: "disabled" } } } as never;
    expect(localAutopilotReset(pc, kept)).toMatchObject({ promptShown: true, refusal: expect.stringContaining("0x80070032") });
    expect(localAutopilotReset(pc, { [LOCAL_AUTOPILOT_RESET_POLICY]: { value: "1" } }).refusal).toMatch(/= 1; the server must set it to 0/);
  });
});
