// SPDX-License-Identifier: MIT
/**
 * JSON Schema of a scenario's `expect:` block (part of schema.ts). Bounds are a number, meaning
 * what it always meant where it stands (a minimum ratio, an exact count, an upper latency bound),
 * or `{min, max}` (report/expect-bounds.ts).
 */
/** A JSON value (as in schema.ts, repeated here so the two files do not import each other). */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Why the embedded server's tenant rules refused an enrollment or a join (server/policy/engine.ts). */
export const POLICY_REFUSALS = [
  "platform-blocked",
  "manufacturer-blocked",
  "personal-blocked",
  "os-below-minimum",
  "os-above-maximum",
  "device-denylisted",
  "device-not-allowlisted",
  "device-limit",
  "dem-limit",
  "outside-mdm-scope",
  "terms-not-accepted",
  "join-not-allowed",
  "device-quota",
  "device-object-missing",
  "device-object-disabled",
  "device-object-pending",
  "device-attestation-refused",
  "tpm-attestation-refused",
  "autopilot-profile-conflict",
  "reenrollment-blocked",
  "reenrollment-other-user",
  "licence-unassigned",
  "licence-expired",
  "licence-seats-used",
] as const;

const DOTTED_NAME = "^[a-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+$";
const CODE = { type: "string", pattern: DOTTED_NAME, "x-expected": 'an outcome code such as "apple.ade.enrolled" or "scep.failInfo.badRequest"' };

/** A number, or `{min?, max?}` of such numbers (at least one). */
function bound(num: { [k: string]: Json }, plain: string, description: string): Json {
  const what = `${String(num["x-expected"] ?? "a number")}`;
  return {
    description: `${description} A number means ${plain}; {min, max} bounds either end (inclusive).`,
    if: { type: "number" },
    then: num,
    else: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      "x-expected": `${what} or {min, max}`,
      properties: { min: num, max: num },
    },
  };
}

const ratio = { type: "number", minimum: 0, maximum: 1, "x-expected": "a number from 0 to 1" };
const count = { type: "integer", minimum: 0, "x-expected": "an integer >= 0" };
const ms = { type: "number", minimum: 0, "x-expected": "a number of milliseconds >= 0" };

const percentile = (p: string): Json => bound(ms, "an upper bound", `${p} latency in milliseconds (successful samples).`);

const countOrRatio = (what: string): { [k: string]: Json } => ({
  count: bound(count, "exactly", `Devices ${what}.`),
  ratio: bound(ratio, "at least", `Share of devices ${what}.`),
});

