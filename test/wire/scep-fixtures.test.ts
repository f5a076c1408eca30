// SPDX-License-Identifier: MIT
/**
 * Golden SCEP fixtures (test/fixtures/scep): they are current (reproducible byte for byte from
 * the committed keys), documented, marked test-only, and our codecs read each of them as the
 * message it claims to be.
 */
import { readFileSync, readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { chainFromResponse } from "../../src/protocol/scep/ca-chain.js";
import { checkCertRep } from "../../src/protocol/scep/certrep.js";
import { openEnvelopedData } from "../../src/wire/cms/enveloped-data.js";
import { findSignerCert, parseSignedData, verifySigner } from "../../src/wire/cms/signed-data.js";
import { OID } from "../../src/wire/oids.js";
import { chooseAlgorithms, parseCaps } from "../../src/wire/scep/caps.js";
import { parseIssuerAndSerial, parseIssuerAndSubject, parsePkiMessage } from "../../src/wire/scep/message.js";
import { hex, sameBytes, verifyCertificateSignature } from "../../src/wire/x509/certificate.js";
import { readSubjectAltName } from "../../src/wire/x509/extensions.js";
import { parseCsr, verifyCsr } from "../../src/wire/x509/pkcs10.js";
import { CT } from "./support/checks.js";
import { FIXTURE_DIR, TEST_ONLY_HEADER, fixturePath, loadKeys, readFixture } from "./support/fixture-files.js";
import { CHALLENGE, FAIL_TEXT, buildGolden, nonce, type Golden } from "./support/golden.js";
import { OPENSSL_VERSION, asn1parseSection, companionName } from "./support/openssl.js";

const crypto = new NodeCrypto();
let golden: Golden;

beforeAll(() => {
  const keys = loadKeys(crypto);
  if (!keys) throw new Error("test/fixtures/scep/*.key missing: run GEN_SCEP_FIXTURES=1 npx vitest run test/wire/generate-fixtures.test.ts");
  golden = buildGolden(keys);
});

const bytesOf = (c: Uint8Array | string) => (typeof c === "string" ? new Uint8Array(Buffer.from(c, "utf8")) : c);

describe("golden SCEP fixtures are current and documented", () => {
  it("regenerating every fixture from the committed keys gives the committed bytes", () => {
    const stale = [...golden.files].filter(([name, content]) => !sameBytes(bytesOf(content), readFixture(name))).map(([n]) => n);
    expect(stale, "re-run GEN_SCEP_FIXTURES=1 npx vitest run test/wire/generate-fixtures.test.ts and review the diff").toEqual([]);
  });

  it("README.md lists every file in the fixture directory, and no file that is not there", () => {
    const readme = readFileSync(fixturePath("README.md"), "utf8");
    // First cell of each table row: one or more `file` names.
    const firstCells = [...readme.matchAll(/^\| ([^|]+) \|/gm)].map((m) => m[1]!);
    const listed = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
    const present = readdirSync(FIXTURE_DIR);
    expect(present.filter((f) => !listed.has(f)), "files missing from README.md").toEqual([]);
    expect([...listed].filter((f) => !present.includes(f)), "README.md rows for absent files").toEqual([]);
  });

  it("every key and certificate file starts with the test-only warning", () => {
    const pems = readdirSync(FIXTURE_DIR).filter((f) => /\.(key|pem)$/.test(f));
    expect(pems.length).toBe(10);
    for (const f of pems) expect(readFileSync(fixturePath(f), "utf8").startsWith(TEST_ONLY_HEADER), f).toBe(true);
  });

  it.skipIf(!OPENSSL_VERSION && !process.env.CI)("each .txt companion's asn1parse section is what openssl prints for its .der today", () => {
    expect(OPENSSL_VERSION, "openssl CLI is required in CI").toBeDefined();
    const ders = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith(".der"));
    expect(ders.length).toBeGreaterThanOrEqual(23);
    for (const der of ders) {
      const txt = readFileSync(fixturePath(companionName(der)), "utf8");
      const start = txt.indexOf("# openssl asn1parse");
      const end = txt.indexOf("\n# openssl ", start + 1);
      const committed = end < 0 ? txt.slice(start) : txt.slice(start, end);
      expect(committed, companionName(der)).toBe(asn1parseSection(der, readFixture(der)));
    }
  });
});

