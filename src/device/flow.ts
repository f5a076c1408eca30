// SPDX-License-Identifier: MIT
/**
 * A flow is what one device does in a run ("scep", later "ios-ade", "windows-autopilot", …).
 * Flows compose behaviours; they return a value for every expected protocol outcome and throw
 * SimErrors only for failures (server, transport, scenario, or our bug).
 */
import type { DeviceNetworkView } from "../protocol/common/connectivity.js";
import type { DevicePorts, TlsSettings } from "../ports/index.js";
import type { Certificate } from "../wire/x509/certificate.js";
import type { PrivateKey } from "../ports/crypto.js";
import type { ProtocolContext } from "../protocol/common/context.js";
import type { AgentCatalog } from "./agents.js";
import type { SetupTextCatalog } from "./android/setup-texts.js";
import type { CertRepParserCatalog } from "./certrep-parsers.js";
import type { ProfileInstallPathCatalog } from "./profile-install-paths.js";
import type { Platform } from "./catalog.js";
import type { DeviceIdentity } from "./identity.js";
import type { Shown } from "./shown.js";

/** Where the device's servers are, resolved by the runner (embedded server or scenario URL). */
export interface FlowTargets {
  scepUrl?: string;
  /** Base URLs of the server under test (embedded: both listeners of the reference server). */
  server?: {
    http?: string;
    https?: string;
    embedded: boolean;
    /** Embedded: paths served by listeners of their own, each with its own chain (`embedded.tls.endpoints`): path prefix → HTTPS base. */
    endpoints?: { path: string; base: string }[];
    /** Embedded: HTTPS base of the listener that asks for a client certificate mid-connection (TLS 1.2 renegotiation). */
    midConnection?: string;
    /**
     * Embedded: every intermediate CA of the server's chains (PEM), sent or not: the full chain, for a fetch the
     * simulator makes on someone else's behalf (the admin's console showing a QR code), never for the device.
     */
    intermediates?: string[];
  };
}

export interface FlowContext {
  identity: DeviceIdentity;
  ports: DevicePorts;
  protocol: ProtocolContext;
  targets: FlowTargets;
  /** The device's TLS settings (trust store, --insecure), for flows that build their own clients (mTLS). */
  tls?: TlsSettings;
  /**
   * Keep connections open across the requests of one enrolment or check-in, for the HTTP clients a
   * flow builds itself (mTLS, pass it as `HttpClientOptions.keepAlive`). Default true, as
   * NSURLSession and WinHTTP keep a connection within a session; false (`load.keepAlive: false`,
   * `run --close-connections`) closes the connection after every request. Either way flows close
   * every client they create when the enrolment or check-in ends.
   */
  keepAlive?: boolean;
  /**
   * The device's disk: what a flow keeps here survives a power cycle (a timeline `reboot`), as the
   * enrollment, the registry or the device owner do on a real device; everything else the flow held
   * is lost. Kept per device for the run.
   */
  disk?: Map<string, unknown>;
  /**
   * Whether the device has a network now, as its OS reports it (Android's ConnectivityManager, the
   * Windows network status): false while a timeline `offline` holds it. Absent: online. For
   * decisions a device makes before it sends anything (Android 8 fetches its QR reader only online).
   */
  online?: () => boolean;
  /** The network the device is on (scenario `networks:`): its connectivity checks read its name and PAC proxy. Absent: no network modelled. */
  network?: DeviceNetworkView;
  /** Set when this start of the flow follows a reboot during the enrolment: the flow resumes from `disk` as its platform does. */
  boot?: DeviceBoot;
  /** The vendor agents' screens (agents/*.yaml): what the device's enrollment agent shows for a refusal. Absent: the platform's texts. */
  agents?: AgentCatalog;
  /** What the Android setup wizard shows per release (devices/android-setup-texts/). Absent: its built-in wording, said so on the screen. */
  setupTexts?: SetupTextCatalog;
  /** Which CertRep encodings each client release accepts, rejects or crashes on (devices/scep-clients/*.yaml). Absent: RFC-strict. */
  certRepParsers?: CertRepParserCatalog;
  /** How a downloaded profile reaches Apple's installer per release (devices/profile-installers/*.yaml). Absent: queued. */
  profileInstallPaths?: ProfileInstallPathCatalog;
  /** Actions a person took at the enrolled device since its last session (timeline), oldest first: a check-in performs them first. */
  localActions?: LocalDeviceAction[];
}

/** An action taken at the device itself (timeline `localAutopilotReset`): the timeline entry and when. */
export interface LocalDeviceAction {
  kind: "autopilot-reset";
  admin: boolean;
  entry: number;
  at: number;
}

/**
 * The `disk` key of a device that was factory reset since its scenario `state:` held: set before a set-up from
 * scratch after the timeline erased it (`reset` + `setUpAgain`), or by the device's own wipe (Android
 * ManagedProvisioning's Reset). A flow then drops the state's user data (owners, users, profiles, completed
 * setup) and keeps what the hardware and the build are.
 */
