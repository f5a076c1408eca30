// SPDX-License-Identifier: MIT
/** JSON Schema of `networks:` and `groups[].network` (part of the scenario schema, src/runner/scenario/schema.ts). */
import type { Json } from "../scenario/json.js";
import { OFFLINE_DETAILS } from "../timeline/types.js";
import { PORTAL_HTTPS, WPAD_SOURCES } from "./types.js";

const NAME = "^[A-Za-z0-9][A-Za-z0-9_.-]*$";
const hostList = (description: string): Json => ({
  type: "array",
  minItems: 1,
  maxItems: 200,
  uniqueItems: true,
  items: { type: "string", pattern: "^[A-Za-z0-9*?][A-Za-z0-9*?.:-]*$", "x-expected": 'a host name or glob such as "*.apple.com", or mdm (the MDM server)' },
  description,
});
const failure = (description: string): Json => ({ enum: [...OFFLINE_DETAILS], description });

const network: Json = {
  type: "object",
  additionalProperties: false,
  description: "A network devices are on, apart from the MDM server.",
  properties: {
    dnsSuffix: {
      type: "string",
      pattern: "^[A-Za-z0-9][A-Za-z0-9.-]*\\.[A-Za-z]{2,}$",
      "x-expected": "a DNS domain such as corp.example",
      description: "The DNS suffix the network's DHCP gives devices (option 15); WPAD by DNS looks up wpad.<dnsSuffix>.",
    },
    internet: { type: "boolean", description: "Internet hosts reachable (default true). false: only the local hosts answer (a closed network)." },
    unreachableAs: failure("With internet: false, how requests to internet hosts fail (default dns.timeout)."),
    local: hostList("Hosts on the local network: reachable without internet, never intercepted by a captive portal. mdm: the MDM server (an on-premises server). Default none: the MDM server is on the internet."),
    captivePortal: {
      type: "object",
      additionalProperties: false,
      description: "A captive portal: until the device signs in (timeline portalSignIn), it answers every plain-HTTP request to an internet host with its sign-in page or a redirect to it, and HTTPS connections fail.",
      properties: {
        signIn: { type: "string", pattern: "^http://[^\\s/?#@]+(/\\S*)?$", "x-expected": "an http:// URL", description: "The sign-in page (default http://portal.enrollsim.test/login)." },
        status: { enum: [302, 200], description: "302 (default): a redirect to the sign-in page; 200: the sign-in page in the destination's place." },
        https: { enum: [...PORTAL_HTTPS], description: "What an HTTPS connection to an internet host meets (default wrong-host: the portal presents its own certificate)." },
      },
    },
    proxy: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      "x-expected": "{ address?: host:port, wpad?: [dhcp, dns], pac?: URL, bypass?: [hosts], directAs?, authentication: none | required } (a proxy that asks no authentication: { authentication: none })",
      description:
        "The network's proxy. Without address it is transparent: it intercepts every request and devices need not know it. With address it is explicit (non-transparent): direct connections to internet hosts fail (directAs), and only requests a device's proxy settings send to that address get out — Windows finds it by WPAD (wpad) or its own settings (state.winhttpProxy, state.userProxy). pac: the proxy auto-configuration (PAC) file, which Android's connectivity check fetches instead of its probe URL (a 200 validates the network) and which DHCP option 252 offers. A proxy that asks no authentication is written { authentication: none }.",
      properties: {
        address: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9.-]*:[0-9]{1,5}$", "x-expected": "host:port, e.g. proxy.corp.example:8080", description: "The explicit proxy's host:port. Its presence makes the network non-transparent." },
        wpad: {
          type: "array",
          uniqueItems: true,
          minItems: 1,
          items: { enum: [...WPAD_SOURCES] },
          description:
            "How the network publishes its PAC file for Web Proxy Auto-Discovery: dhcp (DHCP option 252 carries the pac URL; a client that gets it does not try DNS), dns (a wpad.<dnsSuffix> host serves /wpad.dat). Default none: a PC that auto-detects finds nothing (ERROR_WINHTTP_AUTODETECTION_FAILED) and connects directly.",
        },
        bypass: hostList(
          "Hosts the network's PAC file sends DIRECT (the intranet, or internet services the firewall lets out directly such as Apple's push service); every other host goes through address. A device connecting to one directly gets out. The network's local hosts are always DIRECT.",
        ),
        directAs: failure("On an explicit-proxy network, how a direct connection to an internet host fails (default connect.timeout: the firewall drops it; dns.nxdomain: the internal DNS does not resolve internet names)."),
        pac: { type: "string", pattern: "^https?://[^\\s/?#@]+(/\\S*)?$", "x-expected": "an http(s) URL", description: "The PAC file URL." },
        authentication: {
          enum: ["none", "required"],
          description:
            "none (default): the proxy forwards every request without asking for credentials (what Intune needs); required: the proxy answers 407 Proxy Authentication Required to requests to internet hosts; enrollment services send no proxy credentials (Intune needs unauthenticated proxy access).",
        },
      },
    },
    blocked: hostList("Hosts a firewall blocks (connections fail; names still resolve unless blockedAs is a dns.* failure: a DNS filter); host:port blocks one port (courier.push.apple.com:5223). mdm: the MDM server."),
    blockedAs: failure("How a blocked connection fails (default connect.timeout: the firewall drops it)."),
  },
};

export const networksSchema: Json = {
  type: "object",
  description: "Networks devices are on (by name): internet access, captive portal, proxy, firewall. A group joins one with groups[].network; the timeline moves devices with joinNetwork.",
  propertyNames: { pattern: NAME, "x-expected": "a network name (letters, digits, . _ -)" },
  additionalProperties: network,
  minProperties: 1,
};

export const groupNetworkSchema: Json = { type: "string", pattern: NAME, "x-expected": "the name of a network under networks:", description: "The network (a key of networks:) this group's devices are on at the start." };
