// Regenerates scenarios/scenario.schema.json from the built schema (source of truth:
// src/runner/scenario/schema.ts). Run with `npm run schema`.
import { writeFileSync } from "node:fs";
const { scenarioSchema } = await import("../dist/runner/scenario/schema.js");
writeFileSync(new URL("../scenarios/scenario.schema.json", import.meta.url), `${JSON.stringify(scenarioSchema, null, 2)}\n`);
console.log("wrote scenarios/scenario.schema.json");
