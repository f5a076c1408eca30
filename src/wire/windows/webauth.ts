// SPDX-License-Identifier: MIT
/**
 * The HTML a federated (MS-MDE2 §3.2) authentication service returns: forms and their inputs,
 * scraped with bounded regular expressions (no script execution, no entity expansion beyond the
 * five predefined ones). Also the pages the reference server serves.
 */
import { openTag, readForms, unescape } from "../web/html-form.js";

export interface HtmlForm {
  action: string;
  method: string;
  inputs: Record<string, string>;
}

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Every <form> with its named inputs (wire/web/html-form.ts: 16 forms of 64 inputs, 256 KiB of HTML, linear in the page). */
export function parseForms(html: string): HtmlForm[] {
  return readForms(html).map((f) => ({ action: f.action, method: f.method, inputs: Object.fromEntries(f.inputs.map((i) => [i.name, i.value])) }));
}

/** What a page without a form says: its title and first heading (300 characters each) and its visible text (tags, scripts and styles removed; 1,000 characters). */
export interface PageText {
  title?: string;
  heading?: string;
  text: string;
}

/** The page without its script, style and head elements, in linear time (each name is searched forward only once). */
function withoutBlocks(html: string): string {
  const lower = html.toLowerCase();
  const next = new Map<string, { start: number; content: number } | undefined>();
  let out = "";
  let i = 0;
  for (;;) {
    let best: { name: string; start: number; content: number } | undefined;
    for (const name of ["script", "style", "head"]) {
      if (next.has(name) && next.get(name) === undefined) continue;
      let o = next.get(name);
      if (!o || o.start < i) next.set(name, (o = openTag(lower, name, i)));
      if (o && (!best || o.start < best.start)) best = { name, ...o };
    }
    if (!best) return out + html.slice(i);
    const close = lower.indexOf(`</${best.name}>`, best.content);
    if (close < 0) {
      next.set(best.name, undefined); // unclosed: no later one of this name closes either
      continue;
    }
    out += `${html.slice(i, best.start)} `;
    i = close + best.name.length + 3;
  }
}

const visible = (html: string): string =>
  unescape(
    withoutBlocks(html)
      .replace(/<[^<>]*>/g, " ")
      .replace(/&nbsp;/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();

/** The content of the first element among `names` (closed by the first `</n>` of any of them after it), or undefined. */
function firstElement(html: string, lower: string, names: readonly string[]): string | undefined {
  const opens = names.map((n) => openTag(lower, n, 0)).filter((o) => o !== undefined);
  if (opens.length === 0) return undefined;
  const o = opens.reduce((a, b) => (b.start < a.start ? b : a));
  const closes = names.map((n) => lower.indexOf(`</${n}>`, o.content)).filter((c) => c >= 0);
  return closes.length ? html.slice(o.content, Math.min(...closes)) : undefined;
}

/**
 * The readable content of a page that ends a sign-in (an identity provider's own error or block page): undefined
 * unless it has a <title> or a heading, so a page that says nothing stays a page without a form. Read with indexOf
 * scans, linear in the page: a hostile page of 256 KiB of unclosed tags must not stall the run's event loop (regular
 * expressions with lazy or greedy runs were quadratic here).
 */
export function pageText(html: string): PageText | undefined {
  const text = html.slice(0, 256 * 1024);
  const lower = text.toLowerCase();
  const title = firstElement(text, lower, ["title"]);
  const heading = firstElement(text, lower, ["h1", "h2", "h3"]);
  // Bounded like the text: a hostile page's 200 KiB heading would otherwise be the shown text of every device's error.
  const t = title !== undefined ? visible(title).slice(0, 300) : "";
  const h = heading !== undefined ? visible(heading).slice(0, 300) : "";
  if (!t && !h) return undefined;
  const open = openTag(lower, "body", 0);
  const close = lower.lastIndexOf("</body>");
  let body: string;
  if (open && close >= open.content) body = text.slice(open.content, close);
  else {
    const head = openTag(lower, "head", 0);
    const headEnd = head ? lower.indexOf("</head>", head.content) : -1;
    body = head && headEnd >= 0 ? text.slice(0, head.start) + text.slice(headEnd + 7) : text;
  }
  return { ...(t ? { title: t } : {}), ...(h ? { heading: h } : {}), text: visible(body).slice(0, 1000) };
}

export function formPage(title: string, action: string, inputs: Record<string, string>, visible: string[] = [], autoSubmit = false): string {
  const fields = Object.entries(inputs)
    .map(([k, v]) => `<input type="${visible.includes(k) ? "text" : "hidden"}" name="${escape(k)}" value="${escape(v)}"/>`)
    .join("");
  const script = autoSubmit ? "<script>document.forms[0].submit();</script>" : "";
  return `<!DOCTYPE html><html><head><title>${escape(title)}</title></head><body><form method="post" action="${escape(action)}">${fields}<input type="submit" value="Continue"/></form>${script}</body></html>`;
}
