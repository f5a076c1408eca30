// SPDX-License-Identifier: MIT
/**
 * Integrated Windows authentication (tokenSource `integrated`): the ConfigMgr co-management client asks
 * ADAL for the user's token with the Windows logon itself when the Cloud Management Azure service is not
 * configured (Microsoft Learn, "MDM enrollment fails with error code 0xcaa9001f": CoManagementHandler.log
 * "Integrated Windows authentication supported only in federation flow", Event 76 "Auto MDM Enroll:
 * Failed (Unknown Win32 Error code: 0xcaa9001f)"). ADAL first asks the user realm (protocol/windows/realm.ts):
 *
 * - no realm answer → 0xCAA90018 ERROR_ADAL_COULDNOT_DISCOVER_USERREALM;
 * - a Managed (or Unknown) domain → 0xCAA9001F ERROR_ADAL_INTEGRATED_AUTH_WITHOUT_FEDERATION: integrated
 *   authentication needs a domain federated with an on-premises identity provider
 *   (`embedded.policy.directory.federatedDomains`);
 * - a Federated domain → the token. Not simulated: the WS-Trust exchange with the federation server
 *   (metadata exchange, windowstransport); the identity provider's sign-in stands in for it, which the
 *   transcript says.
 */
import { note } from "../../protocol/common/context.js";
import { discoverUserRealm } from "../../protocol/windows/realm.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";
import { windowsScreen } from "./shown.js";
import { signInShown } from "./signin-shown.js";
import { gpoCredentialOf } from "./gpo-event.js";

/** CoManagementHandler.log's line per CAA code, as Microsoft Learn quotes it ("MDM enrollment fails with error code 0xcaa9001f"). */
const COMANAGEMENT_LOG: Record<number, string> = { 0xcaa9001f: "Integrated Windows authentication supported only in federation flow" };

/** undefined when the realm is federated and the sign-in may go on. */
export async function integratedRealm(run: EnrollRun, authority: string): Promise<WindowsFlowResult | undefined> {
  const { p, upn, fail } = run;
  const realm = await discoverUserRealm(p, authority, upn);
  const refuse = (code: number, detail: string) => {
    const s = signInShown({ kind: "adal", code, detail }, "broker", "event76", gpoCredentialOf(run.o.raw));
    // The co-management client's own log line, where Microsoft Learn publishes it (0xcaa9001f only): a second record of the
    // device's, kept apart from Event 76 (the text) as `logged`, reported "the device logged".
    const log = COMANAGEMENT_LOG[code];
    const logged = log ? { logged: [`CoManagementHandler.log: ${log}`] } : {};
    return { ...fail("windows.gpo.token-unavailable", "auth.realm", s.message), shown: { ...s.shown, ...logged, screen: windowsScreen("auth.realm", "windows-gpo") } };
  };
  if (realm.status === "unreachable") return refuse(0xcaa90018, realm.error.message);
  if (realm.accountType !== "Federated") {
    return refuse(0xcaa9001f, `the user realm of ${upn.split("@")[1] ?? upn} is ${realm.accountType}: integrated Windows authentication works only for a domain federated with an on-premises identity provider`);
  }
  note(p, "auth.realm", { standIn: "federated realm: the WS-Trust exchange with the federation server is not simulated; the identity provider's sign-in stands in for it" });
  return undefined;
}
