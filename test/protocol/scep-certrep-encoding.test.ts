// SPDX-License-Identifier: MIT
/**
 * CertRep encoding choices (embedded.scep.certRep) and client releases' CertRep parsers (devices/scep-clients):
 * - the CA's bytes are what the field CAs wrote, and openssl still parses them;
 * - the device reads the property from the bytes and does what its release's rule says: RFC-strict refusal without
 *   a rule, a crash where the release crashed, real verification where it accepts;
 * - the RFC encoding (the fixed variants) enrols every parser.
 */
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import type { HttpHandler } from "../../src/ports/http.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { buildSignedData, parseSignedData, verifySigner } from "../../src/wire/cms/signed-data.js";
import { buildPkiMessage, parsePkiMessage } from "../../src/wire/scep/message.js";
import { MessageType } from "../../src/wire/scep/vocabulary.js";
import { buildCertificate, parseCertificate } from "../../src/wire/x509/certificate.js";
import { buildCsr } from "../../src/wire/x509/pkcs10.js";
import { OID } from "../../src/wire/oids.js";
import type { CertRepEncoding, CertRepParser } from "../../src/wire/scep/certrep-encoding.js";
import { crypto, harness, testKeys } from "../support/scep-harness.js";

const START = Date.UTC(2026, 5, 1);

async function caWith(certRep: CertRepEncoding) {
  const keys = await testKeys();
  return ReferenceServer.create({ scep: { certRep }, keys: { ca: await keys.rsa(21) }, now: () => START });
}

/** Enrols through `handler`, keeping the PKIOperation answer's bytes. */
async function enrollVia(handler: HttpHandler, parser?: CertRepParser) {
  let certRep: Uint8Array | undefined;
  const recording: HttpHandler = async (req) => {
    const res = await handler(req);
    if (new URL(req.url).searchParams.get("operation") === "PKIOperation") certRep = res.body;
    return res;
  };
  const clock = new VirtualClock(START);
  const h = harness(new InMemoryHttp({ clock, handler: recording }), clock, { url: "http://ca.test/scep", ...(parser ? { certRepParser: parser } : {}) }, "iphone-8#3");
  const outcome = clock.run(h.client.enroll(await h.enrollArgs()));
  return { outcome, certRep: () => certRep! };
}

const rule = (property: "signerDigestAlgorithm" | "contentCipher", value: string, reaction: "accept" | "reject" | "crash"): CertRepParser => ({
  release: "ios 11.4",
  rules: [{ property, value, reaction, source: "test" }],
});

const openssl = (args: string[], der: Uint8Array): string => execFileSync("openssl", args, { input: der, stdio: ["pipe", "pipe", "pipe"] }).toString();

describe("CertRep encoding: the CA's bytes", () => {
  beforeAll(testKeys);

  it("signerDigestAlgorithm: signature writes the signature OID in SignerInfo.digestAlgorithm, sha256 in SignedData.digestAlgorithms; openssl parses it", async () => {
    const r = await enrollVia((await caWith({ signerDigestAlgorithm: "signature" })).handler, rule("signerDigestAlgorithm", "signature", "accept"));
    expect((await r.outcome).status).toBe("issued");
    const der = r.certRep();
    const msg = parsePkiMessage(der, "CertRep");
    expect(msg.signer.digestAlgorithmOid).toBe(OID.sha256WithRSA);
    expect(msg.signer.digestAlgorithmIsSignature).toBe(true);
    expect(msg.signedData.digestAlgorithms).toEqual([OID.sha256]);
    const printed = openssl(["cms", "-cmsout", "-print", "-inform", "DER"], der);
    expect(printed).toMatch(/digestAlgorithms:\s*\n\s*algorithm: sha256 /);
    expect(printed).toMatch(/signerInfos:[\s\S]*digestAlgorithm:\s*\n\s*algorithm: sha256WithRSAEncryption/);
  });

  it("contentCipher: aes-128-gcm writes id-aes128-GCM with a [4] nonce and ICV 16, the ciphertext in a constructed [0]; openssl parses it", async () => {
    const r = await enrollVia((await caWith({ contentCipher: "aes-128-gcm" })).handler);
    await expect(r.outcome).rejects.toMatchObject({ code: "scep.certrep-encoding" });
    const envelope = parsePkiMessage(r.certRep(), "CertRep").envelope!;
    const tree = openssl(["asn1parse", "-inform", "DER"], envelope);
    expect(tree).toMatch(/OBJECT\s+:aes-128-gcm/);
    expect(tree).toMatch(/cont \[ 4 \]/);
    expect(tree).toMatch(/INTEGER\s+:10\n/);
    expect(tree).toMatch(/cons: cont \[ 0 \]\s*\n.*prim:\s+OCTET STRING/);
    expect(openssl(["cms", "-cmsout", "-print", "-inform", "DER"], envelope)).toMatch(/contentEncryptionAlgorithm:\s*\n\s*algorithm: aes-128-gcm/);
  });
});

