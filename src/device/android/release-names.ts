// SPDX-License-Identifier: MIT
/**
 * The Android release a device runs, by API level, as the device reports it (Build.VERSION.RELEASE, the catalog's
 * `osVersions[].version`): source.android.com, "Codenames, tags, and build numbers" (docs/setup/reference/build-numbers),
 * its table of codename, version and API level — 16 (API 36), 15 (35), 14 (34), 13 (33), 12 (32, Android 12L, and 31),
 * 11 (30), 10 (29), 9 (28), 8.1.0 (27), 8.0.0 (26), 7.1 (25), 7.0 (24), 6.0 (23), 5.1 (22), 5.0 (21). A release with
 * point releases (7.1.1, 7.1.2, 6.0.1, 5.1.1) is given by the table's version: which point release a device installs is
 * its maker's build, not the API level's.
 */
const RELEASE_BY_API_LEVEL: Readonly<Record<number, string>> = {
  21: "5.0",
  22: "5.1",
  23: "6.0",
  24: "7.0",
  25: "7.1",
  26: "8.0.0",
  27: "8.1.0",
  28: "9",
  29: "10",
  30: "11",
  31: "12",
  32: "12",
  33: "13",
  34: "14",
  35: "15",
  36: "16",
};

/** The release name of an API level (undefined: not in the table). */
export function androidReleaseName(apiLevel: number): string | undefined {
  return RELEASE_BY_API_LEVEL[apiLevel];
}
