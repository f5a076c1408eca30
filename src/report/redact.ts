// SPDX-License-Identifier: MIT
/**
 * Redaction of transcript events before they leave the process (trace files, printed
 * transcripts, library callers). Two mechanisms:
 *
 * - **By key name** (case-insensitive, punctuation ignored, substring match so `x-auth-token`,
 *   `clientSecret` and `AAUTHSECRET` are caught): challenge, password, passwd, passphrase,
 *   secret, token, authorization, cookie, privateKey, apiKey, bearer. A key named `key` (or
 *   ending in `key`, optionally followed by pem/der/data/…) is redacted when its value looks like
 *   key material. The same names are honoured in URL query strings (`?challenge=…`), `name=value`
 *   text, JSON text, HTTP header lines, `[name, value]` pairs and HAR `{name, value}` headers;
 *   in query strings and `name=value` text also OAuth 2.0's `code` and `code_verifier`.
 * - **By value**: every string registered with {@link Redactor.addSecret} is replaced wherever
 *   it occurs, including inside longer strings and object keys, in its raw, URL-encoded,
 *   JSON-escaped, hex and base64 (standard, URL-safe, percent-encoded, and at any byte alignment
 *   inside a longer base64 text) forms.
 *
 * Always: PEM `PRIVATE KEY` blocks anywhere, `Bearer <token>` and `Basic <user:pass>` credentials, and the
 * signature of a compact JWT (RFC 7519 / RFC 7515 §7.1 `header.payload.signature`, header and payload JSON objects, so
 * both start `eyJ`) wherever it appears — an Entra access token in an identity provider's `wresult` form field, a
 * SyncML AADUserToken alert, a BinarySecurityToken: the header and claims stay readable (a token's `aud`, `ver` and
 * `iss` are what a support engineer diagnoses a refused token with), the signature that makes it usable does not.
 * In XML text (message bodies in the transcript): a plist `<key>` with a sensitive name hides the
 * value that follows it, and an element with a sensitive local name (`<wsse:Password>`,
 * `<wsse:BinarySecurityToken>`) hides its text, except a WS-Security token whose ValueType names a
 * public structure (a PKCS#10 request, an X.509 certificate, PKCS#7 certificates) and text that is a
 * URI (`<wst:TokenType>`: the kind of token, not one).
 * A binary body kept as `base64` is searched in its decoded bytes too (a signed profile carries its
 * plist in clear inside the CMS): when anything in it would be redacted, the whole body is, and when
 * it is a signed (or plain) XML plist, its content is kept beside it as `redactedPlist` with only
 * the secret values redacted, so a reader sees what the device received (the bytes, and so the
 * signature, are not kept).
 * The result is a deep copy; the input is never mutated.
 */
import type { TranscriptEvent } from "../ports/transcript.js";
import { parseSignedData } from "../wire/cms/signed-data.js";

/** What replaces a secret. */
export const REDACTED = "[REDACTED]";

const SENSITIVE_WORDS = [
  "challenge",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "authorization",
  "cookie",
  "privatekey",
  "apikey",
  "bearer",
];

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Short credential names matched whole only (as substrings they would hit ordinary words): the Workspace ONE Hub's
 * staging password admin extra `pw` (shared/notes/android.md §9).
 */
const SENSITIVE_EXACT = new Set(["pw"]);

/** True when a field, header or parameter with this name always holds a secret. */
export function isSensitiveName(name: string): boolean {
  const n = normalise(name);
  return n !== "" && (SENSITIVE_EXACT.has(n) || SENSITIVE_WORDS.some((w) => n.includes(w)));
}

/**
 * Parameters that are secrets only as URL query or form parameters: OAuth 2.0's `code` (RFC 6749
 * §4.1.2) and `code_verifier` (RFC 7636), and Android Enterprise's enrollment-link token `et`
 * (`https://enterprise.google.com/android/enroll?et=<token>`, Android Management API
 * EnrollmentToken.enrollmentUrl). "code" as a JSON or plist key is an error code, not a secret.
 */
const SENSITIVE_PARAMETERS = new Set(["code", "codeverifier", "et"]);

/** True when a field with this name holds a secret if its value looks like key material. */
function isKeyName(name: string): boolean {
  const n = normalise(name);
  return !n.includes("public") && /key(pem|der|data|material|bytes|b64|base64|hex)?$/.test(n);
}

