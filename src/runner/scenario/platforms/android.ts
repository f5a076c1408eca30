// SPDX-License-Identifier: MIT
/**
 * Scenario extension for the android platform: the JSON Schema of `groups[].options.android`
 * (read by the android-* flows, src/device/android/options.ts) and of `embedded.android` (the
 * reference server's Android half, src/server/android/config.ts). Documented in
 * scenarios/README-android.md.
 */
import type { Json } from "../json.js";
import { workspaceOneSchema } from "../workspace-one-schema.js";
import type { ScenarioExtension } from "./extension.js";
import { DELEGATED_SCOPES } from "../../../wire/android/delegation.js";

const MODES = ["fully-managed", "dedicated", "cope", "work-profile"];
const wifi = {
  type: "object",
  additionalProperties: false,
  required: ["ssid"],
  properties: {
    ssid: { type: "string", minLength: 1, maxLength: 32 },
    securityType: { enum: ["NONE", "WPA", "WEP", "EAP"] },
    password: { type: "string", maxLength: 63 },
  },
};
const fault = {
  type: "string",
  enum: ["none", "stall"],
  "x-removed": {
    malformed:
      "a fault with the answer the server should not have sent, at the step that reads it, e.g. `faults: [{ name: malformed Device resource, match: { step: android.amapi.redeem }, status: { code: 200, headers: { content-type: application/json }, body: '{\"name\":42,\"managementMode\":\"SOMETHING\"}' } }]` (scenarios/failures/android-dpc-policy-compliance-fails.yaml)",
  },
};
/** A value written over a computed extra; null removes it. */
const extraOverride: Json = { anyOf: [{ type: "string", maxLength: 4096 }, { type: "boolean" }, { type: "integer" }, { type: "null" }] };

