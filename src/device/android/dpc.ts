// SPDX-License-Identifier: MIT
/**
 * A TestDPC-like DPC persona: answers GET_PROVISIONING_MODE with the mode the scenario asks for
 * (or an illegal one, to reproduce android-dpc-illegal-mode) and does its server enrollment in
 * ADMIN_POLICY_COMPLIANCE through a registered dialect.
 */
import { ScenarioError } from "../../errors/index.js";
import { ANDROID_DIALECTS, dialectForPackage, type AndroidDialect, type AndroidDeviceInfo, type DialectOptions } from "../../protocol/android/dialects/index.js";
import type { DpcPersona } from "../../protocol/android/setup-wizard.js";
import type { ProtocolContext } from "../../protocol/common/context.js";
import { PROVISIONING_MODE } from "../../wire/android/extras.js";
import type { Bundle } from "../../wire/android/payload.js";
import type { AndroidFlowOptions, DpcModeChoice } from "./options.js";

export function pickDialect(name: string | undefined, pkg: string, adminExtras: Bundle): AndroidDialect {
  if (name) {
    const d = ANDROID_DIALECTS[name];
    if (!d) throw new ScenarioError(`unknown Android dialect "${name}"; known: ${Object.keys(ANDROID_DIALECTS).join(", ")}`);
    return d;
  }
  return dialectForPackage(pkg) ?? (adminExtras["com.hmdm.BASE_URL"] !== undefined ? ANDROID_DIALECTS.headwind! : ANDROID_DIALECTS.amapi!);
}

export function dialectOptions(o: AndroidFlowOptions, httpsBase: string | undefined): DialectOptions {
  return {
    amapiUrl: o.amapiUrl ?? (httpsBase ? `${httpsBase}/android/amapi` : undefined),
    statusReports: o.statusReports,
    nonCompliant: o.nonCompliant,
    statusIntervalMs: o.statusIntervalSeconds === undefined ? undefined : o.statusIntervalSeconds * 1000,
    pushPolls: o.pushPolls,
    headwindSecret: o.headwindSecret,
    checkSignature: o.checkSignature,
    unenrollOnAuthError: o.unenrollOnAuthError,
  };
}

const MODE_FOR: Record<DpcModeChoice, number> = {
  "fully-managed": PROVISIONING_MODE.FULLY_MANAGED_DEVICE,
  dedicated: PROVISIONING_MODE.FULLY_MANAGED_DEVICE,
  cope: PROVISIONING_MODE.MANAGED_PROFILE,
  "work-profile": PROVISIONING_MODE.MANAGED_PROFILE,
};

export function dpcPersona(ctx: ProtocolContext, o: AndroidFlowOptions, mode: DpcModeChoice, pkg: string, device: AndroidDeviceInfo, httpsBase: string | undefined): DpcPersona {
  return {
    getProvisioningMode(req) {
      if (o.dpc?.illegalMode) return { mode: PROVISIONING_MODE.MANAGED_PROFILE_ON_PERSONAL_DEVICE };
      const want = MODE_FOR[mode];
      // TestDPC: an empty allowed list means {managed profile, fully managed}.
      return { mode: req.allowedModes.length === 0 || req.allowedModes.includes(want) ? want : req.allowedModes[0]! };
    },
    async adminPolicyCompliance(req) {
      const dialect = pickDialect(o.dialect, pkg, req.adminExtras);
      return dialect.enroll({
        ctx,
        adminExtras: req.adminExtras,
        mode: req.mode,
        managementMode: req.mode === PROVISIONING_MODE.FULLY_MANAGED_DEVICE ? "DEVICE_OWNER" : "PROFILE_OWNER",
        ownership: req.ownership,
        device,
        options: dialectOptions(o, httpsBase),
      });
    },
  };
}
