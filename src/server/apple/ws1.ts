// SPDX-License-Identifier: MIT
/**
 * The iOS / iPadOS Workspace ONE Intelligent Hub's enrollment at `/apple/ws1/enroll` (device/apple/hub.ts): the user
 * gives the Hub the server URL and Group ID (or an email address that discovers them) and signs in; the Workspace ONE
 * UEM tenant decides (server/workspace-one/uem.ts, shared with the Android Hub), and an accepted enrollment gets the
 * link of its MDM profile, which the Hub opens in Safari (the user installs it in Settings: Apple's profile install).
 *   POST /apple/ws1/enroll {groupId, username, password, serialNumber, udid, model, osVersion, product}
 *     → 200 {status: "OK", deviceId, profileUrl} | 4xx {status: "ERROR", reason, message}
 * The wire is enrollsim's stand-in (the Hub↔UEM protocol is not published). The enrollment is recorded when the device
 * authenticates with the profile (checkin.ts: the token in its CheckInURL names the user), not here, so the tenant's
 * rules are asked here (the Hub shows their refusal) and again at Authenticate with what the device reports then.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { str, type WorkspaceOneUem } from "../workspace-one/uem.js";
import { applePlatform } from "./policy-gate.js";
import type { EnrollmentPortal } from "./portal.js";

export function handleAppleWs1(uem: WorkspaceOneUem, portal: EnrollmentPortal, req: HttpRequest, path: string): HttpResponse {
  return uem.handle(req, path, {
    record: false,
    request: (b, user, serial) => {
      const udid = str(b.udid, 100);
      return {
        platform: applePlatform(b.product),
        deviceKey: udid ?? `serial:${serial}`,
        upn: user,
        serial,
        ...(udid ? { udid } : {}),
        ...(str(b.product, 100) ? { model: str(b.product, 100) } : {}),
        ...(str(b.osVersion, 40) ? { osVersion: str(b.osVersion, 40) } : {}),
        manufacturer: "Apple",
        methodOwnership: "personal",
        countsTowardLimit: true,
        method: "user-initiated",
      };
    },
    answer: (user, _group, request) => ({ deviceId: request.deviceKey, profileUrl: portal.issue({ user: user.toLowerCase() }) }),
  });
}
