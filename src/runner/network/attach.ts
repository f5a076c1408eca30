// SPDX-License-Identifier: MIT
/** A device's ports on its network, for the fleet (runner/fleet.ts): the network layer sits under the faults, so fault selectors see the URLs the device asked for. */
import type { DnsPort } from "../../ports/dns.js";
import type { HttpPort } from "../../ports/http.js";
import type { Clock } from "../../ports/clock.js";
import type { TranscriptSink } from "../../ports/transcript.js";
import type { DeviceNetworkView } from "../../protocol/common/connectivity.js";
import { FleetNetworks } from "./fleet.js";
import type { FleetFaults, DeviceFaultPorts, FaultPortsEnv } from "../faults/plan.js";
import type { CurrentStep } from "../../protocol/common/context.js";
import type { NetworkSpec } from "./types.js";
import { networkDns, networkHttp, type NetworkDevice } from "./ports.js";

/** The run's networks and the internet responder (both made by the API for a scenario with `networks:`). */
export interface RunNetworks {
  fleet: FleetNetworks;
  /** http://127.0.0.1:port of the internet responder (server/internet.ts). */
  responder?: string;
}

export function attachNetwork(nets: RunNetworks, device: NetworkDevice, env: { http: HttpPort; dns: DnsPort; clock: Clock; transcript: TranscriptSink }, step: () => string | undefined): { http: HttpPort; dns: DnsPort; view: DeviceNetworkView } {
  const penv = { clock: env.clock, transcript: env.transcript, step, ...(nets.responder ? { responder: nets.responder } : {}) };
  return {
    http: networkHttp(env.http, nets.fleet, device, penv),
    dns: networkDns(env.dns, nets.fleet, device, penv),
    view: {
      name: () => nets.fleet.current(device.index, device.group)?.name,
      pacUrl: () => nets.fleet.pacUrl(device.index, device.group),
      dhcp: () => nets.fleet.dhcp(device.index, device.group),
      hostOf: (url) => {
        const h = nets.fleet.hostOf(url);
        return h.mdm ? url.hostname : h.host;
      },
    },
  };
}

/** The run's networks for a scenario that has them and a caller that made none (tests, one-off runs): no responder, so internet hosts are refused. */
export function networksOf(s: { networks?: Record<string, NetworkSpec>; groups: readonly { name: string; network?: string }[] }, targets: { server?: { http?: string; https?: string } }): RunNetworks | undefined {
  if (!s.networks) return undefined;
  const serverOrigins = [targets.server?.http, targets.server?.https].filter((u): u is string => !!u).map((u) => new URL(u).origin);
  return { fleet: new FleetNetworks({ networks: s.networks, groupNetwork: Object.fromEntries(s.groups.map((g) => [g.name, g.network])), serverOrigins }) };
}

/** The device's fault ports over its network's ports (the network under the faults), with its network view when the run has networks. */
export function portsOnNetwork(nets: RunNetworks | undefined, faults: FleetFaults, device: { index: number; id: string; platform: string; flow: string; group: string }, env: FaultPortsEnv): DeviceFaultPorts & { network?: DeviceNetworkView } {
  if (!nets) return faults.portsFor(device, env);
  const box: { current?: CurrentStep } = {};
  const on = attachNetwork(nets, device, env, () => box.current?.step);
  const ports = faults.portsFor(device, { ...env, http: on.http, dns: on.dns });
  box.current = ports.current;
  return { ...ports, network: on.view };
}
