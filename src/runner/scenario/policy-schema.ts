// SPDX-License-Identifier: MIT
/**
 * JSON Schema of `embedded.policy`: the tenant's admin rules every half of the embedded server
 * consults (src/server/policy/types.ts; documented in scenarios/README.md "Server policy").
 */
import { ATTESTATION_SCHEMA } from "./attestation-schema.js";
import { CLOUD_APP_NAMES } from "./cloud-apps.js";
import type { Json } from "./json.js";
import { workspaceOneSchema } from "./workspace-one-schema.js";

const str = (description: string): Json => ({ type: "string", minLength: 1, description });
const strings = (description: string): Json => ({ type: "array", items: { type: "string", minLength: 1 }, description });
/** Profiles assigned by serial with one default (Autopilot deployment profiles, ADE enrollment profiles), plus their own keys. */
const assignedProfiles = (defaultDescription: string, extra: Record<string, Json>): Json => ({
  type: "array",
  items: {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: { name: str("Profile name."), serials: strings("Serials assigned to it."), default: { type: "boolean", description: defaultDescription }, ...extra },
  },
});
const VERSION = "^\\d+(\\.\\d+){0,3}$";
const version = (description: string): Json => ({ type: "string", pattern: VERSION, "x-expected": "a dotted version such as 10.0.19045 or 17.2", description });
const assign: Json = { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: 'Groups of embedded.policy.directory (or "all-users").' };
const scope = (description: string): Json => ({
  description,
  oneOf: [
    { enum: ["all", "none"] },
    { type: "object", additionalProperties: false, required: ["groups"], properties: { groups: { type: "array", minItems: 1, items: { type: "string" } } } },
  ],
  "x-expected": '"all", "none" or {groups: [...]}',
});

/** How a device enrolls, as the server tells it apart (server/policy/reenrollment.ts; scenarios/README.md "Re-enrollment"). */
export const ENROLLMENT_METHODS = ["autopilot-userless", "autopilot", "bulk", "work-account", "ade", "user-initiated", "account-driven"] as const;
export const REENROLLMENT_ALLOW = ["any", "same-user", "none"] as const;
/** Licence products whose lapse on an enrolled device is modelled as published (server/policy/licences.ts enrolledStanding). */
export const LICENCE_PRODUCTS = ["knox-manage", "knox-suite", "intune"] as const;
/**
 * Platforms whose check-in a generic licence (`enforcedAt: [checkin]`, no product) can refuse: Android, whose AMAPI status
 * report the server answers 403 PERMISSION_DENIED and the device records as android.checkin.licence-expired. How an EMM
 * refuses an enrolled PC's OMA-DM session or an Apple device's MDM poll for a licence, and what the device then does,
 * is not published: there the licence is checked at enrollment only (server/policy/licences.ts; licence-semantic.ts warns).
 */
export const CHECKIN_REFUSAL_PLATFORMS: ReadonlySet<string> = new Set(["android"]);
const oneOrList = (values: readonly string[], description: string): Json => ({ description, oneOf: [{ enum: [...values] }, { type: "array", minItems: 1, items: { enum: [...values] } }], "x-expected": `one of ${values.join(", ")}, or a list of them` });

const platformRule: Json = {
  type: "object",
  additionalProperties: false,
  properties: {
    allowed: { type: "boolean", description: "The platform may enroll (MDM allow/block). Default true." },
    personal: { enum: ["allow", "block"], description: "Personally owned devices. Default allow. Windows: block refuses an OOBE Entra join of a PC not registered with Autopilot and Settings enrollments (0x80180014); Autopilot, GPO/co-management and bulk pass (README-windows.md, \"Which Windows enrollments a personal-device block refuses\"). A DEM account or a corporate identifier passes everywhere." },
    minOs: version("Lowest OS version allowed (inclusive). Not enforced for Apple ADE."),
    maxOs: version("Highest OS version allowed (inclusive)."),
    blockedManufacturers: strings("Manufacturers refused (case-insensitive)."),
  },
};
const PLATFORMS = ["windows", "ios", "macos", "android"];
const cloudApp: Json = { enum: [...CLOUD_APP_NAMES] };
const includeExclude = (item: Json, description: string): Json => ({
  type: "object",
  additionalProperties: false,
  description,
  properties: { include: { type: "array", minItems: 1, items: item }, exclude: { type: "array", items: item } },
});
const platformRules = {
  ...Object.fromEntries(PLATFORMS.map((p) => [p, platformRule])),
  // Intune's two Android switches, each with its own settings (server-policies.md §2.3); OS versions are Android releases ("10.0").
  androidWorkProfile: { ...platformRule, description: "Android Enterprise personally owned work profile: allowed, personal, OS range (Android release, e.g. 10.0), manufacturers. The Company Portal routes a device here when allowed for its version." },
  androidDeviceAdmin: { ...platformRule, description: "Android device administrator: allowed, personal, OS range (Android release), manufacturers. The route when the work profile is not allowed; its OS range is judged when the agent reports in." },
};

