// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the windows platform: the JSON Schema of `groups[].options.windows`
 * (read by src/device/windows/options.ts) and of `embedded.windows` (src/server/windows/config.ts).
 * Documented in scenarios/README-windows.md.
 */
import type { ScenarioExtension } from "./extension.js";
import type { Json } from "../json.js";

const str = (description: string) => ({ type: "string", description });
const bool = (description: string) => ({ type: "boolean", description });
const dnsMap = {
  type: "object",
  description: "Records answering instead of DNS: name → {cname: [targets], a: [IPv4]}.",
  additionalProperties: {
    type: "object",
    additionalProperties: false,
    properties: { cname: { type: "array", items: { type: "string" } }, a: { type: "array", items: { type: "string" } } },
  },
};
/** What a package's installer does when the device runs it (the package travels with its behaviour). */
const installMinutes = { type: "number", minimum: 0, description: "How long the installer runs (simulated minutes). An install longer than esp.timeoutMinutes is an ESP timeout: time passing, no special value." };
const exitCode = {
  type: "integer",
  minimum: 0,
  maximum: 4294967295,
  description:
    "The installer's exit code (Windows Installer, msiexec): 0 success (default); 3010 success, restart required; 1641 the installer restarted Windows itself, so the job never reports (Status stays 50); any other code fails the job (Status 60, LastError = the code), e.g. 1603 fatal error, 1625 blocked by policy.",
};

/** Windows keys removed by issue 10 and how to write the same failure now (runner/scenario/removed.ts; scenarios/README-windows.md "Removed keys"). */
/** One ClientCertificateInstall SCEP profile (embedded.windows.esp.scepCerts items, embedded.windows.profiles[].scep). */
const SCEP_CERT_PROPERTIES: Record<string, Json> = {
  id: { type: "string", description: "The profile's UniqueID (node name)." },
  subject: { type: "string", description: "Install/SubjectName." },
  url: {
    type: "string",
    pattern: "^(https?://|%(SERVER|SERVER_HTTP|SCEP_URL)%)",
    "x-expected": "an http(s) URL, or one starting with %SERVER%, %SERVER_HTTP% or %SCEP_URL%",
    description: 'Install/ServerURL: the SCEP server (NDES, the proxy that publishes it, any URL; several separated by ";" are tried in order). Default: the embedded CA\'s /scep.',
  },
  challenge: { type: "string", description: "Install/Challenge. Default: the embedded CA's challenge." },
  keyLength: { enum: [1024, 2048, 4096], description: "Install/KeyLength. Default 2048." },
  hashAlgorithm: { type: "string", pattern: "^SHA-[123](\\+SHA-[123])*$", "x-expected": "SHA-1, SHA-2, SHA-3, or a combination such as SHA-1+SHA-2", description: "Install/HashAlgorithm. Default SHA-2." },
  ekus: { type: "array", items: { type: "string", pattern: "^[0-9]+(\\.[0-9]+)+$" }, description: "Install/EKUMapping (OIDs). Default client authentication 1.3.6.1.5.5.7.3.2." },
  retryCount: { type: "integer", minimum: 0, maximum: 30, description: "Install/RetryCount: polls after a PENDING answer (CSP default 3)." },
  retryDelayMinutes: { type: "integer", minimum: 0, description: "Install/RetryDelay: minutes between those polls (CSP default 5)." },
  scope: { enum: ["device", "user"], description: "./Device (ESP device setup, default) or ./User (account setup)." },
};

