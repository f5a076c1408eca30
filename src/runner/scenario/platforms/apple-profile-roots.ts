// SPDX-License-Identifier: MIT
/** Scenario key `embedded.apple.profileRoots`: the certificate payloads of the embedded server's enrollment profile (server/apple/profile-service.ts). */

/** The payload types of a certificate payload (Apple's Certificates payload: DER for .root and .pkcs1, PEM text for .pem). */
export const PROFILE_ROOT_PAYLOAD_TYPES = ["com.apple.security.root", "com.apple.security.pkcs1", "com.apple.security.pem"] as const;

/** `embedded.apple` keys. */
export const appleProfileRootsEmbedded = {
  profileRoots: {
    type: "array",
    maxItems: 16,
    description:
      'The root certificates the enrollment profile carries, one certificate payload each, before the SCEP and MDM payloads (Apple, "Managing certificates for device management services and devices": "Include the root certificate and any intermediate certificates in the same profile that contains the MDM payload. Certificate payloads install before the MDM payload"). `reference` is the embedded server\'s own CA; any other name is a root of embedded.tls.privateRoots (a self-signed MDM server\'s root, serve it on the check-in with embedded.tls.endpoints) or of devices/trust-stores/roots.yaml. Whether a device then trusts a root for TLS is its own rule (Apple support 102390: a hand-installed profile\'s roots wait for Certificate Trust Settings on iOS/iPadOS 10.3+; state.certificateTrustSettings). Default [{ root: reference }]; [] carries none.',
    items: {
      type: "object",
      additionalProperties: false,
      required: ["root"],
      properties: {
        root: { type: "string", minLength: 1, maxLength: 128, description: 'reference, or the name of a private or catalog root ("MicroMDM Root CA").' },
        payloadType: { enum: [...PROFILE_ROOT_PAYLOAD_TYPES], description: "The certificate payload's type: com.apple.security.root (DER, default), com.apple.security.pkcs1 (DER) or com.apple.security.pem (PEM text)." },
      },
    },
  },
};
