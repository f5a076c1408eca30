// SPDX-License-Identifier: MIT
/**
 * Strict MS-MDE2 enrollment endpoints of the reference server: Discovery (GET + Discover),
 * XCEP GetPolicies, WSTEP RequestSecurityToken. Asks the tenant's policy engine (server/policy;
 * restrictions, device limits, user scope, terms) and answers refusals with MS-MDE2 §2.2.10 faults
 * (policy-gate.ts), and issues the
 * device certificate from the foundation CA inside a wap-provisioningdoc.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { HalfContext } from "../half.js";
import { SimError } from "../../errors/index.js";
import { readDiscoverRequest, discoverResponseBody } from "../../wire/windows/discovery.js";
import { ACTION, MIME, TOKEN } from "../../wire/windows/ns.js";
import { buildProvisioningDoc } from "../../wire/windows/provisioning.js";
import { buildFault, buildResponse, parseEnvelope, type Envelope, type FaultSpec } from "../../wire/windows/soap.js";
import { mintToken, signedClaims, verifyToken } from "../../wire/windows/token.js";
import { formPage } from "../../wire/windows/webauth.js";
import { contextValue, readRst, rstrBody } from "../../wire/windows/wstep.js";
import { getPoliciesResponseBody } from "../../wire/windows/xcep.js";
import { deviceIdFromCsr } from "../../wire/windows/csr.js";
import { parseCsr, verifyCsr } from "../../wire/x509/pkcs10.js";
import { buildCertificate, parseCertificate, type Certificate } from "../../wire/x509/certificate.js";
import { findSignerCert, parseSignedData, verifySigner } from "../../wire/cms/signed-data.js";
import { basicConstraints, extKeyUsage, keyUsage } from "../../wire/x509/extensions.js";
import { encodeName } from "../../wire/x509/name.js";
import type { WindowsServerConfig } from "./config.js";
import { tokenRefusal } from "./mdm-token.js";
import { refusalFault, windowsEnrollmentRequest } from "./policy-gate.js";
import { otherTenantOfSerial } from "./tenants.js";
import type { WindowsState } from "./state.js";

const text = (status: number, body: string, type = "text/plain"): HttpResponse => ({
  status,
  headers: { "content-type": type },
  body: new TextEncoder().encode(body),
  url: "",
});
const soap = (status: number, xml: string): HttpResponse => text(status, xml, MIME.soap);
const fault = (f: FaultSpec): HttpResponse => soap(f.code === "Sender" ? 400 : 500, buildFault(f));

const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
const OID_SHA1 = "1.3.14.3.2.26";

export class EnrollmentEndpoints {
  constructor(
    private readonly ctx: HalfContext,
    private readonly cfg: WindowsServerConfig,
    private readonly state: WindowsState,
  ) {}

  private base(): string {
    return this.ctx.urls().https;
  }

  private parse(req: HttpRequest, what: string): Envelope | HttpResponse {
    const type = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/soap+xml") return text(415, `expected application/soap+xml, got ${type || "nothing"}\n`);
    // No envelope at all: nothing to relate a SOAP fault to, so an HTTP-level 400, as Fleet answers a POST it cannot
    // read ("unmarshalling soap mdm request: EOF", 4xx since github.com/fleetdm/fleet/issues/28240); Windows reports
    // it as HTTP 400, 0x80190190 (fleet#34993).
    if (!req.body?.length) return text(400, `${what}: empty body, no SOAP envelope\n`);
    try {
      return parseEnvelope(req.body ?? new Uint8Array(), what, { maxBytes: 256 * 1024, maxDepth: 32 });
    } catch (err) {
      return fault({ code: "Sender", subcode: "s:MessageFormat", reason: err instanceof SimError ? err.message : "unparsable request", errorType: undefined });
    }
  }

  /** Who the security header names, or a fault. */
  private authenticate(env: Envelope, req: { tls?: { peerCertificateDer?: Uint8Array } }): { upn: string; token: boolean; bulk: boolean } | HttpResponse {
    const s = env.security;
    const relatesTo = env.messageId;
    if (!s && this.cfg.authPolicy === "Certificate") {
      // AuthPolicy Certificate (MS-MDE2): no token; the client certificate presented over TLS authenticates.
      const der = req.tls?.peerCertificateDer;
      if (!der) return fault({ relatesTo, code: "Sender", subcode: "a:InvalidSecurity", reason: "certificate authentication needs a client certificate over TLS" });
      try {
        const peer = this.ctx.scep.checkIssued(der);
        if (peer === "unreadable") return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate unparsable" });
        if (peer === "revoked") return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate revoked" });
        if (peer === "not-issued" || peer.notAfter.getTime() < this.ctx.now()) {
          return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate not issued by a trusted CA" });
        }
        const cn = /CN=([^,]+)/i.exec(peer.subject)?.[1]?.trim().toLowerCase() ?? peer.serialHex;
        return { upn: `cert:${cn}`, token: false, bulk: false };
      } catch {
        return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate unparsable" });
      }
    }
    if (!s) return fault({ relatesTo, code: "Sender", subcode: "a:InvalidSecurity", reason: "no WS-Security header" });
    if (s.kind === "username") {
      if (this.cfg.authPolicy !== "OnPremise") return fault({ relatesTo, subcode: "s:Authentication", reason: "user name or password not recognized" });
      // The directory behind OnPremise counts the password toward the tenant's lockout (server/policy/lockout.ts); no text is
      // published for a locked account here, so the fault is the same s:Authentication with the reason in our own words.
      const verdict = this.ctx.policy.lockout?.passwordSignIn(s.username, s.password === this.cfg.password);
      if (verdict?.kind === "locked") return fault({ relatesTo, subcode: "s:Authentication", reason: "user name or password not recognized (the account is locked out after too many failed sign-ins)" });
      if (s.password !== this.cfg.password) return fault({ relatesTo, subcode: "s:Authentication", reason: "user name or password not recognized" });
      return { upn: s.username.toLowerCase(), token: false, bulk: false };
    }
    let token: string;
    try {
      token = Buffer.from(s.token, "base64").toString("utf8");
    } catch {
      return fault({ relatesTo, subcode: "a:InvalidSecurity", reason: "token is not base64" });
    }
    const claims = signedClaims(token, this.cfg.tokenKey, this.ctx.crypto);
    if (!claims) return fault({ relatesTo, subcode: "s:Authentication", reason: "token not valid" });
    // The Entra access token's lifetime, version, issuer, audience and tenant (embedded.windows.tokenValidation, mdm-token.ts).
    const refused = tokenRefusal(claims, this.cfg, this.ctx.policy.config, this.base(), this.ctx.now(), relatesTo);
    if (refused) return refused;
    return { upn: claims.upn.toLowerCase(), token: true, bulk: !!claims.bulk };
  }

  /** The MDM Terms-of-Use page: Bearer token required; the form answer ends at redirect_uri. */
  terms(req: HttpRequest): HttpResponse {
    const url = new URL(req.url, "http://localhost");
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers?.authorization ?? "")?.[1];
    const redirect = url.searchParams.get("redirect_uri") ?? "";
    const claims = bearer ? verifyToken(bearer, this.cfg.tokenKey, this.ctx.crypto, this.ctx.now()) : undefined;
    if (req.method === "GET") {
      if (!redirect.startsWith("ms-appx-web://")) return text(400, "redirect_uri missing\n");
      if (!claims) return { status: 302, headers: { location: `${redirect}?error=unauthorized_client&error_description=bad+token` }, body: new Uint8Array(), url: "" };
      return text(200, formPage("Terms of use", `${url.pathname}?redirect_uri=${encodeURIComponent(redirect)}`, { IsAccepted: "false" }), "text/html");
    }
    if (!claims) return { status: 302, headers: { location: `${redirect}?error=unauthorized_client` }, body: new Uint8Array(), url: "" };
    const accepted = new URLSearchParams(new TextDecoder().decode(req.body ?? new Uint8Array()).slice(0, 4096)).get("IsAccepted") === "true";
    const blob = accepted ? mintToken({ upn: claims.upn, tid: "tou-accepted" }, this.cfg.tokenKey, this.ctx.crypto) : "";
    return { status: 302, headers: { location: `${redirect}?IsAccepted=${accepted}${accepted ? `&OpaqueBlob=${encodeURIComponent(blob)}` : ""}` }, body: new Uint8Array(), url: "" };
  }

  discoveryGet(): HttpResponse {
    return text(200, "");
  }

  discoveryPost(req: HttpRequest): HttpResponse {
    const env = this.parse(req, "Discover request");
    if ("status" in env) return env;
    if (env.action !== ACTION.discover) return fault({ relatesTo: env.messageId, code: "Sender", subcode: "s:MessageFormat", reason: `unexpected action ${env.action ?? "(none)"}` });
    let d;
    try {
      d = readDiscoverRequest(env.body);
    } catch (err) {
      return fault({ relatesTo: env.messageId, code: "Sender", subcode: "s:MessageFormat", reason: (err as Error).message });
    }
    if (this.cfg.fault?.step === "discovery") return this.injected(env.messageId);
    const offered = d.authPolicies;
    const policy = offered.includes(this.cfg.authPolicy) ? this.cfg.authPolicy : offered.includes("Federated") ? "Federated" : undefined;
    if (!policy) return fault({ relatesTo: env.messageId, subcode: "s:Authorization", reason: `no supported AuthPolicy among ${offered.join(",")}` });
    this.state.counters.discoveries++;
    const b = this.base();
    return soap(
      200,
      buildResponse(
        ACTION.discoverResponse,
        env.messageId,
        discoverResponseBody({
          authPolicy: policy,
          enrollmentVersion: d.requestVersion || "4.0",
          ...(this.cfg.policy.omit ? {} : { enrollmentPolicyServiceUrl: `${b}/EnrollmentServer/Policy.svc` }),
          enrollmentServiceUrl: `${b}/EnrollmentServer/Enrollment.svc`,
          ...(policy === "Federated" ? { authenticationServiceUrl: `${b}/EnrollmentServer/Auth` } : {}),
        }),
      ),
    );
  }

  private injected(relatesTo?: string): HttpResponse {
    const f = this.cfg.fault!;
    return fault({ relatesTo, subcode: f.subcode, reason: f.message ?? f.errorType ?? f.subcode, errorType: f.errorType, message: f.message, traceId: "enrollsim-injected" });
  }

  policy(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): HttpResponse {
    const env = this.parse(req, "GetPolicies request");
    if ("status" in env) return env;
    const who = this.authenticate(env, req);
    if ("status" in who) return who;
    if (this.cfg.fault?.step === "policy") return this.injected(env.messageId);
    const p = this.cfg.policy;
    return soap(
      200,
      buildResponse(
        ACTION.getPoliciesResponse,
        env.messageId,
        getPoliciesResponseBody({
          minimalKeyLength: p.minimalKeyLength,
          ...(p.hash === "none" ? {} : { hashAlgorithmOid: p.hash === "sha256" ? OID_SHA256 : OID_SHA1 }),
          validityPeriodSeconds: p.validityDays * 86400,
          renewalPeriodSeconds: p.renewalDays * 86400,
        }),
      ),
    );
  }

  /**
   * Whether this tenant holds the serial's Autopilot registration (enrollment-paths.ts): its imported hashes
   * (embedded.policy.autopilot.registered; absent: every serial), not another tenant's, or an Autopilot object
   * of directory.devices.
   */
  private autopilotRegistered(serial: string | undefined): boolean {
    if (!serial) return false;
    const p = this.ctx.policy;
    const obj = p.directory.find({ serial });
    if (obj?.autopilot && obj.state !== "deleted") return true;
    return p.autopilotRegistered(serial) && !otherTenantOfSerial(p.config, serial);
  }

  enroll(req: HttpRequest & { tls?: { peerCertificateDer?: Uint8Array } }): HttpResponse {
    const env = this.parse(req, "RequestSecurityToken");
    if ("status" in env) return env;
    const relatesTo = env.messageId;
    let rst;
    try {
      rst = readRst(env.body);
    } catch (err) {
      return fault({ relatesTo, code: "Sender", subcode: "s:MessageFormat", reason: (err as Error).message });
    }
    if (rst.requestType === TOKEN.renew) return this.renew(req, relatesTo, rst.csrDer);
    const who = this.authenticate(env, req);
    if ("status" in who) return who;
    let csr;
    try {
      csr = parseCsr(rst.csrDer, "PKCS#10 in BinarySecurityToken");
    } catch (err) {
      return fault({ relatesTo, code: "Sender", subcode: "s:CertificateRequest", reason: (err as Error).message });
    }
    if (!verifyCsr(csr, this.ctx.crypto)) return fault({ relatesTo, code: "Sender", subcode: "s:CertificateRequest", reason: "CSR signature does not verify" });
    if (this.cfg.fault?.step === "enroll") return this.injected(relatesTo);
    const deviceId = contextValue(rst.context, "DeviceID") ?? deviceIdFromCsr(csr.extensions) ?? "";
    if (!/^[0-9A-Fa-f]{32}$/.test(deviceId)) return fault({ relatesTo, code: "Sender", subcode: "s:MessageFormat", reason: "DeviceID context item missing or not 32 hex" });
    // Terms and conditions (policy.terms): the IdP's ToU page hands an accepted user a blob the device sends as EnrollmentData.
    if (who.upn && !who.bulk && this.ctx.policy.pendingTerms(who.upn).length) {
      const blob = contextValue(rst.context, "EnrollmentData");
      const ok = blob ? verifyToken(blob, this.cfg.tokenKey, this.ctx.crypto, this.ctx.now()) : undefined;
      if (ok && ok.tid === "tou-accepted" && ok.upn === who.upn) this.ctx.policy.acceptTerms(who.upn);
    }
    const osVersion = contextValue(rst.context, "OSVersion") ?? contextValue(rst.context, "ApplicationVersion") ?? "";
    const enrollmentType = contextValue(rst.context, "EnrollmentType") ?? "Full";
    // Home editions (Core, CoreN, CoreCountrySpecific, CoreSingleLanguage) cannot be MDM-managed: refused as not authorized.
    const osEdition = Number(contextValue(rst.context, "OSEdition") ?? "NaN");
    if (this.cfg.restrictions.blockHome !== false && [98, 99, 100, 101].includes(osEdition)) {
      return fault({ relatesTo, subcode: "s:Authorization", reason: `OSEdition ${osEdition} (Home) cannot be managed`, traceId: deviceId });
    }
    // Tenant policy (server/policy): restrictions with priority, ownership, device limits, MDM user scope, terms.
    const request = windowsEnrollmentRequest({
      deviceId,
      upn: who.upn,
      token: who.token,
      bulk: who.bulk,
      enrollmentType,
      notInOobe: (contextValue(rst.context, "NotInOobe") ?? "true").toLowerCase() !== "false",
      osVersion,
      serial: contextValue(rst.context, "SerialNumber"),
      manufacturer: contextValue(rst.context, "Manufacturer"),
      model: contextValue(rst.context, "DeviceModel"),
      imei: contextValue(rst.context, "IMEI"),
      // MS-MDE2 AdditionalContext: one MAC item per network adapter (device-lists.ts matches any of them).
      macs: rst.context.filter(([n]) => n.trim().toLowerCase() === "mac").map(([, v]) => v.trim()),
      attestedJoin: this.ctx.policy.directory.find({ deviceId })?.attested === true,
      autopilotRegistered: this.autopilotRegistered(contextValue(rst.context, "SerialNumber")),
    });
    const decision = this.ctx.policy.decide(request);
    const refused = refusalFault(decision, relatesTo, deviceId);
    if (refused || !decision.ok) return fault(refused!);
    this.ctx.policy.enrolled(request, decision);
    if (!who.bulk) this.state.userDevices(who.upn).add(deviceId.toUpperCase());
    const cert = this.issue(csr.spki, deviceId.toUpperCase());
    const md5 = {
      secret: Buffer.from(this.ctx.crypto.hmac("sha256", new TextEncoder().encode(this.cfg.tokenKey), new TextEncoder().encode(`md5:${deviceId.toUpperCase()}`))).toString("hex").slice(0, 24),
      nonce: this.ctx.crypto.digest("sha256", new TextEncoder().encode(`nonce:${deviceId}:${this.ctx.now()}`)).subarray(0, 16),
    };
    const scope = enrollmentType.toLowerCase() === "device" ? "System" : "User";
    const ca = this.ctx.scep.id.ca;
    const thumb = (c: Certificate) => Buffer.from(this.ctx.crypto.digest("sha1", c.der)).toString("hex").toUpperCase();
    const doc = buildProvisioningDoc({
      rootCerts: [{ thumbprint: thumb(ca), der: ca.der }],
      myCert: { thumbprint: thumb(cert), der: cert.der, scope },
      renew: { roboSupport: true, renewPeriodDays: this.cfg.policy.renewalDays, retryIntervalDays: this.cfg.policy.retryIntervalDays ?? 4 },
      application: {
        appId: "w7",
        providerId: this.cfg.providerId,
        name: "enrollsim reference MDM",
        addr: `${this.base()}/ManagementServer/MDM.svc`,
        role: "4294967295",
        connRetryFreq: 6,
        initialBackoffTimeMs: 30000,
        maxBackoffTimeMs: 120000,
        defaultEncoding: MIME.syncml,
        sslClientCertSearchCriteria: `Subject=CN%3D${deviceId.toUpperCase()}&Stores=My%5C${scope}`,
        auth: [
          { level: "CLIENT", type: "DIGEST", name: deviceId.toUpperCase(), secret: md5.secret, data: Buffer.from(md5.nonce).toString("base64") },
          { level: "APPSRV", type: "BASIC", name: "enrollsim", secret: "dummy" },
        ],
      },
      dmClient: {
        params: { UPN: who.upn, EntDeviceName: contextValue(rst.context, "DeviceName") ?? "", EntDMID: deviceId.toUpperCase() },
        poll: {
          NumberOfFirstRetries: "8",
          IntervalForFirstSetOfRetries: String(this.cfg.pollMinutes),
          NumberOfSecondRetries: "8",
          IntervalForSecondSetOfRetries: "15",
          NumberOfRemainingScheduledRetries: "0",
          IntervalForRemainingScheduledRetries: "480",
          PollOnLogin: "true",
        },
      },
    });
    const rec = this.state.enrolled(deviceId.toUpperCase(), {
      upn: who.upn,
      serialHex: cert.serialHex,
      enrollmentType,
      autopilot: (contextValue(rst.context, "NotInOobe") ?? "true").toLowerCase() === "false",
      userless: who.bulk,
      md5,
    });
    // An ESP profile assigned to users also shows for Settings ("Add work or school account") enrollments.
    if (!rec.autopilot && this.cfg.esp.settingsEnrollments && enrollmentType.toLowerCase() === "full") rec.esp = "new";
    return soap(200, buildResponse(ACTION.rstrc, relatesTo, rstrBody(doc)));
  }

  /**
   * Renewal (MS-MDE2 §3.4 renewal): no security header; the client authenticates with its current
   * certificate over TLS and sends a PKCS#7 signed by it around the new PKCS#10.
   */
  private renew(req: { tls?: { peerCertificateDer?: Uint8Array } }, relatesTo: string | undefined, pkcs7: Uint8Array): HttpResponse {
    if (this.cfg.renewal === "refuse") return fault({ relatesTo, subcode: "s:Authorization", reason: "renewal refused", errorType: "NotEligibleToRenew" });
    const der = req.tls?.peerCertificateDer;
    if (!der) return fault({ relatesTo, code: "Sender", subcode: "a:InvalidSecurity", reason: "renewal needs client TLS with the current certificate" });
    try {
      const peer = this.ctx.scep.checkIssued(der);
      if (peer === "unreadable") return fault({ relatesTo, code: "Sender", subcode: "s:MessageFormat", reason: "client certificate: not a readable certificate" });
      if (peer === "not-issued") return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate not on record" });
      if (peer === "revoked") return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate revoked" });
      const cn = /CN=([0-9A-F]{32})/i.exec(peer.subject)?.[1]?.toUpperCase() ?? "";
      const rec = this.state.devices.get(cn);
      if (!rec || rec.serialHex !== peer.serialHex || rec.unenrolled) {
        return fault({ relatesTo, subcode: "s:Authentication", reason: "client certificate not on record" });
      }
      const sd = parseSignedData(pkcs7, "renewal PKCS#7");
      const signer = sd.signers[0];
      if (!signer || findSignerCert(signer, sd.certificates)?.serialHex !== peer.serialHex || !verifySigner(sd, signer, peer.spki, this.ctx.crypto).ok || !sd.content) {
        return fault({ relatesTo, code: "Sender", subcode: "s:CertificateRequest", reason: "renewal PKCS#7 is not signed by the current certificate" });
      }
      const csr = parseCsr(sd.content, "renewal PKCS#10");
      if (!verifyCsr(csr, this.ctx.crypto)) return fault({ relatesTo, code: "Sender", subcode: "s:CertificateRequest", reason: "renewal CSR signature does not verify" });
      const cert = this.issue(csr.spki, cn);
      rec.serialHex = cert.serialHex;
      this.state.counters.renewals++;
      const scope = rec.enrollmentType.toLowerCase() === "device" ? "System" : "User";
      const thumb = (c: Certificate) => Buffer.from(this.ctx.crypto.digest("sha1", c.der)).toString("hex").toUpperCase();
      const doc = buildProvisioningDoc({
        rootCerts: [{ thumbprint: thumb(this.ctx.scep.id.ca), der: this.ctx.scep.id.ca.der }],
        myCert: { thumbprint: thumb(cert), der: cert.der, scope },
        renew: { roboSupport: true, renewPeriodDays: this.cfg.policy.renewalDays, retryIntervalDays: this.cfg.policy.retryIntervalDays ?? 4 },
        application: { appId: "w7", providerId: this.cfg.providerId, addr: `${this.base()}/ManagementServer/MDM.svc` },
      });
      return soap(200, buildResponse(ACTION.rstrc, relatesTo, rstrBody(doc)));
    } catch (err) {
      return fault({ relatesTo, code: "Sender", subcode: "s:MessageFormat", reason: err instanceof SimError ? err.message : "unparsable renewal" });
    }
  }

  private issue(spki: Uint8Array, deviceId: string): Certificate {
    const id = this.ctx.scep.id;
    const now = this.ctx.now();
    const serial = this.ctx.crypto.digest("sha256", new TextEncoder().encode(`${deviceId}:${now}:${this.state.counters.issued++}`)).subarray(0, 16);
    serial[0] = serial[0]! & 0x7f;
    const der = buildCertificate(
      {
        serial,
        issuer: id.ca.subjectDer,
        subject: encodeName(`CN=${deviceId}`),
        notBefore: new Date(now - 300_000),
        notAfter: new Date(now + this.cfg.policy.validityDays * 86_400_000),
        spki,
        extensions: [basicConstraints(false), keyUsage(["digitalSignature", "keyEncipherment"]), extKeyUsage(["1.3.6.1.5.5.7.3.2"])],
      },
      id.caKey,
      "sha256",
      this.ctx.crypto,
    );
    const cert = parseCertificate(der, "issued device certificate");
    this.ctx.scep.noteIssued(cert, "windows");
    return cert;
  }
}

export { TOKEN };
