// SPDX-License-Identifier: MIT
/**
 * The directory join that precedes MDM enrollment in Autopilot and provisioning-package flows,
 * against the reference server's device-registration stand-in: a refusal is a value (the user
 * may not join devices, 0x801C0003), anything else off-spec is a typed error.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";

/** `mdm`/`mam`: which management the directory's user scopes give this device (absent: MDM, as before). */
export type JoinOutcome = { status: "joined"; mdm: boolean; mam: boolean } | { status: "refused"; error: string; message: string };

export async function joinDirectory(ctx: ProtocolContext, url: string, who: { upn: string; deviceId: string; bulk: boolean; registration?: boolean }): Promise<JoinOutcome> {
  return step(ctx, "join.register", async () => {
    const res = await exchange(ctx, "join.register", { method: "POST", url, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(who)) }, { acceptStatus: [400, 403] });
    if (mediaType(res) !== "application/json") throw new ProtocolViolationError("join.content-type", `device registration answered ${mediaType(res) || "no content type"}`);
    let body: { error?: unknown; message?: unknown; mdm?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(res.body.subarray(0, 16 * 1024))) as typeof body;
    } catch {
      throw new ProtocolViolationError("join.bad-json", "device registration answer is not JSON");
    }
    if (res.status !== 200) {
      const out = { status: "refused" as const, error: typeof body.error === "string" ? body.error.slice(0, 40) : `HTTP ${res.status}`, message: typeof body.message === "string" ? body.message.slice(0, 300) : "join refused" };
      decoded(ctx, "join.register", out);
      return out;
    }
    const out = { status: "joined" as const, mdm: body.mdm !== false, mam: (body as { mam?: unknown }).mam === true };
    decoded(ctx, "join.register", out);
    return out;
  });
}
