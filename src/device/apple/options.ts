// SPDX-License-Identifier: MIT
/** `groups[].options.apple` (schema in src/runner/scenario/platforms/apple.ts) with defaults. */
import type { CommandBehaviour } from "./commands.js";

/** After enrolling, the user opens the Company Portal (company-portal.ts). */
export interface CompanyPortalOptions {
  /** The account the user signs in with (default user<n>@enrollsim.test). */
  user?: string;
}

export interface PartnerAgentOptions {
  /** How the user registers the Mac: the partner's Self Service policy (right) or the Company Portal (wrong on a partner-managed Mac). */
  registerVia: "jamf-self-service" | "company-portal";
  user?: string;
  /** Compliance checks the agent makes before giving up (default 6: 5 waits of checkSeconds 900, 75 minutes). */
  complianceChecks?: number;
  /** Time between checks, device clock (default 900). */
  checkSeconds?: number;
}

export interface AdeCloudConfig {
  url?: string;
  configuration_web_url?: string;
  is_supervised?: boolean;
  is_mandatory?: boolean;
  is_mdm_removable?: boolean;
  await_device_configured?: boolean;
  skip_setup_items?: string[];
  department?: string;
  support_phone_number?: string;
  /** PEM certificates trusted for the enrollment URL. */
  anchor_certs?: string[];
  /** PEM certificates of the supervision hosts (Macs that may pair while allowHostPairing is false; host-pairing.ts). */
  supervising_host_certs?: string[];
}

export interface AppleOptions {
  /** Profile flows: URL of the enrollment profile (default: the embedded server's /apple/enroll). */
  profileUrl?: string;
  /** Profile flows: the enrollment profile is read from this file (by the scenario loader or the CLI) instead of downloaded. */
  profileFile?: string;
  /** The bytes of `profileFile`, base64, filled in by the loader/CLI (device code does no file I/O). */
  profileData?: string;
  /** macos-profile: how the profile gets installed (device/apple/install-channel.ts): the user in System Settings (default) or a script's `profiles install`. */
  installVia?: "system-settings" | "profiles-cli";
  /** What the device does with unsigned/badly signed profiles. */
  signature?: "accept" | "require-valid" | "require-trusted";
  /** Extra PEM anchors the device trusts (for a server under test). */
  trust?: string[];
  /** Command sessions: at most `max`, `pollSeconds` apart while the server has more to say. */
  sessions?: { min?: number; max?: number; pollSeconds?: number; notNowRedelivery?: "not-now" | "end-session" };
  /** After enrolling, wake `listen` more times: on a push (mock APNs) or every `pollSeconds` (default 3600). */
  push?: { listen?: number; pollSeconds?: number };
  /** Per-command behaviour, by RequestType or "*". */
  commands?: Record<string, CommandBehaviour>;
  /** macOS: escrow a bootstrap token (default: on for ADE). */
  bootstrapToken?: boolean;
  /** macOS: open the user channel with UserAuthenticate (default: on for ADE). */
  userChannel?: boolean;
  /** ios-configurator: the user's affiliation after the Configurator enrollment. */
  configurator?: { user?: string };
  /** After enrolling, the user opens the Company Portal the MDM installed (company-portal.ts). */
  companyPortal?: CompanyPortalOptions;
  /** macOS, partner-managed (Jamf): after enrolling, the user registers the Mac and the agent checks compliance (company-portal.ts). */
  partner?: PartnerAgentOptions;
  /** Profile flows: the user opens the MDM's enrollment portal (an invitation's link) and logs in there (portal.ts). */
  portal?: { invitation?: string; user?: string; password?: string };
  /**
   * Profile flows: a vendor's enrollment agent app runs first (hub.ts): the user gives it the server URL and Group ID
   * and signs in; it opens the enrollment's profile in Safari. `id` names the agent in the agent catalog (agents/*.yaml).
   */
  agent?: { id: string; serverUrl?: string; groupId?: string; user: string; password: string };
  /** Remove the MDM profile at the end (CheckOut when CheckOutWhenRemoved). */
  unenrollAtEnd?: boolean;
  /** The user mistypes the password at the device's first N password sign-ins (device/behaviors/typed-password.ts). */
  mistypedPasswords?: number;
  /** Account-driven enrollment (ios-user-enrollment, macos-user-enrollment, ios-account-device-enrollment). */
  account?: {
    /** The managed Apple ID the user types (user@domain); default user<n>@<domain>. */
    user?: string;
    /** Domain when `user` is absent (default enrollsim.test). */
    domain?: string;
    /** Skip the domain: GET this .well-known URL. */
    wellKnownUrl?: string;
    /** Auth driver for the 401 Bearer apple-as-web challenge (default: token when `token` is set, else form). */
    auth?: "token" | "form";
    /** token driver: the access token the web sign-in would have produced. */
    token?: string;
    /** form driver: the password typed into the sign-in form. */
    password?: string;
  };
  ade?: {
    /** Where to fetch the cloud configuration (default: the embedded stand-in when `cloudConfig` is absent). */
    cloudConfigUrl?: string;
    cloudConfig?: AdeCloudConfig;
    /** How long Setup Assistant waits for DeviceConfigured. */
    awaitTimeoutSeconds?: number;
    /** Session cadence while waiting. */
    pollSeconds?: number;
    /** Answers to a 401 Basic challenge on the enrollment URL. */
    basicAuth?: { username: string; password: string };
  };
}

export function appleOptions(flowOptions: unknown): AppleOptions {
  const o = (flowOptions as { apple?: AppleOptions } | undefined)?.apple;
  return o ?? {};
}
