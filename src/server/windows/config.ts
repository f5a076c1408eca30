// SPDX-License-Identifier: MIT
/** `embedded.windows`: the Windows half's knobs, with defaults (scenarios/README-windows.md). */
import type { TenantAttachConfig } from "./tenant-attach.js";
export interface EspAppSpec {
  name: string;
  /** MSI ProductCode GUID; derived from the name when absent. */
  productCode?: string;
  installMinutes?: number;
  /** The installer's exit code (0 success, 3010 success + restart needed, 1641 it restarts Windows itself, others fail). */
  exitCode?: number;
  /** How the app reaches the device: an OMA-DM MSI job (default) or a Win32 app of the management extension. */
  channel?: "omadm" | "win32";
  /** MSI public properties on the install command line (`/quiet NAME="value"`), e.g. a vendor agent's server URL and enroll secret. */
  properties?: Record<string, string>;
  /** Files baked into the package (name → content), e.g. fleetd's secret.txt; part of the FileHash. */
  files?: Record<string, string>;
}

export interface WindowsServerConfig {
  /** AuthPolicy answered to devices that offer it (token flows always get Federated). */
  authPolicy: "OnPremise" | "Federated" | "Certificate";
  password: string;
  tokenKey: string;
  /** Home editions cannot be MDM-managed (a product limit, not tenant policy; restrictions live in embedded.policy). */
  restrictions: { blockHome?: boolean };
  /** renewalDays = XCEP renewal period and the provisioning document's WSTEP RenewPeriod; retryIntervalDays = RetryInterval (default 4). */
  policy: { minimalKeyLength: number; hash: "none" | "sha1" | "sha256"; validityDays: number; renewalDays: number; retryIntervalDays?: number; omit?: boolean };
  /** Inject a fault at one step (failure scenarios). */
  fault?: { step: "discovery" | "policy" | "enroll"; subcode: string; errorType?: string; message?: string };
  renewal?: "allow" | "refuse";
  /** OMA-DM MaxMsgSize announced in every SyncHdr/Meta (bytes); devices split their packages to fit. */
  maxMsgSize?: number;
  /** LocURI globs the server never sends (a failed producer: the hybrid-join connector, a policy never delivered); ESP still expects them. */
  withhold: string[];
  pollMinutes: number;
  providerId: string;
  esp: {
    timeoutMinutes: number;
    policies: { uri: string; value: string; format?: string }[];
    apps: EspAppSpec[];
    /** ClientCertificateInstall SCEP profiles, tracked as ExpectedSCEPCerts (dm.ts espSetup). */
    scepCerts: ScepCertSpec[];
    /**
     * DevicePreparation policy providers (EnrollmentStatusTracking CSP), each installed by an MSI agent of the
     * same name (e.g. the management extension) that the device must finish before Device setup.
     */
    devicePreparationProviders: { name: string; installMinutes?: number; exitCode?: number; timeoutMinutes?: number }[];
    customErrorText?: string;
    blockInStatusPage?: number;
    allowCollectLogsButton?: boolean;
    skipUserStatusPage?: boolean;
    /** Wrap the ESP set-up in one Atomic (Fleet style). */
    atomic: boolean;
    /** Store-for-Business apps (EnterpriseModernAppManagement StoreInstall), tracked as ExpectedModernAppPackages (store.ts). */
    storeApps: { name: string; productId?: string; installMinutes?: number }[];
    /** The ESP profile is assigned (default true): false sends it to no further device, and removes nothing from those that hold it. */
    assigned?: boolean;
    /** Apply the ESP profile to Settings ("Add work or school account") enrollments too, not only Autopilot. */
    settingsEnrollments?: boolean;
  };
  /** Tenant-attach cloud service stand-in (tenant-attach.ts). */
  tenantAttach?: TenantAttachConfig;
  /** Autopilot deployment-service stand-in: registrations keyed by serial → hardware hash. */
  autopilot: {
    tenantDomain: string;
    deviceNameTemplate?: string;
  };
  /** Commands every non-ESP device gets in its first session. */
  inventoryGets: string[];
  /**
   * Configuration profiles sent to every non-ESP device in its first session; the server tracks
   * each one from the device's Status (and, with `verify`, from a Get of each setting in the next
   * session: a 404 or a different value keeps it "verifying" and re-sends it every session).
   */
  profiles: ProfileSpec[];
  /** Server-implementation bugs to reproduce (field failures; see scenarios/README-windows.md). */
  syncmlQuirks: SyncmlQuirk[];
  /** Which Entra access tokens GetPolicies and RequestSecurityToken accept, and how a refused one is answered (mdm-token.ts). */
  tokenValidation?: TokenValidationConfig;
}

export interface TokenValidationConfig {
  /** Accepted token versions. Default [1, 2]. */
  versions?: (1 | 2)[];
  /** Accepted audiences (GUIDs exactly, URLs by host). Default: the MDM application's App ID URIs and client id. */
  audiences?: string[];
  /** Accepted tenant ids (`tid`). Default: this tenant's. */
  tenants?: string[];
  /** Allowed difference between the token's nbf/exp and the server's clock, seconds. Default 300. */
  clockSkewSeconds?: number;
  /** How a refused token is answered: HTTP status and MS-MDE2 fault subcode. Default 500, s:Receiver / s:Authentication. */
  refusal?: { httpStatus?: 200 | 400 | 401 | 500; subcode?: string };
}

