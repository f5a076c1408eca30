// SPDX-License-Identifier: MIT
/**
 * Minimal reproductions of codec bugs found while building the SCEP fixtures. Each test states
 * the correct behaviour and FAILS until src/ is fixed (the fix is proposed in the test name's
 * comment). Keep them after the fix: they then guard against regressions.
 */
import { describe, expect, it } from "vitest";
import { SimError } from "../../src/errors/index.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { parseFingerprint } from "../../src/protocol/scep/ca-chain.js";
import { Class, Type, asn1, decode } from "../../src/wire/asn1/der.js";
import { buildSignedData, parseSignedData, verifySigner } from "../../src/wire/cms/signed-data.js";
import { parsePkiMessage } from "../../src/wire/scep/message.js";
import { failInfoName } from "../../src/wire/scep/vocabulary.js";
import { buildCertificate, parseCertificate } from "../../src/wire/x509/certificate.js";
import { encodeName, parseDn, readName } from "../../src/wire/x509/name.js";
import { parseCsr } from "../../src/wire/x509/pkcs10.js";
import { readFixture, readKey } from "./support/fixture-files.js";

const crypto = new NodeCrypto();

/** Runs f and returns what it threw (or undefined). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("BUG der.ts readString: BMPString is decoded twice", () => {
  // forge already turns a BMPString into a JS string of UTF-16 code units; readString converts it to
  // latin1 bytes and swap16()s them again. Odd character counts throw RangeError (a crash, reported as
  // an InternalError), even counts give garbage. Fix: `case Type.BMPSTRING: return obj.value as string;`.
  const bmpName = (text: string) =>
    encodeName("CN=placeholder", (_t, _v) => asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, text));

  it.each(["Zoë", "Zoë!"])("a certificate whose subject CN is the BMPString %j parses with that subject", (text) => {
    const key = readKey("other.key");
    const der = buildCertificate(
      { serial: Uint8Array.of(7), issuer: bmpName(text), subject: bmpName(text), notBefore: new Date(0), notAfter: new Date(2e12), spki: key.spki },
      key,
      "sha256",
      crypto,
    );
    const err = thrown(() => parseCertificate(der));
    expect(err === undefined || err instanceof SimError, `threw ${String(err)}`).toBe(true);
    expect(parseCertificate(der).subject).toBe(`CN=${text}`);
  });
});

describe("BUG signed-data.ts parseSignerInfo: a primitive [0] where signedAttrs belong crashes", () => {
  // retagAsSet(p[i]) is called on whatever [0] holds; when it is primitive (tag 0x80) forge.create
  // gets a string as children and throws TypeError. Fix: `children(p[i], "signedAttrs")` first (or
  // check Array.isArray in retagAsSet) so it is an asn1.unexpected ProtocolViolationError.
  it("pkcsreq.der with the signedAttrs tag a0 → 80 is a typed asn1.* error", () => {
    const der = Uint8Array.from(readFixture("pkcsreq.der"));
    expect(der[2304]).toBe(0xa0);
    der[2304] = 0x80;
    const err = thrown(() => parsePkiMessage(der));
    expect(err).toBeInstanceOf(SimError);
    expect((err as SimError).code).toMatch(/^asn1\./);
  });
});

describe("BUG der.ts readSmallInt: an empty INTEGER crashes inside forge", () => {
  // derToInteger("") throws a plain Error ("Only 8, 16, 24, or 32 bits supported: 0"). Fix: reject
  // b.length === 0 (and non-minimal encodings) with asn1.unexpected in readSmallInt/readIntBytes.
  it("an INTEGER with no content octets is a typed asn1.* error", () => {
    const err = thrown(() => parseCsr(Uint8Array.from([0x30, 0x0f, 0x30, 0x08, 0x02, 0x00, 0x30, 0x00, 0x30, 0x00, 0xa0, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00])));
    expect(err).toBeInstanceOf(SimError);
    expect((err as SimError).code).toMatch(/^asn1\./);
  });

  it("csr.der with its version length rewritten 01 → 81 (empty INTEGER) is a typed asn1.* error", () => {
    const der = Uint8Array.from(readFixture("csr.der"));
    der[9] = 0x81;
    const err = thrown(() => parseCsr(der));
    expect(err).toBeInstanceOf(SimError);
  });
});

describe("BUG signed-data.ts buildSignedData: EC signers always claim ecdsa-with-SHA256", () => {
  // sigAlg is `seq(oid(OID.ecdsaWithSha256))` whatever the hash; verifySigner then hashes with SHA-256
  // and our own SHA-384/512 EC messages do not verify. Fix: `seq(oid(ecdsaSignatureOid(hash)))`.
  it.each(["sha384", "sha512"] as const)("an EC P-256 SignedData signed with %s verifies", async (hash) => {
    const key = await crypto.generateKey("ec-p256");
    const cert = parseCertificate(
      buildCertificate({ serial: Uint8Array.of(1), issuer: "CN=ec", subject: "CN=ec", notBefore: new Date(0), notAfter: new Date(2e12), spki: key.spki }, key, hash, crypto),
    );
    const sd = parseSignedData(buildSignedData({ content: Uint8Array.of(1, 2, 3), signer: { cert, key, hash, attributes: [] } }, crypto));
    expect(verifySigner(sd, sd.signers[0]!, key.spki, crypto)).toEqual({ ok: true });
  });
});

describe("BUG name.ts parseDn: escapes are removed twice", () => {
  // splitEscaped unescapes while splitting RDNs on ",", then the "+" split unescapes again, so "\+"
  // becomes a separator and "\\" disappears; readName's own output cannot be read back. Fix: keep
  // the backslashes while splitting and unescape each value once at the end.
  it.each([
    ["CN=a\\+b", "a+b"],
    ["CN=a\\\\b", "a\\b"],
  ])("parseDn(%j) gives the value %j", (dn, value) => {
    expect(parseDn(dn)).toEqual([[{ type: "CN", value }]]);
  });

  it("readName's text for values with '+' and '\\' parses back to the same attributes", () => {
    const rdns = [[{ type: "CN", value: "R&D + QA \\ lab" }], [{ type: "O", value: "A, B" }]];
    const text = readName(decode(encodeName(rdns), "name"), "name").text;
    expect(parseDn(text)).toEqual(rdns);
  });
});

describe("BUG vocabulary.ts failInfoName: any Number()-able string maps to a failInfo", () => {
  // FAIL_INFOS[Number(code)]: "" → badAlg, "01" → badMessageCheck, " 2", "0x3", "1.0" accepted.
  // Fix: `/^[0-4]$/.test(code) ? FAIL_INFOS[Number(code)] : undefined` (so failInfoRaw carries it).
  it.each(["", "01", " 2", "0x3", "1.0"])("failInfo %j is not one of the RFC 8894 values", (code) => {
    expect(failInfoName(code)).toBeUndefined();
  });
});

describe("BUG user-input parsers throw plain Error, which asSimError reports as an enrollsim bug", () => {
  // parseDn and parseFingerprint read scenario/profile input; a typo becomes InternalError (blame
  // "internal"). Fix: throw ScenarioError (or a ProtocolViolationError where the input is a server's).
  it("parseDn with an unknown attribute type throws a SimError", () => {
    expect(thrown(() => parseDn("XX=a"))).toBeInstanceOf(SimError);
  });
  it("parseFingerprint with a malformed fingerprint throws a SimError", () => {
    expect(thrown(() => parseFingerprint("sha256:zz"))).toBeInstanceOf(SimError);
  });
});
