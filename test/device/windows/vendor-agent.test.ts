// SPDX-License-Identifier: MIT
/**
 * A Windows vendor agent the MDM installs and that enrolls with its own server (agents/*.yaml afterInstall
 * `vendor-enroll`, device/windows/agent-work.ts): the catalog rows and their mistakes, what a package carries (baked
 * files, command-line MSI properties), where the agent reads its secret, osquery's backoff and answer reading, and
 * Fleet's strict enroll endpoint (server/vendors/fleet.ts).
 */
import { describe, expect, it } from "vitest";
import { parseAgentEntry } from "../../../src/device/agents.js";
import { secretOf, waitSeconds } from "../../../src/device/windows/agent-work.js";
import { ScenarioError } from "../../../src/errors/index.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { loadAgents } from "../../../src/runner/catalog-files.js";
import { FleetServer } from "../../../src/server/vendors/fleet.js";
import { NO_NODE_KEY, readOsqueryEnrollAnswer } from "../../../src/wire/vendors/osquery.js";
import { bakedFiles, commandLine, commandLineProperties, standInMsi } from "../../../src/wire/windows/msi-package.js";

const AGENT = `id: acme-agent
name: ACME agent
vendor: ACME
source: acme.example/kb/1
platforms:
  windows: { msi: acme-agent }
afterInstall:
  - { action: vendor-enroll, exchange: osquery-tls, secretFrom: [{ property: ACME_SECRET }, { file: secret.txt }], retries: 2, retryIntervalSeconds: 30, screen: ACME log, source: acme.example/kb/2 }
`;

