// SPDX-License-Identifier: MIT
/**
 * SCEP certificate profiles through the ClientCertificateInstall CSP
 * (learn.microsoft.com/windows/client-management/mdm/clientcertificateinstall-csp): what the server sends and
 * what it reads back. Used by the ESP set-up (`embedded.windows.esp.scepCerts`, tracked by ExpectedSCEPCerts) and
 * by configuration profiles with `scep` (`embedded.windows.profiles`, assigned at enrollment or later by a
 * timeline `set`), so both send the same bytes.
 *
 * - Delivery: the `SCEP/{UniqueID}/Install/*` nodes as Adds, then `Exec Install/Enroll`, in one Atomic: "the
 *   SyncML commands must be wrapped in atomic commands to ensure enrollment execution isn't triggered until all
 *   settings are configured. The Enroll command must be the last item in the atomic block" (CSP note).
 * - Reading back: the PC runs SCEP after the session and records `SCEP/{UniqueID}/Status` (1 finished
 *   successfully, 2 pending, 16 action failed, 32 unknown: CSP, Status) and `SCEP/{UniqueID}/ErrorCode` (the
 *   HRESULT of a failure). The server Gets both at the PC's next sessions until Status is final.
 */
import type { Command } from "../../wire/windows/syncml.js";
import type { ScepCertSpec } from "./config.js";

/** `./Device|User/Vendor/MSFT/ClientCertificateInstall/SCEP/<id>` of a profile. */
export const scepNode = (c: Pick<ScepCertSpec, "id" | "scope">): string => `./${c.scope === "user" ? "User" : "Device"}/Vendor/MSFT/ClientCertificateInstall/SCEP/${encodeURIComponent(c.id)}`;

/** The one Atomic that installs a SCEP profile: the Install nodes, Exec Enroll last. `defaults` are the embedded CA's URL and challenge. */
export function scepInstallAtomic(c: ScepCertSpec, defaults: { url: string; challenge: string }): Command {
  const add = (k: string, v: string, format = "chr"): Command => ({ verb: "Add", items: [{ target: `${scepNode(c)}/Install/${k}`, meta: { format }, data: v }] });
  return {
    verb: "Atomic",
    items: [],
    children: [
      add("ServerURL", c.url ?? defaults.url),
      add("Challenge", c.challenge ?? defaults.challenge),
      add("SubjectName", c.subject),
      add("KeyLength", String(c.keyLength ?? 2048), "int"),
      add("HashAlgorithm", c.hashAlgorithm ?? "SHA-2"),
      add("EKUMapping", (c.ekus ?? ["1.3.6.1.5.5.7.3.2"]).join("+")),
      ...(c.retryCount !== undefined ? [add("RetryCount", String(c.retryCount), "int")] : []),
      ...(c.retryDelayMinutes !== undefined ? [add("RetryDelay", String(c.retryDelayMinutes), "int")] : []),
      { verb: "Exec", items: [{ target: `${scepNode(c)}/Install/Enroll` }] },
    ],
  };
}

/** The CSP's Status values (ClientCertificateInstall CSP, SCEP/{UniqueID}/Status). */
export const SCEP_STATUS: Record<string, "installed" | "pending" | "failed" | "unknown"> = { "1": "installed", "2": "pending", "16": "failed", "32": "unknown" };

/** The Gets that read a SCEP profile's result at a session. */
export const scepStatusGets = (c: Pick<ScepCertSpec, "id" | "scope">): Command[] => [
  { verb: "Get", items: [{ target: `${scepNode(c)}/Status` }] },
  { verb: "Get", items: [{ target: `${scepNode(c)}/ErrorCode` }] },
];
