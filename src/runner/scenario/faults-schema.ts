// SPDX-License-Identifier: MIT
/**
 * JSON Schema of `faults:` (top level and `groups[].faults`): each entry is a selector (`match`),
 * an optional `times`, and exactly one action. The vocabulary is runner/faults/vocabulary.ts;
 * semantic checks (patterns, names that match nothing, scepFailInfo against a URL server) are in
 * faults-semantic.ts. Documented in scenarios/README.md "Faults".
 */
import {
  EDIT_TARGETS,
  FAULT_ACTIONS,
  FAULT_METHODS,
  FAULT_PLATFORMS,
  RESET_POINTS,
  SCEP_FAIL_INFO_FAULTS,
  TLS_FAULTS,
} from "../faults/vocabulary.js";
import type { Json } from "./json.js";
import { HEX_BYTES } from "../../wire/body-bytes.js";

const httpStatus = (description: string): Json => ({ type: "integer", minimum: 100, maximum: 599, description });
const seconds = (description: string): Json => ({ type: "number", minimum: 0, maximum: 604_800, description });
const headers: Json = {
  type: "object",
  description: "Response headers (e.g. Retry-After: \"120\").",
  propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", "x-expected": "an HTTP header name" },
  additionalProperties: { type: "string" },
};

/** A byte string: text (UTF-8; YAML escapes such as \0 and \uFEFF work; run variables expand) or { hex }. */
const byteValue = (description: string): Json => ({
  description: `${description} Text (UTF-8, run variables such as %SERVER% expanded) or { hex: "EF BB BF" }.`,
  type: ["string", "object"],
  maxLength: 65_536,
  additionalProperties: false,
  required: ["hex"],
  "x-expected": 'text, or { hex: "EF BB BF" }',
  properties: { hex: { type: "string", maxLength: 131_072, pattern: HEX_BYTES, "x-expected": "hex digit pairs, e.g. EF BB BF", description: "Bytes as hex digit pairs (whitespace between pairs ignored)." } },
});
const replacement: Json = {
  type: "object",
  additionalProperties: false,
  required: ["find", "with"],
  properties: { find: { ...(byteValue("The bytes to find (every occurrence).") as object), minLength: 1 }, with: byteValue("What replaces them (\"\" removes them).") },
};

/** A path of names (wire/body-edit.ts): `edit.remove` and `match.field.path`. */
const NAME_PATH = "^([A-Za-z_][\\w.-]*|\\*)(\\[[1-9]\\d{0,5}(\\.\\.)?\\])?(/([A-Za-z_][\\w.-]*|\\*)(\\[[1-9]\\d{0,5}(\\.\\.)?\\])?)*$";

const fieldValues = (description: string): Json => ({
  description,
  type: ["string", "array"],
  maxLength: 4096,
  minItems: 1,
  maxItems: 100,
  items: { type: "string", maxLength: 4096 },
  "x-expected": "a text or a list of texts",
});

