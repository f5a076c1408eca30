// SPDX-License-Identifier: MIT
/** The Apple half of the reference server: strict endpoints, identities, queue, REST API, MachineInfo. */
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { issueCertificate } from "../../../src/server/scep/ca.js";
import { buildCsr, parseCsr } from "../../../src/wire/x509/pkcs10.js";
import { buildSignedData } from "../../../src/wire/cms/signed-data.js";
import { CHECKIN_CONTENT_TYPE, buildAuthenticate, buildCommandResult, buildTokenUpdate, parseCommand, signMdmBody } from "../../../src/wire/apple/mdm.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { parseMobileconfig } from "../../../src/wire/apple/profile.js";
import { issueDeviceIdentity } from "../../../src/wire/apple/device-ca.js";
import type { Certificate } from "../../../src/wire/x509/certificate.js";
import type { PrivateKey } from "../../../src/ports/crypto.js";
import { testKeys } from "../../support/scep-harness.js";
import { appleWorld, crypto, type AppleWorld } from "../../device/apple/harness.js";
import { testPki } from "../../wire/apple/helpers.js";
import { MAX_RESULTS_PER_DEVICE } from "../../../src/server/apple/core.js";

const TOPIC = "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference";
let w: AppleWorld;
let id: { cert: Certificate; key: PrivateKey };
let foreign: { cert: Certificate; key: PrivateKey };

beforeAll(async () => {
  w = await appleWorld({ commands: [{ requestType: "ProfileList" }, { requestType: "SecurityInfo" }] });
  const key = await (await testKeys()).rsa(3);
  const csr = parseCsr(buildCsr({ subject: "CN=dev" }, key, "sha256", crypto));
  id = { cert: issueCertificate(w.ref.scep.id, csr, Uint8Array.from([9, 9]), w.clock.now(), 30, crypto), key };
  const pki = await testPki();
  foreign = { cert: pki.leaf, key: pki.leafKey };
});

const put = (path: string, body: Uint8Array, extra: Record<string, string> = {}, tls?: Uint8Array): HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } } => ({
  method: "PUT",
  url: `https://ref.test${path}`,
  headers: { "content-type": path.endsWith("checkin") ? CHECKIN_CONTENT_TYPE : "application/x-apple-aspen-mdm", ...extra },
  body,
  ...(tls ? { tls: { peerCertificateDer: tls } } : {}),
});
const signed = (path: string, d: Parameters<typeof buildPlistBytes>[0], who = id) => {
  const body = buildPlistBytes(d);
  return put(path, body, { "mdm-signature": signMdmBody(body, who.cert, who.key, crypto) });
};
const auth = (udid: string) => buildAuthenticate({ topic: TOPIC, ref: { udid }, serialNumber: "S" });

