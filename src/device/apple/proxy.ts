// SPDX-License-Identifier: MIT
/**
 * An iPhone's, iPad's or Mac's proxy setting for the network it is on (device state `networkProxy`) and which of
 * its traffic uses it. The network side (an explicit proxy, its PAC, WPAD) is runner/network `proxy.*`.
 *
 * The setting is what Apple's Wi-Fi payload (com.apple.wifi.managed) and Global HTTP Proxy payload
 * (com.apple.proxy.http.global) carry, and Settings › Wi-Fi › (i) › Configure Proxy offers (Off / Manual /
 * Automatic): ProxyType Manual with ProxyServer + ProxyServerPort; ProxyType Auto with ProxyPACURL ("The URL of the
 * PAC file that defines the proxy configuration"); ProxyPACFallbackAllowed ("If 'true', allows connecting directly
 * to the destination if the PAC file is unreachable", default false) — Apple device-management schema,
 * mdm/profiles/com.apple.wifi.managed.yaml and com.apple.proxy.http.global.yaml.
 *
 * Which traffic uses it:
 * - HTTP(S) through the URL loading system: the captive check, the cloud configuration (iprofiles.apple.com), the
 *   profile download, SCEP, the MDM check-ins and command sessions.
 * - Not APNs. Apple: "Devices using APNs need a direct connection to Apple's server. … If there is a proxy server on
 *   the Wi-Fi network, the device will not be able to use APNs, because APNs requires a direct and persistent
 *   connection from device to server." (Apple Technical Note TN2265, "Troubleshooting Push Notifications", and
 *   support article HT203609, since replaced by support.apple.com/102266, which lists TCP 5223 with 443 as the
 *   Wi-Fi fallback). The push connection (device/apple/push.ts, step push.connect) goes direct whatever the setting;
 *   on a network that lets internet hosts out only through its proxy it fails, and the device is reached only when
 *   its poll timer fires.
 *
 * Assumptions (not published): Off (no setting) means no proxy and no discovery; Auto without a PAC URL discovers
 * one by WPAD (macOS names this "Auto Proxy Discovery"; that iOS's Automatic with an empty URL does the same is
 * assumed), and a WPAD that finds nothing leaves requests direct; a PAC that cannot be fetched or read, without
 * ProxyPACFallbackAllowed, makes every request fail before it leaves the device, reported as CFNetwork's
 * kCFErrorPACFileError (308, CFNetworkErrors.h) — the text a device shows then is not published; the PAC is read
 * once per network and as data (wire/pac.ts), never run; a manual proxy has no bypass list (iOS's Settings offers
 * none; macOS's "Bypass proxy settings" list is not modelled); proxy credentials are not modelled.
 */
import { TransportError } from "../../errors/index.js";
import type { HttpClient } from "../../ports/http.js";
import { note, type ProtocolContext } from "../../protocol/common/context.js";
import type { DeviceNetworkView } from "../../protocol/common/connectivity.js";
import { evaluatePac } from "../../wire/pac.js";
import type { FlowContext } from "../flow.js";
import { fetchPac, withProxyChooser, wpadLookup, type PacLookup } from "../proxy-discovery.js";
import { APNS_HOST } from "./push.js";
import type { AppleProxySetting } from "./proxy-state.js";

export type { AppleProxySetting };

type Resolved = { kind: "direct"; why: string } | { kind: "static"; server: string } | { kind: "pac"; lookup: Extract<PacLookup, { kind: "pac" }>; from: string } | { kind: "unusable"; why: string };

/** CFNetworkErrors.h: kCFErrorPACFileError = 308. */
export const CF_PAC_FILE_ERROR = 308;

export class AppleProxy {
  private readonly cache = new Map<string, Promise<Resolved>>();
  private apnsNoted = false;

  constructor(
    private readonly p: ProtocolContext,
    private readonly setting: AppleProxySetting | undefined,
    private readonly network: DeviceNetworkView | undefined,
    private readonly direct: HttpClient,
  ) {}

  /** The proxy (host:port) a request to `url` goes through; undefined: direct. Throws a TransportError when the setting leaves no way to connect. */
  async choose(url: URL): Promise<string | undefined> {
    const host = (this.network?.hostOf?.(url) ?? url.hostname).toLowerCase();
    if (host === APNS_HOST) {
      if (!this.apnsNoted && this.setting) {
        this.apnsNoted = true;
        note(this.p, this.p.current?.step ?? "device", { proxy: { apns: `${APNS_HOST} is reached directly: APNs needs a direct and persistent connection (Apple TN2265), the proxy setting does not apply` } });
      }
      return undefined;
    }
    if (!this.setting) return undefined;
    const r = await this.resolved();
    if (r.kind === "direct") return undefined;
    if (r.kind === "static") return r.server;
    if (r.kind === "unusable") throw new TransportError("other", `kCFErrorPACFileError (${CF_PAC_FILE_ERROR}): ${r.why}`);
    // The PAC file itself is always fetched directly.
    if (url.href === r.lookup.url) return undefined;
    const d = evaluatePac(r.lookup.program, host);
    return d.kind === "proxy" ? d.address : undefined;
  }

  private resolved(): Promise<Resolved> {
    const key = this.network?.name() ?? "";
    let r = this.cache.get(key);
    if (!r) this.cache.set(key, (r = this.resolve()));
    return r;
  }

  private async resolve(): Promise<Resolved> {
    const out = await this.discover(this.setting!);
    note(this.p, this.p.current?.step ?? "device", {
      proxy: {
        setting: this.setting!.type === "manual" ? "Manual (state.networkProxy)" : "Auto (state.networkProxy)",
        network: this.network?.name(),
        ...(out.kind === "static" ? { server: out.server } : out.kind === "pac" ? { pac: out.from } : out.kind === "direct" ? { direct: out.why } : { unusable: out.why }),
      },
    });
    return out;
  }

  private async discover(s: AppleProxySetting): Promise<Resolved> {
    if (s.type === "manual") return { kind: "static", server: s.server.toLowerCase() };
    if (s.pacUrl !== undefined) return this.fromPac(await fetchPac(s.pacUrl, this.direct), `ProxyPACURL ${s.pacUrl}`, s.pacFallbackAllowed === true);
    const found = await wpadLookup(this.network, this.direct);
    if (found.kind === "none" && found.stage === "discovery") return { kind: "direct", why: `auto proxy discovery (WPAD) found no PAC file: ${found.why}; requests go direct` };
    return this.fromPac(found, `WPAD (${found.url ?? "?"})`, s.pacFallbackAllowed === true);
  }

  private fromPac(l: PacLookup, from: string, fallback: boolean): Resolved {
    if (l.kind === "pac") return { kind: "pac", lookup: l, from };
    if (fallback) return { kind: "direct", why: `${l.why}; ProxyPACFallbackAllowed: requests go direct` };
    return { kind: "unusable", why: `${l.why}, and ProxyPACFallbackAllowed is false` };
  }
}

/**
 * The flow context with the device's proxy setting applied to every client it builds. Unchanged when the device
 * has no setting (Off). The PAC download goes direct, on the device's plain client.
 */
export function withAppleProxy(ctx: FlowContext): FlowContext {
  const setting = ctx.identity.state?.networkProxy;
  if (!setting) return ctx; // Off: every request direct, as without this wrapper
  const proxy = new AppleProxy(ctx.protocol, setting, ctx.network, ctx.protocol.http);
  return withProxyChooser(ctx, (url) => proxy.choose(url));
}
