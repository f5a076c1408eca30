// SPDX-License-Identifier: MIT
/**
 * Maps a path inside the parsed scenario (["groups", 0, "count"], the segments of an ajv
 * `instancePath`) back to the YAML source, so every error can say `file:line:column`.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type LineCounter, type Node } from "yaml";

/** One step into the data: a mapping key or a list index. */
export type PathSegment = string | number;

/** Which part of the addressed entry an error should point at. */
export type Anchor = "value" | "key";

/** Formats a path the way people write it: `groups[0].options.scep.url`, `expect.latency["scep.pkioperation"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "the scenario";
}

/** Splits an ajv `instancePath` (JSON Pointer) into segments; list indexes become numbers when `data` says so. */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === "") return [];
  const path: PathSegment[] = [];
  let cursor: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cursor)) {
      const index = Number(key);
      path.push(index);
      cursor = cursor[index];
    } else {
      path.push(key);
      cursor = cursor !== null && typeof cursor === "object" ? (cursor as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

/** Source positions for one parsed YAML document. */
export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  /** `file:line:column` for a character offset (1-based line and column). */
  at(offset: number): string {
    const { line, col } = this.lines.linePos(Math.max(0, offset));
    return `${this.file}:${line}:${col}`;
  }

  /**
   * `file:line:column` of the entry at `path`: its value (default) or, for `"key"`, its key. Falls back
   * to the nearest enclosing node that exists (an empty value points at its key, a missing key at
   * its mapping).
   */
  where(path: readonly PathSegment[], anchor: Anchor = "value"): string {
    return this.at(this.offsetOf(path, anchor));
  }

  /** Offset of the first alias (`*name`) in the document, or of the document start. */
  firstAliasOffset(): number {
    let offset: number | undefined;
    visit(this.doc, {
      Alias: (_key, node) => {
        offset ??= node.range?.[0];
        return visit.BREAK;
      },
    });
    return offset ?? this.startOffset();
  }

  /** Offset where the document's content starts (first key), or 0. */
  startOffset(): number {
    const contents = this.doc.contents as Node | null;
    return contents?.range?.[0] ?? 0;
  }

  /** Character offset that {@link where} reports (also used to order errors by position). */
  offsetOf(path: readonly PathSegment[], anchor: Anchor = "value"): number {
    let node: unknown = this.doc.contents;
    let best = this.startOffset();
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        best = node.range?.[0] ?? best;
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return best;
        const keyStart = (pair.key as Node).range?.[0] ?? best;
        if (last && anchor === "key") return keyStart;
        best = keyStart;
        node = pair.value;
        const range = (node as Node | null)?.range;
        // An empty value (`count:`) has a zero-width range right after the key: point at the key.
        if (!range || range[0] === range[1]) return keyStart;
      } else if (isSeq(node) && typeof seg === "number") {
        best = node.range?.[0] ?? best;
        node = node.items[seg];
        if (node === undefined) return best;
      } else {
        return best;
      }
    }
    return (node as Node | null)?.range?.[0] ?? best;
  }
}
