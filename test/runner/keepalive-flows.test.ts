// SPDX-License-Identifier: MIT
/**
 * `load.keepAlive` reaches the HTTP clients the platform flows build themselves (Apple MDM mTLS,
 * Windows OMA-DM / WSTEP renewal, and their steady-state check-ins), not only the runner's own
 * per-device client; by default every client keeps alive (as NSURLSession and WinHTTP do), and
 * `keepAlive: false` turns it off everywhere. Every client of a device gets that device's own TLS
 * session cache (never another device's), and a device's check-ins resume its TLS session. Real loopback sockets
 * against the embedded reference server: a wrapping HttpPort records the options of every
 * `client()` call and which source file made it (stack), and checks every client is closed. After
 * a keep-alive run no timer or socket is left (process.getActiveResourcesInfo before/after).
 */
import { OUT_OF_BAND } from "../../src/device/trust.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { createDevice } from "../../src/api/device.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { RealClock } from "../../src/platform/node/clock.js";
import type { HttpClient, HttpClientOptions, HttpPort, TlsSessionCache } from "../../src/ports/index.js";
import type { LoadModel } from "../../src/runner/fleet.js";
import { TransportError } from "../../src/errors/index.js";
import { testKeys } from "../support/scep-harness.js";

interface Made {
  keepAlive: boolean | undefined;
  sessions: object | undefined;
  mtls: boolean;
  /** Made for a fetch on someone else's behalf (an Android provisioning payload the admin's console shows): judged OUT_OF_BAND. */
  foreign: boolean;
  /** The src/ file (outside the Node adapters) that called client(). */
  by: string;
  closed: boolean;
}

/** Records every client() call; delegates to `inner`. */
class RecordingHttp implements HttpPort {
  readonly made: Made[] = [];
  constructor(private readonly inner: HttpPort) {}
  client(options?: HttpClientOptions): HttpClient {
    const frames = (new Error().stack ?? "").split("\n").slice(2);
    const frame = frames.find((f) => /\/src\//.test(f) && !/\/src\/platform\//.test(f) && !/DeviceSessionsHttp/.test(f) && !/runner\/device-clock\./.test(f)) ?? "?";
    const by = /\/src\/([^:)]+)/.exec(frame)?.[1] ?? "?";
    const rec: Made = { keepAlive: options?.keepAlive, sessions: options?.sessions, mtls: options?.tls?.identity !== undefined, foreign: options?.tls?.serverTrust === OUT_OF_BAND, by, closed: false };
    this.made.push(rec);
    const c = this.inner.client(options);
    return {
      request: (r) => c.request(r),
      close: async () => {
        rec.closed = true;
        await c.close();
      },
    };
  }
}

const dir = mkdtempSync(join(tmpdir(), "enrollsim-keepalive-"));
const SCENARIOS: Record<"apple" | "windows" | "android", { file: string; flowFiles: string[] }> = {
  apple: { file: "apple.yaml", flowFiles: ["device/apple/enroll.ts", "device/apple/checkin.ts"] },
  windows: { file: "windows.yaml", flowFiles: ["device/windows/management.ts", "device/windows/checkin.ts"] },
  // Android flows build no client of their own: everything goes over the runner's client.
  // Android: the out-of-band fetch of the provisioning payload (the admin console's stand-in, outside the device's trust rules)
  android: { file: "android.yaml", flowFiles: ["device/android/provisioning-fetch.ts"] },
};
writeFileSync(
  join(dir, "apple.yaml"),
  `name: ka-apple
seed: 11
server: embedded
embedded:
  scep: { challenge: ka-challenge }
  apple: { signMessage: false }
groups:
  - { name: phones, model: iphone-15, count: 2, flow: ios-profile }
arrival: { concurrency: 2 }
limits: { durationSeconds: 60, stepTimeoutMs: 15000 }
`,
);
writeFileSync(
  join(dir, "windows.yaml"),
  `name: ka-windows
seed: 404
server: embedded
embedded:
  windows: { password: ka-Passw0rd }
groups:
  - name: laptops
    model: windows-11-laptop
    count: 2
    flow: windows-byod
    options: { windows: { upn: "user%INDEX%@contoso.com", password: ka-Passw0rd, renew: true } }
arrival: { concurrency: 2 }
limits: { durationSeconds: 60, stepTimeoutMs: 15000 }
`,
);
writeFileSync(
  join(dir, "android.yaml"),
  `name: ka-android
seed: 10
server: embedded
groups:
  - { name: byod, model: pixel-8, count: 2, flow: android-work-profile, options: { android: { profile: work-profile } } }
arrival: { concurrency: 2 }
limits: { durationSeconds: 60 }
`,
);

// Two check-ins per device, 60 s cadence compressed 300× (0.2 s each); the phase lasts 2 s of real time so a
// loaded machine still fits both (the cap, not the duration, sets the count).
const steady = { durationSeconds: 600, intervalSeconds: 60, jitter: 0.1, maxCheckinsPerDevice: 2 };

