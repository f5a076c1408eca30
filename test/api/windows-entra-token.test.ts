// SPDX-License-Identifier: MIT
/**
 * The MDM application's access-token version against a server that reads aud as its URL (wire/windows/entra-token.ts,
 * server/windows/mdm-token.ts), end to end over loopback: the shipped pair win-entra-v2-token-audience-{failing,fixed}
 * (fleetdm/fleet#46388).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const };
const failures = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const T = 120_000;

describe("Entra v2.0 access tokens at a server that accepts only its URL as audience", () => {
  it(
    "failing: every PC joins, then GetPolicies is answered 200 + s:messageformat 'token audience is not authorized' and the PC shows 0x801900C8",
    async () => {
      const { summary } = await runScenario(failures("win-entra-v2-token-audience-failing"), opts);
      expect(summary).toMatchObject({ devices: 2, enrolled: 0, failed: 2, ok: true });
      const e = summary.errors["windows.fault.messageformat"]!;
      expect(e).toMatchObject({ count: 2, step: "policy.getpolicies" });
      expect(e.shown).toMatchObject({ code: "0x801900C8" });
      expect(summary.steps["join.register"]!.count).toBe(2);
      expect(summary.steps["enroll.rst"]).toBeUndefined();
    },
    T,
  );
  it(
    "fixed: the server accepts the application's client id too, and every PC provisions; its trace shows no token's signature",
    async () => {
      const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-trace-")), "trace");
      const { summary } = await runScenario(failures("win-entra-v2-token-audience-fixed"), { ...opts, trace: dir });
      expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
      // The Entra access token travels in the sign-in page's wresult field and in every DM session's AADUserToken
      // alert: its claims stay readable, its signature is redacted (report/redact.ts).
      const files = readdirSync(dir);
      expect(files).toHaveLength(2);
      for (const f of files) {
        const text = readFileSync(join(dir, f), "utf8");
        expect(text).toMatch(/com\.microsoft\/MDM\/AADUserToken/);
        expect(text).toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.\[REDACTED\]/);
        expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.(?!\[REDACTED\])[\w-]/);
      }
    },
    T,
  );
});
