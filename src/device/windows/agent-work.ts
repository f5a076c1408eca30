// SPDX-License-Identifier: MIT
/**
 * A vendor agent the MDM installed, enrolling with its own server (agents/*.yaml `afterInstall` rows with action
 * `vendor-enroll`, device/agents.ts VendorEnrollRow): when an MSI job whose app is an agent's `platforms.windows.msi`
 * finished (Status 70), the agent reads its enroll secret from where its package put it (the first of `secretFrom` the
 * package has: a baked file, an MSI property on the install command line; wire/windows/msi-package.ts), runs its
 * exchange against the MDM server's HTTPS base (Fleet serves MDM and agents on one URL) and retries as its row says,
 * on the device's clock (device seconds scaled by options.windows.minuteMs, as the flow's other waits). A final refusal is a background outcome: the MDM enrollment stays as it is (enrolled, its
 * ESP done), the agent's log text is what the device shows for it — as Android's afterInstall failures
 * (device/android/agent-work.ts).
 *
 * Timing: the agent's first try runs when the enrollment's own work ends (after the ESP, or after the first polls of
 * a Settings enrollment), not the moment its installer exits; Windows documents no order between the two. The hardware
 * UUID the agent identifies the host by is derived from the device's DeviceID (the SMBIOS UUID is not modelled).
 */
import { TransportError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { failedEnrollmentText, NO_NODE_KEY, OSQUERY_ENROLL_PATHS, osqueryEnrollBody, readOsqueryEnrollAnswer } from "../../wire/vendors/osquery.js";
import type { SecretSource, VendorEnrollRow } from "../agents.js";
import type { BackgroundOutcome } from "../flow.js";
import type { MsiJobs } from "./esp.js";
import type { EnrollRun } from "./run.js";

export const VENDOR_ENROLL_STEP = "windows.agent.vendor-enroll";
/** The agent's enrollment with its vendor's server was refused on its last try: the PC stays MDM-enrolled, the agent has no node key. */
export const VENDOR_ENROLL_FAILED = "windows.agent.vendor-enroll-failed";

/** The secret the package gave the agent: the first source it has. */
export function secretOf(sources: readonly SecretSource[], pkg: { properties?: Record<string, string>; files?: Record<string, string> }): { secret: string; from: string } | undefined {
  for (const s of sources) {
    const v = "file" in s ? pkg.files?.[s.file] : pkg.properties?.[s.property];
    // A baked file is read as osquery reads --enroll_secret_path: the whole file, trailing newline kept out.
    if (v !== undefined) return { secret: "file" in s ? v.replace(/\r?\n$/, "") : v, from: "file" in s ? `file ${s.file}` : `property ${s.property}` };
  }
  return undefined;
}

/** Seconds before try `attempt + 1` (attempt ≥ 1). */
export function waitSeconds(row: Pick<VendorEnrollRow, "backoff" | "retryIntervalSeconds">, attempt: number): number {
  return row.backoff === "squared" ? Math.min(attempt * attempt, row.retryIntervalSeconds) : row.retryIntervalSeconds;
}

const guid = (hex32: string): string => `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20, 32)}`.toUpperCase();

/** The vendor agents' enrollments for the apps the MDM installed; their final failures go to the report's background outcomes. */
export async function runVendorAgents(run: EnrollRun, msi: MsiJobs): Promise<void> {
  const catalog = run.ctx.agents;
  if (!catalog || !run.https) return;
  for (const job of [...msi.jobs.values()].slice(0, 50)) {
    if (job.status !== 70) continue;
    const agent = catalog.forMsi(job.name);
    if (!agent) continue;
    for (const row of agent.vendorEnroll) {
      const out = await vendorEnroll(run, agent.name, job, row);
      if (out) (run.report.background ??= []).push(out);
    }
  }
}

async function vendorEnroll(run: EnrollRun, agentName: string, job: { name: string; properties?: Record<string, string>; files?: Record<string, string> }, row: VendorEnrollRow): Promise<BackgroundOutcome | undefined> {
  const p = run.p;
  const got = secretOf(row.secretFrom, job);
  // fleetdm/fleet#44826's host logged the v1 path.
  const uri = `${run.https}${OSQUERY_ENROLL_PATHS[1]}`;
  const body = osqueryEnrollBody({ secret: got?.secret ?? "", uuid: guid(run.w.deviceId.padEnd(32, "0")), hostname: run.id.deviceName, serial: run.id.serialNumber, osName: "Microsoft Windows", osVersion: run.id.os.version });
  let status = "";
  for (let attempt = 1; attempt <= row.retries + 1; attempt++) {
    // Device seconds, on the Windows flow's time scale (options.windows.minuteMs per device minute).
    if (attempt > 1) await p.clock.sleep((waitSeconds(row, attempt - 1) * run.o.minuteMs) / 60, p.signal);
    const answer = await step(
      p,
      VENDOR_ENROLL_STEP,
      async () => {
        try {
          const res = await exchange(p, VENDOR_ENROLL_STEP, { method: "POST", url: uri, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify(body)) }, { acceptStatus: (s) => s >= 200 && s < 600 });
          return { httpStatus: res.status, ...readOsqueryEnrollAnswer(res.body) };
        } catch (err) {
          if (!(err instanceof TransportError) || err.kind === "aborted") throw err;
          // osquery's transport failure reads "Request error: <reason>" (a published log line quotes "Request error: certificate verify failed"); the reason's wording is the TLS library's.
          return { httpStatus: 0, status: `Request error: ${err.message}` };
        }
      },
      (a) => !("nodeKey" in a),
    );
    decoded(p, VENDOR_ENROLL_STEP, {
      agent: agentName,
      package: job.name,
      exchange: row.exchange,
      secretFrom: got?.from ?? "none of the row's sources is in the package: an empty secret",
      attempt,
      httpStatus: answer.httpStatus,
      ...("nodeKey" in answer ? { enrolled: true } : { status: answer.status, ...(attempt <= row.retries ? { log: failedEnrollmentText(uri, answer.status) } : {}) }),
    });
    if ("nodeKey" in answer) return undefined;
    status = answer.status;
  }
  return {
    task: VENDOR_ENROLL_STEP,
    ok: false,
    code: VENDOR_ENROLL_FAILED,
    at: p.clock.now(),
    message: `${agentName} (${job.name}) enrolled with its server ${row.retries ? `${row.retries + 1} times` : "once"} and got no node key (${status}); the PC stays MDM-enrolled, the agent's host is not enrolled in its server${got ? ` (secret from the package's ${got.from})` : " (the package has none of the row's secret sources)"}`,
    shown: { ...(status === NO_NODE_KEY ? { code: NO_NODE_KEY } : {}), name: `${row.exchange} enroll`, text: failedEnrollmentText(uri, status), screen: row.screen },
  };
}
