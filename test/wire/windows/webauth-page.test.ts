// SPDX-License-Identifier: MIT
/**
 * What a sign-in page without a form says (src/wire/windows/webauth.ts pageText), on ordinary and hostile pages. The
 * hostile pages are 256 KiB of unclosed tags: the regular expressions pageText used before scanned to the end of the
 * page from every tag (quadratic: these pages blocked the event loop, and so every device of the run, for 107 s under
 * this machine's load); read linearly they take milliseconds. The bound is the suite's test timeout, not a timed
 * assertion.
 */
import { describe, expect, it } from "vitest";
import { pageText } from "../../../src/wire/windows/webauth.js";

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
    expect(pageText(fill("<h1>Denied</h1>", "<<p"))).toMatchObject({ heading: "Denied" });
  });
});
