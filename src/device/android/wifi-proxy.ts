// SPDX-License-Identifier: MIT
/**
 * The proxy of the Wi-Fi a provisioning payload configures (PROVISIONING_WIFI_PROXY_HOST / _PORT, or
 * PROVISIONING_WIFI_PAC_URL), applied to the device's requests once the setup wizard has joined that Wi-Fi — so
 * on an explicit-proxy network (runner/network `proxy.address`) the payload's proxy is what gets the DPC download
 * and the DPC's enrolment out. Sources: Android DevicePolicyManager, EXTRA_PROVISIONING_WIFI_PROXY_HOST ("the proxy
 * host for the wifi network in EXTRA_PROVISIONING_WIFI_SSID"), _PROXY_PORT, _PAC_URL ("the proxy auto-config (PAC)
 * URL for the wifi network"); android.net.ProxyInfo: "Proxy configurations are already integrated within the
 * java.net and Apache HTTP stack. So URLConnection and Apache's HttpClient will use them automatically."
 *
 * A PAC file is read as data (wire/pac.ts), never run. Assumptions (not published): a PAC that cannot be fetched
 * or read leaves requests direct; PROVISIONING_WIFI_PROXY_BYPASS is not applied (every host goes through the
 * static proxy). Only the provisioning flow's requests use it; later check-in flows do not carry the Wi-Fi.
 */
import { note, type ProtocolContext } from "../../protocol/common/context.js";
import type { DeviceNetworkView } from "../../protocol/common/connectivity.js";
import type { WifiParams } from "../../wire/android/payload.js";
import { evaluatePac, type PacProgram } from "../../wire/pac.js";
import { fetchPac, proxiedHttp } from "../proxy-discovery.js";

type Setting = { kind: "static"; address: string } | { kind: "pac"; url: string; program?: Promise<PacProgram | undefined> };

/** The provisioning context whose requests carry the joined Wi-Fi's proxy, and the hook the setup wizard calls once it joined. */
export function wifiProxied(ctx: ProtocolContext, network: DeviceNetworkView | undefined): { ctx: ProtocolContext; joined: (w: WifiParams) => void } {
  const direct = ctx.http;
  let setting: Setting | undefined;
  const readPac = async (url: string): Promise<PacProgram | undefined> => {
    const found = await fetchPac(url, direct);
    if (found.kind === "pac") return found.program;
    note(ctx, ctx.current?.step ?? "device", { proxy: { wifi: "PROVISIONING_WIFI_PAC_URL", pac: url, direct: found.detail } });
    return undefined;
  };
  const viaFor = async (url: URL): Promise<string | undefined> => {
    if (!setting) return undefined;
    if (setting.kind === "static") return setting.address;
    // The PAC file itself is always fetched directly; it is read once, when first needed.
    if (url.href === setting.url) return undefined;
    const program = await (setting.program ??= readPac(setting.url));
    if (!program) return undefined;
    const d = evaluatePac(program, network?.hostOf?.(url) ?? url.hostname);
    return d.kind === "proxy" ? d.address : undefined;
  };
  const http = proxiedHttp(direct, viaFor);
  const joined = (w: WifiParams) => {
    if (w.proxyHost && w.proxyPort > 0) setting = { kind: "static", address: `${w.proxyHost.toLowerCase()}:${w.proxyPort}` };
    else if (w.pacUrl) setting = { kind: "pac", url: new URL(w.pacUrl).href };
    if (setting) note(ctx, ctx.current?.step ?? "device", { proxy: { wifi: w.ssid, ...(setting.kind === "static" ? { server: setting.address } : { pac: w.pacUrl }) } });
  };
  return { ctx: { ...ctx, http }, joined };
}
