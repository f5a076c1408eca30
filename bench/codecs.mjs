// SPDX-License-Identifier: MIT
// Micro-benchmark of the hot-path wire codecs: parsing and building a SyncML session message,
// an Apple check-in (TokenUpdate) plist, a command plist, a command report and the enrollment
// profile, and the DER of an enrolment (a certificate built around embedded DER, a CertRep parsed
// and written again, a certificate every device parses). No sockets, no
// crypto: the codec alone, so two builds can be compared in one sitting on the same machine.
//
//   node bench/codecs.mjs                 # this checkout's dist/
//   node bench/codecs.mjs /tmp/old/dist   # another build (e.g. `git archive <rev> | tar -x` + tsc)
//
// Prints one JSON line per case: CPU µs per operation (median of 7 batches, each ≥ 200 ms CPU).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dist = resolve(process.argv[2] ?? new URL("../dist", import.meta.url).pathname);
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { parseSyncML, writeSyncML } = await load("wire/windows/syncml.js");
const xml = await load("wire/windows/xml.js");
const xml2js = (await import("xml2js")).default;
const { parsePlist, buildPlistBytes } = await load("wire/apple/plist.js");
const { buildTokenUpdate, buildCommand, buildCommandResult, parseCheckin, parseCommand, parseCommandResult } = await load("wire/apple/mdm.js");

const fixture = (p) => readFileSync(new URL(`../test/fixtures/${p}`, import.meta.url));

// A server SyncML message as the reference server sends it (fixture) and a device's reply with
// a Status per command and a Results carrying DevDetail values.
const serverSyncml = fixture("windows/syncml-server.xml");
const reply = {
  hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "2", target: "https://mdm.contoso.com/ManagementServer/MDM.svc", source: "0123456789ABCDEF0123456789ABCDEF" },
  body: [
    { verb: "Status", cmdId: "1", msgRef: "1", cmdRef: "0", cmd: "SyncHdr", data: "200", items: [] },
    { verb: "Status", cmdId: "2", msgRef: "1", cmdRef: "2", cmd: "Get", data: "200", items: [] },
    { verb: "Results", cmdId: "3", msgRef: "1", cmdRef: "2", items: [{ source: "./DevDetail/SwV", meta: { format: "chr" }, data: "10.0.22631.2861" }] },
    { verb: "Status", cmdId: "4", msgRef: "1", cmdRef: "3", cmd: "Atomic", data: "507", items: [] },
    { verb: "Status", cmdId: "5", msgRef: "1", cmdRef: "4", cmd: "Replace", data: "215", items: [] },
    { verb: "Status", cmdId: "6", msgRef: "1", cmdRef: "5", cmd: "Replace", data: "404", items: [] },
  ],
  final: true,
};
const replyText = writeSyncML(reply);

const token = new Uint8Array(32).fill(7);
const tokenUpdate = buildTokenUpdate({ topic: "com.apple.mgmt.External.1f3c", ref: { udid: "00008110-001A2B3C4D5E6F70" }, token, pushMagic: "7A1B2C3D-0000-4000-8000-000000000001", unlockToken: new Uint8Array(512).fill(9) });
const tokenUpdateBytes = buildPlistBytes(tokenUpdate);
const command = buildCommand("0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F0", "DeviceInformation", { Queries: ["UDID", "DeviceName", "OSVersion", "BuildVersion", "ModelName", "SerialNumber", "IMEI", "WiFiMAC"] });
const commandBytes = buildPlistBytes(command);
const result = buildCommandResult({
  ref: { udid: "00008110-001A2B3C4D5E6F70" },
  status: "Acknowledged",
  commandUUID: "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F0",
  extra: { QueryResponses: { UDID: "00008110-001A2B3C4D5E6F70", DeviceName: "iPhone", OSVersion: "18.1", BuildVersion: "22B83", ModelName: "iPhone", SerialNumber: "F2LXK0XXHG7F", IMEI: "35 123456 789012 3", WiFiMAC: "a4:83:e7:00:00:01" } },
});
const resultBytes = buildPlistBytes(result);

// The same device reply through xml2js's Builder (xmlbuilder underneath), for the build-side
// comparison: the reply's element tree converted to xml2js's object form. xml2js keeps the order
// of differently named siblings only in its array form, which cannot carry the parent's
// attributes; SyncML's ordered containers (SyncBody, Status) have none, so it fits this message.
function toX2j(n) {
  const attrs = n.attrs;
  if (n.children.length === 0) return Object.keys(attrs).length ? { $: attrs, _: n.text } : n.text;
  if (Object.keys(attrs).length) return { $: attrs, ...Object.fromEntries(n.children.map((k) => [k.name, toX2j(k)])) };
  return n.children.map((k) => ({ [k.name]: toX2j(k) }));
}
const toEl = (n) => xml.el(n.name, n.attrs, ...(n.children.length ? n.children.map(toEl) : n.text ? [n.text] : []));
const replyNode = xml.parseXml(replyText, "reply");
const replyObj = { [replyNode.name]: toX2j(replyNode) };
const replyEl = toEl(replyNode);
const builder = new xml2js.Builder({ headless: true, renderOpts: { pretty: false } });

