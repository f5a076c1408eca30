// SPDX-License-Identifier: MIT
/**
 * Scenario types. `Scenario` and friends are the file as written (every optional key optional);
 * `ResolvedScenario` and friends are what the runner uses: defaults filled, unions discriminated.
 * The format reference is `scenarios/README.md`; the schema is {@link ./schema.ts}.
 */
import type { ScepServerFault } from "../../wire/scep/faults.js";
import type { CertRepEncoding } from "../../wire/scep/certrep-encoding.js";
import type { FaultSpec, ResolvedFault } from "../faults/vocabulary.js";
import type { Platform } from "../../device/catalog.js";
import type { DeviceState } from "../../device/state.js";
import type { OsSupport } from "../../device/os-support.js";
import type { TimelineEntry, TimelineSpec } from "../timeline/types.js";
import type { NetworkSpec } from "../network/types.js";
import type { CA_CAPS, FAIL_INFOS, KEY_USAGES, SCEP_CIPHERS, SCEP_DIGESTS } from "./schema.js";

/** SCEP failInfo name (RFC 8894). */
export type FailInfoName = (typeof FAIL_INFOS)[number];
/** GetCACaps keyword. */
export type CaCap = (typeof CA_CAPS)[number];
/** keyUsage bit name. */
export type KeyUsageName = (typeof KEY_USAGES)[number];
/** Envelope cipher choice. */
export type ScepCipher = (typeof SCEP_CIPHERS)[number];
/** Signature digest choice. */
export type ScepDigest = (typeof SCEP_DIGESTS)[number];

// ---------------------------------------------------------------- as written

/** `embedded.scep` as written. */
export interface EmbeddedScepConfig {
  challenge?: string;
  pending?: number;
  failInfo?: FailInfoName;
  /** `true`, or how the RA certificate is built: `{ keyUsage: [bits] | none }`. */
  ra?: boolean | { keyUsage?: KeyUsageName[] | "none" };
  /** The CA issues from an intermediate (server/scep/config.ts CaChainSpec). */
  chain?: { intermediates: number; root?: boolean; keyUsage?: KeyUsageName[]; answer?: "chain" | "issuing-ca" };
  caps?: CaCap[];
  validityDays?: number;
  fault?: ScepServerFault;
  /** Refuse a second certificate for the same subject (FAILURE badRequest). */
  rejectDuplicateSubject?: boolean;
  /** Alias of `ra: { keyUsage: [digitalSignature] }` (resolve.ts). */
  getCaCertFault?: "ra-without-key-encipherment";
  /** How every CertRep is encoded (wire/scep/certrep-encoding.ts). */
  certRep?: CertRepEncoding;
}

/** `embedded` as written. */
export interface EmbeddedConfig {
  scep?: EmbeddedScepConfig;
  apple?: unknown;
  windows?: unknown;
  android?: unknown;
  /** The tenant's admin rules (schema: policy-schema.ts; shape: server/policy/types.ts). */
  policy?: unknown;
  /** The chains the embedded server presents (schema: tls-schema.ts; shape: server/tls-chain.ts). */
  tls?: unknown;
  /** How far the server's clock is from the true time (a signed duration, as state.clockOffset). */
  clockOffset?: string;
}

/** subjectAltName templates. */
export interface SanSpec {
  dns?: string[];
  email?: string[];
  uri?: string[];
  upn?: string[];
}

/** CertPoll policy while the CA answers PENDING. */
export interface PollPolicy {
  maxAttempts?: number;
  delayMs?: number;
  backoff?: number;
}

/** `groups[i].options.scep` as written. */
export interface ScepOptions {
  url?: string;
  challenge?: string;
  subject?: string;
  san?: SanSpec;
  keyUsage?: KeyUsageName[];
  /** Names (`clientAuth`) or dotted OIDs. */
  extendedKeyUsage?: string[];
  /** `md5|sha1|sha256:` + hex, colons allowed. */
  caFingerprint?: string;
  poll?: PollPolicy;
  cipher?: ScepCipher;
  digest?: ScepDigest;
  renew?: boolean;
}

