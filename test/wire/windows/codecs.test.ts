// SPDX-License-Identifier: MIT
/** Windows codecs: XML safety limits, SOAP/XCEP/WSTEP round trips, SyncML writer, tokens. */
import { describe, expect, it } from "vitest";
import { discoverBody, readDiscoverRequest } from "../../../src/wire/windows/discovery.js";
import { ACTION, TOKEN } from "../../../src/wire/windows/ns.js";
import { buildProvisioningDoc, parseProvisioningDoc } from "../../../src/wire/windows/provisioning.js";
import { buildEnvelope, buildResponse, parseEnvelope } from "../../../src/wire/windows/soap.js";
import { parseSyncML, writeSyncML } from "../../../src/wire/windows/syncml.js";
import { mintToken, verifyToken } from "../../../src/wire/windows/token.js";
import { contextValue, fromB64, readRst, readRstr, rstBody, rstrBody } from "../../../src/wire/windows/wstep.js";
import { getPoliciesResponseBody, readGetPoliciesResponse } from "../../../src/wire/windows/xcep.js";
import { parseXml } from "../../../src/wire/windows/xml.js";
import { crypto } from "../../support/scep-harness.js";
import { errorCode } from "../../support/error-code.js";

const code = (fn: () => unknown): string => errorCode(fn);

describe("safe XML reader", () => {
  it("enforces size, depth and node limits and rejects malformed input with typed errors", () => {
    expect(code(() => parseXml("<a>" + "x".repeat(2000) + "</a>", "t", { maxBytes: 1000 }))).toBe("xml.too-large");
    expect(code(() => parseXml("<a>".repeat(70) + "</a>".repeat(70), "t"))).toBe("xml.too-deep");
    expect(code(() => parseXml("<a>" + "<b/>".repeat(100) + "</a>", "t", { maxNodes: 50 }))).toBe("xml.too-many-nodes");
    expect(code(() => parseXml("<a><b></a>", "t"))).toBe("xml.malformed");
    expect(code(() => parseXml("", "t"))).toBe("xml.empty");
    expect(code(() => parseXml("<a>&#0;</a>", "t"))).toBe("xml.entity");
    expect(code(() => parseXml('<a x="1" x="2"/>', "t"))).toBe("xml.malformed");
    expect(code(() => parseXml("<!ENTITY x SYSTEM 'file:///etc/passwd'><a/>", "t"))).toBe("xml.entity");
  });
  it("keeps CDATA byte-exact, decodes predefined and numeric references, resolves namespaces", () => {
    const n = parseXml('\ufeff<?xml version="1.0"?><r xmlns="urn:x" xmlns:p="urn:p"><p:c a="&lt;&#x41;"><![CDATA[<x>&amp;</x>]]></p:c></r>', "t");
    expect(n.ns).toBe("urn:x");
    expect(n.children[0]).toMatchObject({ local: "c", ns: "urn:p", attrs: { a: "<A" }, text: "<x>&amp;</x>" });
  });
});

describe("SOAP envelopes", () => {
  it("Discover request round trip, compact by default and pretty on request", () => {
    const body = discoverBody({ emailAddress: "a@contoso.com", requestVersion: "4.0", deviceType: "CIMClient_Windows", applicationVersion: "10.0.19045.1", osEdition: "4", authPolicies: ["OnPremise", "Federated"] });
    const xml = buildEnvelope({ action: ACTION.discover, messageId: "urn:uuid:1", to: "https://x/EnrollmentServer/Discovery.svc", body });
    expect(xml).not.toContain("\n");
    expect(buildEnvelope({ action: ACTION.discover, messageId: "urn:uuid:1", to: "https://x", body }, true)).toContain("\n  <s:Header>");
    const env = parseEnvelope(xml, "t");
    expect(env.action).toBe(ACTION.discover);
    expect(readDiscoverRequest(env.body)).toMatchObject({ emailAddress: "a@contoso.com", authPolicies: ["OnPremise", "Federated"] });
  });
  it("UsernameToken and BinarySecurityToken headers are read back", () => {
    const u = parseEnvelope(buildEnvelope({ action: "x", messageId: "m", to: "t", security: { kind: "username", username: "u@c", password: "p<w>" }, body: { n: "B" } }), "t");
    expect(u.security).toEqual({ kind: "username", username: "u@c", password: "p<w>" });
    const b = parseEnvelope(buildEnvelope({ action: "x", messageId: "m", to: "t", security: { kind: "binary", valueType: TOKEN.jwt, token: "abc=" }, body: { n: "B" } }), "t");
    expect(b.security).toEqual({ kind: "binary", valueType: TOKEN.jwt, token: "abc=" });
  });
  it("non-SOAP input is refused", () => {
    expect(code(() => parseEnvelope("<html><body/></html>", "t"))).toBe("soap.not-envelope");
    expect(code(() => parseEnvelope('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"/>', "t"))).toBe("soap.no-body");
  });
});

