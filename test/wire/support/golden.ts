// SPDX-License-Identifier: MIT
/**
 * Builds every golden SCEP fixture from the four committed test-only keys, with our own codecs.
 * Deterministic: fixed dates, serials, nonces and a seeded content key / RSA padding per file,
 * so regenerating gives the same bytes and a test can prove the committed files are current.
 */
import type { HashAlg, PrivateKey } from "../../../src/ports/crypto.js";
import { buildCertsOnly } from "../../../src/wire/cms/signed-data.js";
import { buildIssuerAndSerial, buildIssuerAndSubject, buildPkiMessage, type PkiMessageSpec } from "../../../src/wire/scep/message.js";
import { MessageType } from "../../../src/wire/scep/vocabulary.js";
import { buildCertificate, hex, keyIdentifier, parseCertificate, type Certificate } from "../../../src/wire/x509/certificate.js";
import {
  authorityKeyIdentifier,
  basicConstraints,
  extKeyUsage,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
  type Extension,
} from "../../../src/wire/x509/extensions.js";
import { buildCsr } from "../../../src/wire/x509/pkcs10.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { DeterministicCrypto, Drbg } from "./deterministic-crypto.js";
import { certPem, type FixtureKeys } from "./fixture-files.js";

export const VALIDITY = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2049-12-31T23:59:59Z") };
export const HASH: HashAlg = "sha256";

export const DN = {
  ca: "CN=enrollsim Test SCEP CA,OU=test-only,O=enrollsim",
  ra: "CN=enrollsim Test SCEP RA,OU=test-only,O=enrollsim",
  device: "CN=enrollsim-device-0001,OU=test-only,O=enrollsim",
} as const;

export const SERIAL = {
  ca: "01",
  ra: "02",
  deviceIssued: "1001",
  otherIssued: "1002",
  deviceSigner: "5eed0001",
  otherCa: "0bad",
} as const;

export const CHALLENGE = "enrollsim-challenge-0001";
export const FAIL_TEXT = "challenge password rejected (fixture)";
export const SAN = { dns: ["device-0001.enrollsim.test"], email: ["device-0001@enrollsim.test"], upn: ["device-0001@enrollsim.test"] };

/** A typical GetCACaps body (micromdm-derived servers), LF-separated. */
export const CAPS_BODY = "Renewal\nSHA-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation\n";

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));
/** 16-byte nonce named by its use, e.g. nonce("pkcsreq"). */
export const nonce = (use: string): Uint8Array => new Drbg(`nonce/${use}`).bytes(16);

export interface Golden {
  /** File name → content, for every reproducible fixture (all but the keys). */
  files: Map<string, Uint8Array | string>;
  keys: FixtureKeys;
  certs: Record<"ca" | "ra" | "deviceSigner" | "deviceIssued" | "otherIssued" | "otherCa", Certificate>;
  csr: Uint8Array;
  renewalCsr: Uint8Array;
  transactionID: string;
}

