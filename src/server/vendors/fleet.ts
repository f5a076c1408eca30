// SPDX-License-Identifier: MIT
/**
 * A Fleet server's osquery TLS enroll endpoint (`embedded.policy.vendors.fleet`), what a vendor agent the MDM installed
 * (fleetd's osquery) enrolls with after the MDM enrollment (agents/*.yaml `afterInstall: vendor-enroll`):
 *
 *   POST /api/osquery/enroll, /api/v1/osquery/enroll  {"enroll_secret", "host_identifier", "platform_type", "host_details"}
 *   → 200 {"node_key": "…"}                                            the secret is one of the server's (a team's or the global one)
 *   → 401 {"error": "enroll failed: no matching secret found", "node_invalid": true}   any other secret, an empty one included
 *
 * Fleet's own: server/service/osquery.go EnrollAgent (VerifyEnrollSecret, newOsqueryErrorWithInvalidNode: 401 and
 * node_invalid), the datastore's "no matching secret found". A body that is not a JSON object is answered 400 with
 * enrollsim's words (what Fleet's decoder answers is not modelled). The node key is derived from the host and the secret
 * (Fleet's is random text of osquery.node_key_size); the host is remembered by its identifier.
 */
import type { CryptoPort } from "../../ports/crypto.js";
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { FLEET_NO_MATCHING_SECRET, OSQUERY_ENROLL_PATHS } from "../../wire/vendors/osquery.js";

/** `embedded.policy.vendors.fleet`: the Fleet server's enroll secrets (global and teams'). */
export interface FleetVendorConfig {
  enrollSecrets: string[];
}

const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json; charset=utf-8" }, body: new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`), url: "" });

export class FleetServer {
  /** Enrolled hosts: host identifier → node key. */
  readonly hosts = new Map<string, string>();

  constructor(private readonly crypto: CryptoPort) {}

  /** Whether `path` is one of the endpoints (the router sends only these here). */
  static serves(path: string): boolean {
    return (OSQUERY_ENROLL_PATHS as readonly string[]).includes(path);
  }

  enroll(req: HttpRequest, cfg: FleetVendorConfig): HttpResponse {
    if (req.method !== "POST") return json(405, { error: "enrollsim: the osquery enroll endpoint takes POST" });
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode((req.body ?? new Uint8Array()).subarray(0, 256 * 1024)));
    } catch {
      return json(400, { error: "enrollsim: the enroll request body is not JSON" });
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) return json(400, { error: "enrollsim: the enroll request body is not a JSON object" });
    const q = body as { enroll_secret?: unknown; host_identifier?: unknown };
    const secret = typeof q.enroll_secret === "string" ? q.enroll_secret : "";
    if (secret === "" || !cfg.enrollSecrets.includes(secret)) return json(401, { error: FLEET_NO_MATCHING_SECRET, node_invalid: true });
    const host = typeof q.host_identifier === "string" ? q.host_identifier.slice(0, 200) : "";
    const nodeKey = Buffer.from(this.crypto.digest("sha256", new TextEncoder().encode(`fleet-node-key:${host}:${secret}`)))
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(0, 32);
    if (this.hosts.size < 100_000) this.hosts.set(host, nodeKey);
    return json(200, { node_key: nodeKey });
  }
}
