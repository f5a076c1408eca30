// SPDX-License-Identifier: MIT
/**
 * TPM firmware behind the attestation verdict, over loopback: the attested join of a pre-provisioned PC carries its
 * TPM maker and firmware; the reference server's attestation model (server/policy/tpm-attestation.ts) refuses the
 * Infineon ADV170012 ranges at join.register with 0x801C0003 MsaTicketTpmValidationFailed, shown on "Securing your
 * hardware"; a firmware update (timeline `set` of state.tpm) fixes it; a scenario row extends the list.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { traceLines } from "../support/trace-lines.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("TPM firmware and the attestation model (loopback)", () => {
  it("failing: Infineon 7.61 is refused at the join with 0x801C0003 MsaTicketTpmValidationFailed; 7.63 provisions", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-tpmfw-")), "trace");
    const { summary } = await runScenario(scenario("win-autopilot-tpm-firmware-801c0003-failing"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["windows.autopilot.tpm-attestation"]).toMatchObject({ count: 2, step: "join.register" });
    // The statement on the wire names the maker by its TCG vendor ID and the firmware; the server answers the published codes.
    const join1 = traceLines(dir).filter((l) => l.device === "windows-11-laptop#0" && l.step === "join.register" && l.kind === "http");
    const wire = JSON.stringify(join1[0]!.data);
    expect(wire).toContain('\\"tpmManufacturerId\\":\\"IFX\\"');
    expect(wire).toContain("7.61.2785.0");
    expect(wire).toContain("MsaTicketTpmValidationFailed");
    expect(wire).toContain("Attestation statement cannot be verified, rejecting request. TPM firmware needs update.");
  }, 120_000);

  it("fixed: the firmware update, a reset and a new run provision every laptop", async () => {
    const { summary } = await runScenario(scenario("win-autopilot-tpm-firmware-801c0003-fixed"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);

  it("a scenario row refuses another maker's firmware; self-deploying is checked too, user-driven (no TPM-attested join) is not", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "enrollsim-tpmfw-")), "rows.yaml");
    writeFileSync(
      file,
      `name: rows\nseed: 6\nserver: embedded\nembedded:\n  policy:\n    attestation:\n      refusedFirmware: [{ manufacturerId: NTC, from: "7.2.0", to: "7.2.1", source: "a vendor bulletin" }]\n` +
        `groups:\n` +
        `  - { name: kiosk, model: windows-11-laptop, count: 1, flow: windows-autopilot, state: { tpm: { manufacturer: nuvoton, firmwareVersion: "7.2.1.0" } }, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying } } } }\n` +
        `  - { name: user, model: windows-11-laptop, count: 1, flow: windows-autopilot, state: { tpm: { manufacturer: nuvoton, firmwareVersion: "7.2.1.0" } }, options: { windows: { minuteMs: 20 } } }\n` +
        `limits: { durationSeconds: 120 }\n`,
    );
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1 });
    expect(summary.errors["windows.autopilot.tpm-attestation"]).toMatchObject({ count: 1, step: "join.register" });
  }, 120_000);

  it("W3: on a build with the client check (Windows 11), Infineon 7.40 fails Securing your hardware with the PC's own 0x81039024; no statement reaches the join", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-tpmfw-")), "trace");
    const { summary } = await runScenario(scenario("win-autopilot-tpm-vulnerable-81039024-failing"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["windows.autopilot.tpm-attestation"]).toMatchObject({ count: 2, step: "esp.device-preparation" });
    expect(JSON.stringify(summary.errors["windows.autopilot.tpm-attestation"])).toContain("ADV170012");
    // The refused PCs sent nothing to the directory: only the 7.63 PC joined.
    const joins = traceLines(dir).filter((l) => l.step === "join.register" && l.kind === "http");
    expect(joins.every((l) => l.device === "windows-11-laptop#2")).toBe(true);
    expect(joins.length).toBeGreaterThan(0);
  }, 120_000);

  it("W3 fixed: the TPM firmware update to 7.63, a reset and a new run provision every PC", async () => {
    const { summary } = await runScenario(scenario("win-autopilot-tpm-vulnerable-81039024-fixed"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);
});