/** One `groups[i]` entry as written. */
export interface GroupSpec {
  name: string;
  model: string;
  count: number;
  flow: string;
  /** Device state over the model's catalog state (src/device/state.ts). */
  state?: DeviceState;
  options?: { scep?: ScepOptions; apple?: unknown; windows?: unknown; android?: unknown };
  /** Faults scoped to this group's devices. */
  faults?: FaultSpec[];
  /** The network (a key of `networks:`) the group's devices are on (runner/network). */
  network?: string;
}

/** `arrival` as written: exactly one of the open (rate) or closed (concurrency) model. */
export type ArrivalSpec =
  | { rate: number; rampFrom?: number; rampSeconds?: number; concurrency?: never }
  | { concurrency: number; rate?: never; rampFrom?: never; rampSeconds?: never };

/** `limits` as written. */
export interface Limits {
  durationSeconds?: number;
  stepTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Server commands per management session (OMA-DM, Apple command loop). */
  sessionCommands?: number;
  /** Response bytes per management session. */
  sessionBytes?: number;
  /** Transcript bytes kept per device. */
  transcriptBytes?: number;
}

/** A number (meaning what it means where it stands) or inclusive `{min, max}` (report/expect-bounds.ts). */
export type Bound = number | { min?: number; max?: number };

/** Latency bounds for one step, in milliseconds (a number is an upper bound). */
export interface PercentileBounds {
  p50?: Bound;
  p95?: Bound;
  p99?: Bound;
}

/** One `expect.failures` entry as written: exactly one of ratio (a number is a minimum) or count (a number is exact). */
export type FailureSpec =
  | { code: string; ratio: Bound; count?: never }
  | { code: string; count: Bound; ratio?: never };

/** `{count?, ratio?}` of `expect.outcomes` and `expect.shown`. */
export interface DeviceShareSpec {
  count?: Bound;
  ratio?: Bound;
}

/** `expect.server` as written: the embedded server's records after the run. */
export interface ServerExpectations {
  duplicates?: Bound;
  records?: { count?: Bound };
  certificates?: { count?: Bound; duplicates?: Bound };
  ownership?: Record<string, Bound>;
  compliance?: Record<string, Bound>;
  /** Live records by their licence standing (licensed, restricted, refused). */
  licences?: Record<string, Bound>;
  refusals?: Record<string, Bound>;
  /** Conditional-access evaluations of sign-ins by result (granted, blocked, mfa, terms, device) and reportOnlyFailure. */
  signIns?: Record<string, Bound>;
  apps?: { status?: Record<string, Bound>; licenceRefusals?: Record<string, Bound> };
  /** Live enrollment records by the enrolling user the tenant's record keeps. */
  users?: Record<string, Bound>;
  /** Enrollment invitations by status. */
  invitations?: Record<string, Bound>;
  /** Windows configuration profiles by name: devices per state, failed ones by ErrorCode. */
  profiles?: Record<string, { sent?: Bound; verifying?: Bound; pending?: Bound; applied?: Bound; failed?: Bound; errors?: Record<string, Bound> }>;
}

/** `expect` as written. */
export interface Expectations {
  successRatio?: Bound;
  latency?: Record<string, PercentileBounds>;
  failures?: FailureSpec[];
  steps?: Record<string, StepCountBounds>;
  outcomes?: Record<string, DeviceShareSpec>;
  /** Command answers: protocol → command → answer → count bound (report/expect-spec.ts). */
  commands?: Record<string, Record<string, Record<string, Bound>>>;
  shown?: Array<{ text: string; code?: string } & DeviceShareSpec>;
  /** What the server answered at a step: each device's last response (report/answered.ts). */
  answered?: Array<{ step: string; status?: number; body?: string } & DeviceShareSpec>;
  server?: ServerExpectations;
  /** Steady-phase check-ins: total, failed, and failed by code (report/expect-spec.ts CheckinSpec). */
  checkins?: CheckinBounds;
}

/** `expect.checkins` as written. */
export interface CheckinBounds {
  total?: Bound;
  failed?: Bound;
  codes?: Record<string, Bound>;
}

/** `expect.steps` entry: bounds on how many times a step ran. */
export interface StepCountBounds {
  count?: number;
  min?: number;
  max?: number;
  failed?: Bound;
  present?: boolean;
}

