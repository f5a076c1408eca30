// SPDX-License-Identifier: MIT
/**
 * The discovery RequestVersion a PC sends by itself, from the Windows build table (devices/windows/builds.yaml), against
 * the reference server on virtual time: 25H2 sends 9.0 (fleetdm/fleet#49329), 24H2 the nearest earlier row's 6.0, the
 * RST carries the same value, an explicit option wins, and the report says where the value came from.
 */
import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { windowsHarness } from "./harness.js";

const field = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const contextItem = (xml: string, name: string) => new RegExp(`<ac:ContextItem Name="${name}"><ac:Value>([^<]*)</ac:Value>`).exec(xml)?.[1];

describe("RequestVersion by build", () => {
  it("25H2 sends 9.0 in Discover and the RST, 24H2 sends 6.0; options.windows.requestVersion overrides", async () => {
    const discover: string[] = [];
    const rst: string[] = [];
    const h = await windowsHarness({}, (inner) => async (req: HttpRequest) => {
      const body = req.body ? new TextDecoder().decode(req.body) : "";
      if (body.includes("<Discover")) discover.push(body);
      if (body.includes("RequestSecurityToken")) rst.push(body);
      return inner(req);
    });
    try {
      const pc25 = await h.run("windows-byod", {}, 0, "windows-11-laptop", { osVersion: "10.0.26200.7171" });
      expect(pc25.result.ok).toBe(true);
      expect(field(discover[0]!, "RequestVersion")).toBe("9.0");
      expect(field(discover[0]!, "ApplicationVersion")).toBe("10.0.26200.7171");
      expect(contextItem(rst[0]!, "RequestVersion")).toBe("9.0");
      expect(pc25.result.windows.discovery?.requestVersion).toEqual({ value: "9.0", from: "devices/windows/builds.yaml, build 26200 (https://github.com/fleetdm/fleet/issues/49329)" });

      const pc24 = await h.run("windows-byod", {}, 1, "windows-11-laptop", { osVersion: "10.0.26100.2605" });
      expect(field(discover[1]!, "RequestVersion")).toBe("6.0");
      expect(pc24.result.windows.discovery?.requestVersion?.from).toMatch(/build 22621\.3155/);

      const forced = await h.run("windows-byod", { windows: { requestVersion: "5.0" } }, 2, "windows-11-laptop", { osVersion: "10.0.26200.7171" });
      expect(field(discover[2]!, "RequestVersion")).toBe("5.0");
      expect(forced.result.windows.discovery?.requestVersion).toEqual({ value: "5.0", from: "options.windows.requestVersion" });
    } finally {
      await h.close();
    }
  });
});