describe("XCEP", () => {
  it("policy without hash → device default; sha256 policy names its OID", () => {
    const none = parseEnvelope(buildResponse(ACTION.getPoliciesResponse, "1", getPoliciesResponseBody({ minimalKeyLength: 2048, validityPeriodSeconds: 1209600, renewalPeriodSeconds: 172800 })), "t");
    expect(readGetPoliciesResponse(none.body)).toEqual({ minimalKeyLength: 2048, validityPeriodSeconds: 1209600, renewalPeriodSeconds: 172800 });
    const sha = parseEnvelope(buildResponse(ACTION.getPoliciesResponse, "1", getPoliciesResponseBody({ minimalKeyLength: 4096, hashAlgorithmOid: "2.16.840.1.101.3.4.2.1", validityPeriodSeconds: 1, renewalPeriodSeconds: 1 })), "t");
    expect(readGetPoliciesResponse(sha.body)).toMatchObject({ minimalKeyLength: 4096, hash: "sha256" });
  });
  it("an undeclared xcep: prefix still parses by local name", () => {
    const xml = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><xcep:GetPoliciesResponse><xcep:response><xcep:policies><xcep:policy><xcep:attributes><xcep:privateKeyAttributes><xcep:minimalKeyLength>2048</xcep:minimalKeyLength></xcep:privateKeyAttributes></xcep:attributes></xcep:policy></xcep:policies></xcep:response></xcep:GetPoliciesResponse></s:Body></s:Envelope>`;
    expect(readGetPoliciesResponse(parseEnvelope(xml, "t").body).minimalKeyLength).toBe(2048);
  });
  it("a non-numeric key length is a typed error", () => {
    const xml = buildResponse("a", "1", getPoliciesResponseBody({ minimalKeyLength: 2048, validityPeriodSeconds: 1, renewalPeriodSeconds: 1 })).replace(">2048<", ">lots<");
    expect(code(() => readGetPoliciesResponse(parseEnvelope(xml, "t").body))).toBe("xcep.malformed");
  });
});

describe("WSTEP", () => {
  it("RST carries the CSR and every AdditionalContext item, MAC repeated", () => {
    const env = parseEnvelope(buildEnvelope({ action: ACTION.rst, messageId: "m", to: "t", body: rstBody({ csrDer: new Uint8Array([1, 2, 3]), context: [["DeviceID", "AB"], ["MAC", "1"], ["MAC", "2"], ["EnrollmentType", " Full"]] }) }), "t");
    const rst = readRst(env.body);
    expect([...rst.csrDer]).toEqual([1, 2, 3]);
    expect(rst.context.filter(([n]) => n === "MAC")).toHaveLength(2);
    expect(contextValue(rst.context, "enrollmenttype")).toBe("Full");
  });
  it("bad base64 in BinarySecurityToken is a typed error", () => {
    const xml = buildEnvelope({ action: ACTION.rst, messageId: "m", to: "t", body: rstBody({ csrDer: new Uint8Array([1]), context: [] }) }).replace(/(BinarySecurityToken[^>]*>)[^<]*/, "$1!!notbase64!!");
    expect(code(() => readRst(parseEnvelope(xml, "t").body))).toBe("base64.malformed");
    expect(code(() => fromB64("QUJD=", "t"))).toBe("base64.malformed");
  });
  it("RSTR round trip; the #PKCS7 ValueType variant is accepted with a finding", () => {
    const doc = buildProvisioningDoc({
      rootCerts: [{ thumbprint: "AA", der: new Uint8Array([1]) }],
      myCert: { thumbprint: "BB", der: new Uint8Array([2]), scope: "System" },
      application: { appId: "w7", providerId: "P", addr: "https://x/MDM.svc" },
      dmClient: { poll: { IntervalForFirstSetOfRetries: "3" } },
    });
    const env = parseEnvelope(buildResponse(ACTION.rstrc, "1", rstrBody(doc)), "t");
    const text = readRstr(env.body);
    expect(parseProvisioningDoc(text)).toMatchObject({ certs: [{ store: "Root" }, { store: "My", scope: "System" }], application: { addr: "https://x/MDM.svc" }, dmClient: { providerId: "P" } });
    const pk7 = parseEnvelope(buildResponse(ACTION.rstrc, "1", rstrBody(doc)).replace(TOKEN.provisionDoc, TOKEN.pkcs7), "t");
    const findings: { code: string; message: string }[] = [];
    readRstr(pk7.body, findings);
    expect(findings.map((f) => f.code)).toContain("wstep.pkcs7-value-type");
  });
});

describe("SyncML writer", () => {
  it("round-trips a device package; compact by default", () => {
    const xml = writeSyncML({
      hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "0", msgId: "1", target: "https://x", source: "DEV" },
      body: [
        { verb: "Alert", cmdId: "2", data: "1201", items: [] },
        { verb: "Alert", cmdId: "3", data: "1224", items: [{ meta: { type: "com.microsoft/MDM/LoginStatus", format: "chr" }, data: "user" }] },
        { verb: "Status", cmdId: "4", msgRef: "1", cmdRef: "0", cmd: "SyncHdr", data: "200", items: [] },
        { verb: "Results", cmdId: "5", msgRef: "1", cmdRef: "2", items: [{ source: "./DevDetail/SwV", data: "10.0 <&>" }] },
      ],
      final: true,
    });
    expect(xml).not.toContain("\n");
    const m = parseSyncML(xml);
    expect(m.hdr.sessionId).toBe("0");
    expect(m.body.map((c) => [c.verb, c.data ?? c.items[0]?.data])).toEqual([
      ["Alert", "1201"],
      ["Alert", "1224"],
      ["Status", "200"],
      ["Results", "10.0 <&>"],
    ]);
    expect(m.body[1]!.items[0]!.meta).toEqual({ type: "com.microsoft/MDM/LoginStatus", format: "chr" });
  });
});

describe("test identity-provider tokens", () => {
  it("verify with the right key only, and not after expiry", () => {
    const t = mintToken({ upn: "a@b", exp: 2_000_000_000 }, "k", crypto);
    expect(verifyToken(t, "k", crypto, Date.UTC(2026, 0, 1))).toMatchObject({ upn: "a@b" });
    expect(verifyToken(t, "other", crypto, Date.UTC(2026, 0, 1))).toBeUndefined();
    expect(verifyToken(t, "k", crypto, 2_000_000_001_000)).toBeUndefined();
    expect(verifyToken("garbage", "k", crypto, 0)).toBeUndefined();
  });
});
