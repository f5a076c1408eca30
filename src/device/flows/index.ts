// SPDX-License-Identifier: MIT
/**
 * Registry of flows by name: the platform-neutral ones plus each platform's. Every flow is gated by
 * the enrollment-method capability table (device/methods.ts): a device whose OS release does not offer
 * the flow's method ends with the platform's own behaviour before anything is sent.
 */
import { androidFlows } from "../android/flows.js";
import { appleFlows } from "../apple/flows.js";
import type { Flow } from "../flow.js";
import { checkMethods, METHOD_STEP, unsupportedResult } from "../methods.js";
import { windowsFlows } from "../windows/flows.js";
import { decoded, step } from "../../protocol/common/context.js";
import { probeConnectivity } from "../../protocol/common/connectivity.js";
import { scepFlow } from "./scep.js";
import { familyOf } from "../state.js";
import { withAppleProxy } from "../apple/proxy.js";

/** The flow, first consulting the capability table (not again when it resumes after a reboot). */
export function gated(flow: Flow<never>): Flow<never> {
  return {
    ...flow,
    async run(original, options) {
      // An Apple device's requests go through the proxy its network setting names (APNs excepted: device/apple/proxy.ts).
      const fc = familyOf(original.identity.platform) === "apple" ? withAppleProxy(original) : original;
      if (!fc.boot) {
        const bad = checkMethods(fc.identity, flow.name, options).find((v) => !v.supported);
        if (bad) {
          await step(fc.protocol, METHOD_STEP, async () =>
            decoded(fc.protocol, METHOD_STEP, {
              method: bad.row.id,
              release: bad.release,
              minimum: bad.min ?? null,
              ...(bad.removedIn !== undefined ? { removedIn: bad.removedIn } : {}),
              supported: false,
              behaviour: bad.row.unsupported.behaviour,
              ...(bad.note ? { note: bad.note } : {}),
              source: bad.row.source,
            }),
          );
          return unsupportedResult(bad, fc.identity.platform);
        }
      }
      // Windows (NCSI) and Apple (captive network detection) check the network they are on first; the result is
      // recorded and the flow goes on, meeting the network at each request (what OOBE or Setup Assistant shows
      // after a failed check is not modelled). Android's check is part of its provisioning wizard.
      const platform = fc.identity.platform;
      if (fc.network && !fc.boot && platform !== "android") await probeConnectivity(fc.protocol, platform);
      return flow.run(fc, options);
    },
  };
}

const ALL: Record<string, Flow<never>> = {
  scep: scepFlow as Flow<never>,
  ...appleFlows,
  ...windowsFlows,
  ...androidFlows,
};

export const FLOWS: Record<string, Flow<never>> = Object.fromEntries(Object.entries(ALL).map(([k, f]) => [k, gated(f)]));

export const flowNames = (): string[] => Object.keys(FLOWS);
