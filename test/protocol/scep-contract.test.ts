// SPDX-License-Identifier: MIT
/** Contract: our SCEP client against our strict reference CA over real loopback HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../../src/platform/node/clock.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { hex, verifyCertificateSignature } from "../../src/wire/x509/certificate.js";
import { crypto, harness, testKeys } from "../support/scep-harness.js";

const clock = new RealClock();
const http = new NodeHttp({ clock });

describe("SCEP client ↔ reference CA over loopback", () => {
  const servers: ReferenceServer[] = [];
  const start = async (scep: Parameters<typeof ReferenceServer.start>[0]["scep"] = {}) => {
    const keys = await testKeys();
    const s = await ReferenceServer.start({ scep, keys: { ca: await keys.rsa(20), ra: await keys.rsa(21) } });
    servers.push(s);
    return s;
  };
  beforeAll(testKeys);
  afterAll(async () => Promise.all(servers.map((s) => s.close())));

  it("enrols with a single CA (POST, AES, SHA-256) and the certificate chains to the CA", async () => {
    const server = await start();
    const h = harness(http, clock, { url: server.scepUrl });
    const out = await h.client.enroll(await h.enrollArgs());
    expect(out.status).toBe("issued");
    if (out.status !== "issued") return;
    expect(out.certificate.subject).toBe("CN=device-1, O=enrollsim");
    expect(verifyCertificateSignature(out.certificate, server.scep.id.ca.spki, crypto)).toBe(true);
    expect(h.steps.map((s) => s.step)).toEqual(["scep.getcacaps", "scep.getcacert", "scep.pkioperation"]);
    const post = h.events.find((e) => e.kind === "http" && e.step === "scep.pkioperation")!;
    expect((post.data.request as { method: string }).method).toBe("POST");
    expect(server.scep.stats.issued).toBe(1);
  });

  it("GetCACert carries message= only when the device has a CA identifier (issue 12 #18)", async () => {
    const server = await start();
    const bare = harness(http, clock, { url: server.scepUrl });
    await bare.client.getCaCert();
    const url = (e: { data: Record<string, unknown> }) => (e.data.request as { url: string }).url;
    const bareUrl = url(bare.events.find((e) => e.kind === "http" && e.step === "scep.getcacert")!);
    expect(new URL(bareUrl).searchParams.get("operation")).toBe("GetCACert");
    expect(new URL(bareUrl).searchParams.has("message")).toBe(false);
    const named = harness(http, clock, { url: server.scepUrl, caIdentifier: "Corp Device CA" });
    await named.client.getCaCert();
    const namedUrl = url(named.events.find((e) => e.kind === "http" && e.step === "scep.getcacert")!);
    expect(new URL(namedUrl).searchParams.get("message")).toBe("Corp Device CA");
  });

  it("uses the RA from an RA + CA chain for encryption and CertRep verification", async () => {
    const server = await start({ ra: true });
    const h = harness(http, clock, { url: server.scepUrl });
    const out = await h.client.enroll(await h.enrollArgs());
    expect(out.status).toBe("issued");
    const chain = await h.client.getCaCert();
    expect(chain.form).toBe("ra");
    expect(chain.encryption.subject).toContain("RA");
    expect(chain.ca.subject).toBe(server.scep.id.ca.subject);
  });

  it("falls back to GET, DES3 and SHA-1 when the CA advertises only those", async () => {
    const server = await start({ caps: ["DES3", "SHA-1"] });
    const h = harness(http, clock, { url: server.scepUrl });
    const out = await h.client.enroll(await h.enrollArgs());
    expect(out.status).toBe("issued");
    const req = h.events.find((e) => e.kind === "http" && e.step === "scep.pkioperation")!.data.request as { method: string; url: string };
    expect(req.method).toBe("GET");
    expect(req.url).toContain("operation=PKIOperation&message=");
    const dec = h.events.find((e) => e.kind === "decoded" && e.step === "scep.pkioperation")!.data;
    expect(dec).toMatchObject({ cipher: "des-ede3-cbc", digest: "sha1", transport: "GET" });
  });

  it("the strict CA refuses an algorithm it did not advertise (badAlg)", async () => {
    const server = await start({ caps: ["AES", "SHA-256", "POSTPKIOperation"] });
    const h = harness(http, clock, { url: server.scepUrl, cipher: "des-ede3-cbc" });
    const out = await h.client.enroll(await h.enrollArgs());
    expect(out).toMatchObject({ status: "failure", failInfo: "badAlg" });
  });

  it("a wrong challenge is FAILURE badRequest, as a value with the server's text", async () => {
    const server = await start({ challenge: "right" });
    const h = harness(http, clock, { url: server.scepUrl });
    const out = await h.client.enroll(await h.enrollArgs("wrong"));
    expect(out).toMatchObject({ status: "failure", failInfo: "badRequest", step: "scep.pkioperation" });
    if (out.status === "failure") expect(out.failInfoText).toContain("challenge");
  });

  it.each(["badAlg", "badMessageCheck", "badRequest", "badTime", "badCertId"] as const)("surfaces a configured FAILURE %s", async (failInfo) => {
    const server = await start({ failInfo });
    const h = harness(http, clock, { url: server.scepUrl });
    expect(await h.client.enroll(await h.enrollArgs())).toMatchObject({ status: "failure", failInfo });
  });

  it("renews with RenewalReq signed by the issued identity", async () => {
    const server = await start();
    const h = harness(http, clock, { url: server.scepUrl });
    const args = await h.enrollArgs();
    const first = await h.client.enroll(args);
    if (first.status !== "issued") throw new Error("not issued");
    const renewed = await h.client.renew({ ...args, currentCert: first.certificate, currentKey: args.key });
    expect(renewed.status).toBe("issued");
    if (renewed.status === "issued") expect(renewed.certificate.serialHex).not.toBe(first.certificate.serialHex);
    const dec = h.events.filter((e) => e.kind === "decoded" && e.step === "scep.pkioperation").map((e) => e.data.messageType);
    expect(dec).toContain("RenewalReq (17)");
  });

  it("works over the HTTPS listener when the device trusts the reference CA, and refuses it otherwise", async () => {
    const server = await start();
    const url = `${server.httpsUrl}/scep`;
    const trusted = harness(
      { client: () => http.client({ tls: { ca: [server.caPem] } }) },
      clock,
      { url },
    );
    expect((await trusted.client.enroll(await trusted.enrollArgs())).status).toBe("issued");
    const untrusted = harness(http, clock, { url });
    await expect(untrusted.client.enroll(await untrusted.enrollArgs())).rejects.toMatchObject({ code: "transport.tls", step: "scep.getcacaps" });
  });

  it("pins the CA fingerprint, and refuses a CA that does not match", async () => {
    const server = await start();
    const fp = `sha256:${hex(crypto.digest("sha256", server.scep.id.ca.der))}`;
    const ok = harness(http, clock, { url: server.scepUrl, caFingerprint: fp });
    expect((await ok.client.enroll(await ok.enrollArgs())).status).toBe("issued");
    const bad = harness(http, clock, { url: server.scepUrl, caFingerprint: `sha256:${"00".repeat(32)}` });
    await expect(bad.client.enroll(await bad.enrollArgs())).rejects.toMatchObject({
      code: "scep.ca-fingerprint-mismatch",
      step: "scep.getcacert",
      device: "test#0",
      blame: "server",
    });
  });
});
