// SPDX-License-Identifier: MIT
/**
 * Which CertRep encodings each client release accepts, rejects or crashes on (devices/scep-clients/*.yaml, extended by
 * `--devices DIR`'s scep-clients/*.yaml): one row per published report, with its source. A device's SCEP client gets
 * the rows for its platform and release (`CertRepParserCatalog.forDevice`); an encoding its release has no row for is
 * refused, the RFC-strict default.
 */
import { isMap, type Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { compareVersions } from "../wire/version.js";
import { CACAPS_PROPERTIES, CERTREP_PROPERTIES, CERTREP_REACTIONS, type CertRepParser, type CertRepParserRule, type CertRepProperty, type CertRepReaction } from "../wire/scep/certrep-encoding.js";
import { AGENT_PLATFORMS as PLATFORMS } from "./agents.js";
import { readYaml } from "./catalog-reader.js";

type Platform = (typeof PLATFORMS)[number];

/** One row: the releases it covers (exact `releases`, or `from` inclusive / `until` exclusive) and the rule. */
export interface CertRepParserRow extends CertRepParserRule {
  platform: Platform;
  releases?: string[];
  from?: string;
  until?: string;
  /** file:line of the row, for messages. */
  at: string;
}

/** The release of a device as rows are written: Android by API level, the others by OS version. */
export interface ParserSubject {
  platform: Platform;
  osVersion: string;
  apiLevel?: number;
}

const release = (s: ParserSubject): string => (s.platform === "android" ? String(s.apiLevel ?? 0) : s.osVersion);
const cmp = (s: ParserSubject, v: string): number => (s.platform === "android" ? (s.apiLevel ?? 0) - Number(v) : compareVersions(s.osVersion, v));

export class CertRepParserCatalog {
  /** Rows in precedence order: the first matching row for a property value decides. */
  constructor(readonly rows: readonly CertRepParserRow[] = []) {}

  covers(row: CertRepParserRow, s: ParserSubject): boolean {
    // iPadOS shares iOS's release numbers (and iPads ran "iPhone OS" before iPadOS 13): an `ios` row covers iPads.
    if (row.platform !== s.platform && !(row.platform === "ios" && s.platform === "ipados")) return false;
    if (row.releases) return row.releases.some((r) => cmp(s, r) === 0);
    return (row.from === undefined || cmp(s, row.from) >= 0) && (row.until === undefined || cmp(s, row.until) < 0);
  }

  /** The parser of one device: its release's rules (first row per property value). */
  forDevice(s: ParserSubject): CertRepParser {
    const rules: CertRepParserRule[] = [];
    for (const row of this.rows) {
      if (!this.covers(row, s) || rules.some((r) => r.property === row.property && r.value === row.value)) continue;
      rules.push({ property: row.property, value: row.value, reaction: row.reaction, source: row.source });
    }
    return { release: `${s.platform} ${release(s)}`, rules };
  }

  /** The user's rows (`--devices DIR`) before the shipped ones: they override a shipped row for the same release. */
  withOverrides(first: CertRepParserCatalog): CertRepParserCatalog {
    return new CertRepParserCatalog([...first.rows, ...this.rows]);
  }
}

const FIELDS = ["platform", "releases", "from", "until", "encoding", "getCaCaps", "getCaCert", "reaction", "source"];
/** The properties of the CA's answers before any PKIOperation that a row may judge instead of `encoding:` (certrep-encoding.ts). */
const ANSWER_PROPERTIES = Object.keys(CACAPS_PROPERTIES) as (keyof typeof CACAPS_PROPERTIES)[];

/** Parses one devices/scep-clients/*.yaml file (`parsers:` list); a problem names file:line:column. */
export function parseCertRepParsers(text: string, file: string): CertRepParserRow[] {
  // Malformed YAML is refused by readYaml at the parser's own position (the catalogs' one reader, catalog-reader.ts).
  const reader = readYaml(text, file);
  const doc = reader.doc;
  const at = (n: Node | null | undefined): string => reader.loc(n);
  const bad = (n: Node | null | undefined, what: string, expected: string): never => {
    throw new ScenarioError(`CertRep parser catalog: ${what}`, at(n), expected);
  };
  const listNode = isMap(doc.contents) ? (doc.contents.get("parsers", true) as Node | undefined) : undefined;
  const data = doc.toJS() as { parsers?: unknown };
  if (!Array.isArray(data?.parsers)) return bad(listNode ?? doc.contents, "missing `parsers:` list", "parsers: [{ platform, releases | from/until, encoding | getCaCaps | getCaCert, reaction, source }]");
  return (data.parsers as unknown[]).map((item, i) => {
    const node = doc.getIn(["parsers", i], true) as Node | undefined;
    const field = (k: string): Node | undefined => (doc.getIn(["parsers", i, k], true) as Node | undefined) ?? node;
    if (item === null || typeof item !== "object" || Array.isArray(item)) bad(node, `parsers[${i}] is ${JSON.stringify(item)}`, "a mapping { platform, releases | from/until, encoding | getCaCaps | getCaCert, reaction, source }");
    const r = item as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!FIELDS.includes(k)) bad(field(k), `parsers[${i}]: unknown field "${k}"`, FIELDS.join(" | "));
    if (!PLATFORMS.includes(r.platform as Platform)) bad(field("platform"), `parsers[${i}].platform is ${JSON.stringify(r.platform)}`, PLATFORMS.join(" | "));
    const platform = r.platform as Platform;
    const version = (v: unknown): boolean => (platform === "android" ? Number.isInteger(v) : typeof v === "string" && /^\d+(\.\d+)*$/.test(v));
    const versionExpected = platform === "android" ? "an API level (21)" : 'a quoted OS version ("11.4")';
    if (r.releases !== undefined && (!Array.isArray(r.releases) || r.releases.length === 0 || !r.releases.every(version)))
      bad(field("releases"), `parsers[${i}].releases is ${JSON.stringify(r.releases)}`, `a list of releases, each ${versionExpected}`);
    if (r.releases !== undefined && (r.from !== undefined || r.until !== undefined)) bad(field("from"), `parsers[${i}] has releases and from/until`, "either releases (exact) or from/until (a range)");
    for (const k of ["from", "until"] as const) if (r[k] !== undefined && !version(r[k])) bad(field(k), `parsers[${i}].${k} is ${JSON.stringify(r[k])}`, versionExpected);
    // A row judges one property: of the CertRep's encoding (`encoding: { property: value }`), or of the GetCACaps answer (`getCaCaps: value`).
    let property: CertRepProperty;
    let value: unknown;
    const answer = ANSWER_PROPERTIES.filter((k) => r[k] !== undefined);
    if (answer.length > 0) {
      const name = answer[0]!;
      if (r.encoding !== undefined || answer.length > 1) bad(field(name), `parsers[${i}] has ${[...(r.encoding !== undefined ? ["encoding"] : []), ...answer].join(" and ")}`, "one of them: a row judges one property");
      [property, value] = [name, r[name]];
      const allowed = CACAPS_PROPERTIES[name] as readonly string[];
      if (!allowed.includes(value as string)) bad(field(name), `parsers[${i}].${name} is ${JSON.stringify(value)}`, allowed.join(" | "));
      if (r.reaction === "crash") bad(field("reaction"), `parsers[${i}]: a crash on a ${name === "getCaCaps" ? "GetCACaps" : "GetCACert"} answer is not modelled`, "reject | accept");
    } else {
      const enc = r.encoding as Record<string, unknown> | undefined;
      const entries = enc && typeof enc === "object" ? Object.entries(enc) : [];
      if (entries.length !== 1)
        bad(
          field("encoding"),
          `parsers[${i}].encoding must name exactly one property`,
          Object.entries(CERTREP_PROPERTIES)
            .map(([p, v]) => `{ ${p}: ${v.join(" | ")} }`)
            .join(" or ") + ` (or, instead of encoding, ${ANSWER_PROPERTIES.map((k) => `${k}: ${CACAPS_PROPERTIES[k].join(" | ")}`).join(" or ")})`,
        );
      [property, value] = entries[0]! as [CertRepProperty, unknown];
      const values = CERTREP_PROPERTIES[property as keyof typeof CERTREP_PROPERTIES] as readonly string[] | undefined;
      if (!values) bad(field("encoding"), `parsers[${i}].encoding: unknown property "${property}"`, Object.keys(CERTREP_PROPERTIES).join(" | "));
      if (!values!.includes(value as string)) bad(field("encoding"), `parsers[${i}].encoding.${property} is ${JSON.stringify(value)}`, values!.join(" | "));
    }
    if (!CERTREP_REACTIONS.includes(r.reaction as CertRepReaction)) bad(field("reaction"), `parsers[${i}].reaction is ${JSON.stringify(r.reaction)}`, CERTREP_REACTIONS.join(" | "));
    if (property === "contentCipher" && r.reaction === "accept") bad(field("reaction"), `parsers[${i}]: accepting ${String(value)} is not modelled (the simulator decrypts no AES-GCM EnvelopedData)`, "reject | crash");
    if (typeof r.source !== "string" || !r.source.trim()) bad(field("source"), `parsers[${i}].source is missing`, "where the release's behaviour is published (URL and what it shows)");
    const row: CertRepParserRow = {
      platform,
      property,
      value: value as string,
      reaction: r.reaction as CertRepReaction,
      source: r.source as string,
      at: at(node),
      ...(r.releases ? { releases: (r.releases as unknown[]).map(String) } : {}),
      ...(r.from !== undefined ? { from: String(r.from) } : {}),
      ...(r.until !== undefined ? { until: String(r.until) } : {}),
    };
    return row;
  });
}