async function run(platform: keyof typeof SCENARIOS, load: LoadModel, extra: { keepAlive?: boolean } = {}): Promise<{ made: Made[]; checkins: number; tls: NodeHttp["tlsStats"] }> {
  const node = new NodeHttp({ clock: new RealClock() });
  const http = new RecordingHttp(node);
  const { summary } = await runScenario(join(dir, SCENARIOS[platform].file), { keyPoolSize: 24, progress: false, adapters: { http }, load, ...extra });
  expect(summary.enrolled, platform).toBe(2);
  expect(summary.checkins?.failed ?? 0, platform).toBe(0);
  return { made: http.made, checkins: summary.checkins?.total ?? 0, tls: node.tlsStats };
}

const count = (kinds: string[]) => {
  const c: Record<string, number> = {};
  for (const k of kinds) c[k] = (c[k] ?? 0) + 1;
  return c;
};

describe("load.keepAlive reaches the clients the platform flows build", () => {
  for (const platform of ["apple", "windows", "android"] as const) {
    it(`${platform}: every client keeps alive by default, none with keepAlive: false, all closed; one TLS session cache per device`, async () => {
      const on = await run(platform, { timeScale: 300, steady });
      expect(on.checkins).toBe(4);
      const off = await run(platform, { timeScale: 300, keepAlive: false, steady });
      expect(off.checkins).toBe(4);
      for (const [made, want] of [
        [on.made, true],
        [off.made, false],
      ] as const) {
        expect(made.length).toBeGreaterThan(0);
        for (const m of made) {
          expect(m.closed, `${m.by} closed`).toBe(true);
          expect(m.keepAlive ?? false, `${m.by} keepAlive`).toBe(want);
        }
        const byFlow = made.filter((m) => m.by.startsWith("device/"));
        // the flows' own clients: Apple MDM (enrol + check-in) and Windows OMA-DM (enrol, renewal, check-in), all mTLS
        expect([...new Set(byFlow.map((m) => m.by))].sort()).toEqual([...SCENARIOS[platform].flowFiles].sort());
        if (platform !== "android") expect(byFlow.every((m) => m.mtls)).toBe(true);
        // the runner's client: one per enrolment and one per check-in
        expect(made.filter((m) => m.by === "runner/fleet.ts").length).toBe(2 + 4);
        // every client of a device carries its session cache; the two devices hold two distinct caches; the
        // simulator's own fetch of a QR payload (the admin's console) shares none with the device
        const own = made.filter((m) => !m.foreign);
        expect(own.every((m) => m.sessions !== undefined)).toBe(true);
        expect(new Set(own.map((m) => m.sessions)).size).toBe(2);
        expect(made.filter((m) => m.foreign).every((m) => m.sessions === undefined)).toBe(true);
      }
      // Apple and Windows check-ins build a new mTLS client each time: with the device's own cache
      // every check-in after enrolment resumes (isSessionReused on the client's socket) instead of
      // a full handshake with a client-certificate signature.
      if (platform !== "android") for (const r of [on, off]) expect(r.tls.resumed, "resumed handshakes").toBeGreaterThanOrEqual(4);
      // After its check-ins a device keeps only the sessions they use: the enrolment's anonymous
      // sessions (profile download, discovery) are dropped, never another device's taken.
      for (const r of [on, off]) {
        const caches = [...new Set(r.made.filter((m) => !m.foreign).map((m) => m.sessions as TlsSessionCache))];
        const kept = caches.map((c) => c.size);
        if (platform !== "android") expect(kept, "sessions kept per device").toEqual([1, 1]);
        else expect(kept.every((n) => n <= 1)).toBe(true);
      }
    }, 120_000);
  }

  it("runScenario({ keepAlive: false }) (run --close-connections) overrides the load model's keepAlive", async () => {
    const r = await run("apple", { timeScale: 300, keepAlive: true, steady }, { keepAlive: false });
    expect(r.made.length).toBeGreaterThan(0);
    for (const m of r.made) expect(m.keepAlive ?? false, `${m.by} keepAlive`).toBe(false);
  }, 120_000);

  it("leaves no timer or socket behind after a run with the default keep-alive", async () => {
    await run("windows", { timeScale: 300, steady }); // warm-up (lazy process-wide resources)
    const before = count(process.getActiveResourcesInfo());
    await run("apple", { timeScale: 300, steady });
    await run("windows", { timeScale: 300, steady });
    await new Promise((r) => setTimeout(r, 200)); // let closed sockets finish closing
    const after = count(process.getActiveResourcesInfo());
    for (const kind of ["Timeout", "TCPSocketWrap", "TCPServerWrap", "TLSWrap"]) expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
  }, 120_000);

  it("createDevice({ keepAlive }) passes it to the device's client and the FlowContext", async () => {
    for (const keepAlive of [false, undefined]) {
      const made: (boolean | undefined)[] = [];
      const http: HttpPort = {
        client: (o) => {
          made.push(o?.keepAlive);
          return {
            request: () => Promise.reject(new TransportError("refused", "no server in this test")),
            close: () => Promise.resolve(),
          };
        },
      };
      const device = await createDevice({ model: "pixel-8", seed: "ka", index: 0, keys: await testKeys(), adapters: { http }, ...(keepAlive !== undefined ? { keepAlive } : {}) });
      await device.run("scep", { url: "http://127.0.0.1:9/scep", challenge: "x", subject: "CN=%SERIAL%" }).catch(() => {});
      expect(made.length).toBeGreaterThan(0);
      for (const k of made) expect(k).toBe(keepAlive ?? true);
    }
  });
});
