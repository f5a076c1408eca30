// SPDX-License-Identifier: MIT
/** The attestation model's firmware rule (server/policy/tpm-attestation.ts): ADV170012's Infineon ranges, scenario rows. */
import { describe, expect, it } from "vitest";
import { refusedFirmware } from "../../../src/server/policy/tpm-attestation.js";

const ifx = (firmwareVersion: string) => ({ manufacturerId: "IFX", firmwareVersion });

describe("refusedFirmware", () => {
  it("refuses the ADV170012 ranges on major.minor, the detection script's comparison", () => {
    for (const v of ["4.33.4.0", "4.40.119.0", "4.42.0", "5.61.2785.0", "6.42.0.0", "7.61.2785.0", "7.0.0.0", "133.32.0.0"]) expect(refusedFirmware(ifx(v), undefined), v).toBeDefined();
    for (const v of ["4.34.0.0", "4.43.257.0", "5.62.3126.0", "6.43.0.0", "7.62.3126.0", "7.63.3353.0", "133.33.0.0", "8.0.0.0"]) expect(refusedFirmware(ifx(v), undefined), v).toBeUndefined();
  });

  it("applies a row to its maker only, and says nothing when the facts are not stated", () => {
    expect(refusedFirmware({ manufacturerId: "NTC", firmwareVersion: "7.61.0.0" }, undefined)).toBeUndefined();
    expect(refusedFirmware({ manufacturerId: "IFX" }, undefined)).toBeUndefined();
    expect(refusedFirmware({ firmwareVersion: "7.61.0.0" }, undefined)).toBeUndefined();
  });

  it("scenario rows come first; builtIn: false leaves only them", () => {
    const row = { manufacturerId: "ntc", from: "7.2.0", to: "7.2.1", source: "a bulletin" };
    expect(refusedFirmware({ manufacturerId: "NTC", firmwareVersion: "7.2.1.0" }, { refusedFirmware: [row] })).toBe(row);
    expect(refusedFirmware({ manufacturerId: "NTC", firmwareVersion: "7.2.2.0" }, { refusedFirmware: [row] })).toBeUndefined();
    expect(refusedFirmware(ifx("7.61.2785.0"), { refusedFirmware: [row], builtIn: false })).toBeUndefined();
  });
});
