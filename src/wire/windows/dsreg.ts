// SPDX-License-Identifier: MIT
/**
 * Device-registration (DSREG, facility 0x801C) HRESULTs: what Windows reports when the Microsoft
 * Entra join or registration fails (dsregcmd's "Client ErrorCode", the User Device Registration/Admin
 * event log, the Autopilot and ESP screens). Names are given only where Microsoft publishes one; the
 * meaning is the published text. Sources:
 *
 * - [HELLO] Microsoft Learn, "Windows Hello errors during PIN creation" (the 0x801C00xx / 0x801C03xx
 *   table, https://learn.microsoft.com/windows/security/identity-protection/hello-for-business/hello-errors-during-pin-creation).
 * - [HYBRID] Microsoft Learn, "Troubleshoot Microsoft Entra hybrid joined devices" (join-phase errors
 *   with DSREG_* names, the sync-join server errors; https://learn.microsoft.com/entra/identity/devices/troubleshoot-hybrid-join-windows-current).
 * - [AUTOPILOT-KI] Microsoft Learn, "Windows Autopilot known issues": pre-provisioning red screen, User Device
 *   Registration/Admin log "HResult error code 0x801C03F3" when Entra ID can't find the device object (deleted).
 * - [ENROLL] Microsoft Learn, "Troubleshoot Windows device enrollment errors in Intune": "Registering your device
 *   for mobile management (Failed: 3, 0x801C03EA)" — TPM 2.0-capable chip not upgraded, or two Autopilot profiles.
 * - [ENTRA-JOIN] Microsoft Learn, "Troubleshoot Microsoft Entra join" (Autopilot): 801C0003 on "Something went wrong"
 *   when the join fails (join permissions, the per-user maximum, a deleted Autopilot device object).
 *
 * A code outside this table is shown as unknown with its raw value (device/windows/join-shown.ts).
 */
export interface DsregCode {
  hresult: number;
  /** Published symbolic name, when there is one. */
  name?: string;
  /** Published meaning. */
  meaning: string;
  source: "HELLO" | "HYBRID" | "AUTOPILOT-KI" | "ENROLL";
}

const rows: DsregCode[] = [
  { hresult: 0x801c0001, meaning: "ADRS server response isn't in a valid format.", source: "HELLO" },
  { hresult: 0x801c0002, name: "DSREG_E_DEVICE_AUTHENTICATION_ERROR", meaning: 'Received an error response from DRS with ErrorCode "AuthenticationError" and ErrorSubCode not "DeviceNotFound".', source: "HYBRID" },
  { hresult: 0x801c0003, meaning: "User isn't authorized to enroll.", source: "HELLO" },
  { hresult: 0x801c0006, name: "DSREG_E_DEVICE_INTERNALSERVICE_ERROR", meaning: "Unhandled exception from server.", source: "HYBRID" },
  { hresult: 0x801c000b, meaning: "Redirection is needed and redirected location isn't a well known server.", source: "HELLO" },
  { hresult: 0x801c000c, meaning: "Discovery failed.", source: "HELLO" },
  { hresult: 0x801c000e, meaning: "Registration quota reached.", source: "HELLO" },
  { hresult: 0x801c000f, meaning: "Operation successful, but the device requires a reboot.", source: "HELLO" },
  { hresult: 0x801c0010, meaning: "The AIK certificate isn't valid or trusted.", source: "HELLO" },
  { hresult: 0x801c0011, meaning: "The attestation statement of the transport key is invalid.", source: "HELLO" },
  { hresult: 0x801c0012, meaning: "Discovery request isn't in a valid format.", source: "HELLO" },
  { hresult: 0x801c0013, meaning: "Tenant ID isn't found in the token.", source: "HELLO" },
  { hresult: 0x801c0014, meaning: "User SID isn't found in the token.", source: "HELLO" },
  { hresult: 0x801c0015, meaning: "The device is required to be joined to an Active Directory domain.", source: "HELLO" },
  { hresult: 0x801c001d, name: "DSREG_AUTOJOIN_ADCONFIG_READ_FAILED", meaning: "Windows cannot access the computer object in Active Directory.", source: "HYBRID" },
  { hresult: 0x801c0025, name: "DSREG_SERVER_BUSY", meaning: "HTTP 503 from DRS server.", source: "HYBRID" },
  { hresult: 0x801c003a, name: "DSREG_DISCOVERY_TENANT_NOT_FOUND", meaning: "SCP object configured with wrong tenant ID, or no active subscriptions were found in the tenant.", source: "HYBRID" },
  { hresult: 0x801c03e9, meaning: "Server response message is invalid.", source: "HELLO" },
  { hresult: 0x801c03ea, meaning: "Server failed to authorize user or device.", source: "HELLO" },
  { hresult: 0x801c03eb, meaning: "Server response http status isn't valid.", source: "HELLO" },
  { hresult: 0x801c03ec, meaning: "Unhandled exception from server.", source: "HELLO" },
  {
    hresult: 0x801c03ed,
    meaning:
      "Multi-factor authentication is required for a 'ProvisionKey' operation, but wasn't performed; or token wasn't found in the Authorization header; or failed to read one or more objects; or the request sent to the server was invalid; or user doesn't have permissions to join to Microsoft Entra ID.",
    source: "HELLO",
  },
  { hresult: 0x801c03ee, meaning: "Attestation failed.", source: "HELLO" },
  { hresult: 0x801c03ef, meaning: "The AIK certificate is no longer valid.", source: "HELLO" },
  { hresult: 0x801c03f0, meaning: "There's no key registered for the user.", source: "HELLO" },
  { hresult: 0x801c03f1, meaning: "There's no UPN in the token.", source: "HELLO" },
  { hresult: 0x801c03f2, name: "DSREG_E_DIRECTORY_FAILURE", meaning: 'Received an error response from DRS with ErrorCode "DirectoryError".', source: "HYBRID" },
  { hresult: 0x801c03f3, meaning: "Microsoft Entra ID can't find a device object for the device being deployed (the object was deleted).", source: "AUTOPILOT-KI" },
];

const BY_HRESULT = new Map(rows.map((r) => [r.hresult >>> 0, r]));

export const dsregByHresult = (h: number): DsregCode | undefined => BY_HRESULT.get(h >>> 0);

/** "0x801C03F3" / "0x801c03f3" / "801C03F3" → the number, or undefined when the text is not an 0x801Cxxxx HRESULT. */
export function parseDsregHresult(text: string): number | undefined {
  const m = /^(?:0x)?(801c[0-9a-f]{4})$/i.exec(text.trim());
  return m ? parseInt(m[1]!, 16) : undefined;
}
