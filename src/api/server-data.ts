// SPDX-License-Identifier: MIT
/**
 * Templates in the embedded server's data (device/template.ts): a list item with device variables
 * becomes one item per device of the run (or of one group with `%SERIAL@group%`), computed from the
 * seed like the devices themselves; run variables (`%SERVER%`, `%PORT%`, …) expand once the server
 * listens (ReferenceServerOptions.platformsFor).
 */
import type { Catalog } from "../device/catalog.js";
import { deviceTemplateValues, expandDeep, expandServerData, expandTemplate, runTemplateValues, templateUses, usesDeviceVariables, type TemplateValues } from "../device/template.js";
import type { EntropySource } from "../ports/index.js";
import { identityOf } from "../runner/fleet.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import type { ServerUrls } from "../server/half.js";

type Embedded = Extract<ResolvedScenario["server"], { kind: "embedded" }>;

function strings(v: unknown, test: (s: string) => boolean): boolean {
  if (typeof v === "string") return test(v);
  if (Array.isArray(v)) return v.some((x) => strings(x, test));
  if (v && typeof v === "object") return Object.values(v).some((x) => strings(x, test));
  return false;
}

/** The embedded configuration with device variables expanded per device of the run. */
export function expandDeviceData(server: Embedded, s: ResolvedScenario, catalog: Catalog, entropy: EntropySource): Embedded {
  const data = { platforms: server.platforms, policy: server.policy };
  if (!strings(data, usesDeviceVariables)) return server;
  const devices: Array<{ group: string; values: TemplateValues }> = [];
  for (const g of s.groups) {
    for (let k = 0; k < g.count; k++) devices.push({ group: g.name, values: deviceTemplateValues(identityOf(catalog, { entropy }, g.model, g.firstIndex + k, g.state).identity) });
  }
  const out = expandServerData(data, devices);
  return { ...server, platforms: out.platforms, policy: out.policy };
}

/** `platformsFor` when the halves' data names the server itself, else undefined. */
export function runDataExpander(server: Embedded): ((urls: ServerUrls) => Embedded["platforms"]) | undefined {
  if (!strings(server.platforms, (x) => templateUses(x).length > 0)) return undefined;
  return (urls) => {
    const values = runTemplateValues({ https: urls.https, http: urls.http, scepUrl: `${urls.http}/scep` });
    return expandDeep(server.platforms, (x) => expandTemplate(x, values, "run"));
  };
}

/**
 * Run variables (`%SERVER%`, `%SERVER_HTTP%`, `%SCEP_URL%`, …) in a value a timeline `set` gives the server's data,
 * expanded as embedded.* itself is (runDataExpander): a profile assigned mid-run may name the server too.
 */
export function expandRunValue<T>(value: T, urls: ServerUrls): T {
  if (!strings(value, (x) => templateUses(x).length > 0)) return value;
  const values = runTemplateValues({ https: urls.https, http: urls.http, scepUrl: `${urls.http}/scep` });
  return expandDeep(value, (x) => expandTemplate(x, values, "run"));
}
