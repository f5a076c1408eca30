// SPDX-License-Identifier: MIT
/**
 * The server a run's devices talk to: the embedded reference server configured from the scenario,
 * or a URL server's endpoints. One place for both, so a single-process run and the parent of
 * `run --workers` (which starts the embedded server once for all its workers) build it the same way.
 */
import type { Catalog } from "../device/catalog.js";
import type { FlowTargets } from "../device/flow.js";
import type { ScepFailureAnswer } from "../runner/faults/http.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import type { PolicyConfig } from "../server/policy/types.js";
import { ReferenceServer, usesMidConnection } from "../server/reference-server.js";
import type { ServerTlsSpec } from "../server/tls-chain.js";
import type { NodeAdapters } from "./environment.js";
import { expandDeviceData, runDataExpander } from "./server-data.js";
import { loadTrustStores } from "../runner/catalog-files.js";

/** What a worker of `run --workers` is given instead of starting a server of its own. */
export interface WorkerPart {
  targets: FlowTargets;
  /** The embedded server's CA (PEM), trusted for its HTTPS listener; absent for URL servers. */
  caPem?: string;
  /** The embedded server's named roots (name → PEM; embedded.tls.certificate.root), trusted per device by its store. */
  namedRoots?: Record<string, string>;
  /** `scepFailInfo` faults: the parent's embedded CA signs the CertRep FAILURE. */
  scepFailure?: ScepFailureAnswer;
}

/** Starts the scenario's embedded reference server on 127.0.0.1 (server: embedded). */
export async function startEmbeddedServer(scenario: ResolvedScenario, catalog: Catalog, adapters: Pick<NodeAdapters, "clock" | "entropy">): Promise<{ server: ReferenceServer; targets: FlowTargets }> {
  if (scenario.server.kind !== "embedded") throw new TypeError("startEmbeddedServer: the scenario targets a URL server");
  const e = scenario.server.scep;
  const embedded = expandDeviceData(scenario.server, scenario, catalog, adapters.entropy);
  const platformsFor = runDataExpander(embedded);
  const server = await ReferenceServer.start({
    scep: {
      challenge: e.challenge,
      pending: e.pending,
      failInfo: e.failInfo,
      ra: e.ra,
      ...(e.chain ? { chain: e.chain } : {}),
      validityDays: e.validityDays,
      fault: e.fault,
      ...(e.rejectDuplicateSubject ? { rejectDuplicateSubject: true } : {}),
      ...(e.certRep ? { certRep: e.certRep } : {}),
      ...(e.caps ? { caps: e.caps } : {}),
      ...(e.backdateSeconds !== undefined ? { backdateSeconds: e.backdateSeconds } : {}),
      ...(e.clockSkewSeconds !== undefined ? { clockSkewSeconds: e.clockSkewSeconds } : {}),
    },
    platforms: embedded.platforms,
    ...(platformsFor ? { platformsFor } : {}),
    policy: embedded.policy as PolicyConfig,
    ...(scenario.server.tls ? { tls: scenario.server.tls as ServerTlsSpec, publicRoots: loadTrustStores().roots } : {}),
    now: () => adapters.clock.now(), // the run's clock: expiries follow virtual time and timeline skips
    // The server's own clock offset (embedded.clockOffset; a timeline `set` changes it).
    ...(scenario.server.clockOffsetMs !== undefined ? { clockOffsetMs: scenario.server.clockOffsetMs } : {}),
    // The renegotiating listener only for a scenario whose faults send requests there.
    ...(usesMidConnection(scenario.faults) ? { midConnection: true } : {}),
  });
  const intermediates = server.intermediatePems;
  return { server, targets: { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true, ...(intermediates.length ? { intermediates } : {}) } } };
}

/** The endpoints of a URL server (server: https://…). */
export function urlTargets(url: string): FlowTargets {
  const base = url.endsWith("/") ? url : `${url}/`;
  return {
    scepUrl: new URL("scep", base).toString(),
    server: { [base.startsWith("https:") ? "https" : "http"]: base.replace(/\/$/, ""), embedded: false },
  };
}
