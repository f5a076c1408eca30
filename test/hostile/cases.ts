// SPDX-License-Identifier: MIT
/**
 * The hostile cases, one table per platform half. Each row: the flow, the hostile rule (which
 * endpoint, which misbehaviour) and what the device must end with: code, blame and step.
 * README.md in this folder has the same table for people.
 */
import type { HttpResponse } from "../../src/ports/http.js";
import { billionLaughs, certBag, deepXml, externalEntity, garbage, mutate, soapFault, syncmlWith, truncate } from "./bodies.js";
import type { Group, RunSpec } from "./run.js";
import type { Misbehaviour, Rule } from "./server.js";

export interface HostileCase extends Omit<RunSpec, "groups"> {
  id: string;
  group: Group;
  expect: { code: string; blame: string; step: string };
}

const CHALLENGE = "enrollsim-challenge";
export const G = {
  scep: { model: "pixel-8", flow: "scep", options: (b) => ({ scep: { url: `${b.http}/scep`, challenge: CHALLENGE } }) },
  ios: { model: "iphone-15", flow: "ios-profile" },
  ade: { model: "macbook-air-m3", flow: "macos-ade", options: () => ({ apple: { ade: { cloudConfigUrl: "/apple/ade/cloudconfig" } } }) },
  win: { model: "windows-11-laptop", flow: "windows-byod", options: (b) => ({ windows: { upn: "user@contoso.com", discoveryUrl: `${b.https}/EnrollmentServer/Discovery.svc` } }) },
  qr: { model: "pixel-8", flow: "android-qr" },
  token: { model: "pixel-8", flow: "android-token" },
  aosp: { model: "zebra-tc52", flow: "android-aosp", options: () => ({ android: { profile: "aosp" } }) },
} satisfies Record<string, Group>;
const AOSP_REF = { platforms: { android: { profiles: { aosp: { mode: "aosp", dpc: "headwind" } } } } };

const on = (path: string, act: Misbehaviour, more: Partial<Rule> = {}): Rule[] => [{ path, act, ...more }];
const rewrite = (fn: (real: HttpResponse) => { status?: number; headers?: Record<string, string>; body: Buffer | string }): Misbehaviour => ({ kind: "rewrite", fn });
const as = (contentType: string, body: Buffer | string, status = 200) => rewrite(() => ({ status, headers: { "content-type": contentType }, body }));
const keepType = (fn: (b: Uint8Array) => Buffer | string) => rewrite((r) => ({ status: r.status, headers: { "content-type": r.headers["content-type"] ?? "" }, body: fn(r.body) }));

const PKI = "/scep?operation=PKIOperation*";
const CACERT = "/scep?operation=GetCACert*";
const CACAPS = "/scep?operation=GetCACaps*";
const PROFILE = "/apple/enroll";
const CHECKIN = "/apple/checkin";
const MDM = "/apple/mdm";
const DISC = "/EnrollmentServer/Discovery.svc";
const XCEP = "/EnrollmentServer/Policy.svc";
const WSTEP = "/EnrollmentServer/Enrollment.svc";
const DM = "/ManagementServer/MDM.svc";
const PAYLOAD = "/android/provisioning/*";
const APK = "/android/apk/*";
const AMAPI = "/android/amapi/*";
const HMDM = "/android/hmdm/rest/*";
const PLIST = "application/x-apple-aspen-config";
const SOAP = "application/soap+xml; charset=utf-8";
const SYNCML = "application/vnd.syncml.dm+xml";

