// SPDX-License-Identifier: MIT
/** What the timeline engine is given: the run's devices, the embedded server and networks it acts on, its clock. */
import type { Clock } from "../../ports/clock.js";
import type { TranscriptSink } from "../../ports/transcript.js";
import type { TimelineAction, TimelineEntry } from "./types.js";

/** One device of the run, as targets select it. */
export interface TimelineDevice {
  index: number;
  id: string;
  group: string;
  platform: string;
  /** Why a reset on the device itself (timeline `reset`) does not happen, as it shows it (a PC without its recovery environment). */
  resetRefused?: string;
}

/** A device a server action names: its identity fields and the certificates it holds (serial hex). */
export interface DeviceRef {
  index: number;
  id: string;
  identity?: { serialNumber?: string; udid?: string; imei?: string; [k: string]: unknown };
  certificateSerials: string[];
}

/** What the embedded server does for the timeline (implemented by the reference server). */
export interface TimelineServer {
  /** Performs a server action; returns what happened, in words. */
  apply(action: TimelineAction, devices: DeviceRef[] | undefined): Promise<string>;
}

export interface TimelineOptions {
  entries: readonly TimelineEntry[];
  clock: Clock;
  /** Every device of the run (all shards' devices when sharded: targets are run-wide). */
  devices: readonly TimelineDevice[];
  /** Identity fields of a device (for server actions that name devices). */
  identity?: (index: number) => DeviceRef["identity"];
  transcriptFor: (device: string) => TranscriptSink;
  server?: TimelineServer;
  /** The run's networks (runner/network): joinNetwork and portalSignIn act on them. */
  networks?: { apply(action: Extract<TimelineAction, { kind: "joinNetwork" | "portalSignIn" }>, devices: readonly TimelineDevice[]): string };
  onError?: (entry: TimelineEntry, err: unknown) => void;
}
