// SPDX-License-Identifier: MIT
/**
 * The enrollment profile as a faithful, editable model (issue 10, blind trial 4 tickets 05 and 06),
 * end to end over loopback against the embedded server: the server builds the profile with the
 * scenario's edits and signs it, the device checks it and decides its channels, and the trace shows
 * what the device received with only the secrets redacted.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { decodeBody } from "../../src/report/transcript/decode.js";

const failures = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
const opts = { keyPoolSize: 24, progress: false as const };
type Line = { kind: string; step: string; device: string; data: Record<string, unknown> };

const traced = async (file: string) => {
  const dir = join(mkdtempSync(join(tmpdir(), "apple-profile-")), "trace");
  const { summary } = await runScenario(failures(file), { ...opts, trace: dir });
  const lines = readdirSync(dir).flatMap((f) =>
    readFileSync(join(dir, f), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line),
  );
  return { summary, lines };
};

describe("enrollment profile model over loopback", () => {
  it("ServerCapabilities without per-user-connections: macOS 26 refuses with the published text before SCEP; macOS 15 enrolls and says why it opens no user channel", async () => {
    const { summary, lines } = await traced("mac-mdm-no-user-channel-capability-failing.yaml");
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const outcomes = lines.filter((l) => l.kind === "outcome");
    const refused = outcomes.filter((l) => l.data.code === "apple.profile.missing-user-channel-capability");
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(lines.some((l) => l.device === r.device && l.step.startsWith("scep."))).toBe(false);
    const why = lines.filter((l) => l.kind === "decoded" && l.data.userChannel === "not opened");
    expect(why.map((l) => l.data.reason)).toEqual(Array(2).fill("the MDM payload's ServerCapabilities lacks com.apple.mdm.per-user-connections"));
  }, 120_000);

  it("the fixed variant: every Mac opens its user channel", async () => {
    const { summary } = await runScenario(failures("mac-mdm-no-user-channel-capability-fixed.yaml"), opts);
    expect(summary.ok).toBe(true);
  }, 120_000);

  it("PayloadScope System at the profile's top level: profile-enrolled Macs stay system-only, ADE Macs open the user channel; the trace shows the profile with the challenge redacted", async () => {
    const { summary, lines } = await traced("mac-payloadscope-system-failing.yaml");
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const why = lines.filter((l) => l.kind === "decoded" && l.data.userChannel === "not opened");
    expect(why).toHaveLength(3);
    expect(why[0]!.data.reason).toBe("the enrollment profile has PayloadScope System: installed in the system scope only");
    const download = lines.find((l) => l.kind === "http" && l.step === "profile.download")!;
    const body = (download.data.response as { body: Record<string, unknown> }).body;
    expect(body.base64).toBe("[REDACTED]");
    const m = decodeBody(body, "application/x-apple-aspen-config");
    const s = m.structure as { PayloadScope: string; PayloadContent: Record<string, Record<string, unknown>>[] };
    expect(s.PayloadScope).toBe("System");
    expect(s.PayloadContent[1]!.PayloadContent!.Challenge).toBe("[REDACTED]");
    const fixed = await runScenario(failures("mac-payloadscope-system-fixed.yaml"), opts);
    expect(fixed.summary.ok).toBe(true);
  }, 180_000);

  it("ConsentText (a mapping at the top level): the device shows the default text at profile.consent; a user who cancels gets nothing installed", async () => {
    const { summary, lines } = await traced("../examples/apple-profile-consent-not-agreed-failing.yaml");
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const consent = lines.filter((l) => l.kind === "decoded" && l.step === "profile.consent");
    expect(consent.filter((l) => l.data.agreed === true).map((l) => l.data.shown)).toEqual(["This device will be managed by Contoso IT."]);
    expect(consent.filter((l) => l.data.agreed === false)).toHaveLength(2);
  }, 120_000);

  it("PayloadRemovalDisallowed: a supervised iPhone's user cannot remove the profile; on an unsupervised one the key is ignored (noted) and removal goes on", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "apple-removal-")), "removal.yaml");
    writeFileSync(
      file,
      [
        "name: removal-disallowed",
        "server: embedded",
        "embedded: { apple: { profile: { set: { Configuration/PayloadRemovalDisallowed: true } } } }",
        "groups:",
        "  - { name: supervised, model: iphone-15, count: 1, flow: ios-profile, state: { supervised: true }, options: { apple: { unenrollAtEnd: true } } }",
        "  - { name: personal, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { unenrollAtEnd: true } } }",
        "expect: { outcomes: { apple.enrolled: { count: 1 }, apple.unenrolled: { count: 1 } } }",
        "",
      ].join("\n"),
    );
    const dir = join(mkdtempSync(join(tmpdir(), "apple-removal-")), "trace");
    const { summary } = await runScenario(file, { ...opts, trace: dir });
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const lines = readdirSync(dir).flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Line),
    );
    expect(lines.some((l) => l.kind === "decoded" && l.data.unenroll === "refused: the profile has PayloadRemovalDisallowed (supervised)")).toBe(true);
    const ignored = lines.filter((l) => l.kind === "note" && JSON.stringify(l.data).includes("PayloadRemovalDisallowed ignored (the device is not supervised)"));
    expect(ignored).toHaveLength(1);
  }, 120_000);

  it("DurationUntilRemoval: a day later (timeline skip) the steady check-in finds the profile removed; without it the iPhones stay enrolled", async () => {
    const failing = await runScenario(join(import.meta.dirname, "../../scenarios/examples/apple-profile-removal-date-failing.yaml"), opts);
    expect(failing.summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    const fixed = await runScenario(join(import.meta.dirname, "../../scenarios/examples/apple-profile-removal-date-fixed.yaml"), opts);
    expect(fixed.summary.ok).toBe(true);
  }, 180_000);
});
