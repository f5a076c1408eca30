// SPDX-License-Identifier: MIT
/**
 * node:crypto adapter for {@link CryptoPort}. Every private-key operation here is native OpenSSL:
 * RSA-2048 sign ≈ 1 ms, versus 40–60 ms event-loop-blocking in pure JS (scep-and-crypto.md §9.2).
 */
import { ioLedger } from "../../ports/io-ledger.js";
import {
  KeyObject,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  sign as nodeSign,
  verify as nodeVerify,
  constants,
  timingSafeEqual,
} from "node:crypto";
import forge from "node-forge";
import type { ContentCipher, CryptoPort, HashAlg, KeySpec, PrivateKey } from "../../ports/crypto.js";
import { ProtocolViolationError } from "../../errors/index.js";
import { rsaSpkiToJwk } from "./keypool/rsa-jwk.js";

/** The Node-side private key: the port's opaque shape plus the native KeyObject. */
export class NodePrivateKey implements PrivateKey {
  readonly kind: "rsa" | "ec";
  readonly bits: number;
  readonly spki: Uint8Array;
  constructor(readonly keyObject: KeyObject) {
    const type = keyObject.asymmetricKeyType;
    if (type !== "rsa" && type !== "ec") throw new Error(`unsupported key type ${type}`);
    this.kind = type;
    const details = keyObject.asymmetricKeyDetails ?? {};
    this.bits =
      type === "rsa"
        ? (details.modulusLength ?? 0)
        : details.namedCurve === "secp384r1"
          ? 384
          : 256;
    this.spki = new Uint8Array(createPublicKey(keyObject).export({ type: "spki", format: "der" }));
  }
}

/** PKCS#8 PEM of each private key handed to a TLS stack (see `privateKeyPem`). */
const exportedPem = new WeakMap<KeyObject, string>();

function native(key: PrivateKey): KeyObject {
  if (key instanceof NodePrivateKey) return key.keyObject;
  throw new Error("private key was not created by the node crypto adapter");
}

/** Most distinct public keys whose imported KeyObjects are kept (CA/RA keys are shared by every device). */
export const PUBLIC_KEY_CACHE_SIZE = 1024;
const publicKeys = new Map<string, KeyObject>();

/**
 * The KeyObject of an SPKI, imported once and kept in a bounded LRU: re-importing on every
 * verify/encrypt cost 7–9 % of the simulator's CPU (docs/performance.md). Public keys only; an
 * SPKI that fails to import is not cached.
 */
function spkiKey(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString("base64");
  const hit = publicKeys.get(id);
  if (hit) {
    publicKeys.delete(id);
    publicKeys.set(id, hit);
    return hit;
  }
  // An RSA key is imported as a JWK read by a minimal SPKI reader (keypool/rsa-jwk.ts): ≈ 20× cheaper
  // than OpenSSL 3's DER decoder; anything the reader does not accept goes through OpenSSL as before.
  const jwk = rsaSpkiToJwk(spki);
  let key: KeyObject | undefined;
  try {
    if (jwk) key = createPublicKey({ key: jwk, format: "jwk" });
  } catch {
    // a key OpenSSL refuses as a JWK (e.g. exponent 0) is left to the DER import, which decides as before
  }
  key ??= createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  publicKeys.set(id, key);
  if (publicKeys.size > PUBLIC_KEY_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value as string);
  return key;
}

/** Number of public keys currently cached (tests). */
export function publicKeyCacheSize(): number {
  return publicKeys.size;
}

/**
 * RSAES-PKCS1-v1_5 decryption without Node's PKCS#1 v1.5 path.
 *
 * WARNING: test-only. Node 20 refuses `privateDecrypt` with RSA_PKCS1_PADDING since the Marvin-attack
 * fix (CVE-2023-46809), and `--security-revert` cannot be set from NODE_OPTIONS. A SCEP CertRep is
 * exactly such an envelope, so we decrypt with RSA_NO_PADDING and strip the type-2 padding here.
 * This is safe for a simulator: it only ever decrypts messages addressed to its own throwaway keys,
 * so no padding oracle is exposed to anyone. A runtime with implicit rejection can replace this.
 */
function rsaPkcs1Unpad(em: Buffer, modulusBytes: number): Buffer {
  if (em.length !== modulusBytes || em[0] !== 0x00 || em[1] !== 0x02) {
    throw new ProtocolViolationError("crypto.bad-padding", "RSA key transport block is not PKCS#1 v1.5 type 2");
  }
  const sep = em.indexOf(0x00, 2);
  if (sep < 10) {
    throw new ProtocolViolationError("crypto.bad-padding", "RSA key transport block has a short or missing padding string");
  }
  return em.subarray(sep + 1);
}

const cipherKeyBytes: Record<ContentCipher, number> = {
  "aes-128-cbc": 16,
  "aes-192-cbc": 24,
  "aes-256-cbc": 32,
  "des-ede3-cbc": 24,
  "des-cbc": 8,
};

