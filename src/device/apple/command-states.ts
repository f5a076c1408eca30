// SPDX-License-Identifier: MIT
/**
 * Commands Apple's schema restricts to a device state, and what the device answers outside it — as data,
 * one row per command with its published source. Today one state is modelled: AwaitingConfiguration (an ADE
 * device held in Setup Assistant until DeviceConfigured releases it; state.ts `awaitingConfiguration`).
 *
 * Rows come from `grep -il awaitingconfiguration mdm/commands/*.yaml` in Apple's device-management schema
 * (/work/shared/apple-device-management). Of the commands found there, only AccountConfiguration's text restricts
 * the whole command ("This command can only be sent to a macOS device that is in the AwaitingConfiguration
 * state"); DeviceInformation only queries the state, and Settings' MaximumResidentUsers item needs it for one
 * setting (not a whole-command rule, not modelled). DeviceConfigured's text ("only works on devices in DEP that
 * have their cloud configuration set to await configuration") names no answer for a device already released,
 * and no published ticket shows one: it is not in this table, so a released device still acknowledges it.
 * SetAutoAdminPassword's text names Setup Assistant only as where the account was made, not a state rule.
 *
 * A row needs the device's published answer: a command whose restriction is published but whose answer is not stays
 * out of the table (as DeviceConfigured does), rather than getting a plausible code nobody saw.
 */
import { appleErrorItem, type AppleError } from "../../wire/apple/errors.js";

export interface CommandStateRule {
  requestType: string;
  /** The state the command needs. */
  state: "AwaitingConfiguration";
  /** Where Apple's schema says so. */
  schemaSource: string;
  /** The device's published answer outside the state. */
  error: { domain: string; code: number; text: string; source: string };
}

export const COMMAND_STATE_RULES: readonly CommandStateRule[] = [
  {
    requestType: "AccountConfiguration",
    state: "AwaitingConfiguration",
    schemaSource: "apple/device-management mdm/commands/account.configuration.yaml (content: only to a macOS device in the AwaitingConfiguration state)",
    // A released ADE Mac (DeviceConfigured carried out) answers this, macOS 26.3: github.com/fleetdm/fleet/issues/46550 (ErrorChain in the ticket).
    error: { domain: "MDMDeviceEnrollment", code: 101, text: "Device is not AwaitingConfiguration", source: "github.com/fleetdm/fleet/issues/46550" },
  },
];

const BY_TYPE = new Map(COMMAND_STATE_RULES.map((r) => [r.requestType, r]));

/** The device's Error when `requestType` needs a state the device is not in; undefined when it may run. */
export function stateBlock(requestType: string, dev: { awaitingConfiguration: boolean }): AppleError | undefined {
  const rule = BY_TYPE.get(requestType);
  if (!rule || dev.awaitingConfiguration) return undefined;
  return { symptom: "apple.command.not-awaiting-configuration", chain: [appleErrorItem(rule.error.domain, rule.error.code, rule.error.text)] };
}