export const WINDOWS_REMOVED_KEYS: readonly { path: readonly string[]; replacedBy: string }[] = [
  {
    path: ["groups", "*", "options", "windows", "autopilot", "hardwareChange"],
    replacedBy: "device state: the parts replaced since the hash was harvested, `state: { hardwareReplaced: [motherboard] }` (also nic, disk); the PC reports a different hardware hash everywhere",
  },
  {
    path: ["groups", "*", "options", "windows", "admxGet"],
    replacedBy: 'device state: the commands the PC answers with an error, e.g. write-only ADMX policy values `state: { cspStatus: [{ uri: "./Device/Vendor/MSFT/Policy/Config/*~Policy~*", verb: Get, status: 404 }] }`',
  },
  {
    path: ["groups", "*", "options", "windows", "mfa"],
    replacedBy:
      "the timeline: the user who does not finish the MFA prompt abandons at its step, `timeline: [{ at: 0s, group: NAME, abandon: { step: auth.mfa } }]` (MENROLL_E_USER_CANCELED); the prompt itself comes from embedded.policy.conditionalAccess.requireMfa",
  },
  {
    path: ["groups", "*", "options", "windows", "redirectConfirmation"],
    replacedBy: "the timeline: a user who declines the redirect confirmation abandons at its step, `timeline: [{ at: 0s, group: NAME, abandon: { step: discovery.confirm-redirect } }]` (MENROLL_E_USER_CANCELED); users continue by default",
  },
  {
    path: ["groups", "*", "options", "windows", "apps"],
    replacedBy: "embedded.windows.esp.apps[].exitCode and installMinutes: what an installer does is a property of the package the server assigns, not of the device",
  },
  {
    path: ["groups", "*", "options", "windows", "autopilot", "odjTimeoutMinutes"],
    replacedBy: "nothing: the device waits its fixed 15 minutes for the offline domain join blob; make the blob never arrive with embedded.windows.withhold and let the time pass (the scenario clock, or a timeline skip)",
  },
  {
    path: ["embedded", "windows", "requireMfa"],
    replacedBy: "embedded.policy.conditionalAccess.requireMfa (the tenant's conditional-access grant control, honoured by the identity provider's sign-in page)",
  },
  {
    path: ["embedded", "windows", "offlineDomainJoin"],
    replacedBy: 'embedded.windows.withhold: ["./Device/Vendor/MSFT/OfflineDomainJoin/*"] (the connector produces no blob, so the server never sends one)',
  },
  {
    path: ["embedded", "windows", "esp", "neverDelivered"],
    replacedBy: "embedded.windows.esp.policies (the expected policy) plus embedded.windows.withhold (its LocURI, never sent)",
  },
  {
    path: ["embedded", "windows", "esp", "apps", "*", "outcome"],
    replacedBy: "exitCode (fail: 1603, reboot: 1641) or, for hang, an installMinutes longer than esp.timeoutMinutes (time passing); success is the default",
  },
  {
    path: ["embedded", "windows", "autopilot", "autoRegister"],
    replacedBy: "embedded.policy.autopilot.registered, the tenant's imported hashes by serial (`registered: []` for none, `[\"%SERIAL@group%\"]` for one group's devices); devices may still upload their own (options.windows.autopilot.uploadHash)",
  },
  {
    path: ["embedded", "windows", "tenantAttach", "revokeServiceCertificate"],
    replacedBy: "the timeline: the CA revokes the service certificate at a time or after an event, `timeline: [{ at: 0s, revoke: service-certificate }]` (the CRL lists it from then on: CRYPT_E_REVOKED)",
  },
  {
    path: ["embedded", "windows", "esp", "disable"],
    replacedBy:
      "the timeline: the admin's change at a time, `{ at: 1d, set: { embedded.windows.esp.assigned: false } }`, with the pre-provisioned user's first sign-in days later (`idle` at esp.user-sign-in); the OMA-URI workaround is a profile assigned the same way (`set: { embedded.windows.profiles: [...] }`, FirstSyncStatus/SkipUserStatusPage true)",
  },
  {
    path: ["embedded", "windows", "esp", "devicePreparationProviders", "*", "outcome"],
    replacedBy: "exitCode (fail: 1603) or, for hang, an installMinutes longer than the provider's timeoutMinutes",
  },
  {
    path: ["embedded", "windows", "discoveryRedirect"],
    replacedBy:
      'faults at the discovery steps: the legacy target does not answer HTTPS discovery, `{ match: { step: discovery.get, url: "*/EnrollmentServer/Discovery.svc" }, status: { code: 404 } }`, and its plain-HTTP probe redirects, `{ match: { step: discovery.redirect }, redirect: { location: "%SERVER%/EnrollmentServer/Legacy/Discovery.svc" } }` (legacy-https: the user confirms, scenarios/failures/win-legacy-cname-target-confirmation.yaml); a location on http:// is refused with 0x8018001A (was insecure-http, scenarios/failures/win-discovery-proxy-rewrite.yaml)',
  },
];

