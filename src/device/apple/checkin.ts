// SPDX-License-Identifier: MIT
/**
 * Steady-state check-in of an enrolled Apple device (the `checkin` hook of the Apple flows): one
 * command session on the ServerURL — `Idle`, then whatever the server queued, answered as during
 * enrollment — with the identity the device enrolled with (mTLS or Mdm-Signature, as the profile
 * said), plus `Authorization: Bearer` for account-driven enrollments.
 *
 * What it uses from the runner's persisted state: the MDM identity's certificate (PEM) and its
 * keychain label, which carries the MDM binding written at enrolment (`apple:<uuid>#mdm&server=…[&checkin=…]
 * &sign=0|1&rights=N[&sup=1][&ade=1][&eid=…][&mode=BYOD|ADDE][&signin=…][&removeAt=ms[&co=topic]][&pid=…&topic=…[&pu=1][&aid=…]]`, the last ones what an update of the enrollment profile must keep, mdm-update.ts). The private key is not persisted:
 * enrollsim's device keys come from the key pool by slot, so the device finds the slot whose
 * public key matches the certificate (and fails with `apple.checkin.identity-key-missing`
 * otherwise). An account-driven device does not persist its access token (a secret): it signs in
 * again with its auth driver, as it does when a server answers 401 with a Bearer challenge.
 */
import { TransportError } from "../../errors/index.js";
import { decoded } from "../../protocol/common/context.js";
import { MdmClient } from "../../protocol/apple/mdm-client.js";
import { fromPem, parseCertificate, sameBytes, toPem, type Certificate } from "../../wire/x509/certificate.js";
import type { PrivateKey } from "../../ports/crypto.js";
import type { FlowContext } from "../flow.js";
import { authenticate } from "./account-signin.js";
import { AccountSession } from "./account-auth.js";
import { answerCommand } from "./answer.js";
import { ddmSync } from "./ddm.js";
import { MDM_LABEL_MARK, userAgent } from "./enroll.js";
import { appleOptions } from "./options.js";
import { AppleDevice } from "./state.js";
import { REMOVED_ON_DATE, removalDue } from "./profile-checks.js";
import { checkOut } from "./channels.js";
import type { HttpClient } from "../../ports/http.js";
import type { MdmTransport } from "../../protocol/apple/mdm-client.js";
import { KEY_GENERATIONS, steadyInstaller } from "./mdm-update.js";
import { keptTlsRoots } from "./profile-trust.js";

export interface AppleCheckinOutcome {
  ok: boolean;
  code: string;
  step?: string;
  message?: string;
  /** EraseDevice was carried out: the device holds no enrollment from now on. */
  erased?: boolean;
  /** 401: the device treats it as unenrollment and removes its MDM profile (no further check-ins). */
  unenrolled?: boolean;
}

/** Slots the enrolment (or a renewal, mdm-update.ts) may have taken the MDM identity key from (see enroll.ts install env): 8 per key generation, generations 0–3 (flows.ts keyGeneration). */
const MAX_SLOT_PROBES = KEY_GENERATIONS;

type KeychainEntry = { label: string; pem: string };
/**
 * What a check-in learnt about a keychain entry's identity: the key slot whose public key matches
 * the certificate, and whether the entry's PEM is already the canonical encoding TLS is handed. A
 * steady device checks in with the same entry object for its whole life, so the certificate is
 * parsed and its key searched once, not on every check-in (they were ≈ 8 % of the simulator's CPU
 * per Apple check-in). Valid only for the same PEM string, key port and device index it was made
 * from; kept in a WeakMap, so it goes with the entry and holds no certificate bytes of its own.
 */
const identityMemo = new WeakMap<KeychainEntry, { pem: string; keys: FlowContext["ports"]["keys"]; index: number; slot: number; canonical: boolean }>();

