// SPDX-License-Identifier: MIT
/**
 * The SCEP alerts an Apple device shows, against their published sources (src/wire/apple/errors.ts): an answer the
 * device cannot use is MCSCEPErrorDomain 22013 "The SCEP server returned an invalid response." (profiled's log,
 * mosen/SCEPy#1); a FAILURE CertRep has no published text beneath "Profile Installation Failed", so the failInfo stays
 * enrollsim's diagnosis and the condition is reported as unpublished.
 */
import { describe, expect, it } from "vitest";
import { appleShownForChain } from "../../../src/device/apple/shown.js";
import { AppleErrors, describeAppleError } from "../../../src/wire/apple/errors.js";

describe("Apple SCEP alerts", () => {
  it("an unusable answer: 4001 over MCSCEPErrorDomain 22013, the code the published text belongs to", () => {
    const shown = appleShownForChain(AppleErrors.scepInvalidResponse("wrong Content-Type"), "profile.scep", "ios-profile");
    expect(shown).toMatchObject({ code: "MCInstallationErrorDomain 4001", text: "Profile Installation Failed. The SCEP server returned an invalid response.", cause: { code: "MCSCEPErrorDomain 22013" } });
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
