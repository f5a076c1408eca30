// SPDX-License-Identifier: MIT
/** Maps a scenario group's resolved options to the options object of its flow. */
import type { ScepFlowOptions } from "../device/flows/scep.js";
import type { ResolvedGroup } from "./scenario/types.js";

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
