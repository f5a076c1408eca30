// SPDX-License-Identifier: MIT
/**
 * Scenario loader: YAML text → validated {@link ResolvedScenario}, or one {@link ScenarioError} whose
 * message starts with `file:line:column:` and says what was expected. Pure: no file or network I/O
 * (see {@link ./read.ts} for reading from disk).
 *
 * Order of checks: size → YAML syntax (incl. duplicate keys, unresolved tags) → aliases (unknown, or
 * expanding past {@link MAX_ALIAS_COUNT}) → JSON Schema ({@link scenarioSchema}) → semantic checks →
 * defaults. When one stage finds several problems, the most relevant is reported (see {@link report}).
 */
import { Ajv, type ValidateFunction } from "ajv";
import { LineCounter, isScalar, parseDocument, visit, type Document } from "yaml";
import { ScenarioError, asSimError } from "../../errors/index.js";
import { SourceLocator } from "./locate.js";
import { addAnnotationKeywords, issuesFromAjv, type Issue } from "./messages.js";
import { resolveScenario } from "./resolve.js";
import { scenarioSchema } from "./schema.js";
import { semanticIssues } from "./semantic.js";
import { faultWarnings } from "./faults-semantic.js";
import { caWarnings } from "./ca-semantic.js";
import { mdmAppWarnings } from "./mdm-app-semantic.js";
import { licenceWarnings } from "./licence-semantic.js";
import { appPromptWarnings } from "./app-prompt-semantic.js";
import { adeCloudConfigWarnings } from "./ade-cloud-config-semantic.js";
import { appleProfileWarnings } from "./apple-profile-semantic.js";
import { realWaitWarnings } from "../timeline/wait-warnings.js";
import { removedKeyIssues } from "./removed.js";
import { stateKeyIssue } from "./state-key-issues.js";
import { stateReaderWarnings } from "./state-reader-warnings.js";
import type { ResolvedScenario, Scenario, ScenarioContext } from "./types.js";

/** Largest scenario file accepted, in characters. */
export const MAX_SCENARIO_CHARS = 1_048_576;

/** yaml's alias-expansion budget (`maxAliasCount`): small reuse is fine, "billion laughs" is not. */
export const MAX_ALIAS_COUNT = 100;

/** A fresh ajv instance configured like the loader's, accepting the schema's `x-expected` annotation. */
export function createScenarioAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true, // so the most relevant error can be chosen (a typo before the "missing key" it causes)
    verbose: true, // errors carry the offending data and the schema node the wording is derived from
    strict: true,
    strictRequired: false, // `oneOf: [{required: [rate]}, …]` names properties declared one level up
    strictNumbers: true, // .nan and .inf are not numbers
    allowUnionTypes: true, // seed: integer or string
  });
  addAnnotationKeywords(ajv);
  return ajv;
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  validator ??= createScenarioAjv().compile(scenarioSchema);
  return validator;
}

/**
 * Throws the issue that comes first by rank, then by position in the file, carrying every other
 * problem of the file in `more` (in file order, one per place) so `validate` can list them all at once.
 */
function report(issues: Issue[], locator: SourceLocator): never {
  const ranked = issues
    .map((issue) => ({ issue, offset: locator.offsetOf(issue.path, issue.anchor) }))
    .sort((a, b) => a.issue.rank - b.issue.rank || a.offset - b.offset);
  const { issue, offset } = ranked[0]!;
  // One problem per place: with allErrors ajv reports several wordings of one mistake; the best-ranked one speaks for it.
  // A problem of a mapping that holds a more specific one ("arrival needs rate or concurrency" around
  // the typo "concurency") is usually its consequence: the specific one speaks for both.
  const key = (p: readonly unknown[]) => p.map(String).join("\u0000");
  const within = (outer: readonly unknown[], inner: readonly unknown[]) => inner.length > outer.length && key(inner.slice(0, outer.length)) === key(outer);
  const seen = new Set<number>([offset]);
  const more: ScenarioError[] = [];
  for (const r of ranked.slice(1)) {
    if (seen.has(r.offset) || ranked.some((o) => within(r.issue.path, o.issue.path))) continue;
    seen.add(r.offset);
    more.push(new ScenarioError(r.issue.message, locator.at(r.offset), r.issue.expected));
  }
  more.sort((a, b) => issueOrder(a) - issueOrder(b));
  throw Object.assign(new ScenarioError(issue.message, locator.at(offset), issue.expected), more.length ? { more } : {});
}

