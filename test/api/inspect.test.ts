// SPDX-License-Identifier: MIT
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InspectError,
  formatInspection,
  inspectBytes,
  inspectFile,
  type CertificateInspection,
  type CsrInspection,
  type EnvelopedDataInspection,
  type InspectedObject,
  type Inspection,
  type SignedDataInspection,
} from "../../src/api/inspect.js";
import { SimError } from "../../src/errors/index.js";
import { buildCertificate, toPem } from "../../src/wire/x509/certificate.js";
import { CSR_CHALLENGE, SCEP_CHALLENGE, buildScepInputs, generateOpensslInputs, openssl, type ScepInputs } from "./fixtures/inspect/generate.js";

let dir: string;
let scep: ScepInputs;
const file = (name: string) => join(dir, name);
const bytes = (name: string) => new Uint8Array(readFileSync(file(name)));

beforeAll(async () => {
  dir = generateOpensslInputs();
  scep = await buildScepInputs();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const only = <T extends InspectedObject>(i: Inspection): T => {
  expect(i.items).toHaveLength(1);
  return i.items[0] as T;
};
/** Decoded objects without the PEM label, which is the only thing the encoding may change. */
const decoded = (i: Inspection) => i.items.map(({ pemLabel: _, ...rest }) => rest);
const opensslHex = (out: string) => out.trim().replace(/^.*=/, "").replace(/:/g, "").toLowerCase();

/** The thrown error, asserted to be a typed InspectError. */
function inspectError(run: () => unknown): InspectError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InspectError);
    expect(err).toBeInstanceOf(SimError);
    return err as InspectError;
  }
  throw new Error("expected an InspectError");
}

