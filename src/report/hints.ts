// SPDX-License-Identifier: MIT
/**
 * Hints: patterns across devices that no single failure shows. Today one: several devices failing
 * one SCEP server with badRequest at the same moment. A server that rejects a well-formed request
 * only when others arrive alongside it is racing (Debian's scepserver 2.1.0 has no lock around its
 * serial number: at 8 concurrent devices 3–6 of 100 failed, docs/interop.md); each device alone
 * just says "Profile Installation Failed" (Apple) or its platform's SCEP refusal.
 * Memory: the failure times inside one window, never per device.
 */
import type { DeviceResult } from "../runner/observer.js";
import type { RunHint } from "./types.js";

/** badRequest failures of any SCEP flavour: scep.failInfo.badRequest, apple.scep.failInfo.badRequest, … */
const SCEP_BAD_REQUEST = /(^|\.)scep\.failInfo\.badRequest$/;
export const BURST_WINDOW_MS = 1000;
export const BURST_MIN_DEVICES = 3;

export class ScepBurstDetector {
  private window: number[] = [];
  private largest = 0;
  private at = 0;

  onDeviceEnd(r: DeviceResult): void {
    if (r.ok || !r.failure || !SCEP_BAD_REQUEST.test(r.failure.code)) return;
    const t = r.endedAt;
    this.window.push(t);
    this.window.sort((a, b) => a - b);
    const newest = this.window[this.window.length - 1]!;
    this.window = this.window.filter((x) => x > newest - BURST_WINDOW_MS);
    if (this.window.length > this.largest) {
      this.largest = this.window.length;
      this.at = this.window[0]!;
    }
  }

  hints(): RunHint[] {
    if (this.largest < BURST_MIN_DEVICES) return [];
    return [
      {
        code: "scep.concurrent-badRequest",
        devices: this.largest,
        windowMs: BURST_WINDOW_MS,
        at: this.at,
        message: `${this.largest} devices failed with SCEP badRequest within ${BURST_WINDOW_MS / 1000} s: the SCEP server may be failing under concurrency (a known race in Debian scepserver 2.1.0, docs/interop.md); re-run with arrival.concurrency 1 to tell a race from a real rejection`,
      },
    ];
  }
}