/** line * 1e6 + column of a "file:line:column" location, for file order. */
function issueOrder(e: ScenarioError): number {
  const m = /:(\d+):(\d+)$/.exec(e.location ?? "");
  return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
}

/** Text of the mapping key that starts at `offset`, if any. */
function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair: (_key, pair) => {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      found = String(pair.key.value);
      return visit.BREAK;
    },
  });
  return found;
}

/** The first alias whose anchor is not defined before it. */
function unresolvedAlias(doc: Document): { source: string; offset: number } | undefined {
  let found: { source: string; offset: number } | undefined;
  visit(doc, {
    Alias: (_key, node) => {
      if (node.resolve(doc) !== undefined) return undefined;
      found = { source: node.source, offset: node.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  return found;
}

/** YAML text → plain data, or a ScenarioError at the offending character. */
function parseYaml(text: string, fileName: string): { data: unknown; locator: SourceLocator } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
  const locator = new SourceLocator(doc, lineCounter, fileName);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const offset = problem.pos[0];
    let message = `YAML syntax error: ${problem.message}`;
    if (problem.code === "DUPLICATE_KEY") {
      const key = keyAt(doc, offset) ?? text.slice(problem.pos[0], problem.pos[1]);
      message = `duplicate key ${JSON.stringify(key)}; each key may appear once per mapping`;
    } else if (problem.code === "MULTIPLE_DOCS") {
      message = "a scenario file holds one YAML document; remove the second '---'";
    }
    throw new ScenarioError(message, locator.at(offset), "valid YAML");
  }
  const alias = unresolvedAlias(doc);
  if (alias) {
    const message = `alias *${alias.source} refers to no anchor defined before it`;
    throw new ScenarioError(message, locator.at(alias.offset), "an anchor (&name) before its alias");
  }
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locator };
  } catch (err) {
    // yaml throws ReferenceError("Excessive alias count …") when aliases expand past the budget.
    if (!(err instanceof ReferenceError)) throw asSimError(err);
    const message = `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes' worth); write the values out`;
    throw new ScenarioError(message, locator.at(locator.firstAliasOffset()), "aliases that expand modestly");
  }
}

/**
 * Parses and validates a scenario. `fileName` is used only in messages. Throws {@link ScenarioError}
 * (`scenario.invalid`, `location` = "file:line:column", `expected` = what would be accepted).
 */
export function parseScenario(text: string, fileName: string, context: ScenarioContext): ResolvedScenario {
  if (text.length > MAX_SCENARIO_CHARS) {
    const message = `scenario file is ${text.length} characters; at most ${MAX_SCENARIO_CHARS} are accepted`;
    throw new ScenarioError(message, `${fileName}:1:1`);
  }
  const { data, locator } = parseYaml(text, fileName);
  if (data === null || data === undefined) {
    const message = "scenario file is empty; expected a mapping with at least name and groups";
    throw new ScenarioError(message, locator.at(0), "a mapping");
  }
  // A removed knob says what replaced it before the schema calls it an unknown key.
  const removed = removedKeyIssues(data);
  if (removed.length) report(removed, locator);
  const check = validate();
  if (!check(data)) report(issuesFromAjv(check.errors ?? [], data).map((i) => stateKeyIssue(i, data, context)), locator);
  const scenario = data as Scenario;
  const issues = semanticIssues(scenario, context);
  if (issues.length) report(issues, locator);
  const resolved = resolveScenario(scenario, fileName);
  const warnings = [...faultWarnings(scenario, context), ...appPromptWarnings(scenario, context), ...appleProfileWarnings(scenario), ...adeCloudConfigWarnings(scenario), ...realWaitWarnings(scenario), ...caWarnings(scenario), ...mdmAppWarnings(scenario), ...licenceWarnings(scenario, context), ...stateReaderWarnings(scenario, context)].map((w) => `${locator.at(locator.offsetOf(w.path, w.anchor))}: warning: ${w.message}`);
  return warnings.length ? { ...resolved, warnings } : resolved;
}
