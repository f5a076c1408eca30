// SPDX-License-Identifier: MIT
/**
 * The Apple half of the reference server, strict like a careful MDM server:
 * - GET  /apple/enroll             CMS-signed enrollment profile (root anchor, SCEP → foundation CA, MDM)
 * - POST /apple/ade/enroll         ADE: CMS-signed MachineInfo (verified against the test device CA) → profile
 *   GET  /apple/ade/enroll         same, web-view style, MachineInfo in x-apple-aspen-deviceinfo
 * - PUT  /apple/checkin            check-in (POST → 405); identity by mTLS or Mdm-Signature, issued by the foundation CA
 * - PUT  /apple/mdm                command channel (POST → 405)
 * - POST /apple/api/commands       enqueue {udid, requestType, payload, push?}; GET /apple/api/devices[/UDID] results
 * - POST /apple/api/push           push {udid | "*", collapseId?, expiration?} to the devices' tokens (mock APNs by default)
 * - DeclarativeManagement check-ins (embedded.apple.ddm): tokens, declaration-items, declaration/…, status
 * - GET  /apple/ade/cloudconfig    stand-in for Apple's cloud-configuration service (JSON; 404 when unassigned)
 * - GET  /apple/ca.pem             the reference CA (devices in embedded runs read it over verified HTTPS)
 * - GET  /.well-known/com.apple.remotemanagement   account-driven discovery (mdm-byod, mdm-adde)
 * - POST /apple/account/{byod,adde} account-driven BaseURL: 401 Bearer apple-as-web, then the profile
 * - GET|POST /apple/account/auth   the sign-in form (308 to apple-remotemanagement-user-login://…?access-token=)
 */
