// SPDX-License-Identifier: MIT
/**
 * Hostile DER (src/wire/asn1/der.ts decode, and every parser built on it): empty, truncated,
 * trailing bytes, oversized and deeply nested input give a ProtocolViolationError with an
 * asn1.* code, never a crash or a hang.
 */
import { describe, expect, it } from "vitest";
import { ProtocolViolationError } from "../../src/errors/index.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { chainFromResponse } from "../../src/protocol/scep/ca-chain.js";
import { MAX_DER_BYTES, decode } from "../../src/wire/asn1/der.js";
import { describeEnvelope } from "../../src/wire/cms/enveloped-data.js";
import { parseSignedData } from "../../src/wire/cms/signed-data.js";
import { parseIssuerAndSerial, parseIssuerAndSubject, parsePkiMessage } from "../../src/wire/scep/message.js";
import { parseCertificate } from "../../src/wire/x509/certificate.js";
import { parseCsr } from "../../src/wire/x509/pkcs10.js";
import { spkiInfo } from "../../src/wire/x509/spki.js";
import { readFixture } from "./support/fixture-files.js";

const crypto = new NodeCrypto();

/** The code of the ProtocolViolationError `f` throws; fails the test on anything else. */
function violation(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err, `threw ${String(err)}`).toBeInstanceOf(ProtocolViolationError);
    return (err as ProtocolViolationError).code;
  }
  throw new Error("expected a ProtocolViolationError, nothing was thrown");
}

/** `depth` SEQUENCEs nested in each other around an empty one. */
function nested(depth: number): Uint8Array {
  let inner = Uint8Array.of(0x30, 0x00);
  for (let i = 1; i < depth; i++) {
    const len = inner.length;
    const header = len < 0x80 ? [0x30, len] : len < 0x100 ? [0x30, 0x81, len] : [0x30, 0x82, len >> 8, len & 0xff];
    inner = Uint8Array.from([...header, ...inner]);
  }
  return inner;
}

/** A valid OCTET STRING whose whole encoding is `total` bytes. */
function octetStringOfSize(total: number): Uint8Array {
  const content = total - 5;
  const out = new Uint8Array(total);
  out.set([0x04, 0x83, content >> 16, (content >> 8) & 0xff, content & 0xff]);
  return out;
}

describe("decode", () => {
  it("empty input is asn1.empty", () => {
    expect(violation(() => decode(new Uint8Array(0), "CertRep"))).toBe("asn1.empty");
  });

  it("truncated input is asn1.malformed, naming what was being read", () => {
    const cert = readFixture("getcacert-single.der");
    expect(violation(() => decode(cert.subarray(0, cert.length - 1), "CA certificate"))).toBe("asn1.malformed");
    expect(() => decode(cert.subarray(0, 3), "CA certificate")).toThrow(/CA certificate is not valid DER/);
    expect(violation(() => decode(Uint8Array.of(0x30), "x"))).toBe("asn1.malformed");
  });

  it("trailing bytes after the top-level element are asn1.malformed", () => {
    const cert = readFixture("getcacert-single.der");
    expect(violation(() => decode(Uint8Array.from([...cert, 0x00]), "x"))).toBe("asn1.malformed");
    expect(violation(() => decode(Uint8Array.from([...cert, ...cert]), "x"))).toBe("asn1.malformed");
  });

  it(`accepts exactly ${MAX_DER_BYTES} bytes and refuses one more with asn1.too-large, before parsing`, () => {
    expect(decode(octetStringOfSize(MAX_DER_BYTES), "big").value).toHaveLength(MAX_DER_BYTES - 5);
    expect(violation(() => decode(octetStringOfSize(MAX_DER_BYTES + 1), "big"))).toBe("asn1.too-large");
    expect(violation(() => decode(new Uint8Array(4 * MAX_DER_BYTES), "garbage"))).toBe("asn1.too-large");
  });

  it("100-deep nesting is asn1.malformed (depth limit), 40-deep is fine", () => {
    expect(() => decode(nested(40), "x")).not.toThrow();
    expect(violation(() => decode(nested(100), "x"))).toBe("asn1.malformed");
    expect(() => decode(nested(100), "x", 200), "the depth limit is what refuses it").not.toThrow();
  });

  it("a length that runs past the input, and a 5-byte length field, are asn1.malformed", () => {
    expect(violation(() => decode(Uint8Array.of(0x04, 0x82, 0xff, 0xff, 0x00), "x"))).toBe("asn1.malformed");
    expect(violation(() => decode(Uint8Array.of(0x04, 0x85, 0xff, 0xff, 0xff, 0xff, 0xff), "x"))).toBe("asn1.malformed");
  });
});

describe("every public parser turns hostile input into an asn1.* violation", () => {
  const inputs: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    "one byte": Uint8Array.of(0x30),
    "truncated CertRep": readFixture("certrep-success.der").subarray(0, 100),
    "trailing byte": Uint8Array.from([...readFixture("certrep-pending.der"), 0]),
    "oversized (1 MiB + 1)": octetStringOfSize(MAX_DER_BYTES + 1),
    "100-deep nesting": nested(100),
    "random bytes": Uint8Array.from({ length: 512 }, (_, i) => (i * 131 + 7) & 0xff),
    "a NULL": Uint8Array.of(0x05, 0x00),
    "an empty SEQUENCE": Uint8Array.of(0x30, 0x00),
  };
  const parsers: Record<string, (der: Uint8Array) => unknown> = {
    parsePkiMessage: (d) => parsePkiMessage(d),
    parseSignedData: (d) => parseSignedData(d),
    describeEnvelope: (d) => describeEnvelope(d),
    parseCertificate: (d) => parseCertificate(d),
    parseCsr: (d) => parseCsr(d),
    spkiInfo: (d) => spkiInfo(d),
    parseIssuerAndSubject: (d) => parseIssuerAndSubject(d),
    parseIssuerAndSerial: (d) => parseIssuerAndSerial(d),
    "chainFromResponse (ca-ra-cert)": (d) => chainFromResponse("application/x-x509-ca-ra-cert", d, crypto),
    "chainFromResponse (ca-cert)": (d) => chainFromResponse("application/x-x509-ca-cert", d, crypto),
  };

  it.each(Object.keys(parsers))("%s", (name) => {
    const codes: Record<string, string> = {};
    for (const [what, der] of Object.entries(inputs)) codes[what] = violation(() => parsers[name]!(der));
    for (const [what, code] of Object.entries(codes)) expect(code, what).toMatch(/^asn1\./);
  });
});
