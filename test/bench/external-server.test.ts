// `bench --server URL`: the enrolment benchmark measures the simulator alone against a server the
// user runs. Here that server is a reference server started separately (in this test process, on
// 127.0.0.1); the bench process gets only its URL and CA file. Bounded: 6 devices, one benchmark.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReferenceServer } from "../../src/server/reference-server.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const BENCH = join(ROOT, "bench/run.mjs");
const dir = mkdtempSync(join(tmpdir(), "enrollsim-bench-ext-"));

function bench(args: string[], timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, BENCH_RESULTS_DIR: dir, BENCH_ENROLL_DEVICES: "6", BENCH_CONCURRENCY: "3" };
  return new Promise((resolve) => {
    execFile(process.execPath, [BENCH, ...args], { cwd: ROOT, env, timeout }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("bench --server (an external server)", () => {
  let server: ReferenceServer;
  let caFile: string;
  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/cli/main.js")), "dist/ is missing: run `npm run build` first").toBe(true);
    server = await ReferenceServer.start({ scep: { challenge: "bench-challenge" }, platforms: { apple: {} } });
    caFile = join(dir, "ca.pem");
    writeFileSync(caFile, server.caPem);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("measures apple-enroll against the URL with the same JSON fields, server CPU null", { timeout: 90_000 }, async () => {
    const r = await bench(["apple-enroll", "--server", server.urls.https, "--ca", caFile]);
    expect(r.stderr).not.toMatch(/bench: (?!done)/);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim().split("\n")[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ bench: "apple-enroll", server: new URL(server.urls.https).toString(), devices: 6, enrolled: 6, failed: 0, serverCpuMsPerEnroll: null });
    for (const field of ["enrollPerSec", "simCpuMsPerEnroll", "cryptoFloorMs", "ratio", "wallMs", "privateKeyOpsPerEnroll", "tlsHandshakesPerEnroll", "steps"]) expect(line, field).toHaveProperty(field);
    expect(line["enrollPerSec"] as number).toBeGreaterThan(0);
    // kept apart from the committed embedded-server figures
    expect(existsSync(join(dir, "apple-enroll-external.json"))).toBe(true);
    // the result file names the commit measured, the machine and its load (issue 14's "every bench result")
    const saved = JSON.parse(readFileSync(join(dir, "apple-enroll-external.json"), "utf8")) as Record<string, unknown>;
    expect(saved["commit"]).toMatch(/^[0-9a-f]{7,}$/);
    expect(saved["machine"]).toHaveProperty("loadAvg1m");
    expect(existsSync(join(dir, "apple-enroll.json"))).toBe(false);
  });

  it("measures scep-enroll at URL/scep with the challenge given", { timeout: 90_000 }, async () => {
    const r = await bench(["scep-enroll", "--server", server.urls.http, "--challenge", "bench-challenge"]);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim().split("\n")[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ bench: "scep-enroll", enrolled: 6, failed: 0, serverCpuMsPerEnroll: null });
    const wrong = await bench(["scep-enroll", "--server", server.urls.http, "--challenge", "not-the-challenge"]);
    expect(String((JSON.parse(wrong.stdout.trim().split("\n")[0]!) as Record<string, unknown>)["error"])).toMatch(/calibration enrolled nobody/);
  });

  it("without the CA the devices refuse the server's certificate: failures, not a crash", { timeout: 60_000 }, async () => {
    const r = await bench(["apple-enroll", "--server", server.urls.https]);
    const line = JSON.parse(r.stdout.trim().split("\n")[0]!) as Record<string, unknown>;
    expect(line["bench"]).toBe("apple-enroll");
    expect(String(line["error"])).toMatch(/calibration enrolled nobody/);
  });

  it.each([
    [["apple-enroll", "--server", "not a url"], /--server "not a url" is not a URL/],
    [["apple-enroll", "--server", "ftp://x.test"], /expected an http\(s\) URL/],
    [["memory", "--server", "https://x.test"], /--server applies to the enrol benchmarks .* memory run no server/],
    [["apple-enroll", "--server", "https://x.test", "--ca", "/nonexistent/ca.pem"], /--ca \/nonexistent\/ca.pem: no such file/],
    [["apple-enroll", "--ca", "ca.pem"], /--ca needs --server URL/],
    [["apple-enrol"], /unknown benchmark "apple-enrol"/],
    [["--servr", "https://x.test"], /Unknown option '--servr'/],
  ])("refuses %j with exit 2 and a message", async (args, message) => {
    const r = await bench(args, 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("refuses a --ca file that holds no certificate", async () => {
    const bad = join(dir, "not-a-cert.pem");
    writeFileSync(bad, "hello\n");
    const r = await bench(["scep-enroll", "--server", "https://x.test", "--ca", bad], 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no PEM certificate/);
    expect(readFileSync(bad, "utf8")).toBe("hello\n");
  });
});