describe("apple reference server", () => {
  it("serves a CMS-signed profile: anchor, SCEP (foundation CA, challenge), MDM on the HTTPS listener", async () => {
    const res = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll" });
    expect(res.headers["content-type"]).toBe("application/x-apple-aspen-config");
    const p = parseMobileconfig(res.body, { crypto, trust: [w.ref.scep.id.ca] });
    expect(p.signature).toBe("verified");
    expect(p.profile.payloads.map((x) => x.type)).toEqual(["com.apple.security.root", "com.apple.security.scep", "com.apple.mdm"]);
    const scep = p.profile.payloads[1]!;
    const mdm = p.profile.payloads[2]!;
    if (scep.kind !== "scep" || mdm.kind !== "mdm") throw new Error("kinds");
    expect(scep).toMatchObject({ url: "http://ref.test/scep", challenge: w.ref.scep.config.challenge, keysize: 2048 });
    expect(mdm).toMatchObject({ checkInURL: "https://ref.test/apple/checkin", serverURL: "https://ref.test/apple/mdm", identityCertificateUUID: scep.uuid, signMessage: false, topic: TOPIC });
  });

  it("every profile has fresh payload UUIDs and is the plist of its own dictionary (served from a template of the fixed part)", async () => {
    const get = async () => parseMobileconfig((await w.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll" })).body, { crypto, trust: [w.ref.scep.id.ca] });
    const [a, b] = [await get(), await get()];
    const uuids = (p: Awaited<ReturnType<typeof get>>) => p.profile.payloads.map((x) => x.uuid);
    expect(new Set([...uuids(a), ...uuids(b)]).size).toBe(6);
    for (const p of [a, b]) {
      const [, scep, mdm] = p.profile.payloads;
      if (scep?.kind !== "scep" || mdm?.kind !== "mdm") throw new Error("kinds");
      expect(mdm.identityCertificateUUID).toBe(scep.uuid);
      // the served bytes are exactly what building the parsed dictionary gives
      expect(Buffer.from(p.plist).toString("utf8")).toBe(Buffer.from(buildPlistBytes(p.profile.raw)).toString("utf8"));
    }
    expect(a.profile.uuid).toBe(b.profile.uuid); // the profile's own identifier and UUID stay, so a device replaces it
  });

  it("a profile with its own per-profile challenge is rebuilt for each device (no template reuse across challenges)", async () => {
    const v = await appleWorld({ scepChallenge: { lifetimeSeconds: 600 } });
    const challenge = async () => {
      const p = parseMobileconfig((await v.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll" })).body, { crypto, trust: [v.ref.scep.id.ca] });
      const scep = p.profile.payloads[1]!;
      if (scep.kind !== "scep") throw new Error("kind");
      expect(Buffer.from(p.plist).toString("utf8")).toBe(Buffer.from(buildPlistBytes(p.profile.raw)).toString("utf8"));
      return scep.challenge;
    };
    const [c1, c2] = [await challenge(), await challenge()];
    expect(c1).toMatch(/^profile-/);
    expect(c2).not.toBe(c1);
  });

  it("check-in is strict: PUT only, aspen content type, a known identity, known MessageType, Authenticate first", async () => {
    const body = buildPlistBytes(auth("U1"));
    expect((await w.apple.handler({ ...put("/apple/checkin", body), method: "POST" })).status).toBe(405);
    expect((await w.apple.handler(put("/apple/checkin", body))).status).toBe(401);
    expect((await w.apple.handler(put("/apple/checkin", body, { "content-type": "application/xml" }, id.cert.der))).status).toBe(400);
    expect((await w.apple.handler(signed("/apple/checkin", auth("U1"), foreign))).status).toBe(401);
    expect((await w.apple.handler(signed("/apple/checkin", { MessageType: "Hello", UDID: "U1", Topic: TOPIC }))).status).toBe(400);
    const tu = buildTokenUpdate({ topic: TOPIC, ref: { udid: "U-never-authenticated" }, token: new Uint8Array(32), pushMagic: "p" });
    expect((await w.apple.handler(signed("/apple/checkin", tu))).status).toBe(401);
    // Tampered body: the signature no longer matches; refused 400 as NanoMDM refuses any verification error.
    const req = signed("/apple/checkin", auth("U1"));
    req.body = buildPlistBytes(auth("U2"));
    expect((await w.apple.handler(req)).status).toBe(400);
    expect((await w.apple.handler(put("/apple/checkin", body, {}, id.cert.der))).status).toBe(200);
  });

  it("an Authenticate with an unknown Bearer token is refused before the tenant rules: no enrollment is recorded (it took a seat and a device-limit slot before)", async () => {
    const v = await appleWorld({}, {}, undefined, {});
    const req = signed("/apple/checkin", auth("B1"));
    req.headers = { ...req.headers, authorization: "Bearer not-a-token-this-server-issued" };
    const res = await v.apple.handler(req);
    expect(res.status).toBe(401);
    expect(v.apple.policy.records().enrollments.map((e) => e.deviceKey)).not.toContain("B1");
    expect((await v.apple.handler(signed("/apple/checkin", auth("B1")))).status).toBe(200);
    expect(v.apple.policy.records().enrollments.map((e) => e.deviceKey)).toContain("B1");
  });

  it("command queue: scripted commands in order, NotNow redelivered in the next session, REST enqueue and results", async () => {
    expect((await w.apple.handler(signed("/apple/checkin", auth("Q1")))).status).toBe(200);
    const idle = () => w.apple.handler(signed("/apple/mdm", buildCommandResult({ ref: { udid: "Q1" }, status: "Idle" })));
    const answer = (uuid: string, status: "Acknowledged" | "NotNow") => w.apple.handler(signed("/apple/mdm", buildCommandResult({ ref: { udid: "Q1" }, status, commandUUID: uuid })));
    const c1 = parseCommand((await idle()).body);
    if ("formatError" in c1) throw new Error("format");
    expect(c1.requestType).toBe("ProfileList");
    const c2 = parseCommand((await answer(c1.commandUUID, "NotNow")).body);
    if ("formatError" in c2) throw new Error("format");
    expect(c2.requestType).toBe("SecurityInfo");
    expect((await answer(c2.commandUUID, "Acknowledged")).body.length).toBe(0);
    const again = parseCommand((await idle()).body);
    expect(again).toMatchObject({ commandUUID: c1.commandUUID, requestType: "ProfileList" });
    expect((await answer(c1.commandUUID, "Acknowledged")).body.length).toBe(0);
    const q = await w.apple.handler({ method: "POST", url: "https://ref.test/apple/api/commands", body: new Uint8Array(Buffer.from(JSON.stringify({ udid: "Q1", requestType: "DeviceLock", payload: { PIN: "123456" } }))) });
    expect(q.status).toBe(200);
    const next = parseCommand((await idle()).body);
    expect(next).toMatchObject({ requestType: "DeviceLock", command: { PIN: "123456" } });
    const status = JSON.parse(Buffer.from((await w.apple.handler({ method: "GET", url: "https://ref.test/apple/api/devices/Q1" })).body).toString());
    expect(status.results.map((r: { status: string }) => r.status)).toEqual(["NotNow", "Acknowledged", "Acknowledged"]);
    // A result for a command that is not in flight is refused.
    expect((await answer("bogus", "Acknowledged")).status).toBe(400);
  });

  it("a device record keeps the latest command results and counts the older ones (bounded memory in steady state)", async () => {
    expect((await w.apple.handler(signed("/apple/checkin", auth("B1")))).status).toBe(200);
    const idle = () => w.apple.handler(signed("/apple/mdm", buildCommandResult({ ref: { udid: "B1" }, status: "Idle" })));
    const answer = (uuid: string) => w.apple.handler(signed("/apple/mdm", buildCommandResult({ ref: { udid: "B1" }, status: "Acknowledged", commandUUID: uuid })));
    const enqueue = () => w.apple.handler({ method: "POST", url: "https://ref.test/apple/api/commands", body: new Uint8Array(Buffer.from(JSON.stringify({ udid: "B1", requestType: "DeviceInformation" }))) });
    let answered = 0;
    for (let round = 0; round < MAX_RESULTS_PER_DEVICE + 30; round++) {
      await enqueue();
      for (let c = parseCommand((await idle()).body); !("formatError" in c);) {
        answered++;
        const next = (await answer(c.commandUUID)).body;
        if (next.length === 0) break;
        c = parseCommand(next);
      }
    }
    const status = JSON.parse(Buffer.from((await w.apple.handler({ method: "GET", url: "https://ref.test/apple/api/devices/B1" })).body).toString());
    expect(status.results).toHaveLength(MAX_RESULTS_PER_DEVICE);
    expect(status.resultsDropped).toBe(answered - MAX_RESULTS_PER_DEVICE);
  });

  it("MachineInfo must be CMS-signed by the test device CA", async () => {
    const mi = buildPlistBytes({ UDID: "M1", SERIAL: "S1", PRODUCT: "iPhone15,4", VERSION: "21F90", OS_VERSION: "17.5.1" });
    const key = await (await testKeys()).rsa(4);
    const dev = issueDeviceIdentity(crypto, key, "S1", "M1", Uint8Array.from([1, 2]), Date.now());
    const sign = (signer: { cert: Certificate; key: PrivateKey }) => buildSignedData({ content: mi, certificates: [signer.cert.der], signer: { ...signer, hash: "sha256", attributes: [] } }, crypto);
    const post = (body: Uint8Array, type = "application/pkcs7-signature") => w.apple.handler({ method: "POST", url: "https://ref.test/apple/ade/enroll", headers: { "content-type": type }, body });
    const good = await post(sign(dev));
    expect(good.status).toBe(200);
    expect(good.headers["content-type"]).toBe("application/x-apple-aspen-config");
    expect((await post(sign(foreign))).status).toBe(403);
    expect((await post(mi)).status).toBe(400);
    expect((await post(sign(dev), "application/xml")).status).toBe(415);
    const web = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/ade/enroll", headers: { "x-apple-aspen-deviceinfo": Buffer.from(sign(dev)).toString("base64") } });
    expect(web.status).toBe(200);
  });
});

describe("apple reference server input checks", () => {
  it("REST: bad JSON, missing requestType, null payload values and unknown devices are 4xx; a bad scripted payload is a scenario error", async () => {
    const post = (body: string) => w.apple.handler({ method: "POST", url: "https://ref.test/apple/api/commands", body: new Uint8Array(Buffer.from(body)) });
    expect((await post("{")).status).toBe(400);
    expect((await post("{}")).status).toBe(400);
    expect((await post(JSON.stringify({ udid: "Q1", requestType: "X", payload: { a: null } }))).status).toBe(400);
    expect((await post(JSON.stringify({ udid: "Q1", requestType: "X", payload: [1] }))).status).toBe(400);
    expect((await post(JSON.stringify({ udid: "nobody", requestType: "X" }))).status).toBe(404);
    const { AppleServer } = await import("../../../src/server/apple/server.js");
    expect(() => new AppleServer({ crypto, now: Date.now, scep: w.ref.scep, urls: () => ({ http: "", https: "" }), config: {} }, { commands: [{ requestType: "X", payload: { a: null } }] })).toThrow(/embedded.apple.commands\[0\]/);
  });
});
