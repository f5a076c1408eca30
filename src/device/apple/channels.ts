// SPDX-License-Identifier: MIT
/**
 * The check-in channels an Apple enrollment opens after TokenUpdate (macOS bootstrap token and
 * user channel) and the device's answer to a 401 on them (it unenrolls).
 */
import { asSimError, ProtocolViolationError, TransportError } from "../../errors/index.js";
import type { MdmClient } from "../../protocol/apple/mdm-client.js";
import { decoded } from "../../protocol/common/context.js";
import { buildCheckOut, buildGetBootstrapToken, buildSetBootstrapToken, buildTokenUpdate, buildUserAuthenticate } from "../../wire/apple/mdm.js";
import type { MdmPayload, Profile } from "../../wire/apple/profile.js";
import { bootstrapTokenBlocked, userChannelBlocked } from "./mdm-capabilities.js";
import type { FlowResult } from "../flow.js";
import { fail, type EnrollMode } from "./enroll-common.js";
import type { AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";

/**
 * macOS: escrow the bootstrap token (SetBootstrapToken, then GetBootstrapToken to read it back)
 * and open the user channel (UserAuthenticate; 410 declines it; an empty DigestChallenge
 * accepts it, then a user-channel TokenUpdate). Returns the step that got a 401, if any. The
 * profile decides too (mdm-capabilities.ts): without the ServerCapabilities for it, or with
 * PayloadScope System, a channel is not opened, and the transcript says why.
 */
export async function macosChannels(dev: AppleDevice, o: AppleOptions, client: MdmClient, mdm: MdmPayload, mode: EnrollMode, profile: Profile): Promise<{ step: string; status: number } | undefined> {
  const ctx = dev.ctx.protocol;
  const ref = dev.ref;
  const awaiting = mode.ade ? dev.awaitingConfiguration : undefined;
  const os = { os: dev.osName, version: dev.osVersion };
  const noBootstrap = (o.bootstrapToken ?? mode.ade) ? bootstrapTokenBlocked(os, mdm) : undefined;
  if (noBootstrap) decoded(ctx, "checkin.tokenupdate", { bootstrapToken: "not created", reason: noBootstrap });
  const noUserChannel = (o.userChannel ?? mode.ade) ? userChannelBlocked(os, mdm, profile, mode.ade) : undefined;
  if (noUserChannel) decoded(ctx, "checkin.tokenupdate", { userChannel: "not opened", reason: noUserChannel });
  if ((o.bootstrapToken ?? mode.ade) && !noBootstrap) {
    const token = ctx.entropy.fork("bootstrap-token").bytes(32);
    const set = await client.checkin(buildSetBootstrapToken(mdm.topic, ref, token, awaiting));
    if (set.kind === "unenrolled") return { step: "checkin.setbootstraptoken", status: set.status };
    const get = await client.checkin(buildGetBootstrapToken(mdm.topic, ref, awaiting));
    if (get.kind === "unenrolled") return { step: "checkin.getbootstraptoken", status: get.status };
    let reply;
    try {
      reply = client.readReply(get);
    } catch (e) {
      throw asSimError(e, { device: ctx.device, step: "checkin.getbootstraptoken" });
    }
    const back = reply?.BootstrapToken;
    decoded(ctx, "checkin.getbootstraptoken", { escrowed: back instanceof Uint8Array && Buffer.compare(Buffer.from(back), Buffer.from(token)) === 0, bytes: back instanceof Uint8Array ? back.length : 0 });
  }
  if ((o.userChannel ?? mode.ade) && !noUserChannel) {
    const user = { userId: ctx.entropy.fork("user.id").uuid(true), shortName: "enrollsim", longName: "enrollsim User" };
    const ua = await client.checkin(buildUserAuthenticate(ref, user));
    if (ua.kind === "unenrolled") return { step: "checkin.userauthenticate", status: ua.status };
    if (ua.kind === "declined") {
      decoded(ctx, "checkin.userauthenticate", { userChannel: "declined (410)" });
      return undefined;
    }
    let challenge;
    try {
      challenge = client.readReply(ua)?.DigestChallenge;
    } catch (e) {
      throw asSimError(e, { device: ctx.device, step: "checkin.userauthenticate" });
    }
    if (challenge !== "") {
      decoded(ctx, "checkin.userauthenticate", { userChannel: "not opened", reason: typeof challenge === "string" ? "digest challenges are not implemented" : "no DigestChallenge in the reply" });
      return undefined;
    }
    const tu = await client.checkin(buildTokenUpdate({ topic: mdm.topic, ref, token: ctx.entropy.fork("apns.user-token").bytes(32), pushMagic: ctx.entropy.fork("apns.user-pushmagic").uuid(true), user, notOnConsole: false }));
    if (tu.kind === "unenrolled") return { step: "checkin.tokenupdate", status: tu.status };
  }
  return undefined;
}

/** UserID of every Shared iPad user-channel message (tokenupdate.yaml). */
export const SHARED_IPAD_USER_ID = "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF";

/**
 * The CheckOut a device sends once its MDM profile is gone, when the profile has CheckOutWhenRemoved.
 * Apple: "the device attempts to send a CheckOut message to the CheckInURL when the profile is
 * removed" (com.apple.mdm.yaml, CheckOutWhenRemoved): one attempt. The profile is removed whatever
 * the server answers, so a refused or unanswered CheckOut is recorded in the transcript and never
 * fails the device or the flow. Returns what happened, for the caller's message.
 */
export async function checkOut(ctx: AppleDevice["ctx"]["protocol"], client: MdmClient, topic: string | undefined, ref: AppleDevice["ref"]): Promise<"not configured" | "sent" | "failed"> {
  if (!topic) return "not configured";
  try {
    await client.checkin(buildCheckOut(topic, ref));
    return "sent";
  } catch (e) {
    if (!(e instanceof TransportError || e instanceof ProtocolViolationError)) throw e;
    decoded(ctx, "checkin.checkout", { checkOut: "failed, not retried (the MDM profile is removed anyway)", cause: e.code });
    return "failed";
  }
}

/** 401 (or 403 unrecognized) on check-in / command channel: the device unenrolls. */
export async function unenroll(dev: AppleDevice, client: MdmClient, mdm: MdmPayload, profileId: string, stepName: string, status: number): Promise<FlowResult> {
  dev.store.remove(profileId);
  const sent = await checkOut(dev.ctx.protocol, client, mdm.checkOutWhenRemoved ? mdm.topic : undefined, dev.ref);
  return fail(dev, "apple.checkin.unenrolled", stepName, `the server answered HTTP ${status}; the device treats it as unenrollment and removed the MDM profile${sent === "sent" ? " (CheckOut sent)" : sent === "failed" ? " (CheckOut failed)" : ""}`);
}
