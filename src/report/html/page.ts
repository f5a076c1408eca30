// SPDX-License-Identifier: MIT
/**
 * One self-contained HTML page: uPlot's JS and CSS and the page script inline, the run's data as
 * JSON in a `<script type="application/json">` element, and a Content-Security-Policy that allows
 * exactly those inline scripts (by SHA-256 hash) and no network access (no fetch, no images or fonts
 * from anywhere; the live dashboard alone may open its WebSocket back to 127.0.0.1). Server text in
 * the data cannot break out of its element: every `<` in the JSON is written `\u003c` (and U+2028/9
 * escaped), and the page script puts text into the DOM with `textContent`, never as HTML.
 */
import type { ReportModel } from "./model.js";

/** The files the page inlines. */
export interface PageAssets {
  uplotJs: string;
  uplotCss: string;
  pageJs: string;
  pageCss: string;
}

export interface PageOptions {
  title: string;
  assets: PageAssets;
  /** SHA-256 of a string, base64 (for the CSP's script hashes; node:crypto in the caller). */
  sha256: (text: string) => string;
  /** The static report's data. */
  model?: ReportModel;
  /** Live dashboard: the page connects to this WebSocket path on the host that served it. */
  live?: { wsPath: string };
}

/**
 * JSON safe inside a `<script>` element: no `<` (so no `</script>`, `<!--` or `<script`; a script
 * element's text ends only at `</script`, and `>` and `&` mean nothing there), no JS line terminators.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Script text safe inside a `<script>` element (a `</script` in a string literal becomes `<\/script`). */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's HTML text. */
export function renderPage(o: PageOptions): string {
  const data = scriptJson({ model: o.model ?? null, live: o.live ?? null });
  const uplot = inlineScript(o.assets.uplotJs);
  const page = inlineScript(o.assets.pageJs);
  const css = `${o.assets.uplotCss}\n${o.assets.pageCss}`.replace(/<\/(style)/gi, "<\\/$1");
  const hash = (s: string) => `'sha256-${o.sha256(s)}'`;
  const csp = [
    "default-src 'none'",
    `script-src ${hash(uplot)} ${hash(page)}`,
    `style-src ${hash(css)}`, // uPlot and the page script size elements through element.style (CSSOM), which the CSP allows
    "img-src data:",
    o.live ? "connect-src 'self'" : "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(o.title)}</title>`,
    `<style>${css}</style>`,
    "</head>",
    "<body>",
    '<main id="app"><p id="loading">Loading the report…</p></main>',
    `<script type="application/json" id="enrollsim-data">${data}</script>`,
    `<script>${uplot}</script>`,
    `<script>${page}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