/**
 * Single-DES CBC decryption through node-forge: OpenSSL 3 keeps DES-CBC in the legacy provider,
 * which Node does not load, yet Debian's scepserver encrypts every CertRep with it. This is a
 * symmetric decryption of a few KiB (microseconds), not a private-key operation.
 */
function desCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const bin = (u: Uint8Array) => Buffer.from(u).toString("binary");
  const d = forge.cipher.createDecipher("DES-CBC", bin(key));
  d.start({ iv: bin(iv) });
  d.update(forge.util.createBuffer(bin(data)));
  if (!d.finish()) throw new Error("bad padding");
  return new Uint8Array(Buffer.from(d.output.getBytes(), "binary"));
}

export class NodeCrypto implements CryptoPort {
  digest(alg: HashAlg, data: Uint8Array): Uint8Array {
    return new Uint8Array(createHash(alg).update(data).digest());
  }

  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac(alg, key).update(data).digest());
  }

  secretsEqual(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && timingSafeEqual(a, b);
  }

  sign(key: PrivateKey, alg: HashAlg, data: Uint8Array): Uint8Array {
    return new Uint8Array(nodeSign(alg, data, native(key)));
  }

  verify(spki: Uint8Array, alg: HashAlg, data: Uint8Array, signature: Uint8Array): boolean {
    try {
      return nodeVerify(alg, data, spkiKey(spki), signature);
    } catch {
      return false;
    }
  }

  rsaEncryptPkcs1(spki: Uint8Array, data: Uint8Array): Uint8Array {
    return new Uint8Array(publicEncrypt({ key: spkiKey(spki), padding: constants.RSA_PKCS1_PADDING }, data));
  }

  rsaDecryptPkcs1(key: PrivateKey, data: Uint8Array): Uint8Array {
    const k = native(key);
    const modulusBytes = Math.ceil(key.bits / 8);
    if (data.length !== modulusBytes) {
      throw new ProtocolViolationError(
        "crypto.bad-ciphertext",
        `RSA ciphertext is ${data.length} bytes, expected ${modulusBytes} for a ${key.bits}-bit key`,
      );
    }
    const em = privateDecrypt({ key: k, padding: constants.RSA_NO_PADDING }, data);
    return new Uint8Array(rsaPkcs1Unpad(em, modulusBytes));
  }

  encrypt(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    if (cipher === "des-cbc") throw new Error("single DES is accepted when reading, never used when sending");
    const c = createCipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
  }

  decrypt(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    if (key.length !== cipherKeyBytes[cipher]) {
      throw new ProtocolViolationError(
        "crypto.bad-content-key",
        `content-encryption key is ${key.length} bytes, ${cipher} needs ${cipherKeyBytes[cipher]}`,
      );
    }
    try {
      if (cipher === "des-cbc") return desCbcDecrypt(key, iv, data);
      const d = createDecipheriv(cipher, key, iv);
      return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
    } catch (err) {
      throw new ProtocolViolationError("crypto.decrypt-failed", `${cipher} decryption failed (bad key or padding)`, {
        cause: err,
      });
    }
  }

  generateKey(spec: KeySpec): Promise<PrivateKey> {
    // EC keys take ≈ 0.1 ms: generated on this thread, no threadpool round trip (whose latency
    // under load is unbounded, and which a virtual-time run cannot see finishing). RSA keys
    // (≈ 250 ms; the key pool, the reference CA) go to the threadpool.
    if (!spec.startsWith("rsa")) {
      return Promise.resolve(new NodePrivateKey(generateKeyPairSync("ec", { namedCurve: spec === "ec-p384" ? "secp384r1" : "prime256v1" }).privateKey));
    }
    const made = new Promise<PrivateKey>((resolve, reject) => {
      generateKeyPair("rsa", { modulusLength: Number(spec.slice(3)), publicExponent: 0x10001 }, (err: Error | null, _pub: KeyObject, priv: KeyObject) =>
        err ? reject(err) : resolve(new NodePrivateKey(priv)),
      );
    });
    // Threadpool work: a virtual-time run waits for it before moving time (ports/io-ledger.ts).
    return ioLedger.track(`keygen ${spec}`, made);
  }

  importPrivateKey(pkcs8Der: Uint8Array): PrivateKey {
    return new NodePrivateKey(createPrivateKey({ key: Buffer.from(pkcs8Der), format: "der", type: "pkcs8" }));
  }

  exportPrivateKey(key: PrivateKey): Uint8Array {
    return new Uint8Array(native(key).export({ type: "pkcs8", format: "der" }));
  }

  /**
   * Exported once per key object and kept with it (a WeakMap: gone with the key). Device keys are
   * pool keys, imported once per slot and shared by the devices of that slot; a steady check-in
   * hands its identity to the TLS stack every time, and the export was ≈ 6 % of its CPU.
   */
  privateKeyPem(key: PrivateKey): string {
    const k = native(key);
    let pem = exportedPem.get(k);
    if (pem === undefined) {
      pem = k.export({ type: "pkcs8", format: "pem" }).toString();
      exportedPem.set(k, pem);
    }
    return pem;
  }
}
