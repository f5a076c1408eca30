// SPDX-License-Identifier: MIT
/**
 * %VARIABLE% substitution in subjects and SANs, as profiles and scenarios use it
 * (%SERIAL%, %UDID%, %DEVICE_NAME%, %INDEX%, %MODEL%, %IMEI%, %MEID%, %MAC%).
 */
import { ScenarioError } from "../../errors/index.js";
import type { DeviceIdentity } from "../identity.js";

export function deviceVariables(id: DeviceIdentity): Record<string, string | undefined> {
  return {
    SERIAL: id.serialNumber,
    SERIALNUMBER: id.serialNumber,
    UDID: id.udid,
    DEVICE_NAME: id.deviceName,
    DEVICENAME: id.deviceName,
    INDEX: String(id.index),
    MODEL: id.model,
    PRODUCT: id.modelIdentifier,
    IMEI: id.imei,
    MEID: id.meid,
    MAC: id.wifiMac ?? id.ethernetMac,
    DEVICEID: id.windows?.deviceId,
  };
}

/** Replaces %NAME% (case-insensitive); an unknown or unavailable variable is a scenario error. */
export function substitute(template: string, id: DeviceIdentity): string {
  const vars = deviceVariables(id);
  return template.replace(/%([A-Za-z_]+)%/g, (whole, name: string) => {
    const key = name.toUpperCase();
    if (!(key in vars)) throw new ScenarioError(`unknown variable ${whole} in "${template}"; known: ${Object.keys(vars).map((k) => `%${k}%`).join(", ")}`);
    const v = vars[key];
    if (v === undefined) throw new ScenarioError(`variable ${whole} in "${template}" has no value on ${id.model} (${id.platform})`);
    return v;
  });
}
