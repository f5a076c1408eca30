// SPDX-License-Identifier: MIT
/**
 * A platform half of the embedded reference server (Apple, Windows, Android). Each half owns
 * URL path prefixes on the shared listeners and uses the foundation's CA to issue and verify
 * identities. The platform issues implement these; the router in reference-server.ts mounts them.
 */
import type { CryptoPort } from "../ports/crypto.js";
import type { HttpHandler } from "../ports/http.js";
import type { Certificate } from "../wire/x509/certificate.js";
import type { WorkspaceOneUem } from "./workspace-one/uem.js";
import type { PolicyEngine } from "./policy/engine.js";
import type { ScepCaServer } from "./scep/handler.js";
import type { AppInstallRecord, EnrollmentRecord, InvitationRecord, ProfileRecord } from "./records.js";

export interface ServerUrls {
  /** Plain HTTP base, e.g. http://127.0.0.1:41234 (SCEP is commonly served over HTTP). */
  http: string;
  /** HTTPS base with a server certificate from the reference CA, e.g. https://127.0.0.1:41235 */
  https: string;
  /** Endpoints served on listeners of their own (`embedded.tls.endpoints`): path prefix → HTTPS base. */
  endpoints?: { path: string; base: string }[];
  /** HTTPS base of the listener that asks for a client certificate mid-connection (the `tls: client-cert-mid-connection` fault). */
  midConnection?: string;
}

/**
 * The base URL the server hands out for `path`: the listener of the `embedded.tls.endpoints` entry
 * whose prefix it starts with, else the listener of `scheme` (SCEP is commonly plain HTTP, the rest HTTPS).
 */
export function baseFor(urls: ServerUrls, path: string, scheme: "http" | "https"): string {
  return urls.endpoints?.find((e) => path.startsWith(e.path))?.base ?? urls[scheme];
}

export interface HalfContext {
  crypto: CryptoPort;
  now: () => number;
  /** The foundation CA: issue device identities (SCEP) and verify client certificates against it. */
  scep: ScepCaServer;
  /** Known once the server listens; call it when building URLs into payloads, not at creation. */
  urls: () => ServerUrls;
  /** `embedded.<platform>` from the scenario (schema-valid), or undefined. */
  config: unknown;
  /** The tenant's admin rules (`embedded.policy`), shared by every half (server/policy/engine.ts). */
  policy: PolicyEngine;
  /** A named root of the run (embedded.tls.privateRoots or devices/trust-stores/roots.yaml), generated once: for payloads that carry it. */
  namedRoot: (name: string) => Promise<Certificate>;
  /** The Workspace ONE UEM tenant (`embedded.policy.workspaceOne`), shared by the halves whose Hub enrolls against it (server/workspace-one/uem.ts). */
  workspaceOne: WorkspaceOneUem;
}

export interface ServerHalf {
  name: "apple" | "windows" | "android";
  /** Path prefixes this half answers, e.g. ["/mdm/", "/enroll/"]; matched on both listeners. */
  prefixes: string[];
  /**
   * Requests under the prefixes. `req.tls.peerCertificateDer` carries the client certificate
   * presented on the HTTPS listener (requested, not required: the half decides).
   */
  handler: HttpHandler;
  /** Lines for `enrollsim serve` to print (endpoints, knobs). */
  describe?(): string[];
  close?(): Promise<void>;
  /** What an administrator can do to the half mid-run (timeline actions); absent: nothing. */
  admin?: HalfAdmin;
  /** The enrollment records the half holds, read-only (server/records.ts; `expect.server`). */
  records?(): EnrollmentRecord[];
  /** Managed app installs: licence refusals and the statuses devices reported (server/records.ts; `expect.server.apps`). */
  appRecords?(): AppInstallRecord[];
  /** Enrollment invitations and their status (server/records.ts; `expect.server.invitations`). */
  invitationRecords?(): InvitationRecord[];
  /** Configuration profiles per device (records.ts ProfileRecord). */
  profileRecords?(): ProfileRecord[];
  /** What the half has done so far, by name (`check-ins`, `commands sent`, …), for `enrollsim serve` to print. */
  counters?(): Record<string, number>;
}

/** A device an admin action names: the identifiers a half may key its records by. */
export interface AdminDevice {
  serialNumber?: string;
  udid?: string;
  imei?: string;
  /** The device's catalog platform (ios, ipados, macos, windows, android), when the runner knows it. */
  platform?: string;
  /** Serials (hex) of the certificates the device holds. */
  certificateSerials: string[];
  /** A Windows PC's DeviceID (its SyncML Source and enrollment certificate CN), known before its enrollment finishes. */
  windowsDeviceId?: string;
}

/** Admin side of a half (timeline actions: scenarios/README.md "timeline"). */
export interface HalfAdmin {
  /** The half's `embedded.<platform>` configuration changed (schema-valid, as written): used from the next request on. */
  reconfigure(config: unknown): void;
  /** Deletes these devices' records (an admin deleting devices in the console); returns how many records went. */
  deleteDevices(devices: readonly AdminDevice[]): number;
  /** The admin re-syncs the device list from its source (e.g. a full sync with Apple Business Manager); returns what happened, or undefined when the half syncs nothing. */
  resync?(): string | undefined;
  /** The admin wipes these devices remotely (the platform's own wipe command, delivered as the half delivers commands); returns how many were queued. */
  wipe?(devices: readonly AdminDevice[], options?: { keepEnrollment?: boolean; protected?: boolean }): number;
  /** Windows: the admin's remote Autopilot Reset (RemoteWipe AutomaticRedeployment); returns how many were queued. */
  autopilotReset?(devices: readonly AdminDevice[]): number;
  /** The admin changes these devices' ownership in their records; returns the devices whose record changed (the others have none with this half). */
  setOwnership?(devices: readonly AdminDevice[], ownership: "corporate" | "personal"): Set<AdminDevice>;
  /** The admin (or reseller) removes these devices from a vendor enrollment portal (Android zero-touch, Samsung KME); returns what happened, or undefined when the half has no such portal. */
  unregister?(portal: "zero-touch" | "kme", devices: readonly AdminDevice[]): string | undefined;
  /** A credential the half models expires now; returns what happened, or undefined when the half has none of that kind. */
  expire?(what: string): string | undefined;
  /** A credential the half models is revoked; returns what happened, or undefined when the half has none of that kind. */
  revoke?(what: string): string | undefined;
}

/** Replaces `target`'s own properties with `next`'s (components holding `target` see the new values). */
export function replaceConfig<T extends object>(target: T, next: T): void {
  for (const k of Object.keys(target)) if (!(k in next)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, next);
}

export type HalfFactory = (ctx: HalfContext) => Promise<ServerHalf>;
