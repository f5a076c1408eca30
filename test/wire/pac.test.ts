// SPDX-License-Identifier: MIT
/** PAC files read as data (wire/pac.ts): the rendered subset round-trips; everything outside it is refused, never run. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluatePac, parsePac, PacScriptError, renderPac } from "../../src/wire/pac.js";

describe("PAC files", () => {
  it("a rendered PAC sends its direct globs and plain names DIRECT and every other host to the proxy", () => {
    const text = renderPac("proxy.corp.example:8080", ["*.corp.example", "intranet"]);
    expect(text).toContain("function FindProxyForURL(url, host)");
    const p = parsePac(text);
    expect(evaluatePac(p, "wiki.corp.example")).toEqual({ kind: "direct" });
    expect(evaluatePac(p, "printer")).toEqual({ kind: "direct" });
    expect(evaluatePac(p, "ztd.dds.microsoft.com")).toEqual({ kind: "proxy", address: "proxy.corp.example:8080" });
    expect(evaluatePac(p, "ZTD.DDS.MICROSOFT.COM")).toEqual({ kind: "proxy", address: "proxy.corp.example:8080" });
  });

  it("reads the documented subset as written by hand (dnsDomainIs, comments, several conditions, first match wins)", () => {
    const p = parsePac(`function FindProxyForURL(url, host) {
      // intranet first
      if (dnsDomainIs(host, ".corp.example") || isPlainHostName(host)) return "DIRECT";
      if (shExpMatch(host, "*.microsoft.com")) return "PROXY msproxy.corp.example:3128; DIRECT";
      return "DIRECT";
    }`);
    expect(evaluatePac(p, "a.corp.example")).toEqual({ kind: "direct" });
    expect(evaluatePac(p, "login.microsoftonline.com")).toEqual({ kind: "direct" });
    expect(evaluatePac(p, "ztd.dds.microsoft.com")).toEqual({ kind: "proxy", address: "msproxy.corp.example:3128" });
  });

  it("refuses scripts outside the subset: other functions, other statements, other results, no final return", () => {
    const wrap = (body: string) => `function FindProxyForURL(url, host) {\n${body}\n}`;
    for (const bad of [
      "var x = 1;",
      wrap('if (isInNet(dnsResolve(host), "10.0.0.0", "255.0.0.0")) return "DIRECT";\nreturn "DIRECT";'),
      wrap('return "SOCKS socks.example:1080";'),
      wrap('if (shExpMatch(host, "*.a")) return "DIRECT";'),
      wrap('eval("while(true){}");\nreturn "DIRECT";'),
      wrap('return "PROXY no-port.example";'),
    ])
      expect(() => parsePac(bad), bad).toThrow(PacScriptError);
    expect(() => parsePac(`function FindProxyForURL(url, host) {\nreturn "DIRECT";\n}${" ".repeat(70_000)}`)).toThrow(/larger than 64 KiB/);
  });

  it("any text either parses or is refused as a PacScriptError (never another exception)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          parsePac(`function FindProxyForURL(url, host) {\n${s}\n}`);
        } catch (e) {
          expect(e).toBeInstanceOf(PacScriptError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
