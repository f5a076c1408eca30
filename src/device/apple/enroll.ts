// SPDX-License-Identifier: MIT
/**
 * The Apple enrollment procedure shared by the profile and ADE flows: parse and install the
 * enrollment profile (certificates → identities/SCEP → MDM), check in (Authenticate,
 * TokenUpdate), run command sessions (await configuration for ADE), optional CheckOut.
 */
import { ddmSync } from "./ddm.js";
import { ChannelRecord, channelFailureOf } from "./channel-errors.js";
import { ApnsLink, pushRegistry, tokenHex, waitPushOrPoll } from "./push.js";
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import { appleShownForHttpStatus } from "./shown.js";
import type { HttpClient } from "../../ports/http.js";
import { decoded, deviceNow, note, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import { installProfile, type InstallEnv } from "../../protocol/apple/install.js";
import { unsupportedPayloadOn } from "./payloads.js";
import { REMOVED_ON_DATE, removalDisallowed, removalDue, removalTime, schemaRefusal, userConsents } from "./profile-checks.js";
import { userChannelBlocked } from "./mdm-capabilities.js";
import { MdmClient, type CommandAnswer } from "../../protocol/apple/mdm-client.js";
import { AppleErrors, type AppleError } from "../../wire/apple/errors.js";
import { PAYLOAD_TYPES } from "../../wire/apple/generated-data.js";
import {
  PROFILE_CONTENT_TYPE,
  buildTokenUpdate,
} from "../../wire/apple/mdm.js";
import { atInstallPath } from "../../wire/apple/payload-errors.js";
import { ProfileInstallPathCatalog } from "../profile-install-paths.js";
import { ProfileError, parseMobileconfig, type MdmPayload, type ParsedProfile } from "../../wire/apple/profile.js";
import { openEnvelopedData } from "../../wire/cms/enveloped-data.js";
import { fromPem, parseCertificate, toPem, type Certificate } from "../../wire/x509/certificate.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { answerCommand } from "./answer.js";
import type { AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";

import { fail, keychainOf, refused, userAgent, type EnrollMode } from "./enroll-common.js";
import { lockdownRefusal } from "./lockdown-mode.js";
import { applyInstallTrust, tlsAnchors, type ProfileChannel } from "./profile-trust.js";
import { profileMethodRefusal, profileMethodResult } from "./install-channel.js";
import { checkOut, macosChannels, SHARED_IPAD_USER_ID, unenroll } from "./channels.js";
import { APPLE_STATES, saveAppleCheckpoint, type AppleState, type MdmBinding } from "./resume.js";
export { IOS_UA, MACOS_UA, MDM_LABEL_MARK, fail, userAgent, type EnrollMode } from "./enroll-common.js";
export { SHARED_IPAD_USER_ID } from "./channels.js";

/** PEM anchors from the options, parsed once. */
export function optionAnchors(pems: string[] | undefined): Certificate[] {
  return (pems ?? []).flatMap((p) => fromPem(p).map((der) => parseCertificate(der, "options.apple.trust certificate")));
}

/** GETs an enrollment profile; the body must be application/x-apple-aspen-config. */
export async function fetchProfile(ctx: FlowContext, dev: AppleDevice, url: string): Promise<Uint8Array> {
  return step(ctx.protocol, "profile.download", async () => {
    const res = await exchange(ctx.protocol, "profile.download", { method: "GET", url, headers: { "user-agent": userAgent(dev), accept: PROFILE_CONTENT_TYPE } });
    const type = mediaType(res);
    if (type !== PROFILE_CONTENT_TYPE) {
      throw new ProtocolViolationError("apple.profile.content-type", `the profile URL answered Content-Type "${type || "(none)"}", expected ${PROFILE_CONTENT_TYPE}`);
    }
    return res.body;
  });
}

/**
 * macOS: payloads whose schema says `userapprovedmdm` are refused while the enrollment is not
 * user-approved (field failure mac-profile-not-approved).
 */
function needsUserApproval(dev: AppleDevice, parsed: ParsedProfile): AppleError | undefined {
  if (dev.osName !== "macOS" || dev.userApproved) return undefined;
  const p = parsed.profile.payloads.find((x) => PAYLOAD_TYPES.find((t) => t.type === x.type)?.os.macOS?.userapprovedmdm);
  return p ? AppleErrors.needsUserApproval(p.type) : undefined;
}

/**
 * Installs a profile (for enrollment or InstallProfile) and returns the refusal, if any. `keyGeneration`:
 * which of the device's key slots a new identity takes (default: the next after those it holds; a
 * steady device renewing its MDM identity passes the one after its current identity's, mdm-update.ts).
 */
export async function install(
  dev: AppleDevice,
  o: AppleOptions,
  bytes: Uint8Array,
  anchors: Certificate[],
  gate?: (parsed: ParsedProfile) => AppleError | undefined,
  interactive = false,
  keyGeneration?: number,
  channel: ProfileChannel = "mdm",
): Promise<{ parsed?: ParsedProfile; error?: AppleError; stepName: string; mdm?: MdmPayload }> {
  const out = await installOnce(dev, o, bytes, anchors, gate, interactive, keyGeneration, channel);
  // Downloaded profiles the user installs only (both captures, and the row's alert, are downloads); Apple Configurator and
  // MDM InstallProfile keep the queued chain (4000): no capture of theirs is published.
  if (!out.error?.payloadFault || !interactive || channel !== "manual") return out;
  // A payload handler's refusal of a downloaded profile: the installer's outermost error depends on how this
  // release hands the profile to it (devices/profile-installers/*.yaml; wire/apple/payload-errors.ts).
  const { path, row } = (dev.ctx.profileInstallPaths ?? new ProfileInstallPathCatalog()).forDevice(dev.ctx.identity.platform, dev.osVersion);
  note(dev.ctx.protocol, out.stepName, { findings: [{ code: "profile.install-path", message: `${dev.osName} ${dev.osVersion} parses a downloaded profile ${path === "queued" ? "when it is queued for installation" : "in the interactive install"} (${row ? `${row.at}: ${row.source}` : "no row in devices/profile-installers: queued"})` }] });
  const error = atInstallPath(out.error, path);
  return { ...out, error: row?.alert ? { ...error, alert: { ...row.alert, source: row.source } } : error };
}

async function installOnce(
  dev: AppleDevice,
  o: AppleOptions,
  bytes: Uint8Array,
  anchors: Certificate[],
  gate: ((parsed: ParsedProfile) => AppleError | undefined) | undefined,
  interactive: boolean,
  keyGeneration: number | undefined,
  channel: ProfileChannel,
): Promise<{ parsed?: ParsedProfile; error?: AppleError; stepName: string; mdm?: MdmPayload }> {
  const ctx = dev.ctx;
  let parsed: ParsedProfile;
  try {
    parsed = parseMobileconfig(bytes, {
      crypto: ctx.ports.crypto,
      trust: [...anchors, ...dev.store.anchors],
      signaturePolicy: o.signature ?? "accept",
      decrypt: (der) => {
        for (const id of dev.store.identities.values()) {
          try {
            return openEnvelopedData(der, id.certificate, id.key, ctx.ports.crypto, "EncryptedPayloadContent").content;
          } catch (e) {
            if (!(e instanceof ProtocolViolationError)) throw e;
          }
        }
        return undefined;
      },
    });
  } catch (e) {
    if (e instanceof ProfileError) return { error: e.apple, stepName: "profile.parse" };
    throw e;
  }
  // The capability table: a payload this OS release does not have (payloads.ts) is refused like an unknown type.
  const absent = unsupportedPayloadOn(parsed, dev.osName, dev.osVersion, dev.sharedIPad);
  if (absent) {
    note(ctx.protocol, "profile.install", { findings: [{ code: "profile.payload-not-on-os", message: `${absent.type}: ${absent.why}` }] });
    return { parsed, error: absent.error, stepName: "profile.install" };
  }
  // Apple's schemas for the profile's top level, every payload's keys and the MDM payload (profile-schema.ts),
  // then what ServerCapabilities decides (mdm-capabilities.ts).
  const refusedBySchema = schemaRefusal(dev, parsed);
  if (refusedBySchema) return { parsed, error: refusedBySchema, stepName: "profile.install" };
  const refusedByGate = gate?.(parsed);
  if (refusedByGate) return { parsed, error: refusedByGate, stepName: "profile.install" };
  const declined = interactive ? await userConsents(dev, parsed) : undefined;
  if (declined) return { parsed, error: declined, stepName: "profile.consent" };
  const env: InstallEnv = {
    ctx: ctx.protocol,
    store: dev.store,
    vars: dev.vars,
    // Each identity needs its own key (the SCEP transactionID is derived from it): the first
    // uses the device's slot, later ones (InstallProfile, re-enrollment after a wipe) further slots.
    keySlot: () => ctx.identity.index + 1009 * (keyGeneration ?? dev.store.identities.size + 8 * dev.generation),
    rsaKey: () => ctx.ports.keys.rsa(ctx.identity.index + 1009 * (keyGeneration ?? dev.store.identities.size + 8 * dev.generation)),
    // The release the device runs now (a timeline OS update changes it) decides how its CertRep parser meets the CA's encoding.
    ...(ctx.certRepParsers ? { certRepParser: ctx.certRepParsers.forDevice({ platform: ctx.identity.platform, osVersion: dev.osVersion }) } : {}),
  };
  const before = new Set(dev.store.anchors);
  const out = await installProfile(env, parsed);
  // The roots it installed: trusted for TLS or waiting for the user's full trust, by platform and channel (profile-trust.ts).
  const roots = applyInstallTrust(dev, before, channel);
  if (roots.length) decoded(ctx.protocol, "profile.install", { certificateTrust: roots });
  if (!out.ok) return { parsed, error: out.error, stepName: out.step };
  return { parsed, mdm: out.mdm, stepName: "profile.install" };
}

/**
 * Embedded runs: the device's system trust store holds the reference CA (the runner trusts it
 * for the HTTPS listener). Flows do not see the runner's TLS settings, so the device reads the
 * CA over that already-verified HTTPS connection.
 */
async function embeddedAnchors(ctx: FlowContext): Promise<Certificate[]> {
  const https = ctx.targets.server?.embedded ? ctx.targets.server.https : undefined;
  if (!https) return [];
  return step(ctx.protocol, "trust.embedded-ca", async () => {
    const res = await exchange(ctx.protocol, "trust.embedded-ca", { method: "GET", url: `${https}/apple/ca.pem` });
    return fromPem(Buffer.from(res.body).toString("latin1")).map((der) => parseCertificate(der, "embedded reference CA"));
  });
}

/** Full enrollment from profile bytes. */
export async function enrollWithProfile(dev: AppleDevice, o: AppleOptions, bytes: Uint8Array, mode: EnrollMode): Promise<FlowResult> {
  const ctx = dev.ctx;
  if (dev.sharedIPad && !mode.ade) {
    // Shared iPad is set up by an ADE profile (is_multi_user) and has no way to install an MDM profile by hand.
    return fail(dev, "apple.shared-ipad.ade-only", "profile.install", "a Shared iPad enrolls through Automated Device Enrollment only: the downloaded enrollment profile cannot be installed");
  }
  // Lockdown Mode on: no enrollment profile is installed, whatever the path (lockdown-mode.ts).
  const lockdown = lockdownRefusal(dev);
  if (lockdown) return fail(dev, "apple.lockdown-mode", "profile.install", lockdown);
  const system = o.signature === "require-trusted" ? await embeddedAnchors(ctx) : [];
  const anchors = [...optionAnchors(o.trust), ...(mode.extraAnchors ?? []), ...system];
  const byUser = !mode.ade && !mode.account;
  const channel: ProfileChannel = mode.ade ? "ade" : mode.account ? "account" : (mode.channel ?? "manual");
  // A profile the user installs may select a method by its content (profile-driven User Enrollment), which its release may have removed.
  const first = await install(dev, o, bytes, anchors, byUser ? (p) => profileMethodRefusal(dev, p) : undefined, byUser && !mode.silent, undefined, channel);
  if (first.error) return profileMethodResult(dev, first.error) ?? refused(dev, first.error, first.stepName);
  const mdm = first.mdm;
  if (!mdm) return { ok: true, code: "apple.profile.installed", keychain: keychainOf(dev) };
  if (mode.account && mdm.enrollmentMode !== mode.account) {
    dev.store.remove(first.parsed!.profile.identifier);
    return refused(dev, AppleErrors.badField("EnrollmentMode", `account-driven ${mode.account === "BYOD" ? "User" : "Device"} Enrollment needs EnrollmentMode ${mode.account}, the profile has ${mdm.enrollmentMode ?? "none"}`), "profile.install");
  }
  const identity = dev.store.identity(mdm.identityCertificateUUID)!;
  return continueEnrollment(dev, o, { profile: first.parsed!.profile, signature: first.parsed!.signature, mdm, identity, anchors }, mode, "apple.authenticate");
}

/**
 * The MDM stage: Authenticate, TokenUpdate (and the macOS channels), command sessions. A fresh
 * enrollment starts at Authenticate; a device resumed from a checkpoint (resume.ts) at its saved
 * state. Entering each state saves it as a checkpoint before the state's first message leaves.
 */
export async function continueEnrollment(dev: AppleDevice, o: AppleOptions, b: MdmBinding, mode: EnrollMode, from: AppleState): Promise<FlowResult> {
  const ctx = dev.ctx;
  const { mdm, identity, anchors } = b;
  const profileId = b.profile.identifier;
  const at = APPLE_STATES.indexOf(from);
  // The profile's roots count only where the device trusts them for TLS (profile-trust.ts: a hand-installed
  // profile on iOS/iPadOS 10.3+ waits for Certificate Trust Settings), read when the client is made, right
  // after the install. The roots every device trusts (--ca, --insecure; the reference CA in embedded runs, as
  // for every other connection) are its system store, as in the steady-state check-in (checkin.ts). A chain
  // from a root the device lacks (embedded.tls.endpoints from a private root the profile does not carry, or
  // one waiting for full trust) fails: apple.checkin.server-untrusted.
  const trustPem = [...anchors, ...tlsAnchors(dev)].map((c) => toPem(c.der));
  const deviceRoots = ctx.tls;
  let http: HttpClient | undefined;
  let registered = false;
  try {
    http = ctx.ports.http.client({
      tls: {
        ...(deviceRoots?.insecure ? { insecure: true } : {}),
        ...(deviceRoots?.replaceRoots ? { replaceRoots: true } : {}),
        ca: [...(deviceRoots?.ca ?? []), ...trustPem],
        ...(mdm.signMessage ? {} : { identity: { certPem: toPem(identity.certificate.der), keyPem: ctx.ports.crypto.privateKeyPem(identity.key) } }),
      },
      keepAlive: ctx.keepAlive ?? true,
    });
    const client = new MdmClient(
      ctx.protocol,
      { topic: mdm.topic, serverURL: mdm.serverURL, checkInURL: mdm.checkInURL, ref: dev.ref },
      { http, userAgent: userAgent(dev), ...(mode.bearer ? { bearer: mode.bearer } : {}), ...(mode.reauth ? { reauth: mode.reauth } : {}), ...(mdm.signMessage ? { signer: { cert: identity.certificate, key: identity.key, crypto: ctx.ports.crypto } } : {}) },
      {},
      o.sessions?.notNowRedelivery ?? "not-now",
    );
    dev.accessRights = mdm.accessRights;
    dev.installer = async (payload) => {
      const r = await install(dev, o, payload, anchors, (p) => needsUserApproval(dev, p));
      if (r.error) return r.error;
      if (r.mdm) return AppleErrors.badField("PayloadContent", "an MDM payload cannot be installed by InstallProfile");
      return undefined;
    };
    /** A check-in the server answered with an HTTP error status the device cannot go on from. */
    const refusedWith = (status: number, stepName: string, code: string): FlowResult => {
      dev.store.remove(profileId);
      const alert = stepName === "checkin.authenticate" ? "Profile Installation Failed. Connection to the server could not be established." : "";
      return fail(
        dev,
        code,
        stepName,
        `${alert ? `${alert} ` : ""}(the server answered HTTP ${status} to ${stepName}; the MDM payload was not installed)`,
        alert ? appleShownForHttpStatus(status, alert, stepName) : undefined,
      );
    };
    const httpRefusal = (e: unknown, stepName: string): FlowResult | undefined =>
      e instanceof TransportError && e.kind === "http-status" && e.status ? refusedWith(e.status, stepName, `apple.checkin.http-${e.status}`) : undefined;
    // Identity issued, not yet Authenticated: a resumed device continues here with the same identity.
    const save = (state: AppleState) => saveAppleCheckpoint(dev, b, mode, state);
    if (at === 0) {
      save("apple.authenticate");
      let auth;
      try {
        auth = await client.checkin(dev.authenticate(mdm.topic));
      } catch (e) {
        if (e instanceof TransportError && e.kind === "tls") {
          dev.store.remove(profileId);
          return refused(dev, AppleErrors.untrustedServer(mdm.checkInURL), "checkin.authenticate");
        }
        if (e instanceof TransportError && e.kind === "http-status" && (e.status ?? 0) >= 500) {
          dev.store.remove(profileId);
          return refused(dev, AppleErrors.installFailedServer(e.status!), "checkin.authenticate");
        }
        const r = httpRefusal(e, "checkin.authenticate");
        if (r) return r;
        throw e;
      }
      if (auth.kind === "unenrolled") {
        // During the profile install a 401 (or 403 unrecognized device) to Authenticate is one more HTTP
        // error: the installation fails with the same alert and MCHTTPTransactionErrorDomain code as
        // any other 4xx (the emm.how field log of a load balancer handing a stale certificate: 401/412).
        return refusedWith(auth.status, "checkin.authenticate", "apple.checkin.refused");
      }
      dev.awaitingConfiguration = mode.ade && mode.awaitConfiguration;
    }
    // TopLevel RemovalDate / DurationUntilRemoval: the system removes the profile by itself (profile-checks.ts).
    const installedAt = dev.store.profiles.get(profileId)?.installedAt ?? ctx.protocol.clock.now();
    const removeAt = removalTime(b.profile.raw, deviceNow(ctx.protocol) - (ctx.protocol.clock.now() - installedAt));
    dev.mdmBinding = {
      uuid: mdm.identityCertificateUUID,
      params: {
        // The installed enrollment profile's identifier and Topic: what an update of it must keep (mdm-update.ts).
        pid: profileId,
        topic: mdm.topic,
        ...(mdm.serverCapabilities.includes("com.apple.mdm.per-user-connections") ? { pu: "1" } : {}),
        ...(mdm.assignedManagedAppleID ? { aid: mdm.assignedManagedAppleID } : {}),
        ...(removeAt !== undefined ? { removeAt: String(removeAt), ...(mdm.checkOutWhenRemoved ? { co: mdm.topic } : {}) } : {}),
        server: mdm.serverURL,
        checkin: mdm.checkInURL,
        sign: mdm.signMessage ? "1" : "0",
        rights: String(mdm.accessRights),
        ...(dev.supervised ? { sup: "1" } : {}),
        ...(mode.ade ? { ade: "1" } : {}),
        ...(dev.enrollmentId ? { eid: dev.enrollmentId } : {}),
        ...(mode.account ? { mode: mode.account } : {}),
        ...(mode.authUrl ? { signin: mode.authUrl } : {}),
      },
    };
    const tokenUpdate = () =>
      client.checkin(
        buildTokenUpdate({
          topic: mdm.topic,
          ref: dev.ref,
          token: dev.pushToken,
          pushMagic: dev.pushMagic,
          // No device passcode control in User Enrollment; the schema forbids UnlockToken on Shared iPad.
          unlockToken: dev.userEnrollment || dev.sharedIPad ? undefined : dev.unlockToken,
          ...(mode.ade ? { awaitingConfiguration: dev.awaitingConfiguration } : {}),
          ...(dev.osName === "macOS" ? { notOnConsole: false } : {}),
        }),
      );
    if (at <= 1) {
      // Authenticate accepted: the server holds the enrollment; TokenUpdate (and the macOS channels) next.
      save("apple.tokenupdate");
      let tu;
      try {
        tu = await tokenUpdate();
      } catch (e) {
        // A server that does not hold the enrollment (its Authenticate never reached it) answers an
        // HTTP error: the profile install fails (field failure apple-tokenupdate-before-authenticate).
        const r = httpRefusal(e, "checkin.tokenupdate");
        if (r) return r;
        throw e;
      }
      if (tu.kind === "unenrolled") return unenroll(dev, client, mdm, profileId, "checkin.tokenupdate", tu.status);
      if (dev.osName === "macOS") {
        const stepOut = await macosChannels(dev, o, client, mdm, mode, b.profile);
        if (stepOut) return unenroll(dev, client, mdm, profileId, stepOut.step, stepOut.status);
      }
      const sharedUser = dev.sharedIPad ? dev.ctx.identity.state?.sharedIPad?.user : undefined;
      const noUserChannel = sharedUser ? userChannelBlocked({ os: dev.osName, version: dev.osVersion }, mdm, b.profile, mode.ade) : undefined;
      if (noUserChannel) decoded(ctx.protocol, "checkin.tokenupdate", { userChannel: "not opened", reason: noUserChannel });
      else if (sharedUser) {
        // A Managed Apple Account signs in on the Shared iPad: its user channel (tokenupdate.yaml: UserShortName
        // required on Shared iPad, UserID always FFFFFFFF-… "no authentication will occur"; no UserAuthenticate).
        const user = { userId: SHARED_IPAD_USER_ID, shortName: sharedUser };
        const utu = await client.checkin(buildTokenUpdate({ topic: mdm.topic, ref: dev.ref, token: ctx.protocol.entropy.fork("apns.user-token").bytes(32), pushMagic: ctx.protocol.entropy.fork("apns.user-pushmagic").uuid(true), user }));
        if (utu.kind === "unenrolled") return unenroll(dev, client, mdm, profileId, "checkin.tokenupdate", utu.status);
        decoded(ctx.protocol, "checkin.tokenupdate", { userChannel: "shared-ipad", user: sharedUser });
      }
    }
    // The push service now knows the token: a push for it wakes this device (mock APNs, push.ts).
    pushRegistry.register(tokenHex(dev.pushToken), mdm.topic, dev.pushMagic);
    registered = true;
    // Its persistent APNs connection (push.ts ApnsLink): a push reaches the device only while it holds one.
    const apns = new ApnsLink(ctx.protocol, ctx.targets.server?.embedded ? (ctx.targets.server.https ?? ctx.targets.server.http) : undefined, () => ctx.online?.() ?? true);
    // Enrolled from the server's side: command sessions; saved again when DeviceConfigured changes what a resumed device waits for.
    save("apple.commands");
    const installed = dev.store.profiles.get(profileId);
    if (installed) installed.managed = true;

    const handler = async (cmd: Parameters<typeof answerCommand>[1]): Promise<CommandAnswer> => {
      const configured = dev.configured;
      const a = await answerCommand(dev, cmd);
      dev.noteCommand(cmd.requestType, a.status);
      // Durable before the acknowledgement leaves: the server will not send DeviceConfigured again.
      if (dev.configured !== configured) save("apple.commands");
      return a;
    };
    const started = ctx.protocol.clock.now();
    const awaitMs = (o.ade?.awaitTimeoutSeconds ?? 600) * 1000;
    const maxSessions = o.sessions?.max ?? 10;
    // Without a push source the device polls: at least `min` sessions, `pollSeconds` apart.
    const minSessions = Math.min(o.sessions?.min ?? 1, maxSessions);
    const listen = o.push?.listen ?? 0;
    // The command channel's failed polls in a row and each run of them (channel-errors.ts).
    const channel = new ChannelRecord();
    // One wake-up of an idle device: a push, or the poll cadence.
    const wake = async (n: number): Promise<void> => {
      const why = await waitPushOrPoll(ctx.protocol.clock, dev.pushToken, (o.push?.pollSeconds ?? 3600) * 1000, ctx.protocol.signal, pushRegistry, await apns.ensure());
      // push.woken / push.poll count the wake-ups by cause (expect.steps asserts devices that stay asleep).
      await step(ctx.protocol, why === "push" ? "push.woken" : "push.poll", async () => decoded(ctx.protocol, "push.wake", { reason: why, wake: n }));
    };
    // Setup Assistant at Remote Management past the await timeout: stuck there.
    const stuckAt = (i: number): FlowResult | undefined =>
      ctx.protocol.clock.now() - started < awaitMs
        ? undefined
        : fail(
            dev,
            "apple.ade.stuck-at-remote-management",
            "ade.await-configuration",
            `Setup Assistant is stuck at Remote Management: no DeviceConfigured after ${Math.round((ctx.protocol.clock.now() - started) / 1000)} s (${i + 1} sessions)`,
          );
    for (let i = 0, woken = 0; ; i++) {
      if (removalDue(dev, removeAt)) {
        dev.store.remove(profileId);
        const co = await checkOut(ctx.protocol, client, mdm.checkOutWhenRemoved ? mdm.topic : undefined, dev.ref);
        decoded(ctx.protocol, "device", { removed: "RemovalDate", checkOut: co });
        return fail(dev, REMOVED_ON_DATE.code, "command.idle", REMOVED_ON_DATE.message);
      }
      let r;
      try {
        r = await client.session(handler);
      } catch (e) {
        // Refused (not 401/403-unrecognized) or unanswered: the device stays enrolled and polls again at its next wake-up (channel-errors.ts).
        const failure = channelFailureOf(e, ctx.protocol.clock.now());
        if (!failure) throw e;
        channel.failed(failure);
        decoded(ctx.protocol, failure.step, { pollFailed: failure.code, inARow: channel.failing.length, enrolment: "kept", retry: woken < listen ? "at the next push or poll" : "at the next steady check-in" });
        if (dev.awaitingConfiguration) {
          // Setup Assistant still waits at Remote Management: it polls again on its own cadence, bounded by the same timeout.
          const stuck = stuckAt(i);
          if (stuck) return stuck;
          await dev.sleep((o.ade?.pollSeconds ?? 30) * 1000);
          continue;
        }
        if (woken >= listen) break;
        woken++;
        await wake(woken);
        continue;
      }
      channel.succeeded(ctx.protocol.clock.now());
      if (r.unenrolled) return unenroll(dev, client, mdm, profileId, "command.idle", 401);
      // Between sessions the user meets the app installs' prompts (apps.ts).
      await dev.appInstalls.runPending();
      if (dev.ddm.requested && !dev.erased && !dev.unenrolled) {
        const sync = await ddmSync(dev, client);
        if (!sync.ok) return unenroll(dev, client, mdm, profileId, sync.step, 401);
      }
      if (dev.erased) return { ok: true, code: "apple.erased", keychain: keychainOf(dev) };
      if (dev.unenrolled) {
        const co = await checkOut(ctx.protocol, client, mdm.checkOutWhenRemoved ? mdm.topic : undefined, dev.ref);
        // The server removed the enrollment profile: the device leaves management, as asked.
        decoded(ctx.protocol, "device", { unenrolledBy: "RemoveProfile", checkOut: co });
        return { ok: true, code: "apple.unenrolled.by-server", keychain: keychainOf(dev) };
      }
      if (dev.configured && mode.ade && mode.awaitConfiguration && !dev.awaitingConfiguration) {
        // Released: later TokenUpdates carry AwaitingConfiguration=false.
        decoded(ctx.protocol, "ade.await-configuration", { released: true, waitedMs: ctx.protocol.clock.now() - started });
        const again = await tokenUpdate();
        if (again.kind === "unenrolled") return unenroll(dev, client, mdm, profileId, "checkin.tokenupdate", again.status);
        mode = { ...mode, awaitConfiguration: false };
        if (r.notNow === 0 && i + 1 >= minSessions) break;
      }
      const waiting = dev.awaitingConfiguration;
      if (waiting) {
        const stuck = stuckAt(i);
        if (stuck) return stuck;
        await dev.sleep((o.ade?.pollSeconds ?? 30) * 1000);
        continue;
      }
      if ((r.notNow === 0 && i + 1 >= minSessions) || i + 1 >= maxSessions) {
        // Enrolled and idle: stay on for `listen` wake-ups, each a push or the poll cadence.
        if (woken >= listen) break;
        woken++;
        await wake(woken);
        continue;
      }
      await waitPushOrPoll(ctx.protocol.clock, dev.pushToken, (o.sessions?.pollSeconds ?? 1) * 1000, ctx.protocol.signal, pushRegistry, await apns.ensure());
    }
    if (o.unenrollAtEnd && (mode.removable === false || removalDisallowed(dev, b.profile))) {
      decoded(ctx.protocol, "device", { unenroll: `refused: ${mode.removable === false ? "the ADE enrollment is not removable (is_mdm_removable false)" : "the profile has PayloadRemovalDisallowed (supervised)"}` });
    } else if (o.unenrollAtEnd) {
      dev.store.remove(profileId);
      await checkOut(ctx.protocol, client, mdm.checkOutWhenRemoved ? mdm.topic : undefined, dev.ref);
      return { ok: true, code: "apple.unenrolled", keychain: keychainOf(dev) };
    }
    decoded(ctx.protocol, "device", { commands: dev.commandsAnswered, deviceName: dev.deviceName, osVersion: dev.osVersion, locked: dev.locked });
    const background = [...dev.appInstalls.outcomes, ...channel.outcomes];
    return { ok: true, code: mode.ade ? "apple.ade.enrolled" : "apple.enrolled", keychain: keychainOf(dev), ...(background.length ? { background: [...background] } : {}) };
  } finally {
    // Still enrolled: the token stays valid (pushes wait, then expire); unenrolled or wiped: APNs answers 410.
    if (registered) pushRegistry.leave(tokenHex(dev.pushToken), dev.erased || dev.unenrolled || !dev.store.profiles.has(profileId) ? "unregistered" : "offline");
    await http?.close().catch(() => {});
  }
}

