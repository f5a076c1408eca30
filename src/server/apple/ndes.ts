// SPDX-License-Identifier: MIT
/**
 * An NDES + MDM policy-module stand-in in front of the foundation CA (`embedded.apple.scepChallenge`
 * with `checkedBy: ndes`,
 * field failure ios-scep-challenge-expired). Every enrollment profile the Apple half serves gets
 * its own challenge, issued now and valid `challengeLifetimeSeconds` (default 900 s, Intune's
 * 15 minutes). `GET|POST /apple/ndes?operation=…`: GetCACaps and GetCACert go to the CA as they
 * are; a PKIOperation is opened here (envelope to the RA/CA key, CSR challengePassword) and the
 * policy module checks the challenge against the server clock. An unknown or expired challenge is
 * refused the way NDES refuses a request its policy module rejects: HTTP 500 with no CertRep,
 * which the device reports as "The SCEP server returned an invalid response." A valid one is
 * passed to the CA (where it is registered with the same lifetime).
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { openEnvelopedData } from "../../wire/cms/enveloped-data.js";
import { parsePkiMessage } from "../../wire/scep/message.js";
import { parseCsr } from "../../wire/x509/pkcs10.js";
import type { HalfContext } from "../half.js";

export interface NdesConfig {
  /** Challenge lifetime, from the moment the profile is served (default 900). */
  challengeLifetimeSeconds?: number;
  /** A challenge enrolls one request (one SCEP transaction): NDES challenge passwords are single-use. */
  singleUse?: boolean;
}

export const NDES_PATH = "/apple/ndes";
const MAX_CHALLENGES = 100_000;

export class NdesPolicyModule {
  /** challenge → issued at (server clock, ms). */
  private readonly issued = new Map<string, number>();
  /** challenge → the SCEP transaction that used it (singleUse). */
  private readonly usedBy = new Map<string, string>();
  readonly stats = { issued: 0, passed: 0, expired: 0, unknown: 0, reused: 0 };

  constructor(
    private readonly ctx: HalfContext,
    private readonly config: NdesConfig,
  ) {}

  get lifetimeMs(): number {
    return (this.config.challengeLifetimeSeconds ?? 900) * 1000;
  }

  /** A fresh challenge for one profile, valid from now for the lifetime. */
  issue(): string {
    const now = this.ctx.now();
    const challenge = `ndes-${randomUUID()}`;
    if (this.issued.size >= MAX_CHALLENGES) this.issued.delete(this.issued.keys().next().value!);
    this.issued.set(challenge, now);
    this.ctx.scep.addChallenge(challenge, now + this.lifetimeMs, this.config.singleUse === true);
    this.stats.issued++;
    return challenge;
  }

  /** The challengePassword and transaction of a PKIOperation, or undefined when the message cannot be read here (the CA answers then). */
  private challengeOf(req: HttpRequest, url: URL): { challenge?: string; transactionID: string } | undefined {
    try {
      const body = req.method === "GET" ? new Uint8Array(Buffer.from(url.searchParams.get("message") ?? "", "base64")) : (req.body ?? new Uint8Array(0));
      const msg = parsePkiMessage(body, "PKIOperation request");
      if (!msg.envelope) return undefined;
      const id = this.ctx.scep.id;
      const { content } = openEnvelopedData(msg.envelope, id.ra ?? id.ca, id.raKey ?? id.caKey, this.ctx.crypto, "request envelope");
      return { challenge: parseCsr(content, "enveloped CSR").challengePassword, transactionID: msg.transactionID };
    } catch {
      return undefined;
    }
  }

  readonly handle = async (req: HttpRequest): Promise<HttpResponse> => {
    const url = new URL(req.url, "http://localhost");
    if (url.searchParams.get("operation") === "PKIOperation") {
      const { challenge, transactionID } = this.challengeOf(req, url) ?? {};
      if (challenge !== undefined) {
        const at = this.issued.get(challenge);
        const age = at === undefined ? undefined : this.ctx.now() - at;
        const used = this.config.singleUse ? this.usedBy.get(challenge) : undefined;
        if (age === undefined || age > this.lifetimeMs || (used !== undefined && used !== transactionID)) {
          if (age === undefined) this.stats.unknown++;
          else if (age > this.lifetimeMs) this.stats.expired++;
          else this.stats.reused++;
          const why =
            age === undefined
              ? "the challenge was not issued by this server"
              : age > this.lifetimeMs
                ? `the challenge expired (issued ${Math.round(age / 1000)} s ago, valid ${Math.round(this.lifetimeMs / 1000)} s)`
                : "the challenge was already used by another certificate request (single-use)";
          return { status: 500, headers: { "content-type": "text/plain; charset=utf-8" }, body: new Uint8Array(Buffer.from(`The policy module rejected the certificate request: ${why}\n`)), url: req.url };
        }
        this.stats.passed++;
        if (this.config.singleUse && transactionID !== undefined) this.usedBy.set(challenge, transactionID);
      }
    }
    return this.ctx.scep.handle(req);
  };
}