export function buildGolden(keys: FixtureKeys): Golden {
  const crypto = new NodeCrypto();
  const kid = (k: PrivateKey) => keyIdentifier(k.spki, crypto);
  const cert = (serial: string, issuer: string | Uint8Array, subject: string | Uint8Array, key: PrivateKey, signer: PrivateKey, extensions: Extension[]) =>
    parseCertificate(
      buildCertificate({ serial: bytes(serial), issuer, subject, ...VALIDITY, spki: key.spki, extensions }, signer, HASH, crypto),
    );

  const ca = cert(SERIAL.ca, DN.ca, DN.ca, keys.ca, keys.ca, [
    basicConstraints(true),
    keyUsage(["digitalSignature", "keyCertSign", "cRLSign"]),
    subjectKeyIdentifier(kid(keys.ca)),
  ]);
  const ra = cert(SERIAL.ra, ca.subjectDer, DN.ra, keys.ra, keys.ca, [
    basicConstraints(false),
    keyUsage(["digitalSignature", "keyEncipherment"]),
    subjectKeyIdentifier(kid(keys.ra)),
    authorityKeyIdentifier(kid(keys.ca)),
  ]);
  const leafExtensions = (k: PrivateKey) => [
    keyUsage(["digitalSignature", "keyEncipherment"]),
    extKeyUsage(["clientAuth"]),
    subjectAltName(SAN),
    subjectKeyIdentifier(kid(k)),
    authorityKeyIdentifier(kid(keys.ca)),
  ];
  const deviceIssued = cert(SERIAL.deviceIssued, ca.subjectDer, DN.device, keys.device, keys.ca, leafExtensions(keys.device));
  const otherIssued = cert(SERIAL.otherIssued, ca.subjectDer, DN.device, keys.other, keys.ca, leafExtensions(keys.other));
  // PKCSReq signer: self-signed over the CSR key, as ScepClient makes it (long-lived here so the fixture lasts).
  const deviceSigner = cert(SERIAL.deviceSigner, DN.device, DN.device, keys.device, keys.device, [keyUsage(["digitalSignature", "keyEncipherment"])]);
  // An impostor: self-signed CA with the real CA's name, over a key nobody trusts.
  const otherCa = cert(SERIAL.otherCa, DN.ca, DN.ca, keys.other, keys.other, [
    basicConstraints(true),
    keyUsage(["digitalSignature", "keyCertSign", "cRLSign"]),
  ]);

  const requestedExtensions = [keyUsage(["digitalSignature", "keyEncipherment"]), extKeyUsage(["clientAuth"]), subjectAltName(SAN)];
  const csr = buildCsr({ subject: DN.device, challengePassword: CHALLENGE, extensions: requestedExtensions }, keys.device, HASH, crypto);
  const renewalCsr = buildCsr({ subject: DN.device, extensions: requestedExtensions }, keys.device, HASH, crypto);
  const transactionID = hex(crypto.digest("sha256", keys.device.spki)).toUpperCase();

  const files = new Map<string, Uint8Array | string>();
  const pki = (name: string, spec: Omit<PkiMessageSpec, "random" | "transactionID" | "senderNonce">) =>
    files.set(
      name,
      buildPkiMessage(
        { transactionID, senderNonce: nonce(name.replace(/\.der$/, "")), random: (n) => cekStream(name).bytes(n), ...spec },
        new DeterministicCrypto(name),
      ),
    );
  const cekStreams = new Map<string, Drbg>();
  const cekStream = (name: string) => cekStreams.get(name) ?? cekStreams.set(name, new Drbg(`${name}/cek`)).get(name)!;

  for (const [name, c] of Object.entries({ ca, ra, "device-signer": deviceSigner, "device-issued": deviceIssued, "other-issued": otherIssued, "other-ca": otherCa })) {
    files.set(`${name}.pem`, certPem(c.der));
  }
  files.set("csr.der", csr);
  files.set("renewal-csr.der", renewalCsr);
  files.set("getcacaps.txt", CAPS_BODY);
  files.set("getcacert-single.der", ca.der);
  files.set("getcacert-ra.p7b.der", buildCertsOnly([ca.der, ra.der], crypto));

  const selfSigned = { cert: deviceSigner, key: keys.device, hash: HASH };
  const issued = { cert: deviceIssued, key: keys.device, hash: HASH };
  const toCa = { recipient: ca };
  pki("pkcsreq.der", { messageType: MessageType.PKCSReq, messageData: csr, ...toCa, cipher: "aes-128-cbc", signer: selfSigned });
  pki("pkcsreq-des3.der", { messageType: MessageType.PKCSReq, messageData: csr, ...toCa, cipher: "des-ede3-cbc", signer: selfSigned });
  pki("renewalreq.der", { messageType: MessageType.RenewalReq, messageData: renewalCsr, ...toCa, cipher: "aes-128-cbc", signer: issued });
  pki("certpoll.der", {
    messageType: MessageType.CertPoll,
    messageData: buildIssuerAndSubject(ca.subjectDer, deviceIssued.subjectDer),
    ...toCa,
    cipher: "aes-128-cbc",
    signer: selfSigned,
  });
  pki("getcert.der", {
    messageType: MessageType.GetCert,
    messageData: buildIssuerAndSerial(ca.subjectDer, deviceIssued.serial),
    ...toCa,
    cipher: "aes-128-cbc",
    signer: issued,
  });

  // CertReps answer pkcsreq.der: same transactionID, recipientNonce = its senderNonce, signed by the CA.
  const caSigner = { cert: ca, key: keys.ca, hash: HASH };
  const reply = { messageType: MessageType.CertRep, recipientNonce: nonce("pkcsreq"), signer: caSigner };
  pki("certrep-success.der", {
    ...reply,
    pkiStatus: "SUCCESS",
    messageData: buildCertsOnly([deviceIssued.der, ca.der], crypto),
    recipient: deviceSigner,
    cipher: "aes-128-cbc",
  });
  pki("certrep-pending.der", { ...reply, pkiStatus: "PENDING" });
  pki("certrep-failure-badrequest.der", { ...reply, pkiStatus: "FAILURE", failInfo: "badRequest", failInfoText: FAIL_TEXT });

  return { files, keys, certs: { ca, ra, deviceSigner, deviceIssued, otherIssued, otherCa }, csr, renewalCsr, transactionID };
}
