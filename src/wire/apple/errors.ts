// SPDX-License-Identifier: MIT
/**
 * Apple error domains and codes a device reports (in an MDM ErrorChain, or on screen when a
 * profile install fails). Codes from ../shared/notes/apple.md and field-failures.md; where Apple
 * documents no code, the entry says "modelled" and the code is enrollsim's choice.
 */
import type { PlistDict } from "./plist.js";

export interface AppleErrorItem {
  ErrorCode: number;
  ErrorDomain: string;
  LocalizedDescription: string;
  USEnglishDescription?: string;
  /**
   * The NSError's recovery suggestion ("Sugg" in a device log): the message under the alert's title for the
   * outermost error. Not part of the MDM ErrorChain (Apple documents ErrorCode, ErrorDomain, LocalizedDescription,
   * USEnglishDescription), so errorChainPlist leaves it out.
   */
  suggestion?: string;
}

export interface AppleError {
  /** Stable enrollsim symptom code, e.g. "apple.profile.missing-identity-uuid". */
  symptom: string;
  /** Outermost first, as devices send ErrorChain. */
  chain: AppleErrorItem[];
  /**
   * What macOS shows for this condition where that is published and differs from the chain's texts
   * (the domain and code behind it are not published: the chain stays the device's report).
   */
  macos?: { text: string; source: string };
  /**
   * What the user sees instead of the chain's outermost NSError where an app shows the refusal in its own words (Safari's
   * "Bad Profile" when a downloaded profile cannot be queued on iOS 14.6, devices/profile-installers/*.yaml); the chain
   * stays the device's report, its outermost code the alert's cause.
   */
  alert?: { text: string; screen: string; source: string };
  /**
   * The device's own text for this condition is not published: the chain's last text is
   * enrollsim's description, and `raw` is the condition as found (what the device shows then
   * reports it as unknown, device/apple/shown.ts).
   */
  unpublished?: { raw: string };
  /**
   * enrollsim's diagnosis of why (which CertRep check failed, the HTTP status, the TLS rule broken): for the support
   * engineer, in the failure's message; never in the chain's texts, which are what the device shows and reports.
   */
  diagnosis?: string;
  /** The lower-level error behind the chain that the device records (the NSURLError of a failed TLS evaluation). */
  underlying?: string;
  /**
   * A payload handler refused one of the profile's payloads (wire/apple/payload-errors.ts): the outermost error is
   * the installer's and depends on how the profile reached it (queued: 4000, interactive install: 4001).
   */
  payloadFault?: { field: string; payloadType: string };
}

/** One NSError of a chain, as a device reports it; `suggestion` is its recovery suggestion where one is published. */
export const appleErrorItem = (domain: string, code: number, text: string, suggestion?: string): AppleErrorItem => ({
  ErrorCode: code,
  ErrorDomain: domain,
  LocalizedDescription: text,
  USEnglishDescription: text,
  ...(suggestion ? { suggestion } : {}),
});
const item = appleErrorItem;