export const SCEP_CASES: HostileCase[] = [
  { id: "scep-getcacaps-endless", group: G.scep, base: "http", rules: on(CACAPS, { kind: "endless" }), expect: { code: "transport.too-large", blame: "transport", step: "scep.getcacaps" } },
  { id: "scep-getcacert-garbage-der", group: G.scep, base: "http", rules: on(CACERT, as("application/x-x509-ca-cert", garbage(900))), expect: { code: "asn1.malformed", blame: "server", step: "scep.getcacert" } },
  {
    id: "scep-getcacert-truncated-der",
    group: G.scep,
    base: "http",
    rules: on(
      CACERT,
      keepType((b) => truncate(b)),
    ),
    expect: { code: "asn1.malformed", blame: "server", step: "scep.getcacert" },
  },
  {
    id: "scep-getcacert-cert-bag-5000",
    group: G.scep,
    base: "http",
    limits: { maxResponseBytes: 16 * 1024 * 1024 },
    rules: [{ path: CACERT, act: rewrite((r) => ({ headers: { "content-type": "application/x-x509-ca-ra-cert" }, body: certBag(r.body, 5000) })) }],
    expect: { code: "asn1.too-large", blame: "server", step: "scep.getcacert" },
  },
  {
    id: "scep-getcacert-wrong-content-type",
    group: G.scep,
    base: "http",
    rules: on(
      CACERT,
      rewrite((x) => ({ headers: { "content-type": "text/html" }, body: Buffer.from(x.body) })),
    ),
    expect: { code: "scep.wrong-content-type", blame: "server", step: "scep.getcacert" },
  },
  { id: "scep-pkioperation-garbage-cms", group: G.scep, base: "http", rules: on(PKI, as("application/x-pki-message", garbage(2000))), expect: { code: "asn1.malformed", blame: "server", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-mutated-cms", group: G.scep, base: "http", rules: on(PKI, keepType(mutate)), expect: { code: "asn1.malformed", blame: "server", step: "scep.pkioperation" } },
  {
    id: "scep-pkioperation-truncated-cms",
    group: G.scep,
    base: "http",
    rules: on(
      PKI,
      keepType((b) => truncate(b, 0.7)),
    ),
    expect: { code: "asn1.malformed", blame: "server", step: "scep.pkioperation" },
  },
  { id: "scep-pkioperation-wrong-signer", group: G.scep, base: "http", reference: { scep: { fault: "unknown-signer" } }, expect: { code: "scep.unknown-signer", blame: "server", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-wrong-transaction-id", group: G.scep, base: "http", reference: { scep: { fault: "wrong-transaction-id" } }, expect: { code: "scep.transaction-mismatch", blame: "server", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-wrong-nonce", group: G.scep, base: "http", reference: { scep: { fault: "wrong-recipient-nonce" } }, expect: { code: "scep.nonce-mismatch", blame: "server", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-reset-before", group: G.scep, base: "http", rules: on(PKI, { kind: "reset-before" }), expect: { code: "transport.reset", blame: "transport", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-reset-mid-body", group: G.scep, base: "http", rules: on(PKI, { kind: "reset-mid" }), expect: { code: "transport.reset", blame: "transport", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-slow-body", group: G.scep, base: "http", rules: on(PKI, { kind: "slow-body", everyMs: 50 }), expect: { code: "transport.timeout", blame: "transport", step: "scep.pkioperation" } },
  {
    id: "scep-pkioperation-gzip-bomb",
    group: G.scep,
    base: "http",
    rules: on(PKI, { kind: "gzip-bomb", inflated: 64 * 1024 * 1024, contentType: "application/x-pki-message" }),
    expect: { code: "asn1.malformed", blame: "server", step: "scep.pkioperation" },
  },
  { id: "scep-pkioperation-wrong-length", group: G.scep, base: "http", rules: on(PKI, { kind: "wrong-length", extra: 100 }), expect: { code: "transport.reset", blame: "transport", step: "scep.pkioperation" } },
  { id: "scep-pkioperation-http10-never-ends", group: G.scep, base: "http", rules: on(PKI, { kind: "http10-open" }), expect: { code: "transport.timeout", blame: "transport", step: "scep.pkioperation" } },
];

export const APPLE_CASES: HostileCase[] = [
  { id: "apple-profile-billion-laughs", group: G.ios, rules: on(PROFILE, as(PLIST, billionLaughs("plist"))), expect: { code: "apple.profile.malformed", blame: "protocol-outcome", step: "profile.parse" } },
  { id: "apple-profile-external-entity", group: G.ios, rules: on(PROFILE, as(PLIST, externalEntity("plist"))), expect: { code: "apple.profile.malformed", blame: "protocol-outcome", step: "profile.parse" } },
  { id: "apple-profile-deep-nesting", group: G.ios, rules: on(PROFILE, as(PLIST, deepXml(10_000, "array"))), expect: { code: "apple.profile.malformed", blame: "protocol-outcome", step: "profile.parse" } },
  { id: "apple-profile-binary-plist", group: G.ios, rules: on(PROFILE, as(PLIST, Buffer.concat([Buffer.from("bplist00"), garbage(300)]))), expect: { code: "apple.profile.malformed", blame: "protocol-outcome", step: "profile.parse" } },
  { id: "apple-profile-mutated-cms", group: G.ios, rules: on(PROFILE, keepType(mutate)), expect: { code: "apple.profile.malformed", blame: "protocol-outcome", step: "profile.parse" } },
  { id: "apple-profile-huge-body", group: G.ios, rules: on(PROFILE, { kind: "huge", bytes: 100 * 1024 * 1024 }), expect: { code: "transport.too-large", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-slow-headers", group: G.ios, rules: on(PROFILE, { kind: "slow-headers", everyMs: 20 }), expect: { code: "transport.timeout", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-redirect-loop", group: G.ios, rules: on(PROFILE, { kind: "redirect", to: (b) => `${b.https}/apple/enroll` }), expect: { code: "transport.http-status", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-redirect-off-host", group: G.ios, rules: on(PROFILE, { kind: "redirect", to: () => "https://mdm.evil.invalid/apple/enroll" }), expect: { code: "transport.http-status", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-redirect-to-http", group: G.ios, rules: on(PROFILE, { kind: "redirect", to: (b) => `${b.http}/apple/enroll` }), expect: { code: "transport.http-status", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-tls-self-signed", group: G.ios, tls: "self-signed", expect: { code: "transport.tls", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-tls-expired", group: G.ios, tls: "expired", expect: { code: "transport.tls", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-tls-wrong-host", group: G.ios, tls: "wrong-host", expect: { code: "transport.tls", blame: "transport", step: "profile.download" } },
  { id: "apple-profile-tls1.0-only", group: G.ios, tls: "tls1.0-only", expect: { code: "transport.tls", blame: "transport", step: "profile.download" } },
  { id: "apple-checkin-reset-before-answer", group: G.ios, rules: on(CHECKIN, { kind: "reset-before" }), expect: { code: "transport.reset", blame: "transport", step: "checkin.authenticate" } },
  { id: "apple-ade-bootstrap-token-garbage-plist", group: G.ade, rules: on(CHECKIN, as("application/xml", garbage(500)), { nth: 4 }), expect: { code: "plist.encoding", blame: "server", step: "checkin.getbootstraptoken" } },
  { id: "apple-checkin-no-answer", group: G.ios, rules: on(CHECKIN, { kind: "no-answer" }), expect: { code: "transport.timeout", blame: "transport", step: "checkin.authenticate" } },
  {
    id: "apple-checkin-wrong-content-type",
    group: G.ios,
    rules: on(
      MDM,
      rewrite(() => ({ headers: { "content-type": "text/html" }, body: "<html>hi</html>" })),
    ),
    expect: { code: "apple.command.content-type", blame: "server", step: "command.idle" },
  },
  { id: "apple-command-billion-laughs", group: G.ios, rules: on(MDM, as("application/xml", billionLaughs("plist"))), expect: { code: "plist.entity", blame: "server", step: "command.idle" } },
  { id: "apple-command-binary-plist", group: G.ios, rules: on(MDM, as("application/xml", Buffer.concat([Buffer.from("bplist00"), garbage(300)]))), expect: { code: "plist.binary", blame: "server", step: "command.idle" } },
  {
    id: "apple-command-endless-commands",
    group: G.ios,
    limits: { sessionCommands: 40 },
    rules: on(
      MDM,
      rewrite(() => ({ headers: { "content-type": "application/xml" }, body: endlessCommand() })),
    ),
    expect: { code: "limit.session-commands", blame: "server", step: "command.DeviceInformation" },
  },
  { id: "apple-command-huge-body", group: G.ios, rules: on(MDM, { kind: "huge", bytes: 1 << 30 }), expect: { code: "transport.too-large", blame: "transport", step: "command.idle" } },
  { id: "apple-ade-cloudconfig-garbage-json", group: G.ade, rules: on("/apple/ade/cloudconfig*", as("application/json", garbage(400))), expect: { code: "apple.ade.cloudconfig", blame: "server", step: "ade.cloudconfig" } },
  { id: "apple-ade-cloudconfig-deep-json", group: G.ade, rules: on("/apple/ade/cloudconfig*", as("application/json", "[".repeat(100_000))), expect: { code: "apple.ade.cloudconfig", blame: "server", step: "ade.cloudconfig" } },
  {
    id: "apple-ade-enroll-truncated-profile",
    group: G.ade,
    rules: on(
      "/apple/ade/enroll",
      keepType((b) => truncate(b)),
    ),
    expect: { code: "apple.profile.malformed", blame: "protocol-outcome", step: "profile.parse" },
  },
  {
    id: "apple-ade-enroll-redirect-other-scheme",
    group: G.ade,
    rules: on("/apple/ade/enroll", { kind: "redirect", status: 307, to: () => "ftp://127.0.0.1/enroll" }),
    expect: { code: "transport.http-status", blame: "transport", step: "ade.enroll" },
  },
];

let uuid = 0;
/** A new command every time (never the same UUID): a server that never stops sending. */
function endlessCommand(): string {
  return `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist version="1.0"><dict><key>CommandUUID</key><string>endless-${++uuid}</string><key>Command</key><dict><key>RequestType</key><string>DeviceInformation</string><key>Queries</key><array><string>UDID</string></array></dict></dict></plist>`;
}

export const WINDOWS_CASES: HostileCase[] = [
  { id: "windows-discovery-billion-laughs", group: G.win, rules: on(DISC, as(SOAP, billionLaughs("s:Envelope")), { method: "POST" }), expect: { code: "xml.doctype", blame: "server", step: "discovery.post" } },
  { id: "windows-discovery-external-entity", group: G.win, rules: on(DISC, as(SOAP, externalEntity("s:Envelope")), { method: "POST" }), expect: { code: "xml.doctype", blame: "server", step: "discovery.post" } },
  { id: "windows-discovery-deep-nesting", group: G.win, rules: on(DISC, as(SOAP, deepXml(10_000)), { method: "POST" }), expect: { code: "xml.too-deep", blame: "server", step: "discovery.post" } },
  {
    id: "windows-discovery-soap-fault-hostile-text",
    group: G.win,
    rules: on(
      DISC,
      rewrite((r) => ({ status: 500, headers: { "content-type": SOAP }, body: soapFault(r) })),
      { method: "POST" },
    ),
    expect: { code: "windows.fault.UltraViolet", blame: "protocol-outcome", step: "discovery.post" },
  },
  { id: "windows-discovery-redirect-loop", group: G.win, rules: on(DISC, { kind: "redirect", to: (b) => `${b.https}${DISC}` }, { method: "GET" }), expect: { code: "transport.http-status", blame: "transport", step: "discovery.get" } },
  {
    id: "windows-discovery-redirect-off-host",
    group: G.win,
    rules: on(DISC, { kind: "redirect", status: 307, to: () => `https://enterpriseenrollment.evil.invalid${DISC}` }, { method: "POST" }),
    expect: { code: "transport.http-status", blame: "transport", step: "discovery.post" },
  },
  { id: "windows-discovery-tls-self-signed", group: G.win, tls: "self-signed", expect: { code: "transport.tls", blame: "transport", step: "discovery.get" } },
  { id: "windows-discovery-tls-expired", group: G.win, tls: "expired", expect: { code: "transport.tls", blame: "transport", step: "discovery.get" } },
  { id: "windows-discovery-tls-wrong-host", group: G.win, tls: "wrong-host", expect: { code: "transport.tls", blame: "transport", step: "discovery.get" } },
  { id: "windows-discovery-tls1.0-only", group: G.win, tls: "tls1.0-only", expect: { code: "transport.tls", blame: "transport", step: "discovery.get" } },
  { id: "windows-discovery-client-cert-demanded", group: G.win, tls: "client-cert-required", expect: { code: "transport.tls", blame: "transport", step: "discovery.get" } },
  // A server renegotiating for a client certificate after the request (TLS 1.2): WinHTTP fails on it (device/tls-renegotiation.ts).
  { id: "windows-discovery-renegotiates-mid-connection", group: G.win, tls: "renegotiate-client-cert", expect: { code: "transport.tls", blame: "transport", step: "discovery.get" } },
  { id: "windows-xcep-garbage-soap", group: G.win, rules: on(XCEP, as(SOAP, garbage(3000))), expect: { code: "xml.malformed", blame: "server", step: "policy.getpolicies" } },
  {
    id: "windows-xcep-truncated-soap",
    group: G.win,
    rules: on(
      XCEP,
      keepType((b) => truncate(b)),
    ),
    expect: { code: "xml.malformed", blame: "server", step: "policy.getpolicies" },
  },
  {
    id: "windows-xcep-wrong-content-type",
    group: G.win,
    rules: on(
      XCEP,
      rewrite((r) => ({ headers: { "content-type": "text/html" }, body: Buffer.from(r.body) })),
    ),
    expect: { code: "soap.content-type", blame: "server", step: "policy.getpolicies" },
  },
  { id: "windows-xcep-no-answer", group: G.win, rules: on(XCEP, { kind: "no-answer" }), expect: { code: "transport.timeout", blame: "transport", step: "policy.getpolicies" } },
  { id: "windows-wstep-mutated-soap", group: G.win, rules: on(WSTEP, keepType(mutate)), expect: { code: "xml.malformed", blame: "server", step: "enroll.rst" } },
  {
    id: "windows-wstep-soap-fault-unknown-code",
    group: G.win,
    rules: on(
      WSTEP,
      rewrite((r) => ({ status: 500, headers: { "content-type": SOAP }, body: soapFault(r) })),
    ),
    expect: { code: "windows.fault.UltraViolet", blame: "protocol-outcome", step: "enroll.rst" },
  },
  { id: "windows-wstep-reset-before", group: G.win, rules: on(WSTEP, { kind: "reset-before" }), expect: { code: "transport.reset", blame: "transport", step: "enroll.rst" } },
  {
    id: "windows-wstep-entity-in-provisioning",
    group: G.win,
    rules: on(
      WSTEP,
      keepType((b) =>
        Buffer.from(b)
          .toString("utf8")
          .replace(/^(<\?xml[^>]*\?>)?/, `$1<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>`),
      ),
    ),
    expect: { code: "xml.doctype", blame: "server", step: "enroll.rst" },
  },
  {
    id: "windows-omadm-9000-commands",
    group: G.win,
    limits: { maxResponseBytes: 4 * 1024 * 1024 },
    rules: on(
      DM,
      rewrite((x) => ({ status: x.status, headers: { "content-type": SYNCML }, body: syncmlWith(x, 9000) })),
    ),
    expect: { code: "limit.session-commands", blame: "server", step: "dm.session" },
  },
  {
    id: "windows-omadm-huge-locuri",
    group: G.win,
    limits: { sessionBytes: 4 * 1024 * 1024 },
    rules: on(
      DM,
      rewrite((x) => ({ status: x.status, headers: { "content-type": SYNCML }, body: syncmlWith(x, 1, { locUri: `./Vendor/MSFT/Policy/Config/${"A".repeat(512 * 1024)}` }) })),
    ),
    expect: { code: "limit.session-bytes", blame: "server", step: "dm.session" },
  },
  {
    id: "windows-omadm-never-ends",
    group: G.win,
    rules: on(
      DM,
      rewrite((x) => ({ status: x.status, headers: { "content-type": SYNCML }, body: syncmlWith(x, 1, { final: false }) })),
    ),
    expect: { code: "syncml.too-many-messages", blame: "server", step: "dm.session" },
  },
  { id: "windows-omadm-garbage", group: G.win, rules: on(DM, as(SYNCML, garbage(2000))), expect: { code: "xml.malformed", blame: "server", step: "dm.session" } },
  { id: "windows-omadm-billion-laughs", group: G.win, rules: on(DM, as(SYNCML, billionLaughs("SyncML"))), expect: { code: "xml.doctype", blame: "server", step: "dm.session" } },
  { id: "windows-omadm-deep-nesting", group: G.win, rules: on(DM, as(SYNCML, deepXml(10_000, "Item"))), expect: { code: "xml.too-deep", blame: "server", step: "dm.session" } },
  {
    id: "windows-omadm-wrong-content-type",
    group: G.win,
    rules: on(
      DM,
      rewrite((r) => ({ headers: { "content-type": "text/plain" }, body: Buffer.from(r.body) })),
    ),
    expect: { code: "syncml.content-type", blame: "server", step: "dm.session" },
  },
];

export const ANDROID_CASES: HostileCase[] = [
  { id: "android-payload-garbage-json", group: G.qr, rules: on(PAYLOAD, as("application/json", garbage(300))), expect: { code: "android.payload.not-json", blame: "server", step: "android.provision.parse" } },
  { id: "android-payload-deep-json", group: G.qr, rules: on(PAYLOAD, as("application/json", `${"[".repeat(100_000)}`)), expect: { code: "android.payload.too-large", blame: "server", step: "android.provision.parse" } },
  { id: "android-payload-huge", group: G.qr, rules: on(PAYLOAD, { kind: "huge", bytes: 50 * 1024 * 1024 }), expect: { code: "transport.too-large", blame: "transport", step: "android.trigger.qr" } },
  { id: "android-payload-tls-self-signed", group: G.qr, tls: "self-signed", expect: { code: "transport.tls", blame: "transport", step: "android.trigger.qr" } },
  { id: "android-payload-client-cert-demanded", group: G.qr, tls: "client-cert-required", expect: { code: "transport.tls", blame: "transport", step: "android.trigger.qr" } },
  { id: "android-apk-endless", group: G.qr, rules: on(APK, { kind: "endless" }), expect: { code: "android.provision.download-failed", blame: "protocol-outcome", step: "android.provision.download" } },
  { id: "android-apk-garbage", group: G.qr, rules: on(APK, as("application/vnd.android.package-archive", garbage(50_000))), expect: { code: "android.provision.admin-missing", blame: "protocol-outcome", step: "android.provision.verify" } },
  { id: "android-apk-reset-mid-body", group: G.qr, rules: on(APK, { kind: "reset-mid" }), expect: { code: "android.provision.download-failed", blame: "protocol-outcome", step: "android.provision.download" } },
  { id: "android-apk-redirect-loop", group: G.qr, rules: on(APK, { kind: "redirect", to: (b, p) => `${b.https}${p}` }), expect: { code: "android.provision.download-failed", blame: "protocol-outcome", step: "android.provision.download" } },
  {
    id: "android-apk-gzip-bomb",
    group: G.qr,
    rules: on(APK, { kind: "gzip-bomb", inflated: 64 * 1024 * 1024, contentType: "application/vnd.android.package-archive" }),
    expect: { code: "android.provision.admin-missing", blame: "protocol-outcome", step: "android.provision.verify" },
  },
  { id: "android-amapi-garbage", group: G.qr, rules: on(AMAPI, as("application/json", garbage(300))), expect: { code: "android.amapi.malformed", blame: "server", step: "android.amapi.nonce" } },
  { id: "android-amapi-no-answer", group: G.qr, rules: on(AMAPI, { kind: "no-answer" }), expect: { code: "transport.timeout", blame: "transport", step: "android.amapi.nonce" } },
  { id: "android-amapi-html-error", group: G.qr, rules: on(AMAPI, as("text/html", "<html><body>\u202eBad gateway\x1b[2J</body></html>", 502)), expect: { code: "transport.http-status", blame: "transport", step: "android.amapi.redeem" } },
  { id: "android-amapi-wrong-length", group: G.token, rules: on(AMAPI, { kind: "wrong-length", extra: 50 }), expect: { code: "transport.reset", blame: "transport", step: "android.amapi.nonce" } },
  { id: "android-headwind-garbage", group: G.aosp, reference: AOSP_REF, rules: on(HMDM, as("application/json", garbage(300))), expect: { code: "android.headwind.malformed", blame: "server", step: "android.headwind.configuration" } },
  { id: "android-headwind-slow-body", group: G.aosp, reference: AOSP_REF, rules: on(HMDM, { kind: "slow-body", everyMs: 50 }), expect: { code: "transport.timeout", blame: "transport", step: "android.headwind.configuration" } },
  {
    id: "android-headwind-deep-json",
    group: G.aosp,
    reference: AOSP_REF,
    rules: on(HMDM, as("application/json", `{"status":"OK","data":${"[".repeat(100_000)}`)),
    expect: { code: "android.headwind.malformed", blame: "server", step: "android.headwind.configuration" },
  },
];

export const ALL_CASES = [...SCEP_CASES, ...APPLE_CASES, ...WINDOWS_CASES, ...ANDROID_CASES];
