// SPDX-License-Identifier: MIT
/** Conditional access at the Windows identity provider's sign-in, over loopback on virtual time (server/policy/conditional-access.ts). */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { UserAbandonedError } from "../../../src/runner/timeline/engine.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import { windowsHarness } from "./harness.js";

const tou: PolicyConfig = {
  conditionalAccess: {
    termsOfUse: [{ name: "Contoso Acceptable Use" }],
    policies: [{ name: "ToU everywhere", grant: { termsOfUse: ["Contoso Acceptable Use"] } }],
  },
};

describe("conditional access at the Federated sign-in (Settings › Access work or school)", () => {
  it("a terms-of-use grant shows the terms page at step auth.terms: accepted once it enrols, the next sign-in is not asked; declining is abandoning there", async () => {
    const h = await windowsHarness({ authPolicy: "Federated" }, undefined, tou);
    try {
      const first = await h.run("windows-byod", { windows: {} }, 0);
      expect(first.result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(first.events.some((e) => e.kind === "decoded" && e.step === "auth.terms")).toBe(true);
      const signIns = h.server.policy.records().signIns;
      expect(signIns.map((s) => s.result)).toEqual(["terms", "granted"]); // Entra's two sign-ins: the interrupt and the success
      expect(signIns[0]).toMatchObject({ app: "d4ebce55-015a-49b5-a083-c84d1797ae8c", platform: "windows", policy: "ToU everywhere" });
      const again = await h.run("windows-byod", { windows: {} }, 0);
      expect(again.events.some((e) => e.step === "auth.terms")).toBe(false); // consent is per user
      const { ctx, events } = h.context(2);
      ctx.protocol.gate = async (step: string) => {
        if (step === "auth.terms") throw new UserAbandonedError("the user declines the terms of use (test)");
      };
      h.server.policy.holder.set("conditionalAccess.termsOfUse", [{ name: "Contoso Acceptable Use" }, { name: "Contoso v2" }]);
      h.server.policy.holder.set("conditionalAccess.policies.0.grant.termsOfUse", ["Contoso v2"]);
      const err = await h.clock.run(
        FLOWS["windows-byod"]!.run(ctx, { windows: {} } as never).then(
          () => undefined,
          (e: unknown) => e,
        ),
        3_600_000,
      );
      expect(err).toMatchObject({ code: "user.abandoned", step: "auth.terms" });
      expect(events.some((e) => e.kind === "http" && e.step === "enroll.rst")).toBe(false);
    } finally {
      await h.close();
    }
  });

  it("device controls end the sign-in with their published codes: hybrid join AADSTS53001, a block AADSTS53003; report-only only logs", async () => {
    const h = await windowsHarness({ authPolicy: "Federated" }, undefined, { conditionalAccess: { policies: [{ name: "Hybrid only", grant: { controls: ["domainJoinedDevice"] } }] } });
    try {
      const hybrid = await h.run("windows-byod", { windows: {} }, 0);
      expect(hybrid.result).toMatchObject({ ok: false, code: "windows.auth.federated-refused" });
      expect(hybrid.result.message).toContain("AADSTS53001");
      h.server.policy.holder.set("conditionalAccess.policies", [{ name: "Block Windows", platforms: { include: ["windows"] }, grant: { controls: ["block"] } }]);
      const blocked = await h.run("windows-byod", { windows: {} }, 1);
      expect(blocked.result.message).toContain("AADSTS53003: Access has been blocked by Conditional Access policies.");
      h.server.policy.holder.set("conditionalAccess.policies.0.state", "reportOnly");
      const ro = await h.run("windows-byod", { windows: {} }, 2);
      expect(ro.result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(h.server.policy.records().signIns.at(-1)).toMatchObject({ result: "granted", policies: [{ policy: "Block Windows", state: "reportOnly", result: "failure" }] });
    } finally {
      await h.close();
    }
  });

  it("the device's directory state is read at the sign-in: a hybrid-joined object satisfies 'require hybrid-joined device', an unknown device gets AADSTS53001 (Event 76)", async () => {
    const h = await windowsHarness({}, undefined, { conditionalAccess: { policies: [{ name: "Hybrid only", grant: { controls: ["domainJoinedDevice"] } }] } });
    try {
      const id = (h.context(0, "windows-10-desktop").ctx.identity as { windows: { deviceId: string } }).windows.deviceId;
      const unknown = await h.run("windows-gpo", { windows: { tokenSource: "idp" } }, 0, "windows-10-desktop");
      expect(unknown.result).toMatchObject({ ok: false, code: "windows.gpo.token-unavailable" });
      expect(unknown.result.message).toContain("AADSTS53001");
      h.server.policy.holder.set("directory.devices", [{ deviceIds: [id], joinType: "hybrid" }]);
      const hybrid = await h.run("windows-gpo", { windows: { tokenSource: "idp" } }, 0, "windows-10-desktop");
      expect(hybrid.result.message).toBeUndefined();
      expect(hybrid.result.ok).toBe(true);
      expect(h.server.policy.records().signIns.map((r) => r.result)).toEqual(["device", "granted"]);
    } finally {
      await h.close();
    }
  });
});
