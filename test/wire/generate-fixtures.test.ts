// SPDX-License-Identifier: MIT
/**
 * Generator of test/fixtures/scep. Skipped unless GEN_SCEP_FIXTURES=1:
 *
 *   GEN_SCEP_FIXTURES=1 npx vitest run test/wire/generate-fixtures.test.ts
 *
 * Keys are generated only when missing (never overwritten); everything else is rebuilt
 * deterministically from them, mutated copies are made by applying mutations.yaml, and each
 * DER file gets its openssl companion `<name>.txt`.
 */
import { existsSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { buildGolden } from "./support/golden.js";
import { KEY_NAMES, fixturePath, keyPem, loadKeys, readFixture, type FixtureKeys } from "./support/fixture-files.js";
import { applyChange, loadMutations } from "./support/mutations.js";
import { OPENSSL_VERSION, companionName, companionText } from "./support/openssl.js";

const enabled = process.env.GEN_SCEP_FIXTURES === "1";

describe("SCEP fixture generator", () => {
  it.skipIf(!enabled)("regenerates test/fixtures/scep from the committed keys", async () => {
    expect(OPENSSL_VERSION, "the generator needs the openssl CLI for the .txt companions").toBeDefined();
    const crypto = new NodeCrypto();
    let keys = loadKeys(crypto);
    if (!keys) {
      const made = {} as FixtureKeys;
      for (const n of KEY_NAMES) {
        if (existsSync(fixturePath(`${n}.key`))) throw new Error(`some keys exist and some do not; refusing to mix (${n}.key)`);
        made[n] = await crypto.generateKey("rsa2048");
        writeFileSync(fixturePath(`${n}.key`), keyPem(made[n], crypto));
      }
      keys = made;
    }
    const golden = buildGolden(keys);
    const ders: string[] = [];
    for (const [name, content] of golden.files) {
      writeFileSync(fixturePath(name), content);
      if (name.endsWith(".der")) ders.push(name);
    }
    if (existsSync(fixturePath("mutations.yaml"))) {
      for (const m of loadMutations()) {
        writeFileSync(fixturePath(m.file), applyChange(readFixture(m.base), m.change, m.file));
        ders.push(m.file);
      }
    }
    for (const name of ders) writeFileSync(fixturePath(companionName(name)), companionText(name, readFixture(name)));
    expect(ders.length).toBeGreaterThan(10);
  });
});
