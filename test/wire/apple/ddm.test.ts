// SPDX-License-Identifier: MIT
/** DDM JSON codecs: good documents, and hostile ones ending in typed apple.ddm.* errors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProtocolViolationError } from "../../../src/errors/index.js";
import {
  buildDeclarativeManagement,
  buildStatusReport,
  getStatusItem,
  parseDeclaration,
  parseDeclarationItems,
  parseStatusReport,
  parseTokensResponse,
  setStatusItem,
} from "../../../src/wire/apple/ddm.js";
import { STATUS_ITEMS } from "../../../src/wire/apple/generated-data.js";
import { errorCode } from "../../support/error-code.js";

const b = (v: unknown) => new Uint8Array(Buffer.from(typeof v === "string" ? v : JSON.stringify(v)));
const code = (fn: () => unknown): string => errorCode(fn, ProtocolViolationError);

describe("DDM wire", () => {
  it("reads tokens, declaration-items and declarations", () => {
    expect(parseTokensResponse(b({ SyncTokens: { DeclarationsToken: "t1", Timestamp: "2026-11-22T01:00:00Z" } }))).toEqual({ declarationsToken: "t1", timestamp: "2026-11-22T01:00:00Z" });
    const items = parseDeclarationItems(b({ Declarations: { Activations: [{ Identifier: "a", ServerToken: "1" }], Configurations: [], Assets: [], Management: [] }, DeclarationsToken: "t1" }));
    expect(items.items.activation).toEqual([{ identifier: "a", serverToken: "1" }]);
    expect(parseDeclaration(b({ Type: "com.apple.activation.simple", Identifier: "a", ServerToken: "1", Payload: { StandardConfigurations: [] } }), "activation").type).toBe("com.apple.activation.simple");
  });

  it("builds the check-in message and nests status items", () => {
    expect(buildDeclarativeManagement({ udid: "U" }, "tokens")).toEqual({ MessageType: "DeclarativeManagement", Endpoint: "tokens", UDID: "U" });
    expect(buildDeclarativeManagement({ enrollmentId: "E" }, "status", new Uint8Array([1]))).toMatchObject({ EnrollmentID: "E", Data: new Uint8Array([1]) });
    const items: Record<string, unknown> = {};
    setStatusItem(items, "passcode.is-compliant", true);
    setStatusItem(items, "passcode.is-present", true);
    expect(items).toEqual({ passcode: { "is-compliant": true, "is-present": true } });
    const r = parseStatusReport(buildStatusReport({ StatusItems: items, Errors: [], FullReport: true }));
    expect(getStatusItem(r.StatusItems, "passcode.is-present")).toBe(true);
  });

  it("status items come from the schemas", () => {
    const names = STATUS_ITEMS.map((s) => s.item);
    expect(names).toContain("passcode.is-compliant");
    expect(names).toContain("management.declarations");
    expect(STATUS_ITEMS.find((s) => s.item === "diskmanagement.filevault.enabled")!.os.iOS?.introduced).toBe("n/a");
  });

  it("hostile input → typed errors", () => {
    expect(code(() => parseTokensResponse(b("")))).toBe("apple.ddm.malformed");
    expect(code(() => parseTokensResponse(b("{not json")))).toBe("apple.ddm.malformed");
    expect(code(() => parseTokensResponse(new Uint8Array([0xff, 0xfe, 0x7b])))).toBe("apple.ddm.malformed");
    expect(code(() => parseTokensResponse(b("[1,2]")))).toBe("apple.ddm.wrong-type");
    expect(code(() => parseTokensResponse(b({})))).toBe("apple.ddm.missing-key");
    expect(code(() => parseTokensResponse(b({ SyncTokens: { DeclarationsToken: 5, Timestamp: "x" } })))).toBe("apple.ddm.wrong-type");
    expect(code(() => parseTokensResponse(b("[".repeat(100_000))))).toBe("apple.ddm.too-deep");
    expect(code(() => parseTokensResponse(new Uint8Array(2 * 1024 * 1024).fill(0x20)))).toBe("apple.ddm.too-large");
    expect(code(() => parseTokensResponse(b({ SyncTokens: { DeclarationsToken: "x".repeat(5000), Timestamp: "t" } })))).toBe("apple.ddm.too-large");
    expect(code(() => parseDeclarationItems(b({ Declarations: { Activations: "nope" }, DeclarationsToken: "t" })))).toBe("apple.ddm.wrong-type");
    expect(code(() => parseDeclarationItems(b({ Declarations: { Activations: [], Configurations: [] }, DeclarationsToken: "t" })))).toBe("apple.ddm.missing-key");
    expect(code(() => parseDeclarationItems(b({ Declarations: { Activations: [{ Identifier: 1 }], Configurations: [], Assets: [], Management: [] }, DeclarationsToken: "t" })))).toBe("apple.ddm.wrong-type");
    const many = { Declarations: { Activations: Array.from({ length: 20 }, (_, i) => ({ Identifier: `a${i}`, ServerToken: "1" })), Configurations: [], Assets: [], Management: [] }, DeclarationsToken: "t" };
    expect(code(() => parseDeclarationItems(b(many), { maxItems: 10 }))).toBe("apple.ddm.too-large");
    expect(code(() => parseDeclaration(b({ Type: "com.apple.configuration.passcode.settings", Identifier: "a", ServerToken: "1", Payload: {} }), "activation"))).toBe("apple.ddm.wrong-kind");
    expect(code(() => parseDeclaration(b({ Type: "com.apple.activation.simple", Identifier: "a", ServerToken: "1", Payload: [] }), "activation"))).toBe("apple.ddm.wrong-type");
    expect(code(() => parseStatusReport(b({ StatusItems: {}, Errors: {} })))).toBe("apple.ddm.wrong-type");
    expect(code(() => parseStatusReport(b({ StatusItems: {}, Errors: [], FullReport: "yes" })))).toBe("apple.ddm.wrong-type");
    expect(code(() => parseStatusReport(b({ Errors: [] })))).toBe("apple.ddm.missing-key");
    // A string full of brackets is not nesting.
    expect(parseTokensResponse(b({ SyncTokens: { DeclarationsToken: "[[[[{{{{\\\"", Timestamp: "t" } })).declarationsToken).toBe('[[[[{{{{\\"');
  });
});

describe("DDM golden fixtures", () => {
  const dir = join(import.meta.dirname, "../../fixtures/apple/ddm");
  const f = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  it("parse the readable documents", () => {
    expect(parseTokensResponse(f("tokens.json")).declarationsToken).toBe("3f2a9c1e0b7d4a55");
    const items = parseDeclarationItems(f("declaration-items.json"));
    expect(items.items.configuration.map((i) => i.identifier)).toEqual(["com.enrollsim.ref.passcode", "com.enrollsim.ref.status"]);
    expect(parseDeclaration(f("activation.json"), "activation").payload.StandardConfigurations).toHaveLength(2);
    const r = parseStatusReport(f("status-report.json"));
    expect(getStatusItem(r.StatusItems, "passcode.is-compliant")).toBe(true);
    expect(r.FullReport).toBe(true);
  });
  it("mutated copies end in the errors the README names", () => {
    const table = readFileSync(join(dir, "README.md"), "utf8");
    const rows = [...table.matchAll(/^\| ([a-z-]+\.json) \| [^|]+ \| `([a-z.-]+)` \|$/gm)].map((m) => [m[1]!, m[2]!]);
    expect(rows).toHaveLength(5);
    const parsers: Record<string, (b: Uint8Array) => unknown> = {
      tokens: parseTokensResponse,
      items: parseDeclarationItems,
      activation: (b) => parseDeclaration(b, "activation"),
      status: parseStatusReport,
    };
    for (const [file, expected] of rows) expect([file, code(() => parsers[file.split("-")[0]!]!(f(`mutated/${file}`)))]).toEqual([file, expected]);
  });
});
