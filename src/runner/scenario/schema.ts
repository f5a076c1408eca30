// SPDX-License-Identifier: MIT
/**
 * The scenario file's JSON Schema (draft-07). This object is the single source of truth: the
 * published copy `scenarios/scenario.schema.json` (for editors, via
 * `# yaml-language-server: $schema=./scenario.schema.json`) must equal it, which
 * `test/runner/scenario/schema.test.ts` checks.
 *
 * Non-standard annotation: `x-expected` is human text used by the loader's error messages where the
 * wording derived from `type`/`minimum`/`pattern` would be unreadable. Validators ignore it.
 *
 * What JSON Schema cannot say (known models and flows, unique group names, `insecure` only with a URL
 * server, total device count, …) is checked in {@link ./semantic.ts}.
 */

import { SCENARIO_EXTENSIONS } from "./platforms/index.js";
import { expectSchema } from "./expect-schema.js";
import { TEMPLATE_NAMES } from "../../device/template.js";
import { policySchema } from "./policy-schema.js";
import { CLOCK_OFFSET_PATTERN, stateSchema } from "../../device/state.js";
import { tlsSchema } from "./tls-schema.js";
import { KEY_USAGE_BITS } from "../../wire/x509/extensions.js";
import { CAPS, FAIL_INFOS } from "../../wire/scep/vocabulary.js";
import { SCEP_SERVER_FAULTS } from "../../wire/scep/faults.js";
import { CERTREP_CONTENT_CIPHERS, SIGNER_DIGEST_ALGORITHM_FORMS } from "../../wire/scep/certrep-encoding.js";
import { faultList } from "./faults-schema.js";
import type { Json } from "./json.js";
import { timelineSchema } from "../timeline/schema.js";
import { groupNetworkSchema, networksSchema } from "../network/schema.js";

export type { Json };

/** Keyword names accepted by `extendedKeyUsage` besides dotted OIDs (RFC 5280 §4.2.1.12). */
export const EKU_NAMES = [
  "serverAuth",
  "clientAuth",
  "codeSigning",
  "emailProtection",
  "timeStamping",
  "OCSPSigning",
] as const;

/** keyUsage bit names (RFC 5280 §4.2.1.3), from the X.509 codec. */
export const KEY_USAGES = KEY_USAGE_BITS;

/** SCEP failInfo names (RFC 8894 §3.2.1.4.5), from the SCEP codec. */
export { FAIL_INFOS };

/** GetCACaps keywords the embedded server may advertise (RFC 8894 §3.5.2, plus legacy `Update`). */
export const CA_CAPS = CAPS;

/** Content-encryption choices for the SCEP pkcsPKIEnvelope. */
export const SCEP_CIPHERS = ["auto", "aes-128-cbc", "aes-256-cbc", "des-ede3-cbc"] as const;

/** Message-digest choices for SCEP signatures. */
export const SCEP_DIGESTS = ["auto", "sha1", "sha256", "sha512"] as const;

/** Variables allowed as `%NAME%` in templates (device/template.ts documents each). */
export const TEMPLATE_VARIABLES = TEMPLATE_NAMES;

/** Most devices one scenario may start (all groups together). */
export const MAX_TOTAL_DEVICES = 1_000_000;

const HTTP_URL = "^https?://[^\\s/?#@]+([/?#]\\S*)?$";

/**
 * A group option's URL: an http(s) URL, or one that starts with a run URL template (`%SERVER%/scep`,
 * `%SERVER_HTTP%/…`, `%SCEP_URL%`), which flow options expand before the device uses them
 * (runner/flow-options.ts); semantic.ts checks the expanded form.
 */
export const HTTP_URL_OR_TEMPLATE = "^(https?://[^\\s/?#@]+([/?#]\\S*)?|%(SERVER|SERVER_HTTP|SCEP_URL)%\\S*)$";
export const HTTP_URL_OR_TEMPLATE_EXPECTED = "an http(s) URL, or one starting with %SERVER%, %SERVER_HTTP% or %SCEP_URL%";

const stringList = (description: string): Json => ({
  type: "array",
  description,
  minItems: 1,
  items: { type: "string", minLength: 1 },
});


