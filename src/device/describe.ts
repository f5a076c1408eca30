// SPDX-License-Identifier: MIT
/**
 * Renders the device catalog for `enrollsim devices`: an aligned text table for people and a
 * JSON document for tools (`--json`).
 */
import type { Catalog, DeviceModel } from "./catalog.js";
import { describeRange } from "./os-support.js";

const HEADERS = ["ID", "PLATFORM", "MANUFACTURER", "MARKETING NAME", "MODEL", "RUNS", "OS VERSIONS"] as const;

function row(model: DeviceModel): string[] {
  return [
    model.id,
    model.platform,
    model.manufacturer,
    model.marketingName,
    model.modelIdentifier,
    // The releases the model can run (catalog osSupport): what a scenario's state may pin.
    model.osSupport ? describeRange(model.platform, model.osSupport) : "-",
    osSummary(model),
  ];
}

/** Distinct versions in catalog order; "(N builds)" when several builds share a version. */
function osSummary(model: DeviceModel): string {
  const versions = [...new Set(model.osVersions.map((os) => os.version))];
  const builds = model.osVersions.length > versions.length ? ` (${model.osVersions.length} builds)` : "";
  return versions.join(", ") + builds;
}

/**
 * An aligned plain-text table, one model per line sorted by id, columns separated by two spaces,
 * no trailing spaces; ends with a newline.
 */
export function formatCatalogTable(catalog: Catalog): string {
  const rows = [[...HEADERS], ...catalog.list().map(row)];
  const widths = HEADERS.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col]!)).join("  ").trimEnd()).join("\n") + "\n";
}

/** The catalog as JSON text: `{ "devices": [DeviceModel, …] }`, sorted by id, 2-space indent. */
export function catalogJson(catalog: Catalog): string {
  return JSON.stringify({ devices: catalog.list() }, null, 2) + "\n";
}
