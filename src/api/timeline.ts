// SPDX-License-Identifier: MIT
/** Builds a run's timeline engine (runner/timeline) over its devices and, when embedded, its server. */
import type { FleetNetworks } from "../runner/network/fleet.js";
import type { Catalog } from "../device/catalog.js";
import { deviceTemplateValues, expandServerData, type TemplateValues } from "../device/template.js";
import { localResetRefusal } from "../device/windows/recovery.js";
import type { Clock, EntropySource, Logger, TranscriptSink } from "../ports/index.js";
import { identityOf } from "../runner/fleet.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import { TimelineEngine, type TimelineDevice } from "../runner/timeline/engine.js";
import { SkippableClock } from "../runner/timeline/skip-clock.js";
import type { ReferenceServer } from "../server/reference-server.js";
import { referenceServerTimeline } from "../server/timeline-admin.js";
import { expandRunValue } from "./server-data.js";

/** The run's clock: skippable when the timeline skips time (HTTP deadlines keep the base clock). */
export function timelineClock(s: ResolvedScenario, clock: Clock): Clock {
  return (s.timeline ?? []).some((e) => e.action.kind === "skip") ? new SkippableClock(clock) : clock;
}

export function createTimeline(
  s: ResolvedScenario,
  catalog: Catalog,
  env: { clock: Clock; entropy: EntropySource; log: Logger },
  server: ReferenceServer | undefined,
  transcriptFor: (device: string) => TranscriptSink,
  networks?: FleetNetworks,
): TimelineEngine | undefined {
  const entries = s.timeline ?? [];
  if (entries.length === 0) return undefined;
  const devices: TimelineDevice[] = [];
  const groupOf = new Map<number, (typeof s.groups)[number]>();
  // A reset on the device itself reads the device (its recovery environment): only Windows PCs can refuse one.
  const resets = entries.some((e) => e.action.kind === "reset");
  for (const g of s.groups) {
    const platform = catalog.get(g.model).platform;
    for (let k = 0; k < g.count; k++) {
      const refused = resets && platform === "windows" ? localResetRefusal(identityOf(catalog, env, g.model, g.firstIndex + k, g.state).identity) : undefined;
      devices.push({ index: g.firstIndex + k, id: `${g.model}#${g.firstIndex + k}`, group: g.name, platform, ...(refused ? { resetRefused: refused } : {}) });
      groupOf.set(g.firstIndex + k, g);
    }
  }
  // Device variables in `set` values (`%SERIAL@group%` in a list of the server's data) expand per device, as in embedded.* itself.
  let values: Array<{ group: string; values: TemplateValues }> | undefined;
  const perDevice = () => (values ??= devices.map((d) => ({ group: d.group, values: deviceTemplateValues(identityOf(catalog, env, groupOf.get(d.index)!.model, d.index, groupOf.get(d.index)!.state).identity) })));
  // Run variables (%SERVER%, %SERVER_HTTP%, %SCEP_URL%) in values for the embedded server expand with its listeners' URLs.
  const runVars = <T>(path: string[], v: T): T => (server && path[0] === "embedded" ? expandRunValue(v, server.urls) : v);
  const expanded = entries.map((e) =>
    e.action.kind === "set" && JSON.stringify(e.action.values).includes("%") ? { ...e, action: { ...e.action, values: e.action.values.map((v) => ({ ...v, value: runVars(v.path, expandServerData(v.value, perDevice())) })) } } : e,
  );
  return new TimelineEngine({
    entries: expanded,
    clock: env.clock,
    devices,
    identity: (i) => {
      // The identity the device runs with: its group's state included (a pinned serial is what the server recorded).
      const g = groupOf.get(i)!;
      const { identity } = identityOf(catalog, env, g.model, i, g.state);
      // mac and model as the device reports them at enrollment (device lists match them): Apple ProductName and Windows DeviceModel are the model identifier, Android Build.MODEL.
      const model = identity.platform === "android" ? identity.model : identity.modelIdentifier;
      return { serialNumber: identity.serialNumber, udid: identity.udid, imei: identity.imei, platform: identity.platform, ...(identity.windows ? { windowsDeviceId: identity.windows.deviceId } : {}), mac: identity.wifiMac ?? identity.ethernetMac, model };
    },
    transcriptFor,
    ...(networks ? { networks } : {}),
    ...(server && s.server.kind === "embedded" ? { server: referenceServerTimeline(server, s.server.platforms, env.clock) } : {}),
    onError: (e, err) => env.log.warn({ timeline: e.index, err: err instanceof Error ? err.message : String(err) }, "timeline action failed"),
  });
}