/** `load:` as written: the load model of docs/performance.md (same keys as a `--load` file). */
export interface LoadBlock {
  phases?: Array<{ durationSeconds: number; rate: number; rampTo?: number }>;
  concurrency?: number;
  maxInFlight?: number;
  steady?: { durationSeconds: number; intervalSeconds: number; jitter: number; maxInFlight?: number; maxCheckinsPerDevice?: number };
  timeScale?: number;
  keepAlive?: boolean;
}

/** A scenario file as written (after YAML parsing and schema validation). */
export interface Scenario {
  name: string;
  description?: string;
  seed?: number | string;
  server?: string;
  insecure?: boolean;
  embedded?: EmbeddedConfig;
  groups: GroupSpec[];
  arrival?: ArrivalSpec;
  load?: LoadBlock;
  limits?: Limits;
  expect?: Expectations;
  /** Faults injected under every device's ports (scenarios/README.md "Faults"). */
  faults?: FaultSpec[];
  /** Actions during the run (runner/timeline). */
  timeline?: TimelineSpec[];
  /** Networks devices are on, apart from the MDM server (runner/network). */
  networks?: Record<string, NetworkSpec>;
}

// ---------------------------------------------------------------- resolved

/** Embedded SCEP CA configuration with defaults. */
export interface ResolvedEmbeddedScep {
  challenge: string;
  pending: number;
  failInfo?: FailInfoName;
  ra: boolean | { keyUsage?: KeyUsageName[] | "none" };
  /** The CA issues from an intermediate (server/scep/config.ts CaChainSpec). */
  chain?: { intermediates: number; root?: boolean; keyUsage?: KeyUsageName[]; answer?: "chain" | "issuing-ca" };
  /** `undefined`: the embedded server's own default set. */
  caps?: CaCap[];
  validityDays: number;
  fault?: ScepServerFault;
  rejectDuplicateSubject?: boolean;
  /** How every CertRep is encoded (wire/scep/certrep-encoding.ts). */
  certRep?: CertRepEncoding;
  /** Issued NotBefore this many seconds before the server's clock (server default 300). */
  backdateSeconds?: number;
  /** signingTime further than this from the server's clock → FAILURE badTime (unset: not compared). */
  clockSkewSeconds?: number;
}

/** The server the devices talk to. */
export type ResolvedServer =
  | {
      kind: "embedded";
      scep: ResolvedEmbeddedScep;
      /** `embedded.apple|windows|android` as written (schema-valid); the platform applies defaults. */
      platforms: { apple?: unknown; windows?: unknown; android?: unknown };
      /** `embedded.policy` as written (schema-valid): the tenant's admin rules (server/policy). */
      policy: unknown;
      /** `embedded.tls` as written (schema-valid): the chains the server presents (server/tls-chain.ts). */
      tls?: unknown;
      /** `embedded.clockOffset` in ms: the server's clock is the scenario clock plus this. */
      clockOffsetMs?: number;
    }
  | {
      kind: "url";
      /** As written, e.g. "https://mdm.example.test". */
      url: string;
      /** WARNING: test-only. TLS verification off. */
      insecure: boolean;
    };

/** `md5|sha1|sha256` digest pin of the CA certificate. */
export interface CaFingerprint {
  algorithm: "md5" | "sha1" | "sha256";
  /** Lower-case hex without separators. */
  hex: string;
}

/** SCEP options with defaults. */
export interface ResolvedScepOptions {
  /** `undefined` only for the embedded server: its SCEP URL is known once it listens. */
  url?: string;
  /** `undefined`: send no challengePassword. */
  challenge?: string;
  subject: string;
  san: Required<SanSpec>;
  keyUsage: KeyUsageName[];
  extendedKeyUsage: string[];
  caFingerprint?: CaFingerprint;
  poll: Required<PollPolicy>;
  cipher: ScepCipher;
  digest: ScepDigest;
  renew: boolean;
}

/** A device group with defaults. */
export interface ResolvedGroup {
  name: string;
  model: string;
  count: number;
  flow: string;
  /** Run-wide index of this group's first device; its devices are `firstIndex .. firstIndex + count - 1`. */
  firstIndex: number;
  /** The group's `state:` as written (the identity merges it over the catalog model's). */
  state?: DeviceState;
  /** Options for the group's flow (`scep` is set when flow is "scep"). */
  options: { scep?: ResolvedScepOptions; apple?: unknown; windows?: unknown; android?: unknown };
  /** The network its devices start on (a key of the scenario's `networks`). */
  network?: string;
}

