// SPDX-License-Identifier: MIT
/**
 * Cross-checks of the golden SCEP fixtures against an independent implementation, the openssl
 * CLI (scep-and-crypto.md §10): what we build, openssl verifies and decrypts; what openssl
 * builds, we parse, verify and decrypt. Skipped without openssl, except in CI, where a missing
 * openssl fails the suite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolViolationError } from "../../src/errors/index.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { describeEnvelope, openEnvelopedData } from "../../src/wire/cms/enveloped-data.js";
import { findSignerCert, parseSignedData, verifySigner } from "../../src/wire/cms/signed-data.js";
import { OID } from "../../src/wire/oids.js";
import { buildIssuerAndSerial, buildIssuerAndSubject, parsePkiMessage } from "../../src/wire/scep/message.js";
import { fromPem, hex, sameBytes } from "../../src/wire/x509/certificate.js";
import { parseCsr, verifyCsr } from "../../src/wire/x509/pkcs10.js";
import { fixturePath, readCert, readFixture, readKey } from "./support/fixture-files.js";
import { openssl, opensslOk, OPENSSL_VERSION } from "./support/openssl.js";

const F = fixturePath;
const crypto = new NodeCrypto();
let dir: string;
const tmp = (name: string) => join(dir, name);
const read = (name: string) => new Uint8Array(readFileSync(tmp(name)));

describe.skipIf(!OPENSSL_VERSION && !process.env.CI)("SCEP fixtures against the openssl CLI", () => {
  beforeAll(() => {
    if (!OPENSSL_VERSION) throw new Error("the openssl CLI is required when CI is set, and it was not found on PATH");
    dir = mkdtempSync(join(tmpdir(), "enrollsim-scep-openssl-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `openssl cms -cmsout -print` of a fixture. */
  const cmsPrint = (file: string) => opensslOk(["cms", "-cmsout", "-print", "-inform", "DER", "-in", F(file)]).text;

  /** The `set:` block printed under a signed attribute's OID (the lines indented below "set:"). */
  function printedAttribute(print: string, oid: string): string {
    const lines = print.split("\n");
    const at = lines.findIndex((l) => l.includes(`(${oid})`));
    expect(at, `attribute ${oid} printed`).toBeGreaterThan(0);
    const setLine = lines[at + 1]!;
    expect(setLine.trim()).toBe("set:");
    const indent = setLine.search(/\S/);
    const body: string[] = [];
    for (const l of lines.slice(at + 2)) {
      if (l.trim() === "" || l.search(/\S/) <= indent) break;
      body.push(l.trim());
    }
    return body.join("\n");
  }

  /** cms -verify -noverify, then cms -decrypt with the CA: returns the message data openssl recovers. */
  function opensslOpensRequest(file: string): Uint8Array {
    opensslOk(["cms", "-verify", "-noverify", "-inform", "DER", "-in", F(file), "-out", tmp(`${file}.env`)]);
    opensslOk(["cms", "-decrypt", "-inform", "DER", "-in", tmp(`${file}.env`), "-recip", F("ca.pem"), "-inkey", F("ca.key"), "-out", tmp(`${file}.data`)]);
    return read(`${file}.data`);
  }

  const requests = [
    { file: "pkcsreq.der", type: "19", data: () => readFixture("csr.der") },
    { file: "pkcsreq-des3.der", type: "19", data: () => readFixture("csr.der") },
    { file: "renewalreq.der", type: "17", data: () => readFixture("renewal-csr.der") },
    { file: "certpoll.der", type: "20", data: () => buildIssuerAndSubject(readCert("ca.pem").subjectDer, readCert("device-issued.pem").subjectDer) },
    { file: "getcert.der", type: "21", data: () => buildIssuerAndSerial(readCert("ca.pem").subjectDer, readCert("device-issued.pem").serial) },
  ];

  describe.each(requests)("$file (messageType $type)", ({ file, type, data }) => {
    it("openssl verifies the signature and decrypts the envelope with the CA key to exactly the message data we enveloped", () => {
      expect(hex(opensslOpensRequest(file))).toBe(hex(data()));
    });

    it(`openssl prints messageType as PRINTABLESTRING:${type} and non-empty transactionID and senderNonce sets`, () => {
      const print = cmsPrint(file);
      expect(printedAttribute(print, OID.scepMessageType)).toBe(`PRINTABLESTRING:${type}`);
      expect(printedAttribute(print, OID.scepTransactionId)).toBe(`PRINTABLESTRING:${parsePkiMessage(readFixture(file)).transactionID}`);
      expect(printedAttribute(print, OID.scepSenderNonce)).toMatch(/^OCTET STRING:\n0000 - [0-9a-f]{2} /);
      expect(print).not.toContain("<EMPTY>");
    });
  });

  it.each(["pkcsreq.der", "pkcsreq-des3.der", "renewalreq.der"])(
    "%s: openssl verifies the enveloped CSR's self-signature and shows its challengePassword and requested extensions",
    (file) => {
      opensslOpensRequest(file);
      const r = opensslOk(["req", "-inform", "DER", "-in", tmp(`${file}.data`), "-verify", "-noout", "-text"]);
      expect(r.stderr).toContain("verify OK");
      if (file !== "renewalreq.der") expect(r.text).toMatch(/challengePassword\s*:enrollsim-challenge-0001/);
      else expect(r.text).not.toContain("challengePassword");
      expect(r.text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature, Key Encipherment/);
      expect(r.text).toContain("TLS Web Client Authentication");
      expect(r.text).toContain("DNS:device-0001.enrollsim.test");
      expect(r.text).toContain("UPN::device-0001@enrollsim.test");
    },
  );

  it("pkcsreq-des3.der really uses des-ede3-cbc and pkcsreq.der aes-128-cbc (as openssl prints them)", () => {
    for (const [file, name] of [["pkcsreq.der", "aes-128-cbc"], ["pkcsreq-des3.der", "des-ede3-cbc"]] as const) {
      opensslOpensRequest(file);
      const env = opensslOk(["cms", "-cmsout", "-print", "-inform", "DER", "-in", tmp(`${file}.env`)]).text;
      expect(env).toContain(`algorithm: ${name}`);
      expect(describeEnvelope(read(`${file}.env`)).cipher).toBe(name);
    }
  });

  it("certrep-success.der: verifies against ca.pem; the envelope opens with the device signer to a certs-only set whose certificate openssl verifies under the CA", () => {
    opensslOk(["cms", "-verify", "-CAfile", F("ca.pem"), "-inform", "DER", "-in", F("certrep-success.der"), "-out", tmp("rep.env")]);
    opensslOk(["cms", "-decrypt", "-inform", "DER", "-in", tmp("rep.env"), "-recip", F("device-signer.pem"), "-inkey", F("device.key"), "-out", tmp("rep.p7b")]);
    const pem = opensslOk(["pkcs7", "-inform", "DER", "-in", tmp("rep.p7b"), "-print_certs"]).text;
    const [issued, ca] = fromPem(pem);
    expect(hex(issued!)).toBe(hex(readCert("device-issued.pem").der));
    expect(hex(ca!)).toBe(hex(readCert("ca.pem").der));
    writeFileSync(tmp("issued.pem"), pem.slice(0, pem.indexOf("-----END CERTIFICATE-----") + 26));
    expect(opensslOk(["verify", "-CAfile", F("ca.pem"), tmp("issued.pem")]).text).toContain(": OK");
  });

  it("certrep-success.bad-signature.der: openssl refuses it too", () => {
    const r = openssl(["cms", "-verify", "-CAfile", F("ca.pem"), "-inform", "DER", "-in", F("certrep-success.bad-signature.der"), "-out", tmp("bad.env")]);
    expect(r.status).not.toBe(0);
  });

  it.each([
    ["certrep-pending.der", "3", "none"],
    ["certrep-failure-badrequest.der", "2", "2"],
  ])("%s: verifies against ca.pem over the empty content, pkiStatus %s, failInfo %s", (file, status, failInfo) => {
    writeFileSync(tmp("empty"), "");
    opensslOk(["cms", "-verify", "-CAfile", F("ca.pem"), "-inform", "DER", "-in", F(file), "-content", tmp("empty"), "-binary", "-out", tmp("out")]);
    const print = cmsPrint(file);
    expect(printedAttribute(print, OID.scepMessageType)).toBe("PRINTABLESTRING:3");
    expect(printedAttribute(print, OID.scepPkiStatus)).toBe(`PRINTABLESTRING:${status}`);
    if (failInfo !== "none") expect(printedAttribute(print, OID.scepFailInfo)).toBe(`PRINTABLESTRING:${failInfo}`);
    else expect(print).not.toContain(`(${OID.scepFailInfo})`);
  });

  it("getcacert-ra.p7b.der: openssl reads the CA and RA certificates, and the RA verifies under the CA", () => {
    const pem = opensslOk(["pkcs7", "-inform", "DER", "-in", F("getcacert-ra.p7b.der"), "-print_certs"]).text;
    expect(fromPem(pem).map((d) => hex(d))).toEqual([hex(readCert("ca.pem").der), hex(readCert("ra.pem").der)]);
    expect(opensslOk(["verify", "-CAfile", F("ca.pem"), F("ra.pem")]).text).toContain(": OK");
  });

  describe("the reverse direction: messages openssl builds, our codecs read", () => {
    /** A CertRep-like message made by openssl: certs-only → cms -encrypt to the device signer → cms -sign by the CA. */
    function opensslCertRep(cipherFlag: "-aes128" | "-des3", extraSignArgs: string[] = []): { rep: Uint8Array; env: Uint8Array; p7b: Uint8Array } {
      const tag = `${cipherFlag.slice(1)}${extraSignArgs.join("")}`;
      writeFileSync(tmp("chain.pem"), readFileSync(F("device-issued.pem"), "utf8") + readFileSync(F("ca.pem"), "utf8"));
      opensslOk(["crl2pkcs7", "-nocrl", "-certfile", tmp("chain.pem"), "-outform", "DER", "-out", tmp(`${tag}.p7b`)]);
      opensslOk(["cms", "-encrypt", "-binary", cipherFlag, "-in", tmp(`${tag}.p7b`), "-recip", F("device-signer.pem"), "-outform", "DER", "-out", tmp(`${tag}.env`)]);
      opensslOk(["cms", "-sign", "-binary", "-nodetach", "-md", "sha256", "-in", tmp(`${tag}.env`), "-signer", F("ca.pem"), "-inkey", F("ca.key"), "-outform", "DER", "-out", tmp(`${tag}.rep`), ...extraSignArgs]);
      return { rep: read(`${tag}.rep`), env: read(`${tag}.env`), p7b: read(`${tag}.p7b`) };
    }

    it.each(["-aes128", "-des3"] as const)("openssl cms -sign/-encrypt %s: parseSignedData, verifySigner and openEnvelopedData accept it and agree with openssl on the content", (flag) => {
      const { rep, env, p7b } = opensslCertRep(flag);
      const sd = parseSignedData(rep);
      const verified = opensslOk(["cms", "-verify", "-CAfile", F("ca.pem"), "-inform", "DER", "-in", tmp(`${flag.slice(1)}.rep`)]).stdout;
      expect(hex(sd.content!)).toBe(hex(verified));
      expect(hex(sd.content!)).toBe(hex(env));
      const signer = sd.signers[0]!;
      const signerCert = findSignerCert(signer, [readCert("ca.pem")]);
      expect(signerCert?.serialHex).toBe("01");
      expect(verifySigner(sd, signer, signerCert!.spki, crypto)).toEqual({ ok: true });
      const opened = openEnvelopedData(sd.content!, readCert("device-signer.pem"), readKey("device.key"), crypto);
      expect(opened.cipher).toBe(flag === "-aes128" ? "aes-128-cbc" : "des-ede3-cbc");
      expect(hex(opened.content)).toBe(hex(p7b));
      expect(parseSignedData(opened.content).certificates.map((c) => c.serialHex)).toEqual(["1001", "01"]);
    });

    it("verifySigner rejects the openssl-made message when one content byte changes", () => {
      const { rep } = opensslCertRep("-aes128");
      const sd = parseSignedData(rep);
      const tampered = { ...sd, content: Uint8Array.from(sd.content!, (b, i) => (i === 40 ? b ^ 1 : b)) };
      expect(verifySigner(tampered, sd.signers[0]!, readCert("ca.pem").spki, crypto)).toEqual({ ok: false, reason: "digest-mismatch" });
    });

    it("an openssl message without SCEP attributes is a typed violation for parsePkiMessage, not a crash", () => {
      const { rep } = opensslCertRep("-aes128");
      expect(() => parsePkiMessage(rep)).toThrow(expect.objectContaining({ code: "scep.no-message-type" }));
    });

    it("a SignerInfo identified by subjectKeyIdentifier (cms -sign -keyid) is refused with a typed error", () => {
      const { rep } = opensslCertRep("-aes128", ["-keyid"]);
      expect(() => parseSignedData(rep)).toThrow(ProtocolViolationError);
    });

    it("a CSR made by openssl req -new with a challengePassword parses with parseCsr and verifyCsr is true; one flipped signature bit makes it false", () => {
      writeFileSync(
        tmp("req.cnf"),
        [
          "[req]",
          "prompt = no",
          "distinguished_name = dn",
          "attributes = attrs",
          "[dn]",
          "CN = openssl-device-0002",
          "O = enrollsim",
          "[attrs]",
          "challengePassword = openssl-challenge",
          "",
        ].join("\n"),
      );
      opensslOk(["req", "-new", "-config", tmp("req.cnf"), "-key", F("other.key"), "-addext", "subjectAltName=DNS:openssl.enrollsim.test", "-outform", "DER", "-out", tmp("req.der")]);
      const der = read("req.der");
      const csr = parseCsr(der);
      expect(csr.subject).toBe("CN=openssl-device-0002, O=enrollsim");
      expect(csr.challengePassword).toBe("openssl-challenge");
      expect(csr.extensions.map((e) => e.oid)).toContain(OID.subjectAltName);
      expect(sameBytes(csr.spki, readKey("other.key").spki)).toBe(true);
      expect(verifyCsr(csr, crypto)).toBe(true);
      const flipped = Uint8Array.from(der);
      flipped[flipped.length - 1]! ^= 0x01;
      expect(verifyCsr(parseCsr(flipped), crypto)).toBe(false);
    });
  });
});
