// SPDX-License-Identifier: MIT
/**
 * A vendor's enrollment agent app in front of the Apple MDM profile install (`options.apple.agent`): the user opens the
 * agent (the Workspace ONE Intelligent Hub: agents/workspace-one-hub.yaml, `platforms.ios.enrollment: workspace-one`),
 * gives it the server URL and Group ID and signs in (step `agent.enroll`); the UEM decides (server/apple/ws1.ts,
 * server/workspace-one/uem.ts). Accepted, the agent opens the enrollment's profile link in Safari and the profile
 * install continues as every user-initiated enrollment does (Safari's download prompt, Settings, MDM). Refused, the
 * agent shows its vendor's screen for the cause, when the agent's catalog entry has one for this platform
 * (device/agent-shown.ts); otherwise the server's message.
 *
 * "Download and install the Workspace ONE Intelligent Hub from … the App Store (for Apple devices)" and enter the
 * server URL / email, Group ID and credentials (docs.vmware.com, Workspace ONE UEM "Device Enrollment"; the Hub then
 * has the user install the MDM profile). The Hub↔UEM wire is enrollsim's stand-in (not published):
 *   POST {serverUrl}/enroll {groupId, username, password, serialNumber, udid, product, osVersion}
 *     → 200 {status: "OK", deviceId, profileUrl} | 4xx {status: "ERROR", reason, message}
 * Not modelled: email auto-discovery (the user types the server URL and Group ID), the Hub's later check-ins and its
 * catalog, Workspace ONE Access sign-in.
 */
import { ProtocolViolationError, ScenarioError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { agentCause, agentScreen } from "../agent-shown.js";
import type { FlowContext, FlowResult } from "../flow.js";
import { fail } from "./enroll-common.js";
import type { AppleOptions } from "./options.js";
import type { AppleDevice } from "./state.js";

export const AGENT_ENROLL_STEP = "agent.enroll";
/** Largest agent answer read; a longer one is refused, never cut. */
const MAX_ANSWER_BYTES = 64 * 1024;

function readAnswer(body: Uint8Array): Record<string, unknown> | undefined {
  if (body.length > MAX_ANSWER_BYTES) throw new ProtocolViolationError("apple.agent.malformed", `the enrollment answer is ${body.length} bytes, more than the ${MAX_ANSWER_BYTES} the agent reads`);
  try {
    const v: unknown = JSON.parse(Buffer.from(body).toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The agent's enrollment: the URL of this enrollment's MDM profile, or the refusal the agent shows. `base` is the
 * embedded server's HTTPS base (the default server URL).
 */
export async function agentEnrollment(ctx: FlowContext, dev: AppleDevice, o: AppleOptions, base: string | undefined): Promise<string | FlowResult> {
  const a = o.agent!;
  const agent = ctx.agents?.get(a.id);
  const platform = ctx.identity.platform;
  if (!agent?.platforms[platform]?.enrollment) throw new ScenarioError(`options.apple.agent.id "${a.id}" is not an agent of the catalog with an enrollment on ${platform} (agents/*.yaml, --agents DIR)`);
  const serverUrl = (a.serverUrl ?? (base ? `${base}/apple/ws1` : undefined))?.replace(/\/$/, "");
  if (!serverUrl) throw new ScenarioError("options.apple.agent.serverUrl is needed with a server that is not embedded");
  const groupId = a.groupId ?? "enrollsim";
  const S = AGENT_ENROLL_STEP;
  return step(ctx.protocol, S, async () => {
    const body = { groupId, username: a.user, password: a.password, serialNumber: ctx.identity.serialNumber, ...(ctx.identity.udid ? { udid: ctx.identity.udid } : {}), product: ctx.identity.modelIdentifier, osVersion: dev.osVersion };
    const res = await exchange(
      ctx.protocol,
      S,
      { method: "POST", url: `${serverUrl}/enroll`, headers: { "content-type": "application/json", accept: "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(body))) },
      { acceptStatus: [400, 401, 403, 404, 409, 423] },
    );
    const answer = readAnswer(res.body);
    const reason = typeof answer?.reason === "string" && /^[A-Z_]{1,64}$/.test(answer.reason) ? answer.reason : undefined;
    const message = typeof answer?.message === "string" ? answer.message.slice(0, 500) : undefined;
    decoded(ctx.protocol, S, { agent: agent.id, status: res.status, groupId, username: a.user, result: typeof answer?.status === "string" ? answer.status.slice(0, 20) : undefined, reason, message });
    if (res.status === 200) {
      const link = typeof answer?.profileUrl === "string" ? answer.profileUrl : undefined;
      if (answer?.status !== "OK" || !link) throw new ProtocolViolationError("apple.agent.malformed", `the enrollment answer (HTTP 200) is not {status: "OK", profileUrl}`);
      let url: URL;
      try {
        url = new URL(link, serverUrl);
      } catch {
        throw new ProtocolViolationError("apple.agent.malformed", `the enrollment's profile link is not a URL (${JSON.stringify(link.slice(0, 80))})`);
      }
      if (url.origin !== new URL(serverUrl).origin) throw new ProtocolViolationError("apple.agent.malformed", `the enrollment's profile link points to another origin (${url.origin})`);
      decoded(ctx.protocol, S, { next: "the agent opens the enrollment's profile in Safari" });
      return url.toString();
    }
    const code = reason ? `apple.agent.${reason.toLowerCase().replace(/_/g, "-")}` : `apple.agent.http-${res.status}`;
    const said = message ?? `HTTP ${res.status}`;
    // No agent row for the cause: the Hub shows its server's message (an assumption, README-apple.md), which is the server's words.
    const plain = fail(dev, code, S, `${agent.name}: ${said}`, { text: said, screen: agent.name, ...(message ? { serverSaid: message } : {}) });
    const cause = agentCause({ code, ...(reason ? { serverError: { reason } } : {}) });
    return cause ? agentScreen(ctx.agents, agent.id, platform, cause, plain) : plain;
  });
}
