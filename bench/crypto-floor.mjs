// SPDX-License-Identifier: MIT
// (d) The crypto floor of one enrolment: the private-key operations a device cannot avoid,
// counted on a real enrolment through a counting CryptoPort, times their native cost measured
// here in the same run. Key generation is not part of it (keys come from the pool).
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
 * An HttpPort that counts TLS client-certificate handshakes: one private-key signature
 * (CertificateVerify) inside OpenSSL per https request of a client with an mTLS identity
 * (connections are per request unless keepAlive). They do not pass through the CryptoPort.
 */
export function countingHttp(inner, counts) {
  return {
    client(opts = {}) {
      const c = inner.client(opts);
      const mtls = !!opts.tls?.identity;
      let opened = false;
      return {
        request: (req) => {
          if (mtls && req.url.startsWith("https:") && (!opts.keepAlive || !opened)) {
            counts["tls-client-sign:rsa2048"] = (counts["tls-client-sign:rsa2048"] ?? 0) + 1;
            opened = true;
          }
          return c.request(req);
        },
        close: () => c.close(),
      };
    },
  };
}

/** Native cost (ms) of each counted operation, measured on a pool key. */
export async function measureOps(key, ops, iterations = 400) {
  const c = new NodeCrypto();
  const data = new Uint8Array(1024).fill(7);
  const cost = {};
  for (const op of ops) {
    let fn;
    if (op.startsWith("sign:") || op.startsWith("tls-client-sign:")) {
      const alg = op.split(":")[2] ?? "sha256";
      fn = () => c.sign(key, alg, data);
    } else if (op.startsWith("decrypt:")) {
      const ct = c.rsaEncryptPkcs1(key.spki, new Uint8Array(32).fill(1));
      fn = () => c.rsaDecryptPkcs1(key, ct);
    } else continue;
    for (let i = 0; i < 50; i++) fn(); // warm up
    const t0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const d = process.cpuUsage(t0);
    cost[op] = (d.user + d.system) / 1000 / iterations;
  }
  return cost;
}

/** floor = Σ (operations per enrolment × native cost). */
export function floorMs(perEnrol, cost) {
  let total = 0;
  for (const [op, n] of Object.entries(perEnrol)) total += n * (cost[op] ?? 0);
  return total;
}
