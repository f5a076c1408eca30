// SPDX-License-Identifier: MIT
/**
 * Device and server clocks over real loopback (the embedded server on 127.0.0.1): nanomdm issue #73
 * emerges from the device's clock (state.clockOffset, written into the Mdm-Signature signingTime),
 * the CA's NotBefore (embedded.scep.backdateSeconds), the server's check (NanoMDM: no tolerance,
 * HTTP 400; embedded.apple.signatureSkewSeconds) and the single-use challenge of the profile the iPad
 * reinstalls on Try Again. Each mechanism changes the outcome on its own.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const example = (name: string) => join(import.meta.dirname, "../../scenarios/examples", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

function traceText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

/** The failing example with its YAML edited (a variant a support engineer would write). */
function variant(edit: (yaml: string) => string): string {
  const text = edit(readFileSync(example("ipad-ade-clock-behind-signing-time-failing.yaml"), "utf8")).replace(/^expect:[\s\S]*$/m, "");
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-clock-")), "s.yaml");
  writeFileSync(file, text);
  return file;
}

describe("device and server clocks (nanomdm issue #73)", () => {
  it("failing: the unsynced iPads' check-in is refused 400 with the pkcs7 signing-time text, then Try Again meets the spent one-time challenge", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-clock-trace-")), "trace");
    const { summary } = await runScenario(example("ipad-ade-clock-behind-signing-time-failing.yaml"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, ok: true, outcomes: { "apple.ade.enrolled": 2, "apple.scep.failInfo.badRequest": 3 } });
    expect(summary.errors["apple.scep.failInfo.badRequest"]!.shown).toMatchObject({ code: "MCInstallationErrorDomain 4001", text: "Profile Installation Failed.", unknown: { raw: "CertRep pkiStatus FAILURE, failInfo badRequest", of: "condition" } });
    // The failInfo is enrollsim's diagnosis (the message), not the device's words: no published text says it.
    expect(summary.errors["apple.scep.failInfo.badRequest"]!.shown!.text).not.toContain("badRequest");
    const text = traceText(dir);
    expect(text.match(/pkcs7: signing time \\"[0-9T:-]+Z\\" is outside of certificate validity/g)?.length).toBe(3);
    expect(text).toContain("challenge password was already used (single-use)");
  }, 180_000);

  it("fixed: the clocks synced, every iPad enrolls on the first check-in", async () => {
    const { summary } = await runScenario(example("ipad-ade-clock-behind-signing-time-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
  }, 180_000);

  it("without Try Again the first refusal is what the iPad shows: Profile Installation Failed, 23001 with cause HTTP 400", async () => {
    const { summary } = await runScenario(
      variant((y) => y.replace(/^timeline:\n.*\n/m, "")),
      opts,
    );
    expect(summary.outcomes).toEqual({ "apple.ade.enrolled": 2, "apple.checkin.http-400": 3 });
    expect(summary.errors["apple.checkin.http-400"]!.shown).toMatchObject({ code: "MCHTTPTransactionErrorDomain 23001", cause: { code: "HTTP 400" } });
  }, 180_000);

  it("MicroMDM's answer to the same refusal (signatureRefusalStatus 500): Profile Installation Failed, 4001", async () => {
    const { summary } = await runScenario(
      variant((y) => y.replace("signMessage: true", "signMessage: true\n    signatureRefusalStatus: 500").replace(/^timeline:\n.*\n/m, "")),
      opts,
    );
    expect(summary.outcomes).toEqual({ "apple.ade.enrolled": 2, "apple.profile.install-failed": 3 });
    expect(summary.errors["apple.profile.install-failed"]!.shown).toMatchObject({ code: "MCInstallationErrorDomain 4001" });
  }, 180_000);

  it("each mechanism decides on its own: a server tolerance or a backdating CA fixes it, a reusable challenge changes the final symptom, mTLS carries no signing time", async () => {
    const tolerant = await runScenario(
      variant((y) => y.replace("signMessage: true", "signMessage: true\n    signatureSkewSeconds: 60")),
      opts,
    );
    expect(tolerant.summary).toMatchObject({ enrolled: 5, failed: 0 });
    const backdating = await runScenario(
      variant((y) => y.replace("backdateSeconds: 0", "backdateSeconds: 600")),
      opts,
    );
    expect(backdating.summary).toMatchObject({ enrolled: 5, failed: 0 });
    // A reusable challenge: the retry (new key, same profile) gets its certificate, and its check-in
    // is refused again (the clock is still behind): the final symptom is the 400, not the SCEP error.
    const reusable = await runScenario(
      variant((y) => y.replace("scepChallenge: { singleUse: true }", "scepChallenge: { singleUse: false }")),
      opts,
    );
    expect(reusable.summary.outcomes).toEqual({ "apple.ade.enrolled": 2, "apple.checkin.http-400": 3 });
    expect(reusable.summary.steps["checkin.authenticate"]).toMatchObject({ count: 8, failed: 6 });
    // mTLS instead of Mdm-Signature: nothing the device signs carries its clock to the check-in.
    const mtls = await runScenario(
      variant((y) => y.replace("signMessage: true", "signMessage: false")),
      opts,
    );
    expect(mtls.summary).toMatchObject({ enrolled: 5, failed: 0 });
  }, 300_000);

  it("a server clock ahead (embedded.clockOffset) fails devices whose clocks are right the same way", async () => {
    const ahead = await runScenario(
      variant((y) =>
        y
          .replace("embedded:\n", 'embedded:\n  clockOffset: "+30s"\n')
          .replace(/^ {4}state: \{ clockOffset: "-30s" \}.*\n/m, "")
          .replace(/^timeline:\n.*\n/m, ""),
      ),
      opts,
    );
    expect(ahead.summary.outcomes).toEqual({ "apple.checkin.http-400": 5 });
  }, 180_000);

  it("the server's clock is synced mid-run (timeline set embedded.clockOffset): the users' Try Again after it enrolls", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-clock-")), "s.yaml");
    writeFileSync(
      file,
      [
        "name: server-clock-synced",
        "seed: 7",
        "embedded:",
        '  clockOffset: "+30s"',
        "  scep: { backdateSeconds: 0 }",
        "  apple: { signMessage: true }",
        "groups:",
        "  - { name: ipads, model: ipad-air-m2, count: 3, flow: ios-ade }",
        "timeline:",
        "  - { at: 0s, tryAgain: { wait: 1m, times: 1 } }",
        '  - { after: { step: checkin.authenticate, failed: 3 }, set: { embedded.clockOffset: "0s" }, note: the server reached NTP again }',
        "  - { after: { step: checkin.authenticate, failed: 3, wait: 1s }, skip: 2m }",
        "limits: { durationSeconds: 600 }",
        "",
      ].join("\n"),
    );
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0 });
    expect(summary.steps["checkin.authenticate"]).toMatchObject({ count: 6, failed: 3 });
    // Control: the same Try Again with the server's clock still ahead is refused again.
    writeFileSync(file, readFileSync(file, "utf8").replace(/^.*embedded\.clockOffset.*\n/m, ""));
    const unsynced = await runScenario(file, opts);
    expect(unsynced.summary).toMatchObject({ devices: 3, enrolled: 0, failed: 3, outcomes: { "apple.checkin.http-400": 3 } });
  }, 180_000);
});