export const windowsScenario: ScenarioExtension = {
  key: "windows",
  groupOptions: {
    type: "object",
    additionalProperties: false,
    description: "windows flow options (windows-byod, windows-autopilot, windows-bulk, windows-gpo).",
    properties: {
      upn: str("User principal name; %VARIABLE% substitution (%INDEX%, %SERIAL%…). Default user%INDEX%@contoso.example.com (RFC 2606 reserved)."),
      password: str('OnPremise password (WS-Security UsernameToken). Default "enrollsim".'),
      mistypedPasswords: {
        type: "integer",
        minimum: 0,
        maximum: 1000,
        description:
          "The user mistypes the password at the device's first N password sign-ins (the identity provider's page: OOBE, Settings, Federated; the OnPremise UsernameToken), a different typo each time, then types `password`. Each is answered as a wrong password (AADSTS50126) and counts toward the tenant's lockout (embedded.policy.directory.lockout). The count carries over the user's Try Again (timeline tryAgain). Default 0.",
      },
      tokenKey: str("Key to mint identity-provider test tokens the embedded server trusts (HS256)."),
      token: str("A literal identity-provider token instead of a minted one."),
      tokenValidityDays: { type: "number", description: "Lifetime of the minted token in days (bulk default 180, others 1); negative = expired." },
      discoveryUrl: str("Discovery URL that skips DNS (identity-provider MDM registration or manual entry)."),
      dns: {
        enum: ["embedded", "server", "system", "overrides"],
        description:
          "How EnterpriseEnrollment.<domain> is resolved. Default embedded for the embedded server, server for --server (an in-process zone CNAMEs it to the given server), overrides when dnsOverrides is set. system (this machine's resolver, real DNS) only when given explicitly.",
      },
      dnsOverrides: dnsMap,
      tenantAttach: {
        type: "object",
        additionalProperties: false,
        description: "windows-tenant-attach (ConfigMgr service connection point uploading to the cloud service).",
        properties: {
          devices: { type: "integer", minimum: 0, maximum: 10000, description: "Device records uploaded. Default 10." },
          systemProxy: bool(
            "WinHTTP has a system proxy, so the certificate revocation (CRL) check goes through it; default: true when the server has state.winhttpProxy (netsh winhttp set proxy), else false: the check connects directly and the site firewall (firewall) applies.",
          ),
          serviceUrl: str("Cloud service base URL. Default <https base>/windows/cmgateway on embedded runs."),
          siteCode: str("ConfigMgr site code. Default PS1."),
        },
      },
      storeUrl: str("Store service base URL for EnterpriseModernAppManagement StoreInstall licences. Default <https base>/windows/store on embedded runs."),
      firewall: { type: "array", items: { type: "string" }, description: "URL prefixes (absolute, or paths starting with /) the site's proxy refuses for the device's web requests." },
      tokenSource: {
        enum: ["minted", "idp", "integrated"],
        description:
          'Token flows: mint the identity-provider token with the test key (default) or sign in at the identity provider (OOBE / auto-enroll task; also windows-byod with workAccount entra: the Settings › Access work or school sign-in). A failed sign-in shows the Web Account Manager\'s CAA code (README-windows.md "Work-account sign-in"). integrated (windows-gpo): integrated Windows authentication as the ConfigMgr co-management client does it without the Cloud Management service: it needs a federated domain (embedded.policy.directory.federatedDomains), else Event 76 0xcaa9001f.',
      },
      gpoCredential: {
        enum: ["user", "device"],
        description:
          'windows-gpo: the MDM Group Policy "Enable automatic MDM enrollment using default Azure AD credentials" option "Select Credential Type to Use" (User Credential, default; Device Credential). Event 76 names it: "Auto MDM Enroll: Device Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)" (Microsoft Learn, Troubleshooting Windows 10 Group Policy-based auto-enrollment in Intune).',
      },
      identityProviderUrl: str("Sign-in URL for tokenSource idp. Default <https base>/EnrollmentServer/Auth on embedded runs."),
      drsUrl: str("Directory join (device registration) URL for Autopilot and bulk. Default <https base>/windows/drs/join on embedded runs; none otherwise."),
      push: bool("Open a mock WNS channel after the first session (Push/ChannelURI); a push starts a server-initiated session (Alert 1200) between polls."),
      wnsUrl: str("Mock WNS base URL. Default <https base>/windows/wns on embedded runs."),
      wnsCheckSeconds: { type: "number", exclusiveMinimum: 0, description: "How often the device fetches its channel (device seconds, scaled like minuteMs). Default 15." },
      workAccount: { enum: ["local", "entra"], description: "windows-byod: Settings → Connect with a local-directory account (CNAME discovery, default) or an Entra account (device registration first; the MDM/MAM user scopes decide)." },
      bulkPackage: {
        type: "object",
        additionalProperties: false,
        description: "Provisioning-package content (windows-bulk).",
        properties: {
          localAccount: bool("The package creates a local account (default true); without one a failed join leaves the device unusable."),
          scripts: {
            type: "array",
            description: "Scripts the package runs in system context before the join, in order; a non-zero exit stops the package half-applied.",
            items: { type: "object", additionalProperties: false, required: ["name"], properties: { name: { type: "string" }, exitCode: { type: "integer" } } },
          },
        },
      },
      manualServerUrl: str("What the user types when discovery finds no host."),
      dmUrl: str("Steady-state check-ins: the OMA-DM server address (w7 ADDR of the provisioning document). Default: the embedded server's /ManagementServer/MDM.svc."),
      requestVersion: str("Discover RequestVersion. Default: what the device's build sends by itself (devices/windows/builds.yaml, nearest earlier row: 9.0 on Windows 11 25H2, 6.0 from 22621.3155, 5.0 on 21H2, 4.0 on Windows 10)."),
      csrProfile: { enum: ["auto", "win10-legacy", "win11"], description: "CSR layout. Default by OS build." },
      xmlStyle: { enum: ["compact", "pretty"], description: "Request XML formatting. Default compact (as Windows)." },
      strict: bool("Fail on server deviations instead of recording them as findings."),
      minuteMs: { type: "number", exclusiveMinimum: 0, description: "Real milliseconds per simulated minute (polls, ESP timeouts, installs). Default 60000 ÷ load.timeScale (a real minute at scale 1)." },
      maxSessions: { type: "integer", minimum: 1, maximum: 1000, description: "Bound on OMA-DM sessions per device. Default 40." },
      polls: { type: "integer", minimum: 0, maximum: 1000, description: "Scheduled OMA-DM polls after the first sync (BYOD, bulk, GPO) on the DMClient Poll schedule. Default 0." },
      dmAuth: { enum: ["mtls", "md5"], description: "OMA-DM client auth: mTLS with the enrolled certificate (default) or syncml:auth-md5 with the APPAUTH CLIENT credentials." },
      renew: bool("Renew the enrollment certificate (WSTEP Renew with a PKCS#7 over client TLS) after the first session, then sync with the new certificate."),
      certificateAuth: {
        enum: ["scep"],
        description:
          "Offer AuthPolicy Certificate: the provisioning-package client certificate is enrolled from the foundation SCEP CA (scep). When that enrollment fails (a wrong packageCertChallenge, a SCEP fault or CA answer) the certificate is missing: MENROLL_E_CERTAUTH_FAILED_TO_FIND_CERT 0x80180028. (The former value missing is that case.)",
      },
      packageCertChallenge: { type: "string", description: "SCEP challenge for the package certificate (certificateAuth: scep)." },
      unenroll: bool("Disconnect at the end (BYOD, bulk, GPO): a last session with Alert 1226 com.microsoft:mdm.unenrollment.userrequest."),
      sessionIdStart: { type: "integer", minimum: 0, description: "First OMA-DM SessionID (0 is legal). Default 1." },
      termsOfUse: { enum: ["none", "accept", "decline"], description: "MDM Terms of Use in identity-provider flows. Default none." },
      termsOfUseUrl: str("ToU URL of the IdP's MDM app registration. Default <https base>/windows/tou on embedded runs."),
      autopilot: {
        type: "object",
        additionalProperties: false,
        properties: {
          mode: { enum: ["user-driven", "self-deploying", "pre-provisioned", "hybrid"], description: "hybrid: user-driven with an offline domain join (OfflineDomainJoin CSP blob)." },
          deviceNameTemplate: str("Device-name template (%SERIAL%, %RAND:n%); ≤15 chars for Autopilot, ≤63 for bulk."),
          profileSource: { enum: ["assumed", "service", "file"], description: "Where the Autopilot profile comes from. Default assumed." },
          profileFile: {
            type: "string",
            minLength: 1,
            maxLength: 4096,
            description:
              "profileSource file: path of the AutopilotConfigurationFile.json, relative to the scenario file (`enroll --set`: to the working directory), as Apple's profileFile. The loader reads it; text that is not a JSON object is refused naming the file. The device refuses a non-ASCII one (autopilot.not-ascii).",
          },
          profileJson: str("profileSource file: the AutopilotConfigurationFile.json text itself, inline, instead of profileFile (not both)."),
          uploadHash: bool("Upload this PC's hardware hash as harvested (before any state.hardwareReplaced) to the profile service first, as Get-WindowsAutopilotInfo -Online does."),
        },
      },
    },
  },
  embedded: {
    type: "object",
    additionalProperties: false,
    description: "The embedded server's windows half.",
    properties: {
      authPolicy: {
        enum: ["OnPremise", "Federated", "Certificate"],
        description: "AuthPolicy answered to Settings enrollments. Default OnPremise. Certificate: devices that offer it authenticate GetPolicies/RST with a client certificate issued by the reference CA over TLS (no WS-Security token).",
      },
      password: str('OnPremise password accepted. Default "enrollsim".'),
      tokenKey: str("Key that verifies identity-provider test tokens."),
      restrictions: {
        type: "object",
        additionalProperties: false,
        description: "Product limits of the Windows half (tenant enrollment restrictions are embedded.policy.restrictions).",
        properties: { blockHome: bool("Refuse Home editions (OSEdition 98–101), which cannot be MDM-managed (0x80180003). Default true.") },
      },
      policy: {
        type: "object",
        additionalProperties: false,
        properties: {
          minimalKeyLength: { type: "integer", minimum: 1024, maximum: 16384 },
          hash: { enum: ["none", "sha1", "sha256"] },
          validityDays: { type: "integer", minimum: 1 },
          renewalDays: { type: "integer", minimum: 1, description: "XCEP renewal period and the provisioning document's WSTEP RenewPeriod (days before expiry the device renews). Default 42." },
          retryIntervalDays: { type: "integer", minimum: 1, description: "WSTEP RetryInterval: days between renewal attempts after a failed one. Default 4." },
          omit: bool("Discovery names no policy service."),
        },
      },
      fault: {
        type: "object",
        additionalProperties: false,
        required: ["step", "subcode"],
        properties: { step: { enum: ["discovery", "policy", "enroll"] }, subcode: str("e.g. s:EnrollmentServer"), errorType: str("e.g. InMaintenance"), message: { type: "string" } },
      },
      tokenValidation: {
        type: "object",
        additionalProperties: false,
        description:
          "Which Microsoft Entra access tokens the enrollment service accepts in GetPolicies and RequestSecurityToken (the MS-MDE2 BinarySecurityToken of token flows), and how it answers one it refuses. Checks: lifetime within clockSkewSeconds, a version in versions with that version's issuer for the token's tid, an audience in audiences, a tid in tenants. The token's form comes from the MDM application's registration (embedded.policy.directory.applications). Default: both versions, the MDM application's App ID URIs and client id, this tenant, 300 s.",
        properties: {
          versions: { type: "array", minItems: 1, uniqueItems: true, items: { enum: [1, 2] }, description: "Accepted token versions (ver 1.0 / 2.0). Default [1, 2]." },
          audiences: {
            type: "array",
            minItems: 1,
            items: { type: "string", minLength: 1 },
            description:
              "Accepted audiences: a GUID matches a v2.0 token's client-id aud (case-insensitive); a URL matches an aud URL with the same host:port, as Fleet matches its server URL (fleetdm/fleet microsoft_mdm.go hasAuthorizedAzureAudience). %SERVER% expands to the embedded server's HTTPS base. A Fleet server without Entra client ids configured: [\"%SERVER%\"]. Default: the MDM application's App ID URIs and client id.",
          },
          tenants: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "Accepted tenant ids (tid). Default: this tenant's (00000000-0000-0000-0000-00000000e501)." },
          clockSkewSeconds: { type: "integer", minimum: 0, maximum: 86400, description: "Allowed difference between the token's nbf/exp and the server's clock. Default 300." },
          refusal: {
            type: "object",
            additionalProperties: false,
            description:
              'How a refused token is answered: an MS-MDE2 fault (s:Receiver) with this HTTP status and subcode, reason "validate binary security token: <cause>". Default 500, s:Authentication (the PC: 0x80180002). Fleet: 200, s:messageformat at GetPolicies (the PC records FACILITY_HTTP 200, 0x801900c8; fleetdm/fleet#46388).',
            properties: {
              httpStatus: { enum: [200, 400, 401, 500], description: "HTTP status of the fault answer. Default 500." },
              subcode: str("Fault subcode, e.g. s:Authentication (default), s:messageformat (Fleet), s:Authorization."),
            },
          },
        },
      },
      maxMsgSize: { type: "integer", minimum: 1024, maximum: 16777216, description: "OMA-DM MaxMsgSize (bytes) announced in the server's SyncHdr/Meta; devices split packages across messages (Final on the last, Alert 1222 between)." },
      renewal: { enum: ["allow", "refuse"], description: "WSTEP renewal: issue a new certificate, or refuse with NotEligibleToRenew (0x80180016). Default allow." },
      withhold: {
        type: "array",
        items: { type: "string", pattern: "^\\./", "x-expected": 'a LocURI or glob starting with "./", e.g. "./Device/Vendor/MSFT/OfflineDomainJoin/*"' },
        description:
          "Configuration the server is set up to send but never sends: commands whose LocURI matches (glob, * any characters) are dropped from every session, while ESP still lists them as expected. What a failed producer looks like to the device: the hybrid-join connector without OU rights (./Device/Vendor/MSFT/OfflineDomainJoin/*), a policy the service never delivers. A timeline `set` can change it during a run.",
      },
      tenantAttach: {
        type: "object",
        additionalProperties: false,
        description: "Tenant-attach cloud service stand-in (/windows/cmgateway/*): its service certificate carries a CRL distribution point.",
        properties: {
          crlUrl: str("CRL distribution point in the service certificate. Default <http base>/windows/pki/enrollsim-ca.crl."),
        },
      },
      pollMinutes: { type: "integer", minimum: 1, description: "DMClient IntervalForFirstSetOfRetries. Default 3." },
      providerId: str("PROVIDER-ID / DMClient provider. Default enrollsim."),
      esp: {
        type: "object",
        additionalProperties: false,
        properties: {
          timeoutMinutes: { type: "integer", minimum: 1, description: "TimeOutUntilSyncFailure (1–1440 documented). Default 60." },
          policies: { type: "array", items: { type: "object", additionalProperties: false, required: ["uri", "value"], properties: { uri: { type: "string" }, value: { type: "string" }, format: { type: "string" } } } },
          apps: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name"],
              properties: {
                name: { type: "string" },
                productCode: { type: "string" },
                installMinutes,
                exitCode,
                channel: { enum: ["omadm", "win32"], description: "OMA-DM MSI job (default) or a Win32 app of the management extension (fails with 1618 while an MSI installs)." },
                properties: {
                  type: "object",
                  maxProperties: 50,
                  propertyNames: { pattern: "^[A-Za-z_][\\w.]{0,99}$" },
                  additionalProperties: { type: "string", maxLength: 2000 },
                  description:
                    "MSI public properties on the install command line (the MsiInstallJob's CommandLine: /quiet NAME=\"value\"), e.g. a vendor agent's server URL and enroll secret; an agent row's secretFrom: [{property: NAME}] reads them (agents/README.md).",
                },
                files: {
                  type: "object",
                  maxProperties: 50,
                  propertyNames: { pattern: "^[\\w.-]{1,100}$" },
                  additionalProperties: { type: "string", maxLength: 10000 },
                  description: "Files baked into the package (name → content), part of its FileHash, e.g. fleetd's secret.txt (fleetdm/fleet#44826); an agent row's secretFrom: [{file: NAME}] reads them (agents/README.md).",
                },
              },
            },
          },
          scepCerts: {
            type: "array",
            description:
              "SCEP certificate profiles delivered through the ClientCertificateInstall CSP (SCEP/<id>/Install/*, then Exec Enroll) and tracked by ESP (ExpectedSCEPCerts, the Certificates row). The device runs SCEP against `url` itself, so faults, DNS and TLS apply.",
            items: { type: "object", additionalProperties: false, required: ["id", "subject"], properties: SCEP_CERT_PROPERTIES },
          },
          devicePreparationProviders: {
            type: "array",
            description: "EnrollmentStatusTracking DevicePreparation policy providers, each installed by an MSI agent of the same name.",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name"],
              properties: { name: { type: "string" }, installMinutes, exitCode, timeoutMinutes: { type: "integer", minimum: 1 } },
            },
          },
          customErrorText: { type: "string" },
          blockInStatusPage: { type: "integer", minimum: 0 },
          allowCollectLogsButton: { type: "boolean" },
          skipUserStatusPage: { type: "boolean" },
          atomic: bool("Wrap the ESP set-up in one Atomic. Default true."),
          storeApps: {
            type: "array",
            description: "Store-for-Business apps: EnterpriseModernAppManagement AppInstallation/<PFN>/StoreInstall, tracked as ExpectedModernAppPackages; the device gets each licence from /windows/store/licenses.",
            items: { type: "object", additionalProperties: false, required: ["name"], properties: { name: { type: "string", description: "Package family name." }, productId: { type: "string" }, installMinutes: { type: "number", minimum: 0 } } },
          },
          assigned: bool(
            "The ESP profile is assigned (default true). false: no further device gets it; devices that hold it keep its FirstSyncStatus nodes and still show the page, as Intune does. Set it with a timeline `set` for the admin disabling the profile during a run.",
          ),
          settingsEnrollments: bool("Apply the ESP profile to Settings (Add work or school account) enrollments too, not only Autopilot. Default false."),
        },
      },
      inventoryGets: { type: "array", items: { type: "string" } },
      profiles: {
        type: "array",
        description:
          "Configuration profiles, tracked per device (GET /windows/api/devices/<id>): sent to a device without ESP in its first session, to an ESP device once its ESP set-up is finished, and, when assigned later (a timeline `set`), at each device's next session.",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name"],
          anyOf: [{ required: ["settings"] }, { required: ["scep"] }],
          "x-expected": "settings, scep, or both",
          properties: {
            name: { type: "string" },
            scep: {
              type: "object",
              additionalProperties: false,
              required: ["subject"],
              description:
                "A SCEP certificate profile (ClientCertificateInstall SCEP/{UniqueID}): the Install nodes and Exec Enroll in one Atomic, as ESP's scepCerts. The PC answers 202, enrolls after the session on its own HTTP client (steps scep.getcacaps … and scep.install; faults, DNS and trust apply) and records Status (1 installed, 16 failed) and ErrorCode; the server Gets them at the PC's next sessions and records the profile applied, or failed with the code (expect.server.profiles). A failure leaves the PC enrolled. `id` (the UniqueID) defaults to the profile's name.",
              properties: {
                ...SCEP_CERT_PROPERTIES,
                id: { type: "string", description: "The profile's UniqueID (node name). Default: the profile's name." },
                scope: { enum: ["device", "user"], description: "./Device (default) or ./User (the signed-in user's store)." },
              },
            },
            atomic: bool("Deliver the settings in one Atomic (all or nothing)."),
            verify: bool("Verify by Get in the next session; a 404 or a different value re-sends the profile every session."),
            settings: {
              type: "array",
              minItems: 1,
              items: {
                type: "object",
                additionalProperties: false,
                required: ["uri"],
                properties: {
                  uri: { type: "string" },
                  value: { type: "string", description: "The node's value (the Data of the Add/Replace); for Exec, the Data sent with it, if any." },
                  format: { type: "string" },
                  verb: {
                    enum: ["Add", "Replace", "Exec"],
                    description:
                      "Default Replace. Exec runs a node the PC's capability table marks executable (RemoteWipe/doWipe…, RemoteWipe/AutomaticRedeployment/doAutomaticRedeployment, …) and the PC answers as it does; `verify` reads back only the Add/Replace settings.",
                  },
                },
                if: { not: { required: ["verb"], properties: { verb: { const: "Exec" } } } },
                then: { required: ["value"] },
              },
            },
          },
        },
      },
      syncmlQuirks: {
        type: "array",
        description:
          "Server-implementation behaviours: global-session-state (one SyncML session for the whole server, keyed by SessionID only: concurrent PCs get each other's replies; a PC that drops mid-session leaves it open for the next), requires-signed-in-user (nothing provisioned while LoginStatus is not user: self-deploying never, pre-provisioning not in the technician's phase). (A server that omits or drops SyncML elements is an `edit` fault: README.md \"Faults\".)",
        items: {
          enum: ["global-session-state", "requires-signed-in-user"],
          "x-removed": {
            "atomic-replace-no-cmdid": 'a fault that removes the CmdIDs from the server\'s answer: `faults: [{ match: { step: "*dm.session" }, edit: { remove: SyncML/SyncBody/Atomic/Replace/CmdID } }]`',
            "first-status-only": 'a fault that removes every Status after the first from what the server reads: `faults: [{ match: { step: "*dm.session" }, edit: { in: request, remove: "SyncML/SyncBody/Status[2..]" } }]`',
          },
        },
      },
      autopilot: {
        type: "object",
        additionalProperties: false,
        description: "Autopilot deployment-service stand-in (POST /windows/autopilot/profile).",
        properties: {
          tenantDomain: str("CloudAssignedTenantDomain. Default contoso.onmicrosoft.com."),
          deviceNameTemplate: str("CloudAssignedDeviceName in served profiles."),
        },
      },
    },
  },
};
