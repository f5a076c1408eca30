// SPDX-License-Identifier: MIT
/**
 * A lapsed Knox Manage licence restricts enrolled devices on every platform it covers (server/policy/licences.ts
 * enrolledStanding), run as scenario files on virtual time: Windows PCs and iPhones enrol while it runs; it ends an
 * hour in; the admin assigns them something new (a Windows configuration profile, an Apple command); their check-ins
 * are served but the new assignment is withheld and their records are restricted. Renewed (a timeline `set` of the
 * end date) after their first restricted check-in, the next one delivers it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const T = 120_000;

function scenario(platform: "windows" | "ios", renew: boolean): string {
  const standing = renew ? "licensed" : "restricted";
  const group = platform === "windows" ? "  - { name: pcs, model: windows-11-laptop, count: 2, flow: windows-byod, options: { windows: { upn: ann@contoso.com } } }" : "  - { name: phones, model: iphone-15, count: 2, flow: ios-profile }";
  const assign =
    platform === "windows"
      ? "{ embedded.windows.profiles: [{ name: camera-off, settings: [{ uri: ./Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera, value: '0', format: int }] }] }"
      : "{ embedded.apple.commands: [{ requestType: DeviceInformation, payload: { Queries: [DeviceName] } }] }";
  const checkin = platform === "windows" ? "checkin.dm.session" : "checkin.command.idle";
  return [
    `name: licence-restricted-${platform}`,
    "seed: 31",
    "server: embedded",
    "embedded:",
    "  policy:",
    `    licences: [{ name: Knox Manage, product: knox-manage, platforms: [${platform}], endsAt: 3600 }]`,
    "groups:",
    group,
    "arrival: { concurrency: 2 }",
    "load: { steady: { durationSeconds: 14400, intervalSeconds: 3600, jitter: 0, maxCheckinsPerDevice: 2 } }",
    "limits: { durationSeconds: 100000 }",
    "timeline:",
    `  - { after: { enrolled: 2, wait: 1s }, set: ${assign} }`,
    "  - { after: { enrolled: 2, wait: 2s }, skip: 90m }",
    ...(renew ? [`  - { after: { step: ${checkin}, succeeded: 2 }, set: { embedded.policy.licences.0.endsAt: 31536000 } }`] : []),
    `  - { after: { step: ${checkin}, succeeded: 2, wait: 1s }, skip: 1h }`,
    `  - { after: { step: ${checkin}, succeeded: 4, wait: 1s }, skip: 4h }`,
    `expect: { successRatio: 1, server: { records: { count: 2 }, licences: { ${standing}: 2 } } }`,
    "",
  ].join("\n");
}

async function run(platform: "windows" | "ios", renew: boolean) {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-licence-")), `${platform}.yaml`);
  writeFileSync(file, scenario(platform, renew));
  const { summary } = await runScenario(file, { keyPoolSize: 8, progress: false });
  expect(summary.ok, JSON.stringify(summary.expectations.filter((e) => !e.ok))).toBe(true);
  return summary;
}

describe("a lapsed Knox Manage licence restricts enrolled devices on every platform (virtual time)", () => {
  it(
    "Windows: the PCs keep their OMA-DM sessions; a profile assigned after the end never reaches them; renewed, it does",
    async () => {
      const failing = await run("windows", false);
      expect(failing.enrolled).toBe(2);
      // Each PC answers its first session's one Replace (Update/ActiveHoursStart); the profile's AllowCamera Replace only reaches a licensed PC.
      expect(failing.commands?.syncml?.Replace).toEqual({ "200": 2 });
      expect(failing.steps["checkin.dm.session"]).toMatchObject({ count: 4, failed: 0 });
      const fixed = await run("windows", true);
      expect(fixed.commands?.syncml?.Replace).toEqual({ "200": 4 });
    },
    T,
  );

  it(
    "Apple: the iPhones keep polling; a command assigned after the end is not handed out; renewed, it is",
    async () => {
      const failing = await run("ios", false);
      expect(failing.enrolled).toBe(2);
      expect(failing.commands?.["apple-mdm"]?.DeviceInformation).toBeUndefined();
      expect(failing.steps["checkin.command.idle"]).toMatchObject({ count: 4, failed: 0 });
      const fixed = await run("ios", true);
      expect(fixed.commands?.["apple-mdm"]?.DeviceInformation).toEqual({ Acknowledged: 2 });
    },
    T,
  );
});
