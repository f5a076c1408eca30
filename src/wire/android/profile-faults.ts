// SPDX-License-Identifier: MIT
/**
 * Which groups a provisioning-profile fault (embedded.android.profiles.<name>.fault) can reach.
 * Each fault damages one thing the server hands out; a group meets it only when its flow reads
 * that thing. The scenario loader refuses a fault no group using the profile can meet (issue 12
 * #14), instead of running a scenario whose fault is silently ignored.
 */
export type AndroidDpcKind = "clouddpc" | "headwind" | "company-portal";

/** The DPC a profile of this mode uses unless it names one (server/android/config.ts). */
export function defaultDpcFor(mode: string): AndroidDpcKind {
  return mode === "aosp" ? "headwind" : mode === "device-admin" ? "company-portal" : "clouddpc";
}

/** The profile each Android flow uses unless options.android.profile names one. */
export const FLOW_DEFAULT_PROFILE: Record<string, string> = {
  "android-qr": "fully-managed",
  "android-token": "dedicated",
  "android-work-profile": "work-profile",
  "android-aosp": "aosp",
  "android-da": "device-admin",
};

export interface FaultReachInput {
  flow: string;
  /** options.android.trigger (android-qr, android-aosp: qr by default). */
  trigger?: string;
  dpc: AndroidDpcKind;
}

/** Why `fault` can never reach a group with this flow, trigger and DPC; undefined when it can. */
export function faultUnreachable(fault: string, g: FaultReachInput): string | undefined {
  switch (fault) {
    case "no-token":
      // Only a payload-triggered Android Device Policy reads its token from the admin extras.
      if (g.flow === "android-token") return "the android-token flow takes its enrollment token from what the user types at afw#setup, not from the admin extras";
      if (g.flow === "android-work-profile") return "the android-work-profile flow takes its enrollment token from the enrollment link, not from the admin extras";
      if (g.dpc !== "clouddpc") return `the profile's DPC is ${g.dpc}, which takes no enrollment-token extra (only Android Device Policy does)`;
      return undefined;
    case "no-customer":
      return g.dpc === "headwind" ? undefined : `com.hmdm.CUSTOMER is a Headwind extra; the profile's DPC is ${g.dpc}`;
    case "nfc-bad-number":
      return (g.flow === "android-qr" || g.flow === "android-aosp") && g.trigger === "nfc" ? undefined : "only an NFC bump reads the NFC payload (options.android.trigger: nfc on android-qr or android-aosp)";
    default:
      return undefined;
  }
}
