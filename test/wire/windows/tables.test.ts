// SPDX-License-Identifier: MIT
/** The exported JSON code tables in src/_generated/windows match the TypeScript tables (WRITE_TABLES=1 rewrites them). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERRORTYPE_TO_MENROLL, MENROLL, SUBCODE_TO_MENROLL, hresultHex, menrollByHresult, uiTextFor } from "../../../src/wire/windows/menroll.js";
import { SYNCML_ALERT, SYNCML_STATUS } from "../../../src/wire/windows/syncml-codes.js";

const dir = join(import.meta.dirname, "../../../src/_generated/windows");
const source = "MicrosoftDocs/win32 MDMRegistration.h; MS-MDE2 §2.2.10; OMA-DM 1.2 / MS-MDM (via shared/notes/windows.md §7, §9)";
const tables = {
  "menroll.json": {
    source,
    codes: Object.values(MENROLL).map((c) => ({ name: c.name, hresult: hresultHex(c.hresult), meaning: c.meaning, uiText: c.uiText })),
    subcodes: SUBCODE_TO_MENROLL,
    errorTypes: ERRORTYPE_TO_MENROLL,
  },
  "syncml-codes.json": { source, status: SYNCML_STATUS, alert: SYNCML_ALERT },
};

describe("Windows code tables", () => {
  it("the generated JSON matches the TypeScript tables", () => {
    for (const [file, value] of Object.entries(tables)) {
      const text = `${JSON.stringify(value, null, 2)}\n`;
      if (process.env.WRITE_TABLES) writeFileSync(join(dir, file), text);
      expect(readFileSync(join(dir, file), "utf8")).toBe(text);
    }
  });
  it("every fault mapping names a known constant; lookups by HRESULT work", () => {
    for (const n of [...Object.values(SUBCODE_TO_MENROLL), ...Object.values(ERRORTYPE_TO_MENROLL)]) expect(MENROLL[n]).toBeDefined();
    expect(menrollByHresult(0x80180013)?.name).toBe("MENROLL_E_DEVICECAPREACHED");
    expect(menrollByHresult(0x80180014)?.name).toBe("MENROLL_E_DEVICENOTSUPPORTED");
    expect(uiTextFor(MENROLL.MENROLL_E_DEVICECAPREACHED!)).toContain("0x80180013");
  });
});
