// SPDX-License-Identifier: MIT
/**
 * The policy's managed apps on an enrolled Android device (AMAPI Policy.applications). Android Device Policy installs
 * them; an OEM policy app (OEMConfig: Knox Service Plugin, wire/android/oem-apps.ts) then decides from the device's
 * release, management mode and Knox version whether it supports the device. A refusal is what the app shows (its
 * published code and text in its own UI) and what it reports to the EMM (an ERROR keyed app state): the device is
 * enrolled, its OEM policy is not applied. Other apps install and report nothing of their own.
 */
import type { AndroidDeviceInfo } from "../../protocol/android/dialects/index.js";
import { OEM_POLICY_APPS, oemAppRefusal, type ApplicationPolicy, type ApplicationReport, type NonComplianceDetail } from "../../wire/android/oem-apps.js";
import type { BackgroundOutcome } from "../flow.js";

export const APPS_STEP = "android.amapi.apps";
/** Outcome of an OEM policy app that refused the device (counted by expect.outcomes; the device stays enrolled). */
export const OEM_APP_REFUSED = "android.oem-app.unsupported";
/** Outcome of a policy app Google Play would not install on this release (the device stays enrolled, not compliant). */
export const APP_NOT_INSTALLED = "android.app.not-installed";

export interface InstalledApps {
  reports: ApplicationReport[];
  /** AMAPI NonComplianceDetail for each policy app that could not be installed (reported with policyCompliant false). */
  nonComplianceDetails: NonComplianceDetail[];
  /** The apps' refusals as the device meets them (BackgroundOutcome: the flow's outcome stays enrolled). */
  refusals: BackgroundOutcome[];
}

export function installManagedApps(device: AndroidDeviceInfo, managementMode: "DEVICE_OWNER" | "PROFILE_OWNER" | "DEVICE_ADMIN", apps: readonly ApplicationPolicy[], now: number): InstalledApps {
  const iso = new Date(now).toISOString();
  const reports: ApplicationReport[] = [];
  const refusals: BackgroundOutcome[] = [];
  const nonComplianceDetails: NonComplianceDetail[] = [];
  for (const a of apps) {
    const app = OEM_POLICY_APPS[a.packageName];
    if (app?.minApiLevel !== undefined && device.apiLevel < app.minApiLevel) {
      // Google Play does not offer an app below its minimum release: Android Device Policy reports the policy's app as not installed.
      nonComplianceDetails.push({ settingName: "applications", nonComplianceReason: "APP_NOT_INSTALLED", packageName: a.packageName });
      refusals.push({
        task: APPS_STEP,
        ok: false,
        code: APP_NOT_INSTALLED,
        at: now,
        message: `${app.name} (${a.packageName}) was not installed: it supports API level ${app.minApiLevel} and later, the device runs API ${device.apiLevel}; the device reports APP_NOT_INSTALLED and is not compliant`,
        shown: {
          code: "APP_NOT_INSTALLED",
          name: "AMAPI NonComplianceReason",
          text: "The app required to implement the policy is not installed.",
          screen: `EMM console: the device's non-compliance (setting applications, package ${a.packageName})`,
        },
      });
      continue;
    }
    const refusal = app ? oemAppRefusal(app, { manufacturer: device.manufacturer, apiLevel: device.apiLevel, knoxVersion: device.knoxVersion, managementMode }) : undefined;
    if (!app || !refusal) {
      reports.push({ packageName: a.packageName, state: "INSTALLED", applicationSource: "INSTALLED_FROM_PLAY_STORE" });
      continue;
    }
    // The keyed-app-state key KSP uses is not published: enrollsim keys the state by the app's error code.
    reports.push({
      packageName: a.packageName,
      state: "INSTALLED",
      applicationSource: "INSTALLED_FROM_PLAY_STORE",
      keyedAppStates: [{ key: refusal.code, severity: "ERROR", message: refusal.message, data: refusal.resolution, createTime: iso, lastUpdateTime: iso }],
    });
    refusals.push({
      task: APPS_STEP,
      ok: false,
      code: OEM_APP_REFUSED,
      at: now,
      message: `${app.name} (${a.packageName}) error ${refusal.code} ${refusal.title}: ${refusal.message} ${refusal.resolution} (Android API ${device.apiLevel}${device.knoxVersion ? `, Knox ${device.knoxVersion}` : ""}, ${managementMode}); its policy is not applied`,
      shown: {
        code: refusal.code,
        name: `${app.name}: ${refusal.title}`,
        text: refusal.message,
        screen: `${app.name} app (its error message), and the EMM console's app feedback (keyed app state ERROR ${refusal.code})`,
      },
    });
  }
  return { reports, nonComplianceDetails, refusals };
}