/** Pacing, discriminated by `kind`. */
export type ResolvedArrival =
  | {
      kind: "rate";
      /** Devices started per second at full rate. */
      rate: number;
      /** Rate at t=0 (equals `rate` when there is no ramp). */
      rampFrom: number;
      rampSeconds: number;
    }
  | { kind: "concurrency"; concurrency: number };

/** Limits with defaults. */
export type ResolvedLimits = Required<Limits>;

/** One expected failure code. */
export type ResolvedFailureExpectation =
  | { code: string; kind: "ratio"; ratio: Bound }
  | { code: string; kind: "count"; count: Bound };

/** Expectations with defaults (outcomes, shown and server only when given). */
export interface ResolvedExpectations {
  successRatio: Bound;
  latency: Record<string, PercentileBounds>;
  /** Absent when the file gives a successRatio below 1 and no failures: failure codes are then not checked ([]: none is expected). */
  failures?: ResolvedFailureExpectation[];
  steps: Record<string, StepCountBounds>;
  outcomes?: Record<string, DeviceShareSpec>;
  commands?: Record<string, Record<string, Record<string, Bound>>>;
  shown?: Array<{ text: string; code?: string } & DeviceShareSpec>;
  answered?: Array<{ step: string; status?: number; body?: string } & DeviceShareSpec>;
  server?: ServerExpectations;
  checkins?: CheckinBounds;
}

/** A validated scenario with every default filled in: what the runner consumes. */
export interface ResolvedScenario {
  /** File name the scenario was read from (as given to the loader). */
  file: string;
  name: string;
  description?: string;
  seed: string;
  server: ResolvedServer;
  groups: ResolvedGroup[];
  /** Sum of all group counts. */
  totalDevices: number;
  arrival: ResolvedArrival;
  /** The scenario's load model, when it has one (`--load FILE` replaces it). */
  load?: LoadBlock;
  limits: ResolvedLimits;
  expect: ResolvedExpectations;
  /** Every fault entry (top level, per group, and aliases of the old fault knobs), in file order. */
  faults?: ResolvedFault[];
  /** Loader warnings ("file:line:column: message"): things that are legal but cannot be what was meant. */
  warnings?: string[];
  /** Actions during the run, in file order ([] when none). */
  timeline: TimelineEntry[];
  /** Networks devices are on (runner/network), as written. */
  networks?: Record<string, NetworkSpec>;
}

/** What the loader needs to know about the rest of the program. */
export interface ScenarioContext {
  /** The agent catalog (agents/*.yaml): each agent's id → the platforms it has an enrollment on (options.apple.agent.id is checked against it). */
  agentEnrollments?: Readonly<Record<string, readonly string[]>>;
  /** Device catalog ids, e.g. ["iphone-15", "pixel-8"]. */
  modelIds: readonly string[];
  /** Known flow names, e.g. ["scep"]. */
  flows: readonly string[];
  /** Step vocabulary; when given, `expect.latency` and `expect.steps` keys must be in it. */
  steps?: readonly string[];
  /** Platform of each device model (catalog id → ios, macos, windows, …): lets the loader warn about faults no device can meet and check the `state:` keys a group may use. */
  modelPlatforms?: Readonly<Record<string, Platform>>;
  /** Platforms each flow runs on ("any" for platform-neutral ones): a model from another platform is refused at load. */
  flowPlatforms?: Readonly<Record<string, readonly string[] | "any">>;
  /** Step names each flow can produce, when known: lets the loader warn about step selectors no flow has. */
  flowSteps?: Readonly<Record<string, readonly string[]>>;
  /** The OS releases each model can run (catalog `osSupport`): a group state outside them is refused at load. */
  modelOsSupport?: Readonly<Record<string, OsSupport>>;
  /** Browsers with a row (devices/profile-installers/*.yaml), by platform: a group's `state.browser` without one is refused at load. */
  browsers?: Readonly<Record<string, readonly string[]>>;
}
