// SPDX-License-Identifier: MIT
/**
 * A provisioning package's bulk token (BPRT) is redeemed when the PC joins the directory: the reference server refuses
 * an expired one there (AADSTS700082, invalid_grant), and the PC shows the package's bulk-enrollment failure with
 * 0xCAA20003 ERROR_ADAL_SERVER_ERROR_INVALID_GRANT, before any enrollment request (blind trial 10, ticket W1).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { windowsHarness, type WinHarness } from "./harness.js";

let h: WinHarness;
beforeAll(async () => {
  h = await windowsHarness();
}, 60_000);
afterAll(async () => h?.close());

describe("windows-bulk: the package's bulk token at the join", () => {
  it("an expired bulk token is refused at join.register with AADSTS700082 / invalid_grant; the PC shows 0xCAA20003", async () => {
    const { result, events } = await h.run("windows-bulk", { windows: { tokenValidityDays: -1 } }, 1, "windows-10-desktop");
    expect(result).toMatchObject({ ok: false, code: "windows.bulk.token-expired", step: "join.register" });
    expect(result.shown).toMatchObject({ code: "0xCAA20003", name: "ERROR_ADAL_SERVER_ERROR_INVALID_GRANT", text: "A setup failure has occurred during bulk enrollment." });
    expect(result.shown?.serverSaid).toMatch(/^AADSTS700082: The refresh token has expired due to inactivity\. The token was issued on \S+Z and was inactive for 181\.00:00:00\.$/);
    // The enrollment service is never asked: the token failed where Windows redeems it.
    expect(events.some((e) => e.step === "enroll.rst")).toBe(false);
  });
  it("a bulk token within its validity joins and enrolls", async () => {
    const { result } = await h.run("windows-bulk", { windows: {} }, 2, "windows-10-desktop");
    expect(result).toMatchObject({ ok: true });
  });
});
