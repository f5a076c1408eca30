// SPDX-License-Identifier: MIT
/**
 * Where a Windows PC keeps the private keys of its enrollment, and what becomes of them when the TPM they were
 * created in is gone.
 *
 * - Where: with a TPM, Windows creates the device's keys in it through the Microsoft Platform Crypto Provider
 *   (dsregcmd /status of an Entra-joined PC: "KeyProvider : Microsoft Platform Crypto Provider", "TpmProtected : YES",
 *   joymalya.com "System Board replacement for a MEM Intune managed device"; call4cloud.nl "Married with System
 *   Boards: 976-TPM", which also covers a PC without a TPM). Without one, the Microsoft Software Key Storage
 *   Provider holds them on disk (Microsoft Learn, "CNG Key Storage Providers"). enrollsim applies this to the MDM
 *   client certificate's key too: the sources show it for the Entra device certificate and report MDM sync failing
 *   with it after a board swap; a Microsoft page that names the MDM certificate's provider was not found.
 * - Which TPM: a key lives in one TPM's storage hierarchy. A new system board brings a new TPM (firmware TPMs are
 *   part of the board's chipset, discrete chips are soldered or fitted to it); clearing the TPM gives its storage
 *   hierarchy a new seed, and "you will lose all created keys associated with the TPM" (Microsoft Learn, "Troubleshoot
 *   the TPM", Clear all the keys from the TPM). The identity below names the TPM's storage hierarchy from the device
 *   state: the board (`state.hardwareReplaced: [motherboard]`) and whether the TPM was cleared since it was made
 *   (`state.tpm.cleared`). It is metadata: the key material stays the device's key-pool key (no per-device key
 *   generation); what changes is whether Windows can still open it.
 * - What then: the next operation that signs with such a key fails on the PC with NTE_BAD_KEYSET 0x80090016,
 *   "Keyset does not exist" (winerror.h; Microsoft Learn, COM Error Codes (Security and Setup)), as the field ticket
 *   shows after a system board replacement (call4cloud.nl/systemboard-motherboard-replacement-tpm-0x80090016).
 *   Modelled: the MDM session's client-certificate TLS handshake (a scheduled check-in, checkin.ts). Not modelled:
 *   the Entra device key and the PRT (enrollsim keeps no Entra device key across check-ins). The fix is a new
 *   enrollment (and join), which creates new keys in the TPM the PC has now.
 */
import type { DeviceIdentity } from "../identity.js";
import type { KeyStore } from "../flow.js";

export const PLATFORM_CRYPTO_PROVIDER = "Microsoft Platform Crypto Provider";
export const SOFTWARE_KSP = "Microsoft Software Key Storage Provider";
export const NTE_BAD_KEYSET = { code: "0x80090016", name: "NTE_BAD_KEYSET", text: "Keyset does not exist" } as const;

/** The TPM storage hierarchy a key created now goes into, named from the device state; undefined without a TPM. */
export function tpmStorageIdentity(id: DeviceIdentity): string | undefined {
  const t = id.state?.tpm;
  const version = t?.version ?? id.windows?.tpmVersion ?? "2.0";
  if (version === "none") return undefined;
  const board = id.state?.hardwareReplaced?.includes("motherboard") ? "replacement board" : "original board";
  return `TPM ${version} of ${id.serialNumber}'s ${board}${t?.cleared ? ", cleared" : ""}`;
}

/** Where a key the PC creates now is kept. */
export function windowsKeyStore(id: DeviceIdentity): KeyStore {
  const tpm = tpmStorageIdentity(id);
  return tpm ? { provider: PLATFORM_CRYPTO_PROVIDER, tpm } : { provider: SOFTWARE_KSP };
}

/** Why a key kept in `store` cannot be opened on the PC as it is now; undefined when it can (or nothing says where it is). */
export function lostKey(store: KeyStore | undefined, id: DeviceIdentity): string | undefined {
  if (!store?.tpm) return undefined;
  const now = tpmStorageIdentity(id);
  if (now === store.tpm) return undefined;
  const why = !now ? "the PC has no TPM now" : id.state?.hardwareReplaced?.includes("motherboard") && !store.tpm.includes("replacement board") ? "the system board (and its TPM) was replaced" : "the TPM was cleared";
  return `the key was created in ${store.tpm} (${store.provider}); ${why}, so the ${store.provider} cannot open it`;
}
