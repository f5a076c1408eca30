// SPDX-License-Identifier: MIT
/** Dialect response readers (AMAPI, Headwind) on golden and mutated fixtures; NDEF tag codec. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProtocolViolationError } from "../../../src/errors/index.js";
import { parseDuration, readDevice, readStatusAck } from "../../../src/wire/android/amapi.js";
import { compactJson, headwindSignature, readEnvelope, readSyncResponse } from "../../../src/wire/android/headwind.js";
import { decodeNdefProvisioning, encodeNdefProvisioning } from "../../../src/wire/android/ndef.js";
import { ProvisioningPayloadError } from "../../../src/wire/android/errors.js";
import { parseNfcPayload } from "../../../src/wire/android/payload.js";

const dir = join(import.meta.dirname, "../../fixtures/android");
const read = (f: string) => readFileSync(join(dir, f), "utf8");
const readHeadwind = (t: string) => readSyncResponse(readEnvelope(t).data);

describe("golden dialect responses", () => {
  it("AMAPI Device and status ack", () => {
    expect(readDevice(read("dialects/amapi-device.json"))).toMatchObject({ managementMode: "DEVICE_OWNER", ownership: "COMPANY_OWNED" });
    expect(readStatusAck(read("dialects/amapi-status-ack.json")).pendingCommands).toHaveLength(1);
    expect(parseDuration("3600s")).toBe(3_600_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("1h")).toBeUndefined();
  });
  it("Headwind configuration envelope and signatures", () => {
    const env = readEnvelope(read("dialects/headwind-configuration.json"));
    expect(readSyncResponse(env.data).newNumber).toBe("kiosk-0002");
    const sha1 = (b: Uint8Array) => new Uint8Array(createHash("sha1").update(b).digest());
    expect(headwindSignature("changeme-C3z9vi54", "dev1", sha1)).toBe(createHash("sha1").update("changeme-C3z9vi54dev1").digest("hex").toUpperCase());
    expect(compactJson({ a: "x y", b: [1, 2] })).toBe('{"a":"xy","b":[1,2]}');
  });
});

describe("mutated dialect responses (dialects/mutations/README.md)", () => {
  const rows = read("dialects/mutations/README.md").split("\n").filter((l) => l.startsWith("| `"));
  it("lists every mutation", () => expect(rows).toHaveLength(8));
  for (const row of rows) {
    const [, file, , , code] = row.split("|").map((c) => c.trim().replace(/^`|`$/g, ""));
    it(`${file} → ${code}`, () => {
      const t = read(`dialects/mutations/${file}`);
      const parse = file!.startsWith("amapi-device") ? () => readDevice(t) : file!.startsWith("amapi-status") ? () => readStatusAck(t) : () => readHeadwind(t);
      try {
        parse();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolViolationError);
        expect((e as ProtocolViolationError).code).toBe(code);
      }
    });
  }
  it("hostile bodies never crash the readers", () => {
    for (const t of ["", "null", "[]", "{", "[".repeat(100000), "x".repeat(300000), '{"status":"OK","data":' + "[".repeat(50) + "]".repeat(50) + "}"]) {
      expect(() => readDevice(t)).toThrow(ProtocolViolationError);
      expect(() => readStatusAck(t)).toThrow(ProtocolViolationError);
      expect(() => readHeadwind(t)).toThrow(ProtocolViolationError);
    }
  });
});

describe("NDEF provisioning record", () => {
  it("short and long records round-trip to the NFC payload", () => {
    const small = "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME=com.x.y\n";
    const s = encodeNdefProvisioning(small);
    expect(s[0]).toBe(0xd2);
    expect(decodeNdefProvisioning(s)).toBe(small);
    const big = read("nfc-headwind.properties");
    const l = encodeNdefProvisioning(big);
    expect(l[0]).toBe(0xc2);
    expect(parseNfcPayload(decodeNdefProvisioning(l)).packageName).toBe("com.hmdm.launcher");
  });
  it("wrong TNF, wrong MIME type, truncation are typed errors", () => {
    const ok = encodeNdefProvisioning("a=b\n");
    const wrongTnf = Uint8Array.from(ok);
    wrongTnf[0] = 0xd1;
    const wrongType = encodeNdefProvisioning("a=b\n");
    wrongType[3] = "x".charCodeAt(0);
    for (const b of [wrongTnf, wrongType, ok.subarray(0, 10), new Uint8Array(0), Uint8Array.from([0xc2, 1, 0x7f, 0xff, 0xff, 0xff, 0x41])]) {
      expect(() => decodeNdefProvisioning(b)).toThrow(ProvisioningPayloadError);
    }
  });
});
