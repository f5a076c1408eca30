// SPDX-License-Identifier: MIT
/**
 * `expect.server`: checks the embedded reference server's records (server/records.ts) after the
 * run. The loader refuses the block against a URL server, whose records cannot be read.
 */
import { describeRange, toRange, within, type Bound } from "../report/expect-bounds.js";
import type { ExpectationResult } from "../report/types.js";
import type { ServerExpectations } from "../runner/scenario/types.js";
import { duplicateCertificates, duplicateEnrollments, type ServerRecords } from "../server/records.js";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function check(name: string, actual: number, bound: Bound, unit: string, detail = ""): ExpectationResult {
  const r = toRange(bound, "exact");
  return { name, ok: within(actual, r), expected: describeRange(r, (n) => plural(n, unit)), actual: `${plural(actual, unit)}${detail}` };
}

/** First few ids of a list, for the report. */
const some = (ids: string[]): string => (ids.length ? ` (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? `, … ${ids.length - 3} more` : ""})` : "");

/** Every `expect.server` check against the records. */
export function serverExpectations(spec: ServerExpectations, records: ServerRecords): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const live = records.enrollments.filter((r) => !r.removed);
  const dupEnroll = duplicateEnrollments(records.enrollments);
  const dupCerts = duplicateCertificates(records.certificates);
  if (spec.duplicates !== undefined) {
    const ids = [...dupEnroll.map((d) => `${d.id} ×${d.records} records`), ...dupCerts.map((d) => `${d.id} ×${d.certificates} certificates`)];
    out.push(check("server duplicates", ids.length, spec.duplicates, "duplicate", some(ids)));
  }
  if (spec.records?.count !== undefined) {
    const byPlatform = [...new Set(live.map((r) => r.platform))].map((p) => `${p} ${live.filter((r) => r.platform === p).length}`);
    out.push(check("server records", live.length, spec.records.count, "record", byPlatform.length ? ` (${byPlatform.join(", ")})` : ""));
  }
  if (spec.certificates?.count !== undefined) out.push(check("server certificates", records.certificates.length, spec.certificates.count, "certificate"));
  if (spec.certificates?.duplicates !== undefined) {
    out.push(check("server certificate duplicates", dupCerts.length, spec.certificates.duplicates, "duplicate", some(dupCerts.map((d) => `${d.id} ×${d.certificates}`))));
  }
  const policy = records.policy.filter((p) => !p.removed);
  for (const [k, field] of [["ownership", "ownership"], ["compliance", "compliance"], ["licences", "licence"]] as const) {
    for (const [value, bound] of Object.entries(spec[k] ?? {})) {
      out.push(check(`server ${k} ${value}`, policy.filter((p) => p[field] === value).length, bound, "record"));
    }
  }
  for (const [user, bound] of Object.entries(spec.users ?? {})) {
    out.push(check(`server users ${user}`, policy.filter((p) => p.user === user.toLowerCase()).length, bound, "record"));
  }
  for (const [status, bound] of Object.entries(spec.invitations ?? {})) {
    out.push(check(`server invitations ${status}`, (records.invitations ?? []).filter((i) => i.status === status).length, bound, "invitation"));
  }
  for (const [reason, bound] of Object.entries(spec.refusals ?? {})) {
    out.push(check(`server refusals ${reason}`, (records.policyRefusals ?? []).filter((r) => r.refusal === reason).length, bound, "refusal"));
  }
  const signIns = records.signIns ?? [];
  for (const [result, bound] of Object.entries(spec.signIns ?? {})) {
    const n = result === "reportOnlyFailure" ? signIns.filter((s) => s.reportOnlyFailure).length : signIns.filter((s) => s.result === result).length;
    out.push(check(`server sign-ins ${result}`, n, bound, "sign-in"));
  }
  const apps = records.apps ?? [];
  for (const [status, bound] of Object.entries(spec.apps?.status ?? {})) {
    out.push(check(`server apps ${status}`, apps.filter((a) => a.status === status).length, bound, "app"));
  }
  for (const [code, bound] of Object.entries(spec.apps?.licenceRefusals ?? {})) {
    out.push(check(`server app licence refusals ${code}`, apps.filter((a) => a.licenceRefusal === code).length, bound, "refusal"));
  }
  const profiles = records.profiles ?? [];
  for (const [name, p] of Object.entries(spec.profiles ?? {})) {
    const of = profiles.filter((r) => r.profile === name);
    for (const k of ["sent", "verifying", "pending", "applied", "failed"] as const) {
      const b = p[k];
      if (b === undefined) continue;
      const hit = of.filter((r) => r.state === k);
      // The failed devices' codes, so that "profile X failed on N devices with 0x…" reads off the report.
      const codes = k === "failed" ? [...new Set(hit.map((r) => r.errorCode ?? "no ErrorCode"))] : [];
      out.push(check(`server profile ${name} ${k}`, hit.length, b, "device", codes.length ? ` (${codes.map((c) => `${c} ×${hit.filter((r) => (r.errorCode ?? "no ErrorCode") === c).length}`).join(", ")})` : ""));
    }
    for (const [code, b] of Object.entries(p.errors ?? {})) {
      const n = of.filter((r) => r.state === "failed" && (code === "none" ? !r.errorCode : r.errorCode?.toUpperCase() === code.toUpperCase())).length;
      out.push(check(`server profile ${name} failed with ${code}`, n, b, "device"));
    }
  }
  return out;
}
