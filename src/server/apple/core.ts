// SPDX-License-Identifier: MIT
/**
 * The Apple half's configuration (`embedded.apple`), its per-device record, and what every room of
 * the half (profile service, ADE, account-driven, check-in, command queue, DDM) needs of the server
 * that owns them: AppleCore. server.ts implements it and routes requests to the rooms.
 */
import type { PolicyEngine } from "../policy/engine.js";
import type { ProfileEditsOf } from "../../wire/apple/profile-edits.js";
import type { HttpResponse } from "../../ports/http.js";
import { buildPlistBytes, type PlistDict, type PlistValue } from "../../wire/apple/plist.js";
import { EMBEDDED_ACCOUNT_PASSWORD } from "../../wire/apple/embedded.js";
import type { HalfContext } from "../half.js";
import type { AppleFieldPolicies, FieldPolicyConfig } from "./field-policies.js";
import type { AppleFieldServices, FieldServicesKeys } from "./field-services.js";
import type { AccountAuthority } from "./oauth2.js";
import type { DdmAssetConfig } from "./ddm-assets.js";
import type { EnrollmentPortal, PortalConfig } from "./portal.js";
import type { UserEnrollmentGrants } from "./user-enrollment-grants.js";

/**
 * Command results a device record keeps (the REST view and server expectations read them). A fleet
 * in steady state answers commands for as long as it runs, so the record keeps the latest ones and
 * counts the rest: memory per device stays bounded.
 */
export const MAX_RESULTS_PER_DEVICE = 200;

/** Aliases of `faults:` entries (runner/scenario/faults-aliases.ts); the profile faults are `profile` edits now. */
export const APPLE_SERVER_FAULTS = ["checkin-401", "first-authenticate-500"] as const;
export type AppleServerFault = (typeof APPLE_SERVER_FAULTS)[number];

export interface AppleServerConfig extends FieldPolicyConfig, FieldServicesKeys {
  signMessage: boolean;
  signProfile: boolean;
  topic: string;
  accessRights: number;
  /** SCEP Subject as a DN string with %variables%. */
  scepSubject: string;
  /** Commands queued for every device at Authenticate, in order. */
  commands: { requestType: string; payload?: Record<string, unknown>; products?: string[] }[];
  /** Accept the macOS user channel (empty DigestChallenge) instead of 410. */
  userChannel: boolean;
  /** ADE: 401 Basic until these credentials come. */
  basicAuth?: { username: string; password: string };
  fault?: AppleServerFault;
  /** The roots the enrollment profile carries as certificate payloads ("reference": the server's own CA); default [{ root: "reference" }]. */
  profileRoots?: { root: string; payloadType?: "com.apple.security.root" | "com.apple.security.pkcs1" | "com.apple.security.pem" }[];
  /** The enrollment profile as a misconfigured server builds it (profile-edits.ts applyProfileEdits). */
  profile?: ProfileEditsOf<unknown>;
  /** The cloud-configuration stand-in (GET /apple/ade/cloudconfig): fields merged over the defaults. */
  cloudConfig?: Record<string, unknown>;
  /** Key devices by hardware ids: Authenticate without UDID and SerialNumber (User Enrollment), or with a blank SerialNumber (a macOS VM), gets 400. */
  requireHardwareIds?: boolean;
  /** Account-driven enrollment (.well-known, Bearer sign-in). */
  account?: AccountConfig;
  /**
   * Declarative management: the server sends a DeclarativeManagement command after the scripted
   * commands and serves this declaration set (default: an activation activating a
   * passcode.settings and a status-subscriptions configuration).
   */
  ddm?: { enabled?: boolean; passcodeMinimumLength?: number; declarations?: { Type: string; Identifier: string; Payload: Record<string, unknown> }[]; assets?: DdmAssetConfig[] };
  /** false: no mock APNs beside the half. */
  apns?: boolean;
  /** APNs base URL the server pushes to (default: its own mock APNs). */
  apnsUrl?: string;
  /** Status for check-ins/reports of an enrollment the server does not know (401 default; NanoMDM answers 500). */
  unknownDeviceStatus?: 401 | 500;
  /**
   * Mdm-Signature: how far (seconds) the signingTime may lie outside the signer certificate's
   * validity. Default 0: NanoMDM and MicroMDM verify with the Go pkcs7 library, which allows none
   * and answers 400 (NanoMDM) — nanomdm issue #73 proposes 2–5 s (identity.ts).
   */
  signatureSkewSeconds?: number;
  /** Status for an Mdm-Signature that does not verify (signature or signing time): 400 (default, NanoMDM) or 500 (MicroMDM). */
  signatureRefusalStatus?: 400 | 500;
  /** User-initiated enrollment's web portal: login, enrollment invitations (portal.ts). */
  portal?: PortalConfig;
  /** Re-issue the enrollment profile (a new MDM identity) to a device checking in this close to its identity's notAfter (identity-renewal.ts). */
  identityRenewal?: { beforeExpirySeconds: number };
}

export interface AccountConfig {
  /** `failed`: the .well-known document answers 403 com.apple.well-known.failed. */
  /** Access tokens accepted as is (what a scenario's token driver presents). */
  tokens?: string[];
  /** Password of every managed Apple ID on the sign-in form (default "enrollsim-user-password"). */
  password?: string;
  /** Bearer challenge method: apple-as-web (sign-in form, default) or apple-oauth2 (stand-in authorization server, oauth2.ts). */
  authMethod?: "apple-as-web" | "apple-oauth2";
  /** Issued access tokens expire this long after issue (server clock): MDM requests with one get 401 + Bearer challenge. */
  tokenLifetimeSeconds?: number;
  /** A managed Apple ID is disabled once it enrolled: sign-in and refresh are refused (re-authentication fails). */
  disableUsersAfterEnrollment?: boolean;
}

