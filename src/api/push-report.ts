// SPDX-License-Identifier: MIT
/**
 * Push counts for the run report: read from the embedded reference server's Apple half (its mock
 * APNs and the in-process wake registry) at the end of a run. Undefined when the run has no
 * embedded Apple half with a mock APNs (URL servers, `embedded.apple.apns: false`, other platforms).
 */
import type { PushSummary } from "../report/types.js";
import type { ReferenceServer } from "../server/reference-server.js";
import type { AppleServer } from "../server/apple/server.js";
import type { MockApns } from "../server/apple/apns.js";

/** The Apple half's server object, when the embedded server runs one. */
export function appleServerOf(server: ReferenceServer | undefined): AppleServer | undefined {
  const half = server?.halves.find((h) => h.name === "apple") as { apple?: AppleServer } | undefined;
  return half?.apple;
}

export function pushSummaryOf(server: ReferenceServer | undefined, standalone?: MockApns): PushSummary | undefined {
  const apns = standalone ?? appleServerOf(server)?.apns;
  if (!apns) return undefined;
  const st = apns.stats();
  const c = apns.countsSinceStart();
  // A run without any push activity (no Apple devices, nothing pushed) reports nothing.
  if (st.requests === 0 && c.accepted === 0 && c.delivered === 0) return undefined;
  return { sent: st.requests, accepted: c.accepted, delivered: c.delivered, coalesced: c.coalesced, superseded: c.superseded, expired: c.expired, ignored: c.ignored, refused: { ...st.rejected } };
}
