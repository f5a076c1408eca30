// SPDX-License-Identifier: MIT
/**
 * HTTP side of the reference SCEP CA (RFC 8894 §4). Strict: a request a real CA would refuse is
 * refused here too (HTTP 4xx when no CertRep can be formed, else CertRep FAILURE with failInfo),
 * so client bugs surface instead of passing against a lenient fake.
 */
import { IssuedByCache } from "../issued-by-cache.js";
import { randomBytes } from "node:crypto";
import type { CryptoPort, HashAlg } from "../../ports/crypto.js";
import type { HttpHandler, HttpRequest, HttpResponse } from "../../ports/http.js";
import { SimError } from "../../errors/index.js";
import { buildCertsOnly, checkSigningTime, findSignerCert, verifySigner } from "../../wire/cms/signed-data.js";
import { describeEnvelope, openEnvelopedData } from "../../wire/cms/enveloped-data.js";
import { parseCaps } from "../../wire/scep/caps.js";
import { buildPkiMessage, parseIssuerAndSerial, parseIssuerAndSubject, parsePkiMessage, type PkiMessage } from "../../wire/scep/message.js";
import { MessageType, messageTypeName, type FailInfo } from "../../wire/scep/vocabulary.js";
import { hex, parseCertificate, sameBytes, verifyCertificateSignature, type Certificate } from "../../wire/x509/certificate.js";
import { parseCsr, verifyCsr } from "../../wire/x509/pkcs10.js";
import { getCaCertSet, issueCertificate, issuerOf, type CaIdentity } from "./ca.js";
import { gcmEnvelope, replyCipher, signerDigestAlgorithmOid } from "./certrep-encoding.js";
import type { ScepServerConfig } from "./config.js";
import type { ScepRequestRecord } from "../records.js";

/**
 * One SCEP transaction, kept for CertPoll and re-sent PKCSReqs. Compact on purpose: the CA keeps
 * one per enrolled device for the server's lifetime, so the parsed CSR is dropped once the
 * certificate is issued and the certificate is kept as DER only (docs/performance.md, "Server
 * memory per enrolled device").
 */
interface Transaction {
  subjectDer: Uint8Array;
  /** The CSR's subject (text) and key: what a CertPoll is checked against. */
  subject: string;
  spki: Uint8Array;
  /** The parsed CSR, until the certificate is issued. */
  csr?: ReturnType<typeof parseCsr>;
  pendingLeft: number;
  /** DER of the issued certificate. */
  issued?: Uint8Array;
}

export interface ScepServerStats {
  requests: number;
  issued: number;
  pending: number;
  failures: Record<string, number>;
  rejected: number;
}

const text = (status: number, body: string): HttpResponse => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: new Uint8Array(Buffer.from(body + "\n")),
  url: "",
});

class Reject extends Error {
  constructor(
    readonly failInfo: FailInfo,
    message: string,
  ) {
    super(message);
  }
}

export class ScepCaServer {
  private readonly transactions = new Map<string, Transaction>();
  /** DER of every certificate issued by SCEP, by serial (hex); parsed only when records are read. */
  private readonly issuedBySerial = new Map<string, Uint8Array>();
  /** PKCSReqs and CertPolls received, by transaction id and CSR subject (records()). */
  private readonly requestTally = new Map<string, ScepRequestRecord>();
  /** Certificates the halves' own enrollment services issued from this CA (Windows WSTEP), for records(). */
  private readonly issuedElsewhere: { der: Uint8Array; by: string }[] = [];
  /** Subjects (DER hex) with an issued certificate, for `rejectDuplicateSubject`. */
  private readonly issuedSubjects = new Set<string>();
  /** Challenges registered by platform halves (one per served profile): expiry, and for single-use ones the transaction that used it. */
  private readonly issuedChallenges = new Map<string, { expiresAt: number; singleUse: boolean; usedBy?: string }>();
  private nextSerial = 0x1000n;
  readonly stats: ScepServerStats = { requests: 0, issued: 0, pending: 0, failures: {}, rejected: 0 };
  /** Last reasons for refusals: the reference server explains itself in `serve` logs. */
  readonly log: string[] = [];

