// SPDX-License-Identifier: MIT
/** Where a Windows PC keeps its keys and when it loses them (src/device/windows/tpm-keys.ts). */
import { describe, expect, it } from "vitest";
import type { DeviceIdentity } from "../../../src/device/identity.js";
import type { DeviceState } from "../../../src/device/state.js";
import { lostKey, PLATFORM_CRYPTO_PROVIDER, SOFTWARE_KSP, windowsKeyStore } from "../../../src/device/windows/tpm-keys.js";

const pc = (state: DeviceState = {}): DeviceIdentity => ({ serialNumber: "8KRLL18", state, windows: { tpmVersion: "2.0" } }) as unknown as DeviceIdentity;

describe("TPM-bound keys", () => {
  it("a key is created in the TPM (Platform Crypto Provider), or in software without one", () => {
    expect(windowsKeyStore(pc())).toEqual({ provider: PLATFORM_CRYPTO_PROVIDER, tpm: "TPM 2.0 of 8KRLL18's original board" });
    expect(windowsKeyStore(pc({ tpm: { version: "none" } }))).toEqual({ provider: SOFTWARE_KSP });
  });

  it("a replaced board or a cleared TPM loses a TPM key; a software key and an unchanged TPM do not", () => {
    const made = windowsKeyStore(pc());
    expect(lostKey(made, pc())).toBeUndefined();
    expect(lostKey(made, pc({ hardwareReplaced: ["nic", "disk"] }))).toBeUndefined();
    expect(lostKey(made, pc({ hardwareReplaced: ["motherboard"] }))).toMatch(/system board \(and its TPM\) was replaced/);
    expect(lostKey(made, pc({ tpm: { cleared: true } }))).toMatch(/TPM was cleared/);
    const soft = windowsKeyStore(pc({ tpm: { version: "none" } }));
    expect(lostKey(soft, pc({ tpm: { version: "none" }, hardwareReplaced: ["motherboard"] }))).toBeUndefined();
    expect(lostKey(undefined, pc({ hardwareReplaced: ["motherboard"] }))).toBeUndefined();
  });

  it("a key created after the repair lives in the new TPM", () => {
    const after = pc({ hardwareReplaced: ["motherboard"] });
    expect(lostKey(windowsKeyStore(after), after)).toBeUndefined();
  });
});
