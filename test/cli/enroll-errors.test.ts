// SPDX-License-Identifier: MIT
/**
 * `enroll` keeps the transcript when a step throws (issue 12 #7): a transport error, a server that
 * breaks the protocol, a refused TLS handshake. It prints the numbered transcript, then a FAILED line
 * naming device, step, code and blame (and what the device shows), exits 1 — the device failed, the
 * command line was fine — and `--json` prints the same as JSON.
 */
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { cli, MAIN } from "../runner/support/cli.js";

const closedPort = () =>
  new Promise<number>((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });

describe.skipIf(!existsSync(MAIN))("enroll when a step throws", () => {
  it("a refused connection: transcript kept, FAILED line with step and blame, exit 3 (transport)", async () => {
    const port = await closedPort();
    const r = await cli(MAIN, ["enroll", "ios-profile", "--server", `https://127.0.0.1:${port}`]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^1\. /m); // the numbered transcript is printed
    expect(r.stdout).toMatch(/FAILED: iphone-15#0: transport\.refused at step \S+ \(fault: transport\)/);
    expect(r.stdout).toContain("the device shows: NSURLErrorDomain -1004");
    expect(r.stderr).not.toContain("internal error");
  });

  it("--json carries ok, code, blame, step, message, shown and the transcript", async () => {
    const port = await closedPort();
    const r = await cli(MAIN, ["enroll", "windows-gpo", "--server", `https://127.0.0.1:${port}`, "--json"]);
    expect(r.code, r.stderr).toBe(3);
    const out = JSON.parse(r.stdout) as { ok: boolean; code: string; blame: string; step: string; message: string; shown?: { code?: string }; transcript: unknown[] };
    expect(out).toMatchObject({ ok: false, code: "transport.refused", blame: "transport" });
    expect(out.step).toMatch(/\S/);
    expect(out.transcript.length).toBeGreaterThan(0);
    expect(out.shown?.code).toMatch(/^0x8018/);
  });
});