export const DEFAULT_ACCOUNT_PASSWORD = EMBEDDED_ACCOUNT_PASSWORD;
export const LOGIN_REDIRECT = "apple-remotemanagement-user-login://authentication-results";

export const defaultAppleConfig = (): AppleServerConfig => ({
  signMessage: false,
  signProfile: true,
  topic: "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference",
  accessRights: 8191,
  scepSubject: "O=enrollsim,CN=%SerialNumber%",
  commands: [],
  userChannel: false,
});

export interface QueuedCommand {
  uuid: string;
  requestType: string;
  body: Uint8Array;
}

export interface DeviceRecord {
  udid: string;
  certFingerprint: string;
  topic?: string;
  serialNumber?: string;
  /** ProductName from Authenticate (MacBookAir10,1, iPhone16,2, …). */
  product?: string;
  tokenUpdates: number;
  awaitingConfiguration: boolean;
  checkedOut: boolean;
  queue: QueuedCommand[];
  deferred: QueuedCommand[];
  inflight?: QueuedCommand;
  /** The latest {@link MAX_RESULTS_PER_DEVICE} command results, oldest first; older ones are counted in resultsDropped. */
  results: { commandUUID: string; requestType: string; status: string; errorChain?: unknown }[];
  resultsDropped?: number;
  deviceConfiguredSent: boolean;
  bootstrapToken?: Uint8Array;
  users: string[];
  /** SHA-256 (hex) of every distinct identity certificate that sent Authenticate for this UDID, oldest first. */
  enrollments?: string[];
  /** The identity certificate the device authenticated with (DER). */
  identity: Uint8Array;
  /** The configured commands (`embedded.apple.commands`, as JSON) this enrollment was given: one assigned later reaches it at its next poll (command-queue.ts). */
  assigned?: string[];
  /** The version of the configured commands `assigned` is up to date with (command-queue.ts configuredCommands). */
  assignedVersion?: number;
  /** Account-driven enrollment: the managed Apple ID whose Bearer token every request must carry. */
  accountUser?: string;
  /** User-initiated enrollment: the user the enrollment portal logged in (portal.ts). */
  portalUser?: string;
  /** User-initiated enrollment: the portal enrollment's token its CheckInURL carries (a renewed profile must carry the same URL). */
  portalEnrollment?: string;
  /** Profile-driven User Enrollment: the grant its CheckInURL carries (a renewed profile must carry the same URL). */
  userEnrollmentGrant?: string;
  /** Corporate when a declared serial / IMEI matched at Authenticate. */
  ownership: "corporate" | "personal";
  /** DDM status items merged from the device's reports. */
  ddmStatus?: Record<string, unknown>;
  ddmReports?: number;
  /** From TokenUpdate: the APNs device token (hex) and PushMagic a push to this device carries. */
  pushToken?: string;
  pushMagic?: string;
  /** The identity (SHA-256 hex) the server last queued a renewing InstallProfile for (identity-renewal.ts): one per identity. */
  renewalFor?: string;
}

export interface AppleServerStats {
  profiles: number;
  adeEnrollments: number;
  checkins: Record<string, number>;
  commandsSent: number;
  results: Record<string, number>;
  rejected: Record<string, number>;
  /** Pushes this server sent to APNs (REST /apple/api/push, or commands with push: true). */
  pushes?: number;
  /**
   * Enrollment profiles served for profile-driven User Enrollment (an MDM payload with ManagedAppleID, as the
   * `embedded.apple.profile` edits make it): the device enrolled with one authenticates by EnrollmentID without a
   * Bearer token, with the grant its CheckInURL names (user-enrollment-grants.ts; checkin.ts).
   */
  userEnrollmentProfiles?: number;
}

/** What the rooms of the Apple half share: the context, config, device records, counters and policies. */
export interface AppleCore {
  readonly ctx: HalfContext;
  readonly config: AppleServerConfig;
  readonly devices: Map<string, DeviceRecord>;
  readonly stats: AppleServerStats;
  readonly log: string[];
  readonly field: AppleFieldPolicies;
  readonly services: AppleFieldServices<DeviceRecord>;
  readonly accountAuthority: AccountAuthority;
  /** The tenant's admin rules (server/policy; policy-gate.ts). */
  readonly policy: PolicyEngine;
  /** The enrollment portal of user-initiated enrollment (portal.ts). */
  readonly portal: EnrollmentPortal;
  /** The grants of the profile-driven User Enrollment profiles served (user-enrollment-grants.ts). */
  readonly userEnrollmentGrants: UserEnrollmentGrants;
  /** Counts a refusal under `reason`, logs its body, and returns the response. */
  reject(reason: string, res: HttpResponse): HttpResponse;
}

export const text = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  body: new Uint8Array(Buffer.from(body + "\n")),
  url: "",
});
export const json = (status: number, v: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: new Uint8Array(Buffer.from(JSON.stringify(v, null, 1))),
  url: "",
});
export const plistRes = (d: PlistDict): HttpResponse => ({ status: 200, headers: { "content-type": "application/xml" }, body: buildPlistBytes(d), url: "" });
export const empty = (): HttpResponse => ({ status: 200, headers: {}, body: new Uint8Array(0), url: "" });

/** JSON → plist value; {"$data": base64} becomes <data>, {"$date": iso} a <date>. */
export function jsonToPlist(v: unknown): PlistValue {
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
  if (Array.isArray(v)) return v.map(jsonToPlist);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.$data === "string") return new Uint8Array(Buffer.from(o.$data, "base64"));
    if (typeof o.$date === "string") return new Date(o.$date);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, jsonToPlist(x)]));
  }
  throw new Error(`cannot convert ${typeof v} to a plist value`);
}
