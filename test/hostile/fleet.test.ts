// SPDX-License-Identifier: MIT
/** Fleet variants: hostile devices beside healthy ones on the same hostile server (the others still enrol). */
import { ALL_CASES, G } from "./cases.js";
import { hostileFleetSuite } from "./suite.js";

const pick = (id: string) => {
  const c = ALL_CASES.find((x) => x.id === id);
  if (!c) throw new Error(`no hostile case ${id}`);
  return c;
};

hostileFleetSuite("hostile server, fleet variant", [
  { c: pick("windows-omadm-9000-commands"), healthy: G.ios, count: 3 },
  { c: pick("scep-pkioperation-reset-mid-body"), healthy: G.win, count: 2 },
  { c: pick("apple-command-endless-commands"), healthy: G.qr, count: 3 },
  { c: pick("android-amapi-no-answer"), healthy: G.win, count: 2 },
]);