const groupOptions: Json = {
  type: "object",
  additionalProperties: false,
  description: "android flow options (android-qr, android-token, android-work-profile, android-aosp, android-da).",
  properties: {
    profile: { type: "string", pattern: "^[\\w.-]{1,64}$", description: "Server provisioning profile (embedded.android.profiles key). Default per flow." },
    trigger: { enum: ["qr", "nfc", "zero-touch", "kme"], description: "How the payload reaches the device (android-qr, android-aosp). Default qr." },
    mode: { enum: MODES, description: "What the DPC answers to GET_PROVISIONING_MODE." },
    dialect: {
      enum: ["amapi", "headwind", "intune", "knox-manage", "workspace-one"],
      description:
        "DPC↔server dialect. Default from the DPC package. knox-manage: the Knox Manage agent (enrollment over the AMAPI stand-in; its protocol is not published) showing Knox Manage's own client error codes (KMA_*) for the causes it meets. workspace-one: the Workspace ONE Intelligent Hub's staging (admin extras serverurl, gid, un, pw; the default for a profile with dpc: workspace-one), showing the Hub's published errors (CREATE_MDM_ERROR for a locked staging user, Invalid User Credentials.). intune: AMAPI enrollment, then the Company Portal / Microsoft Intune app checks the device's compliance with embedded.policy.compliance (Not in Compliance / Noncompliant with the failing settings: README-android.md \"Device integrity\").",
    },
    payload: { type: "string", maxLength: 65536, description: "A literal QR payload (JSON text) instead of fetching one." },
    strictExtras: { type: "boolean", description: "Unknown extras are errors (default true) or warnings." },
    statusReports: { type: "integer", minimum: 0, maximum: 1000, description: "AMAPI status reports after enrollment. Default 1." },
    nonCompliant: {
      type: "boolean",
      description:
        "DEPRECATED alias, kept so old files keep their meaning: the DPC holds a password requirement (passwordQuality SOMETHING) and the device has no screen lock, so its AMAPI status reports say policyCompliant false, passwordPolicies USER_ACTION. Write instead the device state `state: { screenLock: { type: none } }` with the profile's `passwordPolicies: [{ passwordQuality: SOMETHING }]` (scenarios/README-android.md \"Screen lock and password policy\").",
    },
    statusIntervalSeconds: { type: "number", minimum: 0, maximum: 86400, description: "Delay between status reports. Default 60." },
    pushPolls: { type: "integer", minimum: 0, maximum: 1000, description: "Headwind long-poll rounds. Default 1." },
    amapiUrl: { type: "string", pattern: "^(https?://|%(SERVER|SERVER_HTTP)%)", "x-expected": "an http(s) URL, or one starting with %SERVER%", description: "Base of the fake AMAPI device endpoints (an http(s) URL, or `%SERVER%/android/amapi`). Default: server + /android/amapi." },
    headwindSecret: { type: "string", maxLength: 200, description: "Headwind shared secret for X-Request-Signature." },
    checkSignature: { type: "boolean", description: "Verify Headwind's X-Response-Signature." },
    unenrollOnAuthError: { type: "boolean", description: "Headwind agent persona that treats a transient 401/404 as unenrollment." },
    maxApkBytes: { type: "integer", minimum: 1, maximum: 268435456, description: "Largest DPC APK accepted. Default limits.maxResponseBytes." },
    dpc: { type: "object", additionalProperties: false, properties: { targetSdk: { type: "integer", minimum: 8, maximum: 40, description: "android-da: the agent's targetSdkVersion (default 28); 29+ on Android 10+ loses the deprecated device-admin policies." } } },
    user: { type: "string", minLength: 1, maxLength: 200, description: "The user who signs in / types the KME credentials. Default: user-<serial>." },
    enterToken: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        profile: { type: "string", pattern: "^[\\w.-]{1,64}$", description: "An embedded provisioning profile: the user enters its enrollment token." },
        value: { type: "string", minLength: 1, maxLength: 512, description: "The code as the user types it." },
      },
      "x-expected": "{ profile: NAME } or { value: CODE }",
      description:
        "AMAPI: what the user enters at Android Device Policy's own scan-QR / enter-code screen, which it shows when the provisioning admin extras carry no EXTRA_ENROLLMENT_TOKEN (android/enterprise-samples#32): { profile: NAME } the token of that embedded profile, { value: CODE } a code as typed. Absent: the user has none and the device waits on that screen (android.amapi.awaiting-token). The timeline's idle / abandon at step android.amapi.enter-token act there.",
    },
    migrateToWorkProfile: { enum: ["resolve", "link"], description: "android-da: after enrollment, migrate to a work profile via the Resolve notice or the update-settings link." },
    agentVersionCode: { type: "integer", minimum: 1, maximum: 2147483647, description: "Headwind agent's own version code (default 15270); a newer one in the configuration self-updates it." },
    awaitPushSeconds: { type: "number", minimum: 0, maximum: 86400, description: "AMAPI: after enrollment, wait up to this long for an FCM push (command / policy tickle), then sync. Default 0." },
    delegationDelaySeconds: {
      type: "number",
      minimum: 0,
      maximum: 86400,
      description:
        "AMAPI: how long after installing a policy app Android Device Policy applies the app's delegatedScopes, on the device's clock. Not published (Google says only that the policy grants them; fleetdm/fleet#43064: applied asynchronously, later than the app's first run): default 0, delegated with the install.",
    },
    appVersions: {
      type: "object",
      maxProperties: 20,
      propertyNames: { pattern: "^[A-Za-z][\\w]*(\\.[A-Za-z][\\w]*)+$" },
      additionalProperties: { type: "string", pattern: "^\\d+(\\.\\d+){0,3}$", "x-expected": "a version such as 1.3.0" },
      description:
        "AMAPI: the version Google Play installs of a policy app, by package name (default: the newest release the agent catalog knows). An agent catalog entry's afterInstall rows are chosen by it (agents/README.md), e.g. { com.fleetdm.agent: 1.3.0 }.",
    },
    pushPollSeconds: { type: "number", minimum: 1, maximum: 3600, description: "How often the modelled FCM connection is read while waiting. Default 15." },
    checkins: { type: "integer", minimum: 0, maximum: 1000, description: "Headwind: periodic configuration check-ins after the long-polls. Default 0." },
    checkinIntervalSeconds: { type: "number", minimum: 0, maximum: 86400, description: "Delay between those check-ins. Default 300." },
  },
};

