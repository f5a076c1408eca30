// SPDX-License-Identifier: MIT
/**
 * SCEP client (RFC 8894): GetCACaps, GetCACert, PKCSReq / RenewalReq, and CertPoll while PENDING.
 * An async state machine over the ports: HTTP, clock (poll delays), crypto (native), entropy
 * (nonces, content keys). Used by every platform that enrols a certificate by SCEP.
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import type { ContentCipher, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { chooseAlgorithms, parseCaps, LEGACY_CAPS, type CaCaps } from "../../wire/scep/caps.js";
import { buildIssuerAndSubject, buildPkiMessage } from "../../wire/scep/message.js";
import { FAIL_INFO_TEXT, MessageType, messageTypeName } from "../../wire/scep/vocabulary.js";
import { buildCertificate, hex, parseCertificate, type Certificate } from "../../wire/x509/certificate.js";
import { keyUsage } from "../../wire/x509/extensions.js";
import { parseCsr } from "../../wire/x509/pkcs10.js";
import { decoded, deviceNow, note, step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";
import { chainFromResponse, checkChainFingerprint, type CaChain } from "./ca-chain.js";
import { checkCertRep, type CertRepResult } from "./certrep.js";
import type { ScepOutcome } from "./outcome.js";
import type { CertRepParser } from "../../wire/scep/certrep-encoding.js";
import { deviceWait } from "../common/device-wait.js";

export interface PollPolicy {
  /** CertPolls after the first PENDING (Apple `Retries`, default 3). */
  maxAttempts: number;
  /** Delay before each poll, ms (Apple `RetryDelay`, default 10 s). */
  delayMs: number;
  /** Multiplier applied to the delay after each poll (1 = constant). */
  backoff: number;
}

export const DEFAULT_POLL: PollPolicy = { maxAttempts: 3, delayMs: 10_000, backoff: 1 };

export interface ScepClientOptions {
  url: string;
  /** Pinned CA fingerprint, "sha256:hex" (also md5/sha1). */
  caFingerprint?: string;
  /** `message` parameter of GetCACert (Apple sends the payload Name); omitted when undefined, as devices omit it. */
  caIdentifier?: string;
  cipher?: ContentCipher | "auto";
  digest?: HashAlg | "auto";
  poll?: Partial<PollPolicy>;
  /** Accept a CertRep whose recipientNonce does not echo ours (recorded as a finding). */
  lenientNonce?: boolean;
  /**
   * An HTTP error answer to GetCACaps ends the enrollment there (Windows: its SCEP log reads "GetCACaps: Not Found …
   * 0x80190194 HTTP_E_STATUS_NOT_FOUND"). Absent: the RFC 8894 client's fallback to legacy capabilities (GET, DES3, SHA-1).
   */
  capsRequired?: boolean;
  /** The device release's CertRep parser (devices/scep-clients/*.yaml): how it meets the CA's encoding choices. Absent: RFC-strict. */
  certRepParser?: CertRepParser;
  /** The platform's own choice of the request envelope's recipient from GetCACert's set (Apple: protocol/apple/scep-recipient.ts). Absent: `chain.encryption`. */
  recipient?: (chain: CaChain) => Certificate;
}

export interface EnrollRequest {
  /** DER PKCS#10, already carrying the challengePassword. */
  csr: Uint8Array;
  /** The CSR's private key: it also signs the request and opens the reply. */
  key: PrivateKey;
  /** Key-pool slot the key came from: kept in the durable checkpoint so a resumed run finds the same key. */
  keySlot?: number;
}

export interface RenewRequest extends EnrollRequest {
  /** Current CA-issued identity: it signs RenewalReq and receives the reply. */
  currentCert: Certificate;
  currentKey: PrivateKey;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

export class ScepClient {
  private caps?: CaCaps;
  private chain?: CaChain;
  readonly poll: PollPolicy;

  constructor(
    private readonly ctx: ProtocolContext,
    readonly options: ScepClientOptions,
  ) {
    this.poll = { ...DEFAULT_POLL, ...options.poll };
  }

  private url(operation: string, message?: string): string {
    const u = new URL(this.options.url);
    u.searchParams.set("operation", operation);
    if (message !== undefined) u.searchParams.set("message", message);
    return u.toString();
  }