/** `expect.server`: the embedded server's records after the run (report/server-expect.ts). */
const server: Json = {
  type: "object",
  description: "Assertions on the embedded reference server's records after the run (server: embedded only).",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    duplicates: bound(count, "exactly", "Devices the server holds more than one live enrollment record for (same serial number, UDID or device id), plus subjects and keys with more than one issued certificate."),
    records: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "Live enrollment records (every half).",
      properties: { count: bound(count, "exactly", "Enrollment records.") },
    },
    certificates: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "Certificates the embedded CA issued.",
      properties: {
        count: bound(count, "exactly", "Issued certificates."),
        duplicates: bound(count, "exactly", "Subjects or keys with more than one issued certificate."),
      },
    },
    ownership: {
      type: "object",
      description: "Enrollment records by ownership (corporate, personal), from the server's policy engine.",
      propertyNames: { enum: ["corporate", "personal"] },
      additionalProperties: bound(count, "exactly", "Records with this ownership."),
    },
    users: {
      type: "object",
      description: "Live enrollment records by the enrolling user the tenant's record keeps (the Windows UPN, the Android account, the Apple enrollment portal's login), e.g. { alice@contoso.example: 1 }.",
      propertyNames: { minLength: 1, maxLength: 320 },
      additionalProperties: bound(count, "exactly", "Records of this user."),
    },
    invitations: {
      type: "object",
      description: "Enrollment invitations (embedded.apple.portal.invitations) by status: active, expired, used (as many enrollments as it allows), revoked (cancelled by the timeline's revoke: enrollment-invitations).",
      propertyNames: { enum: ["active", "expired", "used", "revoked"] },
      additionalProperties: bound(count, "exactly", "Invitations with this status."),
    },
    compliance: {
      type: "object",
      description: "Enrollment records by compliance state, from the server's policy engine.",
      propertyNames: { enum: ["compliant", "in-grace", "noncompliant", "not-evaluated"] },
      additionalProperties: bound(count, "exactly", "Records in this compliance state."),
    },
    apps: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "Managed app installs (Apple): what the devices last reported in ManagedApplicationList, and the licences the Apps and Books location refused.",
      properties: {
        status: {
          type: "object",
          description: "Apps (one per device and app) by the ManagedApplicationList Status the server last received (Sent: no report yet).",
          propertyNames: { enum: ["Sent", "Queued", "Prompting", "PromptingForLogin", "PromptingForManagement", "Installing", "Managed", "UserInstalledApp", "UserRejected", "ManagementRejected", "Failed", "Unknown"] },
          additionalProperties: bound(count, "exactly", "Apps with this status."),
        },
        licenceRefusals: {
          type: "object",
          description: 'Licence assignments refused, by Apple\'s Apps and Books error number ("9610" License not found, "9621" token expired, "9625" token revoked, "9628" device assignment not allowed) or Intune\'s code ("0x87D13B95").',
          propertyNames: { pattern: "^(96\\d\\d|0x[0-9A-Fa-f]{8}|LicenseNotAssignable)$", "x-expected": 'an error number such as "9621"' },
          additionalProperties: bound(count, "exactly", "Refusals with this code."),
        },
      },
    },
    signIns: {
      type: "object",
      description:
        "Sign-ins conditional access evaluated (embedded.policy.conditionalAccess), by result: granted, blocked (a block policy), mfa / terms (the sign-in was interrupted for a prompt), device (a device control failed); reportOnlyFailure: sign-ins a report-only policy would not have granted. An interrupted sign-in that the user completes counts twice (the interrupt, then the result).",
      propertyNames: { enum: ["granted", "blocked", "mfa", "terms", "device", "reportOnlyFailure"] },
      additionalProperties: bound(count, "exactly", "Sign-ins with this result."),
    },
    licences: {
      type: "object",
      description:
        'Live enrollment records by their service as the tenant\'s licences leave them (embedded.policy.licences, server/policy/licences.ts): licensed; restricted (a lapsed knox-manage or knox-suite licence: enrolled, keeps its policies, gets no new configuration, apps or commands — Knox "Renew an expired license"); refused (check-ins refused: enforcedAt checkin).',
      propertyNames: { enum: ["licensed", "restricted", "refused"] },
      additionalProperties: bound(count, "exactly", "Records with this standing."),
    },
    profiles: {
      type: "object",
      description:
        'Windows configuration profiles (embedded.windows.profiles) by name: how many live devices the server records in each state, and the failed ones by the ErrorCode the PC reported, e.g. { WifiCert: { failed: 2, errors: { "0x801901F7": 2 } } } (a SCEP profile failed on 2 PCs with HTTP_E_STATUS_SERVICE_UNAVAIL).',
      propertyNames: { minLength: 1, maxLength: 200 },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        properties: {
          sent: bound(count, "exactly", "Devices that have not answered the profile yet."),
          verifying: bound(count, "exactly", "Devices whose settings are being read back (verify)."),
          pending: bound(count, "exactly", "Devices that accepted a SCEP profile and have not reported it installed or failed."),
          applied: bound(count, "exactly", "Devices that applied it (a SCEP profile: Status 1, installed)."),
          failed: bound(count, "exactly", "Devices on which it failed (a refused command, or a SCEP profile's Status 16)."),
          errors: {
            type: "object",
            description: 'Failed devices by the HRESULT the PC recorded in the SCEP profile\'s ErrorCode (0x…); "none" for a failure with no ErrorCode recorded.',
            propertyNames: { pattern: "^(0x[0-9A-Fa-f]{8}|none)$", "x-expected": 'an HRESULT such as "0x801901F7", or "none"' },
            additionalProperties: bound(count, "exactly", "Failed devices with this code."),
          },
        },
      },
    },
    refusals: {
      type: "object",
      description: "Enrollments and directory joins the tenant rules (embedded.policy) refused, by reason.",
      propertyNames: { enum: [...POLICY_REFUSALS] },
      additionalProperties: bound(count, "exactly", "Refusals for this reason."),
    },
  },
};

