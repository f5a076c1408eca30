// SPDX-License-Identifier: MIT
/**
 * Actions a person takes at an enrolled device between its sessions (timeline `localAutopilotReset`): kept per
 * device until its next check-in, where the device decides from its own state (the policies it holds, its
 * recovery environment) whether anything happens. The fleet hands them to the check-in (FlowContext.localActions).
 */
import type { LocalDeviceAction } from "../../device/flow.js";
import type { TimelineAction } from "./types.js";
import type { TimelineDevice } from "./engine-ports.js";

export class LocalDeviceActions {
  private readonly pending = new Map<number, LocalDeviceAction[]>();

  /** Records the action at each targeted device; returns what the timeline log says. */
  request(a: Extract<TimelineAction, { kind: "localAutopilotReset" }>, devices: readonly TimelineDevice[], entry: number, at: number): string {
    const pcs = devices.filter((d) => d.platform === "windows");
    for (const d of pcs) this.pending.set(d.index, [...(this.pending.get(d.index) ?? []), { kind: "autopilot-reset", admin: a.admin, entry, at }]);
    const others = devices.length - pcs.length;
    return `CTRL + Windows key + R at the lock screen of ${pcs.length} PC(s)${a.admin ? " by an administrator" : " by a user without an administrator account"}; each decides at its next session${others ? `; ${others} device(s) not Windows: nothing happens` : ""}`;
  }

  /** The actions taken at device `index` since its last session, oldest first (removed: it performs them now). */
  take(index: number): LocalDeviceAction[] | undefined {
    const out = this.pending.get(index);
    this.pending.delete(index);
    return out;
  }
}
