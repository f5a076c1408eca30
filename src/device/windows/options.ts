// SPDX-License-Identifier: MIT
/** `groups[].options.windows` as the flows read it, with defaults per flow (scenarios/README-windows.md). */
import { ScenarioError } from "../../errors/index.js";

export type WindowsFlowKind = "byod" | "autopilot" | "bulk" | "gpo";
export type AutopilotMode = "user-driven" | "self-deploying" | "pre-provisioned" | "hybrid";

/** windows-tenant-attach (tenant-attach.ts). */
export interface TenantAttachOptions {
  /** Device records the site uploads. Default 10. */
  devices?: number;
  /** WinHTTP has a system proxy (netsh winhttp set proxy): the revocation check goes through it. Default: whether state.winhttpProxy is set. */
  systemProxy?: boolean;
  /** Cloud service base URL. Default <https base>/windows/cmgateway on embedded runs. */
  serviceUrl?: string;
  siteCode?: string;
}

export interface WindowsOptions {
  upn?: string;
  password?: string;
  /** The user mistypes the password at the device's first N password sign-ins (device/behaviors/typed-password.ts). */
  mistypedPasswords?: number;
  /** Secret the embedded server uses to verify minted identity-provider tokens (HMAC-SHA256). */
  tokenKey?: string;
  /** Lifetime of the minted token in days (bulk default 180, others 1); negative = already expired. */
  tokenValidityDays?: number;
  /** A literal token (DeviceEnrollmentUserToken/JWT) instead of minting one. */
  token?: string;
  discoveryUrl?: string;
  /**
   * How EnterpriseEnrollment.<domain> resolves: the run's server through an in-process zone
   * (embedded / server, the defaults), only dnsOverrides, or this machine's resolver (system, explicit only).
   */
  dns?: "embedded" | "server" | "system" | "overrides";
  dnsOverrides?: Record<string, { cname?: string[]; a?: string[] }>;
  manualServerUrl?: string;
  /** URL prefixes (absolute, or paths starting with "/") the site's proxy/firewall refuses for the device's web requests. */
  firewall?: string[];
  /** Where a token flow's identity-provider token comes from: minted with the test key (default) or a sign-in at the IdP. */
  tokenSource?: "minted" | "idp" | "integrated";
  /** windows-gpo: the MDM Group Policy's "Select Credential Type to Use" (User Credential, the default, or Device Credential); Event 76 names it (gpo-event.ts). */
  gpoCredential?: "user" | "device";
  /** The identity provider's sign-in URL for tokenSource idp. Default <https base>/EnrollmentServer/Auth on embedded runs. */
  identityProviderUrl?: string;
  /** The directory's device-registration (join) URL. Default <https base>/windows/drs/join on embedded runs; none otherwise. */
  drsUrl?: string;
  /** Open a (mock) WNS channel after the first session; a push starts a session (Alert 1200) between polls. */
  push?: boolean;
  /** The mock WNS base URL. Default <https base>/windows/wns on embedded runs. */
  wnsUrl?: string;
  /** How often the device fetches its channel (device seconds, scaled by minuteMs). Default 15. */
  wnsCheckSeconds?: number;
  /** windows-byod: a local-directory work account (CNAME discovery, default) or an Entra account (device registration first). */
  workAccount?: "local" | "entra";
  /** Provisioning-package content (bulk): whether it creates a local account, and the scripts it runs in system context. */
  bulkPackage?: { localAccount?: boolean; scripts?: { name: string; exitCode?: number }[] };
  /** windows-tenant-attach (the ConfigMgr service connection point): see tenant-attach.ts. */
  tenantAttach?: TenantAttachOptions;
  /** Store service base URL for EnterpriseModernAppManagement StoreInstall licences. Default <https base>/windows/store on embedded runs. */
  storeUrl?: string;
  /** Steady-state check-ins: the DM server address (w7 ADDR) when the runner does not carry it. Default: the embedded server's. */
  dmUrl?: string;
  requestVersion?: string;
  csrProfile?: "auto" | "win10-legacy" | "win11";
  xmlStyle?: "compact" | "pretty";
  strict?: boolean;
  /** Real milliseconds per simulated minute (poll intervals, ESP timeouts, install times). Default 60000. */
  minuteMs?: number;
  maxSessions?: number;
  /** Scheduled polls after the first sync (non-ESP flows), on the DMClient Poll schedule. Default 0. */
  polls?: number;
  sessionIdStart?: number;
  /** OMA-DM client authentication: mTLS with the enrolled certificate (default) or syncml:auth-md5 with APPAUTH CLIENT. */
  dmAuth?: "mtls" | "md5";
  /** Renew the enrollment certificate (WSTEP Renew, ROBO) after the first session, then sync with the new one. */
  renew?: boolean;
  /**
   * AuthPolicy Certificate (Settings enrollments): the provisioning package's client certificate. `scep`: the
   * package certificate is enrolled from the foundation SCEP CA (targets.scepUrl) first; when that fails the
   * certificate is absent (MENROLL_E_CERTAUTH_FAILED_TO_FIND_CERT).
   */
  certificateAuth?: "scep";
  /** SCEP challenge for the package certificate (certificateAuth: scep). */
  packageCertChallenge?: string;
  /** Disconnect at the end (BYOD, bulk, GPO): a last session with the user-requested unenrollment Alert 1226. */
  unenroll?: boolean;
  /** MDM Terms of Use in identity-provider flows: none (not configured), accept or decline. Default none. */
  termsOfUse?: "none" | "accept" | "decline";
  /** ToU URL from the IdP's MDM app registration. Default <https base>/windows/tou on embedded runs. */
  termsOfUseUrl?: string;
  autopilot?: {
    mode?: AutopilotMode;
    deviceNameTemplate?: string;
    /** Where the profile comes from: assumed (the scenario says it is there), the profile service stand-in, or a local file. */
    profileSource?: "assumed" | "service" | "file";
    /** Path of the AutopilotConfigurationFile.json for profileSource "file"; the loader or the CLI reads it into profileJson (device code does no file I/O). */
    profileFile?: string;
    /** The AutopilotConfigurationFile.json text for profileSource "file": written inline, or what the loader read from profileFile. */
    profileJson?: string;
    /** Upload the hardware hash as harvested (before any state.hardwareReplaced) to the profile service first, as Get-WindowsAutopilotInfo -Online does. */
    uploadHash?: boolean;
  };
}