  constructor(
    readonly id: CaIdentity,
    readonly config: ScepServerConfig,
    private readonly crypto: CryptoPort,
    private readonly now: () => number = Date.now,
    /** A CA nobody trusts, used only by the `unknown-signer` and `cert-for-other-key` faults. */
    private readonly rogue?: CaIdentity,
  ) {}

  private issuedCache?: IssuedByCache;

  /**
   * A client certificate presented to a platform half, checked against this CA once per
   * certificate (parse + signature; see issued-by-cache.ts). Validity and "on record" checks stay
   * with the caller.
   */
  checkIssued(der: Uint8Array, what = "client certificate"): Certificate | "unreadable" | "not-issued" | "revoked" {
    this.issuedCache ??= new IssuedByCache(() => this.issuers(), this.crypto);
    const cert = this.issuedCache.check(der, what);
    return typeof cert !== "string" && this.revoked.has(cert.serialHex) ? "revoked" : cert;
  }

  /** The CAs whose certificates a half accepts as this CA's: the SCEP issuer (an intermediate, `embedded.scep.chain`) and the root, which the halves issue from. */
  private issuers(): Certificate[] {
    return this.id.issuing ? [this.id.issuing.cert, this.id.ca] : [this.id.ca];
  }

  /** {@link checkIssued} for a certificate already parsed (e.g. an Mdm-Signature signer). */
  checkIssuedParsed(cert: Certificate): Certificate | "not-issued" | "revoked" {
    this.issuedCache ??= new IssuedByCache(() => this.issuers(), this.crypto);
    const out = this.issuedCache.checkParsed(cert);
    return typeof out !== "string" && this.revoked.has(out.serialHex) ? "revoked" : out;
  }

  /** Serials (hex, as Certificate.serialHex) the CA has revoked: every half refuses them as a client identity. */
  private readonly revoked = new Set<string>();

  /** Revokes issued certificates by serial (an admin revoking a device's certificate); returns how many were new. */
  revoke(serialsHex: readonly string[]): number {
    let n = 0;
    for (const s of serialsHex) if (!this.revoked.has(s)) (this.revoked.add(s), n++);
    return n;
  }

  /** Serials revoked so far. */
  get revokedSerials(): string[] {
    return [...this.revoked];
  }

  private get caps() {
    return parseCaps(this.config.caps.join("\n"));
  }

  /** Receives every refusal and deviation as it happens (the `serve` command prints them). */
  onLog?: (line: string) => void;

  private remember(line: string): void {
    this.onLog?.(line);
    this.log.push(line);
    if (this.log.length > 200) this.log.shift();
  }

  readonly handle: HttpHandler = async (req) => {
    this.stats.requests++;
    const url = new URL(req.url, "http://localhost");
    const op = url.searchParams.get("operation");
    switch (op) {
      case "GetCACaps":
        return { status: 200, headers: { "content-type": "text/plain" }, body: new Uint8Array(Buffer.from(this.config.caps.join("\n"))), url: req.url };
      case "GetCACert":
        return this.getCaCert();
      case "PKIOperation":
        return this.pkiOperation(req, url);
      default:
        this.stats.rejected++;
        return text(400, `unknown or missing operation "${op ?? ""}"`);
    }
  };

  /**
   * Registers an extra challenge password valid until `expiresAt` (ms), besides the configured
   * one: platform halves that embed a per-profile challenge use it (e.g. a profile credential
   * that expires, field failure apple-direct-profile-expired). At most 100 000 are kept.
   */
  /** A half issued `cert` from this CA itself (not by SCEP): keep it in the records view. */
  noteIssued(cert: Certificate, by: string): void {
    this.issuedElsewhere.push({ der: cert.der, by });
  }

  /** Requests received per transaction and subject, oldest first (server/records.ts). */
  requestRecords(): ScepRequestRecord[] {
    return [...this.requestTally.values()].map((r) => ({ ...r }));
  }

  private tally(transactionID: string, subject: string, kind: "pkcsReqs" | "certPolls"): void {
    const key = `${transactionID}\n${subject}`;
    let r = this.requestTally.get(key);
    if (!r) this.requestTally.set(key, (r = { transactionID, subject, pkcsReqs: 0, certPolls: 0 }));
    r[kind]++;
  }

