// SPDX-License-Identifier: MIT
/** The committed generated schema data matches Apple's YAML (when ../shared is present) and carries its licence. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { CHECKIN_SCHEMAS, COMMAND_SCHEMAS, MACHINEINFO_KEYS, PAYLOAD_TYPES, SCHEMA_RELEASE } from "../../../src/wire/apple/generated-data.js";

const root = join(import.meta.dirname, "../../..");
const yamlDir = join(root, "../shared/apple-device-management");

describe("generated Apple schema data", () => {
  it("ships Apple's MIT licence and a header naming source and release", () => {
    expect(readFileSync(join(root, "src/_generated/apple/LICENSE.txt"), "utf8")).toMatch(/MIT|Permission is hereby granted/);
    const json = JSON.parse(readFileSync(join(root, "src/_generated/apple/commands.json"), "utf8"));
    expect(json._generated.source).toMatch(/apple\/device-management/);
    expect(json._generated.release).toEqual(SCHEMA_RELEASE);
    expect(json.commands.length).toBe(COMMAND_SCHEMAS.length);
    expect(CHECKIN_SCHEMAS.length).toBe(8);
    expect(PAYLOAD_TYPES.some((p) => p.type === "com.apple.mdm")).toBe(true);
    expect(MACHINEINFO_KEYS.map((k) => k.key)).toEqual(expect.arrayContaining(["UDID", "SERIAL", "PRODUCT", "VERSION"]));
  });

  it.skipIf(!existsSync(yamlDir))("is up to date with the YAML: every request type and required payload key", () => {
    const files = readdirSync(join(yamlDir, "mdm/commands")).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBe(COMMAND_SCHEMAS.length);
    for (const f of files) {
      const y = YAML.parse(readFileSync(join(yamlDir, "mdm/commands", f), "utf8"));
      const g = COMMAND_SCHEMAS.find((c) => c.file === f)!;
      expect(g.requestType, f).toBe(y.payload.requesttype);
      const req = (y.payloadkeys ?? []).filter((k: { presence?: string }) => k.presence === "required").map((k: { key: string }) => k.key);
      expect(g.payloadKeys.filter((k) => k.presence === "required").map((k) => k.key), f).toEqual(req);
    }
  });
});
