// SPDX-License-Identifier: MIT
/** What the user did to a device mid-flow, as the errors its flow ends with (timeline `abandon`, `reset`). */
import { SimError } from "../../errors/index.js";

/** The user gave up at a step (timeline `abandon`): the device ends not enrolled. */
export class UserAbandonedError extends SimError {
  readonly blame = "scenario" as const;
  constructor(message: string) {
    super("user.abandoned", message);
  }
}

/** The user erased the device (timeline `reset`) while it was enrolling. */
export class DeviceResetError extends SimError {
  readonly blame = "scenario" as const;
  constructor(message: string) {
    super("device.reset", message);
  }
}
