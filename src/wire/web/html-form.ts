// SPDX-License-Identifier: MIT
/**
 * HTML forms of a sign-in page, read as data: no script execution, no entity expansion beyond the five predefined
 * ones, bounded (16 forms of 64 inputs, 256 KiB of HTML) and linear in the page — forward indexOf scans only, so a
 * hostile page of unclosed <form or <input tags cannot stall the run. Used by the Windows federated sign-in and
 * terms pages (wire/windows/webauth.ts) and the Apple account and portal sign-ins.
 */
export interface HtmlInput {
  name: string;
  value: string;
  /** The type attribute, lower case ("text" when absent). */
  type: string;
}

export interface ReadForm {
  action: string;
  /** Lower case ("get" when absent). */
  method: string;
  inputs: HtmlInput[];
}

const MAX_HTML = 256 * 1024;

export const unescape = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** An attribute of one tag's text (already cut to that tag, so the regular expression runs on a bounded string). */
export const attrOf = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return m ? unescape(m[2] ?? m[3] ?? m[4] ?? "") : undefined;
};

/**
 * The first opening tag `<name …>` at or after `from` in `lower` (the page in lower case): where it starts and where
 * its content does. Linear: indexOf only, and a tag without a later `>` means no later one has one either.
 */
export function openTag(lower: string, name: string, from: number): { start: number; content: number } | undefined {
  for (let i = lower.indexOf(`<${name}`, from); i >= 0; i = lower.indexOf(`<${name}`, i + 1)) {
    if (/[a-z0-9_]/.test(lower[i + name.length + 1] ?? "")) continue; // <header is not <head
    const gt = lower.indexOf(">", i);
    return gt < 0 ? undefined : { start: i, content: gt + 1 };
  }
  return undefined;
}

/** Every closed <form> with its named inputs, in page order. */
export function readForms(html: string): ReadForm[] {
  const text = html.slice(0, MAX_HTML);
  const lower = text.toLowerCase();
  const forms: ReadForm[] = [];
  for (let from = 0; forms.length < 16;) {
    const form = openTag(lower, "form", from);
    const close = form ? lower.indexOf("</form>", form.content) : -1;
    if (!form || close < 0) break;
    const inputs: HtmlInput[] = [];
    for (let i = form.content, n = 0; n < 64; n++) {
      const input = openTag(lower, "input", i);
      if (!input || input.content > close) break;
      const tag = text.slice(input.start, input.content);
      const name = attrOf(tag, "name");
      if (name) inputs.push({ name, value: attrOf(tag, "value") ?? "", type: (attrOf(tag, "type") ?? "text").toLowerCase() });
      i = input.content;
    }
    const tag = text.slice(form.start, form.content);
    forms.push({ action: attrOf(tag, "action") ?? "", method: (attrOf(tag, "method") ?? "get").toLowerCase(), inputs });
    from = close + 7;
  }
  return forms;
}
