// SPDX-License-Identifier: MIT
/**
 * A refusal as the device's vendor agent shows it: when the agent's catalog entry (agents/<id>.yaml, device/agents.ts)
 * has a row for the cause on the device's platform, the result carries the vendor's code and text (and the message
 * names them); otherwise the result is left as the platform shows it. The cause comes from the server's refusal reason
 * (wire/agent-causes.ts AGENT_CAUSES) or the agent's own outcome, never from the scenario.
 */
import { AGENT_CAUSES, type AgentCause } from "../wire/agent-causes.js";
import type { AgentCatalog } from "./agents.js";
import type { Platform } from "./catalog.js";
import type { FlowResult } from "./flow.js";

/** Joins code, title and text as the agent shows them: a part equal to the one before is shown once. */
function shownMessage(code: string, title: string, text: string): string {
  const parts = [code, ...(title !== code ? [title] : []), ...(text !== title && text !== code ? [text] : [])];
  return parts.reduce((m, p) => (m ? `${m}${/[.!?]$/.test(m) ? " " : m === code && p === title ? " " : ": "}${p}` : p), "");
}

export function agentScreen(agents: AgentCatalog | undefined, agent: string | undefined, platform: Platform, cause: AgentCause, result: FlowResult): FlowResult {
  const m = agent ? agents?.screen(agent, platform, cause) : undefined;
  if (!m) return result;
  return { ...result, message: shownMessage(m.code, m.title, m.text), shown: { code: m.code, name: m.title, text: m.text, screen: m.screen } };
}

/** The cause an agent reads from its own outcome code (a declined terms screen, a restricted check-in) or else its server's refusal reason; undefined when it is none it knows. */
export function agentCause(out: { code: string; serverError?: { reason?: string } }): AgentCause | undefined {
  return AGENT_CAUSES[out.code] ?? AGENT_CAUSES[out.serverError?.reason ?? ""];
}
