// SPDX-License-Identifier: MIT
/**
 * A refusal as the device's EMM agent shows it: when the agent (the DPC dialect, `options.android.dialect`) publishes
 * its own code and text for the cause, the result carries them (and the message names them); otherwise the result
 * is left as the platform shows it.
 */
import { ANDROID_DIALECTS } from "../../protocol/android/dialects/index.js";
import { AGENT_CAUSES, type AgentCause } from "../../wire/android/agent-messages.js";
import type { FlowResult } from "../flow.js";

export function agentRefusal(dialect: string | undefined, cause: AgentCause, result: FlowResult): FlowResult {
  const m = dialect ? ANDROID_DIALECTS[dialect]?.messages?.[cause] : undefined;
  if (!m) return result;
  // An agent that publishes only a code (or only a text) shows it once, not repeated as title and text.
  const message = [m.code, m.title !== m.code ? ` ${m.title}` : "", m.text !== m.title && m.text !== m.code ? `: ${m.text}` : ""].join("");
  return { ...result, message, shown: { code: m.code, name: m.title, text: m.text, screen: m.screen } };
}

/**
 * A failed enrollment as the agent shows it: the cause it reads from its server's refusal reason (`serverError.reason`)
 * or from its own outcome code (a declined terms screen), through {@link agentRefusal}.
 */
export function agentOutcome(dialect: string | undefined, out: { ok: boolean; code: string; serverError?: { reason?: string } }, result: FlowResult): FlowResult {
  if (out.ok) return result;
  const cause = AGENT_CAUSES[out.serverError?.reason ?? ""] ?? AGENT_CAUSES[out.code];
  return cause ? agentRefusal(dialect, cause, result) : result;
}
