// SPDX-License-Identifier: MIT
/**
 * The device's own judgement of a SCEP server, over real loopback:
 * - apple-scep-caps-no-digest: GetCACaps advertises none of SHA-1/256/512; the iOS 10.3.3 iPhones refuse the CA at
 *   profile.scep before any PKIOperation (devices/scep-clients/getcacaps.yaml, micromdm/scep#23), the iOS 11.4 iPhone
 *   (no row) falls back to SHA-1 and the CA refuses it (badAlg); the fixed variant (SHA-256, AES, DES3) enrols all.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };

describe("the Apple SCEP client judging the server", () => {
  it("apple-scep-caps-no-digest: iOS 10 refuses the CA for its GetCACaps, iOS 11.4 lets the CA refuse; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-scep-caps-no-digest-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.scep.ca-capability"];
    expect(e?.step).toBe("profile.scep");
    expect(e?.count).toBe(2);
    expect(e?.shown?.text).toBe("Profile Installation Failed. The Certification Authority does not have the required capability.");
    expect(e?.example).toMatch(/none of SHA-1, SHA-256, SHA-512 \(POSTPKIOperation, Renewal\); ios 10\.3\.3 refuses such a CA \(https:\/\/github\.com\/micromdm\/scep\/issues\/23/);
    expect(summary.errors["apple.scep.failInfo.badAlg"]?.count).toBe(1);
    await expectFixedVariantDiffers(file("apple-scep-caps-no-digest-failing"), file("apple-scep-caps-no-digest-fixed"), opts);
  }, 240_000);
});

describe("the Apple SCEP client choosing the envelope's recipient", () => {
  it("apple-scep-ra-no-keyusage: an RA without keyUsage is no candidate, the Macs encrypt to the CA, the RA-keyed CA answers badMessageCheck; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-scep-ra-no-keyusage-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.scep.failInfo.badMessageCheck"];
    expect(e?.step).toBe("profile.scep");
    expect(e?.count).toBe(2);
    expect(e?.shown?.text).toBe("Profile Installation Failed.");
    await expectFixedVariantDiffers(file("apple-scep-ra-no-keyusage-failing"), file("apple-scep-ra-no-keyusage-fixed"), opts);
  }, 240_000);
});