describe("our codecs read each golden fixture as the message it claims to be", () => {
  it("getcacaps.txt: AES, DES3, POST, Renewal, SHA-256 and SCEPStandard; the client picks AES-128, SHA-256, POST", () => {
    const caps = parseCaps(readFileSync(fixturePath("getcacaps.txt"), "utf8"));
    expect(caps).toMatchObject({ aes: true, des3: true, post: true, renewal: true, sha1: true, sha256: true, sha512: false, scepStandard: true, unknown: [] });
    expect(chooseAlgorithms(caps)).toEqual({ cipher: "aes-128-cbc", digest: "sha256", post: true });
  });

  it("getcacert-single.der: the self-signed CA is the encryption and the verification certificate", () => {
    const chain = chainFromResponse(CT.ca, readFixture("getcacert-single.der"), crypto);
    expect(chain.form).toBe("single");
    expect(chain.ca.subject).toBe("CN=enrollsim Test SCEP CA, OU=test-only, O=enrollsim");
    expect(chain.ca.isCA).toBe(true);
    expect(chain.ca.keyUsage).toEqual(["digitalSignature", "keyCertSign", "cRLSign"]);
    expect(chain.encryption).toBe(chain.ca);
    expect(chain.verification).toBe(chain.ca);
    expect(verifyCertificateSignature(chain.ca, chain.ca.spki, crypto)).toBe(true);
  });

  it("getcacert-ra.p7b.der: certs-only SignedData, CA picked as issuer, RA for encryption and verification", () => {
    const sd = parseSignedData(readFixture("getcacert-ra.p7b.der"));
    expect(sd.signers).toEqual([]);
    expect(sd.content).toBeUndefined();
    const chain = chainFromResponse(CT.caRa, readFixture("getcacert-ra.p7b.der"), crypto);
    expect(chain.form).toBe("ra");
    expect(chain.ca.subject).toContain("enrollsim Test SCEP CA");
    expect(chain.encryption.subject).toContain("enrollsim Test SCEP RA");
    expect(chain.verification).toBe(chain.encryption);
    expect(chain.encryption.keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    expect(verifyCertificateSignature(chain.encryption, chain.ca.spki, crypto)).toBe(true);
  });

  for (const [file, cipher] of [["pkcsreq.der", "aes-128-cbc"], ["pkcsreq-des3.der", "des-ede3-cbc"]] as const) {
    it(`${file}: PKCSReq (19) signed by the self-signed device signer, ${cipher} envelope to the CA holding csr.der`, () => {
      const msg = parsePkiMessage(readFixture(file));
      expect(msg.messageType).toBe(19);
      expect(msg.transactionID).toBe(golden.transactionID);
      expect(msg.transactionID).toBe(hex(crypto.digest("sha256", golden.keys.device.spki)).toUpperCase());
      expect(hex(msg.senderNonce!)).toBe(hex(nonce(file.replace(".der", ""))));
      expect(msg.recipientNonce).toBeUndefined();
      const signerCert = findSignerCert(msg.signer, msg.signedData.certificates)!;
      expect(signerCert.subject).toBe(signerCert.issuer);
      expect(sameBytes(signerCert.spki, golden.keys.device.spki)).toBe(true);
      expect(verifySigner(msg.signedData, msg.signer, signerCert.spki, crypto)).toEqual({ ok: true });
      const opened = openEnvelopedData(msg.envelope!, golden.certs.ca, golden.keys.ca, crypto);
      expect(opened.cipher).toBe(cipher);
      expect(hex(opened.content)).toBe(hex(readFixture("csr.der")));
    });
  }

  it("csr.der: challengePassword and an extensionRequest with keyUsage, EKU clientAuth and SAN (DNS, email, UPN)", () => {
    const csr = parseCsr(readFixture("csr.der"));
    expect(verifyCsr(csr, crypto)).toBe(true);
    expect(csr.subject).toBe("CN=enrollsim-device-0001, OU=test-only, O=enrollsim");
    expect(csr.challengePassword).toBe(CHALLENGE);
    expect(csr.attributeOids).toEqual([OID.challengePassword, OID.extensionRequest]);
    expect(csr.extensions.map((e) => e.oid)).toEqual([OID.keyUsage, OID.extKeyUsage, OID.subjectAltName]);
    expect(readSubjectAltName(csr.extensions[2]!.value)).toEqual([
      "email:device-0001@enrollsim.test",
      "DNS:device-0001.enrollsim.test",
      `otherName:${OID.msUpn}:device-0001@enrollsim.test`,
    ]);
    expect(parseCsr(readFixture("renewal-csr.der")).challengePassword).toBeUndefined();
  });

  it("renewalreq.der: RenewalReq (17) signed by the CA-issued device certificate, carrying renewal-csr.der", () => {
    const msg = parsePkiMessage(readFixture("renewalreq.der"));
    expect(msg.messageType).toBe(17);
    const signerCert = findSignerCert(msg.signer, msg.signedData.certificates)!;
    expect(signerCert.serialHex).toBe("1001");
    expect(signerCert.issuer).toBe(golden.certs.ca.subject);
    expect(verifySigner(msg.signedData, msg.signer, signerCert.spki, crypto)).toEqual({ ok: true });
    const { content } = openEnvelopedData(msg.envelope!, golden.certs.ca, golden.keys.ca, crypto);
    expect(hex(content)).toBe(hex(readFixture("renewal-csr.der")));
  });

  it("certpoll.der: CertPoll (20) with pkcsreq's transactionID, a new senderNonce and IssuerAndSubject", () => {
    const poll = parsePkiMessage(readFixture("certpoll.der"));
    const req = parsePkiMessage(readFixture("pkcsreq.der"));
    expect(poll.messageType).toBe(20);
    expect(poll.transactionID).toBe(req.transactionID);
    expect(hex(poll.senderNonce!)).not.toBe(hex(req.senderNonce!));
    expect(hex(poll.signer.serial)).toBe(hex(req.signer.serial));
    const data = parseIssuerAndSubject(openEnvelopedData(poll.envelope!, golden.certs.ca, golden.keys.ca, crypto).content);
    expect(data).toMatchObject({ issuer: golden.certs.ca.subject, subject: "CN=enrollsim-device-0001, OU=test-only, O=enrollsim" });
  });

  it("getcert.der: GetCert (21) asking for the CA's serial 1001 as IssuerAndSerialNumber", () => {
    const msg = parsePkiMessage(readFixture("getcert.der"));
    expect(msg.messageType).toBe(21);
    const data = parseIssuerAndSerial(openEnvelopedData(msg.envelope!, golden.certs.ca, golden.keys.ca, crypto).content);
    expect(hex(data.serial)).toBe("1001");
    expect(sameBytes(data.issuerDer, golden.certs.ca.subjectDer)).toBe(true);
  });

  const expectation = () => ({
    transactionID: golden.transactionID,
    senderNonce: nonce("pkcsreq"),
    signerCert: golden.certs.deviceSigner,
    signerKey: golden.keys.device,
    requestedSpki: golden.keys.device.spki,
    now: Date.UTC(2026, 0, 1),
    chain: chainFromResponse(CT.ca, readFixture("getcacert-single.der"), crypto),
  });

  it("certrep-success.der: SUCCESS; the envelope to the device signer holds device-issued.pem (chaining to the CA) and the CA", () => {
    const rep = checkCertRep(CT.pki, readFixture("certrep-success.der"), expectation(), crypto);
    if (rep.status !== "SUCCESS") throw new Error(`expected SUCCESS, got ${rep.status}`);
    expect(rep.certificate.serialHex).toBe("1001");
    expect(sameBytes(rep.certificate.der, golden.certs.deviceIssued.der)).toBe(true);
    expect(rep.certificate.extKeyUsage).toEqual(["clientAuth"]);
    expect(rep.others.map((c) => c.subject)).toEqual([golden.certs.ca.subject]);
    expect(rep.findings).toEqual([]);
    expect(rep.message.messageType).toBe(3);
    expect(hex(rep.message.recipientNonce!)).toBe(hex(nonce("pkcsreq")));
  });

  it("certrep-pending.der: PENDING with no content", () => {
    const rep = checkCertRep(CT.pki, readFixture("certrep-pending.der"), expectation(), crypto);
    expect(rep.status).toBe("PENDING");
    expect(rep.message.envelope).toBeUndefined();
    expect(rep.message.pkiStatusRaw).toBe("3");
  });

  it("certrep-failure-badrequest.der: FAILURE with failInfo badRequest (2) and a failInfoText", () => {
    const rep = checkCertRep(CT.pki, readFixture("certrep-failure-badrequest.der"), expectation(), crypto);
    expect(rep.status).toBe("FAILURE");
    expect(rep.message).toMatchObject({ pkiStatusRaw: "2", failInfo: "badRequest", failInfoRaw: "2", failInfoText: FAIL_TEXT });
  });

  it("a CertRep is refused when the device trusts another CA, even though the message carries the signer certificate", () => {
    const exp = { ...expectation(), chain: { ...expectation().chain, verification: golden.certs.otherCa, all: [golden.certs.otherCa] } };
    expect(() => checkCertRep(CT.pki, readFixture("certrep-pending.der"), exp, crypto)).toThrow(
      expect.objectContaining({ code: "scep.unknown-signer" }),
    );
  });
});
