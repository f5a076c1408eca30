// SPDX-License-Identifier: MIT
/** Hostile bodies: entity bombs, deep nesting, garbage, mutations, certificate bags, hostile SOAP and SyncML. */
import type { HttpResponse } from "../../src/ports/http.js";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

/** "Billion laughs": ten levels of ten references each, under `root`. */
export function billionLaughs(root: string): string {
  const ents = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i < 10; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE ${root} [${ents.join("")}]>\n<${root}>&lol9;</${root}>`;
}

/** An external entity that names a local file (XXE). */
export function externalEntity(root: string): string {
  return `<?xml version="1.0"?>\n<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<${root}>&xxe;</${root}>`;
}

/** `depth` nested elements. */
export function deepXml(depth: number, el = "a"): string {
  return `<?xml version="1.0"?>${`<${el}>`.repeat(depth)}${`</${el}>`.repeat(depth)}`;
}

/** Deterministic pseudo-random bytes. */
export function garbage(n: number, seed = 7): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The real body with every 97th byte from a third of the way flipped. */
export function mutate(b: Uint8Array): Buffer {
  const out = Buffer.from(b);
  for (let i = Math.floor(out.length / 3); i < out.length; i += 97) out[i] = out[i]! ^ 0x5a;
  return out;
}

/** The real body cut to `ratio` of its length. */
export const truncate = (b: Uint8Array, ratio = 0.5): Buffer => Buffer.from(b.subarray(0, Math.floor(b.length * ratio)));

function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]) => {
  const c = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLen(c.length), c]);
};
const OID_SIGNED_DATA = Buffer.from("06092a864886f70d010702", "hex");
const OID_DATA = Buffer.from("06092a864886f70d010701", "hex");

/** A degenerate PKCS#7 (certs-only SignedData) holding `count` copies of `certDer`. */
export function certBag(certDer: Uint8Array, count: number): Buffer {
  const certs = Buffer.concat(Array.from({ length: count }, () => Buffer.from(certDer)));
  const sd = tlv(0x30, tlv(0x02, Buffer.from([1])), tlv(0x31), tlv(0x30, OID_DATA), tlv(0xa0, certs), tlv(0x31));
  return tlv(0x30, OID_SIGNED_DATA, tlv(0xa0, sd));
}

/** Hostile text: a right-to-left override, an ANSI colour, an OSC title and markup. */
export const HOSTILE_TEXT = "\u202eevil\u202c \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 <b>bold</b>";

/** A MS-MDE2 SOAP 1.2 fault with a subcode nobody knows and hostile reason text. */
export function soapFault(real: HttpResponse): string {
  const rel = /<a:MessageID>([^<]*)<\/a:MessageID>/.exec(text(real.body))?.[1] ?? "urn:uuid:0";
  return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://www.w3.org/2005/08/addressing/soap/fault</a:Action><a:RelatesTo>${rel}</a:RelatesTo></s:Header><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>s:UltraViolet</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${HOSTILE_TEXT.replace(/</g, "&lt;")}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`;
}

/** The real SyncML reply with `n` Get commands (each for `locUri`) added and Final removed or kept. */
export function syncmlWith(real: HttpResponse, n: number, o: { locUri?: string; final?: boolean } = {}): string {
  const xml = text(real.body);
  const uri = o.locUri ?? "./DevDetail/SwV";
  const cmds: string[] = [];
  for (let i = 0; i < n; i++) cmds.push(`<Get><CmdID>${1000 + i}</CmdID><Item><Target><LocURI>${uri}</LocURI></Target></Item></Get>`);
  let out = xml.replace("</SyncBody>", `${cmds.join("")}</SyncBody>`);
  if (o.final === false) out = out.replace(/<Final\s*\/>/, "");
  else if (!/<Final\s*\/>/.test(out)) out = out.replace("</SyncBody>", "<Final/></SyncBody>");
  return out;
}