export const AppleErrors = {
  missingField: (field: string): AppleError => ({
    symptom: field === "IdentityCertificateUUID" ? "apple.profile.missing-identity-uuid" : "apple.profile.missing-field",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCProfileErrorDomain", 1000, `The required field "${field}" is missing.`)],
  }),
  /** No published text: a value the device does not accept (type, allowed values, format); `unpublished` carries the raw condition. */
  badField: (field: string, why: string): AppleError => ({
    symptom: "apple.profile.invalid-field",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCProfileErrorDomain", 1000, `The field "${field}" is invalid: ${why}`)],
    unpublished: { raw: `${field}: ${why}` },
  }),
  /**
   * macOS: an MDM payload whose ServerCapabilities lacks com.apple.mdm.per-user-connections. The
   * text is the one a newer macOS shows ("Profile installation failed: MDM payload is missing
   * ServerCapabilities key…", graze-social/cocore#54, 2026-06); the inner code is modelled
   * (enrollsim's choice, no published code).
   */
  userChannelCapabilityMissing: (): AppleError => ({
    symptom: "apple.profile.missing-user-channel-capability",
    chain: [
      item("MCInstallationErrorDomain", 4001, "Profile Installation Failed"),
      item("MCMDMErrorDomain", 12004, "MDM payload is missing ServerCapabilities key that indicates it supports a user channel."),
    ],
  }),
  /** No published text: a profile whose TargetDeviceType names another kind of device (TopLevel.yaml: "helps prevent unintended installations"). */
  wrongTargetDevice: (target: number, device: string): AppleError => ({
    symptom: "apple.profile.wrong-target-device",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCProfileErrorDomain", 1000, `The profile is for another kind of device (TargetDeviceType ${target}; this is ${device}).`)],
    unpublished: { raw: `TargetDeviceType ${target} on ${device}` },
  }),
  malformed: (why: string): AppleError => ({
    symptom: "apple.profile.malformed",
    chain: [item("MCProfileErrorDomain", 1000, `The profile cannot be read: ${why}`)],
  }),
  /**
   * A body with bytes before the profile's CMS envelope or plist (profile-framing.ts). macOS: "Unable
   * to install profile. Unexpected error InternalError1." (System Settings, fleetdm/fleet#35208, bytes
   * before the CMS envelope); its error domain and code are not published. iOS/iPadOS: no published
   * text; the chain is the malformed-profile chain with the condition as found (unknown).
   */
  bytesBeforeContent: (offset: number, kind: "cms" | "plist", leading: string): AppleError => ({
    symptom: "apple.profile.bytes-before-content",
    chain: [item("MCProfileErrorDomain", 1000, `The profile cannot be read: ${offset} bytes (${leading}) before the ${kind === "cms" ? "CMS envelope" : "property list"}`)],
    macos: { text: "Unable to install profile. Unexpected error InternalError1.", source: "fleetdm/fleet#35208" },
    unpublished: { raw: `${offset} bytes before the ${kind === "cms" ? "CMS envelope" : "property list"}, starting ${leading}` },
  }),
  /** Modelled code: devices refuse payload types they do not know. */
  unsupportedPayload: (type: string): AppleError => ({
    symptom: "apple.profile.unsupported-payload",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCProfileErrorDomain", 1004, `The payload type "${type}" is not supported.`)],
  }),
  /** Modelled code: a signed profile whose signature does not verify, when the device requires it. */
  signature: (why: string): AppleError => ({
    symptom: "apple.profile.signature-invalid",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCProfileErrorDomain", 1012, `The profile signature could not be verified: ${why}`)],
  }),
  badTopic: (topic: string): AppleError => ({
    symptom: "apple.profile.bad-topic",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCMDMErrorDomain", 12003, `The MDM payload has an invalid Topic "${topic}".`)],
  }),
  untrustedServer: (url: string): AppleError => ({
    symptom: "apple.checkin.server-untrusted",
    chain: [item("MCInstallationErrorDomain", 4001, `The server certificate for "${url}" is invalid.`)],
  }),
  /**
   * field-failures `apple-first-attempt-fails-retry-succeeds`: the MDM server fails the first check-in (5xx) while
   * its enrollment state settles. Published: the profile installation fails, with an NSOSStatusErrorDomain error
   * under the alert (fleetdm/fleet#8167, a screenshot whose code and text are not transcribed). Not published: that
   * error's code and text, so the chain is the alert's title alone and the condition is reported as unpublished; the
   * HTTP status is enrollsim's diagnosis, never words on the device (blind trial 12, finding F2: it used to be shown
   * as "The MDM server answered HTTP 500 to Authenticate.", enrollsim's sentence under a modelled OSStatus -50).
   */
  installFailedServer: (status: number, message: "Authenticate" | "TokenUpdate" = "Authenticate"): AppleError => ({
    symptom: "apple.profile.install-failed",
    chain: [item("MCInstallationErrorDomain", 4001, "Profile Installation Failed")],
    unpublished: { raw: `HTTP ${status} to ${message}: an NSOSStatusErrorDomain error whose code and text are not published (fleetdm/fleet#8167)` },
    diagnosis: `the MDM server answered HTTP ${status} to ${message}`,
  }),
  /** Modelled code: EncryptedPayloadContent addressed to no identity this device holds. */
  cannotDecrypt: (): AppleError => ({
    symptom: "apple.profile.cannot-decrypt",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCProfileErrorDomain", 1016, "The profile is encrypted for an identity this device does not have.")],
  }),
  /** field-failures `ios-restored-backup-other-mdm`: an MDM payload (from another server) is already installed. */
  mdmPayloadMismatch: (): AppleError => ({
    symptom: "apple.profile.mdm-payload-mismatch",
    chain: [item("MCInstallationErrorDomain", 4000, "Invalid Profile"), item("MCMDMErrorDomain", 12002, "The new MDM payload doesn't match the old payload.")],
  }),
  /** Modelled code: a PKCS#12 payload that cannot be imported (wrong password, corrupt, no key). */
  pkcs12Import: (name: string, why: string): AppleError => ({
    symptom: "apple.profile.pkcs12-import",
    chain: [item("MCInstallationErrorDomain", 4001, "Profile Installation Failed"), item("MCProfileErrorDomain", 1015, `The certificate "${name}" could not be imported: ${why}`)],
  }),
  /**
   * `diagnosis`: why enrollsim found the answer unusable (blind trial 9: it was inside Apple's alert text); `underlying`:
   * the NSURLError of a TLS failure. The text is MCSCEPErrorDomain 22013's (localisation key
   * SCEP_ERROR_INVALID_PKI_RESPONSE): profiled's log "Could not retrieve issued certificate: … Desc : The SCEP server
   * returned an invalid response. … Domain : MCSCEPErrorDomain Code : 22013" (quoted with the MaaS360 question "Profile
   * Installation Failed the SCEP server returned an invalid response"; 22013 in Workspace ONE's console,
   * arsenb.wordpress.com 2020-06-15). With `profileName` the chain is iOS 11.3's whole chain in mosen/SCEPy#1 (an
   * answer whose CertRep did not verify): MCInstallationErrorDomain 4001 "Profile Installation Failed" over
   * MCInstallationErrorDomain 4001 "Profile Failed to Install" over MCProfileErrorDomain 1009 "The profile “NAME” could
   * not be installed." over 22013, each wrapper with the SCEP sentence as its suggestion. NAME is the profile's
   * PayloadDisplayName ("SCEPy Enrolment Profile" there); what a profile without one shows there is not published (its
   * identifier is used). Without `profileName` (unit tests): the alert over 22013 alone.
   */
  scepInvalidResponse: (diagnosis: string, underlying?: string, profileName?: string): AppleError => {
    const sentence = "The SCEP server returned an invalid response.";
    const wrappers =
      profileName === undefined
        ? [item("MCInstallationErrorDomain", 4001, "Profile Installation Failed")]
        : [
            item("MCInstallationErrorDomain", 4001, "Profile Installation Failed", sentence),
            item("MCInstallationErrorDomain", 4001, "Profile Failed to Install", sentence),
            item("MCProfileErrorDomain", 1009, `The profile “${profileName}” could not be installed.`, sentence),
          ];
    return {
      symptom: "apple.scep.invalid-response",
      chain: [...wrappers, item("MCSCEPErrorDomain", 22013, sentence)],
      diagnosis,
      ...(underlying ? { underlying } : {}),
    };
  },
  /**
   * The SCEP client's helper (profiled) crashed while verifying the CertRep, and the installer lost its XPC connection:
   * NSCocoaErrorDomain 4097 is NSXPCConnectionInterrupted (Foundation FoundationErrors.h), whose description is
   * "Couldn't communicate with a helper application." (the text of the 4097/4099 XPC errors, e.g.
   * cleancocoa.com/posts/2015/01/xpc-helper-sandboxing-mac/). The phone's alert, "Profile Installation Failed:
   * Couldn't communicate with a helper application", is quoted in micromdm/micromdm#441 (iOS 11.4, 10.3.3); the crash
   * in profiled is micromdm/scep#76's log. The alert's title is Apple's "Profile Installation Failed".
   */
  scepHelperInterrupted: (diagnosis: string): AppleError => ({
    symptom: "apple.scep.helper-interrupted",
    chain: [item("MCInstallationErrorDomain", 4001, "Profile Installation Failed"), item("NSCocoaErrorDomain", 4097, "Couldn't communicate with a helper application.")],
    diagnosis,
  }),
  /**
   * The CA answered the PKCSReq with pkiStatus FAILURE. What the device shows beyond Apple's alert title is not
   * published: no source quotes iOS's or macOS's error for a FAILURE CertRep (the field's "The SCEP server returned an
   * invalid response." is 22013, an answer the device could not use). The alert is "Profile Installation Failed" and the
   * condition is reported as unpublished; the failInfo is enrollsim's diagnosis, never the device's words (it used to be
   * shown as "The SCEP server rejected the request (badRequest).", enrollsim's sentence under 22013's code).
   */
  scepFailure: (failInfo: string): AppleError => ({
    symptom: `apple.scep.failInfo.${failInfo}`,
    chain: [item("MCInstallationErrorDomain", 4001, "Profile Installation Failed")],
    unpublished: { raw: `CertRep pkiStatus FAILURE, failInfo ${failInfo}` },
    diagnosis: `the SCEP server answered FAILURE with failInfo ${failInfo}`,
  }),
  /** Modelled (enrollsim's choice of code): a payload that needs a user-approved MDM enrollment. */
  needsUserApproval: (payloadType: string): AppleError => ({
    symptom: "apple.profile.needs-user-approval",
    chain: [
      item("MCInstallationErrorDomain", 4001, "Profile Installation Failed"),
      item("MCProfileErrorDomain", 1030, `The "${payloadType}" payload can only be installed on a device with user-approved MDM enrollment.`),
    ],
  }),
  /**
   * The device refused the SCEP server for its GetCACaps answer (its release's row in devices/scep-clients/*.yaml), before any
   * PKIOperation. The alert "Profile Installation Failed" over "The Certification Authority does not have the required
   * capability." is published for iOS 18 (smallstep/certificates#2405, a screenshot-quoted alert); the inner
   * MCSCEPErrorDomain code behind that sentence is not published, so the chain carries the sentence as the alert's
   * message (suggestion) and no invented inner code. iOS 10's own wording for its refusal (micromdm/scep#23) is not
   * published: the same sentence is assumed.
   */
  scepCaCapability: (why: string): AppleError => ({
    symptom: "apple.scep.ca-capability",
    chain: [item("MCInstallationErrorDomain", 4001, "Profile Installation Failed", "The Certification Authority does not have the required capability.")],
    diagnosis: why,
  }),
  scepRaInvalid: (): AppleError => ({
    symptom: "apple.scep.ra-invalid",
    chain: [item("MCSCEPErrorDomain", 22003, "The Registration Authority's response is invalid.")],
  }),
  /**
   * The newer SecSCEP refused the GetCACert set: no certificate may serve as RA by its keyUsage (protocol/apple/scep-recipient.ts
   * secScepRecipient). Published: the OSStatus, errSecKeyUsageIncorrect -67731 "The key usage is incorrect." (SecBase.h),
   * and the device's log "SCEP failed to find candidate RA certificates" / "GetCACert: Validating response failed: -67731
   * (The key usage is incorrect.)" (NeySlim/ultimate-ca-manager#101, iOS and macOS). Not published: what the device SHOWS
   * then — the ticket quotes only the log. The chain is the error profiled shows when it refuses a GetCACert RA/CA set,
   * MCSCEPErrorDomain 22003 (wso2-attic/wso2mobileserver#2, iOS 7 era, where SecSCEP failed the same check with -50);
   * that newer releases still wrap -67731 in it is enrollsim's assumption, said in the diagnosis.
   */
  scepRaKeyUsage: (why: string): AppleError => ({
    symptom: "apple.scep.ra-invalid",
    chain: [item("MCSCEPErrorDomain", 22003, "The Registration Authority's response is invalid.")],
    underlying: "NSOSStatusErrorDomain -67731: The key usage is incorrect.",
    diagnosis: `${why} (the text shown over -67731 is not published: 22003 is the refusal of a GetCACert set published for older releases)`,
  }),
  unsupportedCommand: (requestType: string): AppleError => ({
    symptom: "apple.command.unsupported",
    chain: [item("MCMDMErrorDomain", 12021, `The command "${requestType}" is not supported.`)],
  }),
  commandNotAllowed: (requestType: string, why: string): AppleError => ({
    symptom: "apple.command.not-allowed",
    chain: [item("MCMDMErrorDomain", 12021, `The command "${requestType}" is not allowed: ${why}.`)],
  }),
  insufficientRights: (requestType: string, right: string): AppleError => ({
    symptom: "apple.command.access-rights",
    chain: [item("MCMDMErrorDomain", 12025, `The MDM server does not have the ${right} access right needed for "${requestType}".`)],
  }),
  injected: (requestType: string): AppleError => ({
    symptom: "apple.command.injected-error",
    chain: [item("MCMDMErrorDomain", 12000, `"${requestType}" failed (scenario-injected error).`)],
  }),
  /** Modelled code (as userDeclined): the user did not agree to the profile's ConsentText, so nothing of it is installed. */
  consentDeclined: (): AppleError => ({
    symptom: "apple.profile.consent-declined",
    chain: [item("MCInstallationErrorDomain", 4024, "The user canceled the installation.")],
  }),
  userDeclined: (): AppleError => ({
    symptom: "apple.command.user-declined",
    chain: [item("MCInstallationErrorDomain", 4024, "The user canceled the installation.")],
  }),
};

export const errorChainPlist = (e: AppleError): PlistDict[] => e.chain.map(({ suggestion: _, ...i }) => ({ ...i }) as unknown as PlistDict);

/** The chain as one line, then the underlying error and enrollsim's diagnosis, each labelled: the failure's message. */
export const describeAppleError = (e: AppleError): string =>
  e.chain.map((i) => `${i.ErrorDomain} ${i.ErrorCode}: ${i.LocalizedDescription}${i.suggestion ? ` (${i.suggestion})` : ""}`).join(" ← ") + (e.underlying ? ` ← ${e.underlying}` : "") + (e.diagnosis ? ` (diagnosis: ${e.diagnosis})` : "");
