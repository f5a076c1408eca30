// SPDX-License-Identifier: MIT
/** X.501 names: DN strings to DER and back (src/wire/x509/name.ts). */
import { describe, expect, it } from "vitest";
import { decode } from "../../src/wire/asn1/der.js";
import { encodeName, parseDn, readName } from "../../src/wire/x509/name.js";

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const roundTrip = (dn: string) => readName(decode(encodeName(dn), "name"), "name");

describe("parseDn", () => {
  it("reads RFC 4514-style and openssl slash-style names into the same RDNs, in order of appearance", () => {
    const expected = [[{ type: "CN", value: "device 1" }], [{ type: "OU", value: "test-only" }], [{ type: "O", value: "enrollsim" }]];
    expect(parseDn("CN=device 1,OU=test-only,O=enrollsim")).toEqual(expected);
    expect(parseDn("/CN=device 1/OU=test-only/O=enrollsim")).toEqual(expected);
    expect(parseDn(" cn = device 1 , ou=test-only,o=enrollsim ")).toEqual(expected);
  });

  it("reads an escaped comma as part of the value", () => {
    expect(parseDn("CN=Doe\\, John,O=Acme")).toEqual([[{ type: "CN", value: "Doe, John" }], [{ type: "O", value: "Acme" }]]);
  });

  it("reads a multi-valued RDN joined by '+'", () => {
    expect(parseDn("CN=a+UID=u1,O=b")).toEqual([[{ type: "CN", value: "a" }, { type: "UID", value: "u1" }], [{ type: "O", value: "b" }]]);
  });

  it("accepts dotted OIDs as attribute types and an empty DN", () => {
    expect(parseDn("2.5.4.3=x")).toEqual([[{ type: "2.5.4.3", value: "x" }]]);
    expect(parseDn("  ")).toEqual([]);
  });

  it("rejects an unknown attribute type and an attribute without '='", () => {
    expect(() => parseDn("XX=a")).toThrow(/unknown attribute type "XX"/);
    expect(() => parseDn("CN=a,justtext")).toThrow(/not TYPE=value/);
  });
});

describe("encodeName / readName", () => {
  it("encodes CN=a,O=b as the exact DER of two single-attribute RDNs with PrintableString values", () => {
    expect(hex(encodeName("CN=a,O=b"))).toBe("3018" + "310a" + "3008" + "0603550403" + "130161" + "310a" + "3008" + "060355040a" + "130162");
  });

  it("picks PrintableString when every character allows it, UTF8String otherwise, PrintableString for C and IA5String for E", () => {
    const types = (dn: string) => [...hex(encodeName(dn)).matchAll(/0603550403(..)|0603550406(..)|06092a864886f70d010901(..)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(types("CN=plain text-1")).toEqual(["13"]);
    expect(types("CN=Zoë")).toEqual(["0c"]);
    expect(types("CN=a@b")).toEqual(["0c"]);
    expect(types("C=US")).toEqual(["13"]);
    expect(types("E=a@b.test")).toEqual(["16"]);
  });

  it("sorts the attributes of a multi-valued RDN in DER order (SET OF)", () => {
    const [rdn] = readName(decode(encodeName("UID=zz+CN=a"), "n"), "n").rdns;
    expect(rdn!.map((a) => a.type)).toEqual(["CN", "UID"]);
  });

  it("prints a one-line form with ', ' between RDNs and '+' within one (in DER order), escaping ',' in values", () => {
    expect(roundTrip("CN=Doe\\, John+UID=7,O=Acme").text).toBe("UID=7+CN=Doe\\, John, O=Acme");
  });

  it("round-trips print → parse → encode to the same DER for names with escaped commas, UTF-8 and multi-valued RDNs", () => {
    for (const dn of ["CN=Doe\\, John,O=Acme", "CN=Zoë Ünïcode,OU=R&D,O=enrollsim", "CN=a+UID=b,DC=example,DC=test", "E=x@y.test,CN=mail"]) {
      const der = encodeName(dn);
      const text = readName(decode(der, "name"), "name").text;
      expect(hex(encodeName(text)), dn).toBe(hex(der));
    }
  });

  it("names attributes it knows by short name and others by dotted OID", () => {
    expect(roundTrip("SERIALNUMBER=42,1.2.3.4=x,EMAILADDRESS=a@b.test").text).toBe("SERIALNUMBER=42, 1.2.3.4=x, E=a@b.test");
  });
});
