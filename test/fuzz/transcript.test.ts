// SPDX-License-Identifier: MIT
/**
 * Property-based tests of the trace and run-JSON readers (files a user hands over): arbitrary or
 * damaged trace text ends in a typed error naming the position, never a crash; every recorded body
 * decodes to a view (a body the viewer cannot read says so); the JSON locator agrees with JSON.parse.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { jsonErrorOffset, parseJsonText } from "../../src/report/json-text.js";
import { decodeBody } from "../../src/report/transcript/decode.js";
import { deviceTranscript, listDevices, parseTrace } from "../../src/report/transcript/model.js";
import { check, expect, fc, fuzzTimeout, mutatedBytes, mutatedText, typedOrOk } from "./support.js";

const FIX = join(import.meta.dirname, "../fixtures");
const LINE = JSON.stringify({
  t: 1,
  device: "d#0",
  step: "scep.getcacaps",
  kind: "http",
  data: { request: { method: "GET", url: "http://ca.test/scep", headers: {} }, response: { status: 200, headers: {}, contentType: "text/plain", body: { text: "POSTPKIOperation\nSHA-256" } } },
});

describe("trace and run JSON properties", () => {
  it("arbitrary and damaged trace text is read or refused with a typed error", { timeout: fuzzTimeout }, () => {
    const read = (s: string) =>
      typedOrOk(() => {
        const events = parseTrace(s, "t.ndjson");
        for (const d of listDevices(events)) deviceTranscript(events, d.device);
      });
    check(200, fc.string({ maxLength: 200 }), read);
    check(200, mutatedText(`${LINE}\n${LINE}\n`, ["{", "}", '"', ",", ":", "\n", "null", '"kind":"note"', '"body":{"base64":"MIIB"}', '"t":"x"']), read);
  });

  it("every body decodes to a view without throwing: damaged CMS/SCEP/X.509 bytes, arbitrary text and XML", { timeout: fuzzTimeout }, () => {
    for (const f of ["scep/certrep-pending.der", "scep/csr.der", "scep/certrep-success.der"]) {
      check(40, mutatedBytes(new Uint8Array(readFileSync(join(FIX, f)))), (b) => {
        const m = decodeBody({ base64: Buffer.from(b).toString("base64") }, "application/x-pki-message");
        expect(m.summary.length).toBeGreaterThan(0);
      });
    }
    check(150, fc.string({ maxLength: 200 }), (s) => void decodeBody({ text: s }, "application/xml"));
    check(80, mutatedText(readFileSync(join(FIX, "apple/authenticate.plist"), "utf8")), (s) => void decodeBody({ text: s }));
  });

  it("the JSON locator finds an error exactly when JSON.parse fails, inside the text", { timeout: fuzzTimeout }, () => {
    check(300, fc.oneof(fc.json(), fc.string({ maxLength: 60 }), mutatedText('{"a":[1,2,{"b":"c"}],"d":null}', ["{", "}", "[", "]", '"', ",", ":", "\\"])), (s) => {
      let ok = true;
      try {
        JSON.parse(s);
      } catch {
        ok = false;
      }
      const at = jsonErrorOffset(s);
      expect(at === undefined).toBe(ok);
      if (at) expect(at.offset).toBeLessThanOrEqual(s.length);
      typedOrOk(() => parseJsonText(s, "f.json"));
    });
  });
});