const profile = {
  type: "object",
  additionalProperties: false,
  properties: {
    mode: { enum: [...MODES, "aosp", "device-admin"] },
    dpc: { enum: ["clouddpc", "headwind", "company-portal", "workspace-one"], description: "The DPC the payload installs. workspace-one: the Workspace ONE Intelligent Hub (com.airwatch.androidagent) with its staging extras serverurl, gid, un, pw from embedded.policy.workspaceOne (adminExtras write over them)." },
    checksum: { enum: ["package", "signature", "both"] },
    checksumFormat: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description:
        "How the admin computed and wrote the payload's checksums (both package and signature). Android reads SHA-256 in URL-safe base64 (DevicePolicyManager EXTRA_PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM); SHA-1 is a hash mismatch on Android 10+, standard base64 ('+', '/') is refused as 'Incorrect format', (colon-)hex decodes to other bytes: a hash mismatch (AOSP ManagedProvisioning StoreUtils).",
      properties: {
        algorithm: { enum: ["sha256", "sha1"], description: "The hash the admin computed (default sha256)." },
        encoding: { enum: ["base64url", "base64", "hex", "hex-colons"], description: "How the admin wrote it (default base64url; hex-colons: keytool's AB:CD:… output)." },
      },
    },
    fault: {
      enum: ["none", "checksum-mismatch", "apk-truncated", "apk-redirect-off-host", "apk-corrupt"],
      "x-removed": {
        "apk-huge": "the device's download limit below the served APK's size, `options.android.maxApkBytes: 4096` (the hosted DPCs are about 6.5 KiB; scenarios/failures/android-apk-huge.yaml)",
        "checksum-standard-base64": "the profile's checksumFormat as the admin wrote it, `checksumFormat: { encoding: base64 }` (scenarios/failures/android-checksum-standard-base64.yaml)",
        "checksum-hex": "the profile's checksumFormat as the admin wrote it, `checksumFormat: { encoding: hex }` or `{ encoding: hex-colons }` (scenarios/failures/android-checksum-hex-format.yaml)",
        "checksum-sha1": "the profile's checksumFormat as the admin computed it, `checksumFormat: { algorithm: sha1 }` (scenarios/failures/android-sha1-checksum-android10.yaml)",
        "wrong-component": 'the profile\'s extras as the admin typed them, e.g. `extras: { android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME: "com.google.android.apps.work.clouddpc/.NoSuchAdminReceiver" }` (scenarios/failures/android-admin-component-missing.yaml)',
        "extra-invalid-type": 'the profile\'s extras as the admin typed them, e.g. `extras: { android.app.extra.PROVISIONING_SKIP_ENCRYPTION: "yes" }` (a string where Android reads a boolean)',
        "unknown-extra": "the profile's extras as the admin typed them, e.g. `extras: { android.app.extra.PROVISIONING_WIFI_SSID_TYPO: corp }`",
        "bad-locale": 'the profile\'s extras as the admin typed them, e.g. `extras: { android.app.extra.PROVISIONING_LOCALE: "en US" }`',
        "nfc-bad-number": "the profile's extras as the admin typed them, e.g. `extras: { android.app.extra.PROVISIONING_LOCAL_TIME: soon }` with `trigger: nfc`",
        "no-token": "an admin extra removed with null, e.g. `adminExtras: { com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN: null }`",
        "no-customer": "an admin extra removed with null, e.g. `adminExtras: { com.hmdm.CUSTOMER: null }`",
      },
    },
    cookie: { type: "string", maxLength: 1000 },
    wifi,
    policy: { type: "string", pattern: "^[\\w.-]{1,64}$" },
    additionalData: { type: "string", maxLength: 1024 },
    organizationName: { type: "string", maxLength: 200 },
    headwindConfig: { type: "string", maxLength: 200 },
    headwindCustomer: { type: "string", maxLength: 200 },
    adminExtras: { type: "object", additionalProperties: extraOverride, description: "Admin extras written into the bundle over the computed ones (typed in QR JSON; NFC turns them into strings); null removes one (e.g. the enrollment token)." },
    extras: {
      type: "object",
      propertyNames: { pattern: "^[A-Za-z_][\\w.]{0,199}$" },
      additionalProperties: extraOverride,
      description: "Provisioning extras (full names, e.g. android.app.extra.PROVISIONING_LOCALE) written into the QR/NFC/zero-touch/KME payload over the computed ones, exactly as an admin typed them (a wrong type, a typo, a component the APK lacks); null removes one.",
    },
    userSignIn: { type: "boolean", description: "The DPC signs the user in (Chrome custom tab) before enrolling." },
    kmeUser: { type: "string", minLength: 1, maxLength: 200, description: "KME: the device record is associated with this user." },
    headwindDeviceId: { type: "string", pattern: "^[\\w.@:-]{1,100}$" },
    enrollWithinSeconds: {
      type: "integer",
      minimum: 60,
      maximum: 315360000,
      description:
        "Knox Mobile Enrollment Advanced Profile (Knox Suite): the date by which a device assigned the profile must be enrolled in the EMM, as seconds after the profile was assigned (the run's start). A device that starts its setup after it, or has not finished enrolling by then (timeline idle, offline, a skip), is locked by Knox: android.portal.locked-deadline, Knox Admin Portal state \"Locked due to timeout\" (scenarios/README-android.md \"Vendor enrollment deadline\"). KME trigger only. Default: no deadline.",
    },
    advancedProfile: {
      type: "boolean",
      description:
        "Knox Mobile Enrollment Advanced Profile (Knox Suite) assigned to the profile's devices (implied by enrollWithinSeconds): Knox attests the device (Knox attestation blob, its warranty bit and firmware measurement) before setup and locks it on failure — android.portal.locked-attestation, Knox Admin Portal state \"Locked due to attestation failure\" (scenarios/README-android.md \"Device integrity\"). KME trigger only. Default false.",
    },
    passwordPolicies: {
      type: "array",
      maxItems: 8,
      description:
        "AMAPI Policy.passwordPolicies of the profile's policy (PasswordRequirements): the screen lock the device must have. Android Device Policy compares the device's state screenLock with them and reports a lock that misses one as passwordPolicies USER_ACTION / PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT, policyCompliant false (scenarios/README-android.md \"Screen lock and password policy\"). Read at each status report, so a timeline `set` reaches devices at their next one. AMAPI dialect only.",
      items: {
        type: "object",
        additionalProperties: false,
        properties: {
          passwordQuality: { enum: ["SOMETHING", "NUMERIC", "ALPHABETIC", "ALPHANUMERIC", "COMPLEX"], description: "PasswordQuality: SOMETHING any lock (pattern, PIN, password), NUMERIC a PIN or password, ALPHABETIC/ALPHANUMERIC a password, COMPLEX a password with symbols (not modelled: no device meets it)." },
          passwordMinimumLength: { type: "integer", minimum: 0, maximum: 64, description: "Fewest characters of a PIN or password." },
          passwordScope: { enum: ["SCOPE_DEVICE", "SCOPE_PROFILE"], description: "PasswordPolicyScope; enrollsim has one screen lock and compares both with it." },
        },
      },
    },
    openNetworkConfiguration: {
      type: "object",
      description:
        "AMAPI Policy.openNetworkConfiguration of the profile's policy (ONC, passed as sent). A Wi-Fi network whose EAP client certificate is a key pair alias (ClientCertType KeyPairAlias, ClientCertKeyPairAlias) that no app installed on the device is reported by Android Device Policy as nonComplianceDetails openNetworkConfiguration / INVALID_VALUE / ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY (scenarios/README-android.md \"Delegated scopes and agent work after install\"). AMAPI dialect only.",
    },
    applications: {
      type: "array",
      maxItems: 20,
      description:
        "AMAPI Policy.applications of the profile's policy: managed apps the device installs after enrolling, each with its managed configuration. An OEM policy app (OEMConfig: Knox Service Plugin, com.samsung.android.knox.kpu) decides on the device whether it supports the device's release, management mode and Knox version, shows its published code and text, and reports them as keyed app states (scenarios/README-android.md \"OEM policy apps\"). AMAPI dialect only.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["packageName"],
        properties: {
          packageName: { type: "string", pattern: "^[A-Za-z][\\w]*(\\.[A-Za-z][\\w]*)+$", "x-expected": "a package name such as com.samsung.android.knox.kpu" },
          installType: { enum: ["PREINSTALLED", "FORCE_INSTALLED", "AVAILABLE", "REQUIRED_FOR_SETUP", "KIOSK"], description: "AMAPI InstallType. Default FORCE_INSTALLED." },
          managedConfiguration: { type: "object", description: "The app's managed configuration (its own schema: KSP's device-wide policies, …), passed to the app as sent." },
          delegatedScopes: {
            type: "array",
            maxItems: 10,
            uniqueItems: true,
            description:
              "AMAPI ApplicationPolicy.delegatedScopes: DevicePolicyManager privileges Android Device Policy delegates to the app once it is installed (after options.android.delegationDelaySeconds). An agent app's action that needs one (CERT_INSTALL for installKeyPair) before it is active gets Android's SecurityException (scenarios/README-android.md \"Delegated scopes and agent work after install\").",
            items: { enum: [...DELEGATED_SCOPES, "DELEGATED_SCOPE_UNSPECIFIED"] },
          },
        },
      },
    },
    token: {
      type: "object",
      additionalProperties: false,
      properties: {
        durationSeconds: { type: "integer", minimum: 60, maximum: 315360000000 },
        oneTimeOnly: { type: "boolean" },
        perDevice: { type: "boolean" },
      },
    },
  },
};

