// SPDX-License-Identifier: MIT
/**
 * Interop with Debian's `scep` package (micromdm/scep 2.1), an implementation no one here wrote:
 *  - `enrollsim scep` (the built CLI) enrols and renews against `scepserver`;
 *  - `scepclient` enrols against our reference CA.
 * scepserver binds every interface, so it runs in a private network namespace (`unshare -n`)
 * holding only loopback, together with the client that talks to it. Runs in CI (.ci/run installs
 * the package); elsewhere it is skipped with a message when the tools are missing.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { toPem } from "../../src/wire/x509/certificate.js";

const CLI = resolve(import.meta.dirname, "../../dist/cli/main.js");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const canNamespace = process.getuid?.() === 0 && has("unshare") && has("ip");
const available = has("scepserver") && has("scepclient") && has("openssl");
if (process.env.CI && !(available && canNamespace)) {
  throw new Error("CI must run the Debian scep interop tests: install the scep, openssl, iproute2 and util-linux packages and run as root");
}
const suite = available && canNamespace && existsSync(CLI) ? describe : describe.skip;
if (!(available && canNamespace)) console.warn("skipping Debian scep interop: scepserver/scepclient/unshare not available (apt-get install scep)");

/** Async spawn: the reference server answering scepclient lives in this process's event loop. */
function runAsync(cmd: string, args: string[], cwd: string): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, out });
    });
  });
}

suite("interop with Debian scep (micromdm/scep 2.1)", () => {
  const work = mkdtempSync(join(tmpdir(), "enrollsim-interop-"));

  beforeAll(() => {
    execFileSync("scepserver", ["ca", "-init", "-depot", join(work, "depot")], { cwd: work, stdio: "pipe" });
  });

  /** Runs `script` in a fresh network namespace with scepserver listening on 127.0.0.1:8080. */
  function inNamespace(script: string, challenge: string): { status: number; out: string } {
    const file = join(work, `run-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(
      file,
      `set -u
ip link set lo up
scepserver -depot ${work}/depot -port 8080 -challenge ${challenge} -allowrenew 0 >> ${work}/scepserver.log 2>&1 &
srv=$!
for i in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/8080) 2>/dev/null && break; sleep 0.05; done
${script}
rc=$?
kill $srv
exit $rc
`,
    );
    const r = spawnSync("unshare", ["-n", "bash", file], { cwd: work, encoding: "utf8", timeout: 60_000 });
    return { status: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
  }

  it("enrollsim scep enrols against scepserver, and the certificate verifies with openssl", () => {
    const out = join(work, "out1");
    const r = inNamespace(`node ${CLI} scep --url http://127.0.0.1:8080/scep --challenge interop-secret --subject "CN=enrollsim-interop,O=enrollsim" --out ${out}`, "interop-secret");
    expect(r.out).toContain("OK: scep.issued");
    expect(r.status).toBe(0);
    expect(r.out).not.toContain("interop-secret");
    const verify = spawnSync("openssl", ["verify", "-CAfile", join(work, "depot/ca.pem"), join(out, "cert.pem")], { encoding: "utf8" });
    expect(verify.stdout).toContain("OK");
    // the key on disk is private to its owner
    expect(spawnSync("stat", ["-c", "%a", join(out, "key.pem")], { encoding: "utf8" }).stdout.trim()).toBe("600");
    // and it is the key the certificate certifies
    const pub = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });
    expect(pub(["x509", "-in", join(out, "cert.pem"), "-noout", "-pubkey"])).toBe(pub(["pkey", "-in", join(out, "key.pem"), "-pubout"]));
  });

  it("renews with RenewalReq against scepserver (-allowrenew 0)", () => {
    const out = join(work, "out2");
    const r = inNamespace(`node ${CLI} scep --url http://127.0.0.1:8080/scep --challenge interop-secret --subject "CN=enrollsim-renew" --renew --out ${out}`, "interop-secret");
    expect(r.out).toContain("RenewalReq (17)");
    expect(r.status).toBe(0);
  });

  it("a wrong challenge gets scepserver's FAILURE as a value, and exit code 1", () => {
    const r = inNamespace(`node ${CLI} scep --url http://127.0.0.1:8080/scep --challenge not-it --subject CN=nope --out ${join(work, "out3")}`, "interop-secret");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/FAILED: scep\.failInfo\.bad(Request|MessageCheck)/);
  });

  describe("scepclient against the enrollsim reference CA", () => {
    let server: ReferenceServer;
    beforeAll(async () => {
      server = await ReferenceServer.start({ scep: { challenge: "ref-secret" } });
    });
    afterAll(() => server.close());

    it("issues a certificate to scepclient that chains to our CA", async () => {
      const dir = mkdtempSync(join(work, "client-"));
      const r = await runAsync("scepclient", ["-server-url", server.scepUrl, "-challenge", "ref-secret", "-private-key", "key.pem", "-cn", "debian-scepclient"], dir);
      expect(r.out).toContain("pkiStatus=SUCCESS");
      writeFileSync(join(dir, "ca.pem"), toPem(server.scep.id.ca.der));
      const v = spawnSync("openssl", ["verify", "-CAfile", join(dir, "ca.pem"), join(dir, "client.pem")], { encoding: "utf8" });
      expect(v.stdout).toContain("client.pem: OK");
      expect(readFileSync(join(dir, "client.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
      expect(server.scep.log.some((l) => l.includes("single-DES"))).toBe(true);
    });

    it("scepclient with a wrong challenge is refused with badRequest", async () => {
      const dir = mkdtempSync(join(work, "client-"));
      const r = await runAsync("scepclient", ["-server-url", server.scepUrl, "-challenge", "wrong", "-private-key", "key.pem", "-cn", "debian-bad"], dir);
      expect(r.out).toContain("badRequest");
      expect(existsSync(join(dir, "client.pem"))).toBe(false);
    });
  });
});
