// SPDX-License-Identifier: MIT
/**
 * The Apple half of the reference server, strict like a careful MDM server:
 * - GET  /apple/enroll             CMS-signed enrollment profile (root anchor, SCEP → foundation CA, MDM)
 * - POST /apple/ade/enroll         ADE: CMS-signed MachineInfo (verified against the test device CA) → profile
 *   GET  /apple/ade/enroll         same, web-view style, MachineInfo in x-apple-aspen-deviceinfo
 * - PUT  /apple/checkin            check-in (POST → 405); identity by mTLS or Mdm-Signature, issued by the foundation CA
 * - PUT  /apple/mdm                command channel (POST → 405)
 * - POST /apple/api/commands       enqueue {udid, requestType, payload}; GET /apple/api/devices[/UDID] results
 * - GET  /apple/ade/cloudconfig    stand-in for Apple's cloud-configuration service (JSON; 404 when unassigned)
 * - GET  /apple/ca.pem             the reference CA (devices in embedded runs read it over verified HTTPS)
 */
import { randomUUID } from "node:crypto";
import { ScenarioError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { testDeviceCa } from "../../device/apple/device-ca.js";
import { parseSignedData, findSignerCert, verifySigner } from "../../wire/cms/signed-data.js";
import {
  CHECKIN_CONTENT_TYPE,
  PROFILE_CONTENT_TYPE,
  buildCommand,
  parseCheckin,
  parseCommandResult,
  verifyMdmSignature,
} from "../../wire/apple/mdm.js";
import { buildPlistBytes, isDict, parsePlistDict, type PlistDict, type PlistValue } from "../../wire/apple/plist.js";
import { buildProfileDict, payloadHeader, signProfile } from "../../wire/apple/profile.js";
import { buildCertificate, hex, parseCertificate, sameBytes, toPem, verifyCertificateSignature, type Certificate } from "../../wire/x509/certificate.js";
import { basicConstraints, keyUsage, extKeyUsage } from "../../wire/x509/extensions.js";
import { compareVersions } from "../../device/apple/commands.js";
import type { HalfContext, ServerHalf } from "../half.js";

export const APPLE_SERVER_FAULTS = ["missing-identity-uuid", "bad-topic", "no-anchor", "checkin-401", "command-html", "unsigned-profile", "first-authenticate-500"] as const;
export type AppleServerFault = (typeof APPLE_SERVER_FAULTS)[number];

export interface AppleServerConfig {
  signMessage: boolean;
  signProfile: boolean;
  topic: string;
  accessRights: number;
  checkOutWhenRemoved: boolean;
  /** SCEP Subject as a DN string with %variables%. */
  scepSubject: string;
  /** Commands queued for every device at Authenticate, in order. */
  commands: { requestType: string; payload?: Record<string, unknown> }[];
  /** Accept the macOS user channel (empty DigestChallenge) instead of 410. */
  userChannel: boolean;
  /** Send DeviceConfigured after the scripted commands to devices awaiting configuration. */
  autoDeviceConfigured: boolean;
  /** ADE: 403 softwareupdate.required to devices below this OS version. */
  requireOsVersion?: { osVersion: string; buildVersion?: string };
  /** ADE: 401 Basic until these credentials come. */
  basicAuth?: { username: string; password: string };
  fault?: AppleServerFault;
  /** The cloud-configuration stand-in (GET /apple/ade/cloudconfig): fields merged over the defaults. */
  cloudConfig?: Record<string, unknown>;
  /** The cloud-configuration stand-in knows no device (not assigned in Apple Business Manager). */
  adeUnassigned?: boolean;
}

export const defaultAppleConfig = (): AppleServerConfig => ({
  signMessage: false,
  signProfile: true,
  topic: "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference",
  accessRights: 8191,
  checkOutWhenRemoved: true,
  scepSubject: "O=enrollsim,CN=%SerialNumber%",
  commands: [],
  autoDeviceConfigured: true,
  userChannel: false,
});

interface QueuedCommand {
  uuid: string;
  requestType: string;
  body: Uint8Array;
}

interface DeviceRecord {
  udid: string;
  certFingerprint: string;
  topic?: string;
  serialNumber?: string;
  tokenUpdates: number;
  awaitingConfiguration: boolean;
  checkedOut: boolean;
  queue: QueuedCommand[];
  deferred: QueuedCommand[];
  inflight?: QueuedCommand;
  results: { commandUUID: string; requestType: string; status: string; errorChain?: unknown }[];
  deviceConfiguredSent: boolean;
  bootstrapToken?: Uint8Array;
  users: string[];
  /** The identity certificate the device authenticated with (DER). */
  identity: Uint8Array;
}

export interface AppleServerStats {
  profiles: number;
  adeEnrollments: number;
  checkins: Record<string, number>;
  commandsSent: number;
  results: Record<string, number>;
  rejected: Record<string, number>;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  body: new Uint8Array(Buffer.from(body + "\n")),
  url: "",
});
const json = (status: number, v: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: new Uint8Array(Buffer.from(JSON.stringify(v, null, 1))),
  url: "",
});
const plistRes = (d: PlistDict): HttpResponse => ({ status: 200, headers: { "content-type": "application/xml" }, body: buildPlistBytes(d), url: "" });
const empty = (): HttpResponse => ({ status: 200, headers: {}, body: new Uint8Array(0), url: "" });

