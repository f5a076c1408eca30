// SPDX-License-Identifier: MIT
/** X.509 extension encodings (src/wire/x509/extensions.ts), checked byte for byte. */
import { describe, expect, it } from "vitest";
import { encode } from "../../src/wire/asn1/der.js";
import { OID } from "../../src/wire/oids.js";
import {
  basicConstraints,
  extKeyUsage,
  extensionAsn1,
  keyUsage,
  readBasicConstraints,
  readExtKeyUsage,
  readKeyUsage,
  readSubjectAltName,
  subjectAltName,
  type KeyUsage,
} from "../../src/wire/x509/extensions.js";

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

describe("keyUsage", () => {
  it.each<[KeyUsage[], string]>([
    [["digitalSignature", "keyEncipherment"], "030205a0"],
    [["digitalSignature"], "03020780"],
    [["keyEncipherment"], "03020520"],
    [["digitalSignature", "keyCertSign", "cRLSign"], "03020186"],
    [["keyCertSign", "cRLSign"], "03020106"],
    [["nonRepudiation"], "03020640"],
    [["decipherOnly"], "0303070080"],
    [["digitalSignature", "decipherOnly"], "0303078080"],
  ])("%j is the DER BIT STRING %s (trailing zero bits counted as unused) and reads back", (usages, der) => {
    const ext = keyUsage(usages);
    expect(hex(ext.value)).toBe(der);
    expect(readKeyUsage(ext.value)).toEqual([...usages].sort((a, b) => order(a) - order(b)));
  });
  const order = (u: KeyUsage) => ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"].indexOf(u);

  it("is critical by default, encoded with an explicit TRUE; a non-critical extension omits the BOOLEAN (DER default)", () => {
    expect(hex(encode(extensionAsn1(keyUsage(["digitalSignature", "keyEncipherment"]))))).toBe("300e0603551d0f0101ff0404030205a0");
    expect(hex(encode(extensionAsn1(keyUsage(["digitalSignature"], false))))).toBe("300b0603551d0f040403020780");
  });
});

describe("subjectAltName", () => {
  it("encodes DNS as [2] IA5 and a UPN as otherName [0] { 1.3.6.1.4.1.311.20.2.3, [0] EXPLICIT UTF8String }", () => {
    const ext = subjectAltName({ dns: ["a.example"], upn: ["u@x.test"] });
    expect(ext.oid).toBe(OID.subjectAltName);
    expect(ext.critical).toBe(false);
    expect(hex(ext.value)).toBe(
      "3025" + "8209" + Buffer.from("a.example").toString("hex") + "a018" + "060a2b060104018237140203" + "a00a" + "0c08" + Buffer.from("u@x.test").toString("hex"),
    );
  });

  it("encodes email as [1] and URI as [6], and reads every kind back (UTF-8 in the UPN kept)", () => {
    const ext = subjectAltName({ email: ["d@x.test"], dns: ["d.x.test"], uri: ["urn:uuid:1"], upn: ["zoë@x.test"] });
    expect(hex(ext.value)).toContain("8108" + Buffer.from("d@x.test").toString("hex"));
    expect(hex(ext.value)).toContain("860a" + Buffer.from("urn:uuid:1").toString("hex"));
    expect(readSubjectAltName(ext.value)).toEqual(["email:d@x.test", "DNS:d.x.test", "URI:urn:uuid:1", `otherName:${OID.msUpn}:zoë@x.test`]);
  });

  it("reads an IP address entry as hex", () => {
    expect(readSubjectAltName(Uint8Array.from(Buffer.from("30068704c0000201", "hex")))).toEqual(["IP:c0000201"]);
  });
});

describe("extKeyUsage and basicConstraints", () => {
  it("encodes clientAuth as its OID and passes unknown dotted OIDs through", () => {
    const ext = extKeyUsage(["clientAuth", "1.3.6.1.4.1.311.20.2.2"]);
    expect(hex(ext.value)).toBe("3016" + "06082b06010505070302" + "060a2b0601040182371402" + "02");
    expect(readExtKeyUsage(ext.value)).toEqual(["clientAuth", "1.3.6.1.4.1.311.20.2.2"]);
  });

  it("encodes CA:TRUE with and without pathLen, and a non-CA as an empty SEQUENCE; all critical", () => {
    expect(hex(basicConstraints(true).value)).toBe("30030101ff");
    expect(hex(basicConstraints(true, 0).value)).toBe("30060101ff020100");
    expect(hex(basicConstraints(false).value)).toBe("3000");
    expect(basicConstraints(false).critical).toBe(true);
    expect(readBasicConstraints(basicConstraints(true, 1).value)).toEqual({ ca: true });
    expect(readBasicConstraints(basicConstraints(false).value)).toEqual({ ca: false });
  });
});
