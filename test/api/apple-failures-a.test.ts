// SPDX-License-Identifier: MIT
/**
 * Apple field-failure scenarios (issue 3, part A): each shipped scenario end to end against the
 * embedded server, then the real lifetimes (24 h affinity window, 15-minute SCEP challenge, 7-day
 * full sync) and the policies behind them on virtual time with the in-memory server.
 */
import type { DeviceState } from "../../src/device/state.js";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { createDevice } from "../../src/api/device.js";
import type { FlowResult } from "../../src/device/flow.js";
import type { HostConnection } from "../../src/protocol/common/context.js";
import { buildCertificate, toPem } from "../../src/wire/x509/certificate.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import type { HttpHandler } from "../../src/ports/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { AppleServer, type AppleServerConfig } from "../../src/server/apple/server.js";
import { testKeys } from "../support/scep-harness.js";

const failing = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
const opts = { keyPoolSize: 24, progress: false as const };
const run = (f: string) => runScenario(failing(f), opts);
/** The user-visible messages of the failure examples with this code (at least one). */
const messages = (s: { examples?: { code: string; message: string }[] }, code: string) => {
  const ms = (s.examples ?? []).filter((e) => e.code === code).map((e) => e.message);
  expect(ms.length).toBeGreaterThan(0);
  return ms;
};

