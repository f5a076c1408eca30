// SPDX-License-Identifier: MIT
/**
 * A device's power across a run, for the timeline's `reboot` action. A reboot cuts the power: a
 * request in flight is lost (its answer never reaches the device, as on a real power cycle: the
 * server may still have acted on it), the flow stops at its next step boundary, the device is off for
 * its boot time, and then the runner starts the flow again with what survived on the device's disk
 * (`FlowContext.boot`). How each platform resumes from that disk is the flow's business: the ESP
 * phase it was in (Windows), Setup Assistant with the enrollment kept (Apple), the provisioning
 * wizard again or interrupted provisioning (Android). Documented in scenarios/README.md "timeline".
 */
import { SimError } from "../../errors/index.js";
import type { Clock } from "../../ports/clock.js";
import type { TranscriptSink } from "../../ports/transcript.js";

/** The device lost power at a step boundary (or mid-request): the runner boots it and resumes. */
export class DeviceRebootError extends SimError {
  readonly blame = "scenario" as const;
  constructor(message: string) {
    super("device.rebooted", message);
  }
}

/**
 * How long a device is off when a `reboot` gives no `bootTime`. Typical figures, not published ones:
 * a Windows PC in OOBE comes back in about two minutes (the same figure the ESP uses for an
 * app-initiated restart, device/windows/esp-run.ts); phones and Macs in about one.
 */
export const BOOT_MS: Readonly<Record<string, number>> = { windows: 120_000, ios: 60_000, ipados: 60_000, macos: 60_000, android: 60_000 };

export function bootMsOf(platform: string, override?: number): number {
  return override ?? BOOT_MS[platform] ?? 60_000;
}

/** A power cut waiting for the device's next step boundary (or taken mid-request). */
export interface PendingReboot {
  entry: number;
  bootMs?: number;
}

/** What the runner hands a flow that starts again after a reboot. */
export interface BootInfo {
  /** Reboots of this device so far in the run (1 for the first). */
  count: number;
  /** The step the flow was at (or about to start) when the power went. */
  atStep?: string;
  /** timeline[i] that rebooted it. */
  entry: number;
}

/** Power state per device: which devices are off, and the signal that cuts their requests in flight. */
export class DevicePower {
  private readonly on = new Map<number, AbortController>();
  private readonly pending = new Map<number, PendingReboot>();
  private readonly offUntil = new Map<number, number>();
  private readonly epochs = new Map<number, number>();
  private readonly counts = new Map<number, number>();
  /** The step each device was about to start when its flow stopped for a power cut. */
  private readonly cutAt = new Map<number, string>();

  constructor(
    private readonly clock: Clock,
    private readonly transcriptFor: (device: string) => TranscriptSink,
    private readonly runSignal: () => AbortSignal | undefined,
  ) {}

  /** Aborted when the device loses power (its requests in flight are lost); renewed when it boots. */
  signal(index: number): AbortSignal {
    let c = this.on.get(index);
    if (!c) this.on.set(index, (c = new AbortController()));
    return c.signal;
  }

  /** Increments each time the device loses power: a flow attempt that saw it change was cut short. */
  epoch(index: number): number {
    return this.epochs.get(index) ?? 0;
  }

  /** Cuts the device's power now: requests in flight fail, its next step boundary stops the flow. */
  cut(index: number, reboot: PendingReboot): void {
    this.epochs.set(index, this.epoch(index) + 1);
    this.pending.set(index, reboot);
    const c = this.on.get(index);
    this.on.set(index, abortedController());
    c?.abort(new DeviceRebootError(`the device lost power (timeline[${reboot.entry}])`));
  }

  /** An enrolled device (not running a flow) power-cycles: it is off until its boot time has passed. */
  cutIdle(index: number, bootMs: number, entry: number): void {
    this.cut(index, { entry, bootMs });
    this.pending.delete(index);
    this.offUntil.set(index, this.clock.now() + bootMs);
  }

  /** The reboot to take at this step boundary, if the power was cut since the device last booted. */
  takePending(index: number): PendingReboot | undefined {
    const r = this.pending.get(index);
    this.pending.delete(index);
    return r;
  }

  /** Whether a power cut is waiting for the device (its flow attempt was cut short). */
  hasPending(index: number): boolean {
    return this.pending.has(index);
  }

  /** True while an enrolled device is still booting (it does not check in). */
  off(index: number): boolean {
    const until = this.offUntil.get(index);
    if (until === undefined) return false;
    if (this.clock.now() < until) return true;
    this.offUntil.delete(index);
    this.on.delete(index);
    return false;
  }

  /** The flow of a device whose power was cut stops before `step`: the error to throw there. */
  stopAt(index: number, step: string): DeviceRebootError {
    this.cutAt.set(index, step);
    return new DeviceRebootError(`the device lost power before ${step}`);
  }

  /**
   * Device `index` lost power during its flow: it is off for its boot time (scenario clock), then on
   * again. `atStep`: where the flow was cut when not at a step boundary. Returns what the flow's next
   * start is told.
   */
  async boot(index: number, device: string, platform: string, atStep: string | undefined, signal?: AbortSignal): Promise<BootInfo> {
    const r = this.takePending(index) ?? { entry: -1 };
    const at = this.cutAt.get(index) ?? atStep;
    this.cutAt.delete(index);
    const ms = bootMsOf(platform, r.bootMs);
    const t = this.transcriptFor(device);
    t.record({ t: this.clock.now(), device, step: at ?? "device", kind: "note", data: { timeline: r.entry, action: "reboot", power: "off", bootMs: ms, injected: true } });
    await this.clock.sleep(ms, signal ?? this.runSignal());
    const count = this.booted(index);
    t.record({ t: this.clock.now(), device, step: "device.boot", kind: "note", data: { timeline: r.entry, action: "reboot", power: "on", reboots: count, ...(at ? { resumesFrom: at } : {}), injected: true } });
    return { count, entry: r.entry, ...(at ? { atStep: at } : {}) };
  }

  /** The device finished booting: power on, a fresh signal for its requests. Returns its reboot count. */
  private booted(index: number): number {
    this.on.set(index, new AbortController());
    this.pending.delete(index);
    const n = (this.counts.get(index) ?? 0) + 1;
    this.counts.set(index, n);
    return n;
  }
}

function abortedController(): AbortController {
  const c = new AbortController();
  c.abort(new DeviceRebootError("the device is off"));
  return c;
}
