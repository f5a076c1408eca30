// SPDX-License-Identifier: MIT
/**
 * Leftovers of an earlier management on a PC, and what the enrollment client does with them. The enrollment
 * records an earlier MDM left (HKLM\SOFTWARE\Microsoft\Enrollments\<GUID>, the EnterpriseMgmt\<GUID> tasks, the
 * old MDM certificate) are `state.enrollments` (state.ts: 0x8007064C for a stale record, 0x8018000A for an active
 * one); this file holds the registry values beside them.
 *
 * MmpcEnrollmentFlag (DWORD, HKLM\SOFTWARE\Microsoft\Enrollments; state.mmpcEnrollmentFlag). Published:
 * - github.com/fleetdm/fleet/issues/34993: hosts migrated from another MDM (about a third of them) fail
 *   RegisterDeviceWithManagement at discovery: 'using discovery URL ".../api/mdm/microsoft/discovery": HTTP error
 *   code 400 (0x80190190 - 2149122448)'; no correlation with a Windows version ("There does not seem to be
 *   correlation with this happening on a specific version of Windows").
 * - github.com/fleetdm/fleet/issues/38916: "The workaround from #34993 (manually setting MmpcEnrollmentFlag registry
 *   value to 0)"; Fleet's scripts reset-mdm-enrollment-flag.ps1 / fix-windows-mdm-migration.ps1 set the value to 0
 *   at HKLM:\SOFTWARE\Microsoft\Enrollments and ask for a reboot.
 * - github.com/fleetdm/fleet/issues/28240 (the same customer, customer-preston): discovery POSTs Fleet could not
 *   read, logged as "unmarshalling soap mdm request: EOF" (a POST without a body), answered 5xx and changed to 4xx.
 *   A Discover Fleet could read and refuse answers a SOAP fault, which Windows shows as 0x80180006 (fleet#49329),
 *   not 0x80190190: the 400 of #34993 is an HTTP-level refusal, as for a request with no envelope.
 * Not published: what the flag makes the client send. enrollsim's reading of the three: with the flag left
 * non-zero, the client posts the Discover request without a body. Which value means what (community scripts read
 * 2 as "MDE blocking real enrollment") is not published either: every non-zero value counts. Only the path of the
 * ticket is modelled (RegisterDeviceWithManagement, for which Settings › Access work or school stands in: the
 * windows-byod flow); no source ties the flag to Autopilot, the GPO task or a Windows build.
 */
import type { DeviceIdentity } from "../identity.js";
import type { WindowsFlowKind } from "./options.js";

/** Why the Discover POST goes out without a body, or undefined when it carries the request. Read at the step: a timeline `set` applies. */
export function discoverBodyDropped(id: DeviceIdentity, kind: WindowsFlowKind): string | undefined {
  const flag = id.state?.mmpcEnrollmentFlag ?? 0;
  if (kind !== "byod" || flag === 0) return undefined;
  return `HKLM\\SOFTWARE\\Microsoft\\Enrollments\\MmpcEnrollmentFlag is ${flag} (state.mmpcEnrollmentFlag), left by an earlier management: the Discover POST goes out without a body (enrollsim's reading of fleetdm/fleet#34993 and #28240; what the flag changes in the request is not published)`;
}
