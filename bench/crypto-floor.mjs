// SPDX-License-Identifier: MIT
// (d) The crypto floor of one enrolment: the private-key operations a device cannot avoid,
// counted on a real enrolment through a counting CryptoPort, times their native cost measured
// here in the same run. Key generation is not part of it (keys come from the pool).
import { createPrivateKey } from "node:crypto";
import { NodeCrypto } from "../dist/platform/node/crypto.js";

/** A CryptoPort that counts private-key operations (sign, RSA decrypt) by key type. */
export function countingCrypto(inner = new NodeCrypto()) {
  const counts = {};
  const bump = (k) => (counts[k] = (counts[k] ?? 0) + 1);
  const port = Object.create(inner);
  port.sign = (key, alg, data) => (bump(`sign:${key.kind}${key.bits}:${alg}`), inner.sign(key, alg, data));
  port.rsaDecryptPkcs1 = (key, data) => (bump(`decrypt:${key.kind}${key.bits}`), inner.rsaDecryptPkcs1(key, data));
  return { port, counts };
}

/**
 * Wraps a NodeHttp port to count TLS client-certificate signatures: one private-key signature
 * (CertificateVerify, inside OpenSSL, not through the CryptoPort) per FULL handshake of a client
 * with an mTLS identity. Resumed handshakes (the adapter resumes TLS sessions within one client)
 * and kept-alive connections sign nothing, so the port's own handshake counters are used rather
 * than counting requests. Call `settle()` after the run to copy them into `counts`.
 */
export function countingHttp(inner, counts) {
  let label;
  const start = { ...inner.tlsStats };
  return {
    client(opts = {}) {
      if (opts.tls?.identity && !label) {
        const d = createPrivateKey(opts.tls.identity.keyPem);
        label = `tls-client-sign:${d.asymmetricKeyType}${d.asymmetricKeyDetails?.modulusLength ?? (d.asymmetricKeyDetails?.namedCurve === "secp384r1" ? 384 : 256)}`;
      }
      return inner.client(opts);
    },
    settle() {
      const n = inner.tlsStats.fullWithClientCert - start.fullWithClientCert;
      if (n > 0) counts[label ?? "tls-client-sign:rsa2048"] = n;
      return { full: inner.tlsStats.full - start.full, resumed: inner.tlsStats.resumed - start.resumed, fullWithClientCert: n };
    },
  };
}

/** Native cost (ms) of each counted operation, measured on a pool key. */
export async function measureOps(key, ops, iterations = 400) {
  const c = new NodeCrypto();
  const data = new Uint8Array(1024).fill(7);
  const cost = {};
  let ecKey;
  for (const op of ops) {
    let fn;
    if (op.startsWith("sign:") || op.startsWith("tls-client-sign:")) {
      // TLS 1.3 CertificateVerify with an RSA key is RSA-PSS/SHA-256: same cost as PKCS#1 v1.5.
      const alg = op.split(":")[2] ?? "sha256";
      const k = op.includes(":ec") ? ecKey ?? (ecKey = await c.generateKey(op.includes("384") ? "ec-p384" : "ec-p256")) : key;
      fn = () => c.sign(k, alg, data);
    } else if (op.startsWith("decrypt:")) {
      const ct = c.rsaEncryptPkcs1(key.spki, new Uint8Array(32).fill(1));
      fn = () => c.rsaDecryptPkcs1(key, ct);
    } else continue;
    for (let i = 0; i < 50; i++) fn(); // warm up
    // The least-disturbed of 8 batches, timed by the wall clock: these calls are synchronous on
    // this thread, and right after a run process.cpuUsage() also counts other threads (GC
    // finishing the run's heap, sockets closing), which inflated this cost by up to 50 %.
    const batch = Math.max(1, Math.round(iterations / 8));
    let best = Infinity;
    for (let b = 0; b < 8; b++) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) fn();
      best = Math.min(best, (performance.now() - t0) / batch);
    }
    cost[op] = best;
  }
  return cost;
}

/** floor = Σ (operations per enrolment × native cost). */
export function floorMs(perEnrol, cost) {
  let total = 0;
  for (const [op, n] of Object.entries(perEnrol)) total += n * (cost[op] ?? 0);
  return total;
}