const scepOptions: Json = {
  type: "object",
  description: "Options for the scep flow.",
  additionalProperties: false,
  properties: {
    url: {
      type: "string",
      pattern: HTTP_URL_OR_TEMPLATE,
      "x-expected": HTTP_URL_OR_TEMPLATE_EXPECTED,
      description: "SCEP endpoint (an http(s) URL, or `%SERVER%/scep`-style with a run URL template). Default: the embedded server's SCEP URL, or `server` + \"/scep\".",
    },
    challenge: {
      type: "string",
      description: "challengePassword sent in the CSR. Default: the embedded server's challenge; none for a URL server.",
    },
    subject: {
      type: "string",
      minLength: 1,
      description:
        "Subject DN template; %NAME% variables (scenarios/README.md, Templates) are replaced per device. Default \"CN=%SERIAL%,O=enrollsim\".",
    },
    san: {
      type: "object",
      description: "subjectAltName entries (templates allowed).",
      additionalProperties: false,
      properties: {
        dns: stringList("dNSName entries"),
        email: stringList("rfc822Name entries"),
        uri: stringList("uniformResourceIdentifier entries"),
        upn: stringList("Microsoft UPN otherName entries"),
      },
    },
    keyUsage: {
      type: "array",
      description: "keyUsage bits requested in the CSR. Default [digitalSignature, keyEncipherment].",
      uniqueItems: true,
      items: { type: "string", enum: [...KEY_USAGES] },
    },
    extendedKeyUsage: {
      type: "array",
      description: "extendedKeyUsage purposes (names or dotted OIDs). Default [clientAuth].",
      uniqueItems: true,
      items: {
        type: "string",
        pattern: `^(${EKU_NAMES.join("|")}|[0-2](\\.[0-9]+)+)$`,
        "x-expected": `a purpose name (${EKU_NAMES.join(", ")}) or a dotted OID`,
      },
    },
    caFingerprint: {
      type: "string",
      pattern:
        "^(md5:([0-9A-Fa-f]{2}:?){15}|sha1:([0-9A-Fa-f]{2}:?){19}|sha256:([0-9A-Fa-f]{2}:?){31})[0-9A-Fa-f]{2}$",
      "x-expected": 'md5, sha1 or sha256, then ":" and the full digest in hex (colons allowed), e.g. "sha256:3A:F1:…"',
      description: "Pin the CA certificate from GetCACert by digest.",
    },
    poll: {
      type: "object",
      description: "CertPoll policy while the CA answers PENDING.",
      additionalProperties: false,
      properties: {
        maxAttempts: { type: "integer", minimum: 0, maximum: 1000, description: "Polls before giving up. Default 3." },
        delayMs: { type: "integer", minimum: 0, maximum: 86_400_000, description: "Delay before the first poll. Default 10000." },
        backoff: { type: "number", minimum: 1, maximum: 10, description: "Delay multiplier per poll. Default 1.0." },
      },
    },
    cipher: { type: "string", enum: [...SCEP_CIPHERS], description: "Envelope cipher. Default auto (from GetCACaps)." },
    digest: { type: "string", enum: [...SCEP_DIGESTS], description: "Signature digest. Default auto (from GetCACaps)." },
    renew: { type: "boolean", description: "After enrolment, renew once with RenewalReq. Default false." },
  },
};

const group: Json = {
  type: "object",
  description: "A set of identical devices running one flow.",
  additionalProperties: false,
  required: ["name", "model", "count", "flow"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100, description: "Unique within the scenario." },
    model: { type: "string", minLength: 1, description: "Device catalog id (devices/*.yaml), e.g. iphone-15." },
    count: { type: "integer", minimum: 1, maximum: MAX_TOTAL_DEVICES, description: "How many devices." },
    flow: { type: "string", minLength: 1, description: "Enrollment flow, e.g. scep." },
    state: stateSchema() as Json,
    options: {
      type: "object",
      description: "Per-flow options, keyed by flow name.",
      additionalProperties: false,
      properties: { scep: scepOptions, ...Object.fromEntries(SCENARIO_EXTENSIONS.map((e) => [e.key, e.groupOptions])) },
    },
    faults: { ...(faultList as object), description: "Faults for this group's devices only." },
    network: groupNetworkSchema,
  },
};

