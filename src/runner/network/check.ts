// SPDX-License-Identifier: MIT
/**
 * Checks of `networks:` the schema cannot express: a group's `network` and a timeline `joinNetwork`
 * name a network of the scenario (with did-you-mean), and a network is not both without internet and
 * behind a captive portal (a portal needs the internet behind it to be worth signing in to).
 */
import type { Issue } from "../scenario/messages.js";
import { didYouMean, listNames } from "../scenario/suggest.js";
import type { Scenario } from "../scenario/types.js";

export function networkIssues(s: Scenario): Issue[] {
  const out: Issue[] = [];
  const names = Object.keys(s.networks ?? {});
  const unknown = (name: string) => (names.length ? `unknown network "${name}"; networks: ${listNames(names)}${didYouMean(name, names)}` : `network "${name}" is not defined: the scenario has no networks: block`);
  s.groups.forEach((g, i) => {
    if (g.network !== undefined && !names.includes(g.network)) out.push({ path: ["groups", i, "network"], anchor: "value", message: unknown(g.network), expected: "a key of networks:", rank: 1 });
  });
  (s.timeline ?? []).forEach((e, i) => {
    if (e.joinNetwork !== undefined && !names.includes(e.joinNetwork)) out.push({ path: ["timeline", i, "joinNetwork"], anchor: "value", message: unknown(e.joinNetwork), expected: "a key of networks:", rank: 1 });
  });
  for (const [name, n] of Object.entries(s.networks ?? {})) {
    if (n.internet === false && n.captivePortal)
      out.push({
        path: ["networks", name, "captivePortal"],
        anchor: "key",
        message: `network "${name}" has no internet access and a captive portal; a portal stands in front of an internet connection: drop one of them`,
        expected: "internet: false or captivePortal, not both",
        rank: 1,
      });
    const px = n.proxy;
    const need = (key: string, message: string, expected: string) => out.push({ path: ["networks", name, "proxy", key], anchor: "key", message: `network "${name}": ${message}`, expected, rank: 1 });
    if (px && px.address === undefined) {
      for (const key of ["wpad", "bypass", "directAs"] as const) if (px[key] !== undefined) need(key, `proxy.${key} belongs to an explicit proxy: give proxy.address (host:port)`, "proxy.address alongside");
    }
    if (px?.wpad?.includes("dhcp") && px.pac === undefined) need("wpad", "WPAD by DHCP (option 252) carries the PAC URL: give proxy.pac", "proxy.pac (an http(s) URL)");
    if (px?.wpad?.includes("dns") && n.dnsSuffix === undefined) need("wpad", "WPAD by DNS looks up wpad.<dnsSuffix>: give the network a dnsSuffix", "networks.<name>.dnsSuffix");
  }
  return out;
}