/** The MDM identity of a keychain entry: its pool key, the PEM handed to TLS, and the parsed certificate (parsed on demand). */
async function identityOf(
  ctx: FlowContext,
  entry: KeychainEntry,
): Promise<{ key: PrivateKey; certPem: string; cert: () => Certificate; generation: number } | Omit<AppleCheckinOutcome, "ok"> & { ok: false }> {
  const memo = identityMemo.get(entry);
  if (memo && memo.pem === entry.pem && memo.keys === ctx.ports.keys && memo.index === ctx.identity.index) {
    const pem = entry.pem;
    let parsed: Certificate | undefined;
    return {
      key: await ctx.ports.keys.rsa(memo.slot),
      certPem: memo.canonical ? pem : toPem(fromPem(pem)[0]!),
      cert: () => (parsed ??= parseCertificate(fromPem(pem)[0]!, "MDM identity certificate")),
      generation: (memo.slot - memo.index) / 1009,
    };
  }
  const der = fromPem(entry.pem)[0];
  if (!der) return { ok: false, code: "apple.checkin.not-enrolled", step: "command.idle", message: "the MDM identity certificate is not PEM" };
  const cert = parseCertificate(der, "MDM identity certificate");
  for (let k = 0; k < MAX_SLOT_PROBES; k++) {
    const slot = ctx.identity.index + 1009 * k;
    const key = await ctx.ports.keys.rsa(slot);
    if (!sameBytes(key.spki, cert.spki)) continue;
    const certPem = toPem(cert.der);
    identityMemo.set(entry, { pem: entry.pem, keys: ctx.ports.keys, index: ctx.identity.index, slot, canonical: certPem === entry.pem });
    return { key, certPem, cert: () => cert, generation: k };
  }
  return { ok: false, code: "apple.checkin.identity-key-missing", step: "command.idle", message: "no key in the device's key slots matches the MDM identity certificate" };
}

