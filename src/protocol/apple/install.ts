// SPDX-License-Identifier: MIT
/**
 * Installs a parsed configuration profile the way a device does: certificate payloads first
 * (trust anchors), then identity payloads (PKCS#12, SCEP — which runs the SCEP client), then
 * the MDM payload, whose IdentityCertificateUUID must name an installed identity. Refusals are
 * values carrying the Apple error a device shows; transport failures stay exceptions.
 */
import { NSURL_ERRORS } from "../../wire/apple/nsurl-errors.js";
import { ProtocolViolationError, SimError, TransportError } from "../../errors/index.js";
import type { PrivateKey } from "../../ports/crypto.js";
import { AppleErrors, type AppleError } from "../../wire/apple/errors.js";
import type { MdmPayload, ParsedProfile, ScepPayload } from "../../wire/apple/profile.js";
import { openPkcs12 } from "../../wire/apple/pkcs12.js";
import { hex } from "../../wire/x509/certificate.js";
import { extKeyUsage, keyUsage, subjectAltName, type Extension, type KeyUsage } from "../../wire/x509/extensions.js";
import type { NameAttribute } from "../../wire/x509/name.js";
import { buildCsr } from "../../wire/x509/pkcs10.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { CERTREP_PARSER_CRASH } from "../scep/certrep-parser.js";
import { parserRule, type CertRepParser } from "../../wire/scep/certrep-encoding.js";
import { ScepClient } from "../scep/client.js";
import { appleScepRecipient, secScepRecipient, type AppleRecipient } from "./scep-recipient.js";
import type { CaChain } from "../scep/ca-chain.js";
import type { AppleStore } from "./store.js";

export interface InstallEnv {
  ctx: ProtocolContext;
  store: AppleStore;
  /** %Variable% values (case-insensitive names): SerialNumber, HardwareUUID, ComputerName, UDID, DeviceName, … */
  vars: Record<string, string | undefined>;
  /** The RSA key for a SCEP identity (from the device's key pool slot). */
  rsaKey(): Promise<PrivateKey>;
  /** The pool slot `rsaKey` takes the next key from, when it is a pool key (kept with the identity for resume). */
  keySlot?(): number;
  /** Key pool modulus; a SCEP Keysize that differs is noted (the pool holds one size). */
  poolBits?: number;
  /** The device release's CertRep parser (devices/scep-clients/*.yaml): accept, reject or crash on a CA's encoding. Absent: RFC-strict. */
  certRepParser?: CertRepParser;
}

export type InstallOutcome = { ok: true; mdm?: MdmPayload } | { ok: false; error: AppleError; step: string };

/** Replaces %Name% with device values; unknown variables stay literal, as on devices. */
export function substituteApple(s: string, vars: Record<string, string | undefined>): string {
  const lower = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k.toLowerCase(), v]));
  return s.replace(/%([A-Za-z_]+)%/g, (whole, name: string) => lower[name.toLowerCase()] ?? whole);
}

const KEY_USAGE: Record<number, KeyUsage[]> = { 0: ["digitalSignature", "keyEncipherment"], 1: ["digitalSignature"], 4: ["keyEncipherment"], 5: ["digitalSignature", "keyEncipherment"] };

function fingerprint(fp: Uint8Array | undefined): string | undefined {
  if (!fp) return undefined;
  const alg = fp.length === 16 ? "md5" : fp.length === 20 ? "sha1" : fp.length === 32 ? "sha256" : undefined;
  if (!alg) throw new ProtocolViolationError("apple.profile.ca-fingerprint", `CAFingerprint of ${fp.length} bytes is not MD5/SHA-1/SHA-256`);
  return `${alg}:${hex(fp)}`;
}

