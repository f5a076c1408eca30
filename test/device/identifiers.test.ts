// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/errors/index.js";
import {
  androidId,
  androidSerial,
  appleSerial,
  appleUdid,
  dellServiceTag,
  formatMac,
  hpSerial,
  imei,
  lenovoSerial,
  localMacAddress,
  luhnCheckDigit,
  luhnValid,
  macAddress,
  meid,
  meidCheckDigit,
  meidToDecimal,
  parseOui,
  patternSerial,
  serialPatternProblem,
  surfaceSerial,
  uuid,
  windowsDeviceId,
  windowsDeviceName,
  windowsHwDevId,
} from "../../src/device/identifiers.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";

const entropy = (i = 0, seed = "seed") => new SeededEntropySource(seed).forDevice(0, i);
/** Runs `gen` on 50 devices' streams. */
const many = <T>(gen: (e: ReturnType<typeof entropy>) => T): T[] => Array.from({ length: 50 }, (_, i) => gen(entropy(i)));

describe("Luhn", () => {
  it("matches known IMEI vectors", () => {
    expect(luhnCheckDigit("49015420323751")).toBe(8);
    expect(luhnCheckDigit("35209900176148")).toBe(1);
    expect(luhnValid("490154203237518")).toBe(true);
    expect(luhnValid("490154203237517")).toBe(false);
  });

  it("computes the 3GPP2 MEID check digit over hex digits", () => {
    // python-stdnum / X.S0008 example: AF 01 23 45 0A BC DE → C.
    expect(meidCheckDigit("AF0123450ABCDE")).toBe("C");
    expect(meidCheckDigit("af0123450abcde")).toBe("C");
    // By hand, doubling from the right: 9→0x12→1+2=3, 2, 3→6, 2, zeros, A=10 → 23; (16 − 23 mod 16) mod 16 = 9.
    expect(meidCheckDigit("A0000000002329")).toBe("9");
    expect(luhnValid("AF0123450ABCDEC", 16)).toBe(true);
    expect(luhnValid("AF0123450ABCDED", 16)).toBe(false);
  });

  it("uses the decimal rule for an all-decimal (IMEI-range) MEID", () => {
    expect(meidCheckDigit("35209900176148")).toBe("1");
  });

  it("converts MEIDs to the 18-digit decimal form", () => {
    expect(meidToDecimal("AF0123450ABCDE")).toBe("293608736500703710");
    expect(luhnCheckDigit("293608736500703710")).toBe(0);
  });

  it("rejects non-digit payloads with a ScenarioError", () => {
    expect(() => luhnCheckDigit("12A4")).toThrow(ScenarioError);
    expect(() => luhnCheckDigit("")).toThrow(ScenarioError);
    expect(() => meidCheckDigit("AF01")).toThrow(ScenarioError);
  });
});

describe("IMEI and MEID", () => {
  it("generates 15-digit, Luhn-correct IMEIs under the TAC", () => {
    const values = many((e) => imei(e, "35310574"));
    for (const v of values) {
      expect(v).toMatch(/^35310574\d{7}$/);
      expect(luhnValid(v)).toBe(true);
    }
    expect(new Set(values).size).toBe(values.length);
  });

  it("rejects a malformed TAC", () => {
    expect(() => imei(entropy(), "3531057")).toThrow(/TAC must be 8 decimal digits/);
  });

  it("generates MEIDs with regional code A0–FF and a valid hex check digit", () => {
    for (const v of many((e) => meid(e))) {
      expect(v).toMatch(/^[A-F][0-9A-F]{14}$/);
      expect(luhnValid(v, 16)).toBe(true);
    }
  });

  it("honours the prefix and can omit the check digit", () => {
    const v = meid(entropy(), { prefix: "a1000012", checkDigit: false });
    expect(v).toMatch(/^A1000012[0-9A-F]{6}$/);
    expect(() => meid(entropy(), { prefix: "35000000" })).toThrow(ScenarioError);
  });
});

