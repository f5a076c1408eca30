// SPDX-License-Identifier: MIT
/**
 * A user who mistypes the password at the Autopilot sign-in against the tenant's lockout, on virtual time: each wrong
 * password is AADSTS50126, the threshold locks the account so even the right password then gets AADSTS50053, and the
 * lockout ends when its duration has passed on the virtual clock (seconds, not real time) or when the admin unlocks.
 */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { WindowsFlowResult } from "../../../src/device/windows/enrollment.js";
import { START, windowsHarness, type WinHarness } from "./harness.js";

const OPTIONS = { minuteMs: 20, tokenSource: "idp", upn: "ann@contoso.example.com", mistypedPasswords: 3 };

/** Runs the flow again and again on one device whose disk (the user's count of typed passwords) carries over, as Try Again does. */
function device(h: WinHarness) {
  const disk = new Map<string, unknown>();
  return async (): Promise<WindowsFlowResult> => {
    const { ctx } = h.context(0);
    return (await h.clock.run(FLOWS["windows-autopilot"]!.run({ ...ctx, disk }, OPTIONS as never), 48 * 3_600_000)) as WindowsFlowResult;
  };
}

describe("account lockout at the Windows identity provider (virtual time)", () => {
  it("three mistyped passwords lock the account: the right password gets AADSTS50053 until 60 s have passed, then it provisions", async () => {
    const h = await windowsHarness({}, undefined, { directory: { lockout: { threshold: 3, durationSeconds: 60 } } });
    try {
      const attempt = device(h);
      for (let i = 0; i < 3; i++) {
        const r = await attempt();
        expect(r.code).toBe("windows.auth.federated-refused");
        expect(r.shown).toMatchObject({ code: "0xCAA20003", text: "Something went wrong. Error code: caa20003", cause: { code: "AADSTS50126" } });
      }
      const locked = await attempt();
      expect(locked.shown).toMatchObject({ code: "0xCAA20003", cause: { code: "AADSTS50053" } });
      expect(locked.message).toContain("The account is locked, you've tried to sign in too many times with an incorrect user ID or password.");
      expect(h.server.policy.records().lockouts).toEqual([expect.objectContaining({ upn: "ann@contoso.example.com", lockouts: 1 })]);
      // The lockout runs on the server's (virtual) clock: it ends 60 s after the third failure, in no real time.
      const realStart = Date.now();
      await h.clock.run(h.clock.sleep(60_000), 120_000);
      const after = await attempt();
      expect(after.ok).toBe(true);
      expect(Date.now() - realStart).toBeLessThan(30_000);
      expect(h.clock.now() - START).toBeGreaterThanOrEqual(60_000);
    } finally {
      await h.close();
    }
  }, 120_000);

  it("without a lockout policy the same user only meets AADSTS50126 and the fourth try provisions; an admin unlock ends a lockout at once", async () => {
    const open = await windowsHarness({}, undefined, {});
    try {
      const attempt = device(open);
      for (let i = 0; i < 3; i++) expect((await attempt()).shown).toMatchObject({ cause: { code: "AADSTS50126" } });
      expect((await attempt()).ok).toBe(true);
    } finally {
      await open.close();
    }
    const held = await windowsHarness({}, undefined, { directory: { lockout: { threshold: 3, durationSeconds: 0 } } });
    try {
      const attempt = device(held);
      for (let i = 0; i < 3; i++) await attempt();
      await held.clock.run(held.clock.sleep(86_400_000), 90_000_000);
      expect((await attempt()).shown).toMatchObject({ cause: { code: "AADSTS50053" } });
      expect(held.server.policy.lockout.unlock(["ann@contoso.example.com"])).toBe(1);
      expect((await attempt()).ok).toBe(true);
    } finally {
      await held.close();
    }
  }, 120_000);

  it("OnPremise (the UsernameToken in the RST) counts toward the same lockout: the right password after two typos is the s:Authentication fault, naming the lockout", async () => {
    const h = await windowsHarness({ authPolicy: "OnPremise" }, undefined, { directory: { lockout: { threshold: 2, durationSeconds: 0 } } });
    try {
      const disk = new Map<string, unknown>();
      const attempt = async () => {
        const { ctx } = h.context(0);
        return (await h.clock.run(FLOWS["windows-byod"]!.run({ ...ctx, disk }, { upn: "ann@contoso.example.com", mistypedPasswords: 2 } as never), 3_600_000)) as WindowsFlowResult;
      };
      for (let i = 0; i < 2; i++) expect((await attempt()).message).not.toContain("locked out");
      const locked = await attempt();
      expect(locked.ok).toBe(false);
      expect(locked.message).toContain("the account is locked out after too many failed sign-ins");
      h.server.policy.lockout.unlock();
      expect((await attempt()).ok).toBe(true);
    } finally {
      await h.close();
    }
  }, 120_000);
});