const embedded: Json = {
  type: "object",
  description: "Configuration of the embedded reference server (only when server is embedded).",
  additionalProperties: false,
  properties: {
    scep: {
      type: "object",
      description: "The embedded SCEP CA.",
      additionalProperties: false,
      properties: {
        challenge: { type: "string", description: "Challenge password the CA accepts. Default \"enrollsim-challenge\"." },
        pending: {
          type: "integer",
          minimum: 0,
          maximum: 100,
          description: "Answer PENDING this many times per transaction before issuing. Default 0.",
        },
        failInfo: { type: "string", enum: [...FAIL_INFOS], description: "Always answer FAILURE with this failInfo." },
        ra: {
          description:
            "Serve a CA + RA chain (degenerate PKCS#7). Default false. A mapping serves one and says how its RA certificate is built: keyUsage the bits of its keyUsage extension, or none for no extension at all (openxpki-config#14). Default keyUsage [digitalSignature, keyEncipherment].",
          // Two types, no oneOf: the mapping's own keywords apply to mappings only, so a typo gets its own message and did-you-mean.
          type: ["boolean", "object"],
          "x-expected": "true, false or { keyUsage: [keyUsage bits] | none }",
          additionalProperties: false,
          properties: {
            keyUsage: {
              description: "The RA certificate's keyUsage bits, or none: no keyUsage extension.",
              type: ["string", "array"],
              "x-expected": `none, or a non-empty list of ${KEY_USAGES.join(", ")}`,
              pattern: "^none$",
              minItems: 1,
              uniqueItems: true,
              items: { type: "string", enum: [...KEY_USAGES] },
            },
          },
        },
        chain: {
          type: "object",
          additionalProperties: false,
          required: ["intermediates"],
          description:
            "The CA issues from an intermediate, as real CAs do: GetCACert answers application/x-x509-ca-ra-cert, a degenerate PKCS#7 with the issuing intermediate (CA:TRUE; and the RA when ra is set) as leaf, the CAs above it and the root (RFC 8894 §4.2.1.2); issued certificates chain to the intermediate. Each client release judges the set by its row in devices/scep-clients/getcacert.yaml (Apple macOS 13+: a set with no RA candidate is refused, -67731, NeySlim/ultimate-ca-manager#101). Default: the root issues and GetCACert answers its certificate alone.",
          properties: {
            intermediates: { type: "integer", minimum: 1, maximum: 3, description: "CAs between the root and the certificates issued; the last issues (1: root → issuing CA)." },
            root: { type: "boolean", description: "GetCACert's set holds the root too. Default true." },
            answer: {
              type: "string",
              enum: ["chain", "issuing-ca"],
              description:
                "What GetCACert serves when there is no RA: chain (default), the PKCS#7 set; issuing-ca, the issuing CA's certificate alone as application/x-x509-ca-cert (NeySlim/ultimate-ca-manager PR #102's fix). With an RA the set is always served.",
            },
            keyUsage: {
              description: "The issuing CA certificate's keyUsage bits. Default [digitalSignature, keyCertSign, cRLSign]; RFC 8894 §2.1.2 asks keyEncipherment too of a CA that decrypts requests itself.",
              type: "array",
              minItems: 1,
              uniqueItems: true,
              items: { type: "string", enum: [...KEY_USAGES] },
            },
          },
        },
        caps: {
          type: "array",
          description: "Override the advertised GetCACaps keywords.",
          uniqueItems: true,
          items: { type: "string", enum: [...CA_CAPS] },
        },
        validityDays: { type: "integer", minimum: 1, maximum: 36_500, description: "Issued certificate validity. Default 365." },
        backdateSeconds: {
          type: "integer",
          minimum: 0,
          maximum: 31_536_000,
          description: "Issued certificates' NotBefore lies this many seconds before the server's clock. Default 300 (micromdm/scep backdates 600; 0: a device whose clock is behind signs before NotBefore, nanomdm issue #73).",
        },
        clockSkewSeconds: {
          type: "integer",
          minimum: 0,
          maximum: 31_536_000,
          description: "When set, a PKIOperation whose signingTime (the device's clock) is further than this from the server's clock gets FAILURE badTime (RFC 8894). Default: not compared (micromdm/scep, Debian scepserver).",
        },
        fault: {
          type: "string",
          enum: [...SCEP_SERVER_FAULTS],
          description: "Make every CertRep wrong in exactly this one way (fault scenarios, e.g. apple-scep-malformed-response).",
        },
        rejectDuplicateSubject: {
          type: "boolean",
          description: "Refuse a PKCSReq whose subject already has a certificate (FAILURE badRequest), as Debian's scepserver does without -allowrenew. Default false.",
        },
        certRep: {
          type: "object",
          additionalProperties: false,
          description:
            "How the CA encodes every CertRep, as real CAs wrote them (scenarios/README.md, 'CertRep encoding'); each client release's parser accepts, rejects or crashes on it per devices/scep-clients/*.yaml. Default: RFC 5652 / RFC 8894.",
          properties: {
            signerDigestAlgorithm: {
              type: "string",
              enum: [...SIGNER_DIGEST_ALGORITHM_FORMS],
              description:
                "What SignerInfo.digestAlgorithm holds: digest (default, RFC 5652 §5.3) or signature: the signature algorithm's OID (sha1WithRSAEncryption, …), as micromdm/scep's pkcs7 library wrote it until July 2018 (micromdm/scep#76).",
            },
            contentCipher: {
              type: "string",
              enum: [...CERTREP_CONTENT_CIPHERS],
              description:
                "The SUCCESS envelope's content cipher: request (default, the request envelope's) or one cipher for every CertRep; aes-128-gcm is written as micromdm's pkcs7 library wrote it for AES requests until micromdm 9f60f7ba (micromdm/micromdm#453).",
            },
          },
        },
        getCaCertFault: {
          type: "string",
          enum: ["ra-without-key-encipherment"],
          description: "Alias of ra: { keyUsage: [digitalSignature] }: GetCACert serves an RA + CA set whose RA certificate lacks keyEncipherment. Kept for old scenarios; write the RA's keyUsage instead.",
        },
      },
    },
    ...Object.fromEntries(SCENARIO_EXTENSIONS.map((e) => [e.key, e.embedded])),
    policy: policySchema,
    tls: tlsSchema,
    clockOffset: {
      type: "string",
      pattern: CLOCK_OFFSET_PATTERN,
      "x-expected": 'a signed duration such as "+1m", "-30s" or "0s"',
      description:
        "How far the embedded server's clock is from the true time (the devices' clocks are state.clockOffset): \"+2m\" (a server ahead). Everything the server dates and judges uses it: issued certificates' NotBefore/NotAfter, its TLS chain, challenge and token lifetimes, signing-time checks. Default 0s.",
    },
  },
};