/** `profileName`: the name the installer's errors give the profile (its PayloadDisplayName, else its identifier). */
async function installScep(env: InstallEnv, p: ScepPayload, profileIdentifier: string, profileName: string): Promise<AppleError | undefined> {
  const { ctx, vars } = env;
  const subject: NameAttribute[][] = p.subject?.length
    ? p.subject.map((rdn) => rdn.map(([type, value]) => ({ type: /^\d+(\.\d+)+$/.test(type) ? type : type.toUpperCase(), value: substituteApple(value, vars) })))
    : // No subject: the device uses the payload identifier as CN (field-failures: apple-scep-duplicate-subject).
      [[{ type: "CN", value: p.identifier || profileIdentifier }]];
  const ext: Extension[] = [keyUsage(KEY_USAGE[p.keyUsage] ?? KEY_USAGE[0]!)];
  const san = p.subjectAltName;
  if (san) {
    const sub = (l?: string[]) => (l ?? []).map((x) => substituteApple(x, vars));
    const names = { dns: sub(san.dNSName), email: sub(san.rfc822Name), uri: sub(san.uniformResourceIdentifier), upn: sub(san.ntPrincipalName) };
    if (names.dns.length + names.email.length + names.uri.length + names.upn.length) ext.push(subjectAltName(names));
  }
  ext.push(extKeyUsage(["clientAuth"]));
  const keySlot = env.keySlot?.();
  const key = await env.rsaKey();
  const csr = buildCsr({ subject, challengePassword: p.challenge, extensions: ext }, key, "sha256", ctx.crypto);
  decoded(ctx, "profile.scep", {
    url: p.url,
    subject: subject.map((r) => r.map((a) => `${a.type}=${a.value}`).join("+")).join(","),
    keysize: p.keysize,
    poolKeyBits: key.bits,
    keyUsage: p.keyUsage,
    retries: p.retries,
    retryDelay: p.retryDelay,
  });
  const client = new ScepClient(ctx, {
    url: p.url,
    caIdentifier: p.name,
    caFingerprint: fingerprint(p.caFingerprint),
    // Apple: Retries polls after PENDING, RetryDelay seconds apart.
    poll: { maxAttempts: p.retries, delayMs: p.retryDelay * 1000, backoff: 1 },
    ...(env.certRepParser ? { certRepParser: env.certRepParser } : {}),
    recipient: (chain) => {
      const c = recipientRule(env.certRepParser)(chain);
      return "recipient" in c ? c.recipient : chain.encryption;
    },
  });
  let outcome;
  try {
    // Same order as enroll(): GetCACaps, GetCACert (both cached), then the device's own RA check.
    const caps = await client.getCaCaps();
    // The release's own judgement of GetCACaps (devices/scep-clients/*.yaml `getCaCaps` rows): iOS 10 refuses a CA that
    // advertises none of SHA-1/SHA-256/SHA-512 (micromdm/scep#23); a release with no row falls back to the legacy defaults.
    const noDigest = !caps.sha1 && !caps.sha256 && !caps.sha512;
    const capsRule = noDigest ? parserRule(env.certRepParser, "getCaCaps", "no-digest") : undefined;
    if (capsRule?.reaction === "reject") {
      const why = `GetCACaps advertises none of SHA-1, SHA-256, SHA-512 (${caps.keywords.join(", ") || "empty"}); ${env.certRepParser!.release} refuses such a CA (${capsRule.source})`;
      decoded(ctx, "profile.scep", { refused: why });
      return AppleErrors.scepCaCapability(why);
    }
    const chain = await client.getCaCert();
    // Apple's own choice of the envelope's recipient (scep-recipient.ts): an RA whose keyUsage allows no encryption is
    // refused (field-failures apple-scep-ra-response-invalid); an RA with no keyUsage at all is no candidate, and the
    // request goes to the CA (openxpki-config#14).
    // A release with a `getCaCert: no-ra-candidate` row (devices/scep-clients/getcacert.yaml) judges the set by the newer
    // SecSCEP, which refuses a set without an RA candidate at GetCACert (-67731; NeySlim/ultimate-ca-manager#101).
    const choice = recipientRule(env.certRepParser)(chain);
    if ("refused" in choice) {
      decoded(ctx, "profile.scep", { refused: choice.refused, ...(choice.osStatus !== undefined ? { osStatus: choice.osStatus } : {}) });
      return choice.osStatus !== undefined ? AppleErrors.scepRaKeyUsage(choice.refused) : AppleErrors.scepRaInvalid();
    }
    if (chain.form === "ra") decoded(ctx, "profile.scep", { recipient: choice.recipient.subject, why: choice.why });
    outcome = await client.enroll({ csr, key, ...(keySlot !== undefined ? { keySlot } : {}) });
  } catch (e) {
    if (e instanceof SimError && e.code === "scep.ra-invalid") return AppleErrors.scepRaInvalid();
    // The release's CertRep parser crashed on the CA's encoding (devices/scep-clients/*.yaml): profiled dies, the installer's XPC connection is interrupted.
    if (e instanceof SimError && e.code === CERTREP_PARSER_CRASH) return AppleErrors.scepHelperInterrupted(e.message);
    if (e instanceof SimError && e.blame === "server") return AppleErrors.scepInvalidResponse(e.message, undefined, profileName);
    // An HTTP error status carries no CertRep, so it is no usable PKI answer: iOS shows SCEP_ERROR_INVALID_PKI_RESPONSE,
    // "The SCEP server returned an invalid response." (mosen/SCEPy#1 names the string key). Published for a 5xx (NDES when
    // its policy module rejects the request; micromdm/micromdm#436: a 500 to PKIOperation, body empty behind ngrok). For a
    // 4xx nothing Apple-specific is published: assumed the same (no status is exempt: the answer is just as unusable) —
    // consistent with a 500, instead of the transport error that showed nothing. Not modelled: macOS 10.12 mdmclient's own
    // wording for the 500 in micromdm#436, "The profile could not be installed due to an unexpected error." (NSOSStatusErrorDomain -603).
    if (e instanceof TransportError && e.kind === "http-status" && (e.status ?? 0) >= 400) return AppleErrors.scepInvalidResponse(`HTTP ${e.status}`, undefined, profileName);
    // The SCEP server's TLS certificate failed the device's trust evaluation: the profile install
    // reports "The SCEP server returned an invalid response." (a case where iOS 13 refused an SCEP
    // server certificate valid > 825 days: https://arsenb.wordpress.com/2020/06/15/watch-your-certificates-when-working-with-apple-devices/),
    // with the NSURLError underneath.
    if (e instanceof TransportError && e.kind === "tls") return AppleErrors.scepInvalidResponse(e.message, scepTlsNsUrl(e.detail), profileName);
    throw e;
  }
  if (outcome.status === "failure") return AppleErrors.scepFailure(outcome.failInfo ?? outcome.failInfoRaw ?? "unknown");
  if (outcome.status === "pending-gave-up") return AppleErrors.scepInvalidResponse(`still PENDING after ${outcome.polls} polls`, undefined, profileName);
  env.store.identities.set(p.uuid, { payloadUuid: p.uuid, certificate: outcome.certificate, key, chain: outcome.chain, source: "scep", ...(keySlot !== undefined ? { keySlot } : {}) });
  return undefined;
}

