// SPDX-License-Identifier: MIT
/** `enrollsim devices`: the device catalog. */
import type { Argv } from "yargs";
import { catalogJson, formatCatalogTable } from "../../device/describe.js";
import { loadCatalog } from "../../runner/catalog-files.js";

export const devicesCommand = {
  command: "devices",
  describe: "List the device catalog (real models with their identifier formats)",
  builder: (y: Argv) =>
    y.option("json", { type: "boolean", default: false }).option("dir", { type: "string", describe: "catalog directory" }).example("$0 devices", "the models, their platform and identifier formats").example("$0 devices --json", "the catalog as JSON"),
  handler: (a: { json: boolean; dir?: string }) => {
    const catalog = loadCatalog(a.dir);
    process.stdout.write(a.json ? catalogJson(catalog) : `${formatCatalogTable(catalog)}\n`);
  },
};