const profileBytes = fixture("apple/enrollment-profile.mobileconfig");

// A WS-Trust RequestSecurityToken as a Windows device sends it: a SOAP envelope around a 1.6 KB
// base64 PKCS#10 and a few context items (what the XML writer spends most of its bytes on).
const { buildEnvelope } = await load("wire/windows/soap.js");
const csrB64 = Buffer.alloc(1200, 0x5a).toString("base64");
const rst = {
  action: "http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep",
  messageId: "urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749",
  to: "https://mdm.contoso.com/EnrollmentServer/Enrollment.svc",
  security: { kind: "username", username: "user1@contoso.com", password: "bench-Passw0rd" },
  body: xml.el(
    "wst:RequestSecurityToken",
    { "xmlns:wst": "http://docs.oasis-open.org/ws-sx/ws-trust/200512" },
    xml.el("wst:TokenType", {}, "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken"),
    xml.el("wsse:BinarySecurityToken", { ValueType: "http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10", EncodingType: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary" }, csrB64),
    xml.el(
      "ac:AdditionalContext",
      { xmlns: "http://schemas.xmlsoap.org/ws/2006/12/authorization" },
      ...["UXInitiated", "HWDevID", "Locale", "TargetedUserLoggedIn", "OSEdition", "DeviceName", "MAC", "DeviceID", "EnrollmentType", "DeviceType", "OSVersion", "ApplicationVersion"].map((n) =>
        xml.el("ac:ContextItem", { Name: n }, xml.el("ac:Value", {}, n === "DeviceName" ? 'DESKTOP-<&>"1' : "value")),
      ),
    ),
  ),
};

// DER: a certificate built around its issuer, subject and key as DER (what the SCEP client's
// self-signed signer is; the signature is a stand-in, no crypto), a CertRep parsed and written
// again, and a CA certificate that every device of a fleet parses.
const der = await load("wire/asn1/der.js");
const { buildCertificate, parseCertificate } = await load("wire/x509/certificate.js");
const caDer = new Uint8Array(fixture("scep/getcacert-single.der"));
const ca = parseCertificate(caDer);
const certRep = new Uint8Array(fixture("scep/certrep-success.der"));
const noCrypto = { sign: () => new Uint8Array(256).fill(1) };
const template = { serial: Uint8Array.of(0x12, 0x34, 0x56, 0x78), issuer: ca.subjectDer, subject: ca.subjectDer, notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2027, 0, 1)), spki: ca.spki };

const cases = {
  "soap.build-rst-with-csr": () => buildEnvelope(rst),
  "syncml.parse-server-message": () => parseSyncML(serverSyncml),
  "syncml.parse-device-reply": () => parseSyncML(replyText),
  "syncml.build-device-reply": () => writeSyncML(reply),
  "xml.write-reply-tree.writeXml": () => xml.writeXml(replyEl),
  "xml.write-reply-tree.xml2js-builder": () => builder.buildObject(replyObj),
  "plist.parse-checkin-tokenupdate": () => parseCheckin(tokenUpdateBytes),
  "plist.build-checkin-tokenupdate": () => buildPlistBytes(tokenUpdate),
  "plist.parse-command": () => parseCommand(commandBytes),
  "plist.build-command": () => buildPlistBytes(command),
  "plist.parse-command-report": () => parseCommandResult(resultBytes),
  "plist.build-command-report": () => buildPlistBytes(result),
  "plist.parse-generic": () => parsePlist(resultBytes),
  "plist.parse-profile": () => parsePlist(profileBytes),
  "der.build-certificate": () => buildCertificate(template, { kind: "rsa", bits: 2048 }, "sha256", noCrypto),
  "der.parse-and-write-certrep": () => der.encode(der.decode(certRep, "CertRep")),
  "der.parse-shared-ca-certificate": () => parseCertificate(caDer),
};

// CPU time of this thread (user + system), not wall time: the machine is shared, and another
// process's load should not count against either build.
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
function time(fn) {
  let n = 0;
  const t0 = cpuUs();
  let dt = 0;
  while (dt < 200_000) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    dt = cpuUs() - t0;
  }
  return dt / n;
}

for (const [name, fn] of Object.entries(cases)) {
  fn();
  time(fn); // warm up
  const runs = Array.from({ length: 7 }, () => time(fn)).sort((a, b) => a - b);
  console.log(JSON.stringify({ bench: name, dist, usPerOp: +runs[3].toFixed(2), min: +runs[0].toFixed(2), max: +runs[6].toFixed(2) }));
}
