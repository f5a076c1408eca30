// SPDX-License-Identifier: MIT
/**
 * `--apns-port`: a run against a URL server hosts a mock APNs in its own process, so the server
 * under test (here a reference server in "URL mode", pushing like any provider) wakes this run's
 * devices. Real loopback sockets: HTTPS + mTLS to the server, HTTP/2 from the server to the mock.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { ReferenceServer } from "../../src/server/reference-server.js";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe("run --apns-port (URL server)", () => {
  it("a server under test pushes to the run's mock APNs and wakes its devices; counts are in the summary", async () => {
    const port = await freePort();
    const server = await ReferenceServer.start({
      scep: { challenge: "apns-port-challenge" },
      platforms: {
        apple: {
          apns: false, // the server under test has no APNs of its own: it pushes to the run's
          apnsUrl: `http://127.0.0.1:${port}`,
          pushOnEnroll: { count: 1 },
          commands: [{ requestType: "DeviceInformation", payload: { Queries: ["DeviceName"] } }],
        },
      },
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), "enrollsim-apnsport-"));
      const file = join(dir, "s.yaml");
      writeFileSync(
        file,
        `name: apns-port\nseed: 9\nserver: ${server.urls.https}\ngroups:\n  - { name: i, model: iphone-15, count: 3, flow: ios-profile, options: { apple: { push: { listen: 1, pollSeconds: 60 }, commands: { DeviceInformation: { ackDelayMs: 1000 } } } } }\narrival: { concurrency: 3 }\nexpect:\n  steps:\n    push.woken: { count: 3 }\n`,
      );
      const urls: string[] = [];
      const { summary } = await runScenario(file, { keyPoolSize: 24, progress: false, trust: [server.caPem], apnsPort: port, onApnsUrl: (u) => urls.push(u) });
      expect(urls).toEqual([`http://127.0.0.1:${port}`]);
      expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
      expect(summary.steps["push.woken"]!.count).toBe(3);
      expect(summary.pushes).toMatchObject({ sent: 3, accepted: 3, delivered: 3, refused: {} });
    } finally {
      await server.close();
    }
  }, 120_000);

  it("is refused for the embedded server, which has its own mock APNs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-apnsport-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, `name: e\nserver: embedded\ngroups:\n  - { name: i, model: iphone-15, count: 1, flow: ios-profile }\n`);
    await expect(runScenario(file, { keyPoolSize: 24, progress: false, apnsPort: 0 })).rejects.toThrow(/--apns-port is for runs against a URL server/);
  });
});