import { randomUUID } from "node:crypto";
import { ScenarioError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { testDeviceCa } from "../../device/apple/device-ca.js";
import { EMBEDDED_ACCOUNT_PASSWORD } from "../../device/apple/account.js";
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
import { pushRegistry } from "../../device/apple/push.js";
import { MockApns, sendMdmPush } from "./apns.js";
import { AppleFieldPolicies, type FieldPolicyConfig } from "./field-policies.js";
import { AppleFieldServices, type FieldServicesKeys } from "./field-services.js";
import { AccountAuthority } from "./oauth2.js";
import { DDM_ASSET_PREFIX, DdmAssets, type DdmAssetConfig } from "./ddm-assets.js";
import { DDM_ITEM_KEYS, DDM_KINDS, parseStatusReport, type DdmKind, type DdmStatusReport } from "../../wire/apple/ddm.js";

export const APPLE_SERVER_FAULTS = ["missing-identity-uuid", "bad-topic", "no-anchor", "checkin-401", "command-html", "unsigned-profile", "first-authenticate-500"] as const;
export type AppleServerFault = (typeof APPLE_SERVER_FAULTS)[number];

export interface AppleServerConfig extends FieldPolicyConfig, FieldServicesKeys {
  signMessage: boolean;
  signProfile: boolean;
  topic: string;
  accessRights: number;
  checkOutWhenRemoved: boolean;
  /** SCEP Subject as a DN string with %variables%. */
  scepSubject: string;
  /** Commands queued for every device at Authenticate, in order. */
  commands: { requestType: string; payload?: Record<string, unknown>; products?: string[] }[];
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
  /** Why the stand-in knows no profile for the device (404 body code): never assigned, released from ABM, or the profile predates the ADE token. */
  adeUnassignedReason?: "not-assigned" | "released" | "profile-before-token";
  /** Key devices by hardware ids: Authenticate without UDID and SerialNumber (User Enrollment) gets 400. */
  requireHardwareIds?: boolean;
  /** Account-driven enrollment (.well-known, Bearer sign-in). */
  account?: AccountConfig;
  /**
   * Corporate identifiers (an admin's upload of serial numbers / IMEIs). A device whose
   * Authenticate SerialNumber or IMEI (the server reads only the one IMEI key) is declared is
   * corporate, else personal; `blockPersonal` refuses personal devices (403). An upload with an
   * entry containing "." fails as a whole (nothing is declared).
   */
  corporate?: { identifiers?: string[]; blockPersonal?: boolean };
  /** Each served profile embeds its own SCEP challenge, valid this long (direct-enrollment credential lifetime). */
  profileChallengeLifetimeSeconds?: number;
  /**
   * Declarative management: the server sends a DeclarativeManagement command after the scripted
   * commands and serves this declaration set (default: an activation activating a
   * passcode.settings and a status-subscriptions configuration).
   */
  ddm?: { enabled?: boolean; passcodeMinimumLength?: number; declarations?: { Type: string; Identifier: string; Payload: Record<string, unknown> }[]; assets?: DdmAssetConfig[] };
  /** false: no mock APNs beside the half. */
  apns?: boolean;
  /** APNs base URL the server pushes to (default: its own mock APNs). */
  apnsUrl?: string;
  /** Status for check-ins/reports of an enrollment the server does not know (401 default; NanoMDM answers 500). */
  unknownDeviceStatus?: 401 | 500;
}

export interface AccountConfig {
  /** `failed`: the .well-known document answers 403 com.apple.well-known.failed. */
  wellKnown?: "serve" | "failed";
  /** Access tokens accepted as is (what a scenario's token driver presents). */
  tokens?: string[];
  /** Password of every managed Apple ID on the sign-in form (default "enrollsim-user-password"). */
  password?: string;
  /** Enrollments per managed Apple ID; more get 403 DeviceCapReached. */
  maxDevicesPerUser?: number;
  /** Managed Apple IDs without an MDM licence: 403 UserLicenseTypeInvalid. */
  unlicensedUsers?: string[];
  /** false: the tenant has no MDM authority configured; enrollment requests get 403 MdmAuthorityNotDefined (default true). */
  mdmAuthorityDefined?: boolean;
  /** Device types allowed to enroll (iPhone, iPad, Mac; from the request's PRODUCT); others get 403 DeviceTypeNotSupported. */
  allowedDeviceTypes?: ("iPhone" | "iPad" | "Mac")[];
  /** Bearer challenge method: apple-as-web (sign-in form, default) or apple-oauth2 (stand-in authorization server, oauth2.ts). */
  authMethod?: "apple-as-web" | "apple-oauth2";
  /** Issued access tokens expire this long after issue (server clock): MDM requests with one get 401 + Bearer challenge. */
  tokenLifetimeSeconds?: number;
  /** A managed Apple ID is disabled once it enrolled: sign-in and refresh are refused (re-authentication fails). */
  disableUsersAfterEnrollment?: boolean;
}

export const DEFAULT_ACCOUNT_PASSWORD = EMBEDDED_ACCOUNT_PASSWORD;
export const LOGIN_REDIRECT = "apple-remotemanagement-user-login://authentication-results";

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
  /** Account-driven enrollment: the managed Apple ID whose Bearer token every request must carry. */
  accountUser?: string;
  /** Corporate when a declared serial / IMEI matched at Authenticate. */
  ownership: "corporate" | "personal";
  /** DDM status items merged from the device's reports. */
  ddmStatus?: Record<string, unknown>;
  ddmReports?: number;
  /** From TokenUpdate: the APNs device token (hex) and PushMagic a push to this device carries. */
  pushToken?: string;
  pushMagic?: string;
}

export interface AppleServerStats {
  profiles: number;
  adeEnrollments: number;
  checkins: Record<string, number>;
  commandsSent: number;
  results: Record<string, number>;
  rejected: Record<string, number>;
  /** Pushes this server sent to APNs (REST /apple/api/push, or commands with push: true). */
  pushes?: number;
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
  /** The mock APNs beside the half (see apns.ts), when running. */
  apns?: MockApns;
  /** DDM status reports received (udid, parsed report). */
  readonly ddmReports: { udid: string; report: DdmStatusReport }[] = [];
  private signer?: { cert: Certificate; key: PrivateKey };
  private readonly profileUuid = randomUUID().toUpperCase();
  private readonly failedOnce = new Set<string>();
  private corporateSet?: Set<string>;
  /** Access tokens issued (sign-in form, apple-oauth2), their lifetime, the stand-in authorization server (oauth2.ts). */
  readonly accountAuthority: AccountAuthority;
  /** Account-driven profiles issued per managed Apple ID. */
  private readonly accountEnrollments = new Map<string, number>();
  private ddmCache?: { decls: { kind: DdmKind; json: Record<string, unknown> }[]; token: string };
  /** DDM asset data (embedded.apple.ddm.assets, ddm-assets.ts). */
  readonly ddmAssets = new DdmAssets(() => this.config.ddm?.assets, { digest: (alg, d) => this.ctx.crypto.digest(alg, d) }, () => this.ctx.urls().https);
  /** Field-failure policies (field-policies.ts). */
  readonly field: AppleFieldPolicies;
  /** Push certificate, scripted pushes, VPP licences, Company Portal, directory / partner compliance (field-services.ts). */
  readonly services: AppleFieldServices<DeviceRecord>;

