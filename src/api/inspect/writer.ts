// SPDX-License-Identifier: MIT
/** Indented text with aligned `Label: value` runs; control characters from the input are escaped. */

/** Escapes control characters so hostile names cannot move the cursor or recolour a terminal. */
export const clean = (s: string): string =>
  s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

export class TextWriter {
  private readonly lines: string[] = [];
  private pending: { label: string; value: string }[] = [];
  private level = 0;

  /** A `Label: value` line; consecutive fields at one level share a column. */
  field(label: string, value: string | number | boolean): this {
    this.pending.push({ label, value: clean(String(value)) });
    return this;
  }

  /** A free line at the current level. */
  line(text: string): this {
    this.flush();
    this.lines.push(`${"  ".repeat(this.level)}${clean(text)}`);
    return this;
  }

  blank(): this {
    this.flush();
    this.lines.push("");
    return this;
  }

  /** Writes `body` one level deeper. */
  nest(body: () => void, levels = 1): this {
    this.flush();
    this.level += levels;
    body();
    this.flush();
    this.level -= levels;
    return this;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const width = Math.max(...this.pending.map((f) => f.label.length)) + 2;
    const pad = "  ".repeat(this.level);
    for (const f of this.pending) this.lines.push(`${pad}${`${clean(f.label)}:`.padEnd(width)}${f.value}`.trimEnd());
    this.pending = [];
  }

  toString(): string {
    this.flush();
    return `${this.lines.join("\n")}\n`;
  }
}
