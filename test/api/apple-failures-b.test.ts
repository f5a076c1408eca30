// SPDX-License-Identifier: MIT
/** Apple field failures (set B) and push counts in the run report, end to end against the embedded server. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { appleServerOf } from "../../src/api/push-report.js";
import { formatSummary } from "../../src/report/table.js";
import { mergeSummaries } from "../../src/report/merge.js";
import { parseSummary, summaryToJson } from "../../src/report/json.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";
import { checkProviderCertificate } from "../../src/server/apple/apns-check.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const failing = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
const opts = { keyPoolSize: 24, progress: false as const };

describe("push counts in the run report", () => {
  it("ios-push: pushes sent, delivered and coalesced are in the summary, the JSON and the table; shards add up", async () => {
    const { summary } = await runScenario(scenario("ios-push.yaml"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    const p = summary.pushes!;
    expect(p).toBeDefined();
    expect(p.sent).toBe(8);
    expect(p.accepted).toBe(8);
    expect(p.delivered).toBe(4);
    expect(p.coalesced).toBe(4);
    expect(p.coalesced + p.superseded + p.delivered).toBeLessThanOrEqual(8);
    expect(p.refused).toEqual({});
    const text = formatSummary(summary);
    expect(text).toContain("Pushes (mock APNs)");
    expect(text).toMatch(/sent 8, accepted 8, delivered 4, coalesced \d/);
    const back = parseSummary(summaryToJson(summary));
    expect(back.pushes).toEqual(p);
    const merged = mergeSummaries([summary, { ...summary, pushes: { ...p, refused: { TopicDisallowed: 2 } } }]);
    expect(merged.pushes).toEqual({
      sent: 16,
      accepted: 16,
      delivered: 8,
      coalesced: 2 * p.coalesced,
      superseded: 2 * p.superseded,
      expired: 2 * p.expired,
      ignored: 2 * p.ignored,
      refused: { TopicDisallowed: 2 },
    });
    // Absent for runs without pushes; merging keeps it optional.
    const { pushes: _omit, ...noPush } = summary;
    expect(mergeSummaries([noPush, noPush]).pushes).toBeUndefined();
    expect(formatSummary(noPush)).not.toContain("Pushes");
  }, 120_000);
});

/** Runs a failure scenario and keeps the embedded server (closed, but its state is readable). */
async function run(file: string) {
  let server: ReferenceServer | undefined;
  const { summary } = await runScenario(failing(file), { ...opts, onServer: (s) => (server = s) });
  const apple = appleServerOf(server)!;
  const get = async (path: string) => {
    const res = await apple.handler({ method: "GET", url: path, headers: {} });
    return { status: res.status, json: JSON.parse(Buffer.from(res.body).toString("utf8")) };
  };
  return { summary, apple, get };
}

const messages = (summary: { examples?: { code: string; message: string }[] }, code: string) => (summary.examples ?? []).filter((e) => e.code === code).map((e) => e.message);

