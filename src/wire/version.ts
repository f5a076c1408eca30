// SPDX-License-Identifier: MIT
/** Dotted version numbers (OS versions, builds), compared component by component. */

/** Negative when a < b, 0 when equal (missing components count as 0), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => parseInt(x, 10) || 0);
  const pb = b.split(".").map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
