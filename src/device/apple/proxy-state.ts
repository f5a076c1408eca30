// SPDX-License-Identifier: MIT
/** The `state.networkProxy` key of Apple devices (its behaviour: proxy.ts). Kept apart so device/state.ts stays small. */
import type { Json } from "../state-common.js";

/** `state.networkProxy`: the proxy the device is set to use on its network (ProxyType Manual or Auto). */
export type AppleProxySetting = { type: "manual"; server: string } | { type: "auto"; pacUrl?: string; pacFallbackAllowed?: boolean };

export const APPLE_PROXY_STATE: Record<string, Json> = {
  networkProxy: {
    type: "object",
    description:
      "The proxy the device is set to use on its network: Settings › Wi-Fi › (i) › Configure Proxy, or a Wi-Fi (com.apple.wifi.managed) / Global HTTP Proxy (com.apple.proxy.http.global) payload installed before enrolment. `type: manual` with `server` (ProxyServer:ProxyServerPort); `type: auto` with `pacUrl` (ProxyPACURL) or without it (auto proxy discovery: WPAD, the network's `proxy.wpad`), and `pacFallbackAllowed` (ProxyPACFallbackAllowed, default false: an unreachable PAC leaves no connection). HTTP(S) — the captive check, the cloud configuration, the profile download, SCEP, MDM — uses it; APNs never does (a direct, persistent connection, Apple TN2265). Default: Off (every request direct).",
    additionalProperties: false,
    required: ["type"],
    properties: {
      type: { enum: ["manual", "auto"], description: "ProxyType: Manual (a server) or Auto (a PAC URL, or WPAD without one)." },
      server: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9.-]*:[0-9]{1,5}$", "x-expected": "host:port, e.g. proxy.corp.example:8080", description: "ProxyServer:ProxyServerPort (type manual)." },
      pacUrl: { type: "string", pattern: "^https?://[^\\s/?#@]+(/\\S*)?$", "x-expected": "an http(s) URL (iOS 13 and macOS 10.15 accept no other scheme)", description: "ProxyPACURL (type auto); absent: WPAD." },
      pacFallbackAllowed: { type: "boolean", description: "ProxyPACFallbackAllowed (type auto): connect directly when the PAC file is unreachable. Default false." },
    },
    // As in Apple's payloads, the keys of the other ProxyType are ignored ("ignored if the ProxyType is set to Automatic").
    if: { properties: { type: { const: "manual" } } },
    then: { required: ["server"] },
  },
};
