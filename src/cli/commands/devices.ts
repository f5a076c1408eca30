// SPDX-License-Identifier: MIT
/** `enrollsim devices`: the device catalog. */
import type { Argv } from "yargs";
import { catalogJson, formatCatalogTable } from "../../device/describe.js";
import { loadCatalog, loadCatalogWith } from "../../runner/catalog-files.js";

export const devicesCommand = {
  command: "devices",
  describe: "List the device catalog (real models with their identifier formats)",
  builder: (y: Argv) =>
    y
      .option("json", { type: "boolean", default: false })
      .option("dir", { type: "string", describe: "read the catalog from this directory instead of the shipped one" })
      .option("devices", { type: "string", describe: "directory of device YAML files that add to or replace the shipped catalog's models" })
      .option("agents", { type: "string", describe: "directory of vendor agent YAML files that add to or replace the shipped agent catalog (agents/README.md)" })
      .example("$0 devices", "the models, their platform and identifier formats")
      .example("$0 devices --json", "the catalog as JSON")
      .example("$0 devices --devices my-devices/", "the catalog with your own models (each file validated, file:line:column)"),
  handler: async (a: { json: boolean; dir?: string; devices?: string; agents?: string }) => {
    const catalog = a.dir !== undefined ? loadCatalog(a.dir) : loadCatalogWith(a.devices, a.agents);
    process.stdout.write(a.json ? catalogJson(catalog) : `${formatCatalogTable(catalog)}\n`);
  },
};