const match: Json = {
  type: "object",
  additionalProperties: false,
  description: "Which requests the fault fires on; every selector is optional and all of them must hold.",
  properties: {
    platform: { type: "string", enum: [...FAULT_PLATFORMS], description: "Device platform (apple: ios, ipados and macos)." },
    flow: { type: "string", minLength: 1, description: "Enrollment flow of the device's group." },
    step: { type: "string", minLength: 1, description: "Step name or glob (discovery.*, *.pkioperation) the request belongs to." },
    group: { type: "string", minLength: 1, description: "Device group name." },
    url: { type: "string", minLength: 1, description: "Glob over the full URL (* any characters), or /regex/; for DNS lookups, the name looked up." },
    method: { type: "string", enum: [...FAULT_METHODS], description: "HTTP method (never matches a DNS lookup)." },
    nth: { type: "integer", minimum: 1, maximum: 1_000_000, description: "Fire on the Nth matching request of a device only." },
    afterSuccesses: { type: "integer", minimum: 0, maximum: 1_000_000, description: "Fire only after this many matching requests of the device succeeded." },
    probability: { type: "number", minimum: 0, maximum: 1, description: "Chance per matching request, from the device's seeded entropy." },
    window: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "Seconds on the scenario clock since the run started: from (inclusive) to (exclusive).",
      properties: { from: seconds("Start of the window."), to: seconds("End of the window.") },
    },
    body: {
      type: "string",
      minLength: 1,
      maxLength: 4096,
      description: "Glob (* any characters, the whole body) or /regex/ over the request body as text: UTF-8, or byte for byte (latin1) when it is not UTF-8 (a CMS-signed plist's XML stays readable). Never matches a DNS lookup or a body over 1 MiB.",
    },
    header: {
      type: "object",
      minProperties: 1,
      maxProperties: 20,
      description: "Request header name (any letter case) → glob or /regex/ over its value; an absent header reads as the empty string.",
      propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", "x-expected": "an HTTP header name" },
      additionalProperties: { type: "string", maxLength: 4096 },
    },
    field: {
      type: "object",
      additionalProperties: false,
      required: ["path"],
      anyOf: [{ required: ["equals"] }, { required: ["notEquals"] }, { required: ["matches"] }],
      "x-expected": "{ path, equals | notEquals | matches }",
      description:
        "A value inside the request body: XML element text from the root (Envelope/Body/Discover/request/RequestVersion), an XML plist key (OSVersion; also in a CMS-signed plist), or a JSON member (device/model). Matches when one value at the path passes every test given; a body without the field never matches.",
      properties: {
        path: {
          type: "string",
          minLength: 1,
          maxLength: 500,
          pattern: NAME_PATH,
          "x-expected": "a path of names separated by / (each a name or *, optionally [N] or [N..]), e.g. Envelope/Body/Discover/request/RequestVersion",
          description: "Path of names as in edit.remove: XML from the root element (local names), plist keys below the root dictionary, JSON members below the top-level object.",
        },
        equals: fieldValues("The value is this text, or one of these."),
        notEquals: fieldValues("The value is none of these (an allow-list: the rule fires outside it)."),
        matches: { type: "string", minLength: 1, maxLength: 4096, description: "Glob or /regex/ over the value." },
      },
    },
  },
};