describe("Apple field failures A (scenarios, embedded server)", () => {
  it("ios-local-reset-vs-remote-wipe-restore (timeline reset / wipe / restore): local reset stays enrolled, remote wipe is unenrolled", async () => {
    const checkins: { device: string; ok: boolean; code?: string }[] = [];
    const { summary } = await runScenario(failing("ios-local-reset-vs-remote-wipe-restore.yaml"), { ...opts, observers: [{ onCheckin: (c) => checkins.push(c) }] });
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    expect(summary.steps["checkin.command.EraseDevice"]!.count).toBe(2);
    expect(summary.actions!.map((a) => a.action)).toEqual(["reset", "wipe", "skip", "deleteRecords", "restore", "skip"]);
    const of = (prefix: string) => checkins.filter((c) => c.device.startsWith(prefix));
    // iPhones: reset locally, restored, served (the server never heard of the reset).
    expect(of("iphone-15").length).toBeGreaterThan(0);
    expect(of("iphone-15").every((c) => c.ok)).toBe(true);
    // iPads: EraseDevice carried out, restored, then one 401 each (the enrollment was retired), and no more check-ins.
    expect(of("ipad-air-m2").map((c) => c.code ?? "ok")).toEqual(["ok", "ok", "apple.checkin.unenrolled", "apple.checkin.unenrolled"]);
  }, 120_000);

  it("ios-configurator-affinity-24h: users affiliated after the window fail; factory reset needed", async () => {
    const { summary } = await run("ios-configurator-affinity-24h.yaml");
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["apple.configurator.affinity-expired"]).toMatchObject({ count: 2, step: "configurator.affinity" });
    expect(summary.groups.late).toMatchObject({ failed: 2 });
    expect(summary.steps["configurator.affinity"]!.count).toBe(4);
    for (const m of messages(summary, "apple.configurator.affinity-expired")) expect(m).toMatch(/Enrollment failed: The user was not affiliated within 4 s of enrollment .*factory reset the device to enroll again/);
  }, 120_000);

  it("ios-ade-auth-mfa-mismatch: the sign-in never validates; DEP enrollment stuck at user login", async () => {
    const { summary } = await run("ios-ade-auth-mfa-mismatch.yaml");
    expect(summary).toMatchObject({ devices: 3, failed: 3, ok: true });
    expect(summary.errors["apple.ade.auth-failed"]!.count).toBe(3);
    expect(summary.steps["ade.enroll"]!.count).toBe(6);
    expect(summary.steps["checkin.authenticate"]).toBeUndefined();
    for (const m of messages(summary, "apple.ade.auth-failed")) expect(m).toMatch(/\] DEP enrollment stuck at user login: the sign-in was refused again/);
  }, 120_000);

  it("ios-scep-challenge-expired: late PKIOperations get 'The SCEP server returned an invalid response.'", async () => {
    const { summary } = await run("ios-scep-challenge-expired.yaml");
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["apple.scep.invalid-response"]).toMatchObject({ count: 2, step: "profile.scep" });
    expect(summary.groups.late).toMatchObject({ failed: 2 });
    for (const m of messages(summary, "apple.scep.invalid-response")) expect(m).toContain("The SCEP server returned an invalid response.");
  }, 120_000);

  it("apple-ade-deleted-device-reappears: refused until the full sync, then enrolled", async () => {
    const { summary } = await run("apple-ade-deleted-device-reappears.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["ade.enroll"]!.count).toBe(6);
    expect(summary.steps["checkin.authenticate"]!.count).toBe(3);
  }, 120_000);

  it("apple-dem-with-ade: DEM accounts are refused for ADE", async () => {
    const { summary } = await run("apple-dem-with-ade.yaml");
    expect(summary).toMatchObject({ devices: 3, failed: 3, ok: true });
    expect(summary.errors["apple.ade.refused.DeviceEnrollmentManagerNotAllowed"]!.count).toBe(3);
    for (const m of messages(summary, "apple.ade.refused.DeviceEnrollmentManagerNotAllowed")) expect(m).toContain("DEM accounts cannot enroll devices through Automated Device Enrollment");
  }, 120_000);

  it("mac-direct-enrollment-affinity: the profile is refused as unsupported", async () => {
    const { summary } = await run("mac-direct-enrollment-affinity.yaml");
    expect(summary).toMatchObject({ devices: 3, failed: 3, ok: true });
    expect(summary.errors["apple.profile.refused.UserAffinityNotSupported"]).toMatchObject({ count: 3, step: "profile.download" });
    expect(summary.steps["checkin.authenticate"]).toBeUndefined();
    for (const m of messages(summary, "apple.profile.refused.UserAffinityNotSupported")) expect(m).toContain("Direct enrollment does not support user affinity");
  }, 120_000);

  it("ios-passcode-pane-14-5: the Passcode pane does not work; hidden panes finish", async () => {
    const { summary } = await run("ios-passcode-pane-14-5.yaml");
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["apple.ade.setup-pane-failed"]).toMatchObject({ count: 2, step: "ade.setup-pane" });
    expect(summary.groups["panes-hidden"]).toMatchObject({ enrolled: 2 });
    for (const m of messages(summary, "apple.ade.setup-pane-failed")) expect(m).toMatch(/cannot complete the "Create a Passcode" pane \(Passcode\) on iOS \d+/);
  }, 120_000);

  it("ios-sync-deny-all: supervised devices are charge-only for Configurator and Finder; unsupervised ones sync", async () => {
    const { summary } = await run("ios-sync-deny-all.yaml");
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["apple.host.pairing-denied"]).toMatchObject({ count: 3, step: "host.pair" });
    expect(summary.groups["byod-finder"]).toMatchObject({ enrolled: 2 });
    const ms = messages(summary, "apple.host.pairing-denied");
    expect(ms.some((m) => m.includes("] The USB port is charge-only: Apple Configurator cannot talk to the device"))).toBe(true);
    expect(ms.some((m) => m.includes("] The USB port is charge-only: Finder cannot talk to the device"))).toBe(true);
  }, 120_000);

  it("ios-host-without-supervision-identity (and -fixed): a Mac without the organization's supervision identity is refused; with it, the same devices pair", async () => {
    const { summary } = await run("ios-host-without-supervision-identity.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 0, failed: 3, ok: true });
    expect(summary.errors["apple.host.pairing-denied"]).toMatchObject({ count: 3, step: "host.pair" });
    for (const m of messages(summary, "apple.host.pairing-denied")) expect(m).toContain("Apple Configurator without the organization's supervision identity");
    const fixed = await run("ios-host-without-supervision-identity-fixed.yaml");
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Virtual time: the real lifetimes, with the Apple half on both in-memory listeners.

const START = Date.UTC(2026, 10, 22, 8);
const URLS = { http: "http://ref.test", https: "https://ref.test" };
const crypto = new NodeCrypto();

async function world(config: Partial<AppleServerConfig>) {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(7) }, now: () => clock.now(), crypto });
  const apple = new AppleServer({ crypto, now: () => clock.now(), scep: ref.scep, urls: () => URLS, config }, config);
  await apple.warm();
  const route: HttpHandler = (req) => (/^\/(apple\/|\.well-known\/com\.apple\.remotemanagement)/.test(new URL(req.url).pathname) ? apple.handler(req) : ref.handler(req));
  const http = new InMemoryHttp({ clock, handler: { [URLS.http]: route, [URLS.https]: route } });
  const runFlow = async (model: string, index: number, flow: string, options: Record<string, unknown> = {}, state?: DeviceState, hostConnections?: HostConnection[]): Promise<FlowResult> => {
    const dev = await createDevice({ model, index, seed: "apple-failures-a", keys, adapters: { clock, http, crypto }, ...(state ? { state } : {}), ...(hostConnections ? { hostConnections } : {}) });
    return clock.run(dev.run(flow, options, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: true } }), 8 * 86_400_000);
  };
  const api = async (method: string, path: string) => {
    const res = await apple.handler({ method, url: `${URLS.https}${path}`, headers: {} });
    return { status: res.status, body: JSON.parse(Buffer.from(res.body).toString("utf8")) as Record<string, unknown> };
  };
  return { clock, apple, runFlow, api };
}