export interface ResolvedWindowsOptions extends Required<Pick<WindowsOptions, "upn" | "password" | "tokenKey" | "xmlStyle" | "minuteMs" | "maxSessions" | "sessionIdStart" | "polls">> {
  raw: WindowsOptions;
  kind: WindowsFlowKind;
  mode: AutopilotMode;
}

const NAME_RE = /^[A-Za-z0-9-]+$/;

/** Expands an Autopilot/bulk device-name template (%SERIAL%, %RAND:n%) with the length rules. */
export function expandNameTemplate(template: string, serial: string, rand: (n: number) => string, maxLen: number): string {
  if (/%serial%/.test(template)) throw new ScenarioError(`device-name template "${template}": %SERIAL% must be upper case`);
  let out = template.replace(/%RAND:(\d+)%/g, (_, n: string) => rand(Number(n)));
  const fixed = out.replace("%SERIAL%", "");
  if (out.includes("%SERIAL%")) {
    const room = Math.max(0, maxLen - fixed.length);
    out = out.replace("%SERIAL%", serial.length > room ? serial.slice(serial.length - room) : serial);
  }
  if (out.length > maxLen) throw new ScenarioError(`device name "${out}" is longer than ${maxLen} characters`);
  if (!NAME_RE.test(out) || /^\d+$/.test(out)) throw new ScenarioError(`device name "${out}" must be letters, digits and hyphens, not all digits`);
  return out;
}

export function resolveWindowsOptions(all: unknown, kind: WindowsFlowKind): ResolvedWindowsOptions {
  const raw = ((all as { windows?: WindowsOptions } | undefined)?.windows ?? (all as WindowsOptions | undefined) ?? {}) as WindowsOptions;
  if (raw.gpoCredential !== undefined && kind !== "gpo") throw new ScenarioError(`windows.gpoCredential is the GPO auto-enrollment policy's credential type: flow windows-gpo only, not windows-${kind}`);
  return {
    raw,
    kind,
    mode: raw.autopilot?.mode ?? "user-driven",
    // A reserved example domain (RFC 2606 example.com: routable in form, as a verified tenant domain is, yet under IANA control): the default UPN never names a real zone.
    upn: raw.upn ?? (kind === "bulk" ? "package_00000000@contoso.example.com" : "user%INDEX%@contoso.example.com"),
    password: raw.password ?? "enrollsim",
    tokenKey: raw.tokenKey ?? "enrollsim-test-token-key",
    xmlStyle: raw.xmlStyle ?? "compact",
    minuteMs: raw.minuteMs ?? 60_000,
    maxSessions: raw.maxSessions ?? 40,
    polls: raw.polls ?? 0,
    sessionIdStart: raw.sessionIdStart ?? 1,
  };
}
