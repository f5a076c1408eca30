// SPDX-License-Identifier: MIT
/**
 * SCEP certificate enrolment behaviour, shared by every platform persona: builds the CSR the
 * way the caller configures (subject, SANs, key usage, challenge), takes the key from the pool,
 * runs the {@link ScepClient}, and maps its outcome to a flow result. Optional renewal.
 */
import type { ContentCipher, HashAlg, PrivateKey } from "../../ports/crypto.js";
import { ScepClient, type PollPolicy } from "../../protocol/scep/client.js";
import { outcomeCode, type ScepOutcome } from "../../protocol/scep/outcome.js";
import { extKeyUsage, keyUsage, subjectAltName, type Extension, type KeyUsage } from "../../wire/x509/extensions.js";
import { buildCsr } from "../../wire/x509/pkcs10.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { substitute } from "./substitute.js";
import { FAIL_INFO_TEXT } from "../../wire/scep/vocabulary.js";

export interface ScepEnrollmentOptions {
  url: string;
  challenge?: string;
  subject: string;
  san?: { dns?: string[]; email?: string[]; uri?: string[]; upn?: string[] };
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: string[];
  /** "sha256:hex" */
  caFingerprint?: string;
  poll?: Partial<PollPolicy>;
  /** The client fails at an HTTP error answer to GetCACaps instead of falling back to legacy capabilities (ScepClientOptions.capsRequired). */
  capsRequired?: boolean;
  cipher?: ContentCipher | "auto";
  digest?: HashAlg | "auto";
  renew?: boolean;
  /** CSR signature hash (default sha256). */
  csrHash?: HashAlg;
}

export interface ScepEnrollmentResult {
  outcome: ScepOutcome;
  key: PrivateKey;
  renewed?: ScepOutcome;
}

export function csrExtensions(o: ScepEnrollmentOptions, ctx: FlowContext): Extension[] {
  const ext: Extension[] = [];
  const san = o.san ?? {};
  const sub = (list?: string[]) => (list ?? []).map((s) => substitute(s, ctx.identity));
  const names = { dns: sub(san.dns), email: sub(san.email), uri: sub(san.uri), upn: sub(san.upn) };
  if (names.dns.length + names.email.length + names.uri.length + names.upn.length > 0) ext.push(subjectAltName(names));
  if (o.keyUsage?.length) ext.push(keyUsage(o.keyUsage));
  if (o.extendedKeyUsage?.length) ext.push(extKeyUsage(o.extendedKeyUsage));
  return ext;
}

/** Enrols one identity; returns the outcome as a value (FAILURE and PENDING give-up included). */
export async function enrollScep(ctx: FlowContext, o: ScepEnrollmentOptions): Promise<ScepEnrollmentResult> {
  const key = await ctx.ports.keys.rsa(ctx.identity.index);
  const csr = buildCsr(
    { subject: substitute(o.subject, ctx.identity), challengePassword: o.challenge, extensions: csrExtensions(o, ctx) },
    key,
    o.csrHash ?? "sha256",
    ctx.ports.crypto,
  );
  const client = new ScepClient(ctx.protocol, {
    url: o.url,
    caFingerprint: o.caFingerprint,
    cipher: o.cipher,
    digest: o.digest,
    poll: o.poll,
    ...(o.capsRequired ? { capsRequired: true } : {}),
    // The device release's CertRep parser (devices/scep-clients/*.yaml); Windows and Android have no rows yet (RFC-strict).
    ...(ctx.certRepParsers ? { certRepParser: ctx.certRepParsers.forDevice({ platform: ctx.identity.platform, osVersion: ctx.identity.os.version, apiLevel: ctx.identity.android?.apiLevel }) } : {}),
  });
  const outcome = await client.enroll({ csr, key, keySlot: ctx.identity.index });
  if (outcome.status !== "issued" || !o.renew) return { outcome, key };
  // Renewal: same key, signed with the identity just issued (RFC 8894 §3.3.1.2).
  const renewed = await client.renew({ csr, key, currentCert: outcome.certificate, currentKey: key });
  return { outcome, key, renewed };
}

export function scepFlowResult(r: ScepEnrollmentResult): FlowResult {
  const final = r.renewed ?? r.outcome;
  const keychain: FlowResult["keychain"] = { identities: [] };
  const add = (label: string, o: ScepOutcome) => {
    if (o.status === "issued") keychain.identities.push({ label, certificate: o.certificate as Certificate, key: r.key, chain: o.chain });
  };
  add("scep", r.outcome);
  if (r.renewed) add("scep-renewed", r.renewed);
  if (final.status === "issued") return { ok: true, code: outcomeCode(final), keychain };
  const message =
    final.status === "failure"
      ? `SCEP FAILURE ${final.failInfo ?? final.failInfoRaw ?? "(no failInfo)"}${final.failInfo ? `: ${FAIL_INFO_TEXT[final.failInfo]}` : ""}${final.failInfoText ? ` — server says: ${final.failInfoText}` : ""}`
      : `CA still PENDING after ${final.polls} polls`;
  return { ok: false, code: outcomeCode(final), step: final.status === "failure" ? final.step : "scep.certpoll", message, keychain };
}
