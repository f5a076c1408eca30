// SPDX-License-Identifier: MIT
/** Fault selectors on what the device sent: body, header and field (runner/faults/request-match.ts, wire/body-fields.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import type { HttpRequest, HttpResponse, TranscriptEvent } from "../../../src/ports/index.js";
import { zoneDns } from "../../../src/ports/dns.js";
import { faultyPorts } from "../../../src/runner/faults/plan.js";
import { ContentSelector, bodyText } from "../../../src/runner/faults/request-match.js";
import { compilePattern, patternMatcher } from "../../../src/runner/faults/pattern.js";
import type { FaultMatch, FaultSpec, ResolvedFault } from "../../../src/runner/faults/vocabulary.js";
import { FieldPathError, MAX_FIELD_BODY, readFields } from "../../../src/wire/body-fields.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { buildSignedData } from "../../../src/wire/cms/signed-data.js";
import { buildCertificate, parseCertificate } from "../../../src/wire/x509/certificate.js";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

const discover = (version: string) =>
  bytes(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">
 <s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover</a:Action></s:Header>
 <s:Body><Discover xmlns="http://schemas.microsoft.com/windows/management/2012/01/enrollment"><request xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <EmailAddress>alice@contoso.example</EmailAddress><RequestVersion> ${version} </RequestVersion><DeviceType>CIMClient_Windows</DeviceType>
  <AuthPolicies><AuthPolicy>OnPremise</AuthPolicy><AuthPolicy>Federated</AuthPolicy></AuthPolicies>
 </request></Discover></s:Body></s:Envelope>`);

const VERSION = "Envelope/Body/Discover/request/RequestVersion";
const authenticate = buildPlistBytes({ MessageType: "Authenticate", OSVersion: "26.0", ProductName: "iPhone17,1", Topic: "com.apple.mgmt.x", Extra: { Build: "23A341", Tags: ["a", "b"] }, Count: 3, Flag: true });

describe("readFields: the values a path selects, per format", () => {
  it("SOAP: element text from the root by local name (prefixes ignored, text trimmed); [N] picks among siblings", () => {
    expect(readFields(discover("9.0"), VERSION)).toEqual(["9.0"]);
    expect(readFields(discover("9.0"), "Envelope/Body/*/request/AuthPolicies/AuthPolicy")).toEqual(["OnPremise", "Federated"]);
    expect(readFields(discover("9.0"), "Envelope/Body/Discover/request/AuthPolicies/AuthPolicy[2]")).toEqual(["Federated"]);
    expect(readFields(discover("9.0"), "Envelope/Body/Discover/request")).toEqual([]); // an element with children has no value of its own
    expect(readFields(discover("9.0"), "Body/Discover/request/RequestVersion")).toEqual([]); // the path starts at the root element
  });

  it("plist: keys below the root dictionary; numbers and booleans as text; arrays transparent", () => {
    expect(readFields(authenticate, "OSVersion")).toEqual(["26.0"]);
    expect(readFields(authenticate, "Extra/Build")).toEqual(["23A341"]);
    expect(readFields(authenticate, "Extra/Tags")).toEqual(["a", "b"]);
    expect(readFields(authenticate, "Count")).toEqual(["3"]);
    expect(readFields(authenticate, "Flag")).toEqual(["true"]);
    expect(readFields(authenticate, "Missing")).toEqual([]);
  });

  it("a plist inside a CMS SignedData (signed MachineInfo) is read through the signature", async () => {
    const crypto = new NodeCrypto();
    const key = await crypto.generateKey("ec-p256");
    const cert = parseCertificate(buildCertificate({ serial: Uint8Array.of(1), issuer: "CN=d", subject: "CN=d", notBefore: new Date(0), notAfter: new Date(2e12), spki: key.spki }, key, "sha256", crypto));
    const machineInfo = buildPlistBytes({ OS_VERSION: "15.1", PRODUCT: "Mac15,3", SERIAL: "C02X" });
    const der = buildSignedData({ content: machineInfo, signer: { cert, key, hash: "sha256", attributes: [] } }, crypto);
    expect(readFields(der, "OS_VERSION")).toEqual(["15.1"]);
    // The same bytes as body text: not UTF-8, so read byte for byte, and the plist's XML is in it.
    expect(bodyText(der)).toContain("<key>PRODUCT</key>");
  });

  it("JSON: members below the top-level object", () => {
    const body = bytes(JSON.stringify({ device: { model: "Pixel 8", apiLevel: 34 }, apps: [{ id: "a" }, { id: "b" }] }));
    expect(readFields(body, "device/model")).toEqual(["Pixel 8"]);
    expect(readFields(body, "device/apiLevel")).toEqual(["34"]);
    expect(readFields(body, "apps/id")).toEqual(["a", "b"]);
  });

  it("a body of another format, one that does not parse, or one over the size limit has no fields", () => {
    expect(readFields(bytes("operation=GetCACert"), "x")).toEqual([]);
    expect(readFields(bytes("<a><b>1</b>"), "a/b")).toEqual([]);
    expect(readFields(bytes('{"a":'), "a")).toEqual([]);
    expect(readFields(bytes('<!DOCTYPE a [<!ENTITY x "y">]><a><b>&x;</b></a>'), "a/b")).toEqual([]); // the safe reader refuses entities
    const big = bytes(`<a><b>1</b>${" ".repeat(MAX_FIELD_BODY)}</a>`);
    expect(readFields(big, "a/b")).toEqual([]);
    expect(readFields(undefined, "a")).toEqual([]);
  });

  it("a bad path is a FieldPathError naming the step", () => {
    expect(() => readFields(authenticate, "a//b")).toThrow(FieldPathError);
    expect(() => readFields(authenticate, "a/b[0]")).toThrow(/positions start at 1/);
  });

  it("never throws on arbitrary bytes (fast-check)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom("a", "a/b", "*", "plist/dict", "Envelope/*"), (body, path) => {
        expect(Array.isArray(readFields(body, path))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("patternMatcher: globs in linear time", () => {
  it("agrees with the glob's regular expression (fast-check)", () => {
    const glob = fc.stringMatching(/^[ab.*?]{0,8}$/);
    const text = fc.stringMatching(/^[ab.\n]{0,12}$/);
    fc.assert(
      fc.property(glob, text, (g, t) => {
        expect(patternMatcher(g)(t)).toBe(compilePattern(g).test(t));
      }),
      { numRuns: 3000 },
    );
  });

  it("a many-star glob over a megabyte body that does not match returns at once", () => {
    const body = "a".repeat(1 << 20);
    const started = performance.now();
    expect(patternMatcher("*a*a*a*a*b*")(body)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("ContentSelector", () => {
  const sel = (m: FaultMatch) => ContentSelector.of(m)!;

  it("is absent for an entry without content selectors", () => {
    expect(ContentSelector.of({ step: "discovery.post" })).toBeUndefined();
    expect(ContentSelector.of(undefined)).toBeUndefined();
  });

  it("header: any letter case of the name; an absent header reads as empty", () => {
    const ua = sel({ header: { "User-Agent": "ENROLLClient*" } });
    expect(ua.matches({ headers: { "user-agent": "ENROLLClient" } })).toBe(true);
    expect(ua.matches({ headers: { "USER-AGENT": "ENROLLClient/2" } })).toBe(true);
    expect(ua.matches({ headers: { "user-agent": "Mozilla/5.0" } })).toBe(false);
    expect(ua.matches({ headers: {} })).toBe(false);
    expect(sel({ header: { "x-forwarded-for": "" } }).matches({ headers: {} })).toBe(true);
    expect(ua.matches(undefined)).toBe(false); // a DNS lookup has no content
  });

  it("body: a glob covers the whole body, a /regex/ searches it", () => {
    expect(sel({ body: "*<RequestVersion> 9.0 </RequestVersion>*" }).matches({ body: discover("9.0") })).toBe(true);
    expect(sel({ body: "*<RequestVersion> 9.0 </RequestVersion>*" }).matches({ body: discover("5.0") })).toBe(false);
    expect(sel({ body: "/RequestVersion>\\s*9\\./" }).matches({ body: discover("9.0") })).toBe(true);
    expect(sel({ body: "/RequestVersion/g" }).matches({ body: discover("9.0") })).toBe(true);
    // The g flag is dropped: a second test does not start where the first stopped.
    expect(sel({ body: "/RequestVersion/g" }).matches({ body: discover("9.0") })).toBe(true);
  });

  it("field: equals (one or a list), notEquals (an allow-list), matches; all given must hold for one value", () => {
    const allow = sel({ field: { path: VERSION, notEquals: ["4.0", "5.0", "6.0", "7.0"] } });
    expect(["4.0", "5.0", "7.0", "9.0", "10.0"].map((v) => allow.matches({ body: discover(v) }))).toEqual([false, false, false, true, true]);
    expect(sel({ field: { path: VERSION, equals: "9.0" } }).matches({ body: discover("9.0") })).toBe(true);
    expect(sel({ field: { path: VERSION, equals: ["8.0", "9.0"] } }).matches({ body: discover("5.0") })).toBe(false);
    expect(sel({ field: { path: VERSION, matches: "/^[0-3]\\./" } }).matches({ body: discover("9.0") })).toBe(false);
    expect(sel({ field: { path: "OSVersion", matches: "26.*" } }).matches({ body: authenticate })).toBe(true);
    expect(sel({ field: { path: "OSVersion", matches: "26.*", notEquals: "26.0" } }).matches({ body: authenticate })).toBe(false);
    // A body without the field never matches, whatever the test (notEquals included).
    expect(sel({ field: { path: "Nope", notEquals: "x" } }).matches({ body: authenticate })).toBe(false);
  });

  it("all selectors AND-ed", () => {
    const s = sel({ header: { "user-agent": "ENROLLClient" }, field: { path: VERSION, equals: "9.0" } });
    expect(s.matches({ headers: { "user-agent": "ENROLLClient" }, body: discover("9.0") })).toBe(true);
    expect(s.matches({ headers: { "user-agent": "other" }, body: discover("9.0") })).toBe(false);
  });
});

describe("content selectors under the device's HTTP port", () => {
  function setup(faults: FaultSpec[]) {
    const clock = new VirtualClock();
    const served: HttpRequest[] = [];
    const ok: HttpResponse = { status: 200, headers: {}, body: bytes("ok"), url: "" };
    const http = new InMemoryHttp({ clock, handler: async (r) => (served.push(r), ok) });
    const events: TranscriptEvent[] = [];
    const resolved: ResolvedFault[] = faults.map((f, i) => ({ ...f, name: f.name ?? `faults[${i}]`, origin: `faults[${i}]` }));
    const entropy = new SeededEntropySource("1").forDevice(0, 0).fork("faults");
    const dns = zoneDns({ "mdm.example.test": { a: ["127.0.0.1"] } });
    const ports = faultyPorts(resolved, { id: "dev#0", platform: "windows", flow: "windows-byod", group: "pcs" }, { http, dns, clock, transcript: { record: (e) => events.push(e) }, entropy, runStart: clock.now() });
    const post = (body: Uint8Array) => ports.http.client().request({ method: "POST", url: "https://mdm.example.test/EnrollmentServer/Discovery.svc", headers: { "user-agent": "ENROLLClient" }, body, timeoutMs: 30_000 });
    return { served, events, ports, post };
  }

  it("fires on the request whose field the rule refuses, passes the others to the server, and says it was injected", async () => {
    const s = setup([{ name: "allow-list", match: { field: { path: VERSION, notEquals: ["4.0", "5.0", "6.0", "7.0"] } }, soapFault: { code: "Receiver", reason: "unsupported" } }]);
    expect((await s.post(discover("9.0"))).status).toBe(500);
    expect((await s.post(discover("5.0"))).status).toBe(200);
    expect(s.served).toHaveLength(1);
    expect(s.events.filter((e) => e.data.injected === true).map((e) => e.data.fault)).toEqual(["allow-list"]);
  });

  it("counts (nth) only the requests whose content matched", async () => {
    const s = setup([{ match: { body: "*9.0*", nth: 2 }, status: { code: 503 } }]);
    const seq = [await s.post(discover("5.0")), await s.post(discover("9.0")), await s.post(discover("5.0")), await s.post(discover("9.0"))].map((r) => r.status);
    expect(seq).toEqual([200, 200, 200, 503]);
  });

  it("never fires on a DNS lookup", async () => {
    const s = setup([{ match: { header: { "user-agent": "*" } }, dns: "nxdomain" }]);
    expect(await s.ports.dns.resolve4("mdm.example.test")).toEqual(["127.0.0.1"]);
    await expect(s.post(discover("9.0"))).rejects.toThrow(/getaddrinfo ENOTFOUND/); // the same entry does fire on the HTTP request
  });
});
