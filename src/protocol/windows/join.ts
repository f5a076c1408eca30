// SPDX-License-Identifier: MIT
/**
 * The directory join or registration that precedes MDM enrollment (Autopilot, provisioning packages,
 * Add work or school account), against the reference server's device-registration stand-in
 * (server/windows/drs.ts): a refusal is a value carrying what dsregcmd reports — the client HRESULT
 * when the service names one, the server error code and message, the HTTP status; anything else
 * off-spec is a typed error.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";
import type { JoinRequestBody } from "../../wire/windows/join-body.js";

/** `mdm`/`mam`: which management the directory's user scopes give this device (absent: MDM, as before). */
export type JoinOutcome =
  | {
      status: "joined";
      mdm: boolean;
      mam: boolean;
      /** Why no MDM enrollment URL came (the reference server's reason: outside-mdm-scope, upn-domain-unverified). */
      noMdm?: string;
    }
  | {
      status: "refused";
      /** The client HRESULT ("0x801C03F3"), when the service's answer maps to one. */
      error?: string;
      /** The OAuth 2.0 `error` of a token redemption the join depends on ("invalid_grant": a provisioning package's expired bulk token). */
      oauthError?: string;
      /** The server's error code ("DirectoryError", "AADSTS135011"). */
      serverError?: string;
      /** The server's sub code, when it sends one ("MsaTicketTpmValidationFailed"). */
      serverSubCode?: string;
      /** The tenant rule or object state behind it (the reference server's refusal reason). */
      reason?: string;
      message: string;
      httpStatus: number;
    };

export type { JoinRequestBody } from "../../wire/windows/join-body.js";

const text = (v: unknown, max: number): string | undefined => (typeof v === "string" ? v.slice(0, max) : undefined);

/** The resource a join's sign-in asks its token for: the device registration service. */
export const DRS_RESOURCE = "urn:ms-drs:enterpriseregistration.windows.net";

/** `token`: the user's sign-in token for the device registration service (its `amr` says whether MFA was done). */
export async function joinDirectory(ctx: ProtocolContext, url: string, who: JoinRequestBody, token?: string): Promise<JoinOutcome> {
  return step(ctx, "join.register", async () => {
    const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const res = await exchange(ctx, "join.register", { method: "POST", url, headers, body: new TextEncoder().encode(JSON.stringify(who)) }, { acceptStatus: [400, 401, 403] });
    if (mediaType(res) !== "application/json") throw new ProtocolViolationError("join.content-type", `device registration answered ${mediaType(res) || "no content type"}`);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(new TextDecoder().decode(res.body.subarray(0, 16 * 1024))) as Record<string, unknown>;
    } catch {
      throw new ProtocolViolationError("join.bad-json", "device registration answer is not JSON");
    }
    if (res.status !== 200) {
      const error = text(body.error, 40);
      const serverError = text(body.serverErrorCode, 80);
      const serverSubCode = text(body.subCode, 80);
      const reason = text(body.reason, 80);
      const oauthError = text(body.oauthError, 40);
      const out = {
        status: "refused" as const,
        ...(error ? { error } : {}),
        ...(oauthError ? { oauthError } : {}),
        ...(serverError ? { serverError } : {}),
        ...(serverSubCode ? { serverSubCode } : {}),
        ...(reason ? { reason } : {}),
        message: text(body.message, 300) ?? "join refused",
        httpStatus: res.status,
      };
      decoded(ctx, "join.register", out);
      return out;
    }
    const noMdm = body.mdm === false ? text(body.noMdm, 60) : undefined;
    const out = { status: "joined" as const, mdm: body.mdm !== false, mam: body.mam === true, ...(noMdm ? { noMdm } : {}) };
    decoded(ctx, "join.register", out);
    return out;
  });
}