const arrival: Json = {
  type: "object",
  description: "How devices start: rate (open model) or concurrency (closed model), exactly one.",
  additionalProperties: false,
  oneOf: [{ required: ["rate"] }, { required: ["concurrency"] }],
  "x-expected": "exactly one of rate (open model) or concurrency (closed model)",
  dependencies: { rampFrom: ["rate", "rampSeconds"], rampSeconds: ["rate", "rampFrom"] },
  properties: {
    rate: { type: "number", exclusiveMinimum: 0, maximum: 100_000, description: "Devices started per second." },
    rampFrom: {
      type: "number",
      minimum: 0,
      maximum: 100_000,
      description: "Starting rate; ramps linearly to rate over rampSeconds.",
    },
    rampSeconds: { type: "number", minimum: 0, maximum: 86_400, description: "Ramp duration in seconds." },
    concurrency: { type: "integer", minimum: 1, maximum: 100_000, description: "Devices in flight at once." },
  },
};

const positive = (description: string, maximum: number): Json => ({ type: "number", exclusiveMinimum: 0, maximum, description });
const positiveInt = (description: string, maximum: number): Json => ({ type: "integer", minimum: 1, maximum, description });

/** The load model (docs/performance.md "Load models"); the same keys as a `--load` file, which replaces it. */
const load: Json = {
  type: "object",
  additionalProperties: false,
  description: "Load model for load tests: phases (open model) or concurrency (closed model) replace `arrival`; steady check-ins; time scale; keep-alive. `--load FILE` replaces this block.",
  not: { required: ["phases", "concurrency"] },
  "x-expected": "phases (open model) or concurrency (closed model), not both",
  properties: {
    phases: {
      type: "array",
      minItems: 1,
      maxItems: 100,
      description: "Consecutive arrival phases; a device not due before the last phase ends is not started.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["durationSeconds", "rate"],
        properties: {
          durationSeconds: positive("Phase length in seconds.", 604_800),
          rate: { type: "number", minimum: 0, maximum: 100_000, description: "Devices started per second at the start of the phase." },
          rampTo: { type: "number", minimum: 0, maximum: 100_000, description: "Rate at the end of the phase (linear ramp). Default: rate." },
        },
      },
    },
    concurrency: positiveInt("Closed model: devices in flight at once.", 100_000),
    maxInFlight: positiveInt("Open model: most enrolments in flight (arrivals wait for a free slot).", 1_000_000),
    steady: {
      type: "object",
      additionalProperties: false,
      required: ["durationSeconds", "intervalSeconds", "jitter"],
      description: "After enrolment, enrolled devices check in at a cadence until the steady phase ends.",
      properties: {
        durationSeconds: positive("How long the steady phase lasts.", 604_800),
        intervalSeconds: positive("Check-in cadence of each device.", 604_800),
        jitter: { type: "number", minimum: 0, maximum: 1, description: "Each wait is interval·(1 ± jitter·u)." },
        maxInFlight: positiveInt("Most check-ins in flight at once. Default 256.", 1_000_000),
        maxCheckinsPerDevice: positiveInt("Upper bound on check-ins per device.", 1_000_000),
      },
    },
    timeScale: positive("Divides device-side delays (cadence, think time, an agent's retry interval, status-report and check-in intervals, SCEP CertPoll and network re-evaluation delays) and a Windows device minute (options.windows.minuteMs unset: 60000 ÷ timeScale); protocol timers stay wall-clock. Default 1.", 1_000_000),
    keepAlive: { type: "boolean", description: "Reuse a connection within one enrolment or check-in, as NSURLSession and WinHTTP do (default true). false: a new connection per request, closed after its response (also `run --close-connections`). TLS sessions are resumed from each device's own cache either way." },
  },
};

