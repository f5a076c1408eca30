// SPDX-License-Identifier: MIT
/**
 * The shipped CertRep encoding pairs over real loopback (embedded.scep.certRep, devices/scep-clients/certrep.yaml):
 * - apple-certrep-signer-digest: iOS 11.4 iPhones crash verifying a CertRep whose SignerInfo.digestAlgorithm is the
 *   signature OID (NSCocoaErrorDomain 4097), the macOS 10.13 Mac enrolls (micromdm/scep#76, micromdm/micromdm#441);
 * - apple-certrep-gcm-envelope: iOS 11.2 iPhones refuse an AES-GCM CertRep envelope, "The SCEP server returned an
 *   invalid response." after a 200 answer (micromdm/micromdm#453);
 * each fixed variant (the RFC encoding) enrols every device.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };

describe("CertRep encodings the client releases meet", () => {
  it("apple-certrep-signer-digest: the iPhones' profiled crashes (4097) at profile.scep, the Mac enrolls; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-certrep-signer-digest-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.scep.helper-interrupted"];
    expect(e?.step).toBe("profile.scep");
    expect(e?.count).toBe(2);
    // Apple's alert text only; which encoding the release crashed on is enrollsim's diagnosis, in the message (blind trial 9).
    expect(e?.shown?.text).toBe("Profile Installation Failed. Couldn't communicate with a helper application.");
    expect(e?.example).toMatch(/1\.2\.840\.113549\.1\.1\.11[\s\S]*ios 11\.4 crashes on it \(https:\/\/github\.com\/micromdm\/micromdm\/issues\/441/);
    await expectFixedVariantDiffers(file("apple-certrep-signer-digest-failing"), file("apple-certrep-signer-digest-fixed"), opts);
  }, 240_000);

  it("apple-certrep-gcm-envelope: the iPhones refuse the AES-GCM envelope after HTTP 200; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-certrep-gcm-envelope-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.scep.invalid-response"];
    expect(e?.step).toBe("profile.scep");
    expect(e?.shown?.text).toBe("Profile Installation Failed. The SCEP server returned an invalid response.");
    expect(e?.example).toMatch(/id-aes128-GCM[\s\S]*ios 11\.2 refuses it \(https:\/\/github\.com\/micromdm\/micromdm\/issues\/453/);
    await expectFixedVariantDiffers(file("apple-certrep-gcm-envelope-failing"), file("apple-certrep-gcm-envelope-fixed"), opts);
  }, 240_000);
});
