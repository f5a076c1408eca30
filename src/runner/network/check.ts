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
  }
  return out;
}
