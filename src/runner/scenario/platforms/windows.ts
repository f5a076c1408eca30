// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the windows platform: the JSON Schema of `groups[].options.windows`
 * (read by src/device/windows/options.ts) and of `embedded.windows` (src/server/windows/config.ts).
 * Documented in scenarios/README-windows.md.
 */
import type { ScenarioExtension } from "./extension.js";

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
const app = {
  type: "object",
  additionalProperties: false,
  properties: {
    installMinutes: { type: "number", minimum: 0, description: "Simulated install time." },
    outcome: { enum: ["success", "fail", "hang"], description: "How the MSI job ends (hang: never)." },
  },
};

export const windowsScenario: ScenarioExtension = {
  key: "windows",
  groupOptions: {
    type: "object",
    additionalProperties: false,
    description: "windows flow options (windows-byod, windows-autopilot, windows-bulk, windows-gpo).",
    properties: {
      upn: str("User principal name; %VARIABLE% substitution (%INDEX%, %SERIAL%…). Default user%INDEX%@contoso.com."),
      password: str("OnPremise password (WS-Security UsernameToken). Default \"enrollsim\"."),
      tokenKey: str("Key to mint identity-provider test tokens the embedded server trusts (HS256)."),
      token: str("A literal identity-provider token instead of a minted one."),
      tokenValidityDays: { type: "number", description: "Lifetime of the minted token in days (bulk default 180, others 1); negative = expired." },
      tpm: { enum: ["2.0", "1.2", "none", "virtual"], description: "Override the model's TPM (virtual/1.2/none fail self-deploying and pre-provisioned attestation)." },
      discoveryUrl: str("Discovery URL that skips DNS (identity-provider MDM registration or manual entry)."),
      dns: { enum: ["embedded", "system", "overrides"], description: "How EnterpriseEnrollment.<domain> is resolved. Default embedded for the embedded server, else system." },
      dnsOverrides: dnsMap,
      redirectConfirmation: { enum: ["accept", "decline"], description: "Answer to the redirect-confirmation prompt (HTTPS discovery failed, HTTP redirects). Default accept." },
      manualServerUrl: str("What the user types when discovery finds no host."),
      requestVersion: str("Discover RequestVersion. Default 4.0 (Windows 10) / 5.0 (Windows 11)."),
      csrProfile: { enum: ["auto", "win10-legacy", "win11"], description: "CSR layout. Default by OS build." },
      xmlStyle: { enum: ["compact", "pretty"], description: "Request XML formatting. Default compact (as Windows)." },
      strict: bool("Fail on server deviations instead of recording them as findings."),
      minuteMs: { type: "number", exclusiveMinimum: 0, description: "Real milliseconds per simulated minute (polls, ESP timeouts, installs). Default 60000." },
      maxSessions: { type: "integer", minimum: 1, maximum: 1000, description: "Bound on OMA-DM sessions per device. Default 40." },
      polls: { type: "integer", minimum: 0, maximum: 1000, description: "Scheduled OMA-DM polls after the first sync (BYOD, bulk, GPO) on the DMClient Poll schedule. Default 0." },
      dmAuth: { enum: ["mtls", "md5"], description: "OMA-DM client auth: mTLS with the enrolled certificate (default) or syncml:auth-md5 with the APPAUTH CLIENT credentials." },
      renew: bool("Renew the enrollment certificate (WSTEP Renew with a PKCS#7 over client TLS) after the first session, then sync with the new certificate."),
      unenroll: bool("Disconnect at the end (BYOD, bulk, GPO): a last session with Alert 1226 com.microsoft:mdm.unenrollment.userrequest."),
      sessionIdStart: { type: "integer", minimum: 0, description: "First OMA-DM SessionID (0 is legal). Default 1." },
      termsOfUse: { enum: ["none", "accept", "decline"], description: "MDM Terms of Use in identity-provider flows. Default none." },
      termsOfUseUrl: str("ToU URL of the IdP's MDM app registration. Default <https base>/windows/tou on embedded runs."),
      apps: { type: "object", description: "Per-app install behaviour overrides, by app name or ProductCode.", additionalProperties: app },
      autopilot: {
        type: "object",
        additionalProperties: false,
        properties: {
          mode: { enum: ["user-driven", "self-deploying", "pre-provisioned", "hybrid"], description: "hybrid: user-driven with an offline domain join (OfflineDomainJoin CSP blob)." },
          odjTimeoutMinutes: { type: "number", exclusiveMinimum: 0, description: "Hybrid join: minutes to wait for the offline domain join blob. Default 15." },
          deviceNameTemplate: str("Device-name template (%SERIAL%, %RAND:n%); ≤15 chars for Autopilot, ≤63 for bulk."),
          profileSource: { enum: ["assumed", "service", "file"], description: "Where the Autopilot profile comes from. Default assumed." },
          profileFile: str("AutopilotConfigurationFile.json content (profileSource file); must be ASCII."),
          hardwareChange: str("Mutates the hardware hash (e.g. \"motherboard\") as a hardware swap does."),
        },
      },
    },
  },
  embedded: {
    type: "object",
    additionalProperties: false,
    description: "The embedded server's windows half.",
    properties: {
      authPolicy: { enum: ["OnPremise", "Federated"], description: "AuthPolicy answered to Settings enrollments. Default OnPremise." },
      password: str("OnPremise password accepted. Default \"enrollsim\"."),
      tokenKey: str("Key that verifies identity-provider test tokens."),
      deviceLimitPerUser: { type: "integer", minimum: 1, maximum: 15, description: "Enrollment restriction: devices per user. Default 15." },
      deviceEnrollmentManagers: { type: "array", items: { type: "string" }, description: "Device enrollment manager (DEM) accounts: shared-mode enrollments up to demDeviceLimit." },
      demDeviceLimit: { type: "integer", minimum: 1, maximum: 1000, description: "DEM ceiling (documented 1000); lower = a directory device restriction on the account." },
      restrictions: {
        type: "object",
        additionalProperties: false,
        properties: { blockWindows: bool("Block the Windows platform."), blockPersonal: bool("Block personally owned (EnrollmentType Full)."), minOsVersion: str("Lowest OS version allowed."), maxOsVersion: str("Highest OS version allowed.") },
      },
      policy: {
        type: "object",
        additionalProperties: false,
        properties: {
          minimalKeyLength: { type: "integer", minimum: 1024, maximum: 16384 },
          hash: { enum: ["none", "sha1", "sha256"] },
          validityDays: { type: "integer", minimum: 1 },
          renewalDays: { type: "integer", minimum: 1 },
          omit: bool("Discovery names no policy service."),
        },
      },
      fault: {
        type: "object",
        additionalProperties: false,
        required: ["step", "subcode"],
        properties: { step: { enum: ["discovery", "policy", "enroll"] }, subcode: str("e.g. s:EnrollmentServer"), errorType: str("e.g. InMaintenance"), message: { type: "string" } },
      },
      renewal: { enum: ["allow", "refuse"], description: "WSTEP renewal: issue a new certificate, or refuse with NotEligibleToRenew (0x80180016). Default allow." },
      offlineDomainJoin: { enum: ["deliver", "withhold"], description: "Send Autopilot devices an OfflineDomainJoin blob (hybrid join), or never (connector without OU rights). Default deliver." },
      requireTermsOfUse: bool("Refuse enrollments without an accepted Terms-of-Use blob (EnrollmentData) with InvalidEnrollmentData."),
      discoveryRedirect: { enum: ["legacy-https", "insecure-http"], description: "HTTPS discovery fails and plain HTTP redirects: to an HTTPS legacy target (needs confirmation) or to HTTP (refused: 0x8018001A)." },
      discoveryHttpStatus: { type: "integer", minimum: 400, maximum: 599, description: "Answer discovery with this HTTP status." },
      pollMinutes: { type: "integer", minimum: 1, description: "DMClient IntervalForFirstSetOfRetries. Default 3." },
      providerId: str("PROVIDER-ID / DMClient provider. Default enrollsim."),
      esp: {
        type: "object",
        additionalProperties: false,
        properties: {
          timeoutMinutes: { type: "integer", minimum: 1, description: "TimeOutUntilSyncFailure (1–1440 documented). Default 60." },
          policies: { type: "array", items: { type: "object", additionalProperties: false, required: ["uri", "value"], properties: { uri: { type: "string" }, value: { type: "string" }, format: { type: "string" } } } },
          neverDelivered: { type: "array", items: { type: "string" }, description: "LocURIs listed in ExpectedPolicies but never sent." },
          apps: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name"],
              properties: { name: { type: "string" }, productCode: { type: "string" }, installMinutes: { type: "number", minimum: 0 }, outcome: { enum: ["success", "fail", "hang"] } },
            },
          },
          scepCerts: {
            type: "array",
            description: "ClientCertificateInstall SCEP profiles enrolled from the embedded CA, tracked by ESP (ExpectedSCEPCerts).",
            items: { type: "object", additionalProperties: false, required: ["id", "subject"], properties: { id: { type: "string" }, subject: { type: "string" } } },
          },
          devicePreparationProviders: {
            type: "array",
            description: "EnrollmentStatusTracking DevicePreparation policy providers, each installed by an MSI agent of the same name.",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name"],
              properties: { name: { type: "string" }, installMinutes: { type: "number", minimum: 0 }, outcome: { enum: ["success", "fail", "hang"] }, timeoutMinutes: { type: "integer", minimum: 1 } },
            },
          },
          customErrorText: { type: "string" },
          blockInStatusPage: { type: "integer", minimum: 0 },
          allowCollectLogsButton: { type: "boolean" },
          skipUserStatusPage: { type: "boolean" },
          atomic: bool("Wrap the ESP set-up in one Atomic. Default true."),
        },
      },
      inventoryGets: { type: "array", items: { type: "string" } },
      autopilot: {
        type: "object",
        additionalProperties: false,
        description: "Autopilot deployment-service stand-in (POST /windows/autopilot/profile).",
        properties: {
          autoRegister: bool("Register a serial's hardware hash the first time it asks (default true); false: no device is registered."),
          tenantDomain: str("CloudAssignedTenantDomain. Default contoso.onmicrosoft.com."),
          deviceNameTemplate: str("CloudAssignedDeviceName in served profiles."),
        },
      },
    },
  },
};
