// SPDX-License-Identifier: MIT
/**
 * Turns ajv validation errors into one sentence a scenario author can act on, plus the place in
 * the file it concerns. Wording is derived from the schema (`type`, bounds, `enum`, `x-expected`),
 * so the schema and the messages cannot drift apart.
 */
import type { Ajv, ErrorObject } from "ajv";
import { formatPath, pointerToPath, type Anchor, type PathSegment } from "./locate.js";
import { didYouMean } from "./suggest.js";

/**
 * The schema's own annotation keywords, which every Ajv compiling scenario schema must accept:
 * `x-expected` (the wording of "what was expected") and `x-removed` (enum values that were
 * removed, with what replaced each; read by {@link issuesFromAjv}).
 */
export function addAnnotationKeywords(ajv: Pick<Ajv, "addKeyword">): void {
  ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
  ajv.addKeyword({ keyword: "x-removed", schemaType: "object" });
}

/** A problem found in a scenario, addressed by data path; the loader turns it into a ScenarioError. */
export interface Issue {
  path: PathSegment[];
  /** Point at the value (or enclosing mapping) or at the key of the last path segment. */
  anchor: Anchor;
  message: string;
  /** What would have been accepted, for {@link ScenarioError.expected}. */
  expected?: string;
  /**
   * Lower ranks are reported first, then earlier positions: 0 for unknown keys (a typo explains the
   * "missing key" error it causes), 1 for everything else.
   */
  rank: number;
}

type SchemaNode = Record<string, unknown>;

/** How a value is shown after "got": strings quoted, containers named. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function describeNumber(base: string, s: SchemaNode): string {
  const min = s.minimum as number | undefined;
  const max = s.maximum as number | undefined;
  const xmin = s.exclusiveMinimum as number | undefined;
  const xmax = s.exclusiveMaximum as number | undefined;
  if (min !== undefined && max !== undefined) return `${base} from ${min} to ${max}`;
  const bounds = [
    min !== undefined ? `>= ${min}` : xmin !== undefined ? `> ${xmin}` : "",
    max !== undefined ? `<= ${max}` : xmax !== undefined ? `< ${xmax}` : "",
  ].filter(Boolean);
  return bounds.length ? `${base} ${bounds.join(" and ")}` : base;
}

function describeType(type: string, s: SchemaNode): string {
  switch (type) {
    case "integer":
      return describeNumber("an integer", s);
    case "number":
      return describeNumber("a number", s);
    case "boolean":
      return "true or false";
    case "object":
      return "a mapping";
    case "array":
      return (s.minItems as number | undefined) === 1 ? "a non-empty list" : "a list";
    case "string": {
      const min = s.minLength as number | undefined;
      const max = s.maxLength as number | undefined;
      const base = min === 1 ? "a non-empty string" : min ? `a string of at least ${min} characters` : "a string";
      const withMax = max !== undefined ? `${base} of at most ${max} characters` : base;
      return typeof s.pattern === "string" ? `${withMax} matching /${s.pattern}/` : withMax;
    }
    default:
      return type;
  }
}

/** The accepted values of a schema node, in words ("an integer from 1 to 1000000", "one of a, b"). */
export function describeExpected(s: SchemaNode): string {
  if (typeof s["x-expected"] === "string") return s["x-expected"];
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(", ")}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === "string" ? [s.type] : [];
  return types.length ? types.map((t) => describeType(t, s)).join(" or ") : "a valid value";
}

/** Keys that may appear in a mapping, from its schema. */
function allowedKeys(s: SchemaNode): string[] {
  return Object.keys((s.properties as SchemaNode | undefined) ?? {});
}

/** Names from a `oneOf: [{required: [a]}, {required: [b]}]` ("exactly one of these keys"). */
function exclusiveKeys(s: SchemaNode): string[] | undefined {
  const branches = s.oneOf as SchemaNode[] | undefined;
  const names = branches?.map((b) => (b.required as string[] | undefined)?.[0]);
  return names && names.every((n): n is string => typeof n === "string") ? names : undefined;
}

/** Errors ajv reports from inside a combinator or propertyNames; the combinator's own error says it better. */
function isInnerError(e: ErrorObject): boolean {
  const inner = e.schemaPath.split("/").slice(0, -1);
  return inner.some((seg) => seg === "oneOf" || seg === "anyOf" || seg === "propertyNames") || "propertyName" in e;
}