const limits: Json = {
  type: "object",
  additionalProperties: false,
  properties: {
    durationSeconds: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 604_800,
      description: "Whole-run deadline. Default 600.",
    },
    stepTimeoutMs: {
      type: "integer",
      minimum: 1,
      maximum: 3_600_000,
      description: "Per HTTP exchange. Default 30000.",
    },
    maxResponseBytes: {
      type: "integer",
      minimum: 1,
      maximum: 268_435_456,
      description: "Largest response body accepted. Default 1048576.",
    },
    sessionCommands: {
      type: "integer",
      minimum: 1,
      maximum: 1_000_000,
      description: "Most server commands in one management session (an OMA-DM session, nested commands included; an Apple command loop). More ends the session with limit.session-commands. Default 2000.",
    },
    sessionBytes: {
      type: "integer",
      minimum: 1,
      maximum: 1_073_741_824,
      description: "Most response bytes over all the exchanges of one management session. More ends the session with limit.session-bytes. Default 16777216 (16 MiB).",
    },
    transcriptBytes: {
      type: "integer",
      minimum: 1024,
      maximum: 1_073_741_824,
      description: "Most transcript bytes kept per device (trace file or in-memory transcript); later events are dropped after one visible truncation marker. Default 4194304 (4 MiB).",
    },
  },
};


/** The draft-07 JSON Schema of a scenario file. */
export const scenarioSchema: { [key: string]: Json } = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "enrollsim scenario",
  description: "A fleet of simulated devices, the server they enroll against, pacing, limits and expectations.",
  type: "object",
  additionalProperties: false,
  required: ["name", "groups"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 200, description: "Scenario name." },
    description: { type: "string", description: "Free text." },
    seed: {
      type: ["integer", "string"],
      minLength: 1,
      description: "Run seed; the same seed reproduces the same fleet. Default \"1\".",
    },
    server: {
      type: "string",
      pattern: `^embedded$|${HTTP_URL}`,
      "x-expected": '"embedded" or an http(s) URL',
      description: "\"embedded\" (default) or the http(s) URL of the server under test.",
    },
    insecure: {
      type: "boolean",
      description: "WARNING: test-only. Turns TLS verification off. Only allowed when server is a URL.",
    },
    embedded,
    groups: { type: "array", minItems: 1, maxItems: 1000, description: "Device groups.", items: group },
    arrival,
    load,
    limits,
    expect: expectSchema,
    faults: faultList,
    timeline: timelineSchema,
    networks: networksSchema,
  },
};
