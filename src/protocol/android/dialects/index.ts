// SPDX-License-Identifier: MIT
/** Registry of Android DPC↔server dialects; add a dialect here to make it selectable. */
import { amapiDialect } from "./amapi.js";
import { headwindDialect } from "./headwind.js";
import { intuneDialect } from "./intune.js";
import { knoxManageDialect } from "./knox-manage.js";
import { workspaceOneDialect } from "./workspace-one.js";
import type { AndroidDialect } from "./types.js";

export type { AndroidDialect, AndroidDeviceInfo, DialectCheckinInput, DialectInput, DialectOptions, DialectOutcome } from "./types.js";

export const ANDROID_DIALECTS: Record<string, AndroidDialect> = {
  [amapiDialect.name]: amapiDialect,
  [headwindDialect.name]: headwindDialect,
  [intuneDialect.name]: intuneDialect,
  [knoxManageDialect.name]: knoxManageDialect,
  [workspaceOneDialect.name]: workspaceOneDialect,
};

/** The dialect that owns a DPC package, if any. */
export function dialectForPackage(pkg: string): AndroidDialect | undefined {
  return Object.values(ANDROID_DIALECTS).find((d) => d.packages.includes(pkg));
}