  constructor(
    private readonly ctx: HalfContext,
    config: Partial<AppleServerConfig>,
  ) {
    this.config = { ...defaultAppleConfig(), ...config };
    this.field = new AppleFieldPolicies(ctx, this.config, (reason, res) => this.reject(reason, res));
    this.accountAuthority = new AccountAuthority(ctx, () => this.config.account ?? {}, DEFAULT_ACCOUNT_PASSWORD, (reason, res) => this.reject(reason, res));
    this.services = new AppleFieldServices<DeviceRecord>(ctx, this.config, {
      enqueue: (d, t, p) => this.enqueue(d, t, p),
      push: (t, o) => this.pushTo(t, o),
      devices: () => [...this.devices.values()],
      fingerprint: (der) => hex(this.crypto.digest("sha256", der)),
      setTopic: (topic) => void (this.config.topic = topic),
    });
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
    await this.services.warm();
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

  /** The SCEP challenge a profile embeds: the CA's, or a fresh one with a lifetime (profileChallengeLifetimeSeconds). */
  private profileChallenge(): string {
    const life = this.config.profileChallengeLifetimeSeconds;
    if (life === undefined) return this.ctx.scep.config.challenge;
    const challenge = `profile-${randomUUID()}`;
    this.ctx.scep.addChallenge(challenge, this.ctx.now() + life * 1000);
    return challenge;
  }

  /** The enrollment profile served to every device. */
  async profile(account?: { mode: "BYOD" | "ADDE"; user: string }): Promise<Uint8Array> {
    const c = this.config;
    const urls = this.ctx.urls();
    const scepUuid = randomUUID().toUpperCase();
    const ndes = this.field.scep();
    // User Enrollment: no hardware identifier exists to put in the subject; the managed Apple ID names it.
    const dn = account?.mode === "BYOD" ? `O=enrollsim,OU=user-enrollment,CN=${account.user.replace(/[,=+]/g, "_")}` : c.scepSubject;
    const subject = dn.split(",").map((rdn) => {
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
        URL: ndes?.url ?? `${urls.http}/scep`,
        Name: "enrollsim",
        Subject: subject,
        Challenge: ndes?.challenge ?? this.profileChallenge(),
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
    if (account) {
      mdm.EnrollmentMode = account.mode;
      mdm.AssignedManagedAppleID = account.user;
      if (account.mode === "BYOD") delete mdm.AccessRights; // must be absent for BYOD: the device cancels otherwise
    }
    if (c.fault === "missing-identity-uuid") delete mdm.IdentityCertificateUUID;
    payloads.push(mdm, ...this.field.extraPayloads());
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
    const gated = this.field.adeGate(req, mi);
    if (gated) return gated;
    const noPush = this.services.enrollmentRefusal();
    if (noPush) return this.reject("apns.certificate", noPush);
    this.stats.adeEnrollments++;
    return this.profileResponse(await this.profile());
  }

  /** Stand-in for Apple's cloud-configuration service: what Setup Assistant receives for a serial. */
  private cloudConfig(req: HttpRequest): HttpResponse {
    const serial = new URL(req.url, "http://localhost").searchParams.get("serial") ?? "";
    if (!/^[A-Z0-9]{8,14}$/.test(serial)) return text(400, "serial is required");
    if (this.config.adeUnassigned) {
      const reason = this.config.adeUnassignedReason ?? "not-assigned";
      const body =
        reason === "released"
          ? { code: "DEVICE_RELEASED", serial, message: "Removed from Apple Business Manager: the record stays for 30-45 days, then disappears" }
          : reason === "profile-before-token"
            ? { code: "PROFILE_NOT_FOUND", serial, message: "the enrollment profile was created before the ADE token was uploaded and is not known to Apple's service" }
            : { code: "DEVICE_NOT_ASSIGNED", serial };
      return this.reject(`ade.${reason}`, json(404, body));
    }
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
    let cert: Certificate | "unreadable" | "not-issued" | undefined;
    const sig = req.headers?.["mdm-signature"];
    if (sig) {
      const r = verifyMdmSignature(sig, req.body ?? new Uint8Array(0), this.crypto);
      if (!r.ok) return this.reject("mdm.signature", text(401, `Mdm-Signature does not verify: ${r.reason}${r.detail ? ` (${r.detail})` : ""}`));
      cert = this.ctx.scep.checkIssuedParsed(r.certificate);
    } else if (req.tls?.peerCertificateDer?.length) {
      cert = this.ctx.scep.checkIssued(req.tls.peerCertificateDer);
    }
    if (cert === "unreadable") return this.reject("mdm.client-cert", text(401, "unreadable client certificate"));
    if (!cert) return this.reject("mdm.no-identity", text(401, "no device identity (neither a TLS client certificate nor Mdm-Signature)"));
    if (cert === "not-issued") return this.reject("mdm.unknown-identity", text(401, "device identity is not issued by this server's CA"));
    const now = this.ctx.now();
    if (cert.notAfter.getTime() < now || cert.notBefore.getTime() > now) return this.reject("mdm.identity-expired", text(401, `device identity certificate is not valid now (notAfter ${cert.notAfter.toISOString()})`));
    return cert;
  }

  private enqueue(d: DeviceRecord, requestType: string, payload: PlistDict = {}): string {
    const uuid = randomUUID().toUpperCase();
    d.queue.push({ uuid, requestType, body: buildPlistBytes(buildCommand(uuid, requestType, payload)) });
    return uuid;
  }

  /** The managed Apple ID a request's Bearer token belongs to; undefined without one, null when unknown. */
  private bearerUser(req: HttpRequest): string | null | undefined {
    const h = req.headers?.authorization;
    if (!h) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
    if (!m) return null;
    const t = m[1]!;
    const issued = this.accountAuthority.userOf(t);
    if (issued !== undefined) return issued;
    const a = this.config.account;
    return a?.tokens?.includes(t) ? `token-user-${a.tokens.indexOf(t) + 1}@enrollsim.test` : null;
  }

  /** GET /.well-known/com.apple.remotemanagement: the account-driven enrollment services. */
  private wellKnown(req: HttpRequest): HttpResponse {
    if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
    if (this.config.account?.wellKnown === "failed") {
      return this.reject("account.well-known", json(403, { code: "com.apple.well-known.failed", description: "account-driven enrollment is not available for this user", message: "This account cannot be used to enroll." }));
    }
    const urls = this.ctx.urls();
    return json(200, {
      Servers: [
        { Version: "mdm-byod", BaseURL: `${urls.https}/apple/account/byod` },
        { Version: "mdm-adde", BaseURL: `${urls.https}/apple/account/adde` },
      ],
    });
  }

  /** POST BaseURL: CMS-signed request; 401 Bearer apple-as-web until a valid token comes; then the profile. */
  private async accountEnroll(req: HttpRequest, mode: "BYOD" | "ADDE"): Promise<HttpResponse> {
    if (req.method !== "POST") return text(405, "method not allowed", { allow: "POST" });
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim();
    if (type !== "application/pkcs7-signature") return this.reject("account.content-type", text(415, `expected application/pkcs7-signature, got "${type}"`));
    const checked = this.machineInfo(req.body ?? new Uint8Array(0));
    if (!("info" in checked)) return checked;
    if (mode === "BYOD" && (checked.info.UDID !== undefined || checked.info.SERIAL !== undefined)) {
      return this.reject("account.byod-hardware-ids", text(400, "a User Enrollment request must not carry UDID or SERIAL"));
    }
    const user = this.bearerUser(req);
    if (!user) {
      if (user === null) this.reject("account.bad-token", text(401, "unknown access token"));
      return { ...text(401, "authentication required"), headers: { "content-type": "text/plain", "www-authenticate": this.accountAuthority.challenge() } };
    }
    const a = this.config.account ?? {};
    if (a.mdmAuthorityDefined === false) {
      return this.reject("account.no-mdm-authority", json(403, { code: "MdmAuthorityNotDefined", message: "The tenant has no MDM authority; devices cannot enroll." }));
    }
    const product = typeof checked.info.PRODUCT === "string" ? checked.info.PRODUCT : "";
    const family = /^iPhone/.test(product) ? "iPhone" : /^iPad/.test(product) ? "iPad" : /^(Mac|iMac)/.test(product) ? "Mac" : "other";
    if (a.allowedDeviceTypes && !(a.allowedDeviceTypes as string[]).includes(family)) {
      return this.reject("account.device-type", json(403, { code: "DeviceTypeNotSupported", message: `${family} devices are not allowed to enroll` }));
    }
    if (a.unlicensedUsers?.includes(user)) {
      return this.reject("account.unlicensed", json(403, { code: "UserLicenseTypeInvalid", message: "User Name Not Recognized. This user account is not authorized to use MDM." }));
    }
    const n = this.accountEnrollments.get(user) ?? 0;
    if (a.maxDevicesPerUser !== undefined && n >= a.maxDevicesPerUser) {
      return this.reject("account.device-cap", json(403, { code: "DeviceCapReached", message: `Device Cap Reached: ${user} already has ${n} devices` }));
    }
    const noPush = this.services.enrollmentRefusal();
    if (noPush) return this.reject("apns.certificate", noPush);
    this.accountEnrollments.set(user, n + 1);
    this.accountAuthority.enrolled(user);
    return this.profileResponse(await this.profile({ mode, user }));
  }

  /** The sign-in page of the apple-as-web session: a form; a good password ends in a 308 to the login scheme. */
  private accountAuth(req: HttpRequest): HttpResponse {
    const url = new URL(req.url, "http://localhost");
    if (req.method === "GET") {
      const user = (url.searchParams.get("user-identifier") ?? "").slice(0, 320);
      const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      const html = `<!doctype html><html><head><title>enrollsim sign-in</title></head><body>
<form method="post" action="/apple/account/auth">
<input type="email" name="username" value="${esc(user)}">
<input type="password" name="password" value="">
<input type="hidden" name="flow" value="apple-as-web">
<button type="submit">Sign in</button>
</form></body></html>`;
      return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: new Uint8Array(Buffer.from(html)), url: "" };
    }
    if (req.method !== "POST") return text(405, "method not allowed", { allow: "GET, POST" });
    const form = new URLSearchParams(Buffer.from((req.body ?? new Uint8Array(0)).subarray(0, 16384)).toString("utf8"));
    const user = form.get("username") ?? "";
    const refusal = this.accountAuthority.signInRefusal(user, form.get("password"));
    if (refusal) return this.reject("account.sign-in", text(401, refusal));
    const token = this.accountAuthority.issue(user);
    return { status: 308, headers: { location: `${LOGIN_REDIRECT}?access-token=${token}`, "content-type": "text/plain" }, body: new Uint8Array(0), url: "" };
  }

  /** The imported corporate identifiers (empty when the upload failed). */
  private corporateIds(): Set<string> {
    if (this.corporateSet) return this.corporateSet;
    const ids = this.config.corporate?.identifiers ?? [];
    const bad = ids.filter((x) => x.includes("."));
    if (bad.length) this.log.push(`corporate identifier upload failed: ${bad.length} entr${bad.length === 1 ? "y contains" : "ies contain"} "." (e.g. ${bad[0]}); nothing was imported`);
    this.corporateSet = new Set(bad.length ? [] : ids.map((x) => x.trim().toUpperCase()));
    return this.corporateSet;
  }

  /** Account-driven devices carry their Bearer token on every MDM request. */
  private checkBearer(req: HttpRequest, d: DeviceRecord): HttpResponse | undefined {
    if (!d.accountUser) return undefined;
    if (this.bearerUser(req) !== d.accountUser) {
      return this.reject("mdm.bearer", { ...text(401, "missing or wrong Bearer token"), headers: { "content-type": "text/plain", "www-authenticate": this.accountAuthority.challenge() } });
    }
    return undefined;
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
      if (this.config.requireHardwareIds && (msg.udid === undefined || typeof msg.dict.SerialNumber !== "string")) {
        return this.reject("checkin.no-hardware-ids", text(400, `Authenticate without UDID/SerialNumber (EnrollmentID ${msg.enrollmentId ?? "-"}): this server keys devices by hardware identifiers`));
      }
      const serial = typeof msg.dict.SerialNumber === "string" ? msg.dict.SerialNumber.toUpperCase() : undefined;
      const imei = typeof msg.dict.IMEI === "string" ? msg.dict.IMEI.replace(/\s/g, "") : undefined;
      const ownership = (serial && this.corporateIds().has(serial)) || (imei && this.corporateIds().has(imei)) ? "corporate" : "personal";
      if (this.config.corporate?.blockPersonal && ownership === "personal") {
        return this.reject("checkin.personal-blocked", text(403, "personal devices are blocked by the enrollment restrictions (device not pre-declared as corporate)"));
      }
      const accountUser = this.bearerUser(req);
      if (accountUser === null || (msg.enrollmentId && !accountUser)) {
        return this.reject("checkin.bearer", text(401, msg.enrollmentId ? "a User Enrollment must authenticate with its Bearer token" : "unknown Bearer token", { "www-authenticate": this.accountAuthority.challenge() }));
      }
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
        ownership,
        ...(accountUser ? { accountUser } : {}),
      };
      this.devices.set(udid, d);
      this.field.onAuthenticate(d);
      for (const c of this.config.commands.filter((x) => this.field.commandApplies(x, msg.dict))) this.enqueue(d, c.requestType, c.payload ? (jsonToPlist(c.payload) as PlistDict) : {});
      if (this.config.ddm?.enabled) this.enqueue(d, "DeclarativeManagement");
      return empty();
    }
    const d = this.devices.get(udid);
    if (!d || d.certFingerprint !== fp) {
      const status = this.config.unknownDeviceStatus ?? 401;
      return this.reject("checkin.unknown-device", text(status, status === 500 ? `enrollment not associated with cert (${msg.messageType} from ${udid} without a prior Authenticate)` : `${msg.messageType} from ${udid} without a prior Authenticate with this identity`));
    }
    const noBearer = this.checkBearer(req, d);
    if (noBearer) return noBearer;
    switch (msg.messageType) {
      case "TokenUpdate":
        if (typeof msg.dict.UserID === "string") {
          if (!d.users.includes(msg.dict.UserID)) d.users.push(msg.dict.UserID);
          return empty();
        }
        d.tokenUpdates++;
        if (msg.dict.Token instanceof Uint8Array) d.pushToken = hex(msg.dict.Token).toLowerCase();
        if (typeof msg.dict.PushMagic === "string") d.pushMagic = msg.dict.PushMagic;
        d.awaitingConfiguration = msg.dict.AwaitingConfiguration === true;
        if (d.tokenUpdates === 1) this.services.onFirstTokenUpdate(d, d.awaitingConfiguration);
        if (d.awaitingConfiguration && this.config.autoDeviceConfigured && !d.deviceConfiguredSent && this.services.releaseAllowed(d)) {
          d.deviceConfiguredSent = true;
          this.enqueue(d, "DeviceConfigured");
        }
        return empty();
      case "CheckOut":
        d.checkedOut = true;
        return empty();
      case "DeclarativeManagement":
        return this.declarative(d, msg.dict);
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

  /** Pushes (HTTP/2, as a provider) to each device's token at the configured APNs (default: the mock beside the half). */
  private async pushTo(targets: DeviceRecord[], o: { collapseId?: string; expiration?: number }): Promise<{ udid: string; status: number; reason?: string; apnsId?: string }[]> {
    const base = this.config.apnsUrl ?? this.apns?.url;
    const out = [];
    for (const d of targets) {
      if (!base || !d.pushToken || !d.pushMagic) {
        out.push({ udid: d.udid, status: 0, reason: base ? "NoTokenUpdate" : "NoApns" });
        continue;
      }
      try {
        const r = await sendMdmPush(base, { token: d.pushToken, pushMagic: d.pushMagic, ...this.services.pushIdentity(d, this.config.topic), ...o });
        this.stats.pushes = (this.stats.pushes ?? 0) + 1;
        out.push({ udid: d.udid, ...r });
      } catch (e) {
        out.push({ udid: d.udid, status: 0, reason: (e as Error).message.slice(0, 120) });
      }
    }
    return out;
  }

  /** The declaration set with ServerTokens (content hashes) and the DeclarationsToken. */
  private ddmSet(): { decls: { kind: DdmKind; json: Record<string, unknown> }[]; token: string } {
    if (this.ddmCache) return this.ddmCache;
    const c = this.config.ddm ?? {};
    const decls = c.declarations ?? [
      { Type: "com.apple.configuration.passcode.settings", Identifier: "com.enrollsim.ref.passcode", Payload: { MinimumLength: c.passcodeMinimumLength ?? 6, RequireAlphanumericPasscode: false } },
      {
        Type: "com.apple.configuration.management.status-subscriptions",
        Identifier: "com.enrollsim.ref.status",
        Payload: { StatusItems: ["device.identifier.udid", "device.model.family", "device.operating-system.version", "passcode.is-present", "passcode.is-compliant"].map((Name) => ({ Name })) },
      },
      { Type: "com.apple.activation.simple", Identifier: "com.enrollsim.ref.activation", Payload: { StandardConfigurations: ["com.enrollsim.ref.passcode", "com.enrollsim.ref.status"] } },
    ];
    const out = [...decls, ...this.ddmAssets.declarations()].map((x) => {
      const kind = (DDM_KINDS as readonly string[]).find((k) => x.Type.startsWith(`com.apple.${k}.`)) as DdmKind | undefined;
      if (!kind) throw new ScenarioError(`embedded.apple.ddm.declarations: ${x.Type} is not an activation/configuration/asset/management type`);
      const serverToken = hex(this.crypto.digest("sha256", new Uint8Array(Buffer.from(JSON.stringify([x.Type, x.Identifier, x.Payload]))))).slice(0, 16);
      return { kind, json: { ...x, ServerToken: serverToken } };
    });
    const token = hex(this.crypto.digest("sha256", new Uint8Array(Buffer.from(out.map((d) => d.json.ServerToken).join(","))))).slice(0, 16);
    this.ddmCache = { decls: out, token };
    return this.ddmCache;
  }

  /** DeclarativeManagement check-in: tokens, declaration-items, declaration/<kind>/<id>, status. */
  private declarative(d: DeviceRecord, dict: PlistDict): HttpResponse {
    const endpoint = typeof dict.Endpoint === "string" ? dict.Endpoint : "";
    if (!this.config.ddm?.enabled) return this.reject("ddm.disabled", text(404, "declarative management is not enabled on this server"));
    const set = this.ddmSet();
    if (endpoint === "tokens") return json(200, { SyncTokens: { DeclarationsToken: set.token, Timestamp: new Date(this.ctx.now()).toISOString().replace(/\.\d{3}Z$/, "Z") } });
    if (endpoint === "declaration-items") {
      const Declarations = Object.fromEntries(DDM_KINDS.map((k) => [DDM_ITEM_KEYS[k], set.decls.filter((x) => x.kind === k).map((x) => ({ Identifier: x.json.Identifier, ServerToken: x.json.ServerToken }))]));
      return json(200, { Declarations, DeclarationsToken: set.token });
    }
    const m = /^declaration\/(activation|configuration|asset|management)\/(.+)$/.exec(endpoint);
    if (m) {
      const id = decodeURIComponent(m[2]!);
      const x = set.decls.find((y) => y.kind === m[1] && y.json.Identifier === id);
      return x ? json(200, x.json) : this.reject("ddm.unknown-declaration", text(404, `no ${m[1]} ${id}`));
    }
    if (endpoint === "status") {
      if (!(dict.Data instanceof Uint8Array)) return this.reject("ddm.status", text(400, "status without Data"));
      let report: DdmStatusReport;
      try {
        report = parseStatusReport(dict.Data, { maxBytes: 256 * 1024 });
      } catch (e) {
        return this.reject("ddm.status", text(400, (e as Error).message));
      }
      d.ddmReports = (d.ddmReports ?? 0) + 1;
      d.ddmStatus = report.FullReport ? report.StatusItems : mergeDeep(d.ddmStatus ?? {}, report.StatusItems);
      this.ddmReports.push({ udid: d.udid, report });
      if (this.ddmReports.length > 10_000) this.ddmReports.shift();
      return { status: 204, headers: {}, body: new Uint8Array(0), url: "" };
    }
    return this.reject("ddm.endpoint", text(400, `unknown DeclarativeManagement Endpoint "${endpoint.slice(0, 80)}"`));
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
    if (!d || d.certFingerprint !== hex(this.crypto.digest("sha256", cert.der))) {
      const status = this.config.unknownDeviceStatus ?? 401;
      return this.reject("mdm.unknown-device", text(status, status === 500 ? `enrollment not associated with cert (${udid})` : `unknown device ${udid}`));
    }
    const noBearer = this.checkBearer(req, d);
    if (noBearer) return noBearer;
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
      if (this.field.afterResult(d, inflight.requestType, r.status, this.devices)) return empty();
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
      const queued = targets.map((d) => ({ udid: d.udid, commandUUID: this.enqueue(d, body.requestType!, payload) }));
      if ((body as { push?: unknown }).push === true) return json(200, { queued, pushes: await this.pushTo(targets, {}) });
      return json(200, { queued });
    }
    if (path === "/apple/api/push" && req.method === "POST") {
      let body: { udid?: string; collapseId?: string; expiration?: number };
      try {
        body = JSON.parse(Buffer.from(req.body ?? new Uint8Array(0)).toString("utf8"));
      } catch {
        return text(400, "body is not JSON");
      }
      const targets = body.udid === "*" || body.udid === undefined ? [...this.devices.values()] : [this.devices.get(body.udid)].filter((x): x is DeviceRecord => !!x);
      if (!targets.length) return text(404, `unknown device ${body.udid}`);
      if (body.collapseId !== undefined && typeof body.collapseId !== "string") return text(400, "collapseId must be a string");
      if (body.expiration !== undefined && !Number.isInteger(body.expiration)) return text(400, "expiration must be an integer (epoch seconds)");
      return json(200, { pushes: await this.pushTo(targets, { collapseId: body.collapseId, expiration: body.expiration }) });
    }
    if (req.method === "GET" && path === "/apple/api/devices") {
      return json(200, [...this.devices.values()].map((d) => ({ udid: d.udid, serialNumber: d.serialNumber, ownership: d.ownership, queued: d.queue.length, results: d.results.length, checkedOut: d.checkedOut })));
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
        ...(d.ddmStatus ? { ddm: { reports: d.ddmReports ?? 0, status: d.ddmStatus } } : {}),
      });
    }
    if (req.method === "GET" && path === "/apple/api/stats") return json(200, { ...this.stats, ddmStatusReports: this.ddmReports.length, ...(this.apns ? { apns: this.apns.stats() } : {}), services: this.services.stats() });
    return text(404, `no route for ${req.method} ${path}`);
  }

  readonly handler = async (req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): Promise<HttpResponse> => {
    const path = new URL(req.url, "http://localhost").pathname;
    const policy = await this.field.route(req, path, this.devices);
    if (policy) return policy;
    if (path === "/apple/enroll") {
      if (req.method !== "GET") return text(405, "method not allowed", { allow: "GET" });
      const noPush = this.services.enrollmentRefusal();
      if (noPush) return this.reject("apns.certificate", noPush);
      return this.profileResponse(await this.profile());
    }
    if (path === "/apple/ade/enroll") return this.ade(req);
    if (path === "/apple/ade/cloudconfig" && req.method === "GET") return this.cloudConfig(req);
    if (path === "/apple/ca.pem" && req.method === "GET") {
      return { status: 200, headers: { "content-type": "application/x-pem-file" }, body: new Uint8Array(Buffer.from(toPem(this.ctx.scep.id.ca.der))), url: "" };
    }
    if (path === "/.well-known/com.apple.remotemanagement") return this.wellKnown(req);
    if (path === "/apple/account/byod") return this.accountEnroll(req, "BYOD");
    if (path === "/apple/account/adde") return this.accountEnroll(req, "ADDE");
    if (path === "/apple/account/auth") return this.accountAuth(req);
    if (path.startsWith("/apple/account/oauth2/")) return this.accountAuthority.route(req, path);
    if (path === "/apple/checkin") return this.checkin(req);
    if (path === "/apple/mdm") return this.command(req);
    if (path.startsWith("/apple/directory/")) return this.services.route(req, path, () => this.identity(req));
    if (path.startsWith(DDM_ASSET_PREFIX)) return this.ddmAssets.route(req, path, () => this.identity(req));
    if (path.startsWith("/apple/api/")) return this.api(req, path);
    return text(404, `no route for ${path}`);
  };
}

