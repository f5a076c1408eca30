// SPDX-License-Identifier: MIT
/**
 * EMM licences and the agent's terms-and-conditions screen on Android (server/policy/licences.ts,
 * server/android/agent-terms.ts, device/android/agent-terms.ts): what the EMM refuses, what each agent shows (the
 * Knox Manage agent its published KMA_F230 / KMA_F220; Android Device Policy the setup wizard's text), on virtual time,
 * then the shipped pairs over loopback.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { ProtocolViolationError } from "../../../src/errors/index.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { UserAbandonedError } from "../../../src/runner/timeline/user-errors.js";
import { WIZARD_TEXT } from "../../../src/wire/android/errors.js";
import { androidServer, runAndroidFlow, BASE, START } from "../../protocol/android/harness.js";

const HOUR = 3_600_000;
const KM = { dialect: "knox-manage", trigger: "kme" };

describe("a licence that ends during the run (virtual time)", () => {
  it("a phone that reaches the EMM after the end is refused: Knox Manage shows KMA_F230, Android Device Policy the wizard's text", async () => {
    const clock = new VirtualClock(START);
    const { server } = await androidServer({}, clock, { licences: [{ name: "Knox Manage", platforms: ["android"], endsAt: 3600 }] });
    const early = await runAndroidFlow("android-qr", KM, server.handler, { model: "samsung-galaxy-s23", clock });
    expect(early.result).toMatchObject({ ok: true, code: "android.enrolled" });
    // The phone sits at the token redemption for 2 h (the user left it), then redeems after the end.
    const idle = async (step: string) => (step === "android.amapi.redeem" ? clock.sleep(2 * HOUR) : undefined);
    const late = await runAndroidFlow("android-qr", KM, server.handler, { model: "samsung-galaxy-s23", index: 1, clock, gate: idle });
    expect(late.result).toMatchObject({ ok: false, code: "android.enrollment.licence-expired", shown: { code: "KMA_F230", name: "Expired license", text: expect.stringContaining("has expired") } });
    const adp = await runAndroidFlow("android-qr", { trigger: "kme" }, server.handler, { model: "samsung-galaxy-s23", index: 2, clock });
    expect(adp.result).toMatchObject({ ok: false, code: "android.enrollment.licence-expired", shown: { code: "PERMISSION_DENIED", name: "LICENSE_EXPIRED", text: WIZARD_TEXT.cantSetUp } });
    expect(server.policy.records().refusals.map((r) => r.refusal)).toEqual(["licence-expired", "licence-expired"]);
  });

  it("a full licence has no published Knox Manage code: the agent keeps the platform's text", async () => {
    const { server } = await androidServer({}, undefined, { licences: [{ name: "Knox Manage", seats: 1 }] });
    expect((await runAndroidFlow("android-qr", KM, server.handler, { model: "samsung-galaxy-s23" })).result?.ok).toBe(true);
    const second = await runAndroidFlow("android-qr", KM, server.handler, { model: "samsung-galaxy-s23", index: 1 });
    expect(second.result).toMatchObject({ ok: false, code: "android.enrollment.licence-seats-used", shown: { code: "PERMISSION_DENIED", text: WIZARD_TEXT.cantSetUp } });
  });
});

describe("the agent's terms-and-conditions screen", () => {
  const terms = { terms: [{ name: "Device terms", version: 2, assign: ["all-users"], title: "Contoso device terms", acceptanceStatement: "By enrolling you agree.", text: "We see your apps." }] };
  const signIn = { android: { profiles: { km: { mode: "fully-managed", userSignIn: true } } } };

  it("the server lists pending terms per user and accepts only their current version (strict)", async () => {
    const { server } = await androidServer(signIn.android, undefined, terms);
    const get = async (q: string) => server.handler({ method: "GET", url: `${BASE}/android/agent/terms${q}`, headers: {} });
    expect((await get("?user=nobody")).status).toBe(400);
    const listed = JSON.parse(Buffer.from((await get("?user=ann@contoso.com")).body).toString()) as { terms: unknown[] };
    expect(listed.terms).toEqual([{ name: "Device terms", version: 2, title: "Contoso device terms", text: "We see your apps.", acceptanceStatement: "By enrolling you agree." }]);
    const post = (accepted: unknown) => server.handler({ method: "POST", url: `${BASE}/android/agent/terms`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ user: "ann@contoso.com", accepted }))) });
    expect(JSON.parse(Buffer.from((await post([{ name: "Device terms", version: 1 }])).body).toString())).toEqual({ accepted: 0 });
    expect(server.policy.pendingTerms("ann@contoso.com")).toHaveLength(1);
    expect((await post("all")).status).toBe(400);
    expect(JSON.parse(Buffer.from((await post([{ name: "Device terms", version: 2 }])).body).toString())).toEqual({ accepted: 1 });
    expect(server.policy.pendingTerms("ann@contoso.com")).toHaveLength(0);
  });

  it("a user who accepts enrolls and the acceptance is recorded; one who declines ends at agent.terms with KMA_F220 and is never redeemed", async () => {
    const { server } = await androidServer(signIn.android, undefined, terms);
    const opts = { ...KM, profile: "km" };
    const ok = await runAndroidFlow("android-qr", opts, server.handler, { model: "samsung-galaxy-s23" });
    expect(ok.result).toMatchObject({ ok: true });
    expect(ok.steps.map((s) => s.step)).toEqual(expect.arrayContaining(["android.agent.terms", "agent.terms"]));
    expect(server.policy.records().terms).toEqual([{ upn: expect.stringMatching(/@enrollsim\.test$/), name: "Device terms", version: 2 }]);
    const decline = async (step: string) => {
      if (step === "agent.terms") throw new UserAbandonedError("the user declined");
    };
    const no = await runAndroidFlow("android-qr", opts, server.handler, { model: "samsung-galaxy-s23", index: 1, gate: decline });
    expect(no.result).toMatchObject({ ok: false, code: "android.agent.terms-declined", step: "agent.terms", shown: { code: "KMA_F220", name: "Terms and conditions not accepted", text: "Accept all terms to proceed with registration." } });
    expect(no.steps.map((s) => s.step)).not.toContain("android.amapi.redeem");
    const adp = await runAndroidFlow("android-qr", { trigger: "kme", profile: "km" }, server.handler, { model: "samsung-galaxy-s23", index: 2, gate: decline });
    expect(adp.result).toMatchObject({ ok: false, code: "android.agent.terms-declined", shown: { text: WIZARD_TEXT.cantSetUp } });
  });

  it("a broken terms answer (not JSON, no list, oversized) ends the device at android.agent.terms with the cause; it never counts as 'no terms'", async () => {
    const { server } = await androidServer(signIn.android, undefined, terms);
    for (const [i, body] of [
      ["<html>maintenance</html>", "not JSON"],
      ['{"pending": []}', "no `terms` list"],
      [`{"terms": [${"0,".repeat(200_000)}0]}`, "more than"],
    ].entries()) {
      const broken: typeof server.handler = async (req) =>
        req.method === "GET" && req.url.includes("/android/agent/terms") ? { status: 200, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(body[0]!)), url: req.url } : server.handler(req);
      const r = await runAndroidFlow("android-qr", { ...KM, profile: "km" }, broken, { model: "samsung-galaxy-s23", index: 10 + i });
      // A broken server answer is the server's fault: a typed error naming device and step (the runner makes it the device's failure).
      expect(r.error).toBeInstanceOf(ProtocolViolationError);
      expect(r.error).toMatchObject({ code: "android.agent.terms-malformed", step: "android.agent.terms", blame: "server", device: expect.any(String) });
      expect((r.error as Error).message).toContain(body[1]!);
      expect(r.steps.map((s) => s.step)).not.toContain("android.amapi.redeem");
    }
  });

  it("an agent that skips the screen is refused at redemption (TERMS_NOT_ACCEPTED), which Knox Manage shows as KMA_F220", async () => {
    // A device with no sign-in redeems with the enrollment user of the token's extras: here the admin typed one.
    const { server } = await androidServer({ profiles: { km: { mode: "fully-managed", adminExtras: { username: "ann@contoso.com" } } } }, undefined, terms);
    const r = await runAndroidFlow("android-qr", { ...KM, profile: "km" }, server.handler, { model: "samsung-galaxy-s23" });
    expect(r.result).toMatchObject({ ok: false, code: "android.enrollment.terms-not-accepted", shown: { code: "KMA_F220" } });
    expect(server.policy.records().refusals.map((x) => x.refusal)).toEqual(["terms-not-accepted"]);
  });
});

describe("shipped pairs over loopback", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  for (const name of ["android-knox-manage-licence-expired", "android-knox-manage-terms-declined"]) {
    it(`${name}-failing / -fixed`, async () => {
      const failing = await runScenario(join(dir, `${name}-failing.yaml`), { keyPoolSize: 24, progress: false });
      expect(failing.summary).toMatchObject({ devices: 5, enrolled: 2, ok: true });
      const fixed = await runScenario(join(dir, `${name}-fixed.yaml`), { keyPoolSize: 24, progress: false });
      expect(fixed.summary).toMatchObject({ devices: 5, enrolled: 5, ok: true });
    }, 120_000);
  }
});