/** The release's RA/CA set rule: the newer SecSCEP where its row rejects a set with no RA candidate, else the 2021 one (scep-recipient.ts). */
function recipientRule(parser: CertRepParser | undefined): (chain: CaChain) => AppleRecipient {
  const rule = parserRule(parser, "getCaCert", "no-ra-candidate");
  return rule?.reaction === "reject" ? secScepRecipient : appleScepRecipient;
}

/** The NSURLError a failed trust evaluation of the SCEP server is (wire/apple/nsurl-errors.ts). */
function scepTlsNsUrl(detail: string | undefined): string {
  const name =
    detail === "tls.expired"
      ? "NSURLErrorServerCertificateHasBadDate"
      : detail === "tls.not-yet-valid"
        ? "NSURLErrorServerCertificateNotYetValid"
        : detail?.startsWith("tls.client") || detail === "tls.protocol-version" || !detail
          ? "NSURLErrorSecureConnectionFailed"
          : "NSURLErrorServerCertificateUntrusted";
  return `NSURLErrorDomain ${NSURL_ERRORS[name]!.code}`;
}

/** MDM payload keys an update of the installed MDM payload must not change (com.apple.mdm.yaml, "When updating the payload …"). */
const MDM_FIXED_ON_UPDATE: { key: string; of: (m: MdmPayload) => string | undefined }[] = [
  { key: "Topic", of: (m) => m.topic },
  { key: "ServerURL", of: (m) => m.serverURL },
  { key: "CheckInURL", of: (m) => m.checkInURL },
  { key: "EnrollmentMode", of: (m) => m.enrollmentMode },
  { key: "AssignedManagedAppleID", of: (m) => m.assignedManagedAppleID },
  { key: "ServerCapabilities com.apple.mdm.per-user-connections", of: (m) => String(m.serverCapabilities.includes("com.apple.mdm.per-user-connections")) },
];