  /** GetCACaps; an error or an empty answer falls back to legacy defaults with a finding. */
  async getCaCaps(): Promise<CaCaps> {
    if (this.caps) return this.caps;
    return step(this.ctx, "scep.getcacaps", async () => {
      let caps: CaCaps;
      try {
        const res = await exchange(this.ctx, "scep.getcacaps", { method: "GET", url: this.url("GetCACaps") });
        caps = parseCaps(Buffer.from(res.body).toString("utf8"));
      } catch (err) {
        if (!(err instanceof TransportError && err.kind === "http-status") || this.options.capsRequired) throw err;
        caps = LEGACY_CAPS;
        note(this.ctx, "scep.getcacaps", { finding: `GetCACaps failed (${err.message}); using legacy defaults (GET, DES3, SHA-1)` });
      }
      if (caps.keywords.length === 0) note(this.ctx, "scep.getcacaps", { finding: "GetCACaps is empty; legacy defaults apply" });
      decoded(this.ctx, "scep.getcacaps", { caps: caps.keywords, ...(caps.unknown.length ? { unknown: caps.unknown } : {}), choice: chooseAlgorithms(caps, this.options) });
      this.caps = caps;
      return caps;
    });
  }

  /** GetCACert, with fingerprint pinning when configured. */
  async getCaCert(): Promise<CaChain> {
    if (this.chain) return this.chain;
    return step(this.ctx, "scep.getcacert", async () => {
      const res = await exchange(this.ctx, "scep.getcacert", { method: "GET", url: this.url("GetCACert", this.options.caIdentifier) });
      const chain = chainFromResponse(mediaType(res), res.body, this.ctx.crypto);
      if (this.options.caFingerprint) checkChainFingerprint(chain, this.options.caFingerprint, this.ctx.crypto);
      decoded(this.ctx, "scep.getcacert", {
        form: chain.form,
        ca: chain.ca.subject,
        caSha256: hex(this.ctx.crypto.digest("sha256", chain.ca.der)),
        encryption: chain.encryption.subject,
        verification: chain.verification.subject,
        certificates: chain.all.map((c) => ({ subject: c.subject, serial: c.serialHex, keyUsage: c.keyUsage })),
        pinned: !!this.options.caFingerprint,
      });
      this.chain = chain;
      return chain;
    });
  }

  /** Full enrolment: caps, CA, PKCSReq, then CertPoll while PENDING. */
  async enroll(req: EnrollRequest): Promise<ScepOutcome> {
    const caps = await this.getCaCaps();
    const chain = await this.getCaCert();
    const signer = this.selfSignedSigner(req);
    return this.transact(MessageType.PKCSReq, req, signer, caps, chain);
  }

  /** RenewalReq signed with the current identity (RFC 8894 §3.3.1.2); PKCSReq when the CA lacks Renewal. */
  async renew(req: RenewRequest): Promise<ScepOutcome> {
    const caps = await this.getCaCaps();
    const chain = await this.getCaCert();
    if (!caps.renewal) {
      note(this.ctx, "scep.pkioperation", { finding: "CA does not advertise Renewal; re-enrolling with PKCSReq" });
      return this.transact(MessageType.PKCSReq, req, this.selfSignedSigner(req), caps, chain);
    }
    return this.transact(MessageType.RenewalReq, req, { cert: req.currentCert, key: req.currentKey }, caps, chain);
  }

  /**
   * Signer for PKCSReq: a short-lived self-signed certificate over the CSR key, with the CSR's
   * subject, keyUsage digitalSignature|keyEncipherment (the reply is encrypted to it).
   */
  private selfSignedSigner(req: EnrollRequest): { cert: Certificate; key: PrivateKey } {
    const csr = parseCsr(req.csr, "our CSR");
    // The device sets its signer certificate's validity on its own clock (state.clockOffset).
    const now = deviceNow(this.ctx);
    const serial = this.ctx.entropy.fork("scep.signer-serial").bytes(8);
    serial[0] = serial[0]! & 0x7f || 0x01;
    const pollWindow = this.poll.maxAttempts * this.poll.delayMs * Math.max(1, this.poll.backoff) ** this.poll.maxAttempts;
    const der = buildCertificate(
      {
        serial,
        issuer: csr.subjectDer,
        subject: csr.subjectDer,
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + Math.max(7 * 86_400_000, pollWindow * 2)),
        spki: csr.spki,
        extensions: [keyUsage(["digitalSignature", "keyEncipherment"])],
      },
      req.key,
      "sha256",
      this.ctx.crypto,
    );
    return { cert: parseCertificate(der, "our signer certificate"), key: req.key };
  }