describe("CertRep parsers by release", () => {
  beforeAll(testKeys);

  it("a signature OID as digest algorithm: refused without a rule (RFC 5652 §5.3), a crash where the release crashed", async () => {
    const ca = await caWith({ signerDigestAlgorithm: "signature" });
    await expect((await enrollVia(ca.handler)).outcome).rejects.toMatchObject({ code: "scep.certrep-encoding", step: "scep.pkioperation", blame: "server" });
    await expect((await enrollVia(ca.handler, rule("signerDigestAlgorithm", "signature", "crash"))).outcome).rejects.toMatchObject({
      code: "scep.certrep-parser-crash",
      message: expect.stringMatching(/no digest was computed for it[\s\S]*ios 11\.4 crashes on it/),
    });
    await expect((await enrollVia(ca.handler, rule("signerDigestAlgorithm", "signature", "reject"))).outcome).rejects.toMatchObject({ code: "scep.certrep-encoding" });
  });

  it("the RFC encoding enrols whatever the release's rules say", async () => {
    const ca = await caWith({ signerDigestAlgorithm: "digest", contentCipher: "request" });
    expect((await (await enrollVia(ca.handler, rule("signerDigestAlgorithm", "signature", "crash"))).outcome).status).toBe("issued");
    expect((await (await enrollVia(ca.handler, rule("contentCipher", "aes-128-gcm", "crash"))).outcome).status).toBe("issued");
  });

  it("an AES-GCM envelope: refused without a rule, a crash where a rule says so", async () => {
    const ca = await caWith({ contentCipher: "aes-128-gcm" });
    await expect((await enrollVia(ca.handler)).outcome).rejects.toMatchObject({ code: "scep.certrep-encoding", message: expect.stringMatching(/id-aes128-GCM/) });
    await expect((await enrollVia(ca.handler, rule("contentCipher", "aes-128-gcm", "crash"))).outcome).rejects.toMatchObject({ code: "scep.certrep-parser-crash" });
  });

  it("accepting a signature OID still verifies for real: the hash it names, over the real content", async () => {
    const keys = await testKeys();
    const key = await keys.rsa(22);
    const ca = await caWith({});
    const der = buildSignedData({ content: new Uint8Array([1, 2, 3]), signer: { cert: ca.scep.id.ca, key, hash: "sha1", attributes: [], digestAlgorithmOid: OID.sha1WithRSA } }, crypto);
    const sd = parseSignedData(der);
    const signer = sd.signers[0]!;
    expect(signer.digest).toBe("sha1");
    expect(verifySigner(sd, signer, key.spki, crypto)).toEqual({ ok: false, reason: "unsupported-algorithm" });
    expect(verifySigner(sd, signer, key.spki, crypto, { digestFromSignatureOid: true })).toEqual({ ok: true });
    expect(verifySigner({ ...sd, content: new Uint8Array([1, 2, 4]) }, signer, key.spki, crypto, { digestFromSignatureOid: true })).toEqual({ ok: false, reason: "digest-mismatch" });
  });
});

describe("the reference CA stays strict about requests", () => {
  beforeAll(testKeys);

  it("a PKCSReq whose SignerInfo.digestAlgorithm is a signature OID gets FAILURE badAlg naming the OID", async () => {
    const keys = await testKeys();
    const key = await keys.rsa(23);
    const ca = await caWith({});
    const csr = buildCsr({ subject: "CN=strict-test,O=enrollsim", challengePassword: "enrollsim-challenge" }, key, "sha256", crypto);
    const self = parseCertificate(
      buildCertificate(
        { serial: Uint8Array.from([0x11]), issuer: "CN=strict-test,O=enrollsim", subject: "CN=strict-test,O=enrollsim", notBefore: new Date(START - 3_600_000), notAfter: new Date(START + 86_400_000), spki: key.spki, extensions: [] },
        key,
        "sha256",
        crypto,
      ),
      "self-signed signer",
    );
    const body = buildPkiMessage(
      {
        messageType: MessageType.PKCSReq,
        transactionID: "STRICT1",
        senderNonce: new Uint8Array(16).fill(7),
        messageData: csr,
        recipient: ca.scep.id.ca,
        cipher: "aes-128-cbc",
        signer: { cert: self, key, hash: "sha256", signingTime: new Date(START), digestAlgorithmOid: OID.sha256WithRSA },
        random: (n) => new Uint8Array(n).fill(3),
      },
      crypto,
    );
    const res = await ca.handler({ method: "POST", url: "http://ca.test/scep?operation=PKIOperation", headers: { "content-type": "application/x-pki-message" }, body });
    const rep = parsePkiMessage(res.body, "CertRep");
    expect(rep.pkiStatus).toBe("FAILURE");
    expect(rep.failInfo).toBe("badAlg");
    expect(rep.failInfoText).toMatch(/digestAlgorithm is 1\.2\.840\.113549\.1\.1\.11, a signature algorithm/);
  });
});