const actions: Record<(typeof FAULT_ACTIONS)[number], Json> = {
  status: {
    type: "object",
    additionalProperties: false,
    required: ["code"],
    description: "Answer with this HTTP status instead of the server.",
    properties: { code: httpStatus("HTTP status."), body: { type: "string", description: "Response body (default empty)." }, headers },
  },
  delay: {
    type: "object",
    additionalProperties: false,
    required: ["ms"],
    description: "Wait, then pass the request to the server (within the exchange deadline).",
    properties: { ms: { type: "integer", minimum: 0, maximum: 86_400_000, description: "Delay in milliseconds." } },
  },
  noAnswer: { type: "boolean", const: true, description: "The request hangs until the device's exchange timeout fires." },
  reset: {
    type: "object",
    additionalProperties: false,
    required: ["when"],
    description: "The connection drops (the server has handled the request).",
    properties: { when: { type: "string", enum: [...RESET_POINTS], description: "Before the response or in the middle of its body." } },
  },
  truncate: {
    type: "object",
    additionalProperties: false,
    oneOf: [{ required: ["bytes"] }, { required: ["ratio"] }],
    "x-expected": "exactly one of bytes or ratio",
    description: "Cut the real body short: the answer the device receives, or (in: request) the device's request as the server receives it (a tunnel or proxy that drops a POST body: bytes 0).",
    properties: {
      bytes: { type: "integer", minimum: 0, description: "Keep this many bytes." },
      ratio: { type: "number", minimum: 0, maximum: 1, description: "Keep this fraction." },
      in: { type: "string", enum: [...EDIT_TARGETS], description: "response (default): the answer the device receives; request: what the server receives." },
    },
  },
  corrupt: {
    type: "object",
    additionalProperties: false,
    required: ["bytes"],
    description: "Flip bytes of the real body at seeded positions.",
    properties: { bytes: { type: "integer", minimum: 1, maximum: 1_000_000, description: "How many bytes to flip." } },
  },
  contentType: {
    type: "object",
    additionalProperties: false,
    required: ["value"],
    description: "Replace the real answer's Content-Type, or (in: request) the Content-Type of the device's request as the server receives it (a client bug or a middlebox; an empty value removes the header).",
    properties: {
      value: { type: "string", description: "The Content-Type sent (in: request, an empty string: none)." },
      in: { type: "string", enum: [...EDIT_TARGETS], description: "response (default): the answer the device receives; request: what the server receives." },
    },
  },
  redirect: {
    type: "object",
    additionalProperties: false,
    required: ["location"],
    description: "Answer with a redirect.",
    properties: { location: { type: "string", minLength: 1, description: "Location header." }, status: { type: "integer", enum: [301, 302, 303, 307, 308], description: "Default 302." } },
  },
  tls: {
    type: "string",
    enum: [...TLS_FAULTS],
    description:
      "The TLS handshake fails this way (https requests only); `client-cert-mid-connection`: the embedded server's listener asks for a client certificate in the middle of the connection (TLS 1.2 renegotiation after the request), and the device's stack follows it or fails as its platform does (embedded server only).",
  },
  dns: {
    type: ["string", "object"],
    additionalProperties: false,
    required: ["cname"],
    "x-expected": "nxdomain, timeout, servfail or { cname: NAME }",
    description: "The name does not resolve (nxdomain, timeout, servfail), or CNAMEs elsewhere ({ cname: NAME }, DNS lookups only).",
    properties: { cname: { type: "string", minLength: 1, description: "CNAME target answered for the name." } },
  },
  soapFault: {
    type: "object",
    additionalProperties: false,
    required: ["reason"],
    description: "A MS-MDE2 SOAP 1.2 s:Fault envelope (Windows enrollment endpoints).",
    properties: {
      code: { type: "string", enum: ["Sender", "Receiver"], description: "s:Code value. Default Receiver (HTTP 500; Sender: 400)." },
      subcode: { type: "string", minLength: 1, description: "s:Subcode, e.g. Authorization, s:EnrollmentServer, a:InternalServiceFault." },
      reason: { type: "string", description: "s:Reason text." },
      type: { type: "string", minLength: 1, description: "DeviceEnrollmentServiceError ErrorType, e.g. DeviceCapReached, InMaintenance." },
      message: { type: "string", description: "DeviceEnrollmentServiceError Message (default: the reason)." },
    },
  },
  scepFailInfo: { type: "string", enum: [...SCEP_FAIL_INFO_FAULTS], description: "The embedded CA answers the PKIOperation with a signed CertRep FAILURE (embedded server only)." },
  amapiError: {
    type: "object",
    additionalProperties: false,
    required: ["code", "message"],
    description: "A Google API JSON error ({error: {code, message, status}}).",
    properties: { code: httpStatus("HTTP status and error.code."), message: { type: "string" }, status: { type: "string", pattern: "^[A-Z_]+$", description: "google.rpc.Code name (default from the HTTP status)." } },
  },
  mdmStatus: httpStatus("An Apple MDM check-in or command endpoint answers this bare HTTP status."),
  edit: {
    type: "object",
    additionalProperties: false,
    anyOf: [{ required: ["remove"] }, { required: ["replace"] }, { required: ["prefix"] }, { required: ["append"] }],
    "x-expected": "at least one of remove, replace, prefix, append (and optionally in)",
    description:
      "Edit the server's answer, or the device's request before the server reads it: remove elements (XML: SyncML, SOAP, plist) or members (JSON), replace byte strings, add bytes before (prefix) or after (append) the body. Applied in that order.",
    properties: {
      prefix: byteValue("Bytes put before the body (a BOM, NUL bytes, a notice a server prints before its output)."),
      append: byteValue("Bytes put after the body."),
      replace: {
        description: "Every occurrence of find replaced by with; a list applies each in order.",
        oneOf: [replacement, { type: "array", minItems: 1, maxItems: 20, items: replacement }],
        "x-expected": "{ find, with } or a list of them",
      },
      remove: {
        type: "string",
        minLength: 1,
        maxLength: 500,
        pattern: NAME_PATH,
        "x-expected": "a path of names separated by / (each a name or *, optionally [N] or [N..]), e.g. SyncML/SyncBody/Status[2..]",
        description: "Path from the XML root element (JSON: below the top-level object): names or *, each optionally [N] (the Nth match, 1-based) or [N..] (the Nth and later).",
      },
      in: { type: "string", enum: [...EDIT_TARGETS], description: "response (default): the answer the device receives; request: what the server receives." },
    },
  },
};

/** One `faults[]` entry. */
export const faultEntry: Json = {
  type: "object",
  additionalProperties: false,
  oneOf: FAULT_ACTIONS.map((a) => ({ required: [a] })),
  "x-expected": `exactly one action: ${FAULT_ACTIONS.join(", ")}`,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100, description: "Shown in transcripts (default: the entry's path)." },
    match,
    times: { type: "integer", minimum: 1, maximum: 1_000_000, description: "Fire on at most this many requests per device. Default: every match." },
    ...actions,
  },
};

/** `faults:` (top level, or per group). */
export const faultList: Json = { type: "array", maxItems: 1000, description: "Faults injected under the devices' ports.", items: faultEntry };
