// SPDX-License-Identifier: MIT
/** Every `state:` key declares the flows that read it (device/state-readers.ts), and those flows exist on its family. */
import { describe, expect, it } from "vitest";
import { familyOf, STATE_KEYS, type StateFamily } from "../../src/device/state.js";
import { STATE_KEY_READERS, unreadStateKeys } from "../../src/device/state-readers.js";
import { FLOWS } from "../../src/device/flows/index.js";

const families = Object.keys(STATE_KEYS) as StateFamily[];

describe("state key readers", () => {
  it("every key of every family is declared, and no declaration names a key the family lacks", () => {
    for (const f of families) {
      expect(Object.keys(STATE_KEY_READERS[f]).sort(), f).toEqual(Object.keys(STATE_KEYS[f]).sort());
    }
  });
  it("every flow named runs on a platform of the key's family", () => {
    for (const f of families) {
      for (const [key, readers] of Object.entries(STATE_KEY_READERS[f])) {
        if (readers === "every") continue;
        expect(readers.length, `${f}.${key}`).toBeGreaterThan(0);
        for (const flow of readers) {
          const def = FLOWS[flow];
          expect(def, `${f}.${key}: ${flow}`).toBeDefined();
          expect(
            def!.platforms.some((p) => familyOf(p) === f),
            `${f}.${key}: ${flow}`,
          ).toBe(true);
        }
      }
    }
  });
  it("unreadStateKeys names the keys a flow never reads, with their readers", () => {
    expect(unreadStateKeys({ account: { admin: false }, join: "none", clockOffset: "0s" }, "windows", "windows-gpo")).toEqual([{ key: "account", readers: ["windows-byod"] }]);
    expect(unreadStateKeys({ account: { admin: false } }, "windows", "windows-byod")).toEqual([]);
  });
});
