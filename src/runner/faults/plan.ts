// SPDX-License-Identifier: MIT
/**
 * The run's fault plan: every `faults:` entry of the scenario (top level, per group, and the
 * aliases of the old knobs), and each device's counters, kept for the whole run so `nth`,
 * `afterSuccesses`, `times` and `probability` count a device's requests across its enrolment and
 * its steady-state check-ins. The fleet asks it for each device's ports.
 */
import type { Clock, DnsPort, Entropy, HttpPort, TranscriptSink } from "../../ports/index.js";
import type { CurrentStep } from "../../protocol/common/context.js";
import { DeviceFaults, type Entry } from "./device.js";
import { FaultyDns } from "./dns.js";
import { FaultyHttp, type ScepFailureAnswer } from "./http.js";
import type { ResolvedFault } from "./vocabulary.js";
import { TemplateValueMissing, expandDeep, expandTemplate, runTemplateValues, type TemplateValues } from "../../device/template.js";
import { ScenarioError } from "../../errors/index.js";
import type { FlowTargets } from "../../device/flow.js";

export interface DeviceFaultPorts {
  http: HttpPort;
  dns: DnsPort;
  /** The device's current-step record; give it to the protocol context (`current`). */
  current: CurrentStep;
}

export interface FaultPortsEnv {
  http: HttpPort;
  dns: DnsPort;
  clock: Clock;
  transcript: TranscriptSink;
  /** The device's entropy; faults draw from their own forks of it. */
  entropy: Entropy;
  scepFailure?: ScepFailureAnswer;
  /** Embedded runs: the listener a `tls: client-cert-mid-connection` request goes to (FaultyHttpOptions.midConnection). */
  midConnection?: string;
}

export class FleetFaults {
  private readonly devices = new Map<number, Entry[]>();

  private readonly faults: readonly ResolvedFault[];

  /**
   * `runStart`: the scenario clock's origin (ms) for `window`. `runValues`: the run variables
   * (`%SERVER%`, `%HOST%`, … of device/template.ts), expanded in every entry's selector and action
   * (a redirect to the run's own HTTPS listener, a `url` glob under `%SERVER%`), never in its name.
   */
  constructor(
    faults: readonly ResolvedFault[],
    readonly runStart: number,
    runValues?: TemplateValues,
  ) {
    this.faults = runValues ? faults.map((f) => expandRunValues(f, runValues)) : faults;
  }

  /** Ports of one device with the faults that can reach it under them (the inner ports when none can). */
  portsFor(device: { index: number; id: string; platform: string; flow: string; group: string }, env: FaultPortsEnv): DeviceFaultPorts {
    const current: CurrentStep = {};
    if (this.faults.length === 0) return { http: env.http, dns: env.dns, current };
    let entries = this.devices.get(device.index);
    if (!entries) {
      entries = DeviceFaults.entriesFor(this.faults, { platform: device.platform, flow: device.flow, group: device.group });
      this.devices.set(device.index, entries);
    }
    if (entries.length === 0) return { http: env.http, dns: env.dns, current };
    const plan = new DeviceFaults(entries, { device: device.id, clock: env.clock, entropy: env.entropy, transcript: env.transcript, runStart: this.runStart, current });
    return { http: new FaultyHttp(env.http, plan, { ...(env.scepFailure ? { scepFailure: env.scepFailure } : {}), ...(env.midConnection ? { midConnection: env.midConnection } : {}) }), dns: new FaultyDns(env.dns, plan), current };
  }
}

/** One device's ports under `faults` with fresh counters (tests, one-off devices). */
export function faultyPorts(faults: readonly ResolvedFault[], device: { id: string; platform: string; flow: string; group: string; index?: number }, env: FaultPortsEnv & { runStart: number }): DeviceFaultPorts {
  return new FleetFaults(faults, env.runStart).portsFor({ index: device.index ?? 0, ...device }, env);
}

function expandRunValues(f: ResolvedFault, values: TemplateValues): ResolvedFault {
  try {
    return { ...expandDeep(f, (x) => expandTemplate(x, values, "run")), name: f.name, origin: f.origin };
  } catch (err) {
    if (err instanceof TemplateValueMissing) throw new ScenarioError(`${f.origin}: ${err.message} (this run's server has no such URL)`);
    throw err;
  }
}

/** The run's fault plan with the run variables of its targets (`%SERVER%` is the server under test). */
export function runFaults(faults: readonly ResolvedFault[], runStart: number, targets: FlowTargets): FleetFaults {
  return new FleetFaults(faults, runStart, runTemplateValues({ https: targets.server?.https, http: targets.server?.http, scepUrl: targets.scepUrl }));
}
