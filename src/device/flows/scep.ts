// SPDX-License-Identifier: MIT
/** The platform-neutral "scep" flow: enrol one certificate, optionally renew it. */
import { ScenarioError } from "../../errors/index.js";
import type { Flow } from "../flow.js";
import { enrollScep, scepFlowResult, type ScepEnrollmentOptions } from "../behaviors/scep-enrollment.js";

export type ScepFlowOptions = Omit<ScepEnrollmentOptions, "url"> & { url?: string };

export const scepFlow: Flow<ScepFlowOptions> = {
  name: "scep",
  description: "Enrol a certificate by SCEP (GetCACaps, GetCACert, PKCSReq, CertPoll while PENDING; optional RenewalReq)",
  platforms: "any",
  async run(ctx, options) {
    const url = options.url ?? ctx.targets.scepUrl;
    if (!url) throw new ScenarioError("the scep flow needs a SCEP URL (options.scep.url, or the embedded server)");
    return scepFlowResult(await enrollScep(ctx, { ...options, url }));
  },
};
