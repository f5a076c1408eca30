// SPDX-License-Identifier: MIT
/**
 * The reader every per-release catalog table under devices/ shares (profile-installers/*.yaml, tls-stacks/*.yaml): a
 * YAML file whose `LIST:` key holds rows, each a mapping with known fields, some of them covering OS releases (exact
 * `releases`, or `from` inclusive / `until` exclusive). A problem names file:line:column of the field, what was found
 * and what was expected (ScenarioError), as scenario files do.
 */
import { isMap, LineCounter, parseDocument, type Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { compareVersions } from "../wire/version.js";

/** One row being read: its raw fields, where it is, and how to refuse one of its fields. */
export interface RowReader {
  r: Record<string, unknown>;
  /** `LIST[i]`, for messages. */
  where: string;
  /** file:line:column of the row. */
  at: string;
  /** Refuses field `k` (the row itself where the field is absent): what was found, what was expected. */
  bad(k: string | undefined, what: string, expected: string): never;
}

/** The OS releases a row covers: exact `releases`, or a range (`from` inclusive, `until` exclusive); none: every release. */
export interface ReleaseSpan {
  releases?: string[];
  from?: string;
  until?: string;
}

const VERSION = /^\d+(\.\d+)*$/;

/**
 * Reads the rows under `list` of one file. `required`: a file without the list is refused (else it has no rows);
 * `fields`: the fields a row may have; `shape`: the row's shape for messages ("{ platform, path, source }"); `label`:
 * what the table is ("TLS renegotiation table"). Each row is handed to `row` with its reader.
 */
export function readCatalogRows<T>(text: string, file: string, o: { list: string; label: string; fields: readonly string[]; shape: string; required: boolean }, row: (x: RowReader) => T): T[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (n: Node | null | undefined): string => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const fail = (n: Node | null | undefined, what: string, expected: string): never => {
    throw new ScenarioError(`${o.label}: ${what}`, at(n), expected);
  };
  if (doc.errors.length) fail(undefined, doc.errors[0]!.message, "valid YAML");
  const listNode = isMap(doc.contents) ? (doc.contents.get(o.list, true) as Node | undefined) : undefined;
  const data = doc.toJS() as Record<string, unknown> | null;
  const list = data?.[o.list];
  if (list === undefined && !o.required) return [];
  if (!Array.isArray(list)) return fail(listNode ?? doc.contents, list === undefined ? `missing \`${o.list}:\` list` : `\`${o.list}:\` is not a list`, `${o.list}: [${o.shape}]`);
  return (list as unknown[]).map((r, i) => {
    const node = doc.getIn([o.list, i], true) as Node | undefined;
    const where = `${o.list}[${i}]`;
    if (!r || typeof r !== "object" || Array.isArray(r)) return fail(node, `${where} must be a mapping`, o.shape);
    const rec = r as Record<string, unknown>;
    const bad = (k: string | undefined, what: string, expected: string): never => fail((k !== undefined ? (doc.getIn([o.list, i, k], true) as Node | undefined) : undefined) ?? node, what, expected);
    for (const k of Object.keys(rec)) if (!o.fields.includes(k)) bad(k, `${where}: unknown field "${k}"`, o.fields.join(" | "));
    return row({ r: rec, where, at: at(node), bad });
  });
}

/**
 * A row's `releases` / `from` / `until`, checked (`example`: a quoted version for the message, "17.5"). A table whose
 * rows take no `releases` leaves it out of its fields: readCatalogRows refuses it as an unknown field first.
 */
export function releaseSpan(x: RowReader, example: string): ReleaseSpan {
  const { r, where, bad } = x;
  const version = (v: unknown): boolean => typeof v === "string" && VERSION.test(v);
  if (r.releases !== undefined && (!Array.isArray(r.releases) || r.releases.length === 0 || !r.releases.every(version))) bad("releases", `${where}.releases is ${JSON.stringify(r.releases)}`, `a list of quoted OS versions ("${example}")`);
  if (r.releases !== undefined && (r.from !== undefined || r.until !== undefined)) bad("from", `${where} has releases and from/until`, "either releases (exact) or from/until (a range)");
  for (const k of ["from", "until"] as const) if (r[k] !== undefined && !version(r[k])) bad(k, `${where}.${k} is ${JSON.stringify(r[k])}`, `a quoted OS version ("${example}")`);
  return {
    ...(r.releases ? { releases: (r.releases as string[]).map(String) } : {}),
    ...(r.from !== undefined ? { from: String(r.from) } : {}),
    ...(r.until !== undefined ? { until: String(r.until) } : {}),
  };
}

/** Whether the span covers `osVersion`. */
export function coversRelease(s: ReleaseSpan, osVersion: string): boolean {
  if (s.releases) return s.releases.some((v) => compareVersions(osVersion, v) === 0);
  return (s.from === undefined || compareVersions(osVersion, s.from) >= 0) && (s.until === undefined || compareVersions(osVersion, s.until) < 0);
}

/** A required non-empty string field. */
export function requiredText(x: RowReader, k: string, expected: string): string {
  const v = x.r[k];
  if (typeof v !== "string" || !v.trim()) x.bad(k, `${x.where}.${k} is missing`, expected);
  return v as string;
}

/** A field that must be one of `values`. */
export function oneOf<T extends string>(x: RowReader, k: string, values: readonly T[]): T {
  const v = x.r[k];
  if (!values.includes(v as T)) x.bad(k, `${x.where}.${k} is ${JSON.stringify(v)}`, values.join(" | "));
  return v as T;
}
