// SPDX-License-Identifier: MIT
/**
 * Proxy auto-configuration (PAC) files: the Netscape format, a JavaScript function
 * `FindProxyForURL(url, host)` returning "DIRECT" or "PROXY host:port" entries separated by ";"
 * (MDN, "Proxy Auto-Configuration (PAC) file"; Microsoft Learn, "WinHTTP AutoProxy Support": the PAC
 * file "is an executable script that, given the target host name and URL, produces a list of one or
 * more proxy servers"; WinHTTP fetches only http: and https: PAC URLs).
 *
 * enrollsim does NOT run JavaScript. It reads a documented subset and refuses the rest as a script it
 * cannot run (what WinHTTP reports as ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT), so no code from a served file
 * is ever executed. The subset, one statement per line inside the function:
 *
 *     if (COND) return "RESULT";      (any number, first match wins)
 *     return "RESULT";                (the last statement)
 *
 * COND is one or more of `shExpMatch(host, "glob")`, `dnsDomainIs(host, ".domain")` and
 * `isPlainHostName(host)` joined by `||`; RESULT is "DIRECT" or "PROXY host:port", optionally followed by
 * "; DIRECT" or more entries (the first entry is used: Windows tries a PAC list in order, and the
 * simulator's networks have one proxy). {@link renderPac} writes exactly this subset, so a network's own
 * PAC round-trips; a PAC a fault rewrote, or any real-world script outside the subset, is refused.
 */

/** What a PAC gives for a host: send direct, or through this proxy (host:port). */
export type PacDecision = { kind: "direct" } | { kind: "proxy"; address: string };

type Cond = { fn: "shExpMatch" | "dnsDomainIs"; arg: string } | { fn: "isPlainHostName" };

export interface PacProgram {
  rules: { any: Cond[]; result: PacDecision }[];
  otherwise: PacDecision;
}

export class PacScriptError extends Error {}

/** The MIME type WPAD/PAC files are served with (MDN PAC page). */
export const PAC_MIME = "application/x-ns-proxy-autoconfig";

const escapeJs = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** A PAC file in the readable subset: hosts matching `direct` globs go DIRECT, everything else through `proxy`. */
export function renderPac(proxy: string, direct: readonly string[]): string {
  const lines = ["function FindProxyForURL(url, host) {"];
  if (direct.length) lines.push(`  if (isPlainHostName(host) || ${direct.map((g) => `shExpMatch(host, "${escapeJs(g)}")`).join(" || ")}) return "DIRECT";`);
  else lines.push('  if (isPlainHostName(host)) return "DIRECT";');
  lines.push(`  return "PROXY ${escapeJs(proxy)}; DIRECT";`, "}", "");
  return lines.join("\n");
}

const RESULT = /^(DIRECT|PROXY\s+[A-Za-z0-9.-]+:\d{1,5})(\s*;\s*(DIRECT|PROXY\s+[A-Za-z0-9.-]+:\d{1,5}))*$/;

function decision(s: string): PacDecision {
  const t = s.trim();
  if (!RESULT.test(t)) throw new PacScriptError(`unsupported PAC result "${t.slice(0, 60)}"`);
  const first = t.split(";")[0]!.trim();
  return first === "DIRECT" ? { kind: "direct" } : { kind: "proxy", address: first.replace(/^PROXY\s+/, "") };
}

function conds(s: string): Cond[] {
  return s.split("||").map((part) => {
    const c = part.trim();
    if (/^isPlainHostName\(\s*host\s*\)$/.test(c)) return { fn: "isPlainHostName" };
    const m = /^(shExpMatch|dnsDomainIs)\(\s*host\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)$/.exec(c);
    if (!m) throw new PacScriptError(`unsupported PAC condition "${c.slice(0, 60)}"`);
    return { fn: m[1] as "shExpMatch" | "dnsDomainIs", arg: m[2]!.replace(/\\(.)/g, "$1") };
  });
}

/** Reads a PAC file in the subset above; anything else is a {@link PacScriptError}. */
export function parsePac(text: string): PacProgram {
  if (text.length > 64 * 1024) throw new PacScriptError("PAC file larger than 64 KiB");
  const body = /^\s*function\s+FindProxyForURL\s*\(\s*url\s*,\s*host\s*\)\s*\{([\s\S]*)\}\s*$/.exec(text)?.[1];
  if (body === undefined) throw new PacScriptError("no function FindProxyForURL(url, host) { … } in the PAC file");
  const statements = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("//"));
  const rules: PacProgram["rules"] = [];
  for (const [i, st] of statements.entries()) {
    const last = i === statements.length - 1;
    const ret = /^return\s+"([^"]*)"\s*;?$/.exec(st);
    if (ret && last) return { rules, otherwise: decision(ret[1]!) };
    const iff = /^if\s*\((.*)\)\s*return\s+"([^"]*)"\s*;?$/.exec(st);
    if (!iff || last) throw new PacScriptError(`unsupported PAC statement "${st.slice(0, 60)}"`);
    rules.push({ any: conds(iff[1]!), result: decision(iff[2]!) });
  }
  throw new PacScriptError("the PAC function has no final return");
}

/** shExpMatch's shell glob (`*`, `?`), case-insensitive as host names are; also what proxy bypass lists use. */
export const hostGlob = (g: string) =>
  new RegExp(
    `^${g
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/** What the PAC gives for `host`. */
export function evaluatePac(p: PacProgram, host: string): PacDecision {
  const h = host.toLowerCase();
  const hit = (c: Cond) => (c.fn === "isPlainHostName" ? !h.includes(".") : c.fn === "dnsDomainIs" ? h.endsWith(c.arg.toLowerCase()) : hostGlob(c.arg).test(h));
  return p.rules.find((r) => r.any.some(hit))?.result ?? p.otherwise;
}
