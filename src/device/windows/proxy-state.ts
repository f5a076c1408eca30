// SPDX-License-Identifier: MIT
/** The `state.winhttpProxy` and `state.userProxy` keys of Windows devices (their behaviour: proxy.ts). Kept apart so state-keys.ts stays readable. */
import type { Json } from "../state-common.js";

const HOST_PORT: Json = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9.-]*:[0-9]{1,5}$", "x-expected": "host:port, e.g. proxy.corp.example:8080" };
const BYPASS: Json = {
  type: "array",
  maxItems: 100,
  uniqueItems: true,
  items: { type: "string", pattern: "^(<local>|[A-Za-z0-9*?][A-Za-z0-9*?.-]*)$", "x-expected": 'a host glob such as "*.corp.example", or <local>' },
  description: "Hosts reached directly, not through the proxy: host globs, and <local> for plain host names.",
};

export const PROXY_STATE: Record<string, Json> = {
  winhttpProxy: {
    type: "object",
    additionalProperties: false,
    required: ["server"],
    description:
      "The system context's static WinHTTP proxy (netsh winhttp set proxy proxy-server=… bypass-list=…; or netsh winhttp import proxy source=ie). System-context traffic — the Autopilot deployment service, MDM enrollment, OMA-DM sessions, the ESP — goes through it; without it WinHTTP only auto-detects (WPAD: the network's wpad). Microsoft Learn, Configure device proxy and internet connection settings: the WinHTTP setting is independent of the user's WinINet settings. A server the network does not have fails as its name not resolving (0x80072EE7). Default: none (direct access, then WPAD).",
    properties: { server: HOST_PORT, bypass: BYPASS },
  },
  userProxy: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    description:
      "The user's proxy settings (Settings › Network & internet › Proxy; WinINet): used by the web sign-in pages (the identity provider, the Terms of Use), not by system-context traffic. Default: automatic detection on (WPAD), no script, no server.",
    properties: {
      autoDetect: { type: "boolean", description: '"Automatically detect settings" (WPAD). Default true.' },
      script: { type: "string", pattern: "^https?://[^\\s/?#@]+(/\\S*)?$", "x-expected": "an http(s) URL", description: '"Use setup script": the PAC file URL.' },
      server: { ...HOST_PORT, description: '"Use a proxy server": host:port.' },
      bypass: BYPASS,
    },
  },
};