export async function createAppleHalf(ctx: HalfContext): Promise<ServerHalf> {
  const server = new AppleServer(ctx, (ctx.config ?? {}) as Partial<AppleServerConfig>);
  await server.warm();
  // The mock APNs runs beside the half (its own HTTP/2 listener on 127.0.0.1) unless turned off.
  if (server.config.apns !== false) {
    server.apns = new MockApns(pushRegistry, ctx.now);
    await server.apns.start();
  }
  return {
    name: "apple",
    prefixes: ["/apple/", "/.well-known/com.apple.remotemanagement"],
    handler: server.handler,
    describe: () => [
      "apple: GET /apple/enroll (signed profile), POST|GET /apple/ade/enroll (MachineInfo), PUT /apple/checkin, PUT /apple/mdm",
      `apple: identity by ${server.config.signMessage ? "Mdm-Signature" : "mTLS"}; REST: POST /apple/api/commands, GET /apple/api/devices[/UDID], GET /apple/api/stats`,
      ...(server.apns ? [`apple: mock APNs (HTTP/2 h2c) ${server.apns.url}/3/device/<token> (topic ${server.config.topic})`] : []),
    ],
    close: async () => {
      server.services.close();
      await server.apns?.close();
    },
    apple: server,
  } as ServerHalf & { apple: AppleServer };
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const o = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && o && typeof o === "object" && !Array.isArray(o) ? mergeDeep(o as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