/** PEM blocks of any kind, long base64/hex runs, or arrays of 16+ byte values. */
export function looksLikeKeyMaterial(value: unknown): boolean {
  if (Array.isArray(value)) return value.length >= 16 && value.every((b) => Number.isInteger(b) && b >= 0 && b < 256);
  if (typeof value !== "string") return false;
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(value)) return true;
  const compact = value.replace(/\s+/g, "");
  return /^[A-Za-z0-9+/_-]{32,}={0,2}$/.test(compact) || /^(?:[0-9a-fA-F]{2}:?){16,}$/.test(compact);
}

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/]{4,}={0,2})/gi;
/**
 * A compact JWS/JWT: base64url JSON header and payload (both `eyJ…`), then its signature. It starts only where a
 * base64url run starts (not after a `-` inside one, as `\b` allowed): every start then scans at most three dot-separated
 * segments, so the scan is linear in the text. With `\b`, a hostile body of `-eyJ-eyJ-eyJ…` restarted at every `-eyJ` and
 * rescanned to the end of the run: quadratic (80 KB took 2 s, a 1 MB trace body minutes).
 */
const JWT = /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.)[A-Za-z0-9_-]+/g;
const HEADER_LINE = /^([ \t]*(?:proxy-)?(?:authorization|cookie|set-cookie)[ \t]*:)[^\r\n]*/gim;
const NAME_VALUE = /(^|[?&;\s,{(])([A-Za-z0-9_.%-]+)=([^&#;\s"',)}]*)/g;
const JSON_FIELD = /"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

const PLIST_KEY_VALUE = /(<key>\s*([^<]{1,200}?)\s*<\/key>\s*<(string|data|integer)>)([^<]*)(<\/\3>)/g;
const XML_ELEMENT = /<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s[^<>]*)?>([^<]+)<\/\1\s*>/g;
/** An element whose text is a URI names a kind of token (`<wst:TokenType>http://…</wst:TokenType>`), not a token. */
const TYPE_URI = /^(?:https?:\/\/|urn:)\S*$/i;
/** WS-Security token types that carry public structures, not credentials (OASIS X.509 token profile, MS-WSTEP). */
const PUBLIC_TOKEN_TYPE = /ValueType\s*=\s*["'][^"']*(?:PKCS10|X509|PKCS7)/i;

function redactXml(s: string): string {
  return s
    .replace(PLIST_KEY_VALUE, (m, open: string, name: string, _t: string, value: string, close: string) =>
      value.trim() !== "" && (isSensitiveName(name) || (isKeyName(name) && looksLikeKeyMaterial(value))) ? `${open}${REDACTED}${close}` : m,
    )
    .replace(XML_ELEMENT, (m, qname: string, local: string, attrs: string | undefined, value: string) =>
      value.trim() !== "" && value !== REDACTED && isSensitiveName(local) && !PUBLIC_TOKEN_TYPE.test(attrs ?? "") && !TYPE_URI.test(value.trim())
        ? `<${qname}${attrs ?? ""}>${REDACTED}</${qname}>`
        : m,
    );
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? B64[n & 63]! : "=";
  }
  return out;
}

function decodesToUserPass(b64: string): boolean {
  if (b64.length % 4 !== 0) return false;
  try {
    return atob(b64).includes(":");
  } catch {
    return false;
  }
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Regex source matching `text` with hex digits of %XX escapes (or all of it, for hex) in either case. */
function caseInsensitiveHex(text: string, allHex: boolean): string {
  const parts = allHex ? [...text] : text.split(/(%[0-9A-Fa-f]{2})/);
  return parts
    .map((p) => {
      if (allHex || /^%[0-9A-Fa-f]{2}$/.test(p)) {
        return [...p].map((c) => (/[a-fA-F]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegex(c))).join("");
      }
      return escapeRegex(p);
    })
    .join("");
}

/** Regex sources matching every encoded form of one secret. */
function secretPatterns(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const literal = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  const percent = new Set<string>([encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, "+")]);
  const b64forms = new Set<string>();
  const full = base64(bytes);
  b64forms.add(full);
  b64forms.add(full.replace(/=+$/, ""));
  // The secret inside a longer base64 text: encode it at each byte offset and keep only the
  // characters that depend on the secret's bytes alone.
  for (let k = 0; k < 3; k++) {
    const shifted = base64(new Uint8Array([...new Array<number>(k).fill(0), ...bytes]));
    const core = shifted.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    if (core.length >= 4) b64forms.add(core);
  }
  for (const f of b64forms) {
    literal.add(f);
    literal.add(f.replace(/\+/g, "-").replace(/\//g, "_"));
    percent.add(f.replace(/\+/g, "%2B").replace(/\//g, "%2F").replace(/=/g, "%3D"));
  }
  const sources = [...literal].map(escapeRegex);
  for (const p of percent) sources.push(caseInsensitiveHex(p, false));
  if (bytes.length >= 4) {
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    sources.push(caseInsensitiveHex(hex, true));
  }
  return sources;
}

const MAX_DEPTH = 64;

/** Redacts secrets from JSON-like values. One per run or per device; cheap to create. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private sources: string[] = [];
  private pattern: RegExp | undefined;

  private dirty = false;

  /**
   * Registers a value (a challenge, a token, a key) to be redacted wherever it appears. Empty
   * strings are ignored. Every registered secret is searched for in every string, so keep
   * per-device secrets in a per-device {@link fork} rather than in one run-wide Redactor.
   */
  addSecret(value: string): void {
    if (typeof value !== "string" || value === "" || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.sources.push(...secretPatterns(value));
    this.dirty = true;
  }

  /** A new Redactor with this one's secrets; secrets added to either afterwards stay separate. */
  fork(): Redactor {
    const child = new Redactor();
    for (const s of this.secrets) child.addSecret(s);
    return child;
  }

  /** Redacts one string: registered secrets, private keys, credentials and sensitive parameters. */
  redactString(text: string): string {
    if (this.dirty) {
      // Longest first, so a longer encoded form is replaced whole rather than in pieces.
      const unique = [...new Set(this.sources)].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(unique.join("|"), "g");
      this.dirty = false;
    }
    let s = this.pattern ? text.replace(this.pattern, REDACTED) : text;
    s = s.replace(PEM_PRIVATE_KEY, REDACTED);
    s = s.replace(HEADER_LINE, `$1 ${REDACTED}`);
    s = s.replace(BEARER, `$1$2${REDACTED}`);
    s = s.replace(BASIC, (m, scheme: string, sp: string, b64: string) => (decodesToUserPass(b64) ? `${scheme}${sp}${REDACTED}` : m));
    if (s.includes("eyJ")) s = s.replace(JWT, `$1${REDACTED}`);
    // A value hidden below because of its name is hidden wherever else it occurs in the same text
    // (an enrollment token both as `et=` in a link and as the `value` field beside it).
    const hidden = new Set<string>();
    if (s.includes("=")) {
      s = s.replace(NAME_VALUE, (m, pre: string, name: string, value: string) => {
        let decoded = name;
        try {
          decoded = decodeURIComponent(name);
        } catch {
          /* keep the raw name */
        }
        const hide =
          value !== "" &&
          value !== REDACTED &&
          (isSensitiveName(decoded) || SENSITIVE_PARAMETERS.has(normalise(decoded)) || (isKeyName(decoded) && looksLikeKeyMaterial(value)));
        if (hide) hidden.add(value);
        return hide ? `${pre}${name}=${REDACTED}` : m;
      });
    }
    if (s.includes("</")) s = redactXml(s);
    if (s.includes('"')) {
      s = s.replace(JSON_FIELD, (m, name: string, sep: string, value: string) => {
        if (value === "" || value === REDACTED || !isSensitiveName(name)) return m;
        hidden.add(value);
        return `"${name}"${sep}"${REDACTED}"`;
      });
    }
    const echoes = [...hidden].filter((v) => v.length >= 6 && s.includes(v));
    if (echoes.length > 0) s = s.replace(new RegExp(echoes.sort((a, b) => b.length - a.length).map(escapeRegex).join("|"), "g"), REDACTED);
    return s;
  }

  /** Deep copy of `value` with secrets replaced. JSON semantics: functions and undefined fields are dropped. */
  redact(value: unknown): unknown {
    return this.walk(value, 0, new Set());
  }

  /** A redacted copy of a transcript event. */
  redactEvent(event: TranscriptEvent): TranscriptEvent {
    const data = this.walk(event.data, 0, new Set());
    return {
      t: event.t,
      device: this.redactString(String(event.device)),
      step: this.redactString(String(event.step)),
      kind: event.kind,
      data: data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data },
    };
  }

  /** A base64 body: whole, or {@link REDACTED} when its decoded bytes hold anything this Redactor hides. */
  private redactBase64(b64: string): string {
    const outer = this.redactString(b64);
    if (outer !== b64) return REDACTED;
    let bytes: string;
    try {
      bytes = atob(b64.replace(/\s+/g, ""));
    } catch {
      return b64;
    }
    // Latin-1 keeps one character per byte, so text inside binary (a plist in a CMS) is matched as written.
    return this.redactString(bytes) !== bytes ? REDACTED : b64;
  }

  /**
   * The XML plist inside a withheld body (a CMS SignedData's content, or the body itself) with the
   * secret values redacted; undefined for anything else (a binary plist, other binary data).
   */
  private redactedPlist(b64: string): string | undefined {
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(b64.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
      if (bytes[0] === 0x30) bytes = parseSignedData(bytes, "body").content ?? new Uint8Array(0);
    } catch {
      return undefined;
    }
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    // A PKCS#12 payload's data is a private key (under a password): such a profile stays withheld whole.
    if (text.includes("com.apple.security.pkcs12")) return undefined;
    return /^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?<plist[\s>]/.test(text) ? this.redactString(text) : undefined;
  }

  private hideValue(name: string, value: unknown): unknown {
    if (value === null || value === undefined || typeof value === "boolean") return value;
    if (typeof value === "string") {
      if (value === "" || value === REDACTED) return value;
      // Keep the authentication scheme: "Bearer [REDACTED]" still tells a support engineer something.
      const scheme = /^(Bearer|Basic|Digest|Negotiate|NTLM)\s/i.exec(value);
      if (scheme && /authorization/i.test(name)) return `${scheme[1]} ${REDACTED}`;
    }
    return REDACTED;
  }

  private walk(value: unknown, depth: number, ancestors: Set<object>): unknown {
    if (typeof value === "string") return this.redactString(value);
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value === "bigint") return this.redactString(value.toString());
    if (value === null || typeof value === "boolean") return value;
    if (typeof value !== "object") return undefined;
    if (ancestors.has(value)) return "[Circular]";
    if (depth >= MAX_DEPTH) return "[Truncated]";
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === "function") {
      ancestors.add(value);
      const out = this.walk(withJson.toJSON(), depth + 1, ancestors);
      ancestors.delete(value);
      return out;
    }
    ancestors.add(value);
    try {
      if (value instanceof Map) return this.walkObject(Object.fromEntries(value), depth, ancestors);
      if (value instanceof Set) return this.walk([...value], depth, ancestors);
      if (Array.isArray(value)) {
        if (value.length === 2 && typeof value[0] === "string" && isSensitiveName(value[0])) {
          return [this.redactString(value[0]), this.hideValue(value[0], value[1])];
        }
        return value.map((v) => this.walk(v, depth + 1, ancestors) ?? null);
      }
      return this.walkObject(value as Record<string, unknown>, depth, ancestors);
    } finally {
      ancestors.delete(value);
    }
  }

  private walkObject(obj: Record<string, unknown>, depth: number, ancestors: Set<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // HAR-style header entry: { name: "Authorization", value: "…" }.
    const harName = typeof obj.name === "string" && "value" in obj ? obj.name : undefined;
    for (const [k, v] of Object.entries(obj)) {
      let copy: unknown;
      if (isSensitiveName(k)) copy = this.hideValue(k, v);
      else if (isKeyName(k) && looksLikeKeyMaterial(v)) copy = REDACTED;
      else if (k === "value" && harName !== undefined && isSensitiveName(harName)) copy = this.hideValue(harName, v);
      else if (k === "base64" && typeof v === "string") {
        copy = this.redactBase64(v);
        const view = copy === REDACTED && v !== REDACTED ? this.redactedPlist(v) : undefined;
        if (view !== undefined) out.redactedPlist = view;
      } else copy = this.walk(v, depth + 1, ancestors);
      if (copy !== undefined) out[this.redactString(k)] = copy;
    }
    return out;
  }
}
