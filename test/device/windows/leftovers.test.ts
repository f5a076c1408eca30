// SPDX-License-Identifier: MIT
/** Leftovers of an earlier management (device/windows/leftovers.ts): which flows a leftover MmpcEnrollmentFlag changes, read at the step. */
import { describe, expect, it } from "vitest";
import type { DeviceIdentity } from "../../../src/device/identity.js";
import { discoverBodyDropped } from "../../../src/device/windows/leftovers.js";

const pc = (mmpcEnrollmentFlag?: number) => ({ state: mmpcEnrollmentFlag === undefined ? {} : { mmpcEnrollmentFlag } }) as unknown as DeviceIdentity;

describe("discoverBodyDropped", () => {
  it("absent or 0: the Discover request carries its envelope", () => {
    expect(discoverBodyDropped(pc(), "byod")).toBeUndefined();
    expect(discoverBodyDropped(pc(0), "byod")).toBeUndefined();
  });
  it("any non-zero value on the enrollment the ticket used (windows-byod) drops the body, and says where the value lives", () => {
    for (const v of [1, 2, 0xffffffff]) {
      const why = discoverBodyDropped(pc(v), "byod");
      expect(why).toContain(`HKLM\\SOFTWARE\\Microsoft\\Enrollments\\MmpcEnrollmentFlag is ${v}`);
      expect(why).toContain("not published");
    }
  });
  it("flows no source ties the flag to are not changed", () => {
    for (const kind of ["gpo", "autopilot", "bulk"] as const) expect(discoverBodyDropped(pc(2), kind)).toBeUndefined();
  });
  it("reads the identity's state when asked: a timeline set between two attempts applies", () => {
    const id = pc(2);
    expect(discoverBodyDropped(id, "byod")).toBeDefined();
    (id.state as { mmpcEnrollmentFlag: number }).mmpcEnrollmentFlag = 0;
    expect(discoverBodyDropped(id, "byod")).toBeUndefined();
  });
});
