// SPDX-License-Identifier: MIT
/**
 * What each platform's HTTP stack does when the server asks for a client certificate in the middle of a
 * connection: a TLS 1.2 renegotiation (HelloRequest, then a handshake with a CertificateRequest) after the
 * request was sent, as IIS with a per-path client-certificate rule and some reverse proxies do
 * (TlsSettings.renegotiation; the `tls: client-cert-mid-connection` fault makes the embedded server do it).
 *
 * Rows come from devices/tls-stacks/*.yaml, extended by `--devices DIR`'s tls-stacks/*.yaml (a user's row first).
 * Only what is published decides a row; where nothing is, the row says `published: false` and `follow`: the
 * simulator's TLS stack (OpenSSL) follows the renegotiation, which is OpenSSL's behaviour, not a claim about the
 * platform's. A device no row covers follows, the same way.
 */
import { isMap, LineCounter, parseDocument, type Node } from "yaml";
import { ScenarioError } from "../errors/index.js";
import { compareVersions } from "../wire/version.js";

const PLATFORMS = ["windows", "ios", "ipados", "macos", "android"] as const;
const BEHAVIOURS = ["follow", "fail"] as const;
export type RenegotiationBehaviour = (typeof BEHAVIOURS)[number];

/** One row: a platform, optionally a range of its OS releases (`from` inclusive, `until` exclusive), the behaviour and its source. */
export interface RenegotiationRow {
  platform: (typeof PLATFORMS)[number];
  from?: string;
  until?: string;
  /** `fail`: the exchange ends with transport detail `tls.renegotiation`; `follow`: the new handshake runs and the exchange goes on. */
  behaviour: RenegotiationBehaviour;
  /** Whether the source states the platform's behaviour (false: OpenSSL's following stands in). */
  published: boolean;
  source: string;
  /** file:line:column of the row, for messages. */
  at: string;
}

export class RenegotiationCatalog {
  /** Rows in precedence order: the first row covering a device decides. */
  constructor(readonly rows: readonly RenegotiationRow[] = []) {}

  /** The row of a device's platform and OS release, if any. */
  rowFor(platform: string, osVersion: string): RenegotiationRow | undefined {
    return this.rows.find((r) => r.platform === platform && (r.from === undefined || compareVersions(osVersion, r.from) >= 0) && (r.until === undefined || compareVersions(osVersion, r.until) < 0));
  }

  /** What the device's stack does; `follow` where no row covers it. */
  behaviourFor(platform: string, osVersion: string): RenegotiationBehaviour {
    return this.rowFor(platform, osVersion)?.behaviour ?? "follow";
  }

  /** The user's rows (`--devices DIR`) before the shipped ones: they override a shipped row for the same device. */
  withOverrides(first: RenegotiationCatalog): RenegotiationCatalog {
    return new RenegotiationCatalog([...first.rows, ...this.rows]);
  }
}

const FIELDS = ["platform", "from", "until", "behaviour", "published", "source"];
const VERSION = /^\d+(\.\d+)*$/;

/** Parses the `renegotiation:` list of one devices/tls-stacks/*.yaml file; a problem names file:line:column. */
export function parseRenegotiationRows(text: string, file: string): RenegotiationRow[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (n: Node | null | undefined): string => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const bad = (n: Node | null | undefined, what: string, expected: string): never => {
    throw new ScenarioError(`TLS renegotiation table: ${what}`, at(n), expected);
  };
  if (doc.errors.length) bad(undefined, doc.errors[0]!.message, "valid YAML");
  const listNode = isMap(doc.contents) ? (doc.contents.get("renegotiation", true) as Node | undefined) : undefined;
  const data = doc.toJS() as { renegotiation?: unknown };
  if (!Array.isArray(data?.renegotiation)) return bad(listNode ?? doc.contents, "missing `renegotiation:` list", "renegotiation: [{ platform, from?, until?, behaviour, published, source }]");
  return (data.renegotiation as Record<string, unknown>[]).map((r, i) => {
    const node = doc.getIn(["renegotiation", i], true) as Node | undefined;
    const field = (k: string): Node | undefined => (doc.getIn(["renegotiation", i, k], true) as Node | undefined) ?? node;
    const where = `renegotiation[${i}]`;
    if (!r || typeof r !== "object" || Array.isArray(r)) return bad(node, `${where} must be a mapping`, "{ platform, from?, until?, behaviour, published, source }");
    for (const k of Object.keys(r)) if (!FIELDS.includes(k)) bad(field(k), `${where}: unknown field "${k}"`, FIELDS.join(" | "));
    if (!PLATFORMS.includes(r.platform as RenegotiationRow["platform"])) bad(field("platform"), `${where}.platform is ${JSON.stringify(r.platform)}`, PLATFORMS.join(" | "));
    for (const k of ["from", "until"] as const) if (r[k] !== undefined && !(typeof r[k] === "string" && VERSION.test(r[k]))) bad(field(k), `${where}.${k} is ${JSON.stringify(r[k])}`, 'a quoted OS version ("10.0.22631", "17.5")');
    if (!BEHAVIOURS.includes(r.behaviour as RenegotiationBehaviour)) bad(field("behaviour"), `${where}.behaviour is ${JSON.stringify(r.behaviour)}`, BEHAVIOURS.join(" | "));
    if (typeof r.published !== "boolean") bad(field("published"), `${where}.published is ${JSON.stringify(r.published)}`, "true (the source states the behaviour) | false (not published: OpenSSL's following stands in)");
    if (r.published === false && r.behaviour !== "follow") bad(field("behaviour"), `${where}: an unpublished behaviour cannot be "${String(r.behaviour)}"`, "follow (OpenSSL's behaviour stands in where nothing is published)");
    if (typeof r.source !== "string" || !r.source.trim()) bad(field("source"), `${where}.source is missing`, "where the behaviour is published (URL and what it shows), or why it is not");
    return {
      platform: r.platform as RenegotiationRow["platform"],
      behaviour: r.behaviour as RenegotiationBehaviour,
      published: r.published as boolean,
      source: r.source as string,
      at: at(node),
      ...(r.from !== undefined ? { from: String(r.from) } : {}),
      ...(r.until !== undefined ? { until: String(r.until) } : {}),
    };
  });
}