describe("Apple field failures A (virtual time, real lifetimes)", () => {
  it("Configurator user affinity: 23 h later is fine, 25 h later the enrollment is dropped (24 h window; timeline idle at configurator.affinity, time passing by skip)", async () => {
    // Two users affiliate late (timeline idle), one 23 h, one 25 h; two skips make the hours pass (each idle ends within its own skip).
    const dir = mkdtempSync(join(tmpdir(), "apple-affinity-"));
    const file = join(dir, "affinity.yaml");
    writeFileSync(
      file,
      [
        "name: affinity-real-window",
        "seed: 9",
        "server: embedded",
        "embedded: { apple: { configurator: { userAffinity: true } } }",
        "groups:",
        "  - { name: prompt, model: iphone-15, count: 1, flow: ios-configurator }",
        "  - { name: late, model: iphone-15, count: 1, flow: ios-configurator }",
        "arrival: { concurrency: 2 }",
        "limits: { durationSeconds: 100000 }",
        "timeline:",
        "  - { at: 0s, group: prompt, idle: { step: configurator.affinity, for: 23h } }",
        "  - { at: 0s, group: late, idle: { step: configurator.affinity, for: 25h } }",
        "  - { after: { step: checkin.authenticate, succeeded: 2, wait: 3s }, skip: 23h }",
        "  - { after: { step: configurator.affinity, succeeded: 1 }, skip: 2h }",
        "expect:",
        "  successRatio: 0.5",
        "  failures: [{ code: apple.configurator.affinity-expired, count: 1 }]",
        "",
      ].join("\n"),
    );
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1, ok: true });
    expect(summary.groups.prompt).toMatchObject({ enrolled: 1 });
    expect(summary.errors["apple.configurator.affinity-expired"]).toMatchObject({ count: 1, step: "configurator.affinity" });
    for (const m of messages(summary, "apple.configurator.affinity-expired")) expect(m).toMatch(/not affiliated within 24 h of enrollment \(25 h later\)/);
  }, 120_000);

  it("Configurator user affinity: a device whose user never affiliates is dropped at its first poll after 24 h", async () => {
    const w = await world({ configurator: { userAffinity: true } });
    const r = await w.runFlow("ipad-air-m2", 0, "ios-configurator", { apple: { push: { listen: 1, pollSeconds: 25 * 3600 } } });
    expect(r).toMatchObject({ ok: false, code: "apple.checkin.unenrolled" });
    expect(w.apple.devices.size).toBe(0);
    expect(w.apple.stats.rejected["affinity.expired"]).toBe(1);
  }, 60_000);

  it("NDES challenge: a PKIOperation 14.5 min after the profile passes, 16.5 min after gets HTTP 500 (the real 15-minute lifetime, time passing by skip)", async () => {
    // Two users leave the profile at its SCEP step (timeline idle), one 14 min, one 16 min; two skips make the minutes pass.
    const dir = mkdtempSync(join(tmpdir(), "apple-ndes-"));
    const file = join(dir, "ndes.yaml");
    writeFileSync(
      file,
      [
        "name: ndes-real-lifetime",
        "seed: 9",
        "server: embedded",
        "embedded: { apple: { scepChallenge: { checkedBy: ndes } } }",
        "groups:",
        "  - { name: prompt, model: iphone-15, count: 1, flow: ios-ade }",
        "  - { name: late, model: iphone-15, count: 1, flow: ios-ade }",
        "arrival: { concurrency: 2 }",
        "limits: { durationSeconds: 3600 }",
        "timeline:",
        "  - { at: 0s, group: prompt, idle: { step: profile.scep, for: 14m } }",
        "  - { at: 0s, group: late, idle: { step: profile.scep, for: 16m } }",
        "  - { after: { step: ade.enroll, succeeded: 2, wait: 1s }, skip: 870s }",
        "  - { after: { step: profile.scep, succeeded: 1 }, skip: 2m }",
        "expect:",
        "  successRatio: 0.5",
        "  failures: [{ code: apple.scep.invalid-response, count: 1 }]",
        "",
      ].join("\n"),
    );
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1, ok: true });
    expect(summary.groups.prompt).toMatchObject({ enrolled: 1 });
    expect(summary.errors["apple.scep.invalid-response"]).toMatchObject({ count: 1, step: "profile.scep" });
    for (const m of messages(summary, "apple.scep.invalid-response")) expect(m).toContain("The SCEP server returned an invalid response. (diagnosis: HTTP 500)");
  }, 120_000);

  it("NDES challenge: the served profile's SCEP URL is the policy module", async () => {
    const w = await world({ scepChallenge: { checkedBy: "ndes" } });
    const profile = Buffer.from(await w.apple.profile()).toString("latin1");
    expect(profile).toContain(`${URLS.http}/apple/ndes`);
    expect(profile).toMatch(/ndes-[0-9a-f]{8}-/);
    expect(w.apple.field.ndes!.stats).toMatchObject({ issued: 1 });
  });

  it("ABM stand-in: a record deleted on the server reappears after the next full sync (7 days), not before", async () => {
    const w = await world({});
    const serial = "C02XK1ABCDEF";
    await w.apple.handler({ method: "GET", url: `${URLS.https}/apple/ade/cloudconfig?serial=${serial}`, headers: {} });
    expect((await w.api("GET", "/apple/api/ade/devices")).body.records).toMatchObject([{ serial, source: "delta-sync", reappeared: false }]);
    expect((await w.api("DELETE", `/apple/api/ade/devices/${serial}`)).status).toBe(200);
    await w.clock.advance(6 * 86_400_000);
    expect((await w.api("GET", "/apple/api/ade/devices")).body.records).toEqual([]);
    await w.clock.advance(86_400_000);
    expect((await w.api("GET", "/apple/api/ade/devices")).body.records).toMatchObject([{ serial, source: "full-sync", reappeared: true }]);
    // A device released in ABM (never assigned here) does not come back.
    expect((await w.api("DELETE", "/apple/api/ade/devices/NOTASSIGNED1")).status).toBe(404);
  }, 60_000);

  it("ADE against a record deleted before set-up: 403 DEVICE_NOT_FOUND until the 7-day sync; Try Again after it enrols; a device given its own cloud configuration is not in the list", async () => {
    const w = await world({});
    // The admin deleted the records of two phones not set up yet (timeline deleteRecords before set-up).
    const serialOf = async (i: number) => (await createDevice({ model: "iphone-15", index: i, seed: "apple-failures-a", keys: await testKeys(), adapters: { clock: w.clock, http: new InMemoryHttp({ clock: w.clock, handler: {} }), crypto } })).identity.serialNumber;
    for (const i of [0, 1]) expect(w.apple.field.abm.deleteBeforeSetup(await serialOf(i))).toBe(true);
    const refused = await w.runFlow("iphone-15", 0, "ios-ade");
    expect(refused).toMatchObject({ ok: false, code: "apple.ade.refused.DEVICE_NOT_FOUND" });
    expect(refused.message).toContain("it reappears after the next full sync");
    expect(await w.runFlow("iphone-15", 1, "ios-ade")).toMatchObject({ ok: false, code: "apple.ade.refused.DEVICE_NOT_FOUND" });
    // Another phone, never deleted, enrolls at once.
    expect(await w.runFlow("iphone-15", 2, "ios-ade")).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    // A week later the user taps Try Again: Setup Assistant runs the enrollment again.
    await w.clock.advance(7 * 86_400_000);
    const later = await w.runFlow("iphone-15", 1, "ios-ade");
    expect(later).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(w.apple.field.abm.stats).toMatchObject({ reappeared: 2, refused: 2 });
  }, 60_000);

  it("conditional-access policies on Microsoft Intune Enrollment refuse the legacy Setup Assistant sign-in (compliant device: AADSTS53000); excluding the app, or a policy for another platform, lets it enroll", async () => {
    const basicAuth = { username: "u@enrollsim.test", password: "idp-password-1" };
    const w = await world({ basicAuth });
    w.apple.policy.holder.set("conditionalAccess", { policies: [{ name: "Compliant only", apps: { include: ["All cloud apps"] }, grant: { controls: ["compliantDevice"] } }] });
    expect(await w.runFlow("iphone-15", 0, "ios-ade", { apple: { ade: { basicAuth } } })).toMatchObject({ ok: false, code: "apple.ade.auth-failed" });
    expect(w.apple.stats.rejected["ade.conditional-access.device"]).toBe(1);
    expect(w.apple.policy.records().signIns[0]).toMatchObject({ upn: "u@enrollsim.test", platform: "ios", result: "device", policy: "Compliant only" });
    w.apple.policy.holder.set("conditionalAccess.policies.0.apps.exclude", ["Microsoft Intune Enrollment"]);
    expect(await w.runFlow("iphone-15", 1, "ios-ade", { apple: { ade: { basicAuth } } })).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    w.apple.policy.holder.set("conditionalAccess.policies", [{ name: "Block Macs", platforms: { include: ["macos"] }, grant: { controls: ["block"] } }]);
    expect(await w.runFlow("iphone-15", 2, "ios-ade", { apple: { ade: { basicAuth } } })).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
  }, 60_000);

  it("conditional access requiring MFA fails the legacy Setup Assistant sign-in (401 again); without it the same credentials enroll; a DEM is refused", async () => {
    const basicAuth = { username: "u@enrollsim.test", password: "idp-password-1" };
    const mfa = await world({ basicAuth });
    // The tenant's rule (embedded.policy), the same one the Windows sign-in page honours.
    mfa.apple.policy.holder.set("conditionalAccess", { requireMfa: true });
    const stuck = await mfa.runFlow("iphone-15", 0, "ios-ade", { apple: { ade: { basicAuth } } });
    expect(stuck).toMatchObject({ ok: false, code: "apple.ade.auth-failed" });
    expect(stuck.message).toContain("DEP enrollment stuck at user login");
    expect(mfa.apple.stats.rejected["ade.conditional-access.mfa"]).toBe(1);
    const ok = await world({ basicAuth });
    expect(await ok.runFlow("iphone-15", 0, "ios-ade", { apple: { ade: { basicAuth } } })).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    // The directory's licence, the datum account-driven enrollment reads, refuses the Setup Assistant sign-in too.
    const unlicensed = await world({ basicAuth });
    unlicensed.apple.policy.holder.set("directory", { users: [{ upn: "U@enrollsim.test", licensed: false }] });
    const refused = await unlicensed.runFlow("iphone-15", 0, "ios-ade", { apple: { ade: { basicAuth } } });
    expect(refused).toMatchObject({ ok: false, code: "apple.ade.refused.UserLicenseTypeInvalid" });
    expect(refused.message).toContain("User Name Not Recognized");
    const dem = await world({ basicAuth });
    // The tenant's device enrollment managers (embedded.policy), matched case-insensitively.
    dem.apple.policy.holder.set("deviceEnrollmentManagers", { users: ["U@enrollsim.test"] });
    expect(await dem.runFlow("macbook-air-m3", 0, "macos-ade", { apple: { ade: { basicAuth } } })).toMatchObject({ ok: false, code: "apple.ade.refused.DeviceEnrollmentManagerNotAllowed" });
  }, 60_000);


  it("Setup Assistant panes and host pairing: Biometric alone also fails on 14.5+; an unsupervised device ignores allowHostPairing", async () => {
    const w = await world({ profile: { add: [{ PayloadType: "com.apple.applicationaccess", allowHostPairing: false }] }, cloudConfig: { skip_setup_items: ["Passcode"] } });
    const r = await w.runFlow("iphone-15", 0, "ios-ade", {}, { setupAssistant: {} });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.setup-pane-failed" });
    expect(r.message).toContain("(Biometric)");
    const configurator: HostConnection[] = [{ host: "configurator", supervisionIdentity: false, entry: 0 }];
    expect(await w.runFlow("iphone-15", 1, "ios-profile", {}, undefined, configurator)).toMatchObject({ ok: true });
    expect(await w.runFlow("iphone-15", 2, "ios-profile", {}, { supervised: true }, configurator)).toMatchObject({ ok: false, code: "apple.host.pairing-denied" });
  }, 60_000);

  it("host pairing with allowHostPairing false spares only the supervision host: a Configurator with the organization's identity, when the device has a supervision host certificate", async () => {
    const profile = { add: [{ PayloadType: "com.apple.applicationaccess", allowHostPairing: false }] };
    const withIdentity: HostConnection[] = [{ host: "configurator", supervisionIdentity: true, entry: 0 }];
    const finder: HostConnection[] = [{ host: "finder", supervisionIdentity: false, entry: 1 }];
    // ADE without supervising_host_certs: no supervision host configured, so all pairing is disabled.
    const none = await world({ profile });
    const refused = await none.runFlow("iphone-15", 0, "ios-ade", {}, undefined, withIdentity);
    expect(refused).toMatchObject({ ok: false, code: "apple.host.pairing-denied", step: "host.pair" });
    expect(refused.message).toContain("no supervision host certificate configured");
    // The cloud configuration names the supervision host: the Mac with the identity pairs, Finder does not.
    // The organization's supervision identity certificate (self-signed, as Apple Configurator creates it).
    const orgKey = await (await testKeys()).rsa(5);
    const orgCert = buildCertificate({ serial: Uint8Array.of(7), issuer: "CN=Example Org Supervision", subject: "CN=Example Org Supervision", notBefore: new Date(START - 86_400_000), notAfter: new Date(START + 365 * 86_400_000), spki: orgKey.spki }, orgKey, "sha256", crypto);
    const listed = await world({ profile, cloudConfig: { supervising_host_certs: [toPem(orgCert)] } as AppleServerConfig["cloudConfig"] });
    expect(await listed.runFlow("iphone-15", 1, "ios-ade", {}, undefined, withIdentity)).toMatchObject({ ok: true });
    const viaFinder = await listed.runFlow("iphone-15", 2, "ios-ade", {}, undefined, finder);
    expect(viaFinder).toMatchObject({ ok: false, code: "apple.host.pairing-denied" });
    expect(viaFinder.message).toContain("Finder holds no supervision identity");
    // Prepared by Apple Configurator: that organization is its supervision host; another Mac's Configurator without the identity is refused.
    expect(await listed.runFlow("ipad-air-m2", 3, "ios-configurator", {}, undefined, withIdentity)).toMatchObject({ ok: true });
    const other = await listed.runFlow("ipad-air-m2", 4, "ios-configurator", {}, undefined, [{ host: "configurator", supervisionIdentity: false, entry: 2 }]);
    expect(other).toMatchObject({ ok: false, code: "apple.host.pairing-denied" });
    expect(other.message).toContain("without the organization's supervision identity");
  }, 60_000);
});

