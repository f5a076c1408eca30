// SPDX-License-Identifier: MIT
/**
 * `contentType: { in: request }`: the Content-Type of the device's request as the server receives it
 * (a client bug or a middlebox), over real loopback sockets against the reference server: an Apple
 * check-in without it is refused 400 (apple-checkin-missing-content-type), a SCEP PKIOperation with
 * another one 415 (RFC 8894 §4.3).
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioContext, runScenario } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const ctx = scenarioContext(loadCatalog());
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };

describe("a fault on the request's Content-Type", () => {
  it("loads with in: request and an empty value; the schema refuses another target", () => {
    const ok = parseScenario(`name: c\nserver: embedded\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\nfaults:\n  - { match: { url: "*/apple/checkin" }, contentType: { in: request, value: "" } }\n`, "c.yaml", ctx);
    expect(ok.faults?.[0]).toMatchObject({ contentType: { in: "request", value: "" } });
    expect(() => parseScenario(`name: c\nserver: embedded\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\nfaults:\n  - { match: { url: "*/apple/checkin" }, contentType: { in: wire, value: "" } }\n`, "c.yaml", ctx)).toThrow(
      /request|response/,
    );
  });

  it("two failures: Apple check-ins without it get 400; a SCEP PKIOperation relabelled by a proxy gets 415", async () => {
    const dir = mkdtempSync(join(tmpdir(), "req-ct-"));
    const file = join(dir, "s.yaml");
    writeFileSync(
      file,
      [
        "name: request-content-type",
        "seed: 5",
        "server: embedded",
        "embedded: { scep: { challenge: c-2026 } }",
        "groups:",
        "  - { name: phones, model: iphone-15, count: 1, flow: ios-profile }",
        "  - { name: scep, model: iphone-15, count: 1, flow: scep, options: { scep: { challenge: c-2026 } } }",
        "faults:",
        '  - { match: { group: phones, url: "*/apple/checkin" }, contentType: { in: request, value: "" } }',
        '  - { match: { group: scep, url: "*operation=PKIOperation*" }, contentType: { in: request, value: "text/plain; charset=utf-8" } }',
        "expect:",
        "  outcomes: { apple.checkin.http-400: { count: 1 } }",
        "",
      ].join("\n"),
    );
    const { summary } = await runScenario(file, opts);
    expect(summary.outcomes).toMatchObject({ "apple.checkin.http-400": 1 });
    const scep = Object.keys(summary.outcomes ?? {}).filter((c) => c !== "apple.checkin.http-400");
    expect(scep).toHaveLength(1);
    expect(summary.errors[scep[0]!]!.example).toContain("415");
  }, 120_000);
});
