// SPDX-License-Identifier: MIT
/** Scenario keys for the Apple MDM identity over a device's life: the server renewing it (server/apple/identity-renewal.ts). */

/** `embedded.apple` keys. */
export const appleIdentityEmbedded = {
  identityRenewal: {
    type: "object",
    additionalProperties: false,
    required: ["beforeExpirySeconds"],
    description:
      "Server policy: renew a device's MDM identity before it expires. At a command session of a device whose identity has beforeExpirySeconds or less left, the server queues InstallProfile with its enrollment profile as it builds it now (same identifier, Topic, ServerURL, CheckInURL; a new SCEP payload): the device replaces its MDM profile, gets a new identity and sends Authenticate/TokenUpdate with it (Jamf 'Renew MDM Profile'; fleetdm/fleet#19800, #17232; micromdm/nanomdm#14). A device that does not check in within the window is not renewed; a device whose profile update changes a key that must not change (e.g. the push certificate was renewed under another Apple ID: another Topic) refuses it with MCMDMErrorDomain 12002.",
    properties: {
      beforeExpirySeconds: { type: "number", minimum: 1, maximum: 63_072_000, description: "How long before the identity's notAfter the server starts renewing (e.g. 2592000: 30 days)." },
    },
  },
};
