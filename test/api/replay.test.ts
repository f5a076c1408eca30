// SPDX-License-Identifier: MIT
/**
 * Replay contract over loopback: a trace recorded by a run against the embedded reference server,
 * replayed against a fresh server with the same CA key (a real CA keeps its key) gives no
 * difference; against one with a changed policy the difference is reported at the right exchange.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayTrace } from "../../src/api/replay.js";
import { runScenario } from "../../src/api/run-scenario.js";
import type { PrivateKey } from "../../src/ports/crypto.js";
import type { TranscriptEvent } from "../../src/ports/transcript.js";
import { parseTrace } from "../../src/report/transcript/model.js";
import { ReferenceServer } from "../../src/server/reference-server.js";

const CHALLENGE = "replay-challenge-77";
let dir: string;
let events: TranscriptEvent[];
let caKey: PrivateKey;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "enrollsim-replay-"));
  const file = join(dir, "s.yaml");
  writeFileSync(
    file,
    `name: replay\nseed: 9\nserver: embedded\nembedded: { scep: { challenge: ${CHALLENGE} } }\ngroups:\n  - { name: g, model: pixel-8, count: 1, flow: scep, options: { scep: { challenge: ${CHALLENGE}, subject: "CN=%SERIAL%" } } }\n`,
  );
  const trace = join(dir, "run.ndjson");
  const run = await runScenario(file, { trace, onServer: (s) => (caKey = s.scep.id.caKey) });
  expect(run.summary.enrolled).toBe(1);
  events = parseTrace(readFileSync(trace, "utf8"), trace);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function against(scep: Record<string, unknown>) {
  const server = await ReferenceServer.start({ scep: { challenge: CHALLENGE, ...scep }, keys: { ca: caKey } });
  try {
    return await replayTrace(events, { servers: [server.url] });
  } finally {
    await server.close();
  }
}

describe("replay", () => {
  it("against a fresh server of the same configuration: every exchange the same", async () => {
    const r = await against({});
    expect(r.exchanges.map((x) => [x.step, x.result])).toEqual([
      ["scep.getcacaps", "same"],
      ["scep.getcacert", "same"],
      ["scep.pkioperation", "same"],
    ]);
    expect(r.differs).toBe(0);
  });

  it("against a server that now answers PENDING: the difference is at the PKIOperation exchange, by field", async () => {
    const r = await against({ pending: 1 });
    expect(r.exchanges.map((x) => x.result)).toEqual(["same", "same", "differs"]);
    const pki = r.exchanges[2]!;
    expect(pki.n).toBe(events.filter((e) => e.device === r.device).findIndex((e) => e.kind === "http" && e.step === "scep.pkioperation") + 1);
    expect(pki.differences).toContainEqual({ field: "pkiStatus", recorded: "SUCCESS", now: "PENDING" });
    // Nonces and the transaction id change with every answer: never reported.
    expect(pki.differences.map((d) => d.field)).not.toContain("senderNonce");
  });

  it("against a server that lost a capability: the GetCACaps answer differs", async () => {
    const r = await against({ caps: ["SHA-256", "AES", "POSTPKIOperation"] });
    expect(r.exchanges[0]!.result).toBe("differs");
    expect(r.exchanges[0]!.differences[0]!.field).toBe("(body)");
  });

  it("a request whose secret the trace redacted is not replayable without --secret, and replays with it", async () => {
    const redacted = events.map((e) => (e.kind === "http" && e.step === "scep.getcacaps" ? { ...e, data: { ...e.data, request: { ...(e.data.request as object), url: `${(e.data.request as { url: string }).url}&token=[REDACTED]` } } } : e));
    const server = await ReferenceServer.start({ scep: { challenge: CHALLENGE }, keys: { ca: caKey } });
    try {
      const without = await replayTrace(redacted, { servers: [server.url] });
      expect(without.exchanges[0]).toEqual(expect.objectContaining({ result: "not-replayable", reason: expect.stringMatching(/redacted a secret in the URL \(give it with --secret\)/) }));
      expect(without.notReplayable).toBe(1);
      const withSecret = await replayTrace(redacted, { servers: [server.url], secrets: ["abc"] });
      expect(withSecret.exchanges[0]!.result).toBe("same");
    } finally {
      await server.close();
    }
  });

  it("a Windows enrolment whose password the trace redacted: not replayable without it; with --secret the enrolment replays the same, and OMA-DM (mutual TLS, no client certificate in a replay) differs", async () => {
    const file = join(dir, "win.yaml");
    const trace = join(dir, "win.ndjson");
    writeFileSync(file, "name: win\nseed: 4\nserver: embedded\ngroups:\n  - { name: w, model: windows-11-laptop, count: 1, flow: windows-byod, options: { windows: { upn: bob@contoso.example.com, password: enrollsim } } }\n");
    const run = await runScenario(file, { trace });
    expect(run.summary.enrolled).toBe(1);
    const win = parseTrace(readFileSync(trace, "utf8"), trace);
    const server = await ReferenceServer.start();
    try {
      const servers = [server.httpsUrl, server.url];
      const without = await replayTrace(win, { servers, trust: [server.caPem] });
      expect(without.exchanges.filter((x) => x.result === "not-replayable").map((x) => x.step)).toEqual(["policy.getpolicies", "enroll.rst"]);
      const withSecret = await replayTrace(win, { servers, trust: [server.caPem], secrets: ["enrollsim"] });
      expect(withSecret.exchanges.map((x) => [x.step, x.result])).toEqual([
        ["discovery.get", "same"],
        ["discovery.post", "same"],
        ["policy.getpolicies", "same"],
        ["enroll.rst", "same"],
        ["dm.session", "differs"],
        ["dm.session", "differs"],
      ]);
      expect(withSecret.exchanges[4]!.differences[0]).toEqual({ field: "commands[0].data", recorded: "200", now: "407" });
    } finally {
      await server.close();
    }
  });
});
