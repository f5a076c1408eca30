// SPDX-License-Identifier: MIT
/**
 * Selector matching for `faults:` entries. Static selectors (platform, flow, group) pick the
 * devices a fault can reach at all; request selectors (step, url, method, window, and the request's
 * content: body, header, field, in request-match.ts) are checked on
 * every request; the counting ones (nth, afterSuccesses, times, probability) are per device.
 */
import type { FaultMatch } from "./vocabulary.js";
import { ContentSelector, type RequestContent } from "./request-match.js";
import { compilePattern } from "./pattern.js";

export { compilePattern, patternProblem } from "./pattern.js";

/** Whether a device of this platform matches `platform:` (`apple` covers ios, ipados and macos). */
export function platformMatches(selector: string | undefined, platform: string): boolean {
  if (selector === undefined) return true;
  if (selector === "apple") return platform === "ios" || platform === "ipados" || platform === "macos";
  return selector === platform;
}

/** The device a fault plan is compiled for. */
export interface DeviceScope {
  platform: string;
  flow: string;
  group: string;
}

/** Static selectors: can this fault ever fire on this device? */
export function scopeMatches(m: FaultMatch | undefined, scopeGroup: string | undefined, d: DeviceScope): boolean {
  if (scopeGroup !== undefined && scopeGroup !== d.group) return false;
  if (!m) return true;
  if (!platformMatches(m.platform, d.platform)) return false;
  if (m.flow !== undefined && m.flow !== d.flow) return false;
  if (m.group !== undefined && m.group !== d.group) return false;
  return true;
}

/** What one request (or DNS lookup) looks like to the request selectors. */
export interface Probe {
  /** Current step of the device, if it is inside one. */
  step?: string;
  /**
   * The same step as the run reports it, when the runner prefixes it (the steady phase's
   * `checkin.command.idle` for `command.idle`): a `step:` selector matches either name.
   */
  reportedStep?: string;
  /** The request URL, or the looked-up name for a DNS lookup. */
  target: string;
  /** Absent for DNS lookups, so a `method:` selector never matches one. */
  method?: string;
  /** Seconds since the run started, on the scenario clock. */
  elapsedSeconds: number;
  /** The request's headers and body (absent for DNS lookups: a content selector never matches one). */
  request?: RequestContent;
}

/** Compiled request selectors of one entry. */
export class RequestSelector {
  private readonly step?: RegExp;
  private readonly url?: RegExp;
  private readonly content?: ContentSelector;

  constructor(private readonly m: FaultMatch = {}) {
    if (m.step !== undefined) this.step = compilePattern(m.step);
    if (m.url !== undefined) this.url = compilePattern(m.url);
    this.content = ContentSelector.of(m);
  }

  matches(p: Probe): boolean {
    const m = this.m;
    if (this.step && (p.step === undefined || !this.step.test(p.step)) && (p.reportedStep === undefined || !this.step.test(p.reportedStep))) return false;
    if (this.url && !this.url.test(p.target)) return false;
    if (m.method !== undefined && p.method !== m.method) return false;
    if (m.window?.from !== undefined && p.elapsedSeconds < m.window.from) return false;
    if (m.window?.to !== undefined && p.elapsedSeconds >= m.window.to) return false;
    // Last: the only selector that may parse the body.
    if (this.content && !this.content.matches(p.request)) return false;
    return true;
  }
}
