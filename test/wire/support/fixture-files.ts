// SPDX-License-Identifier: MIT
/** Paths and PEM I/O for test/fixtures/scep (test-only keys and certificates). */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { PrivateKey } from "../../../src/ports/crypto.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { fromPem, parseCertificate, toPem, type Certificate } from "../../../src/wire/x509/certificate.js";

export const FIXTURE_DIR = fileURLToPath(new URL("../../fixtures/scep/", import.meta.url));

export const fixturePath = (name: string): string => join(FIXTURE_DIR, name);

export const readFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(name)));

/** First line of every committed key and certificate file. */
export const TEST_ONLY_HEADER = "# test-only key, never use elsewhere (enrollsim SCEP fixture, see README.md)\n";

/** The four RSA-2048 fixture keys. */
export const KEY_NAMES = ["ca", "ra", "device", "other"] as const;
export type KeyName = (typeof KEY_NAMES)[number];
export type FixtureKeys = Record<KeyName, PrivateKey>;

export const keyPem = (key: PrivateKey, crypto: NodeCrypto): string => TEST_ONLY_HEADER + crypto.privateKeyPem(key);
export const certPem = (der: Uint8Array): string => TEST_ONLY_HEADER + toPem(der);

/** Loads `<name>.key` files (PKCS#8 PEM), or returns undefined when any is missing. */
export function loadKeys(crypto = new NodeCrypto()): FixtureKeys | undefined {
  if (!KEY_NAMES.every((n) => existsSync(fixturePath(`${n}.key`)))) return undefined;
  const load = (n: KeyName) => {
    const [der] = fromPem(readFileSync(fixturePath(`${n}.key`), "utf8"), "PRIVATE KEY");
    if (!der) throw new Error(`${n}.key holds no PRIVATE KEY block`);
    return crypto.importPrivateKey(der);
  };
  return { ca: load("ca"), ra: load("ra"), device: load("device"), other: load("other") };
}

/** Reads a committed PEM certificate (`ca.pem`, …). */
export function readCert(name: string): Certificate {
  const [der] = fromPem(readFileSync(fixturePath(name), "utf8"));
  if (!der) throw new Error(`${name} holds no CERTIFICATE block`);
  return parseCertificate(der, name);
}

/** Reads a committed private key by file name (`ca.key`, …). */
export function readKey(name: string, crypto = new NodeCrypto()): PrivateKey {
  const [der] = fromPem(readFileSync(fixturePath(name), "utf8"), "PRIVATE KEY");
  if (!der) throw new Error(`${name} holds no PRIVATE KEY block`);
  return crypto.importPrivateKey(der);
}
