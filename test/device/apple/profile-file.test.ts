// SPDX-License-Identifier: MIT
/**
 * `options.apple.profileFile`: the enrollment profile comes from a file (servers such as NanoMDM
 * serve none). The scenario loader / CLI read it into `profileData`; the device installs it with
 * no download.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { MAX_PROFILE_FILE_BYTES, loadScenarioFile, readProfileFile, withProfileFile } from "../../../src/runner/scenario/read.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";
import { appleWorld, URLS } from "./harness.js";

const context: ScenarioContext = { modelIds: ["iphone-15"], flows: ["ios-profile"] };

function scenarioDir(profile: Uint8Array | undefined, file = "enroll.mobileconfig"): string {
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-profile-file-"));
  if (profile) writeFileSync(join(dir, "enroll.mobileconfig"), profile);
  writeFileSync(
    join(dir, "s.yaml"),
    ["name: profile-file", "server: https://mdm.example.test", "groups:", "  - { name: phones, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { profileFile: " + file + " } } }", ""].join("\n"),
  );
  return dir;
}

describe("options.apple.profileFile", () => {
  it("the scenario loader reads the file (relative to the scenario) into profileData", async () => {
    const bytes = new Uint8Array(Buffer.from("<plist>not checked here</plist>"));
    const dir = scenarioDir(bytes);
    const s = await loadScenarioFile(join(dir, "s.yaml"), context);
    const apple = s.groups[0]!.options.apple as { profileFile: string; profileData: string };
    expect(apple.profileFile).toBe("enroll.mobileconfig");
    expect(Buffer.from(apple.profileData, "base64")).toEqual(Buffer.from(bytes));
  });

  it("a missing file is a scenario error naming the scenario and the path", async () => {
    const dir = scenarioDir(undefined);
    const err = await loadScenarioFile(join(dir, "s.yaml"), context).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(/s\.yaml: cannot read options\.apple\.profileFile .*enroll\.mobileconfig: no such file/);
    expect(() => readProfileFile(dir, "/")).toThrow(/is not a file/);
    expect(withProfileFile({ profileUrl: "https://x.test/p" }, dir)).toEqual({ profileUrl: "https://x.test/p" });
  });

  it("a file over 1 MiB is refused before it is read, naming its size", () => {
    const dir = scenarioDir(new Uint8Array(MAX_PROFILE_FILE_BYTES + 1));
    expect(() => readProfileFile("enroll.mobileconfig", dir)).toThrow(ScenarioError);
    expect(() => readProfileFile("enroll.mobileconfig", dir)).toThrow(new RegExp(`is ${MAX_PROFILE_FILE_BYTES + 1} bytes; at most ${MAX_PROFILE_FILE_BYTES}`));
  });

  it("the device installs the profile from the file: no download, then SCEP, check-in and commands", async () => {
    const w = await appleWorld();
    const res = await w.apple.handler({ method: "GET", url: `${URLS.https}/apple/enroll`, headers: {} });
    expect(res.status).toBe(200);
    const profileData = Buffer.from(res.body).toString("base64");
    const dev = await w.device("iphone-15", 0);
    const r = await w.run(dev, "ios-profile", { apple: { profileFile: "enroll.mobileconfig", profileData } });
    expect(r.code, dev.formatTranscript()).toBe("apple.enrolled");
    const steps = dev.transcript().map((e) => e.step);
    expect(steps).not.toContain("profile.download");
    expect(dev.transcript().find((e) => e.step === "profile.file")?.data).toMatchObject({ file: "enroll.mobileconfig", bytes: res.body.length });
    expect(steps).toContain("checkin.authenticate");
  }, 60_000);

  it("an unsigned profile file names the run's server with %SERVER%: expanded per device before install", async () => {
    const w = await appleWorld({ signProfile: false });
    const res = await w.apple.handler({ method: "GET", url: `${URLS.https}/apple/enroll`, headers: {} });
    const xml = Buffer.from(res.body).toString("utf8");
    expect(xml).toContain(URLS.https);
    const templated = xml.split(URLS.https).join("%SERVER%");
    const dev = await w.device("iphone-15", 2);
    const r = await w.run(dev, "ios-profile", { apple: { profileFile: "enroll.mobileconfig", profileData: Buffer.from(templated).toString("base64") } });
    expect(r.code, dev.formatTranscript()).toBe("apple.enrolled");
    expect(dev.transcript().find((e) => e.step === "profile.file")?.data).toMatchObject({ templates: "expanded" });
  }, 60_000);

  it("the loader refuses an unknown %NAME% in an unsigned profile file, with a did-you-mean", () => {
    const dir = scenarioDir(new Uint8Array(Buffer.from('<?xml version="1.0"?><plist><string>%SERVR%/apple/checkin</string><string>%SerialNumber%</string></plist>')));
    expect(() => readProfileFile("enroll.mobileconfig", dir)).toThrow(/uses unknown variable %SERVR% \(did you mean "SERVER"\?\)/);
  });

  it("profileFile without profileData (a library caller that did not read it) is a scenario error", async () => {
    const w = await appleWorld();
    const dev = await w.device("iphone-15", 1);
    await expect(w.run(dev, "ios-profile", { apple: { profileFile: "enroll.mobileconfig" } })).rejects.toThrow(/was not read/);
  }, 60_000);
});