/** JSON → plist value; {"$data": base64} becomes <data>, {"$date": iso} a <date>. */
export function jsonToPlist(v: unknown): PlistValue {
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
  if (Array.isArray(v)) return v.map(jsonToPlist);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.$data === "string") return new Uint8Array(Buffer.from(o.$data, "base64"));
    if (typeof o.$date === "string") return new Date(o.$date);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, jsonToPlist(x)]));
  }
  throw new Error(`cannot convert ${typeof v} to a plist value`);
}

export class AppleServer {
  readonly config: AppleServerConfig;
  readonly devices = new Map<string, DeviceRecord>();
  readonly stats: AppleServerStats = { profiles: 0, adeEnrollments: 0, checkins: {}, commandsSent: 0, results: {}, rejected: {} };
  readonly log: string[] = [];
  private signer?: { cert: Certificate; key: PrivateKey };
  private readonly profileUuid = randomUUID().toUpperCase();
  private readonly failedOnce = new Set<string>();

  constructor(
    private readonly ctx: HalfContext,
    config: Partial<AppleServerConfig>,
  ) {
    this.config = { ...defaultAppleConfig(), ...config };
    // Convert scripted payloads now, so a bad one is a scenario error at start, not a 500 later.
    for (const [i, c] of this.config.commands.entries()) {
      try {
        if (c.payload) jsonToPlist(c.payload);
      } catch (e) {
        throw new ScenarioError(`embedded.apple.commands[${i}] (${c.requestType}): ${(e as Error).message}`);
      }
    }
  }

  private get crypto(): CryptoPort {
    return this.ctx.crypto;
  }

  private reject(reason: string, res: HttpResponse): HttpResponse {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
    this.log.push(`${reason}: ${Buffer.from(res.body).toString("utf8").trim()}`);
    if (this.log.length > 200) this.log.shift();
    return res;
  }

  /** Creates the profile-signing identity now (keygen is async; do it before serving). */
  async warm(): Promise<void> {
    await this.profileSigner();
  }