describe("certificate", () => {
  it("decodes subject, serial, key, extensions and fingerprints as openssl sees them", async () => {
    const c = only<CertificateInspection>(await inspectFile(file("ca.pem")));
    expect(c.kind).toBe("certificate");
    expect(c.subject).toBe("CN=Acme Test CA, O=Acme Corp");
    expect(c.issuer).toBe(c.subject);
    expect(c.serial).toBe(opensslHex(openssl(dir, "x509", "-in", "ca.pem", "-noout", "-serial")));
    expect(c.validity.status).toBe("valid");
    expect(c.publicKey).toMatchObject({ algorithm: "rsa", bits: 2048, description: "RSA 2048" });
    expect(c.signatureAlgorithm).toBe("sha256WithRSA");
    expect(c.isCA).toBe(true);
    expect(c.selfSigned).toBe(true);
    expect(c.selfSignatureValid).toBe(true);
    expect(c.fingerprints.sha256.replace(/:/g, "").toLowerCase()).toBe(opensslHex(openssl(dir, "x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha256")));
    expect(c.fingerprints.sha1.replace(/:/g, "").toLowerCase()).toBe(opensslHex(openssl(dir, "x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha1")));
    const ext = Object.fromEntries(c.extensions.map((e) => [e.name, e]));
    expect(ext.basicConstraints).toMatchObject({ critical: true, decoded: { ca: true, pathLen: 1 } });
    expect(ext.keyUsage!.decoded).toEqual(["digitalSignature", "keyCertSign", "cRLSign"]);
    expect(ext.extKeyUsage!.decoded).toEqual(["serverAuth", "clientAuth", "OCSPSigning"]);
    expect(ext.subjectAltName!.decoded).toEqual(["DNS:ca.example.com", "IP:192.168.0.1", "UPN:admin@example.com"]);
    expect(ext.subjectKeyIdentifier!.decoded).toBe(c.publicKey.keyIdentifier);
    expect(ext["1.2.3.4.6"]).toMatchObject({ oid: "1.2.3.4.6", critical: true, valueHex: "0500" });
  });

  it("prints the key lines a support engineer looks for", async () => {
    const text = formatInspection(await inspectFile(file("ca.pem")));
    expect(text).toMatch(/^\[1\] X\.509 certificate — PEM CERTIFICATE, \d+ bytes$/m);
    expect(text).toMatch(/^ {4}Subject: +CN=Acme Test CA, O=Acme Corp$/m);
    expect(text).toMatch(/^ {4}Public key: +RSA 2048 \(key id [0-9a-f]{40}\)$/m);
    expect(text).toMatch(/^ {4}Self-signed: +yes \(signature valid\)$/m);
    expect(text).toMatch(/^ {4}SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    expect(text).toMatch(/^ {6}1\. basicConstraints \[critical\]: CA:TRUE, pathlen:1$/m);
    expect(text).toMatch(/^ {6}\d\. 1\.2\.3\.4\.6 \[critical\]: 2 bytes: 0500$/m);
    expect(text).toContain("subjectAltName: DNS:ca.example.com, IP:192.168.0.1, UPN:admin@example.com");
    expect(formatInspection(await inspectFile(file("ca.pem")))).toBe(text);
  });

  it("reports a broken self-signature, an EC key and expiry against the given time", () => {
    const der = bytes("ca.der");
    der[der.length - 5] ^= 0xff; // inside the signature
    const c = only<CertificateInspection>(inspectBytes(der, "tampered.der", { now: new Date(Date.now() + 400 * 86400_000) }));
    expect(c.selfSignatureValid).toBe(false);
    expect(c.validity.status).toBe("expired");
    expect(formatInspection(inspectBytes(der, "tampered.der"))).toMatch(/Self-signed: +yes \(signature INVALID\)/);
    const ec = only<CertificateInspection>(inspectBytes(bytes("ec-self.pem"), "ec-self.pem"));
    expect(ec.publicKey).toMatchObject({ algorithm: "ec", curve: "P-256", bits: 256, description: "EC P-256" });
    expect(ec.selfSignatureValid).toBe(true);
  });

  it("inspects every block of a chain file, links leaf to issuer and never prints the private key", async () => {
    const i = await inspectFile(file("chain.pem"));
    expect(i.items.map((o) => o.kind)).toEqual(["certificate", "certificate"]);
    expect(i.skipped).toEqual(["EC PRIVATE KEY"]);
    const [leaf, ca] = i.items as CertificateInspection[];
    expect(leaf!.serial).toBe("1234");
    expect(leaf!.selfSigned).toBe(false);
    expect(leaf!.issuerCertificate).toEqual({ index: 2, signatureValid: true });
    expect(ca!.issuerCertificate).toBeUndefined();
    const aki = leaf!.extensions.find((e) => e.name === "authorityKeyIdentifier");
    expect(aki?.decoded).toBe(ca!.publicKey.keyIdentifier);
    const text = formatInspection(i);
    expect(text).toContain("skipped PEM blocks: EC PRIVATE KEY");
    expect(text).toMatch(/Issued by: +certificate 2 \(signature valid\)/);
    const keyBody = readFileSync(file("ec.key"), "utf8").split("\n")[1]!;
    expect(text).not.toContain(keyBody);
    expect(JSON.stringify(i)).not.toContain(keyBody);
  });

  it("escapes control characters from hostile names in text output", async () => {
    const { crypto, caKey } = scep;
    const der = buildCertificate(
      { serial: Uint8Array.of(9), issuer: "CN=evil\u001b[2J\u0007", subject: "CN=evil\u001b[2J\u0007", spki: caKey.spki, notBefore: new Date(), notAfter: new Date(Date.now() + 3600_000) },
      caKey,
      "sha256",
      crypto,
    );
    const text = formatInspection(inspectBytes(der, "evil.der"));
    expect(text).not.toMatch(/[\u001b\u0007]/);
    expect(text).toContain("CN=evil\\x1b[2J\\x07");
  });
});

describe("CSR", () => {
  it("decodes subject, key, requested extensions and attributes, and checks proof of possession", () => {
    const c = only<CsrInspection>(inspectBytes(bytes("csr.pem"), "csr.pem"));
    expect(c.kind).toBe("csr");
    expect(c.subject).toBe("CN=device-01.example.com, O=Acme Corp");
    expect(c.publicKey.description).toBe("EC P-256");
    expect(c.signatureAlgorithm).toBe("ecdsaWithSha256");
    expect(c.signatureValid).toBe(true);
    expect(c.challengePassword).toEqual({ length: CSR_CHALLENGE.length, redacted: true });
    const ext = Object.fromEntries(c.requestedExtensions.map((e) => [e.name, e]));
    expect(ext.subjectAltName!.decoded).toEqual(["DNS:device-01.example.com", "email:dev@example.com", "IP:10.1.2.3", "URI:urn:uuid:1234"]);
    expect(ext.keyUsage).toMatchObject({ critical: true, decoded: ["digitalSignature", "keyEncipherment"] });
    expect(ext.extKeyUsage!.decoded).toEqual(["clientAuth"]);
    expect(ext["1.2.3.4.5"]).toMatchObject({ critical: true, valueHex: "0402abcd" });
    expect(c.attributes).toEqual([{ oid: "1.2.840.113549.1.9.2", name: "unstructuredName", values: ['"acme-unstructured"'] }]);
  });

  it("redacts the challenge password in text and JSON unless showSecrets", () => {
    const redacted = inspectBytes(bytes("csr.pem"), "csr.pem");
    const text = formatInspection(redacted);
    expect(text).toMatch(new RegExp(`Challenge password: +\\[REDACTED\\] \\(${CSR_CHALLENGE.length} chars\\)`));
    expect(text).not.toContain(CSR_CHALLENGE);
    expect(JSON.stringify(redacted)).not.toContain(CSR_CHALLENGE);
    const shown = inspectBytes(bytes("csr.pem"), "csr.pem", { showSecrets: true });
    expect(only<CsrInspection>(shown).challengePassword).toEqual({ length: CSR_CHALLENGE.length, redacted: false, value: CSR_CHALLENGE });
    expect(formatInspection(shown)).toMatch(new RegExp(`Challenge password: +"${CSR_CHALLENGE}" \\(${CSR_CHALLENGE.length} chars\\)`));
  });

  it("reports a CSR whose signature does not match its key", () => {
    const der = bytes("csr.der");
    der[der.length - 3] ^= 0x01;
    const c = only<CsrInspection>(inspectBytes(der, "bad.csr"));
    expect(c.signatureValid).toBe(false);
    expect(formatInspection(inspectBytes(der, "bad.csr"))).toMatch(/Self-signature: +INVALID/);
  });
});

describe("input encodings", () => {
  it("PEM, DER, bare base64, base64url and a SCEP GET message= value give the same result", () => {
    const pem = inspectBytes(bytes("ca.pem"), "x");
    const der = inspectBytes(bytes("ca.der"), "x");
    const b64 = Buffer.from(bytes("ca.der")).toString("base64");
    const bare = inspectBytes(Buffer.from(`${b64.replace(/(.{76})/g, "$1\n")}\n`), "x");
    const url = inspectBytes(Buffer.from(`https://mdm.example/scep?operation=PKIOperation&message=${encodeURIComponent(b64)}`), "x");
    const b64url = inspectBytes(Buffer.from(b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")), "x");
    expect([pem.format, der.format, bare.format, url.format, b64url.format]).toEqual(["pem", "der", "base64", "base64", "base64"]);
    for (const other of [der, bare, url, b64url]) expect(decoded(other)).toEqual(decoded(pem));
    expect(pem.items[0]!.pemLabel).toBe("CERTIFICATE");
    expect(der.items[0]!.pemLabel).toBeUndefined();
    const csrDer = inspectBytes(bytes("csr.der"), "x");
    expect(decoded(csrDer)).toEqual(decoded(inspectBytes(bytes("csr.pem"), "x")));
    const pkcs7Pem = Buffer.from(toPem(bytes("p7.der"), "PKCS7"));
    expect(decoded(inspectBytes(pkcs7Pem, "x"))).toEqual(decoded(inspectBytes(bytes("p7.der"), "x")));
  });

  it("produces JSON-serialisable results with no undefined keys", async () => {
    for (const name of ["ca.pem", "csr.pem", "p7.der", "signed.der", "env.der", "chain.pem"]) {
      const i = await inspectFile(file(name), { key: file("ca.key") });
      expect(JSON.parse(JSON.stringify(i))).toStrictEqual(i);
    }
  });
});

describe("CMS", () => {
  it("labels a degenerate certs-only PKCS#7 and links the chain inside it", () => {
    const s = only<SignedDataInspection>(inspectBytes(bytes("p7.der"), "p7.der"));
    expect(s.kind).toBe("signed-data");
    expect(s.certsOnly).toBe(true);
    expect(s.title).toMatch(/certs-only/);
    expect(s.signers).toEqual([]);
    expect(s.content).toEqual({ present: false, detached: false });
    expect(s.certificates.map((c) => c.subject)).toHaveLength(2);
    const leaf = s.certificates.find((c) => c.serial === "1234")!;
    expect(leaf.issuerCertificate?.signatureValid).toBe(true);
    const text = formatInspection(inspectBytes(bytes("p7.der"), "p7.der"));
    expect(text).toMatch(/^\[1\] Degenerate certs-only SignedData/m);
    expect(text).toContain("Certificates (2):");
    expect(text).toMatch(/Signers: +none/);
  });

  it("verifies an openssl cms -sign signer and decodes its signed attributes", () => {
    const s = only<SignedDataInspection>(inspectBytes(bytes("signed.der"), "signed.der"));
    expect(s.title).toBe("CMS SignedData");
    expect(s.contentType).toBe("data");
    expect(s.digestAlgorithms).toEqual(["sha256"]);
    expect(s.content).toEqual({ present: true, length: 14 });
    const [signer] = s.signers;
    expect(signer).toMatchObject({ certificateIndex: 1, signatureValid: true, messageDigestMatches: true, digestAlgorithm: "sha256", signatureAlgorithm: "rsaEncryption" });
    expect(signer!.serial).toBe(s.certificates[0]!.serial);
    const attrs = Object.fromEntries(signer!.signedAttributes.map((a) => [a.name, a.values]));
    expect(attrs.contentType).toEqual(["data"]);
    expect(attrs.messageDigest![0]).toMatch(/^[0-9a-f]{64}$/);
    expect(attrs.signingTime![0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(s.encapsulated).toMatchObject({ kind: "data", text: "hello inspect\n" });
    const text = formatInspection(inspectBytes(bytes("signed.der"), "signed.der"));
    expect(text).toMatch(/Signature: +valid/);
    expect(text).toMatch(/Message digest: +matches content/);
  });

  it("tells a content change (digest mismatch) from a bad signature, and handles detached and cert-less messages", () => {
    const der = bytes("signed.der");
    const at = Buffer.from(der).indexOf("hello inspect");
    der[at] = "j".charCodeAt(0);
    const [changed] = only<SignedDataInspection>(inspectBytes(der, "changed.der")).signers;
    expect(changed).toMatchObject({ signatureValid: true, messageDigestMatches: false });
    expect(changed!.notes).toContain("messageDigest does not match the content");

    const [detached] = only<SignedDataInspection>(inspectBytes(bytes("detached.der"), "detached.der")).signers;
    expect(detached).toMatchObject({ signatureValid: true, messageDigestMatches: null });
    expect(only<SignedDataInspection>(inspectBytes(bytes("detached.der"), "x")).content).toEqual({ present: false, detached: true });
    expect(formatInspection(inspectBytes(bytes("detached.der"), "x"))).toMatch(/Content: +data \(no content: detached signature\)/);

    const noCerts = only<SignedDataInspection>(inspectBytes(bytes("nocerts.der"), "nocerts.der"));
    expect(noCerts.certificates).toEqual([]);
    expect(noCerts.signers[0]).toMatchObject({ signatureValid: null, messageDigestMatches: true });
    expect(formatInspection(inspectBytes(bytes("nocerts.der"), "x"))).toMatch(/Signature: +not checked/);
  });

  it("lists EnvelopedData recipients and algorithms, and decrypts with the recipient key", async () => {
    const e = only<EnvelopedDataInspection>(await inspectFile(file("env.der")));
    const ca = only<CertificateInspection>(await inspectFile(file("ca.pem")));
    expect(e.recipients).toEqual([{ type: "keyTransport", issuer: ca.issuer, serial: ca.serial, keyEncryptionAlgorithm: "rsaEncryption" }]);
    expect(e.contentCipher).toBe("aes-256-cbc");
    expect(e.decrypted).toBeUndefined();
    expect(formatInspection(await inspectFile(file("env.der")))).toMatch(/Decrypted: +no \(give the recipient's private key/);

    const opened = only<EnvelopedDataInspection>(await inspectFile(file("env.der"), { key: file("ca.key") }));
    expect(opened.decrypted).toEqual({ ok: true, recipient: 1, content: expect.objectContaining({ kind: "data", text: "hello inspect\n" }) });
    const wrong = only<EnvelopedDataInspection>(await inspectFile(file("env.der"), { key: file("other.key") }));
    expect(wrong.decrypted).toMatchObject({ ok: false, error: expect.stringMatching(/opens no recipient/) });
  });

  it("still outlines an envelope enrollsim cannot open (subjectKeyIdentifier recipient)", async () => {
    const e = only<EnvelopedDataInspection>(await inspectFile(file("env-keyid.der")));
    const ca = only<CertificateInspection>(await inspectFile(file("ca.pem")));
    expect(e.recipients).toEqual([{ type: "keyTransport", subjectKeyIdentifier: ca.publicKey.keyIdentifier, keyEncryptionAlgorithm: "rsaEncryption" }]);
    expect(e.contentCipher).toBe("aes128cbc");
    expect(e.warnings[0]).toMatch(/cannot open this envelope/);
  });
});

describe("SCEP messages", () => {
  it("labels a PKCSReq and decodes its SCEP attributes, signer and envelope", () => {
    const s = only<SignedDataInspection>(inspectBytes(scep.pkcsReq, "pkcsreq.der"));
    expect(s.title).toBe("SCEP PKCSReq");
    expect(s.scep).toEqual({ messageType: 19, messageTypeName: "PKCSReq", transactionID: scep.transactionID, senderNonce: Buffer.from(scep.senderNonce).toString("hex") });
    const attrs = Object.fromEntries(s.signers[0]!.signedAttributes.map((a) => [a.name, a.values[0]]));
    expect(attrs).toMatchObject({ scepMessageType: "19 (PKCSReq)", scepTransactionId: scep.transactionID, scepSenderNonce: Buffer.from(scep.senderNonce).toString("hex"), contentType: "data" });
    expect(s.signers[0]).toMatchObject({ issuer: "CN=device-7", serial: "4242", certificateIndex: 1, signatureValid: true, messageDigestMatches: true });
    expect(s.certificates[0]).toMatchObject({ subject: "CN=device-7", selfSigned: true, selfSignatureValid: true });
    const env = s.encapsulated as EnvelopedDataInspection;
    expect(env.kind).toBe("enveloped-data");
    expect(env.recipients).toEqual([{ type: "keyTransport", issuer: "CN=Inspect Test CA, O=enrollsim", serial: "01", keyEncryptionAlgorithm: "rsaEncryption" }]);
    expect(env.contentCipher).toBe("aes-128-cbc");
    const text = formatInspection(inspectBytes(scep.pkcsReq, "pkcsreq.der"));
    expect(text).toMatch(/^\[1\] SCEP PKCSReq — \d+ bytes$/m);
    expect(text).toMatch(/Message type: +19 \(PKCSReq\)/);
    expect(text).toMatch(/scepMessageType: +19 \(PKCSReq\)/);
    expect(text).toMatch(/Transaction ID: +5A9F0C3E7B1D2468ACE0/);
    expect(text).toContain("keyTransport: issuer CN=Inspect Test CA, O=enrollsim, serial 01, key transport rsaEncryption");
  });

  it("opens the PKCSReq envelope with the CA key and inspects the CSR inside, challenge redacted", () => {
    const keyPath = file("scep-ca.key");
    writeFileSync(keyPath, scep.crypto.privateKeyPem(scep.caKey));
    const i = inspectBytes(scep.pkcsReq, "pkcsreq.der", { key: keyPath });
    const env = (only<SignedDataInspection>(i).encapsulated as EnvelopedDataInspection).decrypted;
    expect(env).toMatchObject({ ok: true, recipient: 1 });
    const csr = (env as { content: CsrInspection }).content;
    expect(csr).toMatchObject({ kind: "csr", subject: "CN=device-7, O=enrollsim", signatureValid: true, challengePassword: { length: SCEP_CHALLENGE.length, redacted: true } });
    expect(csr.requestedExtensions.find((e) => e.name === "subjectAltName")?.decoded).toEqual(["DNS:device-7.example", "UPN:d7@example.com"]);
    const text = formatInspection(i);
    expect(text).toMatch(/Decrypted content \(recipient 1\):/);
    expect(text).toMatch(/Challenge password: +\[REDACTED\] \(\d+ chars\)/);
    expect(text + JSON.stringify(i)).not.toContain(SCEP_CHALLENGE);
    const shown = inspectBytes(scep.pkcsReq, "pkcsreq.der", { privateKey: scep.caKey, showSecrets: true });
    expect(formatInspection(shown)).toContain(SCEP_CHALLENGE);
  });

  it("decodes CertRep SUCCESS (with the certs-only reply inside) and FAILURE with failInfo", () => {
    const ok = only<SignedDataInspection>(inspectBytes(scep.certRepSuccess, "certrep.der", { privateKey: scep.deviceKey }));
    expect(ok.title).toBe("SCEP CertRep (SUCCESS)");
    expect(ok.scep).toMatchObject({ messageType: 3, pkiStatus: "0 (SUCCESS)", recipientNonce: Buffer.from(scep.senderNonce).toString("hex") });
    expect(ok.signers[0]!.signatureValid).toBe(true);
    const env = ok.encapsulated as EnvelopedDataInspection;
    expect(env.recipients[0]).toMatchObject({ issuer: "CN=device-7", serial: "4242" });
    const inner = (env.decrypted as { ok: true; content: SignedDataInspection }).content;
    expect(inner).toMatchObject({ kind: "signed-data", certsOnly: true });
    expect(inner.certificates.map((c) => c.serial)).toEqual(["07", "01"]);
    expect(inner.certificates[0]!.issuerCertificate).toEqual({ index: 2, signatureValid: true });

    const fail = inspectBytes(scep.certRepFailure, "fail.der");
    const f = only<SignedDataInspection>(fail);
    expect(f.title).toBe("SCEP CertRep (FAILURE, badRequest)");
    expect(f.scep).toMatchObject({ pkiStatus: "2 (FAILURE)", failInfo: "2 (badRequest)", failInfoText: "challenge password rejected" });
    expect(f.content).toEqual({ present: false, detached: false });
    expect(f.signers[0]).toMatchObject({ signatureValid: true, messageDigestMatches: true, notes: [] });
    const attrs = Object.fromEntries(f.signers[0]!.signedAttributes.map((a) => [a.name, a.values[0]]));
    expect(attrs).toMatchObject({ scepPkiStatus: "2 (FAILURE)", scepFailInfo: "2 (badRequest)", scepFailInfoText: "challenge password rejected" });
    const text = formatInspection(fail);
    expect(text).toMatch(/PKI status: +2 \(FAILURE\)/);
    expect(text).toMatch(/Fail info: +2 \(badRequest\): transaction not permitted/);
    expect(text).toMatch(/Fail info text: +challenge password rejected/);
  });

  it("names CertPoll message data and labels a GetCACert chain as a certificate bag", () => {
    const poll = only<SignedDataInspection>(inspectBytes(scep.certPoll, "poll.der", { privateKey: scep.caKey }));
    expect(poll.title).toBe("SCEP CertPoll");
    const env = poll.encapsulated as EnvelopedDataInspection;
    expect(env.contentCipher).toBe("des-ede3-cbc");
    expect(env.decrypted).toMatchObject({ ok: true, content: { kind: "issuer-and-subject", issuer: "CN=Inspect Test CA, O=enrollsim", subject: "CN=device-7" } });
    const ca = only<SignedDataInspection>(inspectBytes(scep.getCaCert, "getcacert.p7b"));
    expect(ca.certsOnly).toBe(true);
    expect(ca.certificates[1]!.issuerCertificate).toEqual({ index: 1, signatureValid: true });
  });

  it("accepts a PKCSReq pasted from a SCEP GET URL", () => {
    const url = `http://scep.example/cgi-bin/pkiclient.exe?operation=PKIOperation&message=${encodeURIComponent(Buffer.from(scep.pkcsReq).toString("base64"))}`;
    expect(decoded(inspectBytes(Buffer.from(url), "url"))).toEqual(decoded(inspectBytes(scep.pkcsReq, "url")));
  });
});

describe("errors", () => {
  it("rejects garbage, truncated DER and empty input with a clear typed error", () => {
    const garbage = inspectError(() => inspectBytes(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), "garbage.bin"));
    expect(garbage.code).toBe("inspect.unrecognized");
    expect(garbage.message).toMatch(/^garbage\.bin: not a certificate, CSR or CMS message/);
    expect(garbage.describe()).toContain("(fault: scenario)");

    const text = inspectError(() => inspectBytes(Buffer.from("this is not a certificate!\n"), "notes.txt"));
    expect(text.message).toMatch(/not a certificate, CSR or CMS message: not PEM, base64 or DER/);

    const truncated = inspectError(() => inspectBytes(bytes("ca.der").subarray(0, 300), "short.der"));
    expect(truncated.code).toBe("inspect.unrecognized");
    expect(truncated.message).toMatch(/short\.der: not a certificate, CSR or CMS message: the data is not valid DER/);

    expect(inspectError(() => inspectBytes(new Uint8Array(0), "empty.pem")).code).toBe("inspect.empty");
    expect(inspectError(() => inspectBytes(Buffer.from(" \n\n"), "blank.pem")).message).toBe("blank.pem is empty");
  });

  it("names every decoder it tried for valid DER of no known kind", () => {
    const err = inspectError(() => inspectBytes(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]), "seq.der"));
    expect(err.tried.map((t) => t.as)).toEqual(["certificate", "CSR", "CMS ContentInfo"]);
    expect(err.message).toMatch(/tried certificate: .*; CSR: .*; CMS ContentInfo: /);
    const digested = Buffer.from("300f06092a864886f70d010705a0023000", "hex"); // ContentInfo(digestedData)
    expect(inspectError(() => inspectBytes(digested, "d.der")).message).toMatch(/digestedData is not supported/);
  });

  it("reports PEM files without inspectable blocks, a truncated PEM block and missing files or keys", async () => {
    const keyOnly = inspectError(() => inspectBytes(bytes("ec.key"), "ec.key"));
    expect(keyOnly.message).toMatch(/holds only PEM blocks of types EC PRIVATE KEY; expected CERTIFICATE/);
    const pem = readFileSync(file("ca.pem"), "utf8");
    const cut = inspectError(() => inspectBytes(Buffer.from(pem.slice(0, 400)), "cut.pem"));
    expect(cut.message).toMatch(/no complete block/);
    await expect(inspectFile(file("missing.pem"))).rejects.toMatchObject({ code: "inspect.file", message: expect.stringMatching(/no such file/) });
    await expect(inspectFile(file("env.der"), { key: file("missing.key") })).rejects.toMatchObject({ code: "inspect.key" });
    await expect(inspectFile(file("env.der"), { key: file("ca.pem") })).rejects.toMatchObject({ code: "inspect.key", message: expect.stringMatching(/holds no PEM private key/) });
  });

  it("never crashes on corrupted messages: each either inspects or throws an InspectError", () => {
    const inputs = [scep.pkcsReq, scep.certRepSuccess, bytes("csr.der"), bytes("ca.der"), bytes("env.der")];
    let inspected = 0;
    let refused = 0;
    for (const original of inputs) {
      for (let k = 0; k < 160; k++) {
        const der = Uint8Array.from(original);
        const at = (k * 7919) % der.length;
        der[at] ^= 1 << k % 8;
        const input = k % 5 === 0 ? der.subarray(0, at) : der;
        try {
          const i = inspectBytes(input, "fuzz.der", { privateKey: scep.caKey });
          formatInspection(i);
          JSON.stringify(i);
          inspected++;
        } catch (err) {
          expect(err, String((err as Error).stack)).toBeInstanceOf(InspectError);
          refused++;
        }
      }
    }
    expect(inspected).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it("keeps the readable blocks of a PEM file when one block is broken", () => {
    const pem = readFileSync(file("ca.pem"), "utf8");
    const broken = "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n";
    const i = inspectBytes(Buffer.from(pem + broken), "mixed.pem");
    expect(i.items.map((o) => o.kind)).toEqual(["certificate", "unreadable"]);
    expect(formatInspection(i)).toMatch(/\[2\] Unreadable PEM block — PEM CERTIFICATE, 5 bytes\n +Error: +mixed\.pem block 2 \(CERTIFICATE\): not a certificate/);
    expect(inspectError(() => inspectBytes(Buffer.from(broken + broken), "bad.pem")).message).toMatch(/none of its 2 PEM blocks could be decoded/);
  });
});
