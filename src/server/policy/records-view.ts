// SPDX-License-Identifier: MIT
/**
 * The policy engine's read-only records (engine.ts `records()`): what `expect.server` (server/records.ts) and
 * GET /policy/api/records read — enrollments as the tenant rules see them, joins, directory objects, accepted terms,
 * refusals, the conditional-access sign-in log and the sign-in lockout's counts. Kept apart from the engine so the
 * engine holds the rules; it reads the engine through {@link RecordSources} (no import of the engine: no circle).
 */
import type { ComplianceState, PolicyResult } from "./compliance.js";
import type { CaSignInRecord } from "./conditional-access.js";
import type { DirectoryObject } from "./directory-objects.js";
import type { ServiceStanding } from "./licences.js";
import type { LockoutRecord } from "./lockout.js";
import type { AppliedPolicy } from "./restrictions.js";
import type { PolicyPlatform } from "./types.js";

/** One enrolled device as the tenant rules see it (the view `expect.server` and the REST API read). */
export interface PolicyEnrollmentView {
  deviceKey: string;
  platform: PolicyPlatform;
  upn?: string;
  ownership: "corporate" | "personal";
  removed: boolean;
  dem: boolean;
  platformPolicy: AppliedPolicy;
  limitPolicy?: AppliedPolicy;
  compliance: ComplianceState;
  compliancePolicies: PolicyResult[];
  /** Its service as its licences leave it (licences.ts enrolledStanding): restricted keeps its policies and gets nothing new. */
  licence: ServiceStanding["state"];
}

export interface PolicyRecords {
  enrollments: PolicyEnrollmentView[];
  joins: { deviceKey: string; upn: string; kind: "joined" | "registered" }[];
  /** Every device object of the directory, deleted ones included. */
  directory: DirectoryObject[];
  terms: { upn: string; name: string; version: number }[];
  refusals: { at: number; deviceKey: string; refusal: string; message: string }[];
  /** Conditional-access evaluations of sign-ins (report-only results included). */
  signIns: CaSignInRecord[];
  /** Users with failed password sign-ins counted or locked out (lockout.ts). */
  lockouts: LockoutRecord[];
}

/** What the records are read from: the engine's state (engine.ts), structurally. */
export interface RecordSources {
  enrollments: ReadonlyMap<string, Omit<PolicyEnrollmentView, "removed" | "compliance" | "compliancePolicies" | "licence"> & { removed?: boolean }>;
  compliance(deviceKey: string): { state: ComplianceState; results: PolicyResult[] };
  serviceStanding(deviceKey: string): ServiceStanding;
  directory: { all(): readonly DirectoryObject[] };
  accepted: ReadonlyMap<string, number>;
  refusals: readonly { at: number; deviceKey: string; refusal: string; message: string }[];
  ca: { signIns: readonly CaSignInRecord[] };
  lockout: { records(): LockoutRecord[] };
}

export function policyRecords(src: RecordSources): PolicyRecords {
  return {
    enrollments: [...src.enrollments.values()].map((e) => {
      const c = src.compliance(e.deviceKey);
      return {
        deviceKey: e.deviceKey,
        platform: e.platform,
        ...(e.upn ? { upn: e.upn } : {}),
        ownership: e.ownership,
        removed: !!e.removed,
        dem: e.dem,
        platformPolicy: e.platformPolicy,
        ...(e.limitPolicy ? { limitPolicy: e.limitPolicy } : {}),
        compliance: c.state,
        compliancePolicies: c.results,
        licence: e.removed ? "licensed" : src.serviceStanding(e.deviceKey).state,
      };
    }),
    joins: src.directory
      .all()
      .filter((o) => o.deviceId && o.owner && o.state !== "deleted" && o.joinedAt !== undefined)
      .map((o) => ({ deviceKey: o.deviceId!, upn: o.owner!, kind: o.joinType === "registered" ? ("registered" as const) : ("joined" as const) })),
    directory: src.directory.all().map((o) => ({ ...o })),
    terms: [...src.accepted.entries()].map(([k, version]) => ({ upn: k.split("|")[0]!, name: k.split("|").slice(1).join("|"), version })),
    refusals: [...src.refusals],
    signIns: [...src.ca.signIns],
    lockouts: src.lockout.records(),
  };
}
