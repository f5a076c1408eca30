// SPDX-License-Identifier: MIT
/**
 * The Android Hub's staging enrollment at `/android/ws1/enroll` (protocol/android/dialects/workspace-one.ts): the
 * Workspace ONE UEM tenant decides (server/workspace-one/uem.ts, shared with the iOS Hub); here is what is Android's:
 *   POST /android/ws1/enroll {groupId, username, password, serialNumber, imei?, model, apiLevel, managementMode}
 *     → 200 {status: "OK", deviceId} | 4xx {status: "ERROR", reason, message}
 * Staging devices are corporate and are recorded at once (no later enrollment step records them); the device key is
 * `ws1:<serial>`. Assumption (not published): the staging user is a UEM basic user, whose name is the lockout's key.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { WorkspaceOneUem } from "../workspace-one/uem.js";
import { str } from "../workspace-one/uem.js";
import { androidRelease } from "./policy-gate.js";

export function handleAndroidWs1(uem: WorkspaceOneUem, req: HttpRequest, path: string): HttpResponse {
  return uem.handle(req, path, {
    record: true,
    request: (b, user, serial) => {
      const osVersion = androidRelease(typeof b.apiLevel === "number" ? b.apiLevel : undefined);
      return {
        platform: "android",
        deviceKey: `ws1:${serial}`,
        upn: user,
        serial,
        ...(str(b.imei, 40) ? { imei: str(b.imei, 40) } : {}),
        ...(str(b.model, 100) ? { model: str(b.model, 100) } : {}),
        ...(osVersion ? { osVersion } : {}),
        methodOwnership: "corporate",
        countsTowardLimit: true,
      };
    },
    answer: (_user, _group, request) => ({ deviceId: request.deviceKey }),
  });
}