  /** Every certificate issued from this CA, by SCEP and by the halves, oldest first per source (server/records.ts). */
  issuedCertificates(): { cert: Certificate; by: string }[] {
    const parsed = ({ der, by }: { der: Uint8Array; by: string }) => ({ cert: parseCertificate(der, "issued certificate"), by });
    return [...[...this.issuedBySerial.values()].map((der) => parsed({ der, by: "scep" })), ...this.issuedElsewhere.map(parsed)];
  }

  /** `singleUse`: the challenge enrolls one transaction; another transaction with it is refused (badRequest), a re-sent PKCSReq of the same one is not. */
  addChallenge(challenge: string, expiresAt: number, singleUse = false): void {
    if (this.issuedChallenges.size >= 100_000) this.issuedChallenges.delete(this.issuedChallenges.keys().next().value!);
    this.issuedChallenges.set(challenge, { expiresAt, singleUse });
  }

  private getCaCert(): HttpResponse {
    // RFC 8894 §4.2.1.2: a CA that issues from an intermediate, or has an RA, answers a degenerate certificates-only PKCS#7.
    const set = getCaCertSet(this.id);
    if (this.id.ra || (this.id.issuing && !this.id.issuing.alone)) {
      return {
        status: 200,
        headers: { "content-type": "application/x-x509-ca-ra-cert" },
        body: buildCertsOnly(
          set.map((c) => c.der),
          this.crypto,
        ),
        url: "",
      };
    }
    return { status: 200, headers: { "content-type": "application/x-x509-ca-cert" }, body: set[0]!.der, url: "" };
  }


