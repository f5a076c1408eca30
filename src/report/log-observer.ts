// SPDX-License-Identifier: MIT
/** Structured log lines for a run: one per device end (failures at info, successes at debug). */
import type { Logger } from "../ports/log.js";
import type { DeviceResult, RunObserver } from "../runner/observer.js";

export function logObserver(log: Logger): RunObserver {
  return {
    onRunStart: (i) => log.info({ scenario: i.scenario, devices: i.devices, seed: i.seed }, "run started"),
    onDeviceEnd: (r: DeviceResult) => {
      const child = log.child({ device: r.device, group: r.group });
      if (r.ok) child.debug({ ms: r.endedAt - r.startedAt }, "enrolled");
      else child.info({ code: r.failure?.code, step: r.failure?.step, blame: r.failure?.blame, ms: r.endedAt - r.startedAt }, r.failure?.message ?? "failed");
    },
    onRunEnd: (i) => log.info({ durationMs: i.durationMs }, "run ended"),
  };
}
