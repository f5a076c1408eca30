// SPDX-License-Identifier: MIT
/**
 * An HTTP error status to an Apple device's SCEP request carries no CertRep: iOS shows "The SCEP server
 * returned an invalid response.", for a 4xx as for a 5xx (the status is enrollsim's diagnosis, in the message) (src/protocol/apple/install.ts).
 * Over loopback: a tunnel that empties the PKIOperation body (fault truncate in: request, micromdm#436) gets
 * the embedded CA's own 400; a fault answering 403 or 500 gets the same outcome; the other iPhone enrolls.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const scenario = (fault: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-scep-status-")), "s.yaml");
  writeFileSync(
    file,
    `name: scep-status\nseed: 7\nserver: embedded\ngroups:\n  - { name: tunnel, model: iphone-15, count: 1, flow: ios-profile }\n  - { name: direct, model: iphone-15, count: 1, flow: ios-profile }\n` +
      `faults:\n  - { name: tunnel, match: { group: tunnel, step: scep.pkioperation }, ${fault} }\nlimits: { durationSeconds: 60 }\nexpect: { successRatio: 0.5 }\n`,
  );
  return file;
};
const shownMessages = (s: { errors: Record<string, { messages?: string[]; message?: string }> }, code: string) => JSON.stringify(s.errors[code]);

describe("Apple SCEP answered with an HTTP error status (loopback)", () => {
  it.each([
    ["the CA's own 400 to an emptied PKIOperation body", "truncate: { in: request, bytes: 0 }", "HTTP 400"],
    ["a proxy's 403", "status: { code: 403 }", "HTTP 403"],
    ["a 500", "status: { code: 500 }", "HTTP 500"],
  ])(
    "%s: The SCEP server returned an invalid response",
    async (_what, fault, status) => {
      const { summary } = await runScenario(scenario(fault), opts);
      expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1 });
      expect(summary.errors["apple.scep.invalid-response"]).toMatchObject({ count: 1, step: "profile.scep" });
      // Apple's alert text is the device's; the status is enrollsim's diagnosis (the message), never inside the alert.
      expect(summary.errors["apple.scep.invalid-response"]!.shown?.text).toBe("Profile Installation Failed. The SCEP server returned an invalid response.");
      expect(shownMessages(summary, "apple.scep.invalid-response")).toContain(`(diagnosis: ${status})`);
    },
    120_000,
  );
});
