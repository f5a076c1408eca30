// SPDX-License-Identifier: MIT
/**
 * The platform's own connectivity check ("is this network on the internet, or behind a captive
 * portal?"): one plain-HTTP GET of a well-known URL whose answer the platform knows, as step
 * `network.probe`. The URL, the expected answer and how an unexpected one is read are the
 * platform's, from published sources:
 *
 * - Android: NetworkMonitor (AOSP packages/modules/NetworkStack, formerly frameworks/base
 *   services/core/java/com/android/server/connectivity/NetworkMonitor.java) GETs
 *   http://connectivitycheck.gstatic.com/generate_204: 204 is a validated network; any other answer
 *   from 200 to 399 is a captive portal (its Location is the sign-in page); no answer or an error
 *   is "not validated". A 200 with Content-Length 0 counts as 204. When the network has a PAC proxy
 *   the probe fetches the PAC file instead, and "PAC fetch 200 response interpreted as 204 response".
 *   Re-evaluation of a network that is not validated waits INITIAL_REEVALUATE_DELAY_MS = 1000,
 *   doubling up to MAX_REEVALUATE_DELAY_MS = 10 * 60 * 1000; each probe's socket timeout is
 *   SOCKET_TIMEOUT_MS = 10000.
 * - Windows: NCSI GETs http://www.msftconnecttest.com/connecttest.txt and expects 200 with the body
 *   "Microsoft Connect Test" (Microsoft Learn, "Network Connectivity Status Indicator (NCSI) overview",
 *   https://learn.microsoft.com/windows-server/networking/ncsi/ncsi-overview: the active probe).
 * - Apple: captive network detection GETs http://captive.apple.com/hotspot-detect.html and expects
 *   200 with "Success" (the page <HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>;
 *   Apple Platform Deployment, "Use Wi-Fi with captive networks" lists captive.apple.com).
 *
 * An unexpected answer is a value here (the probe result), never a transport failure of the run.
 */
import { TransportError } from "../../errors/index.js";
import { decoded, step, type ProtocolContext } from "./context.js";
import { exchange } from "./exchange.js";
import { deviceWait } from "./device-wait.js";

export const PROBE_STEP = "network.probe";

/** The connectivity check of a platform family. */
export interface ConnectivityCheck {
  url: string;
  /** Status of a working internet connection. */
  status: number;
  /** Body a working internet connection answers (compared after trimming); undefined: any. */
  body?: string;
  source: string;
}

export const CONNECTIVITY_CHECKS = {
  android: { url: "http://connectivitycheck.gstatic.com/generate_204", status: 204, source: "AOSP NetworkMonitor (DEFAULT_HTTP_URL)" },
  windows: { url: "http://www.msftconnecttest.com/connecttest.txt", status: 200, body: "Microsoft Connect Test", source: "Microsoft Learn, NCSI" },
  apple: { url: "http://captive.apple.com/hotspot-detect.html", status: 200, body: "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>", source: "Apple captive network detection" },
} as const satisfies Record<string, ConnectivityCheck>;

export type ProbeFamily = keyof typeof CONNECTIVITY_CHECKS;

export function probeFamily(platform: string): ProbeFamily {
  return platform === "android" ? "android" : platform === "windows" ? "windows" : "apple";
}

/** NetworkMonitor's timings (AOSP constants named above). */
export const ANDROID_REEVALUATE = { initialMs: 1000, maxMs: 10 * 60 * 1000, probeTimeoutMs: 10_000 } as const;

export type ProbeResult =
  | { state: "validated"; url: string; status: number }
  /** A captive portal answered: its sign-in page (Location) when it redirected. */
  | { state: "portal"; url: string; status: number; signIn?: string }
  /** No answer, an error, or an answer that is neither success nor a portal. */
  | { state: "no-internet"; url: string; status?: number; detail: string };