export interface ProfileSpec {
  name: string;
  /** Deliver the settings in one Atomic (all or nothing). */
  atomic?: boolean;
  /** Verify by Get in the next session (Fleet style). */
  verify?: boolean;
  /** `value` is required for Add/Replace (the schema says so); an Exec may carry none. Absent in a profile that is only `scep`. */
  settings?: { uri: string; value?: string; format?: string; verb?: "Add" | "Replace" | "Exec" }[];
  /**
   * A SCEP certificate profile (ClientCertificateInstall `SCEP/{UniqueID}`, scep-profile.ts): sent as the same
   * Atomic as the ESP's, then read back (Status, ErrorCode) at the PC's next sessions until it is installed or
   * failed. `id` defaults to the profile's name.
   */
  scep?: Omit<ScepCertSpec, "id"> & { id?: string };
}

/**
 * (A server that omits elements from its SyncML, or reads only part of the device's, is an `edit` fault on
 * the exchange, runner/faults: Fleet #15277's Replace without CmdID, iot-core-azure-dm-client #84's first Status only.)
 * - global-session-state: one SyncML session state for the whole process, keyed by SessionID only (AzureBabyMDM's cycle
 *   counter): concurrent devices land in each other's session and get replies addressed to another device.
 * - requires-signed-in-user: the server starts no provisioning in a session whose LoginStatus is not "user" (fleetdm/fleet #46302).
 */
export type SyncmlQuirk = "global-session-state" | "requires-signed-in-user";
export const SYNCML_QUIRKS: readonly SyncmlQuirk[] = ["global-session-state", "requires-signed-in-user"];

export const DEFAULT_ESP_POLICIES = [
  { uri: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart", value: "8", format: "int" },
  { uri: "./Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled", value: "0", format: "int" },
  { uri: "./User/Vendor/MSFT/Policy/Config/Browser/AllowAutofill", value: "0", format: "int" },
];

/**
 * A SCEP certificate profile as the server delivers it through ClientCertificateInstall
 * (`SCEP/<id>/Install/*`, then Exec `Install/Enroll`). Unset values take the embedded CA's.
 */
export interface ScepCertSpec {
  id: string;
  subject: string;
  /** Install/ServerURL: the SCEP server (NDES, a proxy publishing it, any URL; several separated by ";"). Default the embedded CA's `/scep`. */
  url?: string;
  /** Install/Challenge. Default the embedded CA's challenge. */
  challenge?: string;
  /** Install/KeyLength (1024, 2048, 4096). Default 2048. */
  keyLength?: number;
  /** Install/HashAlgorithm (SHA-1, SHA-2, SHA-3, or combinations with "+"). Default SHA-2. */
  hashAlgorithm?: string;
  /** Install/EKUMapping, OIDs. Default client authentication. */
  ekus?: string[];
  /** Install/RetryCount (polls after PENDING, 0–30) and RetryDelay (minutes between them): the CSP's defaults 3 and 5 when unset. */
  retryCount?: number;
  retryDelayMinutes?: number;
  /** `./Device` (ESP device setup, default) or `./User` (account setup; the user store of the PC's signed-in user). */
  scope?: "device" | "user";
}

export function windowsServerConfig(raw: unknown): WindowsServerConfig {
  const c = (raw ?? {}) as Partial<WindowsServerConfig> & { esp?: Partial<WindowsServerConfig["esp"]>; policy?: Partial<WindowsServerConfig["policy"]> };
  return {
    authPolicy: c.authPolicy ?? "OnPremise",
    password: c.password ?? "enrollsim",
    tokenKey: c.tokenKey ?? "enrollsim-test-token-key",
    restrictions: c.restrictions ?? {},
    policy: { minimalKeyLength: 2048, hash: "none", validityDays: 365, renewalDays: 42, ...(c.policy ?? {}) },
    ...(c.fault ? { fault: c.fault } : {}),
    ...(c.renewal ? { renewal: c.renewal } : {}),
    ...(c.maxMsgSize ? { maxMsgSize: c.maxMsgSize } : {}),
    withhold: c.withhold ?? [],
    pollMinutes: c.pollMinutes ?? 3,
    providerId: c.providerId ?? "enrollsim",
    esp: {
      timeoutMinutes: 60,
      policies: DEFAULT_ESP_POLICIES,
      apps: [{ name: "CompanyPortal", installMinutes: 4 }, { name: "Office", installMinutes: 9 }],
      atomic: true,
      scepCerts: [],
      devicePreparationProviders: [],
      storeApps: [],
      ...(c.esp ?? {}),
    },
    autopilot: { tenantDomain: "contoso.onmicrosoft.com", ...(c.autopilot ?? {}) },
    inventoryGets: c.inventoryGets ?? ["./DevDetail/SwV", "./Vendor/MSFT/WindowsLicensing/Edition", "./Vendor/MSFT/DeviceStatus/TPM/SpecificationVersion"],
    profiles: c.profiles ?? [],
    syncmlQuirks: c.syncmlQuirks ?? [],
    ...(c.tenantAttach ? { tenantAttach: c.tenantAttach } : {}),
    ...(c.tokenValidation ? { tokenValidation: c.tokenValidation } : {}),
  };
}
