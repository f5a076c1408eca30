// SPDX-License-Identifier: MIT
/**
 * The device-side network state the timeline's actions create: offline windows (for the targeted
 * devices, or for one device that went offline at a step), `online` entries that end them, and
 * endpoints taken down with `answer: refuse` until an `endpointUp`. Later entries win (by `seq`,
 * the engine's firing order). {@link NetworkWindows.blocked} answers why a device cannot reach a URL
 * now; device-net.ts turns that into the device's transport error.
 */
import type { NetworkBlock } from "./device-net.js";
import { globRegExp } from "./glob.js";

type Targets = Set<number> | "all";

interface Window {
  seq: number;
  entry: number;
  targets: Targets;
  until?: number;
  detail: NetworkBlock["detail"];
}

interface EndpointWindow extends Window {
  path: RegExp;
  pathText: string;
}

const has = (t: Targets, i: number): boolean => t === "all" || t.has(i);

export class NetworkWindows {
  private readonly offline: Window[] = [];
  /** Offline since a step (timeline `offline` with `step`): one window per device. */
  private readonly deviceOffline = new Map<number, Window>();
  private readonly online: { seq: number; targets: Targets }[] = [];
  private readonly endpoints: EndpointWindow[] = [];
  private readonly endpointsUp: { seq: number; path: string }[] = [];

  constructor(private readonly now: () => number) {}

  /** The targeted devices lose their network (for `forMs`, or until an `online`). */
  goOffline(seq: number, entry: number, targets: Targets, detail: NetworkBlock["detail"], forMs?: number): void {
    this.offline.push({ seq, entry, targets, detail, ...(forMs !== undefined ? { until: this.now() + forMs } : {}) });
  }

  /** Device `index` loses its network at a step (it alone). */
  deviceGoesOffline(seq: number, entry: number, index: number, detail: NetworkBlock["detail"], forMs?: number): void {
    this.deviceOffline.set(index, { seq, entry, targets: "all", detail, ...(forMs !== undefined ? { until: this.now() + forMs } : {}) });
  }

  goOnline(seq: number, targets: Targets): void {
    this.online.push({ seq, targets });
  }

  /** Connections of the targeted devices to paths matching `path` (a glob) are refused. */
  endpointDown(seq: number, entry: number, targets: Targets, path: string, forMs?: number): void {
    this.endpoints.push({ seq, entry, targets, detail: "connect.refused", path: globRegExp(path, true), pathText: path, ...(forMs !== undefined ? { until: this.now() + forMs } : {}) });
  }

  endpointUp(seq: number, path: string): void {
    this.endpointsUp.push({ seq, path });
  }

  /** Why device `index` cannot reach `url` now (undefined `url`: a DNS look-up). */
  blocked(index: number, url: string | undefined): NetworkBlock | undefined {
    const now = this.now();
    let off: Window | undefined;
    const own = this.deviceOffline.get(index);
    for (const w of own ? [...this.offline, own] : this.offline) if (has(w.targets, index) && (w.until === undefined || now < w.until) && (!off || w.seq > off.seq)) off = w;
    if (off && !this.online.some((o) => o.seq > off.seq && has(o.targets, index))) {
      const detail = url === undefined && !off.detail.startsWith("dns.") ? "dns.timeout" : off.detail;
      return { detail, reason: `device offline (timeline[${off.entry}])` };
    }
    if (url === undefined) return undefined;
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
    for (const w of this.endpoints) {
      if (!has(w.targets, index) || (w.until !== undefined && now >= w.until) || !w.path.test(path)) continue;
      if (this.endpointsUp.some((u) => u.seq > w.seq && u.path === w.pathText)) continue;
      return { detail: "connect.refused", reason: `endpoint ${w.pathText} down (timeline[${w.entry}])` };
    }
    return undefined;
  }
}
