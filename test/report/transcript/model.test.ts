// SPDX-License-Identifier: MIT
/** The decoded transcript model: trace records → numbered, decoded, redacted entries. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TranscriptEvent } from "../../../src/ports/transcript.js";
import { ReportError } from "../../../src/report/errors.js";
import { Redactor } from "../../../src/report/redact.js";
import { decodeBody } from "../../../src/report/transcript/decode.js";
import { formatDeviceList, formatDeviceTranscript } from "../../../src/report/transcript/format.js";
import { deviceTranscript, listDevices, parseTrace } from "../../../src/report/transcript/model.js";
import { transcriptBody } from "../../../src/protocol/common/exchange.js";
import { withoutBodies } from "../../../src/ports/transcript.js";

const FIX = join(import.meta.dirname, "../../fixtures");
const b64 = (file: string): string => readFileSync(join(FIX, file)).toString("base64");

const http = (device: string, step: string, req: Record<string, unknown>, res?: Record<string, unknown>, t = 1): TranscriptEvent => ({
  t,
  device,
  step,
  kind: "http",
  data: { request: { method: "POST", url: "https://mdm.test/x", headers: {}, ...req }, ...(res ? { response: { status: 200, headers: {}, ...res } } : { error: "connect ECONNREFUSED" }), ms: 2 },
});

describe("decodeBody", () => {
  it("decodes SCEP CertRep: messageType, status, transaction, nonces, certificates (subject, issuer, validity, serial)", () => {
    const m = decodeBody({ base64: b64("scep/certrep-pending.der") }, "application/x-pki-message");
    expect(m.format).toBe("scep");
    expect(m.summary[0]).toMatch(/^SCEP CertRep PENDING; transactionID /);
    const s = m.structure as { pkiStatus: string; certificates: { subject: string; issuer: string; serial: string; notBefore: string; notAfter: string }[] };
    expect(s.pkiStatus).toBe("PENDING");
    expect(s.certificates.length).toBeGreaterThan(0);
    expect(s.certificates[0]).toEqual(expect.objectContaining({ subject: expect.any(String), issuer: expect.any(String), serial: expect.stringMatching(/^[0-9a-f]+$/), notBefore: expect.stringMatching(/^\d{4}-/) }));
    expect(m.summary.some((l) => l.startsWith("certificate: subject "))).toBe(true);
  });

  it("decodes an X.509 certificate (PEM text) and a PKCS#10 request (DER), hiding a challenge password", () => {
    const cert = decodeBody({ text: readFileSync(join(FIX, "scep/ca.pem"), "utf8") }, "application/x-x509-ca-cert");
    expect(cert.format).toBe("x509");
    expect(cert.summary[0]).toMatch(/^certificate: subject .*; issuer .*; valid .* to .*; serial /);
    const csr = decodeBody({ base64: b64("scep/csr.der") });
    expect(csr.format).toBe("pkcs10");
    expect(JSON.stringify(csr.structure)).not.toMatch(/challengePassword":"(?!\[REDACTED\])/);
  });

  it("decodes plist, SyncML, SOAP and provisioning JSON", () => {
    const plist = decodeBody({ text: readFileSync(join(FIX, "apple/authenticate.plist"), "utf8") }, "application/x-apple-aspen-mdm-checkin");
    expect(plist.format).toBe("plist");
    expect(plist.summary).toContain("MessageType: Authenticate");
    const syncml = decodeBody({
      text: '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>7</SessionID><MsgID>1</MsgID><Target><LocURI>https://mdm</LocURI></Target><Source><LocURI>dev</LocURI></Source></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status><Get><CmdID>2</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get><Final/></SyncBody></SyncML>',
    });
    expect(syncml.format).toBe("syncml");
    expect(syncml.summary).toEqual(["SyncML session 7 message 1 (final)", "Status #1: SyncHdr #0 → 200", "Get #2: ./DevDetail/SwV"]);
    const soap = decodeBody({
      text: '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>urn:x/Discover</a:Action></s:Header><s:Body><Discover xmlns="urn:d"><request><EmailAddress>u@contoso.example.com</EmailAddress></request></Discover></s:Body></s:Envelope>',
    });
    expect(soap.format).toBe("soap");
    expect(soap.summary).toEqual(["SOAP urn:x/Discover", "body: <Discover>"]);
    const json = decodeBody({ text: '{"android.app.extra.PROVISIONING_WIFI_SSID":"corp","android.app.extra.PROVISIONING_WIFI_PASSWORD":"[REDACTED]"}' }, "application/json");
    expect(json.format).toBe("json");
    expect(json.summary).toContain("android.app.extra.PROVISIONING_WIFI_SSID: corp");
  });

  it("says plainly what it cannot show: withheld, omitted, undecodable binary", () => {
    expect(decodeBody({ base64: "[REDACTED]" }).summary).toEqual(["body withheld: it holds a secret"]);
    expect(decodeBody({ omitted: "larger than 65536 bytes" }).format).toBe("omitted");
    expect(decodeBody({ base64: Buffer.from([1, 2, 3, 250]).toString("base64") }).summary[0]).toMatch(/^4 bytes, not a message/);
  });
});

describe("bodies in the trace are redacted", () => {
  it("a plist value under a sensitive key, a WS-Security password, and a binary body holding a secret are hidden", () => {
    const r = new Redactor();
    const e = r.redactEvent(
      http(
        "d",
        "s",
        { body: { text: '<wsse:Password Type="x">hunter2</wsse:Password><wsse:BinarySecurityToken ValueType="urn:x#PKCS10">MIIBpublic</wsse:BinarySecurityToken>' } },
        {
          body: transcriptBody(Buffer.from("\x30\x82<plist><dict><key>Challenge</key><string>per-device-secret</string></dict></plist>\x00")),
        },
      ),
    );
    const text = JSON.stringify(e);
    expect(text).not.toContain("hunter2");
    expect(text).toContain("MIIBpublic"); // a PKCS#10 request is public
    expect(text).not.toContain(Buffer.from("per-device-secret").toString("base64").slice(0, 12));
    expect((e.data.response as { body: { base64: string } }).body.base64).toBe("[REDACTED]");
    expect(r.redactString("<wst:TokenType>http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken</wst:TokenType>")).toContain("DeviceEnrollmentToken</wst:TokenType>");
    expect(r.redactString("<wsse:BinarySecurityToken>eyJhbGciOi.secret</wsse:BinarySecurityToken>")).toBe("<wsse:BinarySecurityToken>[REDACTED]</wsse:BinarySecurityToken>");
    const plist = r.redactString("<key>PushMagic</key><string>abc</string><key>Token</key><data>AAAA</data><key>UDID</key><string>u1</string>");
    expect(plist).toBe("<key>PushMagic</key><string>abc</string><key>Token</key><data>[REDACTED]</data><key>UDID</key><string>u1</string>");
  });
});

describe("deviceTranscript", () => {
  const events: TranscriptEvent[] = [
    http("a", "scep.getcacert", {}, { contentType: "application/x-x509-ca-cert", body: { text: readFileSync(join(FIX, "scep/ca.pem"), "utf8") } }),
    { t: 2, device: "b", step: "scep.getcacaps", kind: "note", data: { injected: true, fault: "f0", entry: 0, action: { status: 503 }, target: "GET /scep" } },
    http("a", "checkin", { body: { text: "<plist><dict><key>UnlockToken</key><data>c2VjcmV0c2VjcmV0</data></dict></plist>" } }),
    { t: 3, device: "a", step: "device", kind: "outcome", data: { ok: false, code: "transport.refused", message: "connection refused" } },
  ];

  it("numbers entries, gives each message its direction and decoding, and re-redacts what it reads", () => {
    const t = deviceTranscript(events, "a");
    expect(t.entries.map((e) => [e.n, e.kind, e.step])).toEqual([
      [1, "exchange", "scep.getcacert"],
      [2, "exchange", "checkin"],
      [3, "outcome", "device"],
    ]);
    expect(t.entries[0]!.response).toEqual(expect.objectContaining({ direction: "server → device", contentType: "application/x-x509-ca-cert" }));
    expect(t.entries[0]!.response!.message.format).toBe("x509");
    expect(t.entries[1]!.error).toBe("connect ECONNREFUSED");
    expect(JSON.stringify(t)).not.toContain("c2VjcmV0c2VjcmV0");
    expect(t.outcome).toEqual({ ok: false, code: "transport.refused", message: "connection refused" });
    const text = formatDeviceTranscript(t);
    expect(text).toMatch(/^1\. scep\.getcacert {2}POST https:\/\/mdm\.test\/x → 200 application\/x-x509-ca-cert 2\.0 ms\n {3}server → device {2}x509: certificate: subject /m);
    expect(text).toContain("outcome: FAILED transport.refused\n  enrollsim's diagnosis: connection refused");
  });

  it("labels an injected fault, lists devices with outcomes, and refuses an unknown device naming the known ones", () => {
    expect(deviceTranscript(events, "b").entries[0]).toEqual(expect.objectContaining({ kind: "injected", lines: ['INJECTED FAULT f0 (0): {"status":503} on "GET /scep"'] }));
    expect(listDevices(events)).toEqual([
      { device: "a", exchanges: 2, outcome: { ok: false, code: "transport.refused", message: "connection refused" } },
      { device: "b", exchanges: 0 },
    ]);
    expect(formatDeviceList(listDevices(events), "t.ndjson")).toContain("(no outcome recorded)");
    expect(() => deviceTranscript(events, "zz")).toThrow(/no device "zz" in this trace; it has a, b/);
  });

  it("terminal text escapes control sequences a server put in its answer", () => {
    const evil = [http("a", "s", {}, { body: { text: "hello \u001b]8;;http://evil\u0007link" } })];
    expect(formatDeviceTranscript(deviceTranscript(evil, "a"))).not.toContain("\u001b");
  });
});

describe("parseTrace", () => {
  it("a corrupt or truncated line is named by file:line:column; a non-record line too", () => {
    const good = JSON.stringify({ t: 1, device: "a", step: "s", kind: "note", data: {} });
    expect(parseTrace(`${good}\n\n${good}\n`, "t.ndjson")).toHaveLength(2);
    expect(() => parseTrace(`${good}\n${good.slice(0, 20)}`, "t.ndjson")).toThrow(ReportError);
    expect(() => parseTrace(`${good}\n${good.slice(0, 20)}`, "t.ndjson")).toThrow(/^t\.ndjson:2:21: not valid JSON: .*truncated/);
    expect(() => parseTrace(`${good}\n{"t":1}\n`, "t.ndjson")).toThrow(/^t\.ndjson:2:1: not a trace record/);
    expect(() => parseTrace("", "t.ndjson")).toThrow(/holds no trace records/);
  });
});

describe("withoutBodies", () => {
  it("a sink that does not take bodies gets the exchange without them, everything else intact", () => {
    const e = http("d", "s", { body: { text: "password=hunter2" } }, { body: { text: "ok" }, contentType: "text/plain" });
    const stripped = withoutBodies(e);
    expect(JSON.stringify(stripped)).not.toContain("hunter2");
    expect(stripped.data.request).toEqual({ method: "POST", url: "https://mdm.test/x", headers: {} });
    expect(stripped.data.response).toEqual({ status: 200, headers: {}, contentType: "text/plain" });
    const note: TranscriptEvent = { t: 1, device: "d", step: "s", kind: "note", data: { body: "x" } };
    expect(withoutBodies(note)).toBe(note);
  });
});

describe("a signed profile holding a secret: bytes withheld, content shown with the secret values redacted", () => {
  it("the served enrollment profile: the SCEP challenge is redacted, everything else the device received is readable", async () => {
    const { appleWorld } = await import("../../device/apple/harness.js");
    const w = await appleWorld({ profile: { set: { "Configuration/PayloadScope": "System" } } });
    const res = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/enroll", headers: {} });
    const challenge = w.ref.scep.config.challenge;
    expect(Buffer.from(res.body).toString("latin1")).toContain(challenge);
    const r = new Redactor();
    r.addSecret(challenge);
    const e = r.redactEvent(http("d", "profile.download", { method: "GET" }, { contentType: "application/x-apple-aspen-config", body: transcriptBody(res.body) }));
    const body = (e.data.response as { body: { base64: string; redactedPlist: string } }).body;
    expect(body.base64).toBe("[REDACTED]");
    expect(JSON.stringify(e)).not.toContain(challenge);
    expect(body.redactedPlist).toContain("<key>Challenge</key>");
    const m = decodeBody(body, "application/x-apple-aspen-config");
    expect(m.format).toBe("plist");
    expect(m.summary[0]).toMatch(/^bytes withheld \(they hold a secret\)/);
    const s = m.structure as { PayloadScope: string; PayloadContent: Record<string, unknown>[] };
    expect(s.PayloadScope).toBe("System");
    const scep = s.PayloadContent.find((p) => p.PayloadType === "com.apple.security.scep")!;
    expect((scep.PayloadContent as Record<string, unknown>).Challenge).toBe("[REDACTED]");
    const mdm = s.PayloadContent.find((p) => p.PayloadType === "com.apple.mdm")!;
    expect(mdm.ServerCapabilities).toEqual(["com.apple.mdm.per-user-connections", "com.apple.mdm.bootstraptoken"]);
    // Read again (trace show re-redacts what it reads): still no secret, still readable.
    const again = r.redactEvent(e);
    expect((again.data.response as { body: { redactedPlist: string } }).body.redactedPlist).toBe(body.redactedPlist);
  });
});
