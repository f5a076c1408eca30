// SPDX-License-Identifier: MIT
/**
 * What a sign-in page without a form says (src/wire/windows/webauth.ts pageText), on ordinary and hostile pages. The
 * hostile pages are 256 KiB of unclosed tags: the regular expressions pageText used before scanned to the end of the
 * page from every tag (quadratic: these pages blocked the event loop, and so every device of the run, for 107 s under
 * this machine's load); read linearly they take milliseconds. The bound is a test timeout far above what linear reading takes, not a
 * timed assertion.
 */
import { describe, expect, it } from "vitest";
import { formPage, pageText, parseForms } from "../../../src/wire/windows/webauth.js";

const MAX = 256 * 1024;
const fill = (prefix: string, unit: string) => prefix + unit.repeat(Math.ceil((MAX - prefix.length) / unit.length));

describe("pageText", () => {
  it("reads the title, the first heading and the body's visible text, without head, scripts and styles", () => {
    const page =
      "<!DOCTYPE html><html><head><title>Sign In</title><style>p{}</style></head><body><script>var x='<p>no</p>'</script>" +
      "<h2 class=x>Access denied</h2><p>Your organization does not allow sign-in from this device.&nbsp;Contact&#39;s admin.</p><header>Contoso</header></body></html>";
    expect(pageText(page)).toEqual({ title: "Sign In", heading: "Access denied", text: "Access denied Your organization does not allow sign-in from this device. Contact's admin. Contoso" });
    expect(pageText("<html><head><title>Error</title></head>Something failed<H1>Oops</H3></html>")).toEqual({ title: "Error", heading: "Oops", text: "Something failed Oops" });
    expect(pageText("<html><body><p>nothing to say</p></body></html>")).toBeUndefined();
    expect(pageText("<header>Contoso</header><titled>x</titled>")).toBeUndefined();
  });

  it("a hostile page of unclosed tags is read in linear time and says what it can", () => {
    expect(pageText(fill("<title>Blocked</title>", "<body>"))).toEqual({ title: "Blocked", text: "Blocked" });
    expect(pageText(fill("<title>Blocked</title><body>", "<h1>"))).toEqual({ title: "Blocked", text: "Blocked" });
    expect(pageText(fill("<title>Blocked</title><body>", "<script>"))).toMatchObject({ title: "Blocked", text: expect.stringMatching(/^Blocked/) });
    expect(pageText(fill("", "<title"))).toBeUndefined();
    const long = pageText(`<title>${"T".repeat(100_000)}</title><h1>${"H ".repeat(50_000)}</h1>`)!;
    expect([long.title!.length, long.heading!.length, long.text.length]).toEqual([300, 300, 1000]);
    expect(pageText(fill("<h1>Denied</h1>", "<<p"))).toMatchObject({ heading: "Denied" });
  });

  it("forms: what the server's own pages carry is read back; hostile pages of unclosed <form and <input tags are read in linear time", () => {
    const page = formPage("Sign in", "/login?x=1&y=2", { user: "ana@contoso.com", wctx: 'a"b<c>' }, ["user"]);
    expect(parseForms(page)).toEqual([{ action: "/login?x=1&y=2", method: "post", inputs: { user: "ana@contoso.com", wctx: 'a"b<c>' } }]);
    expect(parseForms("<FORM action='/a'><input name=a value=1></form><form method=POST><INPUT name=b></form>")).toEqual([
      { action: "/a", method: "get", inputs: { a: "1" } },
      { action: "", method: "post", inputs: { b: "" } },
    ]);
    expect(parseForms("<formation><input name=a></formation>")).toEqual([]);
    expect(parseForms(fill("", "<form>"))).toEqual([]);
    expect(parseForms(fill("", "<form "))).toEqual([]);
    expect(parseForms(fill("", "<form<"))).toEqual([]);
    expect(parseForms(fill("<form action=/x>", "<input "))).toEqual([]);
    expect(parseForms(`${fill("<form action=/x>", "<input ").slice(0, MAX - 7)}</form>`)).toEqual([{ action: "/x", method: "get", inputs: {} }]);
    expect(parseForms(fill("<form action=/x><input name=a value=1>", "<input name=b>") + "</form>")).toEqual([]); // past 256 KiB: no closing tag read
    const many = parseForms(fill("", "<form><input name=a></form>"));
    expect(many).toHaveLength(16);
    // 20 s: a bound far above what the linear reading takes under this machine's load (milliseconds); the regular
    // expressions before took 41 s for these pages on an idle machine.
  }, 20_000);
});