const embedded: Json = {
  type: "object",
  additionalProperties: false,
  description: "The embedded server's android half.",
  properties: {
    enterpriseId: { type: "string", pattern: "^[\\w-]{1,64}$" },
    profiles: { type: "object", propertyNames: { pattern: "^[\\w.-]{1,64}$" }, additionalProperties: profile },
    amapi: {
      type: "object",
      additionalProperties: false,
      properties: {
        pushEndpoint: { type: "string", pattern: "^https?://" },
        pendingCommands: { type: "integer", minimum: 0, maximum: 100 },
        fault,
        integrityNonceValiditySeconds: {
          type: "integer",
          minimum: 1,
          maximum: 86_400,
          description:
            "How long a one-time integrity nonce lives on the server's clock, from issue to the request whose key attestation carries it as attestationChallenge (server/android/integrity-nonces.ts). Evidence with a missing, replayed, expired or another device's nonce gets no verdict. Default 600 (an assumption: Google publishes no validity).",
        },
      },
    },
    workspaceOne: { ...(workspaceOneSchema as Record<string, unknown>), description: "The old name of embedded.policy.workspaceOne (the Workspace ONE tenant now serves the Hub on Android and iOS); still read when embedded.policy.workspaceOne is absent." },
    headwind: {
      type: "object",
      additionalProperties: false,
      properties: {
        secureEnrollment: { type: "boolean" },
        hashSecret: { type: "string", maxLength: 200 },
        duplicatePrevention: { type: "boolean" },
        requireCustomer: { type: "boolean" },
        pushOnEnroll: { type: "boolean" },
        fault: { type: "string", enum: ["none", "malformed", "stall", "transient-404"] },
        agentVersionCode: { type: "integer", minimum: 1, maximum: 2147483647, description: "Agent version code the configuration offers." },
      },
    },
  },
};