/** Installs every payload in device order; the profile is stored only when all succeed. */
export async function installProfile(env: InstallEnv, parsed: ParsedProfile): Promise<InstallOutcome> {
  const { ctx, store } = env;
  const { profile } = parsed;
  decoded(ctx, "profile.install", {
    identifier: profile.identifier,
    signature: parsed.signature,
    signer: parsed.signer?.subject,
    payloads: profile.payloads.map((p) => `${p.type} ${p.identifier}`),
  });
  const existing = store.profiles.get(profile.identifier);
  const newMdm = profile.payloads.find((p) => p.kind === "mdm");
  const oldMdm = existing?.profile.payloads.find((p) => p.kind === "mdm");
  if (newMdm && newMdm.kind === "mdm" && oldMdm && oldMdm.kind === "mdm") {
    // An update of the installed MDM payload (same profile identifier): com.apple.mdm.yaml says of Topic,
    // ServerURL, CheckInURL, EnrollmentMode, AssignedManagedAppleID and the per-user-connections capability
    // "When updating the payload, the value of this key must not change. Any change is an error, and the
    // update rejected." The identity (IdentityCertificateUUID and its payload) may change: that is a renewal.
    const changed = MDM_FIXED_ON_UPDATE.find((k) => k.of(newMdm) !== k.of(oldMdm));
    if (changed) {
      decoded(ctx, "profile.install", { mdmUpdate: "refused", changed: changed.key, was: changed.of(oldMdm) ?? null, now: changed.of(newMdm) ?? null });
      return { ok: false, step: "profile.install", error: AppleErrors.mdmPayloadMismatch() };
    }
  }
  if (newMdm && newMdm.kind === "mdm" && oldMdm && oldMdm.kind === "mdm" && (newMdm.accessRights & ~oldMdm.accessRights) !== 0) {
    return { ok: false, step: "profile.install", error: AppleErrors.badField("AccessRights", "a profile update may not grant more access rights") };
  }
  if (newMdm && !existing && store.mdmProfile()) {
    return { ok: false, step: "profile.install", error: AppleErrors.mdmPayloadMismatch() };
  }
  const added: string[] = [];
  for (const p of profile.payloads) {
    if (p.kind === "certificate" && !store.anchors.some((a) => a.serialHex === p.certificate.serialHex && a.issuer === p.certificate.issuer)) store.anchors.push(p.certificate);
  }
  for (const p of profile.payloads) {
    if (p.kind !== "pkcs12") continue;
    let id;
    try {
      id = openPkcs12(p.data, p.password);
    } catch (e) {
      if (e instanceof ProtocolViolationError) {
        for (const u of added) store.identities.delete(u);
        return { ok: false, step: "profile.pkcs12", error: AppleErrors.pkcs12Import(p.displayName ?? p.identifier, e.message) };
      }
      throw e;
    }
    store.identities.set(p.uuid, { payloadUuid: p.uuid, certificate: id.certificate, key: ctx.crypto.importPrivateKey(id.keyPkcs8), chain: id.chain, source: "pkcs12" });
    added.push(p.uuid);
    decoded(ctx, "profile.pkcs12", { payload: p.identifier, subject: id.certificate.subject, chain: id.chain.length });
  }
  for (const p of profile.payloads) {
    if (p.kind !== "scep") continue;
    const err = await step(ctx, "profile.scep", () => installScep(env, p, profile.identifier, profile.displayName ?? profile.identifier));
    if (err) {
      for (const u of added) store.identities.delete(u);
      return { ok: false, step: "profile.scep", error: err };
    }
    added.push(p.uuid);
  }
  let mdm: MdmPayload | undefined;
  if (newMdm && newMdm.kind === "mdm") {
    if (!store.identity(newMdm.identityCertificateUUID)) {
      return { ok: false, step: "profile.mdm", error: AppleErrors.missingField("IdentityCertificateUUID") };
    }
    mdm = newMdm;
  }
  store.profiles.set(profile.identifier, { profile, signature: parsed.signature, installedAt: ctx.clock.now(), managed: false });
  return { ok: true, mdm };
}
