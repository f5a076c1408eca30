// SPDX-License-Identifier: MIT
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { loadScenarioFile } from "../../../src/runner/scenario/read.js";
import type { ResolvedScenario, ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = { modelIds: ["iphone-15", "pixel-8", "surface-pro"], flows: ["scep"] };
const fixture = (name: string): string =>
  relative(process.cwd(), fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

/** Runs `fn`, which must throw a ScenarioError, and returns it. */
function scenarioError(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error("expected a ScenarioError, nothing was thrown");
}

const parse = (text: string, ctx = context): ResolvedScenario => parseScenario(text, "t.yaml", ctx);

const MINIMAL = `name: minimal
groups:
  - name: phones
    model: iphone-15
    count: 3
    flow: scep
`;

describe("parseScenario: valid files", () => {
  it("fills every default for a minimal scenario", () => {
    expect(parse(MINIMAL)).toEqual({
      file: "t.yaml",
      name: "minimal",
      seed: "1",
      server: {
        kind: "embedded",
        scep: { challenge: "enrollsim-challenge", pending: 0, ra: false, validityDays: 365 },
        platforms: {}, policy: {},
      },
      groups: [
        {
          name: "phones",
          model: "iphone-15",
          count: 3,
          flow: "scep",
          firstIndex: 0,
          options: {
            scep: {
              challenge: "enrollsim-challenge",
              subject: "CN=%SERIAL%,O=enrollsim",
              san: { dns: [], email: [], uri: [], upn: [] },
              keyUsage: ["digitalSignature", "keyEncipherment"],
              extendedKeyUsage: ["clientAuth"],
              poll: { maxAttempts: 3, delayMs: 10_000, backoff: 1 },
              cipher: "auto",
              digest: "auto",
              renew: false,
            },
          },
        },
      ],
      totalDevices: 3,
      arrival: { kind: "concurrency", concurrency: 10 },
      limits: { durationSeconds: 600, stepTimeoutMs: 30_000, maxResponseBytes: 1_048_576, sessionCommands: 2000, sessionBytes: 16_777_216, transcriptBytes: 4_194_304 },
      expect: { successRatio: 1, latency: {}, failures: [], steps: {} },
      timeline: [],
    });
  });

  it("keeps every value of a full scenario and resolves the rest", async () => {
    const s = await loadScenarioFile(fixture("full.yaml"), context);
    expect(s.seed).toBe("42");
    expect(s.description).toBe("All keys set");
    expect(s.server).toEqual({
      kind: "embedded",
      scep: {
        challenge: "s3cret",
        pending: 2,
        failInfo: "badTime",
        ra: true,
        caps: ["POSTPKIOperation", "SHA-256", "AES", "SCEPStandard", "Renewal"],
        validityDays: 30,
      },
      platforms: {}, policy: {},
    });
    expect(s.groups.map((g) => [g.name, g.firstIndex, g.count])).toEqual([
      ["phones", 0, 100],
      ["tablets", 100, 5],
    ]);
    expect(s.totalDevices).toBe(105);
    expect(s.groups[0].options.scep).toEqual({
      url: "http://127.0.0.1:8080/cgi-bin/pkiclient.exe",
      challenge: "other",
      subject: "CN=%SERIAL%,OU=%MODEL%,O=enrollsim",
      san: {
        dns: ["%SERIAL%.devices.example.test"],
        email: ["%UDID%@example.test"],
        uri: ["urn:device:%INDEX%"],
        upn: ["%DEVICE_NAME%@example.test"],
      },
      keyUsage: ["digitalSignature"],
      extendedKeyUsage: ["clientAuth", "1.3.6.1.4.1.311.20.2.2"],
      caFingerprint: { algorithm: "sha1", hex: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d" },
      poll: { maxAttempts: 5, delayMs: 2000, backoff: 1.5 },
      cipher: "aes-256-cbc",
      digest: "sha512",
      renew: true,
    });
    // The second group takes the embedded server's challenge, not the first group's.
    expect(s.groups[1].options.scep?.challenge).toBe("s3cret");
    expect(s.arrival).toEqual({ kind: "rate", rate: 20, rampFrom: 1, rampSeconds: 5 });
    expect(s.limits).toEqual({ durationSeconds: 120, stepTimeoutMs: 5000, maxResponseBytes: 65536, sessionCommands: 2000, sessionBytes: 16_777_216, transcriptBytes: 4_194_304 });
    expect(s.expect).toEqual({
      successRatio: 0.5,
      latency: { "scep.pkioperation": { p50: 200, p95: 1000, p99: 2000 }, "scep.getcacaps": { p99: 50 } },
      failures: [
        { code: "scep.failInfo.badTime", kind: "ratio", ratio: 0.25 },
        { code: "transport.timeout", kind: "count", count: 2 },
      ],
      steps: { "scep.certpoll": { count: 0 }, "scep.getcacert": { min: 1, max: 10, failed: 0 } },
    });
  });

  it("derives the SCEP URL from a URL server and sends no challenge by default", () => {
    const s = parse(`name: remote\nserver: https://mdm.example.test/\ninsecure: true\n${MINIMAL.slice(MINIMAL.indexOf("groups"))}`);
    expect(s.server).toEqual({ kind: "url", url: "https://mdm.example.test/", insecure: true });
    expect(s.groups[0].options.scep?.url).toBe("https://mdm.example.test/scep");
    expect(s.groups[0].options.scep?.challenge).toBeUndefined();
  });

  it("defaults successRatio to 0 when failures are expected, and rate-model ramp to none", () => {
    const s = parse(`${MINIMAL}arrival: { rate: 5 }\nexpect:\n  failures:\n    - { code: scep.failInfo.badRequest, ratio: 1.0 }\n`);
    expect(s.expect.successRatio).toBe(0);
    expect(s.arrival).toEqual({ kind: "rate", rate: 5, rampFrom: 5, rampSeconds: 0 });
  });

  it("accepts a string seed and modest anchors/aliases", () => {
    const text = `name: anchors
seed: "run-7"
groups:
  - name: a
    model: iphone-15
    count: 1
    flow: scep
    options: &opts
      scep: { renew: true }
  - name: b
    model: pixel-8
    count: 1
    flow: scep
    options: *opts
`;
    const s = parse(text);
    expect(s.seed).toBe("run-7");
    expect(s.groups[1].options.scep?.renew).toBe(true);
  });

  it("checks latency step names against the vocabulary when one is given (else the step registry)", () => {
    const text = `${MINIMAL}expect:\n  latency:\n    scep.pkioperatoin: { p95: 10 }\n`;
    expect(scenarioError(() => parse(text)).message).toContain('unknown step "scep.pkioperatoin" in expect.latency; known steps of scep');
    const err = scenarioError(() => parse(text, { ...context, steps: ["scep.getcacaps", "scep.pkioperation"] }));
    expect(err.location).toBe("t.yaml:9:5");
    expect(err.message).toContain('unknown step "scep.pkioperatoin" in expect.latency; known steps: scep.getcacaps, scep.pkioperation (did you mean "scep.pkioperation"?)');
  });
});

/** [fixture, line:column, text the message must contain]. */
const BAD: Array<[string, string, string]> = [
  ["bad-syntax.yaml", "7:52", "YAML syntax error: "],
  ["bad-type.yaml", "6:12", 'groups[0].count must be an integer from 1 to 1000000 (got "ten")'],
  [
    "bad-typo.yaml",
    "5:5",
    'unknown property "cuont" in groups[0]; expected one of name, model, count, flow, state, options, faults, network (did you mean "count"?)',
  ],
  ["bad-missing-required.yaml", "3:5", 'groups[0] is missing required property "flow"'],
  [
    "bad-unknown-model.yaml",
    "6:12",
    'unknown device model "iphone-99"; known models: iphone-15, pixel-8, surface-pro (did you mean "iphone-15"?)',
  ],
  ["bad-unknown-flow.yaml", "6:11", 'unknown flow "sccep"; known flows: scep (did you mean "scep"?)'],
  [
    "bad-rate-and-concurrency.yaml",
    "6:3",
    "arrival gives both rate and concurrency; give exactly one of rate (open model) or concurrency (closed model)",
  ],
  ["bad-url.yaml", "2:9", 'server must be "embedded" or an http(s) URL (got "htps://mdm.example.test")'],
  ["bad-scep-url.yaml", "9:14", 'groups[0].options.scep.url is not a valid URL (got "https://[::1/scep")'],
  ["bad-negative-count.yaml", "5:12", "groups[0].count must be an integer from 1 to 1000000 (got -5)"],
  [
    "bad-failinfo.yaml",
    "5:15",
    'embedded.scep.failInfo must be one of badAlg, badMessageCheck, badRequest, badTime, badCertId (got "badReq")',
  ],
  ["bad-duplicate-group.yaml", "7:11", 'duplicate group name "phones" (groups[0] already uses it)'],
  ["bad-insecure-embedded.yaml", "3:1", 'insecure is only allowed when server is an http(s) URL (server is "embedded")'],
  ["bad-embedded-with-url.yaml", "3:1", "embedded configures the embedded server, but server is a URL"],
  ["bad-duplicate-key.yaml", "7:5", 'duplicate key "count"; each key may appear once per mapping'],
  ["bad-failure-ratio-and-count.yaml", "8:7", "expect.failures[0] gives both ratio and count; give exactly one of ratio or count"],
  ["bad-too-many-devices.yaml", "5:39", "total device count reaches 1000001 here; a scenario may start at most 1000000"],
  ["bad-fingerprint.yaml", "9:24", 'groups[0].options.scep.caFingerprint must be md5, sha1 or sha256, then ":" and the full digest'],
  ["bad-template.yaml", "9:18", 'groups[0].options.scep.subject uses unknown variable %SERAIL% (did you mean "SERIAL"?); known variables: %SERIAL%, %SERIALNUMBER%, %UDID%'],
  ["bad-alias-bomb.yaml", "3:10", "YAML aliases expand too much"],
];

describe("parseScenario: bad files point at the problem", () => {
  it.each(BAD)("%s → %s", async (name, position, text) => {
    const file = fixture(name);
    const err = await loadScenarioFile(file, context).then(
      () => expect.unreachable(`${name} was accepted`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    const e = err as ScenarioError;
    expect(e.code).toBe("scenario.invalid");
    expect(e.blame).toBe("scenario");
    expect(e.location).toBe(`${file}:${position}`);
    expect(e.message.startsWith(`${file}:${position}: `)).toBe(true);
    expect(e.message).toContain(text);
  });

  it("sets `expected` to what would have been accepted", () => {
    const err = scenarioError(() => parseScenario(readFileSync(fixture("bad-type.yaml"), "utf8"), "x.yaml", context));
    expect(err.expected).toBe("an integer from 1 to 1000000");
  });
});

describe("parseScenario: more bad input", () => {
  const cases: Array<[string, string, string, string]> = [
    ["empty file", "", "1:1", "scenario file is empty"],
    ["comment only", "# nothing\n", "1:1", "scenario file is empty"],
    ["a list at the top", "- a\n- b\n", "1:1", "the scenario must be a mapping (got a list)"],
    ["missing name", "groups: []\n", "1:1", 'the scenario is missing required property "name"'],
    ["no groups", "name: x\ngroups: []\n", "2:9", "groups must not be empty"],
    ["top-level typo", `${MINIMAL}arival: { rate: 1 }\n`, "7:1", 'unknown property "arival" at the top level'],
    ["empty value", "name:\ngroups: []\n", "1:1", "name must be a non-empty string of at most 200 characters (got nothing)"],
    ["two documents", `${MINIMAL}---\nname: y\n`, "7:1", "one YAML document"],
    ["unknown alias", `${MINIMAL}description: *nope\n`, "7:14", "alias *nope refers to no anchor"],
    ["tab indentation", "name: x\ngroups:\n\t- a\n", "3:1", "YAML syntax error: "],
    ["neither arrival model", `${MINIMAL}arrival: {}\n`, "7:10", "arrival needs exactly one of rate (open model) or concurrency (closed model)"],
    ["ramp without rate", `${MINIMAL}arrival: { concurrency: 2, rampSeconds: 3 }\n`, "7:28", "arrival.rampSeconds requires rate and rampFrom"],
    ["failure without ratio or count", `${MINIMAL}expect:\n  failures:\n    - code: scep.failInfo.badRequest\n`, "9:7", "expect.failures[0] needs exactly one of ratio or count"],
    ["options for another flow", MINIMAL.replace("flow: scep", "flow: scep\n    options: { apple: {} }"), "7:16", 'groups[0].options.apple does not apply: the group\'s flow is "scep"'],
    ["repeated keyUsage", MINIMAL.replace("flow: scep", "flow: scep\n    options: { scep: { keyUsage: [keyEncipherment, keyEncipherment] } }"), "7:52", "groups[0].options.scep.keyUsage[1] repeats \"keyEncipherment\", already given as groups[0].options.scep.keyUsage[0]"],
    ["unsafe integer seed", `${MINIMAL}seed: 123456789012345678901\n`, "7:7", "quote it to make it a string"],
    ["infinite rate", `${MINIMAL}arrival: { rate: .inf }\n`, "7:18", "arrival.rate must be a number > 0 and <= 100000 (got Infinity)"],
    ["decreasing percentiles", `${MINIMAL}expect:\n  latency:\n    scep.pkioperation: { p50: 500, p95: 100 }\n`, "9:41", "expect.latency[\"scep.pkioperation\"].p95 (100) is below p50 (500)"],
    ["impossible expectations", `${MINIMAL}expect:\n  successRatio: 1\n  failures: [{ code: scep.failInfo.badRequest, ratio: 0.5 }]\n`, "8:3", "expectations cannot all hold"],
    ["step count with min", `${MINIMAL}expect:\n  steps:\n    scep.getcacert: { count: 1, min: 1 }\n`, "9:30", "cannot be combined with min/max"],
    ["failure counts above devices", `${MINIMAL}expect:\n  failures: [{ code: transport.timeout, count: 4 }]\n`, "8:13", "counts add up to 4, more than the 3 devices"],
    ["credentials in server URL", "name: x\nserver: https://u@h.example.test\ngroups: []\n", "2:9", 'server must be "embedded" or an http(s) URL'],
    ["unresolved tag", `${MINIMAL}description: !secret x\n`, "7:14", "Unresolved tag: !secret"],
  ];
  it.each(cases)("%s", (_label, text, position, message) => {
    const err = scenarioError(() => parse(text));
    expect(err.location).toBe(`t.yaml:${position}`);
    expect(err.message).toContain(message);
  });

  it("refuses files larger than 1 MiB before parsing", () => {
    const err = scenarioError(() => parse(`name: x\ndescription: "${"a".repeat(1_048_576)}"\n`));
    expect(err.message).toContain("at most 1048576 are accepted");
  });
});

describe("loadScenarioFile", () => {
  it("reports an unreadable file as a ScenarioError naming it", async () => {
    const err = await loadScenarioFile("test/runner/scenario/fixtures/does-not-exist.yaml", context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe(
      "test/runner/scenario/fixtures/does-not-exist.yaml: cannot read scenario file: no such file",
    );
  });

  it("reports a directory as unreadable", async () => {
    const err = await loadScenarioFile("test/runner/scenario/fixtures", context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toContain("cannot read scenario file: it is a directory");
  });
});
