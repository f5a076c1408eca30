// SPDX-License-Identifier: MIT
/**
 * An MDM check-in the server (or a load balancer in front of it) answers with an HTTP error status
 * shows MCHTTPTransactionErrorDomain 23001 "Bad server response" (Apple MDM Protocol Reference,
 * Error Codes), with the status as its cause; a status outside the table is reported raw.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { appleShownForHttpStatus } from "../../src/device/apple/shown.js";

describe("MCHTTPTransactionErrorDomain for HTTP-status failures of MDM transactions", () => {
  it("4xx/5xx are 23001 Bad server response with the status as cause; other statuses stay raw", () => {
    for (const status of [401, 412, 500, 503]) {
      expect(appleShownForHttpStatus(status, "x", "checkin.authenticate")).toMatchObject({ code: "MCHTTPTransactionErrorDomain 23001", name: "Bad server response", cause: { code: `HTTP ${status}` } });
    }
    for (const status of [302, 999]) {
      const s = appleShownForHttpStatus(status, "x", "checkin.authenticate");
      expect(s).toMatchObject({ code: `HTTP ${status}`, unknown: { raw: String(status) } });
      expect(s.code).not.toContain("MCHTTPTransactionErrorDomain");
    }
  });

  it("a load balancer answers the profile install's check-in 412 (loopback): Profile Installation Failed, 23001", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-mchttp-")), "s.yaml");
    writeFileSync(
      file,
      `name: lb-412\nseed: 3\nembedded: { scep: { challenge: lb-challenge } }\ngroups:\n  - { name: phones, model: iphone-15, count: 2, flow: ios-profile }\n` +
        `faults:\n  - { match: { step: checkin.authenticate }, status: { code: 412 } }\narrival: { concurrency: 2 }\nlimits: { durationSeconds: 120 }\n`,
    );
    const { summary } = await runScenario(file, { keyPoolSize: 4, progress: false });
    expect(summary).toMatchObject({ devices: 2, failed: 2 });
    expect(summary.errors["apple.checkin.http-412"]!.shown).toMatchObject({
      code: "MCHTTPTransactionErrorDomain 23001",
      name: "Bad server response",
      text: "Profile Installation Failed. Connection to the server could not be established.",
      cause: { code: "HTTP 412" },
    });
  }, 120_000);
});
