// Regenerates scenarios/README-steps.md from the built step registry (source of truth:
// src/device/flows/steps.ts). Run with `npm run docs:steps`; test/device/flows/steps-doc.test.ts checks it.
import { writeFileSync } from "node:fs";
const { stepsMarkdown } = await import("../dist/device/flows/steps.js");
writeFileSync(new URL("../scenarios/README-steps.md", import.meta.url), stepsMarkdown());
console.log("wrote scenarios/README-steps.md");
