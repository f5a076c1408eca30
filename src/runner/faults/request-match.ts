// SPDX-License-Identifier: MIT
/**
 * Request-content selectors of a fault (`match.body`, `match.header`, `match.field`): a rule that
 * reads what the device SENT, as a server's allow-list, a WAF rule or a proxy filter does ("refuse a
 * discovery whose RequestVersion is not 4.0–7.0", "block a User-Agent", "refuse a check-in from
 * OSVersion 26.*"). Compiled once per entry; checked on every HTTP request (never on a DNS lookup,
 * which has no content).
 *
 * Body text: the body decoded as UTF-8 when it is valid UTF-8, else byte for byte (latin1), so the
 * XML plist inside a DER CMS SignedData (an ADE MachineInfo, a signed profile) is still matchable
 * text; bodies larger than {@link MAX_FIELD_BODY} never match a body or field selector.
 */
import { MAX_FIELD_BODY, parseFieldPath, readFields } from "../../wire/body-fields.js";
import { patternMatcher } from "./pattern.js";
import type { FaultMatch, FieldSelector } from "./vocabulary.js";

/** What a request carries, for the content selectors. */
export interface RequestContent {
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** The body as the `body` selector reads it (see the file comment). */
export function bodyText(body: Uint8Array | undefined): string {
  if (!body || body.length === 0) return "";
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return Buffer.from(body).toString("latin1");
  }
}

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** One `field:` selector: true when a value at the path satisfies it (a field the body lacks never does). */
export function fieldTest(f: FieldSelector): (values: string[]) => boolean {
  const equals = list(f.equals);
  const notEquals = list(f.notEquals);
  const matches = f.matches === undefined ? undefined : patternMatcher(f.matches);
  return (values) => values.some((v) => (equals === undefined || equals.includes(v)) && (notEquals === undefined || !notEquals.includes(v)) && (matches === undefined || matches(v)));
}

/** Why a `field` selector cannot be compiled (a bad path), or undefined. */
export function fieldPathProblem(path: string): string | undefined {
  try {
    parseFieldPath(path);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export class ContentSelector {
  private readonly body?: (text: string) => boolean;
  private readonly headers: [string, (value: string) => boolean][];
  private readonly field?: { steps: ReturnType<typeof parseFieldPath>; test: (values: string[]) => boolean };

  /** Undefined when the entry has no content selector (the common case costs nothing per request). */
  static of(m: FaultMatch | undefined): ContentSelector | undefined {
    return m && (m.body !== undefined || m.header !== undefined || m.field !== undefined) ? new ContentSelector(m) : undefined;
  }

  private constructor(m: FaultMatch) {
    if (m.body !== undefined) this.body = patternMatcher(m.body);
    this.headers = Object.entries(m.header ?? {}).map(([k, v]) => [k.toLowerCase(), patternMatcher(v)]);
    if (m.field !== undefined) this.field = { steps: parseFieldPath(m.field.path), test: fieldTest(m.field) };
  }

  matches(req: RequestContent | undefined): boolean {
    if (!req) return false; // a DNS lookup carries no content
    for (const [name, matches] of this.headers) {
      const value = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? "";
      if (!matches(value)) return false;
    }
    const size = req.body?.length ?? 0;
    if (this.body && (size > MAX_FIELD_BODY || !this.body(bodyText(req.body)))) return false;
    if (this.field && !this.field.test(readFields(req.body, this.field.steps))) return false;
    return true;
  }
}
