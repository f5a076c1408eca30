// SPDX-License-Identifier: MIT
/** The `edit` fault's byte edits: prefix, append and replace on raw bytes, text or hex. */
import { describe, expect, it } from "vitest";
import { ByteValueError, bytesOf, editBytes, replaceAll } from "../../src/wire/body-bytes.js";

const enc = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("byte edits of a body", () => {
  it("text is UTF-8 (a BOM, NUL bytes); hex is whole digit pairs, whitespace between them ignored", () => {
    expect(hex(bytesOf("\uFEFF"))).toBe("efbbbf");
    expect(hex(bytesOf("\0\0"))).toBe("0000");
    expect(hex(bytesOf({ hex: "EF bb BF" }))).toBe("efbbbf");
    expect(hex(bytesOf({ hex: "" }))).toBe("");
    expect(() => bytesOf({ hex: "EFB" })).toThrow(ByteValueError);
    expect(() => bytesOf({ hex: "zz" })).toThrow(ByteValueError);
  });

  it("prefix and append put bytes before and after the body; the body itself is untouched", () => {
    const body = Uint8Array.from([0x30, 0x82, 0x01, 0x00]);
    expect(hex(editBytes(body, { prefix: { hex: "00000000" } }))).toBe("0000000030820100");
    expect(hex(editBytes(body, { append: "\n" }))).toBe("308201000a");
    expect(hex(editBytes(body, { prefix: "<", append: ">" }))).toBe("3c308201003e");
    expect(hex(body)).toBe("30820100");
  });

  it("replace changes every occurrence, in list order, before the prefix is added", () => {
    const out = editBytes(enc("https://a/x https://a/y"), {
      replace: [
        { find: "https://", with: "http://" },
        { find: "/a/", with: "/b/" },
      ],
      prefix: "https://",
    });
    expect(Buffer.from(out).toString()).toBe("https://http://b/x http://b/y");
    expect(Buffer.from(editBytes(enc("a-a-a"), { replace: { find: "-", with: "" } })).toString()).toBe("aaa");
  });

  it("an edit that changes nothing returns the same array (the engine then keeps the answer as it was)", () => {
    const body = enc("unchanged");
    expect(editBytes(body, { replace: { find: "absent", with: "x" } })).toBe(body);
    expect(editBytes(body, { prefix: "", append: { hex: "" } })).toBe(body);
    expect(replaceAll(body, new Uint8Array(0), enc("x"))).toBe(body);
  });

  it("finds byte strings that are not text, across a large body", () => {
    const big = new Uint8Array(200_000).fill(0x41);
    big[150_000] = 0xff;
    big[150_001] = 0xfe;
    const out = editBytes(big, { replace: { find: { hex: "fffe" }, with: { hex: "00" } } });
    expect(out.length).toBe(199_999);
    expect(out[150_000]).toBe(0);
  });
});