function errorOf(text: string): ScenarioError {
  try {
    parseAgentEntry(text, "agents/acme-agent.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("the agent loaded");
}

describe("Windows vendor agents", () => {
  it("the shipped fleetd row: the fleetd-base MSI, osquery's TLS enroll with the package's secret.txt, squared backoff, sources", () => {
    const a = loadAgents().forMsi("fleetd-base");
    expect(a?.id).toBe("fleetd-windows");
    expect(a?.afterInstall).toEqual([]);
    expect(a?.vendorEnroll).toHaveLength(1);
    expect(a?.vendorEnroll[0]).toMatchObject({ action: "vendor-enroll", exchange: "osquery-tls", secretFrom: [{ file: "secret.txt" }], backoff: "squared" });
    expect(a?.vendorEnroll[0]!.source).toContain("44826");
  });

  it("a user's agent file: rows parse; mistakes are located with what was expected", () => {
    const a = parseAgentEntry(AGENT, "agents/acme-agent.yaml");
    expect(a.vendorEnroll[0]).toMatchObject({ backoff: "fixed", retries: 2, secretFrom: [{ property: "ACME_SECRET" }, { file: "secret.txt" }] });
    expect(errorOf(AGENT.replace("windows: { msi: acme-agent }", "windows: {}")).message).toContain("platforms.windows.msi must name the package");
    expect(errorOf(AGENT.replace("windows: { msi: acme-agent }", "android: { msi: acme-agent }")).message).toContain("msi is a Windows package's name");
    const ex = errorOf(AGENT.replace("exchange: osquery-tls", "exchange: osquery-tsl"));
    expect(ex.location).toMatch(/^agents\/acme-agent\.yaml:8:/);
    expect(errorOf(AGENT.replace("action: vendor-enroll", "action: vendor-enrol")).message).toContain('did you mean "vendor-enroll"');
    expect(errorOf(AGENT.replace("{ property: ACME_SECRET }", "{ property: ACME_SECRET, file: x.txt }")).message).toContain("one of a file baked into the package or an MSI property");
    expect(errorOf(AGENT.replace("retries: 2,", "retries: 2, checkScope: true,")).message).toContain("checkScope");
  });

  it("a package carries baked files and command-line properties; the agent reads the first source its row names", () => {
    const files = bakedFiles(standInMsi("acme-agent", { "secret.txt": "s3cret\n" }));
    expect(files).toEqual({ "secret.txt": "s3cret\n" });
    expect(bakedFiles(new TextEncoder().encode("MZ not a stand-in"))).toEqual({});
    const cl = commandLine({ ACME_URL: "https://x.example/?a=1&b=2", ACME_SECRET: 'pa"ss' });
    expect(cl).toBe("/quiet ACME_URL=&quot;https://x.example/?a=1&amp;b=2&quot; ACME_SECRET=&quot;pa&quot;&quot;ss&quot;");
    const properties = commandLineProperties(cl);
    expect(properties).toEqual({ ACME_URL: "https://x.example/?a=1&b=2", ACME_SECRET: 'pa"ss' });
    const sources = parseAgentEntry(AGENT, "agents/acme-agent.yaml").vendorEnroll[0]!.secretFrom;
    expect(secretOf(sources, { properties, files })).toEqual({ secret: 'pa"ss', from: "property ACME_SECRET" });
    // The file is read without its trailing newline.
    expect(secretOf(sources, { files })).toEqual({ secret: "s3cret", from: "file secret.txt" });
    expect(secretOf(sources, {})).toBeUndefined();
  });

  it("osquery's backoff: i² seconds before try i+1, capped; fixed rows wait their interval", () => {
    const row = { backoff: "squared" as const, retryIntervalSeconds: 600 };
    expect([1, 2, 3, 24, 25, 30].map((i) => waitSeconds(row, i))).toEqual([1, 4, 9, 576, 600, 600]);
    expect(waitSeconds({ backoff: "fixed", retryIntervalSeconds: 30 }, 5)).toBe(30);
  });

  it("osquery reads a node key (node_key, else id) whatever the status; anything else is 'No node key returned'", () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(readOsqueryEnrollAnswer(enc({ node_key: "abc" }))).toEqual({ nodeKey: "abc" });
    expect(readOsqueryEnrollAnswer(enc({ id: "abc" }))).toEqual({ nodeKey: "abc" });
    expect(readOsqueryEnrollAnswer(enc({ error: "enroll failed: no matching secret found", node_invalid: true }))).toEqual({ status: NO_NODE_KEY });
    expect(readOsqueryEnrollAnswer(enc({ node_key: "" }))).toEqual({ status: NO_NODE_KEY });
    expect("status" in readOsqueryEnrollAnswer(new TextEncoder().encode("<html>"))).toBe(true);
  });

  it("Fleet's enroll endpoint is strict: only its secrets get a node key; others get 401 node_invalid with Fleet's words", () => {
    const fleet = new FleetServer(new NodeCrypto());
    const post = (body: string) => fleet.enroll({ method: "POST", url: "https://127.0.0.1/api/v1/osquery/enroll", headers: {}, body: new TextEncoder().encode(body) }, { enrollSecrets: ["team-secret"] });
    const ok = post(JSON.stringify({ enroll_secret: "team-secret", host_identifier: "H1" }));
    expect(ok.status).toBe(200);
    const key = (JSON.parse(new TextDecoder().decode(ok.body)) as { node_key: string }).node_key;
    expect(key).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(fleet.hosts.get("H1")).toBe(key);
    for (const secret of ["dummy", "", undefined]) {
      const r = post(JSON.stringify({ enroll_secret: secret, host_identifier: "H2" }));
      expect(r.status).toBe(401);
      expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({ error: "enroll failed: no matching secret found", node_invalid: true });
    }
    expect(post("not json").status).toBe(400);
    expect(post("[1]").status).toBe(400);
    expect(fleet.hosts.has("H2")).toBe(false);
    expect(FleetServer.serves("/api/osquery/enroll") && FleetServer.serves("/api/v1/osquery/enroll") && !FleetServer.serves("/api/v1/osquery/config")).toBe(true);
  });
});