/** Reads an answer the way the platform does. */
export function judgeProbe(family: ProbeFamily, url: string, res: { status: number; body: Uint8Array; headers: Record<string, string> }, pac: boolean): ProbeResult {
  const check: ConnectivityCheck = CONNECTIVITY_CHECKS[family];
  const text = Buffer.from(res.body).toString("utf8").trim();
  if (family === "android") {
    // NetworkMonitor.sendHttpProbe: a PAC fetch's 200, or an empty 200, counts as 204.
    const empty = res.status === 200 && (res.headers["content-length"] === "0" || res.body.length === 0);
    if (res.status === 204 || (res.status === 200 && (pac || empty))) return { state: "validated", url, status: res.status };
    if (res.status >= 200 && res.status <= 399) return { state: "portal", url, status: res.status, ...(res.headers.location ? { signIn: res.headers.location } : {}) };
    return { state: "no-internet", url, status: res.status, detail: `HTTP ${res.status}` };
  }
  if (res.status === check.status && (check.body === undefined || text === check.body)) return { state: "validated", url, status: res.status };
  if (res.status >= 200 && res.status <= 399) return { state: "portal", url, status: res.status, ...(res.headers.location ? { signIn: res.headers.location } : {}) };
  return { state: "no-internet", url, status: res.status, detail: `HTTP ${res.status}` };
}

/**
 * One probe as step `network.probe` (a sample that fails unless the network is validated). `pacUrl`:
 * the network's PAC file, which Android fetches instead of its probe URL.
 */
export async function probeConnectivity(ctx: ProtocolContext, platform: string, options: { pacUrl?: string; timeoutMs?: number } = {}): Promise<ProbeResult> {
  const family = probeFamily(platform);
  const pac = family === "android" && options.pacUrl !== undefined;
  const url = pac ? options.pacUrl! : CONNECTIVITY_CHECKS[family].url;
  return step(
    ctx,
    PROBE_STEP,
    async () => {
      let result: ProbeResult;
      try {
        const res = await exchange(ctx, PROBE_STEP, { method: "GET", url, headers: { accept: "*/*" }, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) }, { acceptStatus: [...Array(500).keys()].map((i) => i + 100) });
        result = judgeProbe(family, url, res, pac);
      } catch (e) {
        if (!(e instanceof TransportError) || e.kind === "aborted" || ctx.signal?.aborted) throw e;
        result = { state: "no-internet", url, detail: e.detail ?? e.kind };
      }
      decoded(ctx, PROBE_STEP, { platform: family, ...(pac ? { probe: "PAC file" } : {}), ...result });
      return result;
    },
    (r) => r.state !== "validated",
  );
}

/**
 * Android's wait for a validated network (what provisioning does after it joined the Wi-Fi): probe,
 * and while the network is not validated probe again after NetworkMonitor's re-evaluation delay
 * (1 s, doubling up to 10 min) — with no limit of its own, so a network that never validates keeps
 * the device at this step until the run ends. Returns the last result and the number of probes.
 */
export async function waitForValidatedNetwork(ctx: ProtocolContext, platform: string, options: { pacUrl?: () => string | undefined } = {}): Promise<{ result: ProbeResult; probes: number }> {
  let delay: number = ANDROID_REEVALUATE.initialMs;
  for (let probes = 1; ; probes++) {
    const pacUrl = options.pacUrl?.();
    const result = await probeConnectivity(ctx, platform, { ...(pacUrl !== undefined ? { pacUrl } : {}), timeoutMs: ANDROID_REEVALUATE.probeTimeoutMs });
    if (result.state === "validated") return { result, probes };
    await deviceWait(ctx, delay, PROBE_STEP, `the network is not validated (${result.state}): NetworkMonitor probes again (probe ${probes + 1})`);
    delay = Math.min(delay * 2, ANDROID_REEVALUATE.maxMs);
  }
}

/** The device's view of the network it is on (scenario `networks:`, runner/network), for its connectivity checks. */
export interface DeviceNetworkView {
  /** The network's name, or undefined when the device is on none the scenario models. */
  name(): string | undefined;
  /** The network's PAC file URL, if it has a proxy. */
  pacUrl(): string | undefined;
  /**
   * What the network's DHCP server offers for proxy discovery: option 252 (the WPAD/PAC URL) and option 15 (the
   * DNS suffix a WPAD-by-DNS client builds wpad.<suffix> from). Absent or undefined: no network modelled.
   */
  dhcp?(): { wpadUrl?: string; dnsSuffix?: string } | undefined;
  /** The host a request to `url` addresses on this network: a platform-service stand-in's real host (ztd.dds.microsoft.com), else the URL's own host. */
  hostOf?(url: URL): string;
}
