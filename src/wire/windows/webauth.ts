// SPDX-License-Identifier: MIT
/**
 * The HTML a federated (MS-MDE2 §3.2) authentication service returns: forms and their inputs,
 * scraped with bounded regular expressions (no script execution, no entity expansion beyond the
 * five predefined ones). Also the pages the reference server serves.
 */
export interface HtmlForm {
  action: string;
  method: string;
  inputs: Record<string, string>;
}

const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const attrOf = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return m ? unescape(m[2] ?? m[3] ?? m[4] ?? "") : undefined;
};

/** Every <form> with its named inputs; at most 16 forms of 64 inputs, 256 KiB of HTML. */
export function parseForms(html: string): HtmlForm[] {
  const text = html.slice(0, 256 * 1024);
  const forms: HtmlForm[] = [];
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
  let m: RegExpExecArray | null;
  while ((m = formRe.exec(text)) !== null && forms.length < 16) {
    const inputs: Record<string, string> = {};
    const inRe = /<input\b[^>]*>/gi;
    let i: RegExpExecArray | null;
    let n = 0;
    while ((i = inRe.exec(m[2]!)) !== null && n++ < 64) {
      const name = attrOf(i[0], "name");
      if (name) inputs[name] = attrOf(i[0], "value") ?? "";
    }
    forms.push({ action: attrOf(`<form${m[1]}>`, "action") ?? "", method: (attrOf(`<form${m[1]}>`, "method") ?? "get").toLowerCase(), inputs });
  }
  return forms;
}

/** What a page without a form says: its title, its first heading and its visible text (tags, scripts and styles removed; 1,000 characters). */
export interface PageText {
  title?: string;
  heading?: string;
  text: string;
}

const visible = (html: string): string =>
  unescape(
    html
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/&nbsp;/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();

/**
 * The readable content of a page that ends a sign-in (an identity provider's own error or block page): undefined
 * unless it has a <title> or a heading, so a page that says nothing stays a page without a form.
 */
export function pageText(html: string): PageText | undefined {
  const text = html.slice(0, 256 * 1024);
  const title = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const heading = /<h[1-3]\b[^>]*>([\s\S]*?)<\/h[1-3]>/i.exec(text)?.[1];
  const t = title !== undefined ? visible(title) : "";
  const h = heading !== undefined ? visible(heading) : "";
  if (!t && !h) return undefined;
  const body = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(text)?.[1] ?? text.replace(/<head\b[\s\S]*?<\/head>/i, "");
  return { ...(t ? { title: t } : {}), ...(h ? { heading: h } : {}), text: visible(body).slice(0, 1000) };
}

export function formPage(title: string, action: string, inputs: Record<string, string>, visible: string[] = [], autoSubmit = false): string {
  const fields = Object.entries(inputs)
    .map(([k, v]) => `<input type="${visible.includes(k) ? "text" : "hidden"}" name="${escape(k)}" value="${escape(v)}"/>`)
    .join("");
  const script = autoSubmit ? "<script>document.forms[0].submit();</script>" : "";
  return `<!DOCTYPE html><html><head><title>${escape(title)}</title></head><body><form method="post" action="${escape(action)}">${fields}<input type="submit" value="Continue"/></form>${script}</body></html>`;
}
