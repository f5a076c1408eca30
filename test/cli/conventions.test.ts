// SPDX-License-Identifier: MIT
/** CLI conventions: `enroll --set` checked like a scenario file; `serve` prints what it served. */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cli, ensureBuilt, MAIN, ROOT } from "../runner/support/cli.js";
import { failureHints } from "../../src/cli/hints.js";
import { ReferenceServer } from "../../src/server/reference-server.js";

ensureBuilt();

describe("enroll --set is validated like a scenario file", () => {
  it("every unknown key and bad value at once, with the expected values and a did-you-mean; exit 2 before any device runs", async () => {
    const r = await cli(MAIN, ["enroll", "windows-byod", "--set", "windows.upnn=a@b.example", "--set", "windows.maxSessions=-1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown property "upnn" in --set windows; expected one of upn, .* \(did you mean "upn"\?\)/);
    expect(r.stderr).toMatch(/--set windows\.maxSessions/);
    expect(r.stdout).toBe("");
  });

  it("the scep flow takes scenario-shaped keys and flat ones alike", async () => {
    const bad = await cli(MAIN, ["enroll", "scep", "--set", "challnge=x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown property "challnge" in --set scep; .*\(did you mean "challenge"\?\)/);
    const ok = await cli(MAIN, ["enroll", "scep", "--set", "scep.subject=CN=set-test"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK: .*scep\.issued/);
  });
});

describe("serve", () => {
  it("says it serves every platform, and prints its real counters when stopped", async () => {
    const help = await cli(MAIN, ["serve", "--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).toMatch(/SCEP CA and the Apple, Windows and Android enrollment and management endpoints/);
    const p = spawn(process.execPath, [MAIN, "serve", "--challenge", "serve-test"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const listening = new Promise<string>((resolve) => p.stdout.on("data", (d: Buffer) => ((out += d.toString()), /SCEP: (\S+)/.test(out) && resolve(/SCEP: (\S+)/.exec(out)![1]!))));
    const closed = new Promise<void>((resolve) => p.on("close", () => resolve()));
    try {
      const scepUrl = await listening;
      expect(out).toMatch(/^apple: /m);
      expect(out).toMatch(/^windows: discovery +https:\/\/127\.0\.0\.1:\d+\/EnrollmentServer\/Discovery\.svc/m);
      expect(out).toMatch(/^apple: GET https:\/\/127\.0\.0\.1:\d+\/apple\/enroll /m);
      expect(out).toMatch(/Android: /);
      const r = await cli(MAIN, ["enroll", "scep", "--server", scepUrl.replace(/\/scep$/, ""), "--set", "challenge=serve-test"]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      p.kill("SIGINT");
      await closed;
    }
    expect(out).toMatch(/stopped: SCEP \d+ request\(s\), 1 issued, 0 PENDING replies, 0 rejected/);
    expect(out).toMatch(/ {2}apple: 0 enrolled device record\(s\), 0 profiles served, 0 ADE enrollments, 0 check-ins, 0 commands sent/);
    expect(out).toMatch(/ {2}windows: 0 enrolled device record\(s\), 0 discoveries, 0 OMA-DM sessions/);
  });
});

describe("--help", () => {
  const commands = [[], ["run"], ["serve"], ["validate"], ["scep"], ["enroll"], ["inspect"], ["devices"], ["steps"], ["keys"], ["apple"], ["android"], ["android", "qr"], ["report"], ["fleet"], ["trace"], ["replay"]];
  it("every command has examples, and help text wraps at word boundaries", async () => {
    for (const c of commands) {
      const r = await cli(MAIN, [...c, "--help"]);
      expect(r.code, c.join(" ")).toBe(0);
      expect(r.stdout, c.join(" ")).toMatch(/^Examples:$/m);
    }
    const run = await cli(MAIN, ["run", "--help"]);
    // yargs's ES module build cut descriptions at a fixed width ("…per group, f / or CI").
    expect(run.stdout.replace(/\s+/g, " ")).toContain("a testcase per expectation and per group, for CI");
  }, 120_000);
});

describe("error hints", () => {
  it("a TLS failure suggests --ca and names the server certificate's issuer (read from the real server)", async () => {
    const server = await ReferenceServer.start();
    try {
      const r = await cli(MAIN, ["enroll", "ios-profile", "--server", server.httpsUrl]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^hint: https:\/\/127\.0\.0\.1:\d+: its certificate \(subject CN=localhost.*\) is issued by CN=enrollsim reference CA, O=enrollsim\. If that is your test CA, pass --ca FILE/m);
    } finally {
      await server.close();
    }
  });

  it("Windows discovery without a DNS record suggests discoveryUrl, built from --server when given", async () => {
    const f = { code: "windows.discovery.no-enrollment-host", message: "No DNS record for enterpriseenrollment.contoso.example.com" };
    expect(await failureHints(f, { server: "https://mdm.test/", windowsOption: "--set windows.", serverOption: "--server URL" })).toEqual([
      "no DNS record names the enrollment server: give the discovery URL, --set windows.discoveryUrl=https://mdm.test/EnrollmentServer/Discovery.svc",
      "or let the device find the server by name: --set windows.dns=server (the default with --server URL unless dns is set)",
    ]);
    const scenario = await failureHints(f, { windowsOption: "options.windows.", serverOption: "server: URL in the scenario" });
    expect(scenario[0]).toContain("options.windows.discoveryUrl=https://<your server>/EnrollmentServer/Discovery.svc");
    expect(scenario[1]).toContain("or give server: URL in the scenario");
    expect(await failureHints({ code: "scep.failInfo.badRequest" }, { windowsOption: "", serverOption: "" })).toEqual([]);
  });

  it("an untrusted chain whose certificate cannot be read still suggests --ca", async () => {
    const hints = await failureHints(
      { code: "transport.tls", message: "GET https://mdm.test:8443/x: TLS failure (UNABLE_TO_VERIFY_LEAF_SIGNATURE): unable to verify the first certificate" },
      { windowsOption: "", serverOption: "", peerCertificate: async () => undefined },
    );
    expect(hints).toEqual(["https://mdm.test:8443: its certificate chain ends at a CA this device does not trust. If that is your test CA, pass --ca FILE with its certificate (PEM); --insecure only against a test server."]);
  });
});