describe("Apple identifiers", () => {
  it("generates randomized 10-character serials without vowels", () => {
    for (const v of many((e) => appleSerial(e))) expect(v).toMatch(/^[0-9BCDFGHJKLMNPQRSTVWXYZ]{10}$/);
  });

  it("generates structured legacy 12-character serials", () => {
    for (const v of many((e) => appleSerial(e, "legacy-12"))) {
      expect(v).toMatch(/^(C02|C07|C17|C39|DMP|DNP|F4H|F5K|FVF|G6T)[CDFGHJKLMNPQRSTVWXYZ][1-9CDFGHJKLMNPQRTVWXY][0-9A-HJKMNP-Z]{7}$/);
    }
  });

  it("generates the three UDID formats", () => {
    for (const e of [entropy(1), entropy(2), entropy(3)]) {
      expect(appleUdid(e, "ecid", "8120")).toMatch(/^00008120-00[01][0-9A-F]{13}$/);
      expect(appleUdid(e, "uuid")).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
      expect(appleUdid(e, "legacy-40")).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("needs a chip id for ECID UDIDs", () => {
    expect(() => appleUdid(entropy(), "ecid")).toThrow(ScenarioError);
    expect(() => appleUdid(entropy(), "ecid", "81200")).toThrow(/chip id/);
  });
});

describe("MAC addresses", () => {
  it("keeps the OUI and formats per platform style", () => {
    expect(macAddress(entropy(), "F0:18:98")).toMatch(/^f0:18:98(:[0-9a-f]{2}){3}$/);
    expect(macAddress(entropy(), "f0-18-98", "colon-upper")).toMatch(/^F0:18:98(:[0-9A-F]{2}){3}$/);
    expect(macAddress(entropy(), "8C8D28", "dash-upper")).toMatch(/^8C-8D-28(-[0-9A-F]{2}){3}$/);
    // Same stream, same NIC part whatever the style.
    expect(macAddress(entropy(), "F0:18:98", "dash-upper").toLowerCase().replace(/-/g, ":")).toBe(macAddress(entropy(), "F0:18:98"));
  });

  it("formats raw octets", () => {
    expect(formatMac(new Uint8Array([0, 0x0c, 0x29, 0xab, 1, 0xff]), "dash-upper")).toBe("00-0C-29-AB-01-FF");
  });

  it("rejects malformed and multicast OUIs", () => {
    expect(() => parseOui("ZZ:00:11")).toThrow(ScenarioError);
    expect(() => parseOui("F0:18")).toThrow(ScenarioError);
    expect(() => parseOui("F0:18-98")).toThrow(ScenarioError);
    expect(() => parseOui("01:00:5E")).toThrow(/multicast/);
  });

  it("generates locally administered unicast addresses", () => {
    for (const v of many((e) => localMacAddress(e))) {
      const first = parseInt(v.slice(0, 2), 16);
      expect(first & 0x03).toBe(0x02);
      expect(v).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    }
  });
});

describe("Windows identifiers", () => {
  it("DeviceID is 32 and HWDevID 64 upper-case hex", () => {
    expect(windowsDeviceId(entropy())).toMatch(/^[0-9A-F]{32}$/);
    expect(windowsHwDevId(entropy())).toMatch(/^[0-9A-F]{64}$/);
  });

  it("device names are 15 characters: DESKTOP-XXXXXXX or LAPTOP-XXXXXXXX", () => {
    for (const v of many((e) => windowsDeviceName(e))) expect(v).toMatch(/^DESKTOP-[A-Z0-9]{7}$/);
    for (const v of many((e) => windowsDeviceName(e, "laptop"))) expect(v).toMatch(/^LAPTOP-[A-Z0-9]{8}$/);
    expect(windowsDeviceName(entropy(), "laptop")).toHaveLength(15);
  });

  it("OEM serials have their vendor shapes", () => {
    expect(dellServiceTag(entropy())).toMatch(/^[0-9BCDFGHJKLMNPQRSTVWXYZ]{7}$/);
    expect(hpSerial(entropy())).toMatch(/^(5CD|5CG|8CG|CND|MXL|2UA)\d{4}[0-9A-HJ-NP-Z]{3}$/);
    expect(lenovoSerial(entropy())).toMatch(/^(PF|MJ|PC|R9)[0-9A-HJ-NP-Z]{6}$/);
    expect(surfaceSerial(entropy())).toMatch(/^\d{12}$/);
  });
});

describe("pattern serials, Android ids, UUIDs", () => {
  it("expands pattern tokens", () => {
    expect(patternSerial(entropy(), "{d5}FDJH00{C3}")).toMatch(/^\d{5}FDJH00[0-9A-HJ-NP-Z]{3}$/);
    expect(patternSerial(entropy(), "R{X4}-{x2}{A2}{K3}")).toMatch(/^R[0-9A-F]{4}-[0-9a-f]{2}[A-HJ-NP-Z]{2}[0-9BCDFGHJKLMNPQRSTVWXYZ]{3}$/);
  });

  it("explains invalid patterns", () => {
    expect(serialPatternProblem("{d5}FDJH00{C3}")).toBeUndefined();
    expect(serialPatternProblem("{q3}ABC")).toMatch(/unknown token/);
    expect(serialPatternProblem("ABCDEF")).toMatch(/no random part/);
    expect(serialPatternProblem("{d40}")).toMatch(/expected 4 to 32/);
    expect(() => patternSerial(entropy(), "{d2")).toThrow(ScenarioError);
  });

  it("Android serial, Android ID and UUID formats", () => {
    expect(androidSerial(entropy())).toMatch(/^[0-9A-HJ-NP-Z]{12}$/);
    expect(androidId(entropy())).toMatch(/^[0-9a-f]{16}$/);
    expect(uuid(entropy())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid(entropy(), true)).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe("determinism", () => {
  it("same stream gives the same identifiers; another device gets others", () => {
    const gen = (e: ReturnType<typeof entropy>) => [imei(e, "35191437"), appleSerial(e), windowsDeviceId(e), macAddress(e, "3C:28:6D")];
    expect(gen(entropy(7))).toEqual(gen(entropy(7)));
    const other = gen(entropy(8));
    gen(entropy(7)).forEach((v, i) => expect(v).not.toBe(other[i]));
    expect(gen(entropy(7, "other-seed"))[1]).not.toBe(gen(entropy(7))[1]);
  });
});
