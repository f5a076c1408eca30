// SPDX-License-Identifier: MIT
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { createScenarioAjv } from "../../../src/runner/scenario/load.js";
import { scenarioSchema } from "../../../src/runner/scenario/schema.js";

const PUBLISHED = "scenarios/scenario.schema.json";
const published = JSON.parse(readFileSync(PUBLISHED, "utf8")) as Record<string, unknown>;
const REGENERATE =
  `${PUBLISHED} differs from src/runner/scenario/schema.ts; after \`npm run build\` regenerate it with: ` +
  `node --input-type=module -e "import('./dist/runner/scenario/schema.js').then(m => console.log(JSON.stringify(m.scenarioSchema, null, 2)))" > ${PUBLISHED}`;

describe("published JSON Schema", () => {
  it("is a valid draft-07 schema", () => {
    expect(published.$schema).toBe("http://json-schema.org/draft-07/schema#");
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(published), ajv.errorsText(ajv.errors)).toBe(true);
  });

  it("compiles under ajv strict mode (with the x-expected annotation) and in a plain validator", () => {
    expect(() => createScenarioAjv().compile(published)).not.toThrow();
    expect(() => new Ajv({ strict: false }).compile(published)).not.toThrow();
  });

  it("is the schema the loader uses", () => {
    expect(published, REGENERATE).toEqual(JSON.parse(JSON.stringify(scenarioSchema)));
  });

  it("lets an independent validator accept a full scenario and catch a typo", () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(published);
    const full: unknown = parse(readFileSync("test/runner/scenario/fixtures/full.yaml", "utf8"));
    expect(validate(full), JSON.stringify(validate.errors)).toBe(true);
    const typo: unknown = parse(readFileSync("test/runner/scenario/fixtures/bad-typo.yaml", "utf8"));
    expect(validate(typo)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === "additionalProperties")).toBe(true);
  });
});
