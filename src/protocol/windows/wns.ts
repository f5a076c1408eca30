// SPDX-License-Identifier: MIT
/**
 * The device side of push (WNS) against the reference server's mock WNS: the device opens a
 * channel (its channel URI is what it reports in DMClient/Provider/<id>/Push/ChannelURI and what
 * a server POSTs to), then fetches what was pushed to it. Real WNS holds a persistent connection;
 * the simulation fetches on the device Clock instead (options.windows.wnsCheckSeconds).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";

const json = (body: Uint8Array, what: string): Record<string, unknown> => {
  try {
    const v = JSON.parse(new TextDecoder().decode(body.subarray(0, 64 * 1024))) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new ProtocolViolationError("wns.bad-json", `${what} is not a JSON object`);
};

/** Opens a channel for this device; returns its channel URI. */
export async function openChannel(ctx: ProtocolContext, wnsUrl: string, deviceId: string): Promise<string> {
  return step(ctx, "wns.channel", async () => {
    const res = await exchange(ctx, "wns.channel", { method: "POST", url: `${wnsUrl}/channels`, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify({ deviceId })) });
    if (mediaType(res) !== "application/json") throw new ProtocolViolationError("wns.content-type", `mock WNS answered ${mediaType(res) || "no content type"}`);
    const uri = json(res.body, "channel answer").channelUri;
    if (typeof uri !== "string" || !/^https?:\/\//.test(uri) || uri.length > 2048) throw new ProtocolViolationError("wns.no-channel", "the channel answer carries no channelUri");
    decoded(ctx, "wns.channel", { channelUri: uri });
    return uri;
  });
}

/** Notifications pushed to the channel since the last fetch (drained). */
export async function fetchPushes(ctx: ProtocolContext, channelUri: string): Promise<number> {
  return step(ctx, "wns.receive", async () => {
    const res = await exchange(ctx, "wns.receive", { method: "GET", url: `${channelUri}/pending` });
    const n = json(res.body, "pending answer").pending;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new ProtocolViolationError("wns.bad-pending", "pending is not a count");
    if (n > 0) decoded(ctx, "wns.receive", { pushes: n });
    return n;
  });
}