  /**
   * Whether a checkpoint a killed run saved is this transaction: same key (the transaction id is
   * derived from it) and same CA. Tells the checkpoint port which way the device resumes.
   */
  private resumable(transactionID: string, caSha256: string): boolean {
    const cp = this.ctx.checkpoint;
    const saved = cp?.saved;
    if (!cp || !saved || saved.step !== "scep.pkioperation") return false;
    const why =
      saved.data.transactionID !== transactionID
        ? `the device key is not the checkpoint's (transaction ${String(saved.data.transactionID)}, now ${transactionID})`
        : saved.data.caSha256 !== caSha256
          ? `the CA is not the checkpoint's (SHA-256 ${String(saved.data.caSha256)}, now ${caSha256})`
          : saved.data.url !== this.options.url
            ? `the SCEP URL is not the checkpoint's (${String(saved.data.url)}, now ${this.options.url})`
            : undefined;
    cp.resumed(why ? "restart" : "checkpoint", why);
    note(this.ctx, "scep.certpoll", why ? { resume: `checkpoint not usable: ${why}; enrolling again` } : { resume: `re-polling transaction ${transactionID} saved before the killed run's PKCSReq` });
    return !why;
  }

  private async transact(
    messageType: number,
    req: EnrollRequest,
    signer: { cert: Certificate; key: PrivateKey },
    caps: CaCaps,
    chain: CaChain,
  ): Promise<ScepOutcome> {
    const alg = chooseAlgorithms(caps, this.options);
    const recipient = this.options.recipient?.(chain) ?? chain.encryption;
    const csr = parseCsr(req.csr, "our CSR");
    // RFC 8894 §3.2.1.1: derived from the public key; a renewal that keeps the key mixes in the
    // current certificate so it is not mistaken for a retry of the original PKCSReq.
    const tidInput =
      messageType === MessageType.RenewalReq ? Buffer.concat([csr.spki, signer.cert.serial]) : csr.spki;
    const transactionID = hex(this.ctx.crypto.digest("sha256", tidInput)).toUpperCase();
    const nonces = this.ctx.entropy.fork(`scep.nonce.${transactionID}`);
    const random = this.ctx.entropy.fork(`scep.cek.${transactionID}`);
    const send = async (type: number, data: Uint8Array, stepName: string): Promise<CertRepResult> => {
      const senderNonce = nonces.bytes(16);
      // The device's own clock when it signs (state.clockOffset); UTCTime keeps whole seconds.
      const signingTime = new Date(Math.floor(deviceNow(this.ctx) / 1000) * 1000);
      const body = buildPkiMessage(
        {
          messageType: type,
          transactionID,
          senderNonce,
          messageData: data,
          recipient,
          cipher: alg.cipher,
          // signingTime: the device's own clock when it signs this message (state.clockOffset).
          signer: { ...signer, hash: alg.digest, signingTime },
          random: (n) => random.bytes(n),
        },
        this.ctx.crypto,
      );
      const requestSummary = {
        direction: "request",
        messageType: `${messageTypeName(type)} (${type})`,
        transactionID,
        senderNonce: hex(senderNonce),
        signingTime: signingTime.toISOString(),
        cipher: alg.cipher,
        digest: alg.digest,
        transport: alg.post ? "POST" : "GET",
        signer: signer.cert.subject,
        recipient: recipient.subject,
        ...(type !== MessageType.CertPoll
          ? { csr: { subject: csr.subject, challengePassword: csr.challengePassword !== undefined ? "[REDACTED]" : undefined, extensions: csr.extensions.map((e) => e.oid) } }
          : {}),
      };
      // Recorded after the exchange so the transcript shows it under its own HTTP line.
      let res;
      try {
        res = await exchange(
        this.ctx,
        stepName,
        alg.post
          ? { method: "POST", url: this.url("PKIOperation"), headers: { "content-type": "application/x-pki-message" }, body }
          : { method: "GET", url: this.url("PKIOperation", b64(body)) },
        );
      } finally {
        decoded(this.ctx, stepName, requestSummary);
      }
      const rep = checkCertRep(
        mediaType(res),
        res.body,
        { transactionID, senderNonce, signerCert: signer.cert, signerKey: signer.key, requestedSpki: csr.spki, chain, lenientNonce: this.options.lenientNonce, now: this.ctx.clock.now(), ...(this.options.certRepParser ? { parser: this.options.certRepParser } : {}) },
        this.ctx.crypto,
      );
      for (const f of rep.findings) note(this.ctx, stepName, { finding: f });
      decoded(this.ctx, stepName, {
        direction: "response",
        messageType: "CertRep (3)",
        pkiStatus: rep.status,
        ...(rep.status === "FAILURE"
          ? { failInfo: rep.message.failInfo ?? rep.message.failInfoRaw, failInfoText: rep.message.failInfoText, meaning: rep.message.failInfo ? FAIL_INFO_TEXT[rep.message.failInfo] : undefined }
          : {}),
        recipientNonce: rep.message.recipientNonce ? hex(rep.message.recipientNonce) : undefined,
        ...(rep.status === "SUCCESS"
          ? { issued: { subject: rep.certificate.subject, issuer: rep.certificate.issuer, serial: rep.certificate.serialHex, notAfter: rep.certificate.notAfter.toISOString() } }
          : {}),
      });
      return rep;
    };

    const firstStep = "scep.pkioperation";
    const pollData = () => buildIssuerAndSubject(chain.ca.subjectDer, csr.subjectDer);
    const caSha256 = hex(this.ctx.crypto.digest("sha256", chain.ca.der));
    let rep: CertRepResult | undefined;
    let lastStep = firstStep;
    if (messageType === MessageType.PKCSReq && this.resumable(transactionID, caSha256)) {
      // RFC 8894 §3.3.3: the killed run may have sent the PKCSReq; re-poll that transaction with the same key.
      lastStep = "scep.certpoll";
      rep = await step(this.ctx, "scep.certpoll", () => send(MessageType.CertPoll, pollData(), "scep.certpoll"));
      if (rep.status === "FAILURE" && rep.message.failInfo === "badCertId") {
        note(this.ctx, "scep.certpoll", { resume: `the CA holds no transaction ${transactionID}: the PKCSReq never reached it, so it is sent now (still the first)` });
        rep = undefined;
        lastStep = firstStep;
      }
    }
    if (!rep) {
      // Durable before the PKCSReq leaves: what a resumed run needs to re-poll instead of enrolling again.
      if (messageType === MessageType.PKCSReq) this.ctx.checkpoint?.save({ step: firstStep, data: { messageType: "PKCSReq", transactionID, caSha256, url: this.options.url, ...(req.keySlot !== undefined ? { keySlot: req.keySlot } : {}) } });
      rep = await step(this.ctx, firstStep, () => send(messageType, req.csr, firstStep));
    }
    let polls = 0;
    let delay = this.poll.delayMs;
    while (rep.status === "PENDING") {
      if (polls >= this.poll.maxAttempts) {
        note(this.ctx, "scep.certpoll", { outcome: `gave up after ${polls} polls while PENDING` });
        return { status: "pending-gave-up", transactionID, polls };
      }
      await deviceWait(this.ctx, delay, "scep.certpoll", `the CA answered PENDING: CertPoll ${polls + 1} of ${this.poll.maxAttempts}`);
      delay = Math.round(delay * this.poll.backoff);
      polls++;
      lastStep = "scep.certpoll";
      rep = await step(this.ctx, "scep.certpoll", () => send(MessageType.CertPoll, pollData(), "scep.certpoll"));
    }
    if (rep.status === "FAILURE") {
      return {
        status: "failure",
        failInfo: rep.message.failInfo,
        failInfoRaw: rep.message.failInfoRaw,
        failInfoText: rep.message.failInfoText,
        transactionID,
        step: lastStep,
        polls,
      };
    }
    if (rep.status !== "SUCCESS") throw new ProtocolViolationError("scep.bad-status", "unreachable CertRep status");
    return { status: "issued", certificate: rep.certificate, chain: rep.others, transactionID, polls };
  }
}