export const ERASED_DISK_KEY = "device.erased";

/**
 * The `disk` key holding how many set-ups from scratch came before this one (timeline `setUpAgain`; absent: none).
 * A set-up is a new enrolment of the same hardware: a flow derives its per-enrolment material from it (an Apple
 * device generates a new key pair, so its SCEP identity differs from the one a backup of the earlier enrolment holds).
 */
export const SET_UPS_DISK_KEY = "device.setUps";

/**
 * The `disk` key set before a flow runs again because the user or admin asked the running OS to enrol through ADE
 * (timeline `renewEnrollment`: macOS `sudo profiles renew -type enrollment`, the Device Enrollment notification).
 * The ADE flow then runs from the running OS: Setup Assistant is over, so no pane; it fetches its cloud
 * configuration and enrols as Setup Assistant would. The flow removes it once read.
 */
export const ADE_RENEWAL_DISK_KEY = "device.adeRenewal";

/** A flow started again after the device power-cycled. */
export interface DeviceBoot {
  /** Reboots of the device so far in the run (1 for the first). */
  count: number;
  /** The step the flow was at, or about to start, when the power went. */
  atStep?: string;
}

/**
 * Where the device keeps an identity's private key (Windows: the key storage provider, and the TPM storage
 * hierarchy it was created in; device/windows/tpm-keys.ts). Absent: nothing binds the key to a place.
 */
export interface KeyStore {
  provider: string;
  /** The TPM the key was created in, as the device names it; absent for software keys. */
  tpm?: string;
}

/** Credentials a device holds after a flow: its keychain. */
export interface Keychain {
  identities: { label: string; certificate: Certificate; key: PrivateKey; chain: Certificate[]; keyStore?: KeyStore }[];
  /**
   * Root certificates the device installed (a profile's certificate payloads, ADE anchors), with no key: kept
   * with the identities so a later session's TLS trusts what the device trusts (Apple: profile-trust.ts, whose
   * labels also say whether a root waits for the user's full trust).
   */
  roots?: { label: string; certificate: Certificate }[];
}

/**
 * The result of a task the device runs on its own after enrolment (a scheduled certificate renewal,
 * a background check-in): the flow carries on whatever it says, so a failure is not the flow's
 * outcome, but it is counted like one by `expect.outcomes` and `expect.shown` (the device did meet it).
 */
export interface BackgroundOutcome {
  /** The step the task ran as ("enroll.renew", "checkin.command.idle"). */
  task: string;
  ok: boolean;
  /** Outcome code ("windows.renew.failed"). */
  code: string;
  /** Device time (ms since epoch). */
  at: number;
  message?: string;
  /** What the device shows or records for it (its log, its registry). */
  shown?: Shown;
}

/** Settings a device accepted from its server and keeps in force between sessions, by node (Windows: Policy CSP values, device/windows/applied-settings.ts). */
export type AppliedSettings = Record<string, { value: string; format?: string }>;

export interface FlowResult {
  ok: boolean;
  /** Stable outcome code: "scep.issued", "scep.failInfo.badRequest", "scep.pending-gave-up", … */
  code: string;
  /** Where a failed outcome happened, and what the device shows. */
  step?: string;
  message?: string;
  /** What the device shows for a failed outcome: the platform's code, name, text and screen (device/shown.ts). */
  shown?: Shown;
  /** `shown.screen` is an app's own (Safari's alert on a download), kept as it is rather than the flow's screen for the step. */
  ownScreen?: boolean;
  keychain: Keychain;
  /** Ids the server gave the device (merged into the runner's EnrolledState.serverIds). */
  serverIds?: Record<string, string>;
  /** Settings the device accepted during the flow and keeps (carried into the runner's EnrolledState). */
  appliedSettings?: AppliedSettings;
  /** Background tasks' failures after enrolment, oldest first (at most a few per device). */
  background?: BackgroundOutcome[];
}

export interface Flow<Options = unknown> {
  name: string;
  description: string;
  /** Platforms the flow applies to; "any" for platform-neutral flows such as plain SCEP. */
  platforms: readonly Platform[] | "any";
  run(ctx: FlowContext, options: Options): Promise<FlowResult>;
  /**
   * Steady-state check-in of an enrolled device (issue 6 load model): the platform's periodic
   * contact with its server. Optional; the runner falls back to a built-in for known flows.
   */
  checkin?(
    ctx: FlowContext,
    options: Options,
    state: { certificates: { label: string; pem: string; keyStore?: KeyStore }[]; serverIds: Record<string, string>; appliedSettings?: AppliedSettings },
  ): Promise<{ ok: boolean; code: string; step?: string; message?: string; erased?: boolean; shown?: Shown }>;
}