/** Converts ajv errors (with `verbose: true`) into issues; `data` is the validated value. */
export function issuesFromAjv(errors: readonly ErrorObject[], data: unknown): Issue[] {
  return errors.filter((e) => !isInnerError(e)).map((e) => issueFromAjv(e, data));
}

function issueFromAjv(e: ErrorObject, data: unknown): Issue {
  const path = pointerToPath(e.instancePath, data);
  const where = formatPath(path);
  const s = (e.parentSchema ?? {}) as SchemaNode;
  const p = e.params as Record<string, unknown>;
  const got = describeValue(e.data);
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const keys = allowedKeys(s);
      const inWhere = path.length ? `in ${where}` : "at the top level";
      return {
        path: [...path, key],
        anchor: "key",
        rank: 0,
        message: `unknown property "${key}" ${inWhere}; expected one of ${keys.join(", ")}${didYouMean(key, keys)}`,
        expected: `one of ${keys.join(", ")}`,
      };
    }
    case "propertyNames": {
      const key = String(p.propertyName);
      const expected = describeExpected((s.propertyNames ?? {}) as SchemaNode);
      const message = `${where} has an invalid key "${key}"; expected ${expected}`;
      return { path: [...path, key], anchor: "key", rank: 0, message, expected };
    }
    case "required": {
      const missing = String(p.missingProperty);
      return {
        path,
        anchor: "value",
        rank: 1,
        message: `${where} is missing required property "${missing}"`,
        expected: `properties ${((s.required as string[] | undefined) ?? [missing]).join(", ")}`,
      };
    }
    case "dependencies": {
      const property = String(p.property);
      const needs = (p.deps as string).split(", ").join(" and ");
      return {
        path: [...path, property],
        anchor: "key",
        rank: 1,
        message: `${formatPath([...path, property])} requires ${needs} (missing "${String(p.missingProperty)}")`,
        expected: needs,
      };
    }
    case "oneOf": {
      const expected = describeExpected(s);
      const names = exclusiveKeys(s);
      const present = names?.filter((n) => e.data !== null && typeof e.data === "object" && n in (e.data as object));
      if (present && present.length > 1) {
        return {
          path: [...path, present[1]],
          anchor: "key",
          rank: 1,
          message: `${where} gives both ${present.join(" and ")}; give ${expected}`,
          expected,
        };
      }
      return { path, anchor: "value", rank: 1, message: `${where} needs ${expected}`, expected };
    }
    case "minItems":
      return {
        path,
        anchor: "value",
        rank: 1,
        message: p.limit === 1 ? `${where} must not be empty` : `${where} must have at least ${String(p.limit)} items`,
        expected: describeExpected(s),
      };
    case "maxItems":
      return {
        path,
        anchor: "value",
        rank: 1,
        message: `${where} must have at most ${String(p.limit)} items`,
        expected: describeExpected(s),
      };
    case "minProperties":
      // An object whose schema words what it expects says so: e.g. how to write a proxy that asks no authentication.
      return { path, anchor: "value", rank: 1, message: `${where} must not be empty${typeof s["x-expected"] === "string" ? `; expected ${s["x-expected"]}` : ""}`, expected: describeExpected(s) };
    case "uniqueItems": {
      const later = Math.max(Number(p.i), Number(p.j));
      const earlier = Math.min(Number(p.i), Number(p.j));
      const item = Array.isArray(e.data) ? describeValue(e.data[later]) : "an item";
      return {
        path: [...path, later],
        anchor: "value",
        rank: 1,
        message: `${formatPath([...path, later])} repeats ${item}, already given as ${formatPath([...path, earlier])}`,
        expected: "each item once",
      };
    }
    default: {
      // type, enum, const, pattern, minimum, maximum, exclusive*, minLength, maxLength, multipleOf
      const expected = describeExpected(s);
      // A value removed from an enum (issue 10's one-scenario values) says what replaced it: schema `x-removed: {value: replacement}`.
      const removed = e.keyword === "enum" && typeof e.data === "string" ? (s["x-removed"] as Record<string, string> | undefined)?.[e.data] : undefined;
      if (removed) return { path, anchor: "value", rank: 1, message: `${where}: "${e.data as string}" was removed; it is replaced by ${removed}`, expected };
      const hint = e.keyword === "enum" && typeof e.data === "string" ? didYouMean(e.data, (s.enum as unknown[]).map(String)) : "";
      return { path, anchor: "value", rank: 1, message: `${where} must be ${expected} (got ${got})${hint}`, expected };
    }
  }
}
