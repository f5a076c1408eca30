// SPDX-License-Identifier: MIT
/**
 * The reference server's Android half: payloads whose checksums match the served bytes, token
 * semantics (expiry, 90-day userless cap, one-time, revocation, mode), the fake AMAPI REST
 * surface, Pub/Sub pushes to an EMM endpoint, the Headwind REST and the mock FCM endpoint.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { parseQrPayload } from "../../../src/wire/android/payload.js";
import { verifyPackage } from "../../../src/wire/android/verify.js";
import { parseNfcPayload } from "../../../src/wire/android/payload.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { androidServer, BASE, START } from "../../protocol/android/harness.js";
import { crypto } from "../../support/scep-harness.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { kmeChallengeAnswer } from "../../../src/device/android/kme-attestation.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";

const call = async (h: (r: HttpRequest) => Promise<{ status: number; body: Uint8Array; headers: Record<string, string> }>, method: string, path: string, body?: unknown) => {
  const r = await h({ method: method as "GET", url: BASE + path, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : new Uint8Array(Buffer.from(JSON.stringify(body))) });
  const text = Buffer.from(r.body).toString("utf8");
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text, body: r.body, headers: r.headers };
};

describe("payloads and APK hosting", () => {
  it("every default profile's QR validates, and its checksum matches the bytes actually served", async () => {
    const { server } = await androidServer();
    for (const profile of ["fully-managed", "dedicated", "cope", "work-profile", "aosp", "device-admin"]) {
      const qr = await call(server.handler, "GET", `/android/provisioning/${profile}/qr.json`);
      expect(qr.status).toBe(200);
      const p = parseQrPayload(qr.text);
      const apk = await call(server.handler, "GET", new URL(p.download!.location).pathname + new URL(p.download!.location).search);
      expect(verifyPackage(apk.body, p.download!, p.component, crypto), profile).toMatchObject({ ok: true });
      const nfc = await call(server.handler, "GET", `/android/provisioning/${profile}/nfc.properties`);
      expect(parseNfcPayload(nfc.text).component).toEqual(p.component);
    }
  });
  it("zero-touch and KME documents carry the same extras", async () => {
    const { server } = await androidServer();
    const zt = await call(server.handler, "GET", "/android/provisioning/cope/zero-touch.json");
    expect(zt.json).toMatchObject({ companyName: "enrollsim", dpcResourcePath: "customers/1/dpcs/clouddpc" });
    // KME's GET_PROFILE is attested (Samsung KBA 360039680333): 401 with a nonce, then the device's blob over it.
    const id = createDeviceIdentity(loadCatalog().get("samsung-galaxy-s8"), new SeededEntropySource("half").forDevice(0, 0), 0);
    const path = `/android/provisioning/fully-managed/kme.json?imei=1&build=${encodeURIComponent(id.os.build)}`;
    const challenge = await call(server.handler, "GET", path);
    expect(challenge.status).toBe(401);
    const answer = kmeChallengeAnswer(id, 401, challenge.text)!;
    const r = await server.handler({ method: "GET", url: BASE + path, headers: answer.headers });
    const kme = { json: JSON.parse(Buffer.from(r.body).toString("utf8")) };
    expect(r.status).toBe(200);
    expect(JSON.parse(kme.json.customJson)["com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN"]).toMatch(/^[A-Z]{20}$/);
  });
  it("a dedicated profile whose token outlives 90 days is refused at start-up", async () => {
    await expect(androidServer({ profiles: { k: { mode: "dedicated", token: { durationSeconds: 91 * 86400 } } } })).rejects.toThrow(/90 days/);
  });
});

describe("fake AMAPI", () => {
  const redeem = (h: any, token: string, managementMode = "DEVICE_OWNER", ownership = "COMPANY_OWNED") =>
    call(h, "POST", "/android/amapi/device/v1/enrollmentTokens:redeem", { enrollmentToken: token, managementMode, ownership, hardwareInfo: { manufacturer: "Google", serialNumber: "S1" }, apiLevel: 34 });

  it("enrollmentTokens create (with the 90-day userless cap) → redeem → devices list/get/patch/issueCommand → policies patch", async () => {
    const { server, half } = await androidServer();
    const e = half.config.enterpriseId;
    const bad = await call(server.handler, "POST", `/android/amapi/v1/enterprises/${e}/enrollmentTokens`, { duration: `${91 * 86400}s`, allowPersonalUsage: "PERSONAL_USAGE_DISALLOWED_USERLESS" });
    expect(bad.json.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    const t = await call(server.handler, "POST", `/android/amapi/v1/enterprises/${e}/enrollmentTokens`, { duration: "3600s", oneTimeOnly: true, allowPersonalUsage: "PERSONAL_USAGE_DISALLOWED", policyName: `enterprises/${e}/policies/p1`, additionalData: '{"team":7}' });
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ oneTimeOnly: true, duration: "3600s", expirationTimestamp: new Date(START + 3_600_000).toISOString() });
    expect(parseQrPayload(t.json.qrCode).packageName).toBe("com.google.android.apps.work.clouddpc");
    const d = await redeem(server.handler, t.json.value);
    expect(d.json).toMatchObject({ managementMode: "DEVICE_OWNER", enrollmentTokenData: '{"team":7}', policyName: `enterprises/${e}/policies/p1` });
    expect((await redeem(server.handler, t.json.value)).json.error.reason).toBe("TOKEN_ALREADY_USED");
    const list = await call(server.handler, "GET", `/android/amapi/v1/enterprises/${e}/devices?pageSize=10`);
    expect(list.json.devices).toHaveLength(1);
    const id = d.json.name.split("/").pop();
    expect((await call(server.handler, "GET", `/android/amapi/v1/enterprises/${e}/devices/${id}`)).json.name).toBe(d.json.name);
    expect((await call(server.handler, "PATCH", `/android/amapi/v1/enterprises/${e}/devices/${id}?updateMask=state`, { state: "DISABLED" })).json.state).toBe("DISABLED");
    const op = await call(server.handler, "POST", `/android/amapi/v1/enterprises/${e}/devices/${id}:issueCommand`, { type: "LOCK" });
    expect(op.json).toMatchObject({ done: false });
    const p1 = await call(server.handler, "PATCH", `/android/amapi/v1/enterprises/${e}/policies/p1`, { cameraDisabled: true });
    const p2 = await call(server.handler, "PATCH", `/android/amapi/v1/enterprises/${e}/policies/p1`, { cameraDisabled: false });
    expect([p1.json.version, p2.json.version]).toEqual(["1", "2"]);
    const st = await call(server.handler, "POST", `/android/amapi/device/v1/${d.json.name}:reportStatus`, { appliedPolicyVersion: "1" });
    expect(st.json).toMatchObject({ policyVersion: "2", pendingCommands: [{ name: op.json.name }] });
    await call(server.handler, "POST", `/android/amapi/device/v1/${op.json.name}:ack`, {});
    expect(half.amapi.notifications.map((n) => n.message.attributes.notificationType)).toEqual(["ENROLLMENT", "STATUS_REPORT", "COMMAND"]);
    expect((await call(server.handler, "GET", `/android/amapi/v1/enterprises/${e}/webApps`)).status).toBe(501);
    expect((await call(server.handler, "GET", `/android/amapi/v1/enterprises/other/devices`)).status).toBe(404);
  });

  it("token semantics: expiry as time passes, revocation, personal usage vs management mode", async () => {
    const clock = new VirtualClock(START);
    const { server, half } = await androidServer({ profiles: { old: { mode: "dedicated", token: { durationSeconds: 60 } } } }, clock);
    const tok = async (p: string) => (await call(server.handler, "GET", `/android/provisioning/${p}/token`)).json.value as string;
    const old = await tok("old");
    await clock.advance(59_000);
    expect((await redeem(server.handler, old)).status).toBe(200);
    await clock.advance(2_000);
    expect((await redeem(server.handler, old)).json.error.reason).toBe("TOKEN_EXPIRED");
    expect((await redeem(server.handler, "NOSUCHTOKEN")).json.error.reason).toBe("TOKEN_NOT_FOUND");
    expect((await redeem(server.handler, await tok("dedicated"), "PROFILE_OWNER")).json.error.reason).toBe("MODE_NOT_ALLOWED");
    expect((await redeem(server.handler, await tok("work-profile"), "DEVICE_OWNER")).json.error.reason).toBe("MODE_NOT_ALLOWED");
    expect((await redeem(server.handler, await tok("work-profile"), "PROFILE_OWNER", "PERSONALLY_OWNED")).status).toBe(200);
    const fm = await tok("fully-managed");
    expect(half.tokens.get(fm)!.expiresAt).toBeUndefined();
    const e = half.config.enterpriseId;
    const t = await call(server.handler, "POST", `/android/amapi/v1/enterprises/${e}/enrollmentTokens`, {});
    expect(t.json.duration).toBe("3600s");
    expect((await call(server.handler, "DELETE", `/android/amapi/v1/enterprises/${e}/enrollmentTokens/${t.json.name.split("/").pop()}`)).status).toBe(200);
    expect((await redeem(server.handler, t.json.value, "DEVICE_OWNER")).json.error.reason).toBe("TOKEN_REVOKED");
    // What the timeline's `revoke: enrollment-tokens` does (server/android/admin.ts): every token.
    expect(half.tokens.revokeAll()).toBeGreaterThan(0);
    expect((await redeem(server.handler, fm)).json.error.reason).toBe("TOKEN_REVOKED");
  });

  it("hostile EMM/device requests get Google-style errors, never crashes", async () => {
    const { server, half } = await androidServer();
    const e = half.config.enterpriseId;
    const h = server.handler;
    for (const [m, p, b] of [
      ["POST", "/android/amapi/device/v1/enrollmentTokens:redeem", undefined],
      ["POST", "/android/amapi/device/v1/enrollmentTokens:redeem", [1, 2]],
      ["POST", `/android/amapi/v1/enterprises/${e}/enrollmentTokens`, { duration: "forever" }],
      ["POST", `/android/amapi/v1/enterprises/${e}/enrollmentTokens`, { allowPersonalUsage: "SOMETIMES" }],
      ["POST", `/android/amapi/v1/enterprises/${e}/enrollmentTokens`, { additionalData: "x".repeat(2000) }],
      ["POST", "/android/amapi/device/v1/enterprises/x/devices/y:reportStatus", {}],
    ] as const) {
      const r = await call(h, m, p, b);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.json.error.status).toMatch(/^[A-Z_]+$/);
    }
  });

  it("Pub/Sub pushes are POSTed to the EMM push endpoint", async () => {
    const got: any[] = [];
    const emm = createServer((req, res) => {
      let b = "";
      req.on("data", (c) => (b += c));
      req.on("end", () => {
        got.push(JSON.parse(b));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => emm.listen(0, "127.0.0.1", () => r()));
    try {
      const endpoint = `http://127.0.0.1:${(emm.address() as AddressInfo).port}/pubsub?token=push-secret`;
      const { server, half } = await androidServer({ amapi: { pushEndpoint: endpoint } });
      const tok = (await call(server.handler, "GET", "/android/provisioning/fully-managed/token")).json.value;
      expect((await redeem(server.handler, tok)).status).toBe(200);
      await half.close();
      expect(got).toHaveLength(1);
      expect(got[0].message.attributes.notificationType).toBe("ENROLLMENT");
      expect(JSON.parse(Buffer.from(got[0].message.data, "base64").toString()).managementMode).toBe("DEVICE_OWNER");
      expect(got[0].subscription).toMatch(/^projects\/[^/]+\/subscriptions\//);
    } finally {
      emm.close();
    }
  });
});

describe("Headwind REST and FCM mock", () => {
  it("secure enrollment checks the request signature; duplicates are refused; long-poll delivers configUpdated", async () => {
    const { server } = await androidServer({ headwind: { secureEnrollment: true, duplicatePrevention: true, hashSecret: "s3" } });
    const sig = (x: string) => createHash("sha1").update(`s3${x}`).digest("hex").toUpperCase();
    const post = (id: string, s: string) => server.handler({ method: "POST", url: `${BASE}/android/hmdm/rest/public/sync/configuration/${id}`, headers: { "x-request-signature": s }, body: new Uint8Array(Buffer.from("{}")) });
    expect((await post("dev1", "WRONG")).status).toBe(403);
    const ok = await post("dev1", sig("dev1"));
    const env = JSON.parse(Buffer.from(ok.body).toString());
    expect(env.status).toBe("OK");
    expect(ok.headers["x-response-signature"]).toBe(sig(JSON.stringify(env.data).replace(/\s+/g, "")));
    expect(JSON.parse(Buffer.from((await post("dev1", sig("dev1"))).body).toString()).message).toBe("error.duplicate.device");
    const poll = await call(server.handler, "GET", "/android/hmdm/rest/notification/polling/dev1");
    expect(poll.json.data).toEqual([{ messageType: "configUpdated", payload: null }]);
  });
  it("FCM send + poll", async () => {
    const { server } = await androidServer();
    expect((await call(server.handler, "POST", "/android/fcm/v1/projects/p1/messages:send", { message: { token: "reg-1", data: { k: "v" } } })).status).toBe(200);
    expect((await call(server.handler, "POST", "/android/fcm/v1/projects/p1/messages:send", { message: {} })).status).toBe(400);
    expect((await call(server.handler, "GET", "/android/fcm/poll/reg-1")).json.messages).toEqual([{ k: "v" }]);
  });
});
