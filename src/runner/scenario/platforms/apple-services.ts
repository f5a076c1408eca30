// SPDX-License-Identifier: MIT
/**
 * JSON Schema pieces of the Apple field-failure services (spread into apple.ts): the APNs push
 * certificate and scripted pushes, the volume-purchase licence pool, the Company Portal install,
 * directory registration / partner compliance (server: src/server/apple/field-services.ts), and
 * the device's Company Portal / partner agent (src/device/apple/company-portal.ts).
 */

const users = { type: "array", items: { type: "string", maxLength: 320 }, maxItems: 10_000 };

/** `groups[].options.apple` keys. */
export const appleServicesGroupOptions = {
  companyPortal: {
    type: "object",
    additionalProperties: false,
    description: "After enrolling, the user opens the Company Portal the MDM installed: it runs what its app configuration says (IntuneCompanyPortalEnrollmentAfterUDA: its own enrollment), else the user taps Begin and it registers the device in the directory (cp.register; a user who never taps Begin is the timeline's abandon at cp.register).",
    properties: {
      user: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+$", description: "Account the user signs in with (default user<n>@enrollsim.test)." },
    },
  },
  partner: {
    type: "object",
    additionalProperties: false,
    required: ["registerVia"],
    description: "macOS managed by a partner MDM (Jamf Pro): after enrolling, the user registers the Mac and the agent checks compliance, running jamfaad gatherAADInfo while it is not evaluated.",
    properties: {
      registerVia: { enum: ["jamf-self-service", "company-portal"], description: "The partner's Self Service policy (right), or the Company Portal (refused: AccountNotOnboarded)." },
      user: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+$" },
      complianceChecks: { type: "integer", minimum: 1, maximum: 100, description: "Compliance checks before the agent gives up (default 6: 75 minutes with checkSeconds 900)." },
      checkSeconds: { type: "number", minimum: 0, maximum: 86400, description: "Time between compliance checks, device clock (default 900)." },
    },
  },
};

/** `embedded.apple` keys. */
export const appleServicesEmbedded = {
  apnsCertificate: {
    type: "object",
    additionalProperties: false,
    description:
      "The server's MDM push certificate (an X.509 stand-in issued by the reference CA, topic in the subject UID), presented to the mock APNs and checked against the clock; while not valid, enrollments get 403 APNSCertificateNotValid. A timeline `set` of embedded.apple.apnsCertificate is the admin renewing it (under its appleId): the same Apple ID within the 30-day grace keeps the topic, another Apple ID gets a new one; the server then pushes every device.",
    properties: {
      appleId: { type: "string", description: "Apple ID the certificate was created with (default mdm-admin@enrollsim.test); its topic is embedded.apple.topic." },
      expiresInDays: { type: "number", minimum: -3650, maximum: 3650, description: "Days from server start to notAfter (default 365); negative: expired that many days ago." },
    },
  },
  pushOnEnroll: {
    type: "object",
    additionalProperties: false,
    description: "The server pushes each device (HTTP/2 to its APNs) after the device's first TokenUpdate.",
    properties: {
      count: { type: "integer", minimum: 1, maximum: 100, description: "Pushes per device, sent together (default 1)." },
      collapseId: { type: "string", maxLength: 64, description: "apns-collapse-id of those pushes." },
      expiration: { type: "integer", minimum: 0, description: "apns-expiration (epoch seconds; 0 = now or never)." },
      delaySeconds: { type: "number", minimum: 0, maximum: 3600, description: "Wait after the TokenUpdate (server clock; default 0.05)." },
    },
  },
  vpp: {
    type: "object",
    additionalProperties: false,
    required: ["apps"],
    description:
      "The tenant's Apps and Books location (volume purchase): every device gets each app at its first TokenUpdate if a licence can be assigned (device licence by serial, user licence by managed Apple ID); a refusal carries Apple's error number (9610 License not found, 9621 token expired, 9625 token revoked, 9628 device assignment not allowed). The device then asks the App Store stand-in for its licence while it installs (step app.store-licence).",
    properties: {
      token: {
        type: "object",
        additionalProperties: false,
        description: "The location token (sToken). It also expires or is revoked on the timeline: `expire: vpp-token`, `revoke: vpp-token`.",
        properties: { expiresInDays: { type: "number", minimum: -3650, maximum: 3650, description: "Days from server start to its expiry (default 365); 0 or negative: already expired (assignments fail with 9621)." } },
      },
      apps: {
        type: "array",
        maxItems: 50,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["adamId", "licenses", "assignment"],
          properties: {
            adamId: { type: "integer", minimum: 1, description: "App Store id (Company Portal: 719171358)." },
            name: { type: "string", maxLength: 200, description: "App name, as the App Store gives it to the device (the install prompt shows it)." },
            bundleId: { type: "string", pattern: "^[A-Za-z0-9.-]{1,200}$", description: "Bundle identifier the device reports the app under in ManagedApplicationList (default id<adamId>; the Company Portal's is known)." },
            licenses: { type: "integer", minimum: 0, maximum: 1_000_000, description: "Licences bought; more assignments get 9610 License not found." },
            assignment: { enum: ["device", "user"], description: "device: installs without an Apple Account (no prompt at all on a supervised device); user: the App Store asks for the user's Apple Account, and the user must be associated with the program (done on a device that is not a User Enrollment), else 0x87D13B95." },
            deviceAssignable: { type: "boolean", description: "The developer allows device assignment (default true); false: a device licence gets 9628." },
            manageIfUserInstalled: {
              type: "boolean",
              description: "Take over a copy the user installed before (InstallApplication ChangeManagementState Managed): a supervised device does it silently, an unsupervised one asks (app.management-prompt; Cancel: ManagementRejected). Without it such a device reports UserInstalledApp (state.userInstalledApps).",
            },
            requiredDuringAde: { type: "boolean", description: "ADE devices are not released (no DeviceConfigured) until this app could be licensed." },
          },
        },
      },
    },
  },
  companyPortal: {
    type: "object",
    additionalProperties: false,
    description: "Install the Company Portal (iTunesStoreID 719171358) at each device's first TokenUpdate: with a licence when vpp lists it, else from the App Store with the user's Apple Account (the device asks the user to sign in: step app.store-sign-in).",
    properties: {
      appConfig: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] }, description: "A separate app-configuration policy for the Company Portal, delivered as InstallApplication Configuration (e.g. IntuneCompanyPortalEnrollmentAfterUDA: true)." },
    },
  },
  partnerCompliance: {
    type: "object",
    additionalProperties: false,
    required: ["partner"],
    description: "The half plays a partner MDM (Jamf Pro) with a compliance connector to the directory: registration must come from the partner's path; compliance is evaluated only for users in the connector's group, Macs in the smart group and complete directory records.",
    properties: {
      partner: { enum: ["jamf"] },
      platforms: {
        type: "array",
        items: { enum: ["macos", "ios"] },
        minItems: 1,
        uniqueItems: true,
        description: 'Platforms the connector is set up for (Intune partner compliance: partner + platform + groups). Default ["macos"], as Jamf Device Compliance; devices of another platform are Intune-managed (Company Portal registration, Intune compliance).',
      },
      assignment: { enum: ["groups", "all-users"], description: "all-users inhibits the partner connection (503 PartnerConnectionInhibited). Default groups." },
      groupMembers: { ...users, description: "Users in the group assigned to the connector (default: every user)." },
      smartGroup: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 100_000, description: "Serial numbers in the compliance smart group (default: every Mac)." },
      incompleteRecords: { ...users, description: "Users whose directory record is incomplete." },
    },
  },
};
