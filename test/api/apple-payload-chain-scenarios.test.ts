// SPDX-License-Identifier: MIT
/**
 * A payload handler's refusal over real loopback, with the installer's chain per install path
 * (wire/apple/payload-errors.ts, devices/profile-installers/install-paths.yaml):
 * - apple-profile-empty-topic: micromdm/micromdm#496, the server's MDM payload has an empty Topic (no push
 *   certificate); iOS 11.4 installs the downloaded profile interactively: 4001 ← 1000 ← 2000 'The required field
 *   "Topic" is missing.'; the fixed variant (the push certificate's topic) enrols;
 * - apple-profile-missing-identity-uuid: thrasr/mdm-server#15, the same inner chain under 4000 "Invalid Profile" on a
 *   release that queues the profile;
 * - apple-profile-webclip-no-url: WangGuibin/WebClipChangeAppLogo#1, a Web Clip payload without its URL; iOS 14.6's
 *   Safari shows its own "Bad Profile" alert for the download it cannot queue, the installer's 4000 as its cause.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };

describe("payload refusals as the installer reports them", () => {
  it("apple-profile-empty-topic: iOS 11.4 shows 4001 Profile Installation Failed over the payload's 2000; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-profile-empty-topic-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.profile.missing-field"];
    expect(e?.count).toBe(2);
    expect(e?.shown).toMatchObject({ code: "MCInstallationErrorDomain 4001", text: 'Profile Installation Failed. The payload "Enrollment Profile" is invalid.', cause: { code: "MCPayloadErrorDomain 2000" } });
    expect(e?.example).toContain('MCProfileErrorDomain 1000: The profile "Enrollment Profile" is invalid. (The required field "Topic" is missing.) ← MCPayloadErrorDomain 2000');
    await expectFixedVariantDiffers(file("apple-profile-empty-topic-failing"), file("apple-profile-empty-topic-fixed"), opts);
  }, 240_000);

  it("apple-profile-missing-identity-uuid: a release that queues the profile shows 4000 Invalid Profile over the same inner chain", async () => {
    const { summary } = await runScenario(file("apple-profile-missing-identity-uuid"), opts);
    expect(summary.ok).toBe(true);
    const e = summary.errors["apple.profile.missing-identity-uuid"];
    expect(e?.shown).toMatchObject({ code: "MCInstallationErrorDomain 4000", text: 'Invalid Profile. The payload "enrollsim enrollment" is invalid.', cause: { code: "MCPayloadErrorDomain 2000" } });
    expect(e?.example).toContain('(The required field "IdentityCertificateUUID" is missing.)');
  }, 240_000);

  it("apple-profile-webclip-no-url: any payload type is checked; iOS 14.6 Safari shows 'Bad Profile' for the download it cannot queue; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-profile-webclip-no-url-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.profile.missing-field"];
    expect(e?.count).toBe(2);
    expect(e?.shown).toMatchObject({ text: "Bad Profile. This profile is corrupted and cannot be read.", screen: "Safari (alert on the profile download)", cause: { code: "MCInstallationErrorDomain 4000" } });
    expect(e?.shown?.code).toBeUndefined();
    expect(e?.example).toContain('MCPayloadErrorDomain 2000: The payload "enrollsim enrollment" is invalid. (The required field "URL" is missing.)');
    await expectFixedVariantDiffers(file("apple-profile-webclip-no-url-failing"), file("apple-profile-webclip-no-url-fixed"), opts);
  }, 240_000);
});
