// SPDX-License-Identifier: MIT
/** `expect.answered`: what the server answered a step, read from the transcript after redaction (report/answered.ts). */
import { describe, expect, it } from "vitest";
import { scenarioContext } from "../../src/api/run-scenario.js";
import { ScenarioError } from "../../src/errors/index.js";
import type { TranscriptEvent } from "../../src/ports/transcript.js";
import { AnsweredCollector } from "../../src/report/answered.js";
import { evaluateExpectations } from "../../src/report/expectations.js";
import { Redactor } from "../../src/report/redact.js";
import { SummaryCollector } from "../../src/report/summary.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { parseScenario } from "../../src/runner/scenario/load.js";

const http = (device: string, step: string, response?: { status: number; body?: Record<string, unknown> }): TranscriptEvent => ({
  t: 0,
  device,
  step,
  kind: "http",
  data: { request: { method: "PUT", url: "https://mdm.test/mdm", headers: {}, bytes: 0 }, ...(response ? { response: { headers: {}, contentType: "", bytes: 0, ...response } } : { error: "read ECONNRESET" }) },
});

describe("AnsweredCollector", () => {
  it("counts each device's LAST response at the step: status and a body substring or /regex/", () => {
    const c = new AnsweredCollector([
      { step: "command.idle", status: 500, body: "verify MDM Signed Message" },
      { step: "command.idle", body: "/crypto\\/rsa: verification error$/" },
      { step: "checkin.authenticate", status: 200 },
    ]);
    const refusal = { status: 500, body: { text: "verify MDM Signed Message: crypto/rsa: verification error" } };
    c.record(http("a", "command.idle", refusal));
    c.record(http("b", "command.idle", refusal));
    c.record(http("b", "command.idle", { status: 200, body: { text: "<plist/>" } })); // b's last answer was a success
    c.record(http("c", "command.idle", refusal));
    c.record(http("c", "command.idle")); // no response (a reset): c's last response stays the refusal
    c.record(http("a", "checkin.authenticate", { status: 200 }));
    c.record(http("a", "checkin.tokenupdate", { status: 500 })); // another step
    c.record({ ...http("d", "command.idle", refusal), kind: "note" }); // not an exchange
    expect(c.counts()).toEqual([
      { step: "command.idle", status: 500, body: "verify MDM Signed Message", devices: 2 },
      { step: "command.idle", body: "/crypto\\/rsa: verification error$/", devices: 2 },
      { step: "checkin.authenticate", status: 200, devices: 1 },
    ]);
  });

  it("matches after redaction: a secret in the server's answer is never matchable", () => {
    const r = new Redactor();
    r.addSecret("s3cr3t-challenge");
    const c = new AnsweredCollector(
      [
        { step: "profile.download", body: "s3cr3t-challenge" },
        { step: "profile.download", body: "challenge is" },
      ],
      r,
    );
    c.record(http("a", "profile.download", { status: 200, body: { text: "the challenge is s3cr3t-challenge" } }));
    expect(c.counts().map((x) => x.devices)).toEqual([0, 1]);
  });

  it("a binary body has no text; the XML plist the redactor keeps beside a signed body does", () => {
    const c = new AnsweredCollector([{ step: "ade.enroll", body: "PayloadType" }]);
    c.record(http("a", "ade.enroll", { status: 200, body: { base64: "MIIB", redactedPlist: "<plist><dict><key>PayloadType</key></dict></plist>" } }));
    c.record(http("b", "ade.enroll", { status: 200, body: { base64: "MIIB" } }));
    expect(c.counts()[0]!.devices).toBe(1);
  });
});

describe("expect.answered in the summary and its expectations", () => {
  it("the summary collector is the sink only when answered is expected, and its counts decide the check", () => {
    expect(new SummaryCollector({ expect: { shown: [{ text: "x" }] } }).transcript).toBeUndefined();
    const s = new SummaryCollector({ expect: { successRatio: 0, answered: [{ step: "enroll.rst", status: 500, count: 1 }] } });
    s.transcript!.record(http("pc#0", "enroll.rst", { status: 500 }));
    s.transcript!.record(http("pc#1", "enroll.rst", { status: 200 }));
    const summary = s.summary();
    expect(summary.answered).toEqual([{ step: "enroll.rst", status: 500, devices: 1 }]);
    expect(summary.expectations.find((e) => e.name.startsWith("answered"))).toMatchObject({ name: "answered enroll.rst HTTP 500", ok: true });
    const wrong = evaluateExpectations({ ...summary, devices: 2 }, { successRatio: 0, answered: [{ step: "enroll.rst", status: 500, count: 2 }] });
    expect(wrong.ok).toBe(false);
  });
});

describe("expect.answered in scenario files", () => {
  const ctx = scenarioContext(loadCatalog());
  const file = (answered: string) => `name: t\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\nexpect:\n  answered:\n${answered}`;
  const error = (text: string): ScenarioError => {
    try {
      parseScenario(text, "t.yaml", ctx);
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return e as ScenarioError;
    }
    throw new Error("expected a ScenarioError");
  };

  it("loads a valid entry", () => {
    const s = parseScenario(file("    - { step: checkin.authenticate, status: 403, body: Device Not Approved, count: 1 }\n"), "t.yaml", ctx);
    expect(s.expect.answered).toEqual([{ step: "checkin.authenticate", status: 403, body: "Device Not Approved", count: 1 }]);
  });

  it("an unknown step gets file:line:column and a did-you-mean", () => {
    const e = error(file("    - { step: checkin.authenticat, status: 500 }\n"));
    expect(e.message).toMatch(/^t\.yaml:6:15: unknown step "checkin\.authenticat" in expect\.answered\[0\]\.step; .*\(did you mean "checkin\.authenticate"\?\)/);
  });

  it("a steady-phase reported name is refused with the name the transcript records", () => {
    const e = error(file("    - { step: checkin.command.idle, status: 200 }\n"));
    expect(e.message).toMatch(/^t\.yaml:6:15: expect\.answered\[0\]\.step "checkin\.command\.idle" is a steady-state check-in's reported name; .*write "command\.idle"$/);
    expect(parseScenario(file("    - { step: checkin.authenticate, status: 200 }\n"), "t.yaml", ctx).expect.answered).toHaveLength(1); // an enrolment step that starts with checkin.
  });

  it("a bad /regex/, a missing status and body, and a status out of range are refused at their place", () => {
    expect(error(file("    - { step: command.idle, body: '/a(/' }\n")).message).toMatch(/^t\.yaml:6:\d+: expect\.answered\[0\]\.body .*/);
    expect(error(file("    - { step: command.idle, count: 1 }\n")).message).toMatch(/^t\.yaml:6:\d+: .*expect\.answered\[0\].*\{step, status\?, body\?, count\?, ratio\?\} with status or body/);
    expect(error(file("    - { step: command.idle, status: 99 }\n")).message).toMatch(/^t\.yaml:6:\d+: .*expect\.answered\[0\]\.status/);
    expect(error(file("    - { step: command.idle, stauts: 500 }\n")).message).toMatch(/did you mean "status"\?/);
  });
});
