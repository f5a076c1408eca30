// SPDX-License-Identifier: MIT
/**
 * Observer events across the thread boundary: the worker side batches its run's observer calls
 * and posts them every {@link FLUSH_MS} (and at the end); the parent side replays a batch onto an
 * observer. A worker that dies loses at most the batch it had not posted yet: the devices of that
 * batch count as held by the crashed worker (worker.crashed), never as silently finished.
 */
import type { RunObserver } from "../../runner/observer.js";
import type { WorkerEvent } from "./messages.js";

export const FLUSH_MS = 100;

/** Worker side: an observer that queues events; `post` sends them. */
export class EventBatcher implements RunObserver {
  private queue: WorkerEvent[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly post: (events: WorkerEvent[]) => void) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  onDeviceStart(device: string, index: number): void {
    this.queue.push(["start", device, index]);
  }
  onStep(s: Parameters<NonNullable<RunObserver["onStep"]>>[0]): void {
    this.queue.push(["step", s]);
  }
  onDeviceEnd(r: Parameters<NonNullable<RunObserver["onDeviceEnd"]>>[0]): void {
    this.queue.push(["end", r]);
  }
  onCheckin(c: Parameters<NonNullable<RunObserver["onCheckin"]>>[0]): void {
    this.queue.push(["checkin", c]);
  }
  onCommand(c: Parameters<NonNullable<RunObserver["onCommand"]>>[0]): void {
    this.queue.push(["command", c]);
  }

  flush(): void {
    if (this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    this.post(events);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** Parent side: replays a batch onto an observer. */
export function replay(events: readonly WorkerEvent[], o: RunObserver): void {
  for (const e of events) {
    switch (e[0]) {
      case "start":
        o.onDeviceStart?.(e[1], e[2]);
        break;
      case "step":
        o.onStep?.(e[1]);
        break;
      case "end":
        o.onDeviceEnd?.(e[1]);
        break;
      case "checkin":
        o.onCheckin?.(e[1]);
        break;
      case "command":
        o.onCommand?.(e[1]);
        break;
    }
  }
}