  private async pkiOperation(req: HttpRequest, url: URL): Promise<HttpResponse> {
    let body: Uint8Array;
    if (req.method === "POST") {
      if (!this.caps.post) return this.reject(405, "POSTPKIOperation is not advertised; use GET");
      const ct = (req.headers?.["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      // RFC 8894 §4.3 says application/x-pki-message; micromdm's scepclient sends
      // application/octet-stream and every deployed CA accepts it, so this one does too (logged).
      if (ct === "application/octet-stream") this.remember("deviation: PKIOperation Content-Type application/octet-stream");
      else if (ct !== "application/x-pki-message") return this.reject(415, `Content-Type must be application/x-pki-message, got "${ct}"`);
      body = req.body ?? new Uint8Array(0);
    } else if (req.method === "GET") {
      const m = url.searchParams.get("message");
      if (!m) return this.reject(400, "PKIOperation GET needs a message parameter");
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(m)) return this.reject(400, "PKIOperation message is not base64");
      body = new Uint8Array(Buffer.from(m, "base64"));
    } else return this.reject(405, `method ${req.method} not allowed`);
    if (body.length > this.config.maxRequestBytes) return this.reject(413, `PKIOperation body over ${this.config.maxRequestBytes} bytes`);

    let msg: PkiMessage;
    try {
      msg = parsePkiMessage(body, "PKIOperation request");
    } catch (err) {
      return this.reject(400, `malformed pkiMessage: ${err instanceof SimError ? err.message : String(err)}`);
    }
    if (!msg.senderNonce || msg.senderNonce.length < 8) return this.reject(400, "pkiMessage has no usable senderNonce");
    if (!/^[A-Za-z0-9 '()+,\-./:=?]{1,128}$/.test(msg.transactionID)) return this.reject(400, "transactionID is not a PrintableString of 1..128 chars");
    // Signer: for PKCSReq the self-signed certificate in the message; for renewal an issued one.
    const signerCert = findSignerCert(msg.signer, msg.signedData.certificates);
    try {
      if (!signerCert) throw new Reject("badMessageCheck", "signer certificate is not in the message");
      const digestName = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" }[msg.signer.digest as "sha1"];
      if (!digestName || !this.config.caps.some((c) => c.toUpperCase() === digestName || (digestName === "SHA-256" && c === "SCEPStandard"))) {
        throw new Reject("badAlg", `digest ${msg.signer.digest} is not advertised`);
      }
      // Strict: a DigestAlgorithmIdentifier is required there (RFC 5652 §5.3); the signature OID some CAs wrote in CertReps is refused in a request.
      if (msg.signer.digestAlgorithmIsSignature) throw new Reject("badAlg", `SignerInfo.digestAlgorithm is ${msg.signer.digestAlgorithmOid}, a signature algorithm, not a digest algorithm (RFC 5652 §5.3)`);
      const sig = verifySigner(msg.signedData, msg.signer, signerCert.spki, this.crypto);
      if (!sig.ok) throw new Reject("badMessageCheck", `request signature does not verify (${sig.reason})`);
      // signingTime (the device's clock): within the signer certificate's validity, as a CMS
      // verifier on the Go pkcs7 library checks (verify.go SigningTimeNotValidError) — a RenewalReq
      // signed before the CA-issued certificate's NotBefore or after its NotAfter; and, with
      // clockSkewSeconds, close to the server's clock (RFC 8894 §3.2.1.4.5 failInfo badTime).
      const skew = this.config.clockSkewSeconds;
      const late = checkSigningTime(msg.signer, signerCert, skew === undefined ? {} : { clockSkewMs: skew * 1000, now: this.now() });
      if (late) throw new Reject(late.reason === "clock-skew" ? "badTime" : "badMessageCheck", late.message);
      if (!msg.envelope) throw new Reject("badRequest", "request carries no enveloped message data");
      const env = describeEnvelope(msg.envelope, "request envelope");
      const caps = this.caps;
      if (env.cipher === "des-cbc") {
        // Single DES is never advertised, but micromdm's scepclient (Debian `scepclient`) sends it
        // and deployed CAs accept it: allowed unless configured strict, and logged either way.
        if (!this.config.allowSingleDes) throw new Reject("badAlg", "content cipher des-cbc (single DES) is not accepted");
        this.remember(`deviation: ${msg.transactionID} uses single-DES content encryption`);
      } else if ((env.cipher === "des-ede3-cbc" && !caps.des3) || (env.cipher.startsWith("aes") && !caps.aes)) {
        throw new Reject("badAlg", `content cipher ${env.cipher} is not advertised`);
      }
      const recipient = this.id.ra ?? issuerOf(this.id).cert;
      const recipientKey = this.id.raKey ?? issuerOf(this.id).key;
      const { content } = openEnvelopedData(msg.envelope, recipient, recipientKey, this.crypto, "request envelope");
      const result = this.process(msg, signerCert, content);
      return this.certRep(msg, signerCert, env.cipher, result);
    } catch (err) {
      if (err instanceof Reject) {
        this.remember(`${msg.transactionID}: ${messageTypeName(msg.messageType)} → FAILURE ${err.failInfo}: ${err.message}`);
        if (!signerCert) return this.reject(400, err.message);
        return this.certRep(msg, signerCert, "aes-128-cbc", { failInfo: err.failInfo, text: err.message });
      }
      if (err instanceof SimError) {
        this.remember(`${msg.transactionID}: ${err.message}`);
        return signerCert ? this.certRep(msg, signerCert, "aes-128-cbc", { failInfo: "badMessageCheck", text: err.message }) : this.reject(400, err.message);
      }
      throw err;
    }
  }

  /**
   * A CertRep FAILURE with `failInfo` for this PKIOperation request, signed by the CA like every
   * CertRep: how a `scepFailInfo` fault is answered (only the CA holds the key). The request is not
   * processed; one that cannot carry a CertRep (unparsable, no signer) is handled normally.
   */
  async failureFor(req: HttpRequest, failInfo: FailInfo, reason = "injected fault (scenario faults: scepFailInfo)"): Promise<HttpResponse> {
    const url = new URL(req.url, "http://localhost");
    const m = url.searchParams.get("message");
    const body = req.method === "POST" ? req.body : m ? new Uint8Array(Buffer.from(m, "base64")) : undefined;
    let msg: PkiMessage;
    try {
      msg = parsePkiMessage(body ?? new Uint8Array(0), "PKIOperation request");
    } catch {
      return this.handle(req);
    }
    const signerCert = findSignerCert(msg.signer, msg.signedData.certificates);
    if (!signerCert) return this.handle(req);
    this.stats.requests++;
    this.remember(`${msg.transactionID}: ${messageTypeName(msg.messageType)} → FAILURE ${failInfo}: ${reason}`);
    return this.certRep(msg, signerCert, "aes-128-cbc", { failInfo, text: reason });
  }

  private reject(status: number, reason: string): HttpResponse {
    this.stats.rejected++;
    this.remember(`HTTP ${status}: ${reason}`);
    return text(status, reason);
  }

  private newSerial(): Uint8Array {
    const s = (this.nextSerial++).toString(16);
    return new Uint8Array(Buffer.from(s.length % 2 ? `0${s}` : s, "hex"));
  }

  /** Decides the reply; throws Reject for FAILURE. */
  private process(msg: PkiMessage, signer: Certificate, content: Uint8Array): { issued?: Uint8Array } | { pending: true } {
    const now = this.now();
    switch (msg.messageType) {
      case MessageType.PKCSReq:
      case MessageType.RenewalReq: {
        const csr = parseCsr(content, "enveloped CSR");
        if (!verifyCsr(csr, this.crypto)) throw new Reject("badMessageCheck", "CSR signature does not verify");
        if (msg.messageType === MessageType.PKCSReq) {
          if (!sameBytes(csr.spki, signer.spki)) throw new Reject("badRequest", "PKCSReq signer key differs from the CSR key");
          const extra = csr.challengePassword !== undefined ? this.issuedChallenges.get(csr.challengePassword) : undefined;
          if (extra !== undefined) {
            if (now > extra.expiresAt) throw new Reject("badRequest", "challenge password has expired");
            if (extra.singleUse && extra.usedBy !== undefined && extra.usedBy !== msg.transactionID) throw new Reject("badRequest", "challenge password was already used (single-use)");
            if (extra.singleUse) extra.usedBy = msg.transactionID;
          } else if (csr.challengePassword !== this.config.challenge) throw new Reject("badRequest", csr.challengePassword === undefined ? "CSR has no challengePassword" : "challenge password is wrong");
        } else {
          if (!this.caps.renewal) throw new Reject("badRequest", "Renewal is not advertised");
          const issuer = issuerOf(this.id).cert;
          if (!sameBytes(signer.issuerDer, issuer.subjectDer) || !verifyCertificateSignature(signer, issuer.spki, this.crypto)) {
            throw new Reject("badMessageCheck", "RenewalReq is not signed by a certificate of this CA");
          }
          if (signer.notAfter.getTime() < now) throw new Reject("badTime", "RenewalReq signer certificate has expired");
        }
        if (this.config.failInfo) throw new Reject(this.config.failInfo, "configured to fail");
        if (msg.messageType === MessageType.PKCSReq) this.tally(msg.transactionID, csr.subject, "pkcsReqs");
        const existing = this.transactions.get(msg.transactionID);
        if (existing?.issued) return { issued: existing.issued };
        if (this.config.rejectDuplicateSubject && msg.messageType === MessageType.PKCSReq && this.issuedSubjects.has(hex(csr.subjectDer))) {
          throw new Reject("badRequest", "a certificate with this subject was already issued (duplicate subject; renewal by re-enrolment is not allowed)");
        }
        const t: Transaction = { subjectDer: csr.subjectDer, subject: csr.subject, spki: csr.spki, csr, pendingLeft: this.config.pending };
        this.transactions.set(msg.transactionID, t);
        if (t.pendingLeft > 0) {
          t.pendingLeft--;
          return { pending: true };
        }
        return { issued: this.issue(t) };
      }
      case MessageType.CertPoll: {
        const t = this.transactions.get(msg.transactionID);
        if (!t) throw new Reject("badCertId", `no pending transaction ${msg.transactionID}`);
        const ias = parseIssuerAndSubject(content);
        if (!sameBytes(ias.issuerDer, issuerOf(this.id).cert.subjectDer) || !sameBytes(ias.subjectDer, t.subjectDer)) {
          throw new Reject("badCertId", "CertPoll IssuerAndSubject does not match the transaction");
        }
        if (!sameBytes(signer.spki, t.spki)) throw new Reject("badMessageCheck", "CertPoll is signed by another key than the PKCSReq");
        this.tally(msg.transactionID, t.subject, "certPolls");
        if (t.issued) return { issued: t.issued };
        if (t.pendingLeft > 0) {
          t.pendingLeft--;
          return { pending: true };
        }
        return { issued: this.issue(t) };
      }
      case MessageType.GetCert: {
        const ias = parseIssuerAndSerial(content);
        const cert = this.issuedBySerial.get(hex(ias.serial));
        if (!cert) throw new Reject("badCertId", `no certificate with serial ${hex(ias.serial)}`);
        return { issued: cert };
      }
      default:
        throw new Reject("badRequest", `messageType ${messageTypeName(msg.messageType)} is not supported`);
    }
  }

  private issue(t: Transaction): Uint8Array {
    if (!t.csr) throw new Error("SCEP transaction issued twice"); // internal: issue() runs once per transaction
    const csr = this.config.fault === "cert-for-other-key" && this.rogue ? { ...t.csr, spki: this.rogue.ca.spki } : t.csr;
    const cert = issueCertificate(this.id, csr, this.newSerial(), this.now(), this.config.validityDays, this.crypto, (this.config.backdateSeconds ?? 300) * 1000);
    t.issued = cert.der;
    t.csr = undefined;
    this.issuedBySerial.set(cert.serialHex, cert.der);
    this.issuedSubjects.add(hex(t.subjectDer));
    this.stats.issued++;
    return cert.der;
  }

  private certRep(
    req: PkiMessage,
    requestSigner: Certificate,
    cipher: ReturnType<typeof describeEnvelope>["cipher"],
    result: { issued?: Uint8Array } | { pending: true } | { failInfo: FailInfo; text: string },
  ): HttpResponse {
    const fault = this.config.fault;
    const signerId = fault === "unknown-signer" && this.rogue ? this.rogue : this.id;
    const key = signerId.raKey ?? issuerOf(signerId).key;
    const hash = req.signer.digest as HashAlg;
    // embedded.scep.certRep: the CA's encoding choices (certrep-encoding.ts); absent, RFC 5652 / RFC 8894.
    const enc = this.config.certRep;
    const digestAlgorithmOid = signerDigestAlgorithmOid(enc, key, hash);
    const signer = { cert: signerId.ra ?? issuerOf(signerId).cert, key, hash, ...(digestAlgorithmOid ? { digestAlgorithmOid } : {}) };
    const common = {
      messageType: MessageType.CertRep,
      transactionID: fault === "wrong-transaction-id" ? `${req.transactionID}X` : req.transactionID,
      senderNonce: new Uint8Array(randomBytes(16)),
      recipientNonce: fault === "wrong-recipient-nonce" ? new Uint8Array(randomBytes(16)) : req.senderNonce,
      signer,
      random: (n: number) => new Uint8Array(randomBytes(n)),
    };
    let body: Uint8Array;
    if ("failInfo" in result) {
      this.stats.failures[result.failInfo] = (this.stats.failures[result.failInfo] ?? 0) + 1;
      body = buildPkiMessage({ ...common, pkiStatus: "FAILURE", failInfo: result.failInfo, failInfoText: result.text }, this.crypto);
    } else if ("pending" in result) {
      this.stats.pending++;
      body = buildPkiMessage({ ...common, pkiStatus: "PENDING" }, this.crypto);
    } else {
      // The issued certificate and its chain: the intermediates (embedded.scep.chain), then the root.
      const certsOnly = buildCertsOnly([result.issued!, ...(this.id.issuing?.path ?? []).map((c) => c.der), this.id.ca.der], this.crypto);
      // Reply with the request's cipher (a single-DES request gets 3DES), unless certRep.contentCipher names one.
      const reply = replyCipher(enc, cipher);
      body =
        reply === "aes-128-gcm"
          ? buildPkiMessage({ ...common, pkiStatus: "SUCCESS", envelope: gcmEnvelope(certsOnly, requestSigner, this.crypto) }, this.crypto)
          : buildPkiMessage({ ...common, pkiStatus: "SUCCESS", messageData: certsOnly, recipient: requestSigner, cipher: reply }, this.crypto);
    }
    return this.applyTransportFault({ status: 200, headers: { "content-type": "application/x-pki-message" }, body, url: "" });
  }

  private applyTransportFault(res: HttpResponse): HttpResponse {
    switch (this.config.fault) {
      case "wrong-content-type":
        return { ...res, headers: { "content-type": "text/html; charset=utf-8" } };
      case "not-pkcs7":
        return { ...res, body: new Uint8Array(Buffer.from("<html><body>SCEP service unavailable</body></html>")) };
      case "truncated":
        return { ...res, body: res.body.subarray(0, Math.floor(res.body.length / 2)) };
      default:
        return res;
    }
  }
}
