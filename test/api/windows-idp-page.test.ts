// SPDX-License-Identifier: MIT
/**
 * An identity provider that ends the sign-in on its own page (protocol/windows/federated.ts, device/windows/signin-shown.ts
 * pageShown), end to end over loopback: the shipped pair win-federated-idp-block-page-{failing,fixed}.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const };
const failures = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const T = 120_000;

describe("the identity provider's own block page at the Windows sign-in", () => {
  it(
    "failing: the refused users' PCs stop at auth.federated showing the provider's words, no code, no join; the others provision",
    async () => {
      const { summary } = await runScenario(failures("win-federated-idp-block-page-failing"), opts);
      expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
      const e = summary.errors["windows.auth.idp-page"]!;
      expect(e).toMatchObject({ count: 2, step: "auth.federated" });
      expect(e.shown).toMatchObject({ text: "Access denied Your organization does not allow sign-in from this device. Contact your administrator.", unknown: { of: "condition" } });
      expect(e.shown).not.toHaveProperty("code");
      expect(summary.steps["join.register"]!.count).toBe(1);
    },
    T,
  );
  it(
    "fixed: the provider allows them and every PC provisions",
    async () => {
      const { summary } = await runScenario(failures("win-federated-idp-block-page-fixed"), opts);
      expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    },
    T,
  );
});