describe("Apple field failures (set B)", () => {
  it("apple-apns-cert-expired: ADE and account-driven enrollments get APNSCertificateNotValid with Intune's text", async () => {
    const { summary, apple } = await run("apple-apns-cert-expired.yaml");
    expect(summary).toMatchObject({ devices: 5, enrolled: 0, failed: 5, ok: true });
    expect(summary.errors["apple.ade.refused.APNSCertificateNotValid"]!.count).toBe(3);
    expect(summary.errors["apple.account.refused.APNSCertificateNotValid"]!.count).toBe(2);
    for (const m of [...messages(summary, "apple.ade.refused.APNSCertificateNotValid"), ...messages(summary, "apple.account.refused.APNSCertificateNotValid")]) {
      expect(m).toContain("This Service is not supported. No Enrollment Policy.");
    }
    expect(apple.services.provider!.valid()).toBe(false);
    expect(apple.stats.rejected["apns.certificate"]).toBe(5);
  }, 120_000);

  it("apple-apns-renewed-different-appleid: pushes with the new topic are refused (DeviceTokenNotForTopic), devices wake only on their poll", async () => {
    const { summary, apple } = await run("apple-apns-renewed-different-appleid.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["push.woken"]).toBeUndefined();
    expect(summary.steps["push.poll"]!.count).toBe(3);
    expect(summary.pushes).toMatchObject({ sent: 3, accepted: 0, delivered: 0, refused: { DeviceTokenNotForTopic: 3 } });
    // The new certificate has another topic; new profiles carry it, enrolled devices do not.
    const original = "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference";
    expect(apple.services.provider!.current!.topic).not.toBe(original);
    expect(apple.config.topic).toBe(apple.services.provider!.current!.topic);
    for (const d of apple.devices.values()) expect(d.topic).toBe(original);
  }, 120_000);

  it("ios-vpp-licenses-exhausted: the pool runs out after 2 licences; the other ADE devices are never released", async () => {
    const { summary, apple } = await run("ios-vpp-licenses-exhausted.yaml");
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
    expect(summary.errors["apple.ade.stuck-at-remote-management"]!.count).toBe(2);
    expect(apple.services.vpp!.used(719171358)).toBe(2);
    // Apple's Apps and Books answer when no unassigned licence is left: 9610 "License not found."
    expect(apple.services.vpp!.refusals).toEqual({ "9610": 2 });
    expect([...apple.services.blocked.values()].every((r) => r.includes("9610 License not found.") && r.includes("2 of 2 licences of Company Portal"))).toBe(true);
  }, 120_000);

  it("ios-ue-vpp-license-error: User Enrollment-only users get 0x87D13B95 Can't Find VPP License For App", async () => {
    const { summary, apple } = await run("ios-ue-vpp-license-error.yaml");
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    const failed = apple.services.licenceRefusals;
    expect(failed).toHaveLength(3);
    for (const f of failed) {
      expect(f.code).toBe("0x87D13B95");
      expect(f.message).toContain("Can't Find VPP License For App (0x87D13B95)");
    }
    // Only the two licensed devices were sent the app.
    const sent = [...apple.devices.values()].filter((d) => apple.services.installs.statuses(d.udid)["id1477376905"] !== undefined);
    expect(sent).toHaveLength(2);
  }, 120_000);

  it("ios-cp-appconfig-after-modern-auth: the Company Portal asks to sign in again and to download an installed profile; error", async () => {
    const { summary } = await run("ios-cp-appconfig-after-modern-auth.yaml");
    expect(summary).toMatchObject({ devices: 3, failed: 3, ok: true });
    for (const m of messages(summary, "apple.company-portal.profile-already-installed")) {
      expect(m).toMatch(/sign in again.*management profile.*already has it installed/);
    }
    expect(summary.errors["apple.company-portal.profile-already-installed"]!.step).toBe("cp.profile");
  }, 120_000);

  it("ios-cp-begin-never-tapped: enrolled, but not registered, not evaluated and blocked (server REST read)", async () => {
    const { summary, apple, get } = await run("ios-cp-begin-never-tapped.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    const states = await Promise.all([...apple.devices.keys()].map(async (udid) => (await get(`/apple/directory/devices/${udid}`)).json));
    expect(states).toHaveLength(3);
    const unregistered = states.filter((s) => !s.registered);
    expect(unregistered).toHaveLength(2);
    for (const s of unregistered) expect(s).toMatchObject({ compliance: "not-evaluated", conditionalAccess: "blocked" });
    expect(states.filter((s) => s.registered)).toEqual([expect.objectContaining({ via: "company-portal", compliance: "compliant", conditionalAccess: "allowed" })]);
  }, 120_000);

  it("mac-jamf-registration-via-company-portal: AccountNotOnboarded; Self Service registers", async () => {
    const { summary, apple } = await run("mac-jamf-registration-via-company-portal.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["apple.directory.refused.AccountNotOnboarded"]).toMatchObject({ count: 2, step: "cp.register" });
    expect(messages(summary, "apple.directory.refused.AccountNotOnboarded")[0]).toMatch(/AccountNotOnboarded: this Mac is managed by the partner MDM \(jamf\)/);
    expect([...apple.services.directory.records.values()]).toEqual([expect.objectContaining({ via: "jamf-self-service", compliance: "compliant" })]);
  }, 120_000);

  it("mac-jamf-compliance-stuck: out-of-scope Macs stay not evaluated and gatherAADInfo re-prompts sign-in", async () => {
    const { summary, apple } = await run("mac-jamf-compliance-stuck.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    const ms = messages(summary, "apple.partner.compliance-not-evaluated");
    expect(ms).toHaveLength(2);
    for (const m of ms) expect(m).toMatch(/compliance stays N\/A \(not evaluated\) after 5 checks .*jamfaad gatherAADInfo re-prompted for sign-in 5 times/);
    expect(ms.some((m) => m.includes("not in the group assigned to the partner compliance connector"))).toBe(true);
    expect(ms.some((m) => m.includes("directory record is incomplete"))).toBe(true);
    const recs = [...apple.services.directory.records.values()];
    expect(recs.map((r) => r.signInPrompts).sort()).toEqual([0, 5, 5]);
  }, 120_000);

  it("mac-jamf-all-users-assignment: the partner connection is inhibited", async () => {
    const { summary } = await run("mac-jamf-all-users-assignment.yaml");
    expect(summary).toMatchObject({ devices: 3, failed: 3, ok: true });
    for (const m of messages(summary, "apple.partner.refused.PartnerConnectionInhibited")) expect(m).toMatch(/Connection between partner and MDM is inhibited/);
  }, 120_000);
});

describe("mechanisms behind set B", () => {
  const TOKEN = "ab".repeat(32);
  const TOPIC = "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference";

  it("mock APNs: a push signed with an expired provider certificate is refused (403 BadCertificate) and never wakes the device; a valid one does", async () => {
    const { ReferenceServer } = await import("../../src/server/reference-server.js");
    const { NodeCrypto } = await import("../../src/platform/node/crypto.js");
    const { PushRegistry } = await import("../../src/device/apple/push.js");
    const { MockApns, sendMdmPush } = await import("../../src/server/apple/apns.js");
    const { ApnsProviderCertificate, APNS_GRACE_DAYS } = await import("../../src/server/apple/apns-provider.js");
    const now = Date.now();
    const crypto = new NodeCrypto();
    const server = await ReferenceServer.create({ scep: { challenge: "x-challenge" }, crypto });
    const half = { crypto, now: () => now, scep: server.scep, urls: () => ({ http: "", https: "" }), config: {} };
    const expiredCert = new ApnsProviderCertificate(half, { expiresInDays: -45 }, TOPIC);
    await expiredCert.warm();
    const registry = new PushRegistry();
    const apns = new MockApns(registry, () => now);
    const url = await apns.start();
    try {
      registry.register(TOKEN, TOPIC, "magic-1");
      let woken = 0;
      registry.wait(TOKEN, now, () => woken++);
      const expired = await sendMdmPush(url, { token: TOKEN, topic: TOPIC, pushMagic: "magic-1", certificate: expiredCert.current!.der });
      expect(expired).toMatchObject({ status: 403, reason: "BadCertificate" });
      expect(woken).toBe(0);
      // Garbage in the certificate header is refused the same way, never a crash.
      expect(checkProviderCertificate("bm90IGEgY2VydA==", TOPIC, now)).toEqual({ status: 403, reason: "BadCertificate" });
      expect(checkProviderCertificate("%%%", TOPIC, now)).toEqual({ status: 403, reason: "BadCertificate" });
      expect(checkProviderCertificate("A".repeat(20_000), TOPIC, now)).toEqual({ status: 403, reason: "BadCertificate" });
      // Past the 30-day grace even the same Apple ID gets a new topic; within it the topic stays.
      const sameId = expiredCert.current!.appleId;
      const renewed = expiredCert.renew(sameId, now);
      expect(renewed.topic).not.toBe(TOPIC);
      const again = expiredCert.renew(sameId, renewed.notAfter + (APNS_GRACE_DAYS - 1) * 86_400_000);
      expect(again.topic).toBe(renewed.topic);
      // A (valid) certificate that does not carry the push's topic: TopicDisallowed.
      expect(await sendMdmPush(url, { token: TOKEN, topic: TOPIC, pushMagic: "magic-1", certificate: renewed.der })).toMatchObject({ status: 400, reason: "TopicDisallowed" });
      expect(woken).toBe(0);
      // A valid certificate for the device's topic wakes it.
      const valid = new ApnsProviderCertificate(half, {}, TOPIC);
      await valid.warm();
      expect(await sendMdmPush(url, { token: TOKEN, topic: TOPIC, pushMagic: "magic-1", certificate: valid.current!.der })).toMatchObject({ status: 200 });
      expect(woken).toBe(1);
      expect(apns.stats().rejected).toEqual({ BadCertificate: 1, TopicDisallowed: 1 });
    } finally {
      await apns.close();
      await server.close();
    }
  }, 60_000);

  it("VPP pool: an expired token refuses every assignment; the same holder reuses its licence; user licences need association", async () => {
    const { VppPool } = await import("../../src/server/apple/vpp.js");
    const expired = new VppPool({ token: { expiresInDays: 0 }, apps: [{ adamId: 1, licenses: 5, assignment: "device" }] }, () => 1_000);
    expect(expired.assign(1, { serial: "C02X" })).toMatchObject({ code: "9621", message: expect.stringContaining("The token has expired.") });
    const pool = new VppPool({ apps: [{ adamId: 1, licenses: 1, assignment: "device" }, { adamId: 2, licenses: 1, assignment: "user" }] }, () => 1_000);
    expect(pool.assign(1, { serial: "A" })).toBeUndefined();
    expect(pool.assign(1, { serial: "A" })).toBeUndefined();
    expect(pool.assign(1, { serial: "B" })).toMatchObject({ code: "9610", message: expect.stringContaining("License not found.") });
    expect(pool.assign(1, {})).toMatchObject({ code: "LicenseNotAssignable" });
    expect(pool.assign(2, { user: "u@x.test" })).toMatchObject({ code: "0x87D13B95" });
    pool.associate("U@x.test");
    expect(pool.assign(2, { user: "u@x.test" })).toBeUndefined();
    expect(pool.assign(3, { serial: "A" })).toMatchObject({ code: "9610" });
  });

  it("directory endpoints: hostile bodies get typed 4xx answers, never a crash", async () => {
    const { Directory } = await import("../../src/server/apple/partner.js");
    const dir = new Directory({ partner: "jamf" });
    const dev = { udid: "U1", serialNumber: "S1", product: "MacBookAir10,1" };
    const post = (body: string) => dir.handle({ method: "POST", url: "/apple/directory/register", headers: {}, body: new Uint8Array(Buffer.from(body)) }, "/apple/directory/register", dev);
    const code = (r: { status: number; body: Uint8Array }) => [r.status, JSON.parse(Buffer.from(r.body).toString()).code];
    expect(code(post("{not json"))).toEqual([400, "BadRequest"]);
    expect(code(post("[1,2]"))).toEqual([400, "BadRequest"]);
    expect(code(post(JSON.stringify({ user: 5, via: "jamf-self-service" })))).toEqual([400, "BadRequest"]);
    expect(code(post(JSON.stringify({ user: "a@b.c", via: "fax" })))).toEqual([400, "BadRequest"]);
    expect(code(post(`{"user":"${"a".repeat(100_000)}@b.c","via":"jamf-self-service"}`))).toEqual([400, "BadRequest"]);
    expect(code(post("[".repeat(50_000)))).toEqual([400, "BadRequest"]);
    expect(code(dir.handle({ method: "GET", url: "/apple/directory/compliance", headers: {} }, "/apple/directory/compliance", dev))).toEqual([404, "DeviceNotRegistered"]);
    expect(code(post(JSON.stringify({ user: "a@b.c", via: "jamf-self-service" })))[0]).toBe(200);
  });
});

describe("post-enrollment agents on virtual time, and hostile directory answers", () => {
  it("the Jamf agent checks compliance 6 times, 15 minutes apart (75 min of device time), then reports N/A", async () => {
    const { appleWorld } = await import("../device/apple/harness.js");
    const w = await appleWorld({ partnerCompliance: { partner: "jamf", groupMembers: ["member@example.org"] } });
    const dev = await w.device("macbook-air-m3");
    const started = w.clock.now();
    const r = await w.run(dev, "macos-profile", { apple: { partner: { registerVia: "jamf-self-service", user: "outsider@example.org" } } });
    expect(r).toMatchObject({ ok: false, code: "apple.partner.compliance-not-evaluated", step: "partner.compliance" });
    expect(r.message).toMatch(/after 6 checks over 4500 s of device time: the user is not in the group.*re-prompted for sign-in 6 times/);
    expect(w.clock.now() - started).toBeGreaterThanOrEqual(4_500_000);
    expect(w.apple.services.directory.records.size).toBe(1);
  }, 60_000);

  it("a macOS-only partner connector leaves an iPhone to Intune: the Company Portal registers it (issue 12 #13)", async () => {
    const { appleWorld } = await import("../device/apple/harness.js");
    const w = await appleWorld({ partnerCompliance: { partner: "jamf" } });
    const phone = await w.device("iphone-15");
    const r = await w.run(phone, "ios-profile", { apple: { partner: { registerVia: "company-portal", user: "a@example.org" } } });
    expect(r.ok, r.message).toBe(true);
    expect([...w.apple.services.directory.records.values()]).toEqual([expect.objectContaining({ via: "company-portal", registered: true })]);
    const mac = await w.device("macbook-air-m3", 1);
    const m = await w.run(mac, "macos-profile", { apple: { partner: { registerVia: "company-portal", user: "a@example.org" } } });
    expect(m).toMatchObject({ ok: false, code: "apple.directory.refused.AccountNotOnboarded" });
    expect(m.message).toMatch(/this Mac is managed by the partner MDM/);
  }, 60_000);

  it("garbage, deep or oversized directory answers end in typed outcomes naming device and step, never a crash", async () => {
    const { appleWorld } = await import("../device/apple/harness.js");
    const answers: Record<string, { status: number; body: string; type?: string }> = {
      "/apple/directory/register": { status: 200, body: "<html>not json</html>", type: "text/html" },
      "/apple/directory/compliance": { status: 200, body: `${"[".repeat(20_000)}${"]".repeat(20_000)}` },
      "/apple/directory/gather": { status: 200, body: JSON.stringify({ signInRequired: "yes", reasons: "x".repeat(10) }) },
    };
    const w = await appleWorld({ partnerCompliance: { partner: "jamf" } }, {}, (h) => async (req) => {
      const a = answers[new URL(req.url).pathname];
      return a ? { status: a.status, headers: { "content-type": a.type ?? "application/json" }, body: new Uint8Array(Buffer.from(a.body)), url: req.url } : h(req);
    });
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-profile", { apple: { partner: { registerVia: "jamf-self-service", complianceChecks: 2, checkSeconds: 1 } } });
    expect(r).toMatchObject({ ok: false, code: "apple.partner.compliance-not-evaluated" });
    // A 5xx is a transport error tagged with device and step.
    answers["/apple/directory/compliance"] = { status: 500, body: "boom" };
    const dev2 = await w.device("macbook-air-m3", 1);
    await expect(w.run(dev2, "macos-profile", { apple: { partner: { registerVia: "jamf-self-service" } } })).rejects.toMatchObject({ name: "TransportError", step: "partner.compliance", device: expect.stringContaining("macbook-air-m3") });
  }, 60_000);
});

describe("Lockdown Mode (device state) over loopback", () => {
  it("apple-lockdown-mode: profile, Mac and ADE paths refused before any check-in; turned off, all enroll", async () => {
    const { summary } = await runScenario(failing("apple-lockdown-mode-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 6, enrolled: 2, failed: 4, ok: true });
    expect(summary.errors["apple.lockdown-mode"]!.count).toBe(4);
    // Only the two normal iPhones reached the MDM check-in.
    expect(summary.steps["checkin.authenticate"]!.count).toBe(2);
    expect(summary.steps["scep.pkioperation"]!.count).toBe(2);
    const fixed = await runScenario(failing("apple-lockdown-mode-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 6, enrolled: 6, failed: 0, ok: true });
  }, 60_000);
});
