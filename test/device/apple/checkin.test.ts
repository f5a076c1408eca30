// SPDX-License-Identifier: MIT
/**
 * The steady-state `checkin` hook of the Apple flows on virtual time: enrolled devices poll their
 * ServerURL (Idle) with the identity they enrolled with — mTLS, Mdm-Signature, or (account-driven)
 * mTLS plus a Bearer token obtained again by the auth driver — and answer commands queued after
 * enrolment.
 */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { runFleet } from "../../../src/runner/fleet.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { CheckinSample, DeviceResult, StepSample } from "../../../src/runner/observer.js";
import type { AppleServerConfig } from "../../../src/server/apple/server.js";
import { appleCheckin } from "../../../src/device/apple/checkin.js";
import { START, appleWorld, crypto, URLS } from "./harness.js";
import { testFleetEnv } from "../../support/fleet-env.js";

const catalog = loadCatalog();

async function steadyFleet(config: Partial<AppleServerConfig>, groups: string, requestType = "DeviceLock") {
  const w = await appleWorld(config);
  const s = parseScenario(`name: apple-steady\nseed: 9\ngroups:\n${groups}\narrival: { concurrency: 4 }\nlimits: { durationSeconds: 7200 }\n`, "apple-steady.yaml", {
    modelIds: catalog.ids(),
    flows: ["ios-profile", "macos-profile", "ios-ade", "ios-user-enrollment"],
  });
  const results: DeviceResult[] = [];
  const checkins: CheckinSample[] = [];
  const steps: StepSample[] = [];
  // A command queued for every enrolled device 5 minutes in: only a check-in can pick it up.
  void w.clock.sleep(300_000).then(() =>
    w.apple.handler({ method: "POST", url: `${URLS.https}/apple/api/commands`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ udid: "*", requestType }))) }),
  );
  await w.clock.run(
    runFleet(
      s,
      catalog,
      {
        ...(await testFleetEnv({ clock: w.clock, http: w.http, seed: s.seed, crypto })),
        observer: { onDeviceEnd: (r) => results.push(r), onCheckin: (c) => checkins.push(c), onStep: (x) => steps.push(x) },
      },
      { targets: { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }, load: { concurrency: 4, steady: { durationSeconds: 600, intervalSeconds: 120, jitter: 0 } } },
    ),
    24 * 3_600_000,
  );
  return { w, results, checkins, steps };
}

const count = (steps: StepSample[], name: string) => steps.filter((x) => x.step === name).length;

