// SPDX-License-Identifier: MIT
/**
 * osquery's TLS enroll (the `tls` enroll plugin, osquery/remote/enroll/tls_enroll.cpp), as a vendor agent runs it against
 * its own server after the MDM installed it (agents/*.yaml `afterInstall: vendor-enroll`, `exchange: osquery-tls`):
 *
 *   POST <server><enroll_tls_endpoint>  {"enroll_secret": "…", "host_identifier": "…", "platform_type": "2", "host_details": {…}}
 *   → {"node_key": "…"}            enrolled (osquery also accepts "id")
 *   → anything without a node key  the plugin's Status(1, "No node key returned from TLS enroll plugin")
 *
 * Fleet's answer to an enroll secret it does not know is HTTP 401 {"error": "enroll failed: no matching secret found",
 * "node_invalid": true} (server/service/osquery.go EnrollAgent → newOsqueryErrorWithInvalidNode; the datastore's
 * VerifyEnrollSecret says "no matching secret found"; Fleet's test asserts that log text). osquery reads the body for a
 * node key whatever the status, so such an answer is logged as "No node key returned from TLS enroll plugin": the text
 * fleetdm/fleet#44826 quotes from a Windows host ("Failed enrollment request to …/api/v1/osquery/enroll (No node key
 * returned from TLS enroll plugin)"). Between tries the plugin logs WARNING "Failed enrollment request to <uri> (<status>)
 * retrying..." and waits i² seconds, capped by --tls_enroll_max_interval (tls_enroll.cpp); the last try logs no warning.
 */

/** The vendor enrollment exchanges enrollsim has (agents/*.yaml `exchange`). */
export const VENDOR_EXCHANGES = ["osquery-tls"] as const;
export type VendorExchange = (typeof VENDOR_EXCHANGES)[number];

/** osquery's PlatformType for Windows (osquery/utils/info/platform_type.h: TYPE_WINDOWS = 0x02), sent as a decimal string. */
export const OSQUERY_PLATFORM_WINDOWS = "2";

/** Fleet's router serves the TLS enroll endpoint at both paths; fleetdm/fleet#44826's host used the second. */
export const OSQUERY_ENROLL_PATHS = ["/api/osquery/enroll", "/api/v1/osquery/enroll"] as const;

/** tls_enroll.cpp: the plugin's status when the answer carries no node key. */
export const NO_NODE_KEY = "No node key returned from TLS enroll plugin";

/** tls_enroll.cpp's warning between tries. */
export const failedEnrollmentText = (uri: string, status: string): string => `Failed enrollment request to ${uri} (${status}) retrying...`;

/** Fleet's answer to an unknown enroll secret (server/service/osquery.go; datastore VerifyEnrollSecret). */
export const FLEET_NO_MATCHING_SECRET = "enroll failed: no matching secret found";

export interface OsqueryEnrollRequest {
  enroll_secret: string;
  host_identifier: string;
  platform_type: string;
  host_details: Record<string, Record<string, string>>;
}

export function osqueryEnrollBody(r: { secret: string; uuid: string; hostname: string; serial: string; osName: string; osVersion: string }): OsqueryEnrollRequest {
  return {
    enroll_secret: r.secret,
    host_identifier: r.uuid,
    platform_type: OSQUERY_PLATFORM_WINDOWS,
    // genHostDetails: a row of each of these tables (the columns Fleet reads at enroll).
    host_details: {
      os_version: { name: r.osName, version: r.osVersion, platform: "windows" },
      system_info: { uuid: r.uuid, hostname: r.hostname, computer_name: r.hostname, hardware_serial: r.serial },
    },
  };
}

/** What the plugin reads from an answer: the node key (node_key, else id), or the status it returns. */
export function readOsqueryEnrollAnswer(body: Uint8Array): { nodeKey: string } | { status: string } {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(body));
  } catch {
    // JSONSerializer::deserialize fails: the plugin returns that status. Its text is osquery's JSON error, not published as a fixed text.
    return { status: "the answer is not JSON (osquery's parse error text is not published as a fixed text)" };
  }
  const o = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const key = "node_key" in o ? o.node_key : o.id;
  return typeof key === "string" && key !== "" ? { nodeKey: key } : { status: NO_NODE_KEY };
}
