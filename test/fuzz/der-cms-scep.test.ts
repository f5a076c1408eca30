// SPDX-License-Identifier: MIT
/**
 * Property-based tests of the DER, X.509, CMS and SCEP readers: DER round trips, and damaged
 * golden messages (test/fixtures/scep) or arbitrary bytes that end in a typed error, never a crash.
 */
import { describe, it } from "vitest";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { openEnvelopedData } from "../../src/wire/cms/enveloped-data.js";
import { parseSignedData } from "../../src/wire/cms/signed-data.js";
import { parseCaps } from "../../src/wire/scep/caps.js";
import { parseIssuerAndSerial, parseIssuerAndSubject, parsePkiMessage } from "../../src/wire/scep/message.js";
import { Class, Type, asn1, bitString, bool, decode, encode, explicit, ia5, int, nul, octets, oid, seq, set, utf8, type Asn1 } from "../../src/wire/asn1/der.js";
import { parseCertificate } from "../../src/wire/x509/certificate.js";
import { parseCrl } from "../../src/wire/x509/crl.js";
import { parseDn } from "../../src/wire/x509/name.js";
import { parseCsr } from "../../src/wire/x509/pkcs10.js";
import { loadKeys, readFixture } from "../wire/support/fixture-files.js";
import { check, expect, fc, fuzzTimeout, mutatedBytes, typedOrOk } from "./support.js";

const crypto = new NodeCrypto();
const keys = loadKeys(crypto);
const caCert = parseCertificate(readFixture("getcacert-single.der"));

/** Every reader of server (or device) DER, applied to the same bytes. */
const readers: [string, (b: Uint8Array) => unknown][] = [
  ["decode", (b) => decode(b, "fuzz")],
  ["parseCertificate", (b) => parseCertificate(b)],
  ["parseCsr", (b) => parseCsr(b)],
  ["parseCrl", (b) => parseCrl(b)],
  ["parseSignedData", (b) => parseSignedData(b)],
  ["parsePkiMessage", (b) => parsePkiMessage(b)],
  ["parseIssuerAndSubject", (b) => parseIssuerAndSubject(b)],
  ["parseIssuerAndSerial", (b) => parseIssuerAndSerial(b)],
];
const readAll = (b: Uint8Array) => {
  for (const [, r] of readers) typedOrOk(() => r(b));
};

const FIXTURES = ["csr.der", "getcacert-single.der", "getcacert-ra.p7b.der", "pkcsreq.der", "certrep-success.der", "certrep-pending.der", "certrep-failure-badrequest.der", "certpoll.der", "getcert.der"];

const leaf: fc.Arbitrary<Asn1> = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((n) => int(n)),
  fc.uint8Array({ maxLength: 24 }).map(octets),
  fc.boolean().map(bool),
  fc.constant(null).map(nul),
  fc.string({ maxLength: 12 }).map(utf8),
  fc.stringMatching(/^[ -~]{0,12}$/).map(ia5),
  fc.uint8Array({ maxLength: 8 }).map((b) => bitString(b)),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 2 ** 28 }), { maxLength: 4 })).map(([a, b, r]) => oid([a, b, ...r].join("."))),
);
const tree: fc.Arbitrary<Asn1> = fc.letrec<{ node: Asn1 }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { maxLength: 4 }).map((c) => seq(...c)),
    fc.array(tie("node"), { maxLength: 3 }).map((c) => set(...c)),
    fc.tuple(fc.integer({ min: 0, max: 5 }), tie("node")).map(([n, c]) => explicit(n, c)),
  ),
})).node;

describe("DER / X.509 / CMS / SCEP properties", () => {
  it("encode → decode → encode is the identity on DER trees", { timeout: fuzzTimeout }, () => {
    check(200, tree, (t) => {
      const der = encode(t);
      expect(encode(decode(der, "round trip"))).toEqual(der);
    });
  });

  it("arbitrary bytes are parsed or refused with a typed error by every DER reader", { timeout: fuzzTimeout }, () => {
    check(300, fc.uint8Array({ maxLength: 300 }), readAll);
    // bytes that start like a SEQUENCE with a plausible length reach deeper code paths
    check(300, fc.uint8Array({ minLength: 2, maxLength: 200 }), (b) => readAll(Uint8Array.from([0x30, 0x82, (b.length >> 8) & 0xff, b.length & 0xff, ...b])));
  });

  it("damaged golden SCEP messages, certificates and CSRs are parsed or refused with a typed error", { timeout: fuzzTimeout }, () => {
    for (const name of FIXTURES) {
      check(40, mutatedBytes(readFixture(name)), (b) => {
        readAll(b);
        if (keys) typedOrOk(() => openEnvelopedData(b, caCert, keys.ca, crypto));
      });
    }
  });

  it("a DN string and the SCEP caps text are parsed or refused with a typed error", { timeout: fuzzTimeout }, () => {
    check(300, fc.string({ maxLength: 80 }), (s) => {
      typedOrOk(() => parseDn(s));
      typedOrOk(() => parseCaps(s));
    });
  });

  it("nesting beyond the DER depth limit is a typed error, not a stack overflow", () => {
    let t: Asn1 = nul();
    for (let i = 0; i < 200; i++) t = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [t]);
    typedOrOk(() => decode(encode(t), "deep"));
    expect(() => decode(encode(t), "deep")).toThrow(/deep|depth|nest/i);
  });
});
