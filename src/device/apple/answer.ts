// SPDX-License-Identifier: MIT
/**
 * A device's answer to one MDM command: the schema and OS rules (commands.ts), the access rights the
 * enrollment granted, the state the command needs (command-states.ts), the scenario's behaviour (NotNow, delay, errors, the user declining), then the
 * device state executes it (state.ts).
 */
import { AppleErrors, errorChainPlist, type AppleError } from "../../wire/apple/errors.js";
import type { MdmCommand } from "../../wire/apple/mdm.js";
import type { CommandAnswer } from "../../protocol/apple/mdm-client.js";
import { ACCESS_RIGHT_BITS, SCHEMA_BY_TYPE, checkKeys, osBlock } from "./commands.js";
import { stateBlock } from "./command-states.js";
import type { AppleDevice } from "./state.js";

const err = (e: AppleError): CommandAnswer => ({ status: "Error", errorChain: errorChainPlist(e) as never });

/** The device's answer to one command (state effects included). */
export async function answerCommand(dev: AppleDevice, cmd: MdmCommand): Promise<CommandAnswer> {
  const schema = SCHEMA_BY_TYPE.get(cmd.requestType);
  if (!schema) return err(AppleErrors.unsupportedCommand(cmd.requestType));
  const problem = checkKeys(cmd.command, schema.payloadKeys, "");
  if (problem) {
    dev.note("command.format-error", { requestType: cmd.requestType, problem });
    return { status: "CommandFormatError" };
  }
  const blocked = osBlock(schema.os[dev.osName], dev.ruleContext());
  if (blocked) return err(AppleErrors.commandNotAllowed(cmd.requestType, blocked));
  const right = schema.os[dev.osName]?.accessrights;
  const bit = right ? ACCESS_RIGHT_BITS[right] : undefined;
  if (bit !== undefined && (dev.accessRights & bit) === 0) return err(AppleErrors.insufficientRights(cmd.requestType, right!));
  // Commands the schema restricts to a device state (AccountConfiguration: AwaitingConfiguration), command-states.ts.
  const outOfState = stateBlock(cmd.requestType, dev);
  if (outOfState) return err(outOfState);

  const b = dev.behaviourFor(cmd.requestType);
  const seen = dev.notNowCount.get(cmd.commandUUID) ?? 0;
  if (b.notNow && seen < b.notNow) {
    dev.notNowCount.set(cmd.commandUUID, seen + 1);
    return { status: "NotNow" };
  }
  if (b.ackDelayMs) await dev.sleep(b.ackDelayMs);
  if (b.errorRate && dev.roll(cmd.commandUUID) < b.errorRate) return err(AppleErrors.injected(cmd.requestType));
  // An app install is declined at its prompt (device/apple/apps.ts: the timeline's abandon at app.install-prompt).
  if (b.userDeclines && cmd.requestType === "InstallProfile") return err(AppleErrors.userDeclined());
  return dev.execute(cmd, schema);
}
