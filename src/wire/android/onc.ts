// SPDX-License-Identifier: MIT
/**
 * AMAPI Policy.openNetworkConfiguration (ONC): the Wi-Fi networks whose EAP client certificate is a key pair an app
 * installed, named by alias (ONC `ClientCertType: KeyPairAlias`, `ClientCertKeyPairAlias`), and what Android Device
 * Policy reports when no key with that alias is on the device.
 *
 * Sources: Chromium ONC spec (components/onc/docs/onc_spec.md, EAP type: ClientCertType, ClientCertKeyPairAlias);
 * Google, Android Management API reference, NonComplianceDetail.specificNonComplianceReason
 * ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY: "Key pair alias specified via ClientCertKeyPairAlias field in
 * openNetworkConfiguration does not correspond to an existing key installed on the device. nonComplianceReason is set to
 * INVALID_VALUE.", with SpecificNonComplianceContext.oncWifiContext.wifiGuid.
 * Not modelled: the rest of ONC (SSIDs, server CA refs, VPN), other ONC non-compliance reasons.
 */
import type { NonComplianceDetail } from "./oem-apps.js";

export const ONC_KEY_PAIR_MISSING = "ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY";
/** Google's description of the reason (AMAPI reference), what the EMM console has to show for it. */
export const ONC_KEY_PAIR_MISSING_TEXT = "Key pair alias specified via ClientCertKeyPairAlias field in openNetworkConfiguration does not correspond to an existing key installed on the device.";

/** A Wi-Fi network of the ONC whose client certificate is a key pair alias. */
export interface OncKeyPairNetwork {
  guid: string;
  alias: string;
}

export interface OncNonCompliance extends NonComplianceDetail {
  specificNonComplianceReason: typeof ONC_KEY_PAIR_MISSING;
  specificNonComplianceContext: { oncWifiContext: { wifiGuid: string } };
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The Wi-Fi networks of an ONC document that name a key pair alias (bounded; anything else ignored). */
export function oncKeyPairNetworks(onc: unknown): OncKeyPairNetwork[] {
  const nets = obj(onc)?.NetworkConfigurations;
  if (!Array.isArray(nets)) return [];
  const out: OncKeyPairNetwork[] = [];
  for (const n of nets.slice(0, 100)) {
    const net = obj(n);
    const eap = obj(obj(net?.WiFi)?.EAP);
    if (!net || !eap || eap.ClientCertType !== "KeyPairAlias" || typeof eap.ClientCertKeyPairAlias !== "string" || typeof net.GUID !== "string") continue;
    out.push({ guid: net.GUID.slice(0, 200), alias: eap.ClientCertKeyPairAlias.slice(0, 200) });
  }
  return out;
}

/** Android Device Policy's non-compliance for each network whose alias names no installed key pair. */
export function oncNonCompliance(networks: readonly OncKeyPairNetwork[], installedAliases: ReadonlySet<string>): OncNonCompliance[] {
  return networks
    .filter((n) => !installedAliases.has(n.alias))
    .map((n) => ({ settingName: "openNetworkConfiguration", nonComplianceReason: "INVALID_VALUE", specificNonComplianceReason: ONC_KEY_PAIR_MISSING, specificNonComplianceContext: { oncWifiContext: { wifiGuid: n.guid } } }));
}