export async function appleCheckin(
  ctx: FlowContext,
  raw: unknown,
  state: { certificates: { label: string; pem: string }[]; serverIds: Record<string, string> },
): Promise<AppleCheckinOutcome> {
  const o = appleOptions(raw);
  const entry = state.certificates.find((c) => c.label.startsWith("apple:") && c.label.includes(MDM_LABEL_MARK));
  if (!entry) return { ok: false, code: "apple.checkin.not-enrolled", step: "command.idle", message: "the keychain holds no MDM identity" };
  const p = new URLSearchParams(entry.label.slice(entry.label.indexOf(MDM_LABEL_MARK) + MDM_LABEL_MARK.length));
  const serverURL = p.get("server");
  if (!serverURL) return { ok: false, code: "apple.checkin.not-enrolled", step: "command.idle", message: "the MDM binding has no ServerURL" };
  const found = await identityOf(ctx, entry);
  if ("code" in found) return found;
  const { key } = found;

  const dev = new AppleDevice(ctx, o.commands, { supervised: p.get("sup") === "1" });
  // The enrollment profile's RemovalDate / DurationUntilRemoval (kept in the binding): past it, the system removed it.
  const removeAt = p.get("removeAt") !== null ? Number(p.get("removeAt")) : undefined;
  dev.ade = p.get("ade") === "1";
  const eid = p.get("eid");
  if (eid) {
    dev.userEnrollment = true;
    dev.enrollmentId = eid;
  }
  dev.accessRights = Number(p.get("rights") ?? "8191") & 8191;
  let bearer: string | undefined;
  const account = p.get("mode") ? new AccountSession(ctx, o) : undefined;
  // apple-oauth2 enrollments (no sign-in URL kept) authenticate when the server's 401 Bearer challenge comes.
  if (account && (p.get("signin") || o.account?.token !== undefined)) {
    const got = await authenticate(ctx, o, p.get("signin") ?? undefined);
    if (typeof got !== "string") return { ok: false, code: got.code, step: "account.auth", message: got.message, ...(got.shown ? { shown: got.shown } : {}) };
    bearer = got;
  }
  const sign = p.get("sign") === "1";
  // The roots the enrollment installed, as the device trusts them for TLS now (profile-trust.ts: a root waiting for
  // full trust counts once the user turned it on). Without them a fresh handshake to a CheckInURL/ServerURL chained to
  // a root only the profile carried fails, although the enrolled device trusts it.
  const keptRoots = keptTlsRoots(ctx.identity, state.certificates);
  const httpFor = (identity?: { certPem: string; keyPem: string }): HttpClient =>
    ctx.ports.http.client({
      tls: { ...(ctx.tls ?? {}), ca: [...(ctx.tls?.ca ?? []), ...(o.trust ?? []), ...(o.ade?.cloudConfig?.anchor_certs ?? []), ...keptRoots], ...(identity ? { identity } : {}) },
      keepAlive: ctx.keepAlive ?? true,
    });
  const transport: MdmTransport = {
    http: httpFor(sign ? undefined : { certPem: found.certPem, keyPem: ctx.ports.crypto.privateKeyPem(key) }),
    userAgent: userAgent(dev),
    ...(bearer ? { bearer } : {}),
    ...(account ? { reauth: account.reauth } : {}),
    ...(sign ? { signer: { cert: found.cert(), key, crypto: ctx.ports.crypto } } : {}),
  };
  const retired: HttpClient[] = [];
  try {
    const client = new MdmClient(ctx.protocol, { topic: p.get("topic") ?? "", serverURL, checkInURL: p.get("checkin") ?? serverURL, ref: dev.ref }, transport, {}, o.sessions?.notNowRedelivery ?? "not-now");
    // The enrollment profile the binding describes is installed; InstallProfile may update it (mdm-update.ts).
    // Built on the first InstallProfile only: most check-ins get none and need not parse the certificate.
    dev.installer = steadyInstaller({ dev, o, client, transport, httpFor, entry, binding: p, identity: () => ({ cert: found.cert(), key, generation: found.generation }), retired });
    if (removalDue(dev, removeAt)) {
      // CheckOutWhenRemoved: the binding keeps the topic the CheckOut names.
      const topic = p.get("co");
      await checkOut(ctx.protocol, client, topic ?? undefined, dev.ref);
      return { ok: false, code: REMOVED_ON_DATE.code, step: "command.idle", message: REMOVED_ON_DATE.message, unenrolled: true };
    }
    const r = await client.session((cmd) => answerCommand(dev, cmd));
    if (r.unenrolled) return { ok: false, code: "apple.checkin.unenrolled", step: "command.idle", message: "the server answered 401: the device treats it as unenrollment", unenrolled: true };
    if (dev.ddm.requested && !dev.erased && p.get("checkin")) {
      // DeclarativeManagement arrived: sync now (declarations are not persisted: a full sync and report).
      const sync = await ddmSync(dev, client);
      if (!sync.ok) return { ok: false, code: "apple.checkin.unenrolled", step: sync.step, message: "the server answered 401 during the DDM sync", unenrolled: true };
    }
    decoded(ctx.protocol, "device", { checkin: "idle", commands: r.commands, statuses: r.statuses });
    if (dev.erased) return { ok: true, code: "apple.checkin.erased", message: "EraseDevice: the device was wiped", erased: true };
    return { ok: true, code: "apple.checkin.idle", message: `${r.commands} command(s)` };
  } catch (e) {
    // The server's HTTP refusal of a steady check-in: the outcome an enrolling device's check-in gets (enroll.ts), e.g. NanoMDM's 500 for an identity it no longer binds.
    if (e instanceof TransportError && e.kind === "http-status" && e.status) return { ok: false, code: `apple.checkin.http-${e.status}`, step: e.step ?? "command.idle", message: e.message };
    throw e;
  } finally {
    for (const h of [transport.http, ...retired]) await h.close().catch(() => {});
  }
}
