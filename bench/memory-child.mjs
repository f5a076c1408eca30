// SPDX-License-Identifier: MIT
// (c) RSS with N enrolled devices idling on their check-in cadence, in a fresh process
// (run with --expose-gc). Each device holds what the fleet runner's steady phase holds per
// device: its DeviceIdentity (generated from the seed, like a run), its own issued certificate
// as PEM (a real X.509 certificate per device, signed by a bench CA with an EC key so that
// issuing 50,000 of them takes seconds) and its server ids, in the runner's SteadyScheduler
// (one heap entry per device, one timer for the population). The RSA device keys are pool slots
// shared by every device (as in a run: the pool wraps), so they are not per-device memory.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadCatalog } from "../dist/runner/catalog-files.js";
import { createDeviceIdentity } from "../dist/device/identity.js";
import { SeededEntropySource } from "../dist/platform/node/entropy.js";
import { NodeCrypto } from "../dist/platform/node/crypto.js";
import { RealClock } from "../dist/platform/node/clock.js";
import { FileKeyPool } from "../dist/platform/node/keypool/index.js";
import { SteadyScheduler } from "../dist/runner/steady.js";
import { buildCertificate, toPem } from "../dist/wire/x509/certificate.js";

const N = Number(process.argv[2] ?? 1000);
const gc = globalThis.gc ?? (() => {});
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
};
const catalog = loadCatalog();
const models = ["iphone-15", "windows-11-laptop", "pixel-8"].map((m) => catalog.get(m));
const entropy = new SeededEntropySource("memory-bench");
const crypto = new NodeCrypto();
const ca = await crypto.generateKey("ec-p256");
const keys = await FileKeyPool.open({ spec: "rsa2048", ensure: 24 });
const spkis = await Promise.all(Array.from({ length: 24 }, async (_, i) => (await keys.rsa(i)).spki));
const group = { name: "g", model: "mixed", count: N, flow: "scep", firstIndex: 0, options: {} };

await settle();
const before = process.memoryUsage();
const clock = new RealClock();
const steady = new SteadyScheduler({
  clock,
  spec: { durationSeconds: 3600, intervalSeconds: 900, jitter: 0.2 },
  entropy: entropy.forDevice(0, -1),
  checkin: async () => {},
});
steady.start();
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const identity = createDeviceIdentity(models[i % 3], entropy.forDevice(0, i), i);
  const serial = new Uint8Array(8);
  new DataView(serial.buffer).setUint32(4, i + 1);
  serial[0] = 0x11;
  const der = buildCertificate(
    { serial, issuer: "CN=bench CA", subject: `CN=${identity.serialNumber},O=enrollsim`, notBefore: new Date(0), notAfter: new Date(4e12), spki: spkis[i % 24] },
    ca,
    "sha256",
    crypto,
  );
  const serialHex = Buffer.from(serial).toString("hex");
  steady.add({ identity, group, state: { certificates: [{ label: "scep", pem: toPem(der) }], serverIds: { "scep.serial": serialHex } } });
}
const buildMs = performance.now() - t0;
await settle();
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
await new Promise((r) => setTimeout(r, 2000));
loop.disable();
await settle();
const after = process.memoryUsage();
const population = steady.population;
steady.stop();
await steady.finished;
process.stdout.write(
  `${JSON.stringify({
    devices: N,
    population,
    rssMiB: Math.round((after.rss / 1048576) * 10) / 10,
    bytesPerDevice: Math.round((after.rss - before.rss) / N),
    heapBytesPerDevice: Math.round((after.heapUsed - before.heapUsed) / N),
    baselineRssMiB: Math.round((before.rss / 1048576) * 10) / 10,
    buildMs: Math.round(buildMs),
    idleEventLoopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  })}\n`,
);
