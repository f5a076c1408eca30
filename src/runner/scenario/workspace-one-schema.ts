// SPDX-License-Identifier: MIT
/**
 * `embedded.policy.workspaceOne` (alias `embedded.android.workspaceOne`): the Workspace ONE UEM tenant the Intelligent
 * Hub enrolls against on Android and iOS (server/workspace-one/uem.ts).
 */
import type { Json } from "./json.js";

const user: Json = {
  type: "object",
  additionalProperties: false,
  required: ["user", "password"],
  properties: {
    user: { type: "string", minLength: 1, maxLength: 200 },
    password: { type: "string", minLength: 1, maxLength: 200 },
    groupId: { type: "string", maxLength: 100, description: "The organization group the account was created at; an enrollment with another Group ID is refused as invalid credentials (VMware KB 81557). Absent: any." },
    userGroups: { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 200 }, description: "The user groups the account is in (restrictEnrollmentTo.userGroups)." },
  },
};

export const workspaceOneSchema: Json = {
  type: "object",
  additionalProperties: false,
  description:
    'The Workspace ONE UEM tenant (server/workspace-one/uem.ts), one for the Hub on Android (staging) and on iOS (the Hub\'s enrollment before the MDM profile): its organization groups\' Group IDs, its staging and enrollment users, its enrollment restriction to user groups and its records of devices registered to another environment. Checked in order: Group ID (INVALID_GROUP_ID), credentials counted by embedded.policy.directory.lockout (ACCOUNT_LOCKED → CREATE_MDM_ERROR on Android staging; INVALID_CREDENTIALS → "Invalid User Credentials."), the restriction (USER_NOT_ALLOWED → "Your account is not allowed to enroll."), a record in another environment (DEVICE_REGISTERED_ELSEWHERE → the iOS Hub\'s "This device is already registered to a different environment"), then the tenant\'s enrollment rules (device limit, licences, device lists).',
  properties: {
    groupIds: { type: "array", minItems: 1, maxItems: 100, items: { type: "string", pattern: "^[\\w.-]{1,100}$" }, description: "Group IDs the server knows. Default [enrollsim]." },
    stagingUsers: { type: "array", maxItems: 100, items: user, description: "Staging users: the first is what the default Android staging payload carries (un, pw). Default [{user: staging, password: Staging-2026!}]." },
    users: { type: "array", maxItems: 1000, items: user, description: "Enrollment users (UEM basic users) who sign in on the Hub (iOS options.apple.agent). Default none." },
    restrictEnrollmentTo: {
      type: "object",
      additionalProperties: false,
      required: ["userGroups"],
      description:
        'UEM\'s enrollment restriction to user groups: a user in none of them is refused after signing in (USER_NOT_ALLOWED; the Hub shows "Your account is not allowed to enroll. Please contact your system administrator", VMware KB 2960930). Absent: every user may enroll.',
      properties: { userGroups: { type: "array", minItems: 1, maxItems: 100, items: { type: "string", minLength: 1, maxLength: 200 } } },
    },
    registeredDevices: {
      type: "array",
      maxItems: 10_000,
      description:
        "Devices UEM's records show registered to another environment: per environment, the devices' serial numbers or UDIDs (%SERIAL@group% / %UDID@group% expand to one per device of the group): such a device is refused (DEVICE_REGISTERED_ELSEWHERE; the iOS Hub shows \"Unable to login at this time. This device is already registered to a different environment.\", VMware KB 2960930). The fix is the admin deleting the device there (the entry removed). Where UEM keeps this record is not published.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["environment"],
        anyOf: [{ required: ["serialNumbers"] }, { required: ["udids"] }],
        properties: {
          serialNumbers: { type: "array", minItems: 1, maxItems: 10_000, items: { type: "string", minLength: 1, maxLength: 100 } },
          udids: { type: "array", minItems: 1, maxItems: 10_000, items: { type: "string", minLength: 1, maxLength: 100 } },
          environment: { type: "string", minLength: 1, maxLength: 200, description: "The environment the device is registered to (its UEM host, e.g. as1688.awmdm.com)." },
        },
      },
    },
  },
};
