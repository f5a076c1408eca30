// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { isKmeRefusal } from "../../../src/device/android/portal-answer.js";

describe("KME's refusals (Samsung KBA 360039680333)", () => {
  it("every 4xx but 404 is a refusal the device falls through on; 404 is 'not registered', 5xx a transport error", () => {
    for (const s of [400, 401, 403, 409, 499]) expect(isKmeRefusal(s), String(s)).toBe(true);
    for (const s of [200, 302, 399, 404, 500, 503]) expect(isKmeRefusal(s), String(s)).toBe(false);
  });
});
