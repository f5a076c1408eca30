// SPDX-License-Identifier: MIT
/**
 * The Android release a device runs, by API level: one table for the device (what it reports) and the servers (the
 * number an OS range compares). As the device reports it (Build.VERSION.RELEASE, the catalog's
 * `osVersions[].version`): source.android.com, "Codenames, tags, and build numbers" (docs/setup/reference/build-numbers),
 * its table of codename, version and API level — 16 (API 36), 15 (35), 14 (34), 13 (33), 12 (32, Android 12L, and 31),
 * 11 (30), 10 (29), 9 (28), 8.1.0 (27), 8.0.0 (26), 7.1 (25), 7.0 (24), 6.0 (23), 5.1 (22), 5.0 (21). A release with
 * point releases (7.1.1, 7.1.2, 6.0.1, 5.1.1) is given by the table's version: which point release a device installs is
 * its maker's build, not the API level's.
 */
const RELEASE_BY_API_LEVEL: Readonly<Record<number, { name: string; number: string }>> = {
  21: { name: "5.0", number: "5.0" },
  22: { name: "5.1", number: "5.1" },
  23: { name: "6.0", number: "6.0" },
  24: { name: "7.0", number: "7.0" },
  25: { name: "7.1", number: "7.1" },
  26: { name: "8.0.0", number: "8.0" },
  27: { name: "8.1.0", number: "8.1" },
  28: { name: "9", number: "9.0" },
  29: { name: "10", number: "10.0" },
  30: { name: "11", number: "11.0" },
  31: { name: "12", number: "12.0" },
  // Android 12L reports "12" as its release; the reference server's OS range places it after 12.0 (12.1).
  32: { name: "12", number: "12.1" },
  33: { name: "13", number: "13.0" },
  34: { name: "14", number: "14.0" },
  35: { name: "15", number: "15.0" },
  36: { name: "16", number: "16.0" },
};

/** The release name of an API level as the device reports it (undefined: not in the table). */
export function androidReleaseName(apiLevel: number): string | undefined {
  return RELEASE_BY_API_LEVEL[apiLevel]?.name;
}

/**
 * The release of an API level as a major.minor number, the form an EMM's OS range compares ("8.1", "12.0"; Intune's
 * Android OS versions are release numbers, the device reports its API level: server/android/policy-gate.ts).
 */
export function androidReleaseNumber(apiLevel: number): string | undefined {
  return RELEASE_BY_API_LEVEL[apiLevel]?.number;
}
