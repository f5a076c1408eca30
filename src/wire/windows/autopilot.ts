// SPDX-License-Identifier: MIT
/**
 * The Autopilot profile (AutopilotConfigurationFile.json, notes §12.2) as a device reads it, from a
 * local file or the profile service stand-in. Files must be ASCII (Unicode breaks OOBE on real devices).
 */
import { ProtocolViolationError } from "../../errors/index.js";

export interface AutopilotProfile {
  Version?: number;
  CloudAssignedTenantId?: string;
  CloudAssignedTenantDomain?: string;
  CloudAssignedOobeConfig?: number;
  /** 0 directory join, 1 hybrid. */
  CloudAssignedDomainJoinMethod?: number;
  CloudAssignedForcedEnrollment?: number;
  ZtdCorrelationId?: string;
  CloudAssignedDeviceName?: string;
  CloudAssignedAadServerData?: string;
  CloudAssignedGroupTag?: string;
  Comment_File?: string;
}

const FIELDS: Record<keyof AutopilotProfile, "number" | "string"> = {
  Version: "number",
  CloudAssignedTenantId: "string",
  CloudAssignedTenantDomain: "string",
  CloudAssignedOobeConfig: "number",
  CloudAssignedDomainJoinMethod: "number",
  CloudAssignedForcedEnrollment: "number",
  ZtdCorrelationId: "string",
  CloudAssignedDeviceName: "string",
  CloudAssignedAadServerData: "string",
  CloudAssignedGroupTag: "string",
  Comment_File: "string",
};

/** Parses and type-checks a profile; unknown fields are ignored, wrong types and non-ASCII refused. */
export function parseAutopilotProfile(text: string, what = "AutopilotConfigurationFile.json"): AutopilotProfile {
  if (text.length > 64 * 1024) throw new ProtocolViolationError("autopilot.too-large", `${what} is larger than 64 KiB`);
  if (/[^\x00-\x7f]/.test(text)) throw new ProtocolViolationError("autopilot.not-ascii", `${what} is not ASCII (UTF-8/Unicode profiles break OOBE)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProtocolViolationError("autopilot.malformed", `${what} is not JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ProtocolViolationError("autopilot.malformed", `${what} is not a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [k, type] of Object.entries(FIELDS)) {
    const v = (raw as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (typeof v !== type) throw new ProtocolViolationError("autopilot.malformed", `${what}: ${k} must be a ${type}`);
    out[k] = v;
  }
  return out as AutopilotProfile;
}
