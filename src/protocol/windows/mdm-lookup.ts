// SPDX-License-Identifier: MIT
/**
 * The GPO auto-enroll task's lookup of the signed-in user's MDM enrollment URL at the directory (step `gpo.mdm-lookup`;
 * wire/windows/mdm-lookup.ts says what is the stand-in and what is published). The answer is read as untrusted: a
 * non-JSON answer is a protocol violation; `discoveryUrl` counts only as an https URL.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";
import { NO_MDM_REASONS, type NoMdmReason } from "../../wire/windows/mdm-lookup.js";

export const MDM_LOOKUP_STEP = "gpo.mdm-lookup";

/** The directory's MDM enrollment URL for the user, or why there is none (`missing-url`: the answer said MDM but carried no usable URL). */
export type MdmLookupOutcome = { status: "found"; discoveryUrl: string } | { status: "none"; reason: NoMdmReason | "missing-url" | "unstated" };

export async function lookupMdm(ctx: ProtocolContext, url: string, upn: string): Promise<MdmLookupOutcome> {
  return step(ctx, MDM_LOOKUP_STEP, async () => {
    const res = await exchange(ctx, MDM_LOOKUP_STEP, { method: "POST", url, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify({ upn })) });
    if (mediaType(res) !== "application/json") throw new ProtocolViolationError("mdm-lookup.content-type", `the directory's MDM lookup answered ${mediaType(res) || "no content type"}`);
    let body: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(new TextDecoder().decode(res.body.subarray(0, 16 * 1024)));
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      body = v as Record<string, unknown>;
    } catch {
      throw new ProtocolViolationError("mdm-lookup.bad-json", "the directory's MDM lookup answer is not a JSON object");
    }
    let out: MdmLookupOutcome;
    if (body.mdm === false) {
      const r = NO_MDM_REASONS.find((x) => x === body.noMdm);
      out = { status: "none", reason: r ?? "unstated" };
    } else {
      const u = typeof body.discoveryUrl === "string" ? body.discoveryUrl.slice(0, 2048) : "";
      out = /^https:\/\/[^\s]+$/i.test(u) ? { status: "found", discoveryUrl: u } : { status: "none", reason: "missing-url" };
    }
    decoded(ctx, MDM_LOOKUP_STEP, out);
    return out;
  });
}
