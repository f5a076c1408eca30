// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the apple platform: the JSON Schema of `groups[].options.apple` (the
 * ios-* / macos-* flows, defaults in src/device/apple/options.ts) and of `embedded.apple` (the
 * reference server's Apple half, defaults in src/server/apple/server.ts). Documented in
 * scenarios/README-apple.md.
 */
import type { ScenarioExtension } from "./extension.js";
import { appleServicesEmbedded, appleServicesGroupOptions } from "./apple-services.js";
import { applePortalEmbedded, applePortalGroupOptions } from "./apple-portal.js";
import { PROFILE_EDITS_SCHEMA } from "./apple-profile-edits-schema.js";
import { appleIdentityEmbedded } from "./apple-identity.js";
import { appleProfileRootsEmbedded } from "./apple-profile-roots.js";

const behaviour = {
  type: "object",
  additionalProperties: false,
  description: "What the device does with this command.",
  properties: {
    notNow: { type: "integer", minimum: 0, maximum: 100, description: "Answer NotNow this many times before running the command." },
    errorRate: { type: "number", minimum: 0, maximum: 1, description: "Probability of answering Error (deterministic per device and command)." },
    ackDelayMs: { type: "integer", minimum: 0, maximum: 3_600_000, description: "Time before the answer (device clock)." },
    userDeclines: { type: "boolean", description: "The user declines InstallProfile (an app install is declined at its prompt: the timeline's abandon at app.install-prompt)." },
  },
};

const APPLE_OPTION = ["groups", "*", "options", "apple"] as const;

/**
 * Apple knobs removed because each produced one outcome for one scenario (issue 10), and what
 * expresses them now (runner/scenario/removed.ts reports them at the key).
 */
export const APPLE_REMOVED_KEYS: readonly { path: readonly string[]; replacedBy: string }[] = [
  {
    path: ["embedded", "apple", "retireOnErase"],
    replacedBy:
      "the timeline: the console retiring a wiped device is the admin's record deletion once the wipe is carried out, `{ after: { step: checkin.command.EraseDevice }, group: NAME, deleteRecords: {} }` (a restored identity then gets 401; scenarios/failures/ios-local-reset-vs-remote-wipe-restore.yaml)",
  },
  {
    path: ["embedded", "apple", "checkOutWhenRemoved"],
    replacedBy:
      "the MDM payload as the server builds it, `embedded.apple.profile: { set: { com.apple.mdm/CheckOutWhenRemoved: false } }` (the server puts CheckOutWhenRemoved true by default; the same profile mechanism edits any payload key)",
  },
  {
    path: ["embedded", "apple", "account", "allowedDeviceTypes"],
    replacedBy:
      "the tenant's enrollment restrictions, which every half and every enrollment path read: a blocked platform is `embedded.policy.restrictions: { platform: { macos: { allowed: false } } }` (per user group: `platformPolicies`), answered 403 DeviceTypeNotSupported (scenarios/failures/ios-device-type-not-supported.yaml). Like Intune, iOS and iPadOS are one platform",
  },
  {
    path: ["embedded", "apple", "ddm", "assets", "*", "fault"],
    replacedBy:
      'a fault on the asset\'s DataURL, `match: { url: "*/apple/ddm/assets/IDENTIFIER" }`: other bytes than declared (was wrong-hash) `corrupt: { bytes: 1 }`, another Content-Type `contentType: { value: text/html }`, gone `status: { code: 404 }`, a short body `truncate: { ratio: 0.5 }` (scenarios/ios-ddm-assets.yaml)',
  },
  {
    path: ["embedded", "apple", "autoDeviceConfigured"],
    replacedBy:
      "a fault on the device's command polls: the server always queues DeviceConfigured for a device awaiting configuration, and a queue that never delivers is `faults: [{ name: command queue never delivers, match: { platform: apple, step: command.idle }, status: { code: 200 } }]` (200 with no command, in the server's place; scenarios/failures/apple-ade-await-configuration-never-released.yaml)",
  },
  {
    path: [...APPLE_OPTION, "clientFault"],
    replacedBy:
      "general mechanisms, one per former value: old-identity-after-reenroll is the device's own history on the timeline, `reset` + `setUpAgain` (a new enrolment, a new identity) then `reset` + `restore: { backup: previous }` (the backup brings the old identity back; scenarios/failures/apple-reenroll-old-identity-rejected.yaml); tokenupdate-before-authenticate is a fault at step checkin.authenticate that answers it in the server's place, `faults: [{ match: { platform: apple, step: checkin.authenticate }, status: { code: 200 } }]` (scenarios/failures/apple-tokenupdate-before-authenticate.yaml); checkin-without-content-type is a fault on what the server receives, `faults: [{ match: { url: \"*/apple/checkin\" }, contentType: { in: request, value: \"\" } }]` (scenarios/failures/apple-checkin-missing-content-type.yaml)",
  },
  {
    path: [...APPLE_OPTION, "connectToHost"],
    replacedBy:
      "the timeline's device action: the user connects the enrolled device by USB to a Mac, `{ at: 0s, group: NAME, connectHost: { host: finder } }` (or `host: configurator`, `supervisionIdentity: true` for the Mac holding the organization's supervision identity); it pairs as its installed allowHostPairing allows (scenarios/failures/ios-sync-deny-all.yaml)",
  },
  {
    path: [...APPLE_OPTION, "reenrollAfterErase"],
    replacedBy:
      "the timeline (no shipped scenario used it): the admin's `wipe: {}` is EraseDevice, carried out at the device's next check-in (outcome apple.erased), and what the erased device does next is another timeline action, e.g. `restore: {}` from its backup (scenarios/timeline/apple-lost-phone-wiped.yaml, scenarios/failures/ios-local-reset-vs-remote-wipe-restore.yaml)",
  },
  {
    path: [...APPLE_OPTION, "restoredStaleIdentity"],
    replacedBy:
      "the timeline's device actions and time passing: `reset`, a `skip` past the identity's lifetime (embedded.scep.validityDays) or `revoke: device-certificate`, then `restore`, in a steady phase (scenarios/failures/ios-restore-expired-identity.yaml)",
  },
  {
    path: [...APPLE_OPTION, "restoreBackupAfter"],
    replacedBy:
      "the timeline: `reset` (a local reset; the server is not told) or `wipe` (the admin's EraseDevice; a console that then retires the device is `deleteRecords`), then `restore`, in a steady phase (scenarios/failures/ios-local-reset-vs-remote-wipe-restore.yaml)",
  },
  {
    path: ["embedded", "apple", "profileChallengeLifetimeSeconds"],
    replacedBy:
      "embedded.apple.scepChallenge: { lifetimeSeconds: N } (one setting for every per-profile SCEP challenge; the CA refuses an expired one with badRequest), with time passing on the timeline (`idle` at profile.scep, `skip`)",
  },
  {
    path: ["embedded", "apple", "ndes"],
    replacedBy:
      "embedded.apple.scepChallenge: { checkedBy: ndes, lifetimeSeconds: N } (the NDES policy-module stand-in; default lifetime 900 s), with time passing on the timeline (`idle` at profile.scep, `skip`)",
  },
  {
    path: [...APPLE_OPTION, "installDelaySeconds"],
    replacedBy: "the timeline: the user leaves the downloaded profile and installs it later, `timeline: [{ at: 0s, group: NAME, idle: { step: profile.scep, for: 3d } }]`",
  },
  {
    path: ["embedded", "apple", "abm"],
    replacedBy:
      "the timeline: the server always keeps its ADE device list (a 7-day full sync); the admin deletes records with `deleteRecords` (before set-up too, e.g. `{ at: 0s, deleteRecords: {} }`) and runs a full sync with `resync`, or time passes (`skip`) to the next scheduled one (scenarios/failures/apple-ade-deleted-device-reappears.yaml)",
  },
  {
    path: ["embedded", "apple", "apnsCertificate", "renewal"],
    replacedBy:
      "the timeline: the admin renews the push certificate with a `set` of its Apple ID at the moment it happens, e.g. `{ after: { enrolled: 3 }, set: { embedded.apple.apnsCertificate.appleId: other-admin@example.org } }` (scenarios/failures/apple-apns-renewed-different-appleid.yaml)",
  },
  {
    path: [...APPLE_OPTION, "ade", "restoredFromOwnBackup"],
    replacedBy: "the timeline's device actions `reset` then `restore` (the backup brings the device-bound management back; scenarios/failures/ios-restore-same-device.yaml)",
  },
  {
    path: ["embedded", "apple", "demAccounts"],
    replacedBy:
      "the tenant's device enrollment managers, `embedded.policy.deviceEnrollmentManagers: { users: [dem@example.org] }` (every half reads them; an ADE sign-in as one gets 403 DeviceEnrollmentManagerNotAllowed: scenarios/failures/apple-dem-with-ade.yaml)",
  },
  {
    path: ["embedded", "apple", "adeUnassigned"],
    replacedBy:
      "the tenant's ADE profile assignment by serial, `embedded.policy.ade`: a serial with no assigned profile (`profiles: []`, or none matching and no default) is DEVICE_NOT_ASSIGNED; a serial the admin released from ABM (the timeline's `deleteRecords: { in: abm }`) is DEVICE_RELEASED; a profile that never reached Apple (`token: { expiresInHours: 0 }`) is PROFILE_NOT_FOUND (scenarios/failures/apple-ade-device-not-assigned.yaml)",
  },
  {
    path: ["embedded", "apple", "adeUnassignedReason"],
    replacedBy:
      "`embedded.policy.ade`: not-assigned is a serial without a profile (`profiles: []`), released is the timeline's `deleteRecords: { in: abm }`, profile-before-token is a profile pushed while the server had no valid token (`token: { expiresInHours: 0 }`)",
  },
  {
    path: [...APPLE_OPTION, "companyPortal", "tapsBegin"],
    replacedBy:
      "the timeline: the user opens the Company Portal and never taps Begin, `timeline: [{ at: 0s, group: NAME, abandon: { step: cp.register } }]` (the device stays enrolled, never registered in the directory: scenarios/failures/ios-cp-begin-never-tapped.yaml)",
  },
  {
    path: [...APPLE_OPTION, "installRetries"],
    replacedBy:
      "the timeline's Try Again: after a failed profile install the user installs the profile again, `timeline: [{ at: 0s, group: NAME, tryAgain: { times: 1 } }]` (a new key pair each attempt; outcome ….after-retry: scenarios/failures/apple-first-attempt-fails-retry-succeeds.yaml)",
  },
  {
    path: ["embedded", "apple", "vpp", "tokenExpired"],
    replacedBy:
      "the location token's lifetime, `embedded.apple.vpp.token: { expiresInDays: 0 }` (already expired; assignments fail with Apple's 9621), or the timeline at the moment it happens, `{ after: { enrolled: 2 }, expire: vpp-token }` (`revoke: vpp-token`: 9625)",
  },
  {
    path: [...APPLE_OPTION, "commands", "InstallApplication", "userDeclines"],
    replacedBy:
      "the timeline: the user taps Cancel at the app-install prompt (unsupervised devices), `timeline: [{ at: 0s, group: NAME, abandon: { step: app.install-prompt } }]` (ManagedApplicationList Status UserRejected; a supervised device with a device licence does not ask), or never signs in to the App Store, `abandon: { step: app.store-sign-in }` (PromptingForLogin)",
  },
  {
    path: [...APPLE_OPTION, "configurator", "affiliateAfterSeconds"],
    replacedBy:
      "the timeline: the user affiliates late, `timeline: [{ at: 0s, group: NAME, idle: { step: configurator.affinity, for: 25h } }]` (time passes on the scenario clock; a `skip` makes hours pass at once: scenarios/failures/ios-configurator-affinity-24h.yaml)",
  },
  {
    path: ["embedded", "apple", "requireOsVersion"],
    replacedBy:
      'the ADE enrollment profile\'s minimum OS, `embedded.policy.ade.profiles: [{ name: NAME, default: true, minimumOs: { version: "26.0", build: "23A341" } }]`: devices that can be asked (iOS 17 / macOS 14 and later) get 403 com.apple.softwareupdate.required, update (step ade.software-update) and enroll; older ones enroll as they are (scenarios/failures/apple-ade-software-update-required.yaml)',
  },
  {
    path: [...APPLE_OPTION, "ade", "allowSoftwareUpdate"],
    replacedBy:
      "what the device's OS does: from iOS/iPadOS 17 and macOS 14 (state.os) the device says it can update (MDM_CAN_REQUEST_SOFTWARE_UPDATE) and performs a required update at step ade.software-update; one that does not get through is the timeline (`abandon`/`idle`/`reboot` at ade.software-update) or a fault on the update download (`match: { step: ade.software-update }`)",
  },
  {
    path: ["embedded", "apple", "directEnrollment"],
    replacedBy:
      "the Apple Configurator profile's user affinity, `embedded.apple.configurator: { userAffinity: true }`: it cannot be exported for direct enrollment, so GET /apple/enroll answers 403 UserAffinityNotSupported (scenarios/failures/mac-direct-enrollment-affinity.yaml), while Apple Configurator's enrollment URL serves it and the user must be affiliated within the window (scenarios/failures/ios-configurator-affinity-24h.yaml)",
  },
  {
    path: [...APPLE_OPTION, "ade", "eraseIfActivated"],
    replacedBy:
      "device state: an erased device is one that is not activated, `state: { activated: false }` (the default); `state: { activated: true }` stops at apple.ade.already-activated (scenarios/failures/ios-ade-already-activated.yaml)",
  },
  {
    path: [...APPLE_OPTION, "userApprovesProfile"],
    replacedBy:
      "the timeline: the user never approves the profile, `timeline: [{ at: 0s, group: NAME, abandon: { step: profile.approve } }]` (macOS profile flows; the enrollment goes on, not user-approved: scenarios/failures/mac-profile-not-approved.yaml)",
  },
  {
    path: ["embedded", "apple", "identityProvider"],
    replacedBy:
      "the tenant's conditional access, `embedded.policy.conditionalAccess.requireMfa: true` (the rule the Windows sign-in honours too): the legacy Setup Assistant sign-in cannot complete MFA, so the enrollment URL answers 401 again and Setup Assistant stays at the sign-in (scenarios/failures/ios-ade-auth-mfa-mismatch.yaml); an identity provider without a WS-Trust 1.3 endpoint answers the same and is not modelled apart",
  },
  {
    path: ["embedded", "apple", "account", "unlicensedUsers"],
    replacedBy:
      "the tenant's directory, `embedded.policy.directory.users: [{ upn: nolicence@example.org, licensed: false }]`: an unlicensed user's account-driven enrollment and ADE Setup Assistant sign-in both get 403 UserLicenseTypeInvalid (scenarios/failures/ios-user-unlicensed.yaml)",
  },
  {
    path: ["embedded", "apple", "account", "wellKnown"],
    replacedBy:
      'a fault that answers the discovery request in the server\'s place with Apple\'s error body (the domain\'s web server or front end refuses it), `faults: [{ match: { step: account.well-known }, status: { code: 403, headers: { content-type: application/json }, body: \'{"code":"com.apple.well-known.failed","message":"This account cannot be used to enroll."}\' } }]` (scenarios/failures/apple-well-known-failed.yaml)',
  },
  {
    path: ["embedded", "apple", "account", "mdmAuthorityDefined"],
    replacedBy:
      "the tenant's MDM authority, `embedded.policy.mdmAuthority: none`: every Apple enrollment entry point (profile download, ADE enrollment URL, account-driven enrollment) answers 403 MdmAuthorityNotDefined (scenarios/failures/ios-mdm-authority-not-defined.yaml)",
  },
  {
    path: ["embedded", "apple", "restrictions"],
    replacedBy:
      "a payload the server adds to its enrollment profile, `embedded.apple.profile: { add: [{ PayloadType: com.apple.applicationaccess, allowHostPairing: false }] }` (the same profile mechanism as the removed/changed keys of apple-profile-missing-identity-uuid and apple-profile-bad-topic: scenarios/failures/ios-sync-deny-all.yaml)",
  },
  {
    path: ["embedded", "policy", "ade", "released"],
    replacedBy:
      "the timeline's record deletion in Apple Business Manager, `timeline: [{ at: 0s, group: NAME, deleteRecords: { in: abm } }]` (the admin releases the devices; before set-up at 0s, or later during the run); `deleteRecords: {}` deletes the MDM server's record instead, which a full sync brings back (scenarios/failures/apple-ade-released-device.yaml)",
  },
];

const pemList = { type: "array", items: { type: "string", pattern: "-----BEGIN CERTIFICATE-----" }, maxItems: 16 };

export const appleScenario: ScenarioExtension = {
  key: "apple",
  groupOptions: {
    type: "object",
    additionalProperties: false,
    description: "Options of the ios-* and macos-* flows.",
    properties: {
      profileUrl: { type: "string", pattern: "^(https?://|%SERVER(_HTTP)?%)", "x-expected": "an http(s) URL, or one starting with %SERVER%", description: "Profile flows: URL of the enrollment profile (default: the embedded server's /apple/enroll)." },
      profileFile: { type: "string", minLength: 1, maxLength: 4096, description: "Profile flows: read the enrollment profile (.mobileconfig) from this file instead of downloading it; a relative path is resolved from the scenario file's directory. For servers that serve no profile (NanoMDM)." },
      installVia: {
        enum: ["system-settings", "profiles-cli"],
        description:
          "macos-profile: how the enrollment profile gets installed on the Mac. system-settings (default): the user downloads or double-clicks it, which only downloads it (System Settings › Profile Downloaded; System Preferences before macOS 13), then opens it there, installs it with an administrator's password (profile.admin-auth) and approves it (profile.approve); a user who never opens it is the timeline's `abandon` at profile.user-install: it stays downloaded, nothing is installed (apple.profile.not-installed; Apple publishes no expiry of a downloaded profile on macOS, unlike the 8 minutes on iOS). profiles-cli: a script runs `sudo profiles install -path x.mobileconfig` (or `profiles -I -F`): on macOS 11 and later the tool prints \"profiles tool no longer supports installs. Use System Settings Profiles to add configuration profiles.\" (System Preferences on 11–12), exits 1 and installs nothing (apple.profile.cli-install-removed at device.method; profiles(1): \"Starting with macOS 11.0 … this tool cannot be used to install configuration profiles\"); on 10.15 and earlier it installs silently as root (no consent, no password prompt) and the enrollment is not user-approved until the user approves it in System Preferences (VMware, \"User Approved MDM in macOS High Sierra\": scripted installs are not user-approved).",
      },
      signature: { enum: ["accept", "require-valid", "require-trusted"], description: "Unsigned or badly signed profiles: accept (default, shown as Not Verified), require a valid signature, or require a trusted signer." },
      trust: { ...pemList, description: "Extra PEM anchors the device trusts for profile signers and the MDM server." },
      push: {
        type: "object",
        additionalProperties: false,
        description: "After enrolling, stay on and wake `listen` more times: on a push from the (mock) APNs for the device's token, or every pollSeconds.",
        properties: {
          listen: { type: "integer", minimum: 0, maximum: 1000, description: "Wake-ups after enrollment (default 0)." },
          pollSeconds: { type: "number", minimum: 1, maximum: 86400, description: "Poll cadence when no push comes (default 3600)." },
        },
      },
      sessions: {
        type: "object",
        additionalProperties: false,
        properties: {
          min: { type: "integer", minimum: 1, maximum: 100, description: "Sessions the device runs even when the server has nothing (polling in place of pushes; default 1)." },
          max: { type: "integer", minimum: 1, maximum: 100, description: "Most command sessions (default 10)." },
          pollSeconds: { type: "number", minimum: 0, maximum: 3600, description: "Pause between sessions while the server redelivers NotNow'd commands (default 1)." },
          notNowRedelivery: { enum: ["not-now", "end-session"], description: "A NotNow'd command offered again in the same session: answer NotNow again (default) or end the session." },
        },
      },
      commands: {
        type: "object",
        description: 'Per-command behaviour by RequestType, or "*" for every command.',
        propertyNames: { pattern: "^(\\*|[A-Za-z][A-Za-z0-9.]*)$" },
        additionalProperties: behaviour,
      },
      bootstrapToken: { type: "boolean", description: "macOS: SetBootstrapToken then GetBootstrapToken (default: on for ADE)." },
      userChannel: { type: "boolean", description: "macOS: UserAuthenticate and the user-channel TokenUpdate (default: on for ADE)." },
      configurator: {
        type: "object",
        additionalProperties: false,
        description: "ios-configurator: the user's affiliation with the device (Company Portal sign-in) after the Configurator enrollment, at step configurator.affinity (a user who affiliates late: the timeline's idle there).",
        properties: {
          user: { type: "string", description: "The user who affiliates (default user<n>@enrollsim.test)." },
        },
      },
      unenrollAtEnd: { type: "boolean", description: "Remove the MDM profile at the end (CheckOut when CheckOutWhenRemoved)." },
      mistypedPasswords: {
        type: "integer",
        minimum: 0,
        maximum: 1000,
        description:
          "The user mistypes the password at the device's first N password sign-ins (the enrollment portal's login, the account-driven sign-in, the Setup Assistant's legacy sign-in for ade.basicAuth), a different typo each time, then types the right one. Each is answered as a wrong password and counts toward the tenant's lockout (embedded.policy.directory.lockout). The count carries over the user's Try Again (timeline tryAgain). Default 0.",
      },
      ...appleServicesGroupOptions,
      ...applePortalGroupOptions,
      account: {
        type: "object",
        additionalProperties: false,
        description: "Account-driven enrollment (ios-user-enrollment, macos-user-enrollment, ios-account-device-enrollment).",
        properties: {
          user: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+$", description: "The managed Apple ID the user signs in with (default user<n>@<domain>)." },
          domain: { type: "string", description: "Domain of the default managed Apple ID (default enrollsim.test)." },
          wellKnownUrl: { type: "string", pattern: "^https://", description: "GET this .well-known URL instead of https://<domain>/.well-known/com.apple.remotemanagement." },
          auth: { enum: ["token", "form"], description: "Auth driver for the 401 Bearer challenge (default: token when token is set, else form: the sign-in form for apple-as-web, the authorization-code flow with PKCE for apple-oauth2). Also runs again after a mid-session 401 Bearer challenge." },
          token: { type: "string", minLength: 1, description: "token driver: the access token the web sign-in would produce (a secret: redacted)." },
          password: { type: "string", description: "form driver: the password typed into the sign-in form (a secret: redacted)." },
        },
      },
      ade: {
        type: "object",
        additionalProperties: false,
        properties: {
          cloudConfigUrl: { type: "string", pattern: "^(https?://|/)", description: "Where the device gets its cloud configuration (default: the embedded server's stand-in, when no cloudConfig is given)." },
          cloudConfig: {
            type: "object",
            additionalProperties: false,
            description: "The cloud configuration Apple would hand the device (DEP profile fields); when set, nothing is fetched.",
            properties: {
              url: { type: "string", pattern: "^(https?://|/)", description: "Enrollment URL; a path is relative to the server under test." },
              configuration_web_url: { type: "string", pattern: "^(https?://|/)", description: "Web-view enrollment URL; a path is relative to the server under test." },
              is_supervised: { type: "boolean" },
              is_mandatory: { type: "boolean" },
              is_mdm_removable: { type: "boolean" },
              await_device_configured: { type: "boolean" },
              skip_setup_items: { type: "array", items: { type: "string" }, maxItems: 64 },
              department: { type: "string" },
              support_phone_number: { type: "string" },
              anchor_certs: pemList,
              supervising_host_certs: pemList,
            },
          },
          awaitTimeoutSeconds: { type: "number", minimum: 0, maximum: 86400, description: "How long Setup Assistant waits for DeviceConfigured (default 600)." },
          pollSeconds: { type: "number", minimum: 0, maximum: 3600, description: "Session cadence while awaiting configuration (default 30)." },
          basicAuth: {
            type: "object",
            additionalProperties: false,
            required: ["username", "password"],
            properties: { username: { type: "string" }, password: { type: "string" } },
          },
        },
      },
    },
  },
  embedded: {
    type: "object",
    additionalProperties: false,
    description: "The embedded server's Apple half.",
    properties: {
      signMessage: { type: "boolean", description: "Profile SignMessage: true → Mdm-Signature header, false (default) → mTLS." },
      signProfile: { type: "boolean", description: "CMS-sign the enrollment profile (default true); false serves it unsigned." },
      profile: PROFILE_EDITS_SCHEMA,
      topic: { type: "string", description: "APNs topic in the MDM payload." },
      accessRights: { type: "integer", minimum: 0, maximum: 8191 },
      scepSubject: { type: "string", description: 'SCEP Subject as a DN with %variables%, e.g. "O=enrollsim,CN=%SerialNumber%".' },
      commands: {
        type: "array",
        maxItems: 200,
        description: "Commands queued for every device at Authenticate, in order.",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["requestType"],
          properties: {
            requestType: { type: "string" },
            payload: { type: "object", description: 'Command keys; {"$data": base64} for data.' },
            products: { type: "array", items: { type: "string", minLength: 1 }, maxItems: 32, description: "Only for devices whose Authenticate ProductName starts with one of these (e.g. iPad)." },
          },
        },
      },
      userChannel: { type: "boolean", description: "Accept macOS UserAuthenticate with an empty DigestChallenge (default false: 410, as NanoMDM)." },
      ddm: {
        type: "object",
        additionalProperties: false,
        description: "Declarative management: send DeclarativeManagement after the scripted commands and serve a declaration set (default: an activation activating passcode.settings and status-subscriptions).",
        properties: {
          enabled: { type: "boolean" },
          passcodeMinimumLength: { type: "integer", minimum: 0, maximum: 16, description: "MinimumLength of the default passcode.settings (device passcodes are 6 digits: above 6 is non-compliant)." },
          declarations: {
            type: "array",
            maxItems: 100,
            items: {
              type: "object",
              additionalProperties: false,
              required: ["Type", "Identifier", "Payload"],
              properties: { Type: { type: "string", pattern: "^com\\.apple\\.(activation|configuration|asset|management)\\." }, Identifier: { type: "string", minLength: 1 }, Payload: { type: "object" } },
            },
          },
          assets: {
            type: "array",
            maxItems: 50,
            description: "Asset data served at /apple/ddm/assets/<Identifier> (HTTPS); each entry adds an asset declaration whose Reference carries the DataURL, ContentType, Size and Hash-SHA-256 of the data.",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["Identifier", "data"],
              properties: {
                Identifier: { type: "string", minLength: 1, maxLength: 200 },
                Type: { type: "string", pattern: "^com\\.apple\\.asset\\.", description: "Asset declaration type (default com.apple.asset.data)." },
                data: { type: "string", maxLength: 1048576, description: "The asset's data (text, or base64 with encoding: base64)." },
                encoding: { type: "string", enum: ["text", "base64"] },
                contentType: { type: "string", description: "Declared and served media type (default application/octet-stream)." },
                authentication: { type: "string", enum: ["MDM", "None"], description: "Authentication.Type: MDM (default) requires the device identity as TLS client certificate." },
              },
            },
          },
        },
      },
      apnsUrl: { type: "string", pattern: "^https?://", description: "APNs base URL the server pushes to (POST /apple/api/push; default: its own mock APNs)." },
      ...appleServicesEmbedded,
      ...applePortalEmbedded,
      ...appleIdentityEmbedded,
      ...appleProfileRootsEmbedded,
      apns: { type: "boolean", description: "Run the mock APNs (HTTP/2 on 127.0.0.1) beside the half (default true); its URL is printed by describe()." },
      basicAuth: {
        type: "object",
        additionalProperties: false,
        required: ["username", "password"],
        properties: { username: { type: "string" }, password: { type: "string" } },
      },
      cloudConfig: {
        type: "object",
        description: "Fields of the cloud configuration served by the stand-in for Apple's service (GET /apple/ade/cloudconfig), merged over its defaults.",
        properties: {
          url: { type: "string" },
          configuration_web_url: { type: "string" },
          await_device_configured: { type: "boolean" },
          is_supervised: { type: "boolean" },
          is_mandatory: { type: "boolean" },
          is_mdm_removable: { type: "boolean" },
          department: { type: "string" },
          support_phone_number: { type: "string" },
          skip_setup_items: { type: "array", items: { type: "string" } },
          supervising_host_certs: { type: "array", items: { type: "string" }, description: "PEM certificates of the supervision hosts: Macs holding the organization's supervision identity may pair while allowHostPairing is false (timeline connectHost)." },
        },
        additionalProperties: false,
      },
      account: {
        type: "object",
        additionalProperties: false,
        description: "Account-driven enrollment: GET /.well-known/com.apple.remotemanagement, POST /apple/account/{byod,adde}, sign-in form /apple/account/auth.",
        properties: {
          tokens: { type: "array", items: { type: "string", minLength: 8 }, maxItems: 100, description: "Access tokens accepted as is (what the device's token driver presents; secrets: redacted)." },
          password: { type: "string", description: 'Password of every managed Apple ID on the sign-in form (default "enrollsim-user-password"; a secret: redacted).' },
          authMethod: { enum: ["apple-as-web", "apple-oauth2"], description: "Bearer challenge method: apple-as-web (sign-in form, default) or apple-oauth2 (stand-in authorization server at /apple/account/oauth2/{authorize,token}: authorization code + PKCE S256, refresh tokens)." },
          tokenLifetimeSeconds: { type: "integer", minimum: 1, maximum: 31_536_000, description: "Issued access tokens expire this long after issue (server clock); an MDM request carrying an expired one gets 401 + WWW-Authenticate Bearer and the device re-authenticates (default: no expiry; scenario tokens never expire)." },
          disableUsersAfterEnrollment: { type: "boolean", description: "A managed Apple ID is disabled once it enrolled: sign-in, authorization and refresh are refused, so a re-authentication fails and the device unenrolls (default false)." },
        },
      },
      scepChallenge: {
        type: "object",
        additionalProperties: false,
        description:
          "Each served enrollment profile embeds its own SCEP challenge (the enrollment credential), valid lifetimeSeconds from the moment the profile is served; a PKIOperation with an expired one is refused by checkedBy. Time passes with the timeline (idle at profile.scep, skip).",
        properties: {
          lifetimeSeconds: { type: "number", minimum: 0, maximum: 31_536_000, description: "Challenge lifetime (default: ca → no per-profile challenge, the CA's static one, unless singleUse; ndes → 900, Intune's 15 minutes)." },
          singleUse: {
            type: "boolean",
            description:
              "Each profile's challenge enrolls one certificate request (one SCEP transaction; a re-sent PKCSReq of the same transaction is still answered): a second request with it is refused as an unknown challenge would be. NDES challenges are single-use (Microsoft, 'Configure infrastructure to support SCEP with Intune'); NanoMDM setups with one-time challenges hit it when a device retries with the profile it already has (nanomdm issue #73). Default false.",
          },
          checkedBy: {
            enum: ["ca", "ndes"],
            description: "ca (default): the CA refuses an expired challenge with SCEP FAILURE badRequest; ndes: the profile's SCEP URL is an NDES/policy-module stand-in (/apple/ndes) that refuses it with HTTP 500 and no CertRep (the device shows 'The SCEP server returned an invalid response.').",
          },
        },
      },
      signatureSkewSeconds: {
        type: "number",
        minimum: 0,
        maximum: 86_400,
        description:
          "Mdm-Signature: how many seconds the signingTime the device wrote (on its own clock, state.clockOffset) may lie outside its identity certificate's validity. Default 0: NanoMDM and MicroMDM allow none and refuse with 400 'pkcs7: signing time … is outside of certificate validity …' (nanomdm issue #73 proposes 2–5 s).",
      },
      signatureRefusalStatus: {
        enum: [400, 500],
        description:
          "HTTP status for an Mdm-Signature that does not verify (bad signature, digest, or a signingTime outside the certificate's validity): 400 (default; NanoMDM answers any verification error 400) or 500 (MicroMDM, micromdm issue #886). The device shows what it shows for that status at that step.",
      },
      unknownDeviceStatus: { enum: [401, 500], description: "HTTP status for check-ins / command reports of an enrollment the server does not know (default 401; NanoMDM answers 500)." },
      requireHardwareIds: { type: "boolean", description: "The server keys devices by hardware ids: an Authenticate without UDID and SerialNumber (User Enrollment) or with a blank SerialNumber (a macOS VM) gets 400." },
      configurator: {
        type: "object",
        additionalProperties: false,
        description:
          "The Apple Configurator enrollment profile. With userAffinity it is used through its Setup Assistant enrollment URL (/apple/configurator/enroll, what flow ios-configurator downloads): the user must be affiliated (POST /apple/configurator/affinity) within the window, or the enrollment is dropped; and it cannot be exported for direct enrollment: GET /apple/enroll answers 403 UserAffinityNotSupported.",
        properties: {
          userAffinity: { type: "boolean", description: "The profile has user affinity (default false)." },
          affinityWindowSeconds: { type: "number", minimum: 0, maximum: 31_536_000, description: "Default 86400 (24 h)." },
        },
      },
      fault: {
        enum: ["checkin-401", "first-authenticate-500"],
        description: "Aliases of faults: entries: checkin-401 (every check-in after Authenticate answered 401), first-authenticate-500 (each device's first Authenticate answered 500).",
        "x-removed": {
          "missing-identity-uuid": "the enrollment profile as the server builds it, `profile: { remove: [com.apple.mdm/IdentityCertificateUUID] }` (scenarios/failures/apple-profile-missing-identity-uuid.yaml)",
          "bad-topic": "the enrollment profile as the server builds it, `profile: { set: { com.apple.mdm/Topic: not-a-topic } }` (scenarios/failures/apple-profile-bad-topic.yaml)",
          "no-anchor": "the enrollment profile as the server builds it, `profile: { remove: [com.apple.security.root] }`, with the check-in served from a root of the organisation's own (embedded.tls.privateRoots, endpoints) that devices lack (no root payload: scenarios/failures/apple-checkin-url-untrusted.yaml); which roots the profile carries is profileRoots",
          "unsigned-profile": "`signProfile: false` (the server serves its profile unsigned: scenarios/failures/apple-profile-unsigned-required.yaml)",
          "command-html":
            'a fault that answers the command channel with the maintenance page in the server\'s place, `faults: [{ name: maintenance page, match: { platform: apple, url: "*/apple/mdm" }, status: { code: 200, headers: { content-type: text/html }, body: "<html>maintenance</html>" } }]` (scenarios/failures/apple-command-wrong-content-type.yaml)',
        },
      },
    },
  },
};
