// SPDX-License-Identifier: MIT
import type { PlistDict } from "../../wire/apple/plist.js";

/**
 * The enrollment profile as a misconfigured or buggy server builds it (`embedded.apple.profile`):
 * `remove` drops a key of every payload of a type (`com.apple.mdm/IdentityCertificateUUID`, nested
 * dictionaries by more steps: `com.apple.security.scep/PayloadContent/Challenge`) or whole payloads
 * (`com.apple.security.root`); `set` gives such a key another value (`com.apple.mdm/Topic`); `add`
 * puts more payloads in (a com.apple.applicationaccess restrictions payload: "Sync with computers:
 * Deny all" is `allowHostPairing: false`, field failure ios-sync-deny-all); the header keys a payload
 * lacks are filled in. The server signs what it built, so the device judges the content, as it
 * would a real server's mistake (field failures apple-profile-missing-identity-uuid,
 * apple-profile-bad-topic, apple-checkin-url-untrusted).
 */
export interface ProfileEdits {
  remove?: string[];
  set?: Record<string, string | number | boolean>;
  add?: PlistDict[];
}
