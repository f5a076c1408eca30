// SPDX-License-Identifier: MIT
/**
 * The SCEP alerts an Apple device shows, against their published sources (src/wire/apple/errors.ts): an answer the
 * device cannot use is MCSCEPErrorDomain 22013 "The SCEP server returned an invalid response." (profiled's log,
 * mosen/SCEPy#1); a FAILURE CertRep has no published text beneath "Profile Installation Failed", so the failInfo stays
 * enrollsim's diagnosis and the condition is reported as unpublished.
 */
import { describe, expect, it } from "vitest";
import { appleShownForChain } from "../../../src/device/apple/shown.js";
import { AppleErrors, describeAppleError, errorChainPlist } from "../../../src/wire/apple/errors.js";

describe("Apple SCEP alerts", () => {
  it("an unusable answer: 4001 over MCSCEPErrorDomain 22013, the code the published text belongs to", () => {
    const shown = appleShownForChain(AppleErrors.scepInvalidResponse("wrong Content-Type"), "profile.scep", "ios-profile");
    expect(shown).toMatchObject({ code: "MCInstallationErrorDomain 4001", text: "Profile Installation Failed. The SCEP server returned an invalid response.", cause: { code: "MCSCEPErrorDomain 22013" } });
  });

  it("with the profile's name: iOS 11.3's whole chain (mosen/SCEPy#1), two installer wrappers and 1009 naming the profile; the alert is unchanged", () => {
    const err = AppleErrors.scepInvalidResponse("CertRep is signed by a certificate that GetCACert did not return (unknown key)", undefined, "SCEPy Enrolment Profile");
    expect(err.chain.map((i) => [i.ErrorDomain, i.ErrorCode, i.LocalizedDescription])).toEqual([
      ["MCInstallationErrorDomain", 4001, "Profile Installation Failed"],
      ["MCInstallationErrorDomain", 4001, "Profile Failed to Install"],
      ["MCProfileErrorDomain", 1009, "The profile “SCEPy Enrolment Profile” could not be installed."],
      ["MCSCEPErrorDomain", 22013, "The SCEP server returned an invalid response."],
    ]);
    expect(err.chain.slice(0, 3).every((i) => i.suggestion === "The SCEP server returned an invalid response.")).toBe(true);
    const shown = appleShownForChain(err, "profile.scep", "ios-profile");
    expect(shown).toMatchObject({ code: "MCInstallationErrorDomain 4001", text: "Profile Installation Failed. The SCEP server returned an invalid response.", cause: { code: "MCSCEPErrorDomain 22013" } });
    // The MDM ErrorChain (an InstallProfile command's Error) carries all four, without the suggestions.
    expect(errorChainPlist(err)).toHaveLength(4);
    expect(describeAppleError(err)).toContain("(diagnosis: CertRep is signed by a certificate that GetCACert did not return (unknown key))");
  });

  it("a FAILURE CertRep: Apple's alert title only, the failInfo in the diagnosis and the unpublished condition, never in the text", () => {
    const err = AppleErrors.scepFailure("badRequest");
    const shown = appleShownForChain(err, "profile.scep", "ios-profile");
    expect(shown.code).toBe("MCInstallationErrorDomain 4001");
    expect(shown.text).toBe("Profile Installation Failed.");
    expect(shown.text).not.toMatch(/badRequest|rejected/);
    expect(shown.unknown).toEqual({ raw: "CertRep pkiStatus FAILURE, failInfo badRequest", of: "condition" });
    expect(err.symptom).toBe("apple.scep.failInfo.badRequest");
    expect(describeAppleError(err)).toContain("(diagnosis: the SCEP server answered FAILURE with failInfo badRequest)");
  });
});
