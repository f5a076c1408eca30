// SPDX-License-Identifier: MIT
/** Maps a scenario group's resolved options to the options object of its flow. */
import type { ScepFlowOptions } from "../device/flows/scep.js";
import type { ResolvedGroup } from "./scenario/types.js";
import { ScenarioError } from "../errors/index.js";
import type { FlowTargets } from "../device/flow.js";
import type { DeviceIdentity } from "../device/identity.js";
import { TemplateValueMissing, deviceTemplateValues, expandDeep, expandTemplate, runTemplateValues } from "../device/template.js";

export function flowOptions(group: ResolvedGroup): unknown {
  switch (group.flow) {
    case "scep": {
      const o = group.options.scep!;
      const opts: ScepFlowOptions = {
        url: o.url,
        challenge: o.challenge,
        subject: o.subject,
        san: o.san,
        keyUsage: o.keyUsage,
        extendedKeyUsage: o.extendedKeyUsage,
        caFingerprint: o.caFingerprint ? `${o.caFingerprint.algorithm}:${o.caFingerprint.hex}` : undefined,
        poll: o.poll,
        cipher: o.cipher,
        digest: o.digest,
        renew: o.renew,
      };
      return opts;
    }
    default:
      return group.options;
  }
}

/**
 * The flow options of one device: every `%NAME%` template (device/template.ts) in them expanded
 * with the device's identifiers and the run's server URLs. A variable the device does not have
 * (%UDID% on an Android phone) is a scenario error naming the device and the group.
 */
export function deviceFlowOptions(group: ResolvedGroup, identity: DeviceIdentity, targets: FlowTargets): unknown {
  const values = { ...deviceTemplateValues(identity), ...runTemplateValues({ https: targets.server?.https, http: targets.server?.http, scepUrl: targets.scepUrl }) };
  try {
    return expandDeep(flowOptions(group), (s) => expandTemplate(s, values));
  } catch (e) {
    if (e instanceof TemplateValueMissing) throw new ScenarioError(`groups "${group.name}" options: ${e.message} (device ${identity.id}, ${identity.platform})`);
    throw e;
  }
}