describe("apple steady-state check-in (virtual time)", () => {
  it("mTLS: enrolled iPhones and ADE iPhones poll Idle and answer a command queued after enrolment", async () => {
    const { w, results, checkins, steps } = await steadyFleet(
      {},
      "  - { name: byod, model: iphone-15, count: 3, flow: ios-profile }\n  - { name: ade, model: iphone-15, count: 2, flow: ios-ade }",
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(checkins.length).toBeGreaterThanOrEqual(5 * 4);
    expect(checkins.filter((c) => !c.ok)).toEqual([]);
    expect(count(steps, "checkin.command.idle")).toBe(checkins.length);
    // DeviceLock went out at t+5 min, once per device, through a check-in.
    expect(count(steps, "checkin.command.DeviceLock")).toBe(5);
    for (const d of w.apple.devices.values()) expect(d.results.filter((r) => r.requestType === "DeviceLock").map((r) => r.status)).toEqual(["Acknowledged"]);
    for (const c of checkins) expect(c.at).toBeGreaterThanOrEqual(START);
  }, 60_000);

  it("DDM: a DeclarativeManagement command picked up by a check-in makes the device sync and report again", async () => {
    const { w, results, steps } = await steadyFleet({ ddm: { enabled: true } }, "  - { name: byod, model: iphone-15, count: 2, flow: ios-profile }", "DeclarativeManagement");
    expect(results.every((r) => r.ok)).toBe(true);
    // One sync during enrolment, one after the check-in that got the command.
    expect(count(steps, "ddm.status")).toBe(2);
    expect(count(steps, "checkin.ddm.status")).toBe(2);
    expect(w.apple.ddmReports.length).toBe(4);
    expect(w.apple.ddmReports.every((r) => r.report.FullReport === true)).toBe(true);
  }, 60_000);

  it("Mdm-Signature: Macs check in with a signed Idle (no client certificate)", async () => {
    const { results, checkins, steps, w } = await steadyFleet({ signMessage: true }, "  - { name: macs, model: macbook-air-m3, count: 2, flow: macos-profile }");
    expect(results.every((r) => r.ok)).toBe(true);
    expect(checkins.length).toBeGreaterThanOrEqual(2 * 4);
    expect(checkins.every((c) => c.ok)).toBe(true);
    expect(count(steps, "checkin.command.DeviceLock")).toBe(2);
    expect(w.apple.stats.rejected).toEqual({});
  }, 60_000);

  it("User Enrollment: the device signs in again (form driver) and checks in with EnrollmentID + Bearer", async () => {
    const { results, checkins, steps, w } = await steadyFleet(
      { account: { password: "pw-steady" } },
      "  - { name: ue, model: iphone-15, count: 2, flow: ios-user-enrollment, options: { apple: { account: { password: pw-steady } } } }",
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(checkins.length).toBeGreaterThanOrEqual(2 * 4);
    expect(checkins.every((c) => c.ok)).toBe(true);
    expect(count(steps, "checkin.account.auth")).toBe(checkins.length);
    expect(count(steps, "checkin.command.DeviceLock")).toBe(2);
    for (const d of w.apple.devices.values()) expect(d.udid).toMatch(/^[0-9A-F]{40}$/); // EnrollmentIDs
    // rejected: only the first (unauthenticated) enrollment POSTs... none are counted as rejections
    expect(w.apple.stats.rejected["mdm.bearer"]).toBeUndefined();
  }, 60_000);

  it("a keychain without an MDM identity is not a check-in", async () => {
    const out = await appleCheckin({} as never, {}, { certificates: [{ label: "apple:X", pem: "" }], serverIds: {} });
    expect(out).toMatchObject({ ok: false, code: "apple.checkin.not-enrolled" });
  });

  it("an identity past its notAfter (field failure ios-restore-expired-identity): the check-in gets 401, the device reads unenrollment", async () => {
    const w = await appleWorld({}, { validityDays: 1 });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-profile", {});
    expect(r.ok).toBe(true);
    const { toPem } = await import("../../../src/wire/x509/certificate.js");
    const state = { certificates: r.keychain.identities.map((i) => ({ label: i.label, pem: toPem(i.certificate.der) })), serverIds: {} };
    expect(state.certificates.some((c) => c.label.includes("#mdm&"))).toBe(true);
    const { createDeviceContext } = await import("./context.js");
    const ctx = await createDeviceContext(w, dev);
    // one day later: still valid
    await w.clock.run(w.clock.sleep(3_600_000), 4_000_000);
    expect(await w.clock.run(appleCheckin(ctx, {}, state), 600_000)).toMatchObject({ ok: true, code: "apple.checkin.idle" });
    await w.clock.run(w.clock.sleep(2 * 86_400_000), 3 * 86_400_000);
    expect(await w.clock.run(appleCheckin(ctx, {}, state), 600_000)).toMatchObject({ ok: false, code: "apple.checkin.unenrolled" });
    expect(w.apple.stats.rejected["mdm.identity-expired"]).toBe(1);
  });

  it("a keychain entry's identity is worked out once per entry, and again when the device, or the entry's certificate, differs", async () => {
    const w = await appleWorld();
    const dev = await w.device("iphone-15", 0);
    const r = await w.run(dev, "ios-profile", {});
    expect(r.ok).toBe(true);
    const { toPem } = await import("../../../src/wire/x509/certificate.js");
    const mdm = r.keychain.identities.find((i) => i.label.includes("#mdm&"))!;
    const entry = { label: mdm.label, pem: toPem(mdm.certificate.der) };
    const state = { certificates: [entry], serverIds: {} };
    const { createDeviceContext } = await import("./context.js");
    const own = await createDeviceContext(w, dev);
    const other = await createDeviceContext(w, await w.device("iphone-15", 5));
    const go = (ctx: typeof own, st = state) => w.clock.run(appleCheckin(ctx, {}, st), 600_000);
    // The same entry object three times: every check-in authenticates as the device.
    for (let i = 0; i < 3; i++) expect(await go(own)).toMatchObject({ ok: true, code: "apple.checkin.idle" });
    // Another device holding the same entry object gets what it gets with a fresh copy of it (its own key search), not the first device's memo.
    const fresh = await go(other, { certificates: [{ ...entry }], serverIds: {} });
    expect(fresh.ok).toBe(false);
    expect(await go(other)).toEqual(fresh);
    // The entry's certificate replaced by one no slot of the device matches: judged afresh, no check-in with the old key.
    const { issueDeviceIdentity } = await import("../../../src/wire/apple/device-ca.js");
    const ec = await crypto.generateKey("ec-p256");
    entry.pem = toPem(issueDeviceIdentity(crypto, ec, "S", "U", Uint8Array.from([1]), w.clock.now()).cert.der);
    expect(await go(own)).toMatchObject({ ok: false, code: "apple.checkin.identity-key-missing" });
    // And back: the device's own certificate checks in again.
    entry.pem = toPem(mdm.certificate.der);
    expect(await go(own)).toMatchObject({ ok: true, code: "apple.checkin.idle" });
  });

  it("hostile state: a label without ServerURL, a non-PEM certificate, a certificate no key slot matches", async () => {
    const w = await appleWorld();
    const dev = await w.device("iphone-15", 0);
    const r = await w.run(dev, "ios-profile", {});
    const { toPem } = await import("../../../src/wire/x509/certificate.js");
    const mdm = r.keychain.identities.find((i) => i.label.includes("#mdm&"))!;
    const { createDeviceContext } = await import("./context.js");
    const other = await createDeviceContext(w, await w.device("iphone-15", 5));
    const go = (certificates: { label: string; pem: string }[]) => w.clock.run(appleCheckin(other, {}, { certificates, serverIds: {} }), 600_000);
    expect(await go([{ label: "apple:X#mdm&sign=0", pem: toPem(mdm.certificate.der) }])).toMatchObject({ ok: false, code: "apple.checkin.not-enrolled" });
    expect(await go([{ label: mdm.label, pem: "not pem" }])).toMatchObject({ ok: false, code: "apple.checkin.not-enrolled" });
    const { issueDeviceIdentity } = await import("../../../src/wire/apple/device-ca.js");
    const ec = await crypto.generateKey("ec-p256");
    const stranger = issueDeviceIdentity(crypto, ec, "S", "U", Uint8Array.from([1]), w.clock.now()).cert;
    expect(await go([{ label: mdm.label, pem: toPem(stranger.der) }])).toMatchObject({ ok: false, code: "apple.checkin.identity-key-missing" });
  });
});
