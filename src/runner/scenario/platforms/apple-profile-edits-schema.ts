// SPDX-License-Identifier: MIT
/**
 * The schema of enrollment-profile edits (wire/apple/profile-edits.ts has the PATH syntax): `embedded.apple.profile`
 * (the profile as a misconfigured server builds it) and the portal's per-browser profiles
 * (`embedded.apple.portal.profileByBrowser`) take the same edits.
 */
export const PROFILE_EDITS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description:
    "The enrollment profile as a misconfigured or buggy server builds it (then signs it), at every level. A PATH is a PayloadType then /Key steps: Configuration is the profile's top level (Configuration/PayloadScope), any other type every payload of that type (com.apple.mdm/ServerCapabilities, nested com.apple.security.scep/PayloadContent/Challenge); a step of digits indexes an array (com.apple.mdm/ServerCapabilities/0). remove drops keys or whole payloads (com.apple.security.root); set gives a key any value: a string, number, boolean, list, mapping, {$date: ISO} or {$data: base64}. An edit that reaches nothing in the profile the server builds is refused when the file loads.",
  properties: {
    remove: {
      type: "array",
      maxItems: 50,
      items: {
        type: "string",
        pattern: "^(Configuration|com\\.apple\\.[A-Za-z0-9.-]+)(/[A-Za-z0-9_][A-Za-z0-9_ -]*)*$",
        "x-expected": "a payload type (Configuration: the profile's top level), optionally with /Key steps, e.g. com.apple.mdm/ServerCapabilities or Configuration/PayloadScope",
      },
    },
    set: {
      type: "object",
      maxProperties: 50,
      propertyNames: {
        pattern: "^(Configuration|com\\.apple\\.[A-Za-z0-9.-]+)(/[A-Za-z0-9_][A-Za-z0-9_ -]*)+$",
        "x-expected": "a payload type (Configuration: the profile's top level) and /Key steps, e.g. com.apple.mdm/Topic or Configuration/PayloadScope",
      },
      additionalProperties: { type: ["string", "number", "boolean", "array", "object"], description: "Any plist value: a string, number, boolean, list or mapping; {$date: ISO-8601} is a <date>, {$data: base64} a <data>." },
    },
    add: {
      type: "array",
      maxItems: 20,
      description:
        'More payloads in the profile, e.g. { PayloadType: com.apple.applicationaccess, allowHostPairing: false } ("Sync with computers: Deny all"); PayloadIdentifier, PayloadUUID, PayloadVersion and PayloadDisplayName are filled in when absent.',
      items: { type: "object", required: ["PayloadType"], properties: { PayloadType: { type: "string", pattern: "^com\\.apple\\.[A-Za-z0-9.-]+$" } } },
    },
  },
};