export const expectSchema: Json = {
  type: "object",
  description: "What must hold for the run to pass (decides the exit code).",
  additionalProperties: false,
  properties: {
    successRatio: bound(ratio, "at least", "enrolled / devices. Default 1.0, or 0 when failures, outcomes or shown texts are listed. Given below 1 without failures: failure codes are not checked."),
    checkins: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      description: "Steady-phase check-ins of enrolled devices (load.steady): how many ran, how many failed, and by failure code (e.g. apple.checkin.unenrolled: the server answered 401).",
      properties: {
        total: bound(count, "exactly", "Check-ins that ran."),
        failed: bound(count, "exactly", "Check-ins that failed."),
        codes: {
          type: "object",
          description: "Failed check-ins by code.",
          propertyNames: { pattern: DOTTED_NAME, "x-expected": 'a check-in failure code such as "apple.checkin.unenrolled"' },
          additionalProperties: bound(count, "exactly", "Failed check-ins with this code."),
        },
      },
    },
    latency: {
      type: "object",
      description: "Per-step latency percentiles in ms.",
      propertyNames: { pattern: DOTTED_NAME, "x-expected": 'a step name such as "scep.pkioperation"' },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        properties: { p50: percentile("p50"), p95: percentile("p95"), p99: percentile("p99") },
      },
    },
    failures: {
      type: "array",
      description: "Expected failure codes; any other failure code fails the run.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["code"],
        oneOf: [{ required: ["ratio"] }, { required: ["count"] }],
        "x-expected": "exactly one of ratio or count",
        properties: {
          code: { type: "string", pattern: DOTTED_NAME, "x-expected": 'a failure code such as "scep.failInfo.badRequest"' },
          ...countOrRatio("failing with this code"),
        },
      },
    },
    steps: {
      type: "object",
      description: "Per step, bounds on how many times it ran (symptoms that are not failures: a step that must never happen, or must happen N times).",
      propertyNames: { pattern: DOTTED_NAME, "x-expected": 'a step name such as "checkin.tokenupdate"' },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        "x-expected": "{count?, min?, max?, failed?, present?} with at least one bound",
        properties: {
          count: { type: "integer", minimum: 0, description: "Exactly this many samples (successful and failed)." },
          min: { type: "integer", minimum: 0, description: "At least this many samples." },
          max: { type: "integer", minimum: 0, description: "At most this many samples." },
          present: { type: "boolean", description: "true: the step ran at least once; false: it never ran." },
          failed: bound(count, "exactly", "Failed samples (the step threw, or ended a device's flow)."),
        },
      },
    },
    outcomes: {
      type: "object",
      description: "Devices by final outcome code, success codes included (apple.ade.enrolled, scep.issued, windows.byod.enrolled, …).",
      propertyNames: CODE,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        "x-expected": "{count?, ratio?} with at least one of them",
        properties: countOrRatio("ending with this outcome code"),
      },
    },
    commands: {
      type: "object",
      description:
        'How devices answered management commands: protocol (apple-mdm, syncml, amapi) → command (RequestType, SyncML verb, AMAPI type) → answer (Acknowledged, Error, CommandFormatError, NotNow, NotNowUnanswered; SyncML status codes such as "200" or "405"; AMAPI results) → count.',
      propertyNames: { enum: ["apple-mdm", "syncml", "amapi"], "x-expected": "apple-mdm, syncml or amapi" },
      additionalProperties: {
        type: "object",
        additionalProperties: {
          type: "object",
          minProperties: 1,
          "x-expected": "a mapping of answer to a count",
          additionalProperties: bound(count, "exactly", "Commands answered so."),
        },
      },
    },
    shown: {
      type: "array",
      description: "Devices by the text they show: what the platform's table says the device shows (text, code, name, screen, cause). Never the failure's message (enrollsim's diagnosis) nor the server's words (assert those with `answered`).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["text"],
        properties: {
          text: { type: "string", minLength: 1, description: "A substring (case-sensitive; hexadecimal codes such as 0x801C0003 match in any letter case) or /regex/flags." },
          code: { ...CODE, description: "Only devices ending with this outcome code." },
          ...countOrRatio("showing this text"),
        },
      },
    },
    answered: {
      type: "array",
      maxItems: 100,
      description:
        "Devices by what the SERVER answered at a step (the server's side of the evidence; `shown` is the device's): each device's last response at the step, its HTTP status and a text in its body (as the transcript keeps it, after redaction).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["step"],
        anyOf: [{ required: ["status"] }, { required: ["body"] }],
        "x-expected": "{step, status?, body?, count?, ratio?} with status or body",
        properties: {
          step: { type: "string", pattern: DOTTED_NAME, "x-expected": 'a step name such as "checkin.authenticate"', description: "The step whose last response is read (exact name)." },
          status: { type: "integer", minimum: 100, maximum: 599, description: "The response's HTTP status." },
          body: {
            type: "string",
            minLength: 1,
            maxLength: 4096,
            description: "A substring of the response body (case-sensitive; hexadecimal codes match in any letter case) or /regex/flags. Binary bodies and bodies over 64 KiB have no text (the XML plist of a signed body does).",
          },
          ...countOrRatio("whose last answer at the step matched"),
        },
      },
    },
    server,
  },
};