  /** The profile-signing identity: an EC key with a certificate from the foundation CA. */
  private async profileSigner(): Promise<{ cert: Certificate; key: PrivateKey }> {
    if (this.signer) return this.signer;
    const key = await this.crypto.generateKey("ec-p256");
    const id = this.ctx.scep.id;
    const now = this.ctx.now();
    const der = buildCertificate(
      {
        serial: Uint8Array.from([0x5a, ...this.crypto.digest("sha256", key.spki).subarray(0, 7)]),
        issuer: id.ca.subjectDer,
        subject: "CN=enrollsim profile signing,O=enrollsim reference server",
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + 365 * 86_400_000),
        spki: key.spki,
        extensions: [basicConstraints(false), keyUsage(["digitalSignature"]), extKeyUsage(["codeSigning"])],
      },
      id.caKey,
      "sha256",
      this.crypto,
    );
    this.signer = { cert: parseCertificate(der, "profile signing certificate"), key };
    return this.signer;
  }

  /** The enrollment profile served to every device. */
  async profile(): Promise<Uint8Array> {
    const c = this.config;
    const urls = this.ctx.urls();
    const scepUuid = randomUUID().toUpperCase();
    const subject = c.scepSubject.split(",").map((rdn) => {
      const i = rdn.indexOf("=");
      return [[rdn.slice(0, i).trim(), rdn.slice(i + 1).trim()]];
    });
    const payloads: PlistDict[] = [];
    if (c.fault !== "no-anchor") {
      payloads.push({ ...payloadHeader("com.apple.security.root", "com.enrollsim.ref.anchor", randomUUID().toUpperCase(), "enrollsim reference CA"), PayloadContent: this.ctx.scep.id.ca.der });
    }
    payloads.push({
      ...payloadHeader("com.apple.security.scep", "com.enrollsim.ref.scep", scepUuid, "Device identity"),
      PayloadContent: {
        URL: `${urls.http}/scep`,
        Name: "enrollsim",
        Subject: subject,
        Challenge: this.ctx.scep.config.challenge,
        Keysize: 2048,
        "Key Type": "RSA",
        "Key Usage": 5,
        Retries: 3,
        RetryDelay: 10,
      },
    });
    const mdm: PlistDict = {
      ...payloadHeader("com.apple.mdm", "com.enrollsim.ref.mdm", randomUUID().toUpperCase(), "enrollsim MDM"),
      IdentityCertificateUUID: scepUuid,
      Topic: c.fault === "bad-topic" ? "not-a-topic" : c.topic,
      ServerURL: `${urls.https}/apple/mdm`,
      CheckInURL: `${urls.https}/apple/checkin`,
      SignMessage: c.signMessage,
      AccessRights: c.accessRights,
      CheckOutWhenRemoved: c.checkOutWhenRemoved,
      ServerCapabilities: ["com.apple.mdm.per-user-connections", "com.apple.mdm.bootstraptoken"],
    };
    if (c.fault === "missing-identity-uuid") delete mdm.IdentityCertificateUUID;
    payloads.push(mdm);
    const plist = buildPlistBytes(buildProfileDict({ identifier: "com.enrollsim.ref.enrollment", uuid: this.profileUuid, displayName: "enrollsim enrollment", organization: "enrollsim", payloads }));
    this.stats.profiles++;
    if (!c.signProfile || c.fault === "unsigned-profile") return plist;
    const s = await this.profileSigner();
    return signProfile(plist, { cert: s.cert, key: s.key, chain: [this.ctx.scep.id.ca] }, this.crypto);
  }

  private profileResponse(bytes: Uint8Array): HttpResponse {
    return { status: 200, headers: { "content-type": PROFILE_CONTENT_TYPE }, body: bytes, url: "" };
  }

  /** Verifies signed MachineInfo against the test device CA. */
  private machineInfo(der: Uint8Array): { info: PlistDict } | HttpResponse {
    let sd;
    try {
      sd = parseSignedData(der, "MachineInfo");
    } catch (e) {
      return this.reject("ade.machineinfo.malformed", text(400, `MachineInfo is not CMS SignedData: ${(e as Error).message}`));
    }
    const signer = sd.signers[0];
    const cert = signer && findSignerCert(signer, sd.certificates);
    if (!signer || !cert || !sd.content) return this.reject("ade.machineinfo.unsigned", text(400, "MachineInfo has no signer, signer certificate or content"));
    if (!verifySigner(sd, signer, cert.spki, this.crypto).ok) return this.reject("ade.machineinfo.bad-signature", text(403, "MachineInfo signature does not verify"));
    const ca = testDeviceCa(this.crypto).cert;
    if (!sameBytes(cert.issuerDer, ca.subjectDer) || !verifyCertificateSignature(cert, ca.spki, this.crypto)) {
      return this.reject("ade.machineinfo.untrusted", text(403, "MachineInfo signer is not issued by the trusted device CA"));
    }
    try {
      return { info: parsePlistDict(sd.content, "MachineInfo", { maxBytes: 64 * 1024 }) };
    } catch (e) {
      return this.reject("ade.machineinfo.plist", text(400, (e as Error).message));
    }
  }

  private async ade(req: HttpRequest): Promise<HttpResponse> {
    let der: Uint8Array;
    if (req.method === "POST") {
      const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
      if (type !== "application/pkcs7-signature") return this.reject("ade.content-type", text(415, `expected application/pkcs7-signature, got "${type}"`));
      der = req.body ?? new Uint8Array(0);
    } else if (req.method === "GET") {
      const h = req.headers?.["x-apple-aspen-deviceinfo"];
      if (!h) return this.reject("ade.no-deviceinfo", text(400, "missing x-apple-aspen-deviceinfo"));
      der = new Uint8Array(Buffer.from(h, "base64"));
    } else return text(405, "method not allowed", { allow: "GET, POST" });
    const checked = this.machineInfo(der);
    if (!("info" in checked)) return checked;
    const mi = checked.info;
    const c = this.config;
    if (c.basicAuth) {
      const want = `Basic ${Buffer.from(`${c.basicAuth.username}:${c.basicAuth.password}`).toString("base64")}`;
      if (req.headers?.authorization !== want) return { ...text(401, "authentication required"), headers: { "content-type": "text/plain", "www-authenticate": 'Basic realm="enrollsim"' } };
    }
    if (c.requireOsVersion && typeof mi.OS_VERSION === "string" && compareVersions(mi.OS_VERSION, c.requireOsVersion.osVersion) < 0) {
      return json(403, {
        code: "com.apple.softwareupdate.required",
        description: `Update to ${c.requireOsVersion.osVersion} is required`,
        message: "Your device must be updated before it can enroll.",
        details: { OSVersion: c.requireOsVersion.osVersion, ...(c.requireOsVersion.buildVersion ? { BuildVersion: c.requireOsVersion.buildVersion } : {}) },
      });
    }
    this.stats.adeEnrollments++;
    return this.profileResponse(await this.profile());
  }

  /** Stand-in for Apple's cloud-configuration service: what Setup Assistant receives for a serial. */
  private cloudConfig(req: HttpRequest): HttpResponse {
    const serial = new URL(req.url, "http://localhost").searchParams.get("serial") ?? "";
    if (!/^[A-Z0-9]{8,14}$/.test(serial)) return text(400, "serial is required");
    if (this.config.adeUnassigned) return this.reject("ade.unassigned", json(404, { code: "DEVICE_NOT_ASSIGNED", serial }));
    const urls = this.ctx.urls();
    return json(200, {
      url: `${urls.https}/apple/ade/enroll`,
      await_device_configured: true,
      is_supervised: true,
      is_mandatory: true,
      is_mdm_removable: false,
      department: "enrollsim reference",
      support_phone_number: "+1 555 0100",
      skip_setup_items: ["AppleID", "Siri"],
      anchor_certs: [toPem(this.ctx.scep.id.ca.der)],
      ...(this.config.cloudConfig ?? {}),
    });
  }

  /** Device identity from mTLS or Mdm-Signature, issued by the foundation CA. */
  private identity(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): Certificate | HttpResponse {
    const ca = this.ctx.scep.id.ca;
    let cert: Certificate | undefined;
    const sig = req.headers?.["mdm-signature"];
    if (sig) {
      const r = verifyMdmSignature(sig, req.body ?? new Uint8Array(0), this.crypto);
      if (!r.ok) return this.reject("mdm.signature", text(401, `Mdm-Signature does not verify: ${r.reason}${r.detail ? ` (${r.detail})` : ""}`));
      cert = r.certificate;
    } else if (req.tls?.peerCertificateDer?.length) {
      try {
        cert = parseCertificate(req.tls.peerCertificateDer, "client certificate");
      } catch {
        return this.reject("mdm.client-cert", text(401, "unreadable client certificate"));
      }
    }
    if (!cert) return this.reject("mdm.no-identity", text(401, "no device identity (neither a TLS client certificate nor Mdm-Signature)"));
    if (!sameBytes(cert.issuerDer, ca.subjectDer) || !verifyCertificateSignature(cert, ca.spki, this.crypto)) {
      return this.reject("mdm.unknown-identity", text(401, "device identity is not issued by this server's CA"));
    }
    return cert;
  }

  private enqueue(d: DeviceRecord, requestType: string, payload: PlistDict = {}): string {
    const uuid = randomUUID().toUpperCase();
    d.queue.push({ uuid, requestType, body: buildPlistBytes(buildCommand(uuid, requestType, payload)) });
    return uuid;
  }

  private checkin(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): HttpResponse {
    if (req.method !== "PUT") return this.reject("checkin.method", text(405, `check-in must use PUT, not ${req.method}`, { allow: "PUT" }));
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
    if (type !== CHECKIN_CONTENT_TYPE) return this.reject("checkin.content-type", text(400, `check-in Content-Type must be ${CHECKIN_CONTENT_TYPE}, got "${type}"`));
    const cert = this.identity(req);
    if (!("der" in cert)) return cert;
    let msg;
    try {
      msg = parseCheckin(req.body ?? new Uint8Array(0), { maxBytes: 256 * 1024 });
    } catch (e) {
      return this.reject("checkin.malformed", text(400, (e as Error).message));
    }
    const fp = hex(this.crypto.digest("sha256", cert.der));
    const udid = msg.udid ?? msg.enrollmentId!;
    this.stats.checkins[msg.messageType] = (this.stats.checkins[msg.messageType] ?? 0) + 1;
    if (this.config.fault === "checkin-401" && msg.messageType !== "Authenticate" && msg.messageType !== "CheckOut") {
      return this.reject("checkin.fault-401", text(401, "unauthorized (fault: checkin-401)"));
    }
    if (msg.messageType === "Authenticate") {
      if (this.config.fault === "first-authenticate-500" && !this.failedOnce.has(udid)) {
        this.failedOnce.add(udid);
        return this.reject("checkin.fault-500", text(500, "enrollment state not ready (fault: first-authenticate-500)"));
      }
      if (msg.topic !== this.config.topic) return this.reject("checkin.topic", text(400, `Topic ${msg.topic} is not this server's push topic`));
      const d: DeviceRecord = {
        udid,
        certFingerprint: fp,
        topic: msg.topic,
        serialNumber: typeof msg.dict.SerialNumber === "string" ? msg.dict.SerialNumber : undefined,
        tokenUpdates: 0,
        awaitingConfiguration: false,
        checkedOut: false,
        queue: [],
        deferred: [],
        results: [],
        deviceConfiguredSent: false,
        users: [],
        identity: cert.der,
      };
      this.devices.set(udid, d);
      for (const c of this.config.commands) this.enqueue(d, c.requestType, c.payload ? (jsonToPlist(c.payload) as PlistDict) : {});
      return empty();
    }
    const d = this.devices.get(udid);
    if (!d || d.certFingerprint !== fp) return this.reject("checkin.unknown-device", text(401, `${msg.messageType} from ${udid} without a prior Authenticate with this identity`));
    switch (msg.messageType) {
      case "TokenUpdate":
        if (typeof msg.dict.UserID === "string") {
          if (!d.users.includes(msg.dict.UserID)) d.users.push(msg.dict.UserID);
          return empty();
        }
        d.tokenUpdates++;
        d.awaitingConfiguration = msg.dict.AwaitingConfiguration === true;
        if (d.awaitingConfiguration && this.config.autoDeviceConfigured && !d.deviceConfiguredSent) {
          d.deviceConfiguredSent = true;
          this.enqueue(d, "DeviceConfigured");
        }
        return empty();
      case "CheckOut":
        d.checkedOut = true;
        return empty();
      case "UserAuthenticate":
        if (!this.config.userChannel) return text(410, "user channel declined");
        return plistRes(msg.dict.DigestResponse === undefined ? { DigestChallenge: "" } : { AuthToken: randomUUID() });
      case "GetBootstrapToken":
        return plistRes({ BootstrapToken: d.bootstrapToken ?? new Uint8Array(0) });
      case "SetBootstrapToken": {
        const t = msg.dict.BootstrapToken;
        if (!(t instanceof Uint8Array)) return this.reject("checkin.bootstrap", text(400, "SetBootstrapToken without BootstrapToken data"));
        d.bootstrapToken = t.length ? t : undefined;
        return empty();
      }
      default:
        return this.reject("checkin.unsupported", text(400, `MessageType ${msg.messageType} is not supported by the reference server`));
    }
  }

  private command(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): HttpResponse {
    if (req.method !== "PUT") return this.reject("mdm.method", text(405, `the command channel must use PUT, not ${req.method}`, { allow: "PUT" }));
    const cert = this.identity(req);
    if (!("der" in cert)) return cert;
    let r;
    try {
      r = parseCommandResult(req.body ?? new Uint8Array(0), { maxBytes: 4 * 1024 * 1024 });
    } catch (e) {
      return this.reject("mdm.malformed", text(400, (e as Error).message));
    }
    const udid = r.udid ?? r.enrollmentId!;
    const d = this.devices.get(udid);
    if (!d || d.certFingerprint !== hex(this.crypto.digest("sha256", cert.der))) return this.reject("mdm.unknown-device", text(401, `unknown device ${udid}`));
    if (r.status === "Idle") {
      // NotNow'd commands come back on the next session (MicroMDM style), not the same one.
      d.queue.unshift(...d.deferred.splice(0));
    } else {
      const inflight = d.inflight;
      if (!inflight || inflight.uuid !== r.commandUUID) return this.reject("mdm.unexpected-result", text(400, `result for ${r.commandUUID}, which is not the command in flight`));
      d.inflight = undefined;
      this.stats.results[r.status] = (this.stats.results[r.status] ?? 0) + 1;
      d.results.push({ commandUUID: inflight.uuid, requestType: inflight.requestType, status: r.status, ...(r.dict.ErrorChain ? { errorChain: r.dict.ErrorChain } : {}) });
      if (r.status === "NotNow") d.deferred.push(inflight);
    }
    if (this.config.fault === "command-html" && d.queue.length) return { status: 200, headers: { "content-type": "text/html" }, body: new Uint8Array(Buffer.from("<html>maintenance</html>")), url: "" };
    const next = d.queue.shift();
    if (!next) return empty();
    d.inflight = next;
    this.stats.commandsSent++;
    return { status: 200, headers: { "content-type": "application/xml" }, body: next.body, url: "" };
  }

  private async api(req: HttpRequest, path: string): Promise<HttpResponse> {
    if (path === "/apple/api/commands" && req.method === "POST") {
      let body: { udid?: string; requestType?: string; payload?: Record<string, unknown> };
      try {
        body = JSON.parse(Buffer.from(req.body ?? new Uint8Array(0)).toString("utf8"));
      } catch {
        return text(400, "body is not JSON");
      }
      if (typeof body.requestType !== "string") return text(400, "requestType is required");
      const targets = body.udid === "*" || body.udid === undefined ? [...this.devices.values()] : [this.devices.get(body.udid)].filter((x): x is DeviceRecord => !!x);
      if (!targets.length) return text(404, `unknown device ${body.udid}`);
      let payload: PlistDict = {};
      try {
        if (body.payload !== undefined) {
          const v = jsonToPlist(body.payload);
          if (!isDict(v)) return text(400, "payload must be a JSON object");
          payload = v;
        }
      } catch (e) {
        return text(400, `payload: ${(e as Error).message}`);
      }
      return json(200, { queued: targets.map((d) => ({ udid: d.udid, commandUUID: this.enqueue(d, body.requestType!, payload) })) });
    }
    if (req.method === "GET" && path === "/apple/api/devices") {
      return json(200, [...this.devices.values()].map((d) => ({ udid: d.udid, serialNumber: d.serialNumber, queued: d.queue.length, results: d.results.length, checkedOut: d.checkedOut })));
    }
    const m = /^\/apple\/api\/devices\/([^/]+)$/.exec(path);
    if (req.method === "GET" && m) {
      const d = this.devices.get(decodeURIComponent(m[1]!));
      if (!d) return text(404, "unknown device");
      return json(200, {
        udid: d.udid,
        awaitingConfiguration: d.awaitingConfiguration,
        checkedOut: d.checkedOut,
        identityCertificate: Buffer.from(d.identity).toString("base64"),
        queued: d.queue.map((q) => q.requestType),
        results: d.results,
      });
    }
    if (req.method === "GET" && path === "/apple/api/stats") return json(200, this.stats);
    return text(404, `no route for ${req.method} ${path}`);
  }

  readonly handler = async (req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): Promise<HttpResponse> => {
    const path = new URL(req.url, "http://localhost").pathname;
    if (path === "/apple/enroll") {
      if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
      return this.profileResponse(await this.profile());
    }
    if (path === "/apple/ade/enroll") return this.ade(req);
    if (path === "/apple/ade/cloudconfig" && req.method === "GET") return this.cloudConfig(req);
    if (path === "/apple/ca.pem" && req.method === "GET") {
      return { status: 200, headers: { "content-type": "application/x-pem-file" }, body: new Uint8Array(Buffer.from(toPem(this.ctx.scep.id.ca.der))), url: "" };
    }
    if (path === "/apple/checkin") return this.checkin(req);
    if (path === "/apple/mdm") return this.command(req);
    if (path.startsWith("/apple/api/")) return this.api(req, path);
    return text(404, `no route for ${path}`);
  };
}

export async function createAppleHalf(ctx: HalfContext): Promise<ServerHalf> {
  const server = new AppleServer(ctx, (ctx.config ?? {}) as Partial<AppleServerConfig>);
  await server.warm();
  return {
    name: "apple",
    prefixes: ["/apple/"],
    handler: server.handler,
    describe: () => [
      "apple: GET /apple/enroll (signed profile), POST|GET /apple/ade/enroll (MachineInfo), PUT /apple/checkin, PUT /apple/mdm",
      `apple: identity by ${server.config.signMessage ? "Mdm-Signature" : "mTLS"}; REST: POST /apple/api/commands, GET /apple/api/devices[/UDID]`,
    ],
    apple: server,
  } as ServerHalf & { apple: AppleServer };
}
