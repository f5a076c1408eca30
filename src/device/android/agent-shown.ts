// SPDX-License-Identifier: MIT
/**
 * A refusal as the device's EMM agent shows it on Android: the agent is the catalog entry (agents/*.yaml) whose
 * `platforms.android.dialect` is the device's DPC dialect (`options.android.dialect`, else the one owning the payload's
 * DPC package); its row for the cause, when it has one, replaces the setup wizard's text (device/agent-shown.ts).
 */
import type { AgentCause } from "../../wire/agent-causes.js";
import type { AgentCatalog } from "../agents.js";
import { agentCause, agentScreen } from "../agent-shown.js";
import type { FlowResult } from "../flow.js";

export function agentRefusal(agents: AgentCatalog | undefined, dialect: string | undefined, cause: AgentCause, result: FlowResult): FlowResult {
  const agent = dialect ? agents?.forDialect(dialect)?.id : undefined;
  return agentScreen(agents, agent, "android", cause, result);
}

/**
 * A failed enrollment as the agent shows it: the cause it reads from its server's refusal reason (`serverError.reason`)
 * or from its own outcome code (a declined terms screen), through {@link agentRefusal}.
 */
export function agentOutcome(agents: AgentCatalog | undefined, dialect: string | undefined, out: { ok: boolean; code: string; serverError?: { reason?: string } }, result: FlowResult): FlowResult {
  if (out.ok) return result;
  const cause = agentCause(out);
  return cause ? agentRefusal(agents, dialect, cause, result) : result;
}
