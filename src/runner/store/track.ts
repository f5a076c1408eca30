// SPDX-License-Identifier: MIT
/**
 * One device's row in the fleet store while it enrols, and its resume (exactly-once resume, issue 13
 * #5): the row is written "enrolling" before the first request leaves; a device a killed run left
 * in flight gets the checkpoint that run saved, and how it continues is written to its resume
 * history — a provisional `restart` at once, replaced when its flow continues from the checkpoint.
 */
import type { DeviceIdentity } from "../../device/identity.js";
import type { CheckpointPort, Clock, ResumeMode } from "../../ports/index.js";
import type { ResolvedGroup } from "../scenario/types.js";
import { SimError } from "../../errors/index.js";
import type { FleetStore, ResumeEntry, StoredDevice } from "./types.js";

export interface TrackedDevice {
  /** The row as this run wrote it (the runner's final write starts from it). */
  readonly record: StoredDevice;
  /** Given to the device's protocol context: saves checkpoints, offers the saved one. */
  readonly port: CheckpointPort;
  /** In flight at a previous run's death: how this run continued it (undefined otherwise). */
  readonly resumed?: ResumeMode;
  /** With `resumed: "checkpoint"`, the state it continued from. */
  readonly resumedFrom?: string;
}

/** The row written as an enrolment starts; a device in flight at a kill keeps its checkpoint until it saves a new one. */
function storedOf(identity: DeviceIdentity, group: ResolvedGroup, now: number, prev?: StoredDevice, inFlight = false): StoredDevice {
  return {
    index: identity.index,
    device: identity.id,
    group: group.name,
    model: identity.model,
    platform: identity.platform,
    flow: group.flow,
    identity: JSON.stringify(identity),
    keySlot: identity.index,
    state: "enrolling",
    serverIds: prev?.serverIds ?? {},
    attempts: (prev?.attempts ?? 0) + 1,
    checkins: prev?.checkins ?? 0,
    updatedAt: now,
    ...(inFlight && prev?.checkpoint ? { checkpoint: prev.checkpoint } : {}),
    ...(prev?.resumes ? { resumes: prev.resumes } : {}),
  };
}

export function trackDevice(store: FleetStore, identity: DeviceIdentity, group: ResolvedGroup, started: number, resume: boolean, clock: Clock): TrackedDevice {
  const prev = store.get(identity.index);
  const inFlight = resume && prev?.state === "enrolling";
  const record = storedOf(identity, group, started, prev, inFlight);
  store.put(record);
  const t: { record: StoredDevice; port: CheckpointPort; resumed?: ResumeMode; resumedFrom?: string } = { record, port: undefined as never };
  const note = (entry: ResumeEntry, replaceLast: boolean) => {
    record.resumes = [...(record.resumes ?? []).slice(0, replaceLast ? -1 : undefined), entry];
    store.noteResume(identity.index, entry, replaceLast);
  };
  if (inFlight) {
    t.resumed = "restart";
    note({ at: started, mode: "restart" }, false);
  }
  const port: CheckpointPort = {
    ...(inFlight && prev?.checkpoint ? { saved: prev.checkpoint } : {}),
    save: (point) => store.checkpoint(identity.index, point, clock.now()),
    resumed: (mode, why) => {
      t.resumed = mode;
      t.resumedFrom = mode === "checkpoint" ? port.saved?.step : undefined;
      if (inFlight) note({ at: clock.now(), mode, ...(t.resumedFrom ? { state: t.resumedFrom } : {}), ...(why ? { why } : {}) }, true);
      delete port.saved; // one use: a Try Again starts from what this attempt saves
    },
  };
  t.port = port;
  return t;
}

/**
 * A write to the fleet store failed (`store.write-failed`): the store is the simulator's own
 * record, so the fault is ours, and the event it was writing (a check-in) counts as failed
 * instead of vanishing.
 */
export class StoreWriteError extends SimError {
  readonly blame = "internal" as const;
}

/**
 * Counts one steady-state check-in in the store; a write that fails comes back as a typed error
 * naming the device, never thrown. A store that commits check-ins in groups answers once this one
 * is committed (a promise); one that writes at once answers at once.
 */
export function storeCheckin(store: FleetStore | undefined, index: number, at: number, device: string): StoreWriteError | undefined | Promise<StoreWriteError | undefined> {
  const unrecorded = (err: unknown): StoreWriteError => {
    const why = err instanceof Error ? err.message : String(err);
    return new StoreWriteError("store.write-failed", `the fleet store${store?.location ? ` ${store.location}` : ""} could not record this check-in: ${why}`, { device, cause: err });
  };
  try {
    const committed = store?.checkin(index, at);
    return committed ? committed.then(() => undefined, unrecorded) : undefined;
  } catch (err) {
    return unrecorded(err);
  }
}
