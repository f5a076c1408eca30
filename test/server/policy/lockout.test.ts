// SPDX-License-Identifier: MIT
/** The identity provider's account lockout (server/policy/lockout.ts) on a hand-driven clock: counting, expiry, growth, unlock. */
import { describe, expect, it } from "vitest";
import { PolicyConfigHolder } from "../../../src/server/policy/holder.js";
import { SignInLockout } from "../../../src/server/policy/lockout.js";
import { PolicyEngine } from "../../../src/server/policy/engine.js";
import type { LockoutPolicy } from "../../../src/server/policy/lockout.js";

function lockout(policy: LockoutPolicy | undefined) {
  let now = Date.UTC(2026, 11, 7, 8);
  const holder = new PolicyConfigHolder(policy ? { directory: { lockout: policy } } : {});
  const l = new SignInLockout(holder, () => now);
  return { l, holder, pass: (s: number) => (now += s * 1000) };
}

describe("sign-in lockout", () => {
  it("without a policy a wrong password is only wrong: nothing is counted, nobody is locked", () => {
    const { l } = lockout(undefined);
    for (let i = 0; i < 50; i++) expect(l.passwordSignIn("ann@contoso.com", false)).toEqual({ kind: "wrong-password", failures: 0, threshold: 0 });
    expect(l.passwordSignIn("ann@contoso.com", true)).toEqual({ kind: "ok" });
    expect(l.records()).toEqual([]);
  });

  it("the Entra defaults: the 10th failure locks for 60 s; then even the right password is refused; after 60 s it passes", () => {
    const { l, pass } = lockout({});
    for (let i = 1; i <= 10; i++) expect(l.passwordSignIn("Ann@Contoso.com", false)).toMatchObject({ kind: "wrong-password", failures: i, threshold: 10 });
    expect(l.passwordSignIn("ann@contoso.com", true)).toMatchObject({ kind: "locked", lockouts: 1 });
    expect(l.locked("ANN@contoso.com")).toBeDefined();
    expect(l.records()[0]).toMatchObject({ upn: "ann@contoso.com", lockouts: 1 });
    expect(l.records()[0]!.lockedUntil).toMatch(/^2026-12-07T08:01:00/);
    pass(59);
    expect(l.passwordSignIn("ann@contoso.com", true).kind).toBe("locked");
    pass(1);
    expect(l.passwordSignIn("ann@contoso.com", true)).toEqual({ kind: "ok" });
    expect(l.locked("ann@contoso.com")).toBeUndefined();
    // Another user is never touched, and a right password of a user never locked out leaves no record.
    expect(l.passwordSignIn("bob@contoso.com", true)).toEqual({ kind: "ok" });
    expect(l.records().map((r) => r.upn)).toEqual(["ann@contoso.com"]);
  });

  it("the first failure after a lockout expired locks again, and a growth factor lengthens each further lockout", () => {
    const { l, pass } = lockout({ threshold: 3, durationSeconds: 60, durationGrowth: 2 });
    for (let i = 0; i < 3; i++) l.passwordSignIn("u@x.test", false);
    pass(60);
    expect(l.passwordSignIn("u@x.test", false)).toMatchObject({ kind: "wrong-password", failures: 3 });
    expect(l.passwordSignIn("u@x.test", true)).toMatchObject({ kind: "locked", lockouts: 2 });
    pass(119);
    expect(l.passwordSignIn("u@x.test", true).kind).toBe("locked");
    pass(1);
    expect(l.passwordSignIn("u@x.test", true).kind).toBe("ok");
  });

  it("a right password before the threshold starts the count again; an observation window forgets old failures", () => {
    const { l, pass } = lockout({ threshold: 3, resetCounterAfterSeconds: 300 });
    l.passwordSignIn("u@x.test", false);
    l.passwordSignIn("u@x.test", false);
    expect(l.passwordSignIn("u@x.test", true).kind).toBe("ok");
    expect(l.passwordSignIn("u@x.test", false)).toMatchObject({ failures: 1 });
    expect(l.passwordSignIn("u@x.test", false)).toMatchObject({ failures: 2 });
    pass(301);
    expect(l.passwordSignIn("u@x.test", false)).toMatchObject({ kind: "wrong-password", failures: 1 });
  });

  it("durationSeconds 0 holds the user until an admin unlocks; unlock names users or takes all", () => {
    const { l, pass } = lockout({ threshold: 1, durationSeconds: 0 });
    l.passwordSignIn("a@x.test", false);
    l.passwordSignIn("b@x.test", false);
    pass(365 * 86_400);
    expect(l.passwordSignIn("a@x.test", true)).toEqual({ kind: "locked", lockouts: 1 });
    expect(l.records().find((r) => r.upn === "a@x.test")!.lockedUntil).toBe("admin");
    expect(l.unlock(["A@x.test", "nobody@x.test"])).toBe(1);
    expect(l.passwordSignIn("a@x.test", true).kind).toBe("ok");
    expect(l.passwordSignIn("b@x.test", true).kind).toBe("locked");
    expect(l.unlock()).toBe(1); // a, unlocked and signed in since, left nothing to clear
    expect(l.records()).toEqual([]);
    expect(l.passwordSignIn("b@x.test", true).kind).toBe("ok");
  });

  it("the policy is read at each sign-in (a timeline set takes effect at once) and the engine forgets counts with its records", () => {
    const { l, holder } = lockout(undefined);
    holder.set("directory.lockout", { threshold: 2 });
    l.passwordSignIn("u@x.test", false);
    l.passwordSignIn("u@x.test", false);
    expect(l.locked("u@x.test")).toBeDefined();
    const engine = new PolicyEngine({ directory: { lockout: { threshold: 1 } } });
    engine.lockout.passwordSignIn("u@x.test", false);
    expect(engine.records().lockouts).toHaveLength(1);
    engine.forgetRecords();
    expect(engine.records().lockouts).toEqual([]);
  });
});
