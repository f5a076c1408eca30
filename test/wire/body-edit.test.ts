// SPDX-License-Identifier: MIT
/** The `edit` fault's body edits: what a path selects in XML and JSON, and what it leaves alone. */
import { describe, expect, it } from "vitest";
import { BodyEditError, parseEditPath, removeFromBody } from "../../src/wire/body-edit.js";
import { parseXml } from "../../src/wire/windows/xml.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const SYNCML =
  '<?xml version="1.0" encoding="UTF-8"?><SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><SessionID>1</SessionID></SyncHdr>' +
  "<SyncBody><Status><CmdID>1</CmdID><Cmd>SyncHdr</Cmd><Data>200</Data></Status><Status><CmdID>2</CmdID><Cmd>Get</Cmd><Data>200</Data></Status>" +
  "<Results><CmdID>3</CmdID></Results><Status><CmdID>4</CmdID><Cmd>Replace</Cmd><Data>200</Data></Status>" +
  "<Atomic><CmdID>5</CmdID><Add><CmdID>6</CmdID></Add><Replace><CmdID>7</CmdID><Item><Data>a &amp; b</Data></Item></Replace></Atomic><Final/></SyncBody></SyncML>";

describe("removeFromBody", () => {
  it("removes the Nth-and-later Status of the body and keeps the order of everything else", () => {
    const r = removeFromBody(enc(SYNCML), "SyncML/SyncBody/Status[2..]");
    expect(r.removed).toBe(2);
    const body = parseXml(r.body, "edited").children[1]!;
    expect(body.children.map((c) => c.local)).toEqual(["Status", "Results", "Atomic", "Final"]);
    expect(dec(r.body)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><SyncML xmlns="SYNCML:SYNCML1.2">/);
  });

  it("removes a nested element under every match, and escapes the text it writes back", () => {
    const r = removeFromBody(enc(SYNCML), "SyncML/SyncBody/Atomic/Replace/CmdID");
    expect(r.removed).toBe(1);
    const text = dec(r.body);
    expect(text).toContain("<Add><CmdID>6</CmdID></Add><Replace><Item><Data>a &amp; b</Data></Item></Replace>");
    expect(text).toContain("<Atomic><CmdID>5</CmdID>");
  });

  it("[N] selects one match, * any name", () => {
    expect(removeFromBody(enc(SYNCML), "SyncML/SyncBody/Status[1]").removed).toBe(1);
    expect(removeFromBody(enc(SYNCML), "SyncML/SyncHdr/*").removed).toBe(2);
  });

  it("a path that matches nothing (or names another root) returns the same bytes", () => {
    const b = enc(SYNCML);
    expect(removeFromBody(b, "SyncML/SyncBody/Sequence")).toEqual({ body: b, removed: 0 });
    expect(removeFromBody(b, "Envelope/Body")).toEqual({ body: b, removed: 0 });
  });

  it("JSON: removes members by name, through arrays, and array elements by position", () => {
    const doc = { name: "enterprises/e/devices/1", policy: { applications: [{ packageName: "a", installType: "FORCE" }, { packageName: "b" }] }, state: "ACTIVE" };
    const r = removeFromBody(enc(JSON.stringify(doc)), "policy/applications/installType");
    expect(JSON.parse(dec(r.body))).toEqual({ ...doc, policy: { applications: [{ packageName: "a" }, { packageName: "b" }] } });
    const first = removeFromBody(enc(JSON.stringify(doc)), "policy/applications/*[1]");
    expect(JSON.parse(dec(first.body)).policy.applications).toEqual([{ packageName: "b" }]);
    expect(JSON.parse(dec(removeFromBody(enc(JSON.stringify(doc)), "state").body))).not.toHaveProperty("state");
  });

  it("refuses what it cannot edit with a BodyEditError: a bad path, the root, a body that is neither XML nor JSON, hostile XML", () => {
    expect(() => parseEditPath("SyncML//Status")).toThrow(BodyEditError);
    expect(() => parseEditPath("Status[0]")).toThrow(/positions start at 1/);
    expect(() => parseEditPath("Sta tus")).toThrow(/not a name/);
    expect(() => removeFromBody(enc(SYNCML), "SyncML")).toThrow(/root element/);
    expect(() => removeFromBody(enc("0\r\n"), "a")).toThrow(/neither XML nor JSON/);
    expect(() => removeFromBody(enc('<!DOCTYPE a [<!ENTITY x "y">]><a><b/></a>'), "a/b")).toThrow(BodyEditError);
    expect(() => removeFromBody(enc("{not json"), "a")).toThrow(/not editable JSON/);
  });
});