export const androidScenario: ScenarioExtension = { key: "android", groupOptions, embedded };

/** The embedded server's built-in provisioning profiles: one per mode, named after it, and `aosp-user` (server/android/config.ts). */
export const BUILT_IN_ANDROID_PROFILES: readonly string[] = [...(profile.properties.mode.enum as string[]), "aosp-user"];

/** Android keys removed because they produced one outcome for one scenario (removed.ts checks them before the schema). */
export const ANDROID_REMOVED_KEYS: readonly { path: readonly string[]; replacedBy: string }[] = [
  {
    path: ["groups", "*", "state", "accounts"],
    replacedBy:
      "`state: { userSetupCompleted: true }` for a device whose user finished setup and added accounts (device-owner provisioning: CODE_USER_SETUP_COMPLETED). DevicePolicyManagerService reads accounts only for adb's `dpm set-device-owner` (CODE_ACCOUNTS_NOT_EMPTY), which no flow uses; QR, NFC, zero-touch and afw# provisioning never read them (scenarios/README-android.md \"Device capabilities\")",
  },
  {
    path: ["groups", "*", "options", "android", "device", "nonAndroidBrowser"],
    replacedBy:
      "the enrolling device's state: the simulated device is the one that opens the link, and a link opened on a PC never reaches it. The same browser error page comes from a device without a Company Portal that handles the link, e.g. `state: { companyPortalVersion: none }` or an older one (before 5.0.4720.0), or Android 6 or older (`state: { apiLevel: 23 }`); scenarios/failures/android-updatesettings-link-error.yaml",
  },
  {
    path: ["groups", "*", "options", "android", "device", "declineAdmin"],
    replacedBy: "the timeline's user giving up at the activation prompt, e.g. `timeline: [{ at: 0s, group: NAME, abandon: { step: android.da.activate } }]` (the user taps Cancel: android.da.declined)",
  },
  {
    path: ["groups", "*", "options", "android", "dpc", "illegalMode"],
    replacedBy: "device state: the mode the DPC build answers GET_PROVISIONING_MODE with, e.g. `state: { dpc: { provisioningMode: personal-work-profile } }` (Android refuses a mode outside the allowed list: android.provision.invalid-mode)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "rebootMidEnrollment"],
    replacedBy: "a timeline reboot, e.g. `timeline: [{ at: 0s, group: NAME, reboot: { step: android.provision.compliance } }]` (the device restarts after the owner is set: android.provision.interrupted)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "offline"],
    replacedBy: "a timeline offline on every platform, e.g. `timeline: [{ at: 0s, group: NAME, offline: {} }]` (the device has no network from the start; `for:` brings it back)",
  },
  {
    path: ["embedded", "android", "profiles", "*", "token", "issuedSecondsAgo"],
    replacedBy: "time passing: a token with its lifetime (token.durationSeconds) and a timeline skip past it, e.g. `timeline: [{ at: 0s, skip: 2d }]` with limits.durationSeconds beyond it, or `timeline: [{ at: 0s, expire: enrollment-tokens }]`",
  },
  {
    path: ["embedded", "android", "profiles", "*", "token", "revoked"],
    replacedBy: "a timeline revoke (the admin revokes the tokens), e.g. `timeline: [{ at: 0s, revoke: enrollment-tokens }]`",
  },
  {
    path: ["embedded", "android", "headwind", "adminActions"],
    replacedBy:
      "timeline admin actions on the devices, e.g. `timeline: [{ after: { enrolled: 4 }, group: NAME, wipe: {} }, { after: { enrolled: 4 }, group: OTHER, deleteRecords: {} }]` (a wipe keeps the record Pending and pushes factoryReset; a delete removes it, the agent learns it at its next check-in)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "wifi"],
    replacedBy: "device state: `state: { wifiInRange: { ssid, securityType, password } }` (the network in range; also in a catalog entry's state)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "blockInstall"],
    replacedBy: "device state: `state: { playProtectBlocks: [com.google.android.apps.work.clouddpc] }` (the packages Play Protect refuses to install)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "qrScannerMaxBytes"],
    replacedBy: "device state: `state: { qrScannerMaxBytes: 1200 }`",
  },
  {
    path: ["groups", "*", "options", "android", "device", "companyPortalVersion"],
    replacedBy: 'device state: `state: { companyPortalVersion: "5.0.4700.0" }` (or none)',
  },
  {
    path: ["embedded", "android", "restrictions", "workProfile"],
    replacedBy:
      'embedded.policy.restrictions.platform.androidWorkProfile (the tenant\'s platform restriction), e.g. `embedded: { policy: { restrictions: { platform: { androidWorkProfile: { allowed: true, minOs: "9.0", maxOs: "13.0" } } } } }` (OS versions are Android releases; API 28 = 9.0, 33 = 13.0)',
  },
  {
    path: ["embedded", "android", "restrictions", "deviceAdmin"],
    replacedBy:
      'embedded.policy.restrictions.platform.androidDeviceAdmin (the tenant\'s platform restriction), e.g. `embedded: { policy: { restrictions: { platform: { androidDeviceAdmin: { allowed: true, maxOs: "13.0" } } } } }` (OS versions are Android releases)',
  },
  {
    path: ["embedded", "android", "conditionalAccess"],
    replacedBy:
      "embedded.policy.conditionalAccess (the tenant's conditional access), `embedded: { policy: { conditionalAccess: { requireCompliantDevice: true, excludeApps: [intune-enrollment] } } }` (excludeApps lists the enrollment app when it is excluded)",
  },
  {
    path: ["embedded", "android", "headwind", "unenrollKeepsRecord"],
    replacedBy:
      'a fault that answers the agent\'s unenroll in the server\'s place, so the server never removes the record: `faults: [{ name: unenroll not processed, match: { step: android.da.unenroll }, status: { code: 200, body: \'{"status":"OK","message":null}\' } }]`',
  },
  {
    path: ["embedded", "android", "restrictions", "deviceLimit"],
    replacedBy:
      "the tenant's per-user device limit, which every platform shares: `embedded: { policy: { restrictions: { deviceLimit: 2 } } }` (or deviceLimitPolicies for a group); a device enrollment manager is `embedded.policy.deviceEnrollmentManagers: { users: [dem@contoso.com] }` (at most 10 personally owned work profiles) with `options: { android: { user: dem@contoso.com } }`",
  },
];
