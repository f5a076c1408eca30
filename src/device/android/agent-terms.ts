// SPDX-License-Identifier: MIT
/**
 * The enrollment agent's terms-and-conditions screen (Intune Company Portal; the Knox Manage agent's registration):
 * after the user signs in, the agent asks its EMM for the terms assigned to the user that they have not accepted at
 * their current version (server/android/agent-terms.ts), shows each one — title, summary, "Read terms" for the full
 * text — and the user accepts or declines ("the terms and conditions that users see and must either accept or
 * reject", learn.microsoft.com/intune/intune-service/enrollment/terms-and-conditions-create). The screen is the
 * user's step `agent.terms`: the timeline's `abandon` at it is the user who declines. A declined screen ends the
 * agent's registration: the Knox Manage agent shows KMA_F220 "Terms and conditions not accepted" (the flow maps the
 * outcome code through the device's dialect, device/android/agent-shown.ts); an agent with no published text for it
 * ends ADMIN_POLICY_COMPLIANCE, and the setup wizard shows "Can't set up device".
 *
 * The agent↔EMM wire is enrollsim's stand-in (neither product publishes it); a server without it (404, 405, 501) has no terms.
 */
import { asSimError, ProtocolViolationError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { WIZARD_TEXT } from "../../wire/android/errors.js";

export const AGENT_TERMS_STEPS = { fetch: "android.agent.terms", screen: "agent.terms" } as const;
/** Outcome code of a user who declined the agent's terms screen. */
export const TERMS_DECLINED = "android.agent.terms-declined";

interface PendingTerms {
  name: string;
  version: number;
  title?: string;
  text?: string;
  acceptanceStatement?: string;
}

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));

/** Largest terms answer the agent reads; a longer one is refused, never cut (a cut JSON cannot be read). */
const MAX_TERMS_BYTES = 256 * 1024;

/**
 * The pending terms of a 2xx answer. An answer that is not a JSON object with a `terms` list (garbage, an HTML page,
 * a cut or oversized body) is refused: the agent cannot tell which terms the user must accept, so it does not go on
 * as if there were none (the flow ends with the cause at `android.agent.terms`).
 */
function readTerms(body: Uint8Array): PendingTerms[] {
  if (body.length > MAX_TERMS_BYTES) throw new ProtocolViolationError("android.agent.terms-malformed", `the terms answer is ${body.length} bytes, more than the ${MAX_TERMS_BYTES} the agent reads`);
  let v: { terms?: unknown };
  try {
    v = JSON.parse(Buffer.from(body).toString("utf8")) as { terms?: unknown };
  } catch (e) {
    throw new ProtocolViolationError("android.agent.terms-malformed", `the terms answer is not JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (typeof v !== "object" || v === null || !Array.isArray(v.terms)) throw new ProtocolViolationError("android.agent.terms-malformed", "the terms answer has no `terms` list");
  const s = (x: unknown, n: number) => (typeof x === "string" && x ? x.slice(0, n) : undefined);
  return v.terms
    .slice(0, 20)
    .filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null && typeof (t as { name?: unknown }).name === "string")
    .map((t) => ({ name: String(t.name).slice(0, 200), version: Number.isInteger(t.version) ? Number(t.version) : 1, title: s(t.title, 200), text: s(t.text, 2000), acceptanceStatement: s(t.acceptanceStatement, 500) }));
}

/** The terms screen of the agent for `user`; `ok: false` when the user declined. */
export async function agentTermsScreen(ctx: ProtocolContext, base: string | undefined, user: string): Promise<{ ok: true } | { ok: false; code: string; step: string; message: string }> {
  if (!base) return { ok: true };
  const url = `${base}/android/agent/terms`;
  const pending = await step(ctx, AGENT_TERMS_STEPS.fetch, async () => {
    const res = await exchange(ctx, AGENT_TERMS_STEPS.fetch, { method: "GET", url: `${url}?user=${encodeURIComponent(user)}`, headers: { accept: "application/json" } }, { acceptStatus: [404, 405, 501] });
    const terms = res.status >= 400 ? [] : readTerms(res.body);
    decoded(ctx, AGENT_TERMS_STEPS.fetch, { user, status: res.status, pending: terms.map((t) => `${t.name} v${t.version}`) });
    return terms;
  });
  if (!pending.length) return { ok: true };
  try {
    await step(ctx, AGENT_TERMS_STEPS.screen, async () => {
      for (const t of pending) decoded(ctx, AGENT_TERMS_STEPS.screen, { screen: "terms and conditions", name: t.name, version: t.version, title: t.title ?? t.name, summary: t.acceptanceStatement, text: t.text, userAction: "Accept" });
      const res = await exchange(ctx, AGENT_TERMS_STEPS.screen, { method: "POST", url, headers: { "content-type": "application/json" }, body: json({ user, accepted: pending.map((t) => ({ name: t.name, version: t.version })) }) });
      decoded(ctx, AGENT_TERMS_STEPS.screen, { status: res.status });
    });
  } catch (err) {
    if (asSimError(err).code !== "user.abandoned") throw err;
    decoded(ctx, AGENT_TERMS_STEPS.screen, { screen: "terms and conditions", names: pending.map((t) => t.name), userAction: "Decline" });
    return { ok: false, code: TERMS_DECLINED, step: AGENT_TERMS_STEPS.screen, message: `${WIZARD_TEXT.cantSetUp} (the user declined the terms and conditions ${pending.map((t) => `"${t.title ?? t.name}"`).join(", ")} in the enrollment app)` };
  }
  return { ok: true };
}
