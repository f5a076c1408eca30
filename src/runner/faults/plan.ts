// SPDX-License-Identifier: MIT
/**
 * The run's fault plan, compiled from the scenario: every `faults:` entry (top level and per
 * group), and the old per-platform fault knobs that are pure HTTP/DNS/TLS shapes, as aliases. The
 * fleet asks it for each device's ports.
 */
import type { DnsPort, Entropy, HttpPort, TranscriptSink, Clock } from "../../ports/index.js";
import type { CurrentStep } from "../../protocol/common/context.js";
import { DeviceFaults } from "./device.js";
import { FaultyDns } from "./dns.js";
import { FaultyHttp, type ScepFailureAnswer } from "./http.js";
import type { ResolvedFault } from "./vocabulary.js";

export interface DeviceFaultPorts {
  http: HttpPort;
  dns: DnsPort;
  current: CurrentStep;
}

/** Ports of one device with the plan's faults under them (the inner ports when none can reach it). */
export function faultyPorts(
  faults: readonly ResolvedFault[],
  device: { id: string; platform: string; flow: string; group: string },
  env: { http: HttpPort; dns: DnsPort; clock: Clock; transcript: TranscriptSink; entropy: Entropy; runStart: number; scepFailure?: ScepFailureAnswer },
): DeviceFaultPorts {
  const current: CurrentStep = {};
  if (faults.length === 0) return { http: env.http, dns: env.dns, current };
  const plan = new DeviceFaults(faults, {
    device: device.id,
    scope: { platform: device.platform, flow: device.flow, group: device.group },
    clock: env.clock,
    entropy: env.entropy,
    transcript: env.transcript,
    runStart: env.runStart,
    current,
  });
  if (plan.empty) return { http: env.http, dns: env.dns, current };
  return { http: new FaultyHttp(env.http, plan, env.scepFailure ? { scepFailure: env.scepFailure } : {}), dns: new FaultyDns(env.dns, plan), current };
}
