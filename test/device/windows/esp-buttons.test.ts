// SPDX-License-Identifier: MIT
/** ESP error-page buttons from BlockInStatusPage flags (issue 12 #3): 1 Reset, 2 Try again, 4 Continue anyway. */
import { describe, expect, it } from "vitest";
import { espFailureButtons } from "../../../src/device/windows/esp.js";

describe("ESP BlockInStatusPage flags", () => {
  const cases: [string | undefined, string[]][] = [
    [undefined, ["Continue anyway"]],
    ["0", ["Continue anyway"]],
    ["1", ["Reset device"]],
    ["2", ["Try again"]],
    ["3", ["Reset device", "Try again"]],
    ["4", ["Continue anyway"]],
    ["5", ["Reset device", "Continue anyway"]],
    ["7", ["Reset device", "Try again", "Continue anyway"]],
    ["-1", ["Continue anyway"]],
    ["yes", ["Continue anyway"]],
  ];
  for (const [value, buttons] of cases) {
    it(`BlockInStatusPage ${value ?? "(absent)"} → ${buttons.join(", ")}`, () => {
      expect(espFailureButtons({ blockInStatusPage: value })).toEqual(buttons);
    });
  }
  it("AllowCollectLogsButton adds Collect logs first", () => {
    expect(espFailureButtons({ blockInStatusPage: "6", allowCollectLogsButton: true })).toEqual(["Collect logs", "Try again", "Continue anyway"]);
  });
});