describe("Apple field failures A (secrets, hostile input)", () => {
  it("transcripts hold no NDES challenge and no sign-in password", async () => {
    for (const [file, secrets] of [
      ["ios-scep-challenge-expired.yaml", [/ndes-[0-9a-f]{8}-/]],
      ["ios-ade-auth-mfa-mismatch.yaml", [/ade-mfa-password-2026/, /Basic [A-Za-z0-9+/=]{12,}/]],
    ] as const) {
      const dir = join(mkdtempSync(join(tmpdir(), "apple-ffa-")), "trace");
      await runScenario(failing(file), { ...opts, trace: dir });
      const files = readdirSync(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const text = readFileSync(join(dir, f), "utf8");
        for (const re of secrets) expect(text).not.toMatch(re);
      }
    }
  }, 120_000);

  it("a hostile 403 on the profile download is a typed refusal, never a crash", async () => {
    const clock = new VirtualClock(START);
    const keys = await testKeys();
    const bodies: [string, Record<string, string>, Uint8Array][] = [
      ["json-garbage", { "content-type": "application/json" }, new Uint8Array(Buffer.from("{not json"))],
      ["json-array", { "content-type": "application/json" }, new Uint8Array(Buffer.from("[1,2,3]"))],
      ["bad-code", { "content-type": "application/json" }, new Uint8Array(Buffer.from(JSON.stringify({ code: "../../etc<script>", message: 42 })))],
      ["huge", { "content-type": "application/json" }, new Uint8Array(200_000).fill(0x7b)],
      ["deep", { "content-type": "application/json" }, new Uint8Array(Buffer.from("[".repeat(50_000)))],
      ["html", { "content-type": "text/html" }, new Uint8Array(Buffer.from("<html>nope</html>"))],
    ];
    for (const [i, [name, headers, body]] of bodies.entries()) {
      const http = new InMemoryHttp({ clock, handler: { [URLS.https]: async () => ({ status: 403, headers, body, url: "" }) } });
      const dev = await createDevice({ model: "macbook-air-m3", index: i, seed: "apple-failures-a", keys, adapters: { clock, http, crypto } });
      const r = await clock.run(dev.run("macos-profile", { apple: { profileUrl: `${URLS.https}/apple/enroll` } }, { scepUrl: `${URLS.http}/scep`, server: { ...URLS, embedded: false } }));
      expect(r, name).toMatchObject({ ok: false, code: "apple.profile.refused", step: "profile.download" });
    }
  }, 60_000);

  it("a tenant without an MDM authority enrolls nothing: the profile download, the Configurator URL and the ADE enrollment URL answer 403 MdmAuthorityNotDefined", async () => {
    const w = await world({});
    w.apple.policy.holder.set("mdmAuthority", "none");
    const profile = await w.runFlow("iphone-15", 0, "ios-profile");
    expect(profile).toMatchObject({ ok: false, code: "apple.profile.refused.MdmAuthorityNotDefined" });
    expect(await w.runFlow("iphone-15", 1, "ios-ade")).toMatchObject({ ok: false, code: "apple.ade.refused.MdmAuthorityNotDefined" });
    expect((await w.apple.handler({ method: "GET", url: `${URLS.https}/apple/configurator/enroll`, headers: {} })).status).toBe(403);
    // The admin sets the authority: the same device enrolls.
    w.apple.policy.holder.set("mdmAuthority", "intune");
    expect(await w.runFlow("iphone-15", 0, "ios-profile")).toMatchObject({ ok: true });
  }, 60_000);

  it("one setting, two failures: a Configurator profile with user affinity is served at Configurator's enrollment URL and refused for direct enrollment", async () => {
    const w = await world({ configurator: { userAffinity: true } });
    const get = (path: string) => w.apple.handler({ method: "GET", url: `${URLS.https}${path}`, headers: {} });
    const direct = await get("/apple/enroll");
    expect(direct.status).toBe(403);
    expect(JSON.parse(Buffer.from(direct.body).toString("utf8"))).toMatchObject({ code: "UserAffinityNotSupported" });
    expect((await get("/apple/configurator/enroll")).status).toBe(200);
    // Without user affinity both serve the profile.
    const plain = await world({});
    expect((await plain.apple.handler({ method: "GET", url: `${URLS.https}/apple/enroll`, headers: {} })).status).toBe(200);
    expect((await plain.apple.handler({ method: "GET", url: `${URLS.https}/apple/configurator/enroll`, headers: {} })).status).toBe(200);
  }, 60_000);

  it("the affinity endpoint refuses bodies that are not JSON, lack fields, or come without the enrolled identity", async () => {
    const w = await world({ configurator: { userAffinity: true } });
    const post = async (body: string, tls?: Uint8Array) =>
      (await w.apple.handler({ method: "POST", url: `${URLS.https}/apple/configurator/affinity`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(body)), ...(tls ? { tls: { peerCertificateDer: tls } } : {}) } as never)).status;
    expect(await post("{")).toBe(400);
    expect(await post("[]")).toBe(400);
    expect(await post(JSON.stringify({ udid: 1, user: {} }))).toBe(400);
    expect(await post(JSON.stringify({ udid: "X", user: "u@x" }))).toBe(401);
    expect(await post(JSON.stringify({ udid: "X", user: "u@x" }), new Uint8Array([1, 2, 3]))).toBe(401);
    expect((await w.apple.handler({ method: "GET", url: `${URLS.https}/apple/configurator/affinity`, headers: {} })).status).toBe(405);
  }, 60_000);
});
