// SPDX-License-Identifier: MIT
/**
 * Fault rules on what the device sent (match.field, match.header, match.body), end to end against the
 * embedded server over loopback: the shipped scenarios fail the devices that SEND the refused value,
 * whatever their group, and pass the others to the server.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

describe("rules on request content", () => {
  it("an exact-match RequestVersion allow-list refuses 9.0 (0x80180006) and lets 5.0 enrol; accepting >= 4.0 enrols both", async () => {
    const failing = (await runScenario(scenario("failures/win-discovery-requestversion-allowlist-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(failing.groups["win11-25h2"]).toMatchObject({ enrolled: 0, failed: 3 });
    expect(failing.groups["win11-24h2"]).toMatchObject({ enrolled: 2, failed: 0 });
    const [code, err] = Object.entries(failing.errors)[0]!;
    expect(err).toMatchObject({ count: 3, step: "discovery.post" });
    expect(`${code} ${err.example}`).toMatch(/0x80180006/i);
    const fixed = (await runScenario(scenario("failures/win-discovery-requestversion-allowlist-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 120_000);

  it("fleet#49329: a fresh 25H2 PC sends RequestVersion 9.0 by itself (build table) and OOBE shows 25H2's published 80180006 page; 24H2 enrols; accepting >= 4.0 enrols both", async () => {
    const failing = (await runScenario(scenario("failures/win-25h2-oobe-requestversion-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(failing.groups["win11-25h2"]).toMatchObject({ enrolled: 0, failed: 3 });
    expect(failing.groups["win11-24h2"]).toMatchObject({ enrolled: 2, failed: 0 });
    const [, err] = Object.entries(failing.errors)[0]!;
    expect(err).toMatchObject({ count: 3, step: "discovery.post" });
    expect(err.shown).toMatchObject({
      code: "0x80180006",
      name: "MENROLL_E_DEVICE_INTERNALSERVICE_ERROR",
      screen: "OOBE (out-of-box experience)",
      text: "Something went wrong. There was an error communicating with the server. Server error code: 80180006 · Correlation ID: Not available · Server message: Not available · More information: https://www.microsoft.com/mdmerrors",
    });
    const fixed = (await runScenario(scenario("failures/win-25h2-oobe-requestversion-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 120_000);

  it("one User-Agent rule refuses the Windows client and Android's DPC download; a body rule refuses only the iPhones whose check-in says 17.x", async () => {
    const { summary } = await runScenario(scenario("faults/request-rules-user-agent-and-os-version.yaml"), opts);
    expect(summary).toMatchObject({ devices: 8, enrolled: 2, failed: 6, ok: true });
    expect(summary.groups["phones-18"]).toMatchObject({ enrolled: 2, failed: 0 });
    expect(summary.groups["phones-17"]).toMatchObject({ enrolled: 0, failed: 2 });
    expect(summary.errors["apple.checkin.http-403"]).toMatchObject({ count: 2, step: "checkin.authenticate" });
    expect(summary.errors["android.provision.download-failed"]).toMatchObject({ count: 2, step: "android.provision.download" });
    expect(summary.steps["discovery.post"]).toBeUndefined(); // the PCs never got past the WAF
  }, 120_000);
});

describe("expect.answered over loopback", () => {
  it("an ingress that rewrites MDM bodies: the server's 500 refusal is asserted for the Macs behind it, which stay enrolled and keep polling; fixed during the run, their next poll succeeds", async () => {
    const failing = (await runScenario(scenario("failures/macos-ingress-breaks-mdm-signature-failing.yaml"), opts)).summary;
    // The refused Macs stay enrolled (a 500 is not an unenrolment) and keep polling: every steady check-in is refused too.
    expect(failing).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    expect(failing.outcomes).toEqual({ "apple.enrolled": 5, "apple.checkin.http-500": 3 });
    expect(failing.steps["checkin.command.idle"]).toMatchObject({ count: 10, failed: 6 });
    expect(failing.answered).toEqual([
      { step: "command.idle", status: 500, body: "Mdm-Signature does not verify: digest-mismatch", devices: 3 },
      { step: "checkin.authenticate", status: 200, devices: 5 },
    ]);
    // The ingress fixed 30 minutes in: the same Macs' next polls succeed without re-enrolling them.
    const fixed = (await runScenario(scenario("failures/macos-ingress-breaks-mdm-signature-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ devices: 5, enrolled: 5, ok: true });
    expect(fixed.steps["checkin.command.idle"]).toMatchObject({ count: 10, failed: 0 });
    expect(fixed.answered).toEqual([{ step: "command.idle", status: 200, devices: 5 }]);
  }, 120_000);
});
