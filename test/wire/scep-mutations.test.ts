// SPDX-License-Identifier: MIT
/**
 * Annotated mutated SCEP fixtures (test/fixtures/scep/mutations.yaml): each file is exactly its
 * base with the annotated change (re-applied here, byte for byte), and our parsers/validators
 * give the annotated outcome.
 */
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../../src/errors/index.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { parseSignedData } from "../../src/wire/cms/signed-data.js";
import { encode } from "../../src/wire/asn1/der.js";
import { sameBytes } from "../../src/wire/x509/certificate.js";
import { nullsToUndefined, runCheck } from "./support/checks.js";
import { FIXTURE_DIR, loadKeys, readCert, readFixture } from "./support/fixture-files.js";
import { buildGolden, type Golden } from "./support/golden.js";
import { ATTRIBUTE_OIDS, applyChange, loadMutations, type Mutation } from "./support/mutations.js";

const mutations = loadMutations();
let golden: Golden;

beforeAll(() => {
  golden = buildGolden(loadKeys(new NodeCrypto())!);
});

/** Signed attributes as "oid → DER of the values", for comparing two messages. */
function attributeMap(der: Uint8Array): Map<string, string> {
  const signer = parseSignedData(der).signers[0]!;
  return new Map([...signer.attributes].map(([oid, vals]) => [oid, vals.map((v) => Buffer.from(encode(v)).toString("hex")).join(",")]));
}

/** Checks that `mutated` differs from `base` in exactly the way the annotation says. */
function assertDiffersAsAnnotated(m: Mutation, base: Uint8Array, mutated: Uint8Array): void {
  const c = m.change;
  if ("flip" in c) {
    expect(mutated.length).toBe(base.length);
    const diffs = [...base.keys()].filter((i) => base[i] !== mutated[i]);
    expect(diffs).toEqual([c.flip.offset]);
    expect(mutated[c.flip.offset]!.toString(16).padStart(2, "0")).toBe(c.flip.new);
  } else if ("truncate" in c) {
    expect(mutated.length).toBe(c.truncate.length);
    expect(sameBytes(mutated, base.subarray(0, mutated.length))).toBe(true);
  } else if ("certsOnly" in c) {
    const subjects = parseSignedData(mutated).certificates.map((x) => x.serialHex);
    expect(subjects).toEqual(c.certsOnly.certificates.map((n) => readCert(n).serialHex));
  } else {
    const before = attributeMap(base);
    const after = attributeMap(mutated);
    const edits = c.resign.signedAttrs ?? {};
    const touched = new Set([...(edits.remove ?? []), ...Object.keys(edits.set ?? {})].map((n) => ATTRIBUTE_OIDS[n]!));
    // messageDigest changes exactly when the envelope is replaced.
    if (c.resign.envelope) touched.add("1.2.840.113549.1.9.4");
    for (const oid of new Set([...before.keys(), ...after.keys()])) {
      if (touched.has(oid)) expect(after.get(oid), `attribute ${oid} should change`).not.toBe(before.get(oid));
      else expect(after.get(oid), `attribute ${oid} should be unchanged`).toBe(before.get(oid));
    }
    for (const name of edits.remove ?? []) expect(after.has(ATTRIBUTE_OIDS[name]!)).toBe(false);
    const signer = parseSignedData(mutated).signers[0]!;
    expect(readCert(c.resign.signer.cert).serialHex).toBe(Buffer.from(signer.serial).toString("hex"));
    const sameContent = sameBytes(parseSignedData(base).content ?? new Uint8Array(), parseSignedData(mutated).content ?? new Uint8Array());
    expect(sameContent, "encapsulated content is kept unless the annotation replaces the envelope").toBe(!c.resign.envelope);
  }
}

describe("mutations.yaml", () => {
  it("annotates every mutated .der file in the fixture directory, each made from an existing base", () => {
    const goldenDers = new Set([...golden.files.keys()].filter((f) => f.endsWith(".der")));
    const mutated = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith(".der") && !goldenDers.has(f));
    expect(mutated.sort()).toEqual(mutations.map((m) => m.file).sort());
    for (const m of mutations) expect(goldenDers.has(m.base), `${m.file} base ${m.base}`).toBe(true);
  });

  it("re-signing a base with no edits reproduces it byte for byte (so a resign changes only what it names)", () => {
    for (const [base, cert, key] of [["pkcsreq.der", "device-signer.pem", "device.key"], ["certrep-success.der", "ca.pem", "ca.key"], ["renewalreq.der", "device-issued.pem", "device.key"]]) {
      const again = applyChange(readFixture(base!), { resign: { signer: { cert: cert!, key: key! } } }, "no-op");
      expect(sameBytes(again, readFixture(base!)), base).toBe(true);
    }
  });
});

describe.each(mutations.map((m) => [m.file, m] as const))("%s", (_file, m) => {
  it(`is ${m.base} with: ${m.what}`, () => {
    const base = readFixture(m.base);
    const mutated = readFixture(m.file);
    expect(sameBytes(applyChange(base, m.change, m.file), mutated), "re-applying the annotation must give the committed bytes").toBe(true);
    assertDiffersAsAnnotated(m, base, mutated);
  });

  for (const exp of m.expect) {
    const label = `${exp.check}${exp.options ? ` ${JSON.stringify(exp.options)}` : ""} → ${exp.error ?? JSON.stringify(exp.value)}`;
    it(label, () => {
      const der = readFixture(m.file);
      if (exp.error) {
        let thrown: unknown;
        try {
          runCheck(exp, der, golden);
        } catch (err) {
          thrown = err;
        }
        expect(thrown, "expected a typed error").toBeInstanceOf(SimError);
        expect((thrown as SimError).code).toBe(exp.error);
      } else {
        expect(runCheck(exp, der, golden)).toMatchObject(nullsToUndefined(exp.value ?? {}));
      }
    });
  }
});
