// SPDX-License-Identifier: MIT
/** What every stage of an Apple enrollment shares: the user agents, the keychain as a flow result, and failure results. */
import type { DurableValue } from "../../ports/checkpoint.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import { describeAppleError, type AppleError } from "../../wire/apple/errors.js";
import type { FlowResult } from "../flow.js";
import type { Shown } from "../shown.js";
import { appleShownForChain } from "./shown.js";
import type { AppleDevice } from "./state.js";

export const IOS_UA = "profiled/1.0 CFNetwork/1496.0.7 Darwin/23.5.0";
export const MACOS_UA = "mdmclient/1.0 CFNetwork/1494.0.7 Darwin/23.4.0 (arm64)";

export const userAgent = (dev: AppleDevice): string => (dev.osName === "macOS" ? MACOS_UA : IOS_UA);

/** Keychain label of an identity; the MDM identity's label also carries its binding (`#mdm&server=…&sign=0|1…`). */
export const MDM_LABEL_MARK = "#mdm&";
export const labelOf = (dev: AppleDevice, uuid: string): string => (dev.mdmBinding?.uuid === uuid ? `apple:${uuid}${MDM_LABEL_MARK}${new URLSearchParams(dev.mdmBinding.params).toString()}` : `apple:${uuid}`);

export const keychainOf = (dev: AppleDevice): FlowResult["keychain"] => ({
  identities: [...dev.store.identities.values()].map((i) => ({ label: labelOf(dev, i.payloadUuid), certificate: i.certificate, key: i.key, chain: i.chain })),
});

export const fail = (dev: AppleDevice, code: string, stepName: string, message: string, shown?: Shown): FlowResult => ({ ok: false, code, step: stepName, message, ...(shown ? { shown } : {}), keychain: keychainOf(dev) });
export const refused = (dev: AppleDevice, e: AppleError, stepName: string): FlowResult => fail(dev, e.symptom, stepName, describeAppleError(e), appleShownForChain(e, stepName, undefined, dev.osName));

export interface EnrollMode {
  ade: boolean;
  awaitConfiguration: boolean;
  /** ADE `is_mdm_removable`: false → the user cannot remove the MDM profile. */
  removable?: boolean;
  extraAnchors?: Certificate[];
  /** Account-driven enrollment: the EnrollmentMode the profile must carry. */
  account?: "BYOD" | "ADDE";
  /** Account-driven enrollment: Authorization: Bearer on every MDM request. */
  bearer?: string;
  /** Account-driven enrollment with the form driver: the sign-in URL (kept to re-authenticate at check-in). */
  authUrl?: string;
  /** Account-driven enrollment: re-authenticate after a mid-session 401 Bearer challenge (account-auth.ts). */
  reauth?: (wwwAuthenticate: string, requestUrl: string) => Promise<string | undefined>;
  /** What the flow needs after the MDM stage (ADE: cloud configuration), kept in its checkpoints for a resumed run. */
  flow?: Record<string, DurableValue>;
}