export const policySchema: Json = {
  type: "object",
  additionalProperties: false,
  description: "Tenant admin rules (Intune-like) shared by every half of the embedded server: restrictions, limits, user scope, identifiers, compliance, conditional access, terms, ADE.",
  properties: {
    vendors: {
      type: "object",
      additionalProperties: false,
      description: "Vendor agents' own servers, served on the embedded server's listeners (server/vendors/): what an agent the MDM installed enrolls with afterwards (agents/README.md, afterInstall vendor-enroll).",
      properties: {
        fleet: {
          type: "object",
          additionalProperties: false,
          required: ["enrollSecrets"],
          description:
            'Fleet\'s osquery TLS enroll endpoint (POST /api/osquery/enroll and /api/v1/osquery/enroll): a known enroll secret gets {"node_key"}, any other 401 {"error": "enroll failed: no matching secret found", "node_invalid": true} (Fleet server/service/osquery.go), which osquery logs as "No node key returned from TLS enroll plugin" (fleetdm/fleet#44826).',
          properties: { enrollSecrets: { type: "array", minItems: 1, maxItems: 100, items: { type: "string", minLength: 1, maxLength: 200 }, description: "The server's enroll secrets (the global one and the teams')." } },
        },
      },
    },
    workspaceOne: workspaceOneSchema,
    directory: {
      type: "object",
      additionalProperties: false,
      description: "Users and groups, and the directory's device settings.",
      properties: {
        users: {
          type: "array",
          items: { type: "object", additionalProperties: false, required: ["upn"], properties: {
              upn: str("User principal name."),
              groups: strings("Groups the user belongs to."),
              licensed: { type: "boolean", description: "The user holds an MDM (Intune) licence (default true). An unlicensed user's enrollment sign-in is refused: Apple account-driven enrollment and the ADE Setup Assistant sign-in get 403 UserLicenseTypeInvalid (\"User Name Not Recognized. This user account is not authorized to use MDM.\"); every enrollment decision refuses the user too (licence-unassigned: Windows UserLicense 0x80180018, Android LICENSE_NOT_ASSIGNED)." },
              accountEnabled: { type: "boolean", description: "The account is enabled (default true). A disabled account's sign-in at the identity provider is refused with AADSTS50057 (invalid_grant: Windows shows CAA20003)." },
              mfaRegistered: {
                type: "boolean",
                description:
                  "The user has registered a multifactor method (default true). A Windows identity-provider sign-in that must do MFA (Conditional Access mfa, or requireMfaToJoin at a join's sign-in) for a user without one ends at Entra's registration interrupt AADSTS50072 \"User needs to enroll for second factor authentication (interactive).\" (the security-info registration itself is not simulated).",
              },
            },
          },
        },
        groups: strings("Declared groups (every group a rule names must be declared here or on a user)."),
        deviceQuota: { type: "integer", minimum: 1, maximum: 1000, description: "Maximum devices per user in the directory (joined + registered). Default 50." },
        usersMayJoin: scope("Users may join devices to the directory. Default all."),
        requireMfaToJoin: {
          type: "boolean",
          description:
            "Entra device setting \"Require multifactor authentication to register or join devices\" (default false). A user's join or registration signs in for the device registration service with a second factor (the one-time-code prompt, step auth.mfa); a join without MFA in its token is refused (AADSTS50076). Hybrid and TPM-attested (self-deploying, pre-provisioning) joins are exempt. The Conditional Access user action \"Register or join devices\" (a policy's apps naming it, grant mfa) does the same per user.",
        },
        federatedDomains: strings(
          "Domains of this tenant federated with an on-premises identity provider (AD FS); the others are managed. The user realm the identity provider reports (account_type Federated or Managed) decides whether integrated Windows authentication can work (options.windows.tokenSource: integrated; 0xCAA9001F for a managed domain).",
        ),
        domains: {
          type: "array",
          description:
            "This tenant's custom domains: a name is a verified domain, {name, verified: false} one added but not verified. A sign-in whose UPN domain is neither a verified one, the tenant's initial domain (embedded.windows.autopilot.tenantDomain) nor another tenant's is refused with AADSTS50034 (the user does not exist); a user whose UPN suffix is not a verified domain gets no MDM enrollment URL with a join or at the GPO auto-enroll task's user lookup (0x8018002B MENROLL_E_MDM_NOT_CONFIGURED; GPO: Event 76). A subdomain is its own entry. Default: every domain no other tenant holds is verified.",
          items: {
            oneOf: [
              { type: "string", minLength: 1 },
              { type: "object", additionalProperties: false, required: ["name"], properties: { name: str("The domain name."), verified: { type: "boolean", description: "Default true; false: added in Entra but not verified (no TXT/MX record proved it)." } } },
            ],
            "x-expected": "a domain name, or {name, verified}",
          },
        },
        lockout: {
          type: "object",
          additionalProperties: false,
          description:
            "Account lockout after failed password sign-ins, counted per user on the server's clock (Microsoft Entra smart lockout, AD FS extranet lockout, Workspace ONE's failed-login limit). At threshold failed sign-ins the user is locked for durationSeconds: every password sign-in of the embedded server then refuses the user whatever the password (Windows identity provider AADSTS50053; Apple portal, account-driven and ADE sign-ins; Android's sign-in reads the lock). The admin unlocks with the timeline's unlockUsers. Absent: no lockout.",
          properties: {
            threshold: { type: "integer", minimum: 1, maximum: 1000, description: "Failed sign-ins that lock the account (Entra \"Lockout threshold\"). Default 10 (Entra, Azure Public; 3 in Azure US Government)." },
            durationSeconds: { type: "integer", minimum: 0, maximum: 31_536_000, description: "How long a lockout lasts (Entra \"Lockout duration in seconds\", default 60); 0: until an admin unlocks the user (Active Directory's lockout duration 0, Workspace ONE's LoginFailedAttempts)." },
            durationGrowth: { type: "number", minimum: 1, maximum: 100, description: "Each further lockout of the user lasts this many times the one before. Default 1. Entra publishes that the duration increases when an account locks repeatedly, not by how much: an assumption when set." },
            resetCounterAfterSeconds: { type: "integer", minimum: 1, maximum: 31_536_000, description: "Failed sign-ins older than this are forgotten (Active Directory \"Reset account lockout counter after\", AD FS ExtranetObservationWindow). Default: never." },
          },
        },
        applications: {
          type: "array",
          maxItems: 50,
          description:
            "App registrations of the directory (Microsoft Entra ID). The first one not marked mdm: false is the tenant's MDM application (Mobility (MDM and MAM): the on-premises MDM app a Windows MDM server is registered as): the identity provider issues the access token Windows sends in its enrollment requests for it, in the form its accessTokenAcceptedVersion asks (v1.0: aud = the App ID URI, iss https://sts.windows.net/{tenant}/; v2.0: aud = the client id, iss https://login.microsoftonline.com/{tenant}/v2.0; Microsoft Learn \"Access tokens in the Microsoft identity platform\"). Which tokens the Windows server accepts is embedded.windows.tokenValidation. Default: one MDM application whose App ID URI is the embedded server's URL, v1.0 tokens.",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["appId"],
            properties: {
              name: str("Display name."),
              appId: { type: "string", pattern: "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", description: "Application (client) id, a GUID: the aud of v2.0 tokens." },
              identifierUris: strings("Application ID URIs (e.g. https://mdm.contoso.com, the MDM server's URL); the first is the aud of v1.0 tokens. %SERVER% expands to the embedded server's HTTPS base. Default: the client id (api://… URIs are not needed)."),
              accessTokenAcceptedVersion: {
                enum: [null, 1, 2],
                description:
                  "The app manifest's accessTokenAcceptedVersion (Microsoft Graph: api.requestedAccessTokenVersion): null or 1 → v1.0 access tokens, 2 → v2.0. On-premises MDM applications created in Entra from July 2026 issue v2.0 (fleetdm/fleet#46388). Default null.",
              },
              mdm: { type: "boolean", description: "false: not the MDM application. Default true (the first such application is the MDM application)." },
            },
          },
        },
        devices: {
          type: "array",
          maxItems: 10_000,
          description:
            "Device objects the directory (Microsoft Entra ID) holds before the run: the object an Autopilot import creates (by serial), a hybrid device synced from Active Directory, a registered or joined device (by device id). The join service answers from the object's state. A timeline `set` of this list is the admin changing those objects; `deleteRecords: { in: directory }` deletes the targeted devices' objects.",
          items: {
            type: "object",
            additionalProperties: false,
            properties: {
              serials: strings("Serial numbers, one object each (%SERIAL@group% expands per device)."),
              deviceIds: strings("Windows device ids, one object each (%DEVICEID%)."),
              state: { enum: ["enabled", "disabled", "deleted", "pending"], description: "enabled (default); disabled by an admin; deleted (the object is gone); pending: a hybrid device not yet synced from Active Directory." },
              joinType: { enum: ["registered", "joined", "hybrid"], description: "Microsoft Entra registered, joined (default; an Autopilot object) or hybrid joined." },
              owner: str("Owner (user principal name); counted by deviceQuota (registered and joined objects)."),
              autopilot: { type: "boolean", description: "Created by an Autopilot hardware-hash import. Default: true for objects listed by serial." },
            },
          },
        },
      },
    },
    otherTenants: {
      type: "array",
      maxItems: 100,
      description:
        "Other Microsoft Entra tenants of the same cloud. A UPN in one of their domains belongs to that tenant; a serial in their autopilot.registered list is registered there (a hash belongs to one tenant at a time), so the deployment service hands the device that tenant's profile, and Autopilot OOBE refuses a user of another tenant: \"That username looks like it belongs to another organization.\"",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["domain"],
        properties: {
          domain: str("The tenant's initial domain (e.g. fabrikam.onmicrosoft.com)."),
          domains: strings("More verified domains of that tenant."),
          id: { type: "string", pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", "x-expected": "a lower-case GUID", description: "Tenant id. Default derived from the domain." },
          autopilot: {
            type: "object",
            additionalProperties: false,
            properties: { registered: strings("Serials whose hardware hash this tenant imported (%SERIAL@group% expands per device).") },
          },
        },
      },
    },
    restrictions: {
      type: "object",
      additionalProperties: false,
      description: "Enrollment restrictions: the Default (priority 0, evaluated last) and assigned policies (priority 1 = highest; only the highest assigned one applies).",
      properties: {
        platform: { type: "object", additionalProperties: false, description: "The Default platform restriction per platform.", properties: platformRules },
        platformPolicies: {
          type: "array",
          items: { type: "object", additionalProperties: false, required: ["name", "assign"], properties: { name: str("Policy name."), priority: { type: "integer", minimum: 1, maximum: 25 }, assign, ...platformRules } },
        },
        deviceLimit: { type: "integer", minimum: 1, maximum: 15, description: "The Default device limit per user. Default 5." },
        deviceLimitPolicies: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name", "assign", "limit"],
            properties: { name: str("Policy name."), priority: { type: "integer", minimum: 1, maximum: 25 }, assign, limit: { type: "integer", minimum: 1, maximum: 15 } },
          },
        },
      },
    },
    mdmAuthority: {
      enum: ["intune", "none"],
      description:
        "The tenant's MDM authority (default intune). none: no MDM authority is set, so no device can enroll; the Apple half answers every enrollment entry point (the profile download, the ADE enrollment URL, account-driven enrollment) 403 MdmAuthorityNotDefined (Intune's iOS/iPadOS troubleshooting code). The Windows and Android halves do not read it yet.",
    },
    deviceEnrollmentManagers: {
      type: "object",
      additionalProperties: false,
      required: ["users"],
      description: "Device enrollment manager accounts: corporate, outside the Intune device limit, up to their own ceiling.",
      properties: { users: strings("DEM UPNs."), limit: { type: "integer", minimum: 1, maximum: 1000, description: "Ceiling (documented 1000; a directory restriction on the account lowers it)." } },
    },
    userScope: {
      type: "object",
      additionalProperties: false,
      description: "MDM and MAM user scopes of the directory's MDM app (Windows automatic enrollment: join, registration, Autopilot, bulk, GPO). MDM none: no MDM enrollment URL for anyone (a join carries none; the GPO task's user lookup finds none: Event 76 0x8018002b); a user outside an MDM scope of groups is refused by the enrollment service (0x80180003).",
      properties: { mdm: scope("MDM user scope. Default all."), mam: scope("MAM user scope; wins over MDM on registered personal devices. Default none.") },
    },
    corporateIdentifiers: {
      type: "object",
      additionalProperties: false,
      description: "Imported corporate identifiers: matching devices are corporate at enrollment.",
      properties: {
        serials: strings("Serial numbers (iOS/iPadOS, macOS, Android)."),
        imeis: strings("IMEIs (iOS/iPadOS, Android)."),
        windows: {
          type: "array",
          items: { type: "object", additionalProperties: false, required: ["manufacturer", "model", "serial"], properties: { manufacturer: str("As the device reports it."), model: str("Model identifier."), serial: str("Serial number.") } },
        },
      },
    },
    deviceLists: {
      type: "array",
      description:
        'Deny lists and allow-only lists of devices by hardware identifier (Workspace ONE "Denylist and Allowlist Device Registrations"), checked when a device enrolls on every platform: a device a `deny` list names, or one no `allowOnly` list that applies names, is refused (refusals device-denylisted / device-not-allowlisted; the text says "Device Not Approved"). Timeline `editDeviceList` adds or removes devices (the admin approves a device).',
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "mode"],
        properties: {
          name: str("The list's name (timeline editDeviceList names it)."),
          mode: { enum: ["deny", "allowOnly"], description: "deny: the devices it names are refused; allowOnly: only the devices it names may enroll." },
          platform: oneOrList(PLATFORMS, "Platforms it applies to (default all)."),
          assign,
          serials: strings("Serial numbers (%SERIAL@group% expands per device)."),
          imeis: strings("IMEIs (%IMEI@group%)."),
          udids: strings("Apple UDIDs (%UDID@group%)."),
          macs: strings("MAC addresses, any separator (%MAC@group%): Windows reports every adapter's (MS-MDE2 MAC context items)."),
          models: strings("Models as the device reports them at enrollment (Apple ProductName such as iPhone15,4; Windows DeviceModel; Android Build.MODEL)."),
        },
      },
    },
    compliance: {
      type: "object",
      additionalProperties: false,
      properties: {
        noPolicy: { enum: ["compliant", "noncompliant"], description: "Mark devices with no compliance policy assigned as. Default compliant." },
        policies: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name", "platform", "rules"],
            properties: {
              name: str("Policy name."),
              platform: { enum: PLATFORMS },
              assign,
              graceHours: { type: "number", minimum: 0, maximum: 8760, description: "Mark device noncompliant this many hours after a rule first fails (the grace period). Default 0." },
              rules: {
                type: "object",
                additionalProperties: false,
                properties: {
                  minOs: version("Minimum OS version."),
                  maxOs: version("Maximum OS version."),
                  requireCorporate: { type: "boolean", description: "Personally owned devices are noncompliant." },
                  rootedDevices: { enum: ["block"], description: "Android (Intune Device health › Rooted devices: Block): a device whose root detection sees su is noncompliant (state.integrity.rooted)." },
                  playIntegrity: {
                    enum: ["basic", "basic-and-device"],
                    description: "Android (Intune Google Play Protect › Play Integrity Verdict): Check basic integrity (MEETS_BASIC_INTEGRITY) / Check basic integrity & device integrity (also MEETS_DEVICE_INTEGRITY), read from the verdict the device's state earns (README-android.md \"Device integrity\"). No verdict (no Google Play services) fails it.",
                  },
                  strongIntegrity: { type: "boolean", description: "Android (Check strong integrity using hardware-backed security features; needs playIntegrity): MEETS_STRONG_INTEGRITY required." },
                  minSecurityPatch: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Android (Intune Minimum security patch level, YYYY-MM-DD): an older reported patch level is noncompliant." },
                },
              },
            },
          },
        },
      },
    },
    conditionalAccess: {
      type: "object",
      additionalProperties: false,
      description:
        "Microsoft Entra Conditional Access, evaluated at every sign-in of the embedded server (Windows identity provider, Store licences, Apple legacy Setup Assistant sign-in, Android enrollment sign-in): policies (assignments, conditions, grant controls) and terms-of-use documents. requireCompliantDevice / excludeApps / requireMfa are the old flat form, kept as shorthand for policies (README.md \"Conditional access\").",
      properties: {
        policies: {
          type: "array",
          description: "Conditional Access policies (Entra: Protection › Conditional Access › Policies).",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name", "grant"],
            properties: {
              name: str("Policy name (shown in the sign-in log and refusals)."),
              state: { enum: ["on", "off", "reportOnly"], description: "on (default), off, or reportOnly (evaluated and logged in records().signIns, never enforced)." },
              users: includeExclude({ type: "string", minLength: 1 }, 'Users: UPNs, groups of embedded.policy.directory, or "all-users". Default include all-users.'),
              apps: includeExclude(cloudApp, 'Cloud apps: "All cloud apps", "Microsoft Intune Enrollment", "Microsoft Intune", "Office 365", "Microsoft Store for Business" (or their app ids), and the user action "Register or join devices" (urn:user:registerdevice: the Entra join or registration, grant mfa; All cloud apps does not reach it). Default include All cloud apps.'),
              platforms: {
                type: "object",
                additionalProperties: false,
                description: "Device platforms condition. Default: any platform.",
                properties: { include: { type: "array", minItems: 1, items: { enum: ["all", ...PLATFORMS] } }, exclude: { type: "array", items: { enum: PLATFORMS } } },
              },
              clientApps: { type: "array", minItems: 1, items: { enum: ["browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"] }, description: "Client app types condition. Default: all." },
              grant: {
                type: "object",
                additionalProperties: false,
                description: "Grant: block, or the controls (and terms of use) required, all (AND, default) or one (OR).",
                properties: {
                  operator: { enum: ["AND", "OR"], description: "Require all the selected controls (AND, default) or one of them (OR)." },
                  controls: {
                    type: "array",
                    items: { enum: ["block", "mfa", "compliantDevice", "domainJoinedDevice", "approvedApplication"] },
                    description: "block (AADSTS53003), mfa (a one-time-code prompt; AADSTS50076 where the sign-in cannot prompt), compliantDevice (AADSTS53000), domainJoinedDevice = hybrid-joined (AADSTS53001), approvedApplication (AADSTS53002).",
                  },
                  termsOfUse: strings("Terms-of-use documents (names in conditionalAccess.termsOfUse) the user must accept: a prompt step auth.terms where the sign-in can show it."),
                },
              },
            },
          },
        },
        termsOfUse: {
          type: "array",
          description: "Microsoft Entra terms-of-use documents a policy's grant can require.",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name"],
            properties: {
              name: str("Terms-of-use name."),
              expand: { type: "boolean", description: "Require users to expand the terms of use before accepting." },
              perDevice: { type: "boolean", description: "Require users to consent on every device (the device must be registered first; not supported for Microsoft Intune Enrollment)." },
            },
          },
        },
        requireCompliantDevice: { type: "boolean", description: "Shorthand: require a device marked compliant for Microsoft Store for Business and for Microsoft Intune Enrollment on Android (AADSTS53000 otherwise); in grace period still passes." },
        excludeApps: { type: "array", items: cloudApp, description: "Shorthand: cloud apps excluded from requireCompliantDevice (e.g. store, intune-enrollment)." },
        requireMfa: {
          type: "boolean",
          description:
            "Shorthand: a policy requiring MFA for Microsoft Intune Enrollment on Windows, iOS and macOS. Grant control \"Require multifactor authentication\" for enrollment sign-ins: the identity provider's sign-in page asks for a second factor (a one-time code) after the password (Windows Federated and OOBE sign-in). A user who does not finish it is the timeline's abandon at auth.mfa. Apple's legacy Setup Assistant sign-in (HTTP Basic on the ADE enrollment URL) cannot carry a second factor: it is answered 401 again (apple.ade.auth-failed).",
        },
      },
    },
    attestation: ATTESTATION_SCHEMA,
    reenrollment: {
      type: "array",
      maxItems: 50,
      description:
        "What the server does when hardware it holds a live record for (the same device key, serial or IMEI) enrolls again: rules by platform and enrollment method, first match wins. allow: any (replace the record; default), same-user (only the user on the old record, or anyone when it records none), none (refused until the record is deleted). Built in after these: Windows autopilot-userless (self-deploying, pre-provisioning) is none, as Intune does (0x80180014).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["allow"],
        properties: {
          platform: oneOrList(["windows", "ios", "macos", "android"], "Platforms the rule applies to (default all)."),
          method: oneOrList(ENROLLMENT_METHODS, "Enrollment methods the rule applies to (default all)."),
          allow: { enum: [...REENROLLMENT_ALLOW], description: "any, same-user or none." },
        },
      },
    },
    records: {
      type: "array",
      maxItems: 100,
      description:
        "Device records the tenant holds from enrollments before the run (its inventory), by serial or IMEI (%SERIAL@group% templates expand per device), with the user recorded on them: a device of this run with that hardware enrolls as a re-enrollment (reenrollment rules). A timeline deleteRecords of the device deletes them.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["platform"],
        properties: {
          platform: { enum: ["windows", "ios", "macos", "android"], description: "The platform the record is of." },
          serials: strings("Serial numbers."),
          imeis: strings("IMEIs."),
          user: str("The user recorded on it (Jamf's Username, Intune's primary user); absent: blank."),
          method: { enum: [...ENROLLMENT_METHODS], description: "How it enrolled then (informational)." },
        },
      },
    },
    terms: {
      type: "array",
      description: "Terms and conditions users must accept before enrolling (per user per version).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: str("Terms name."),
          version: { type: "integer", minimum: 1, description: "Default 1; raise it to require re-acceptance." },
          assign,
          title: { type: "string", minLength: 1, maxLength: 200, description: "Title the enrollment app's terms screen shows (Intune: Title; Graph termsAndConditions.title)." },
          text: { type: "string", minLength: 1, maxLength: 20000, description: "The terms themselves (Intune: Terms and conditions; Graph bodyText)." },
          acceptanceStatement: { type: "string", minLength: 1, maxLength: 2000, description: "What accepting means (Intune: Summary of Terms; Graph acceptanceStatement)." },
        },
      },
    },
    licences: {
      type: "array",
      maxItems: 100,
      description:
        "Service licences (the EMM subscription, or per-user licences) with an end date and seats, checked when a device enrolls (server/policy/licences.ts). A platform no licence covers is not checked. A refusal is licence-unassigned (no licence of the platform is the user's), licence-expired (every one the user holds has ended) or licence-seats-used (every running one is full): Knox Manage agent KMA_F230 \"Expired license\"; Windows 0x80180018 MENROLL_E_USERLICENSE. A timeline `set` of embedded.policy.licences.N.endsAt is the admin renewing it.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: str("Licence name (e.g. Knox Manage, Intune Plan 1)."),
          platforms: { type: "array", minItems: 1, uniqueItems: true, items: { enum: PLATFORMS }, description: "Platforms it licenses; default every platform." },
          assign: { ...assign, description: 'Users who hold it (groups of embedded.policy.directory, or "all-users"): a per-user licence. Absent: the tenant\'s subscription, for every enrollment of its platforms.' },
          endsAt: {
            description: "When it ends: seconds after the server started (e.g. 3600), or an ISO 8601 date-time. Absent: no end.",
            oneOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$" }],
            "x-expected": "seconds after the start (an integer) or an ISO 8601 date-time such as 2026-12-31T23:59:59Z",
          },
          seats: { type: "integer", minimum: 0, maximum: 1000000, description: "Devices it can hold at once (live enrollments it covers; re-enrolling a device takes no new seat). Absent: unlimited." },
          enforcedAt: {
            type: "array",
            minItems: 1,
            uniqueItems: true,
            items: { enum: ["enrollment", "checkin"] },
            description:
              "When the EMM checks it (default [enrollment]). checkin: an enrolled Android device's check-in is refused once the licence has ended or is not the user's (an assumption for a licence whose product publishes nothing else; the device stays enrolled and keeps its policies); AMAPI check-ins: android.checkin.licence-expired. On Windows and Apple devices checkin changes nothing (the loader warns): how an EMM refuses an OMA-DM session or an MDM poll for a licence, and what the device does then, is not published. A knox-manage or knox-suite licence is checked at check-in whatever this says and restricts instead (product).",
          },
          product: {
            enum: [...LICENCE_PRODUCTS],
            description:
              'The product it licenses, which decides what its lapse (ended, or no longer the user\'s) does to an ENROLLED device, on every platform the licence covers. knox-manage / knox-suite: the device stays enrolled and keeps its policies, but gets no new configuration, apps or commands (only Unenroll and Factory Reset still reach it) until the licence is renewed or assigned back; its record is "restricted" (expect.server.licences) and a Knox Manage Android agent records android.checkin.service-restricted with Samsung\'s text "Access to the Knox Manage service is restricted. The existing policies still apply." (Samsung Knox Manage, "Renew an expired license"). intune: what Intune does to an enrolled device whose user loses the licence is not published; nothing changes at check-in (enrollment is still refused: 0x80180018 / UserLicenseTypeInvalid). Absent: a generic EMM licence (enforcedAt decides).',
          },
        },
      },
    },
    autopilot: {
      type: "object",
      additionalProperties: false,
      description: "Autopilot deployment profiles: explicit by serial, else the default one; a registered device without a profile gets none.",
      properties: {
        profiles: assignedProfiles("Assigned to every registered device without an explicit profile.", {
          joinType: { enum: ["entra", "hybrid"], description: "Join to Entra ID as (default entra; hybrid needs the offline domain join blob)." },
          deviceNameTemplate: { type: "string", minLength: 1, maxLength: 63, description: "Device name template (%SERIAL%, %RAND:x%; 15 characters after expansion)." },
        }),
        registered: {
          type: "array",
          items: { type: "string", minLength: 1 },
          description:
            "The tenant's imported hardware hashes, by serial (%SERIAL@group% templates expand per device): only these devices, and those that upload their own hash (options.windows.autopilot.uploadHash), get a deployment profile; the others boot plain OOBE (windows.autopilot.profile-missing). A timeline `set` is an import during the run. Default: every device that asks counts as imported.",
        },
      },
    },
    ade: {
      type: "object",
      additionalProperties: false,
      description: "Apple Business/School Manager: the server token and enrollment profile assignment.",
      properties: {
        token: {
          type: "object",
          additionalProperties: false,
          properties: {
            expiresInHours: { type: "number", minimum: 0, description: "Hours after server start when the server token expires (server clock). Default 8760." },
            revoked: { type: "boolean", description: "A new server token was downloaded in ABM: this one no longer works." },
          },
        },
        profiles: assignedProfiles("The token's default profile for devices without an assignment.", {
          settings: { type: "object", description: "Cloud-configuration keys (is_supervised, await_device_configured, skip_setup_items, …)." },
          minimumOs: {
            type: "object",
            additionalProperties: false,
            required: ["version"],
            description:
              "Minimum OS for enrolling with this profile: a device that can be asked (MachineInfo MDM_CAN_REQUEST_SOFTWARE_UPDATE: iOS/iPadOS 17, macOS 14 and later) and is older gets 403 com.apple.softwareupdate.required with this version, updates in Setup Assistant (step ade.software-update) and enrolls; an older device, which cannot be asked, enrolls as it is.",
            properties: {
              version: { type: "string", pattern: "^\\d+(\\.\\d+){0,2}", "x-expected": 'an OS version such as "17.4" or "26.0 (a)"', description: "details.OSVersion: the version to update to." },
              build: { type: "string", pattern: "^[0-9]{2}[A-Z][0-9]+[a-z]?$", "x-expected": 'a build such as "21E219"', description: "details.BuildVersion (optional)." },
            },
          },
        }),
      },
    },
  },
};
