// SPDX-License-Identifier: MIT
/**
 * JSON Schema pieces of user-initiated (web portal) enrollment (spread into apple.ts): the server's
 * enrollment portal with its login and invitations (src/server/apple/portal.ts) and what the user
 * does there (src/device/apple/portal.ts).
 */
import { PROFILE_EDITS_SCHEMA } from "./apple-profile-edits-schema.js";
import { DURATION_EXPECTED, DURATION_PATTERN } from "../../timeline/duration.js";

/** `groups[].options.apple` keys. */
export const applePortalGroupOptions = {
  agent: {
    type: "object",
    additionalProperties: false,
    required: ["id", "user", "password"],
    description:
      "Profile flows (ios-profile): a vendor's enrollment agent app runs before the profile install (step agent.enroll; device/apple/hub.ts): the user gives it the server URL and Group ID and signs in; the UEM decides (embedded.policy.workspaceOne: Group ID, credentials, enrollment restriction to user groups, devices registered to another environment, then the tenant's rules). Accepted, the agent opens the enrollment's profile in Safari and the install goes on (profile.download, Settings, MDM); refused, the device ends apple.agent.<reason> and shows the agent's published screen for the cause (agents/<id>.yaml), or the server's message when the agent publishes none.",
    properties: {
      id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$", description: "The agent in the agent catalog (agents/*.yaml, --agents DIR) with an enrollment on the device's platform, e.g. workspace-one-hub." },
      serverUrl: { type: "string", pattern: "^https?://", description: "The server URL the user types (default: the embedded server's /apple/ws1)." },
      groupId: { type: "string", minLength: 1, maxLength: 100, description: "The Group ID the user types (default enrollsim)." },
      user: { type: "string", minLength: 1, maxLength: 320, description: "The user name the user signs in with (an account of embedded.policy.workspaceOne.users)." },
      password: { type: "string", minLength: 1, maxLength: 200, description: "The password (a secret: redacted)." },
    },
  },
  portal: {
    type: "object",
    additionalProperties: false,
    description:
      "Profile flows: the user opens the enrollment portal in Safari (step portal.login): with `invitation`, the invitation's link (the enrollment URL with ?invitation=<id>); when the portal shows its login page, the user logs in as `user` with `password`; on an invitation without login, the 'Assign to user' dialog links `user` to the device (left blank without `user`). Then the profile is downloaded (profile.download) for this enrollment, and the server's record keeps the user.",
    properties: {
      invitation: { type: "string", minLength: 1, maxLength: 200, description: "The id of the invitation whose link the user opens (embedded.apple.portal.invitations[].id)." },
      user: { type: "string", minLength: 1, maxLength: 320, description: "The username typed on the login page (default user<n>@enrollsim.test), or in the 'Assign to user' dialog of an invitation without login (default: left blank)." },
      password: { type: "string", maxLength: 200, description: "The password typed on the login page (a secret: redacted; default the embedded directory password)." },
    },
  },
};

const lifetime = {
  type: ["string", "number"],
  pattern: DURATION_PATTERN,
  minimum: 0,
  maximum: 31_536_000,
  "x-expected": DURATION_EXPECTED,
  description: "How long after the server starts the invitation expires, on the server's clock (a timeline `skip` makes it pass); absent: it does not expire.",
};

/** `embedded.apple` keys. */
export const applePortalEmbedded = {
  portal: {
    type: "object",
    additionalProperties: false,
    description:
      "User-initiated enrollment's web portal at the enrollment URL (Jamf Pro 'User-Initiated Enrollment for Mobile Devices'): a login page before the profile (`login`), enrollment invitations with an expiry, a number of uses and their own login setting. Users log in with an account of embedded.policy.directory.users (any username when the directory lists none) and the directory password (embedded.apple.account.password). An invitation without login shows the 'Assign to user' dialog (a directory user, or blank; an unknown name is 403 UserNotFound). An unknown, expired, used or revoked invitation is refused with 403 JSON {code: InvitationNotFound | InvitationExpired | InvitationUsed | InvitationRevoked}; a failed login is 401 {code: LoginFailed}. The server's record keeps the user who logged in.",
    properties: {
      login: { type: "boolean", description: "Every user logs in before the profile is offered (default false)." },
      session: {
        enum: ["link", "cookie"],
        description:
          "Where the login keeps the user: `link` (default), this enrollment's download link (/apple/enroll?enrollment=<token>); `cookie`, a sign-in session cookie of the browser that logged in (an IdP sign-in at the page, as Fleet's BYOD /enroll page with end user authentication), read by the download /apple/portal/profile. Whether a browser's profile download carries it is the device's `browser` (devices/profile-installers/browsers.yaml).",
      },
      withoutSession: {
        enum: ["refuse-download", "refuse-enrollment"],
        description:
          "`session: cookie`, a profile download without the sign-in session: `refuse-download` (default) answers 403 JSON {code: SignInRequired}; `refuse-enrollment` serves a profile that names no user and refuses its Authenticate with 403, as fleetdm/fleet#39996 (the profile 'can be downloaded but fails to install', 'forbidden').",
      },
      userAuth: {
        enum: ["required", "optional"],
        description:
          "`required`: every enrollment must come from a user the portal signed in (Fleet's 'End user authentication', enforced on manual enrollment since Fleet 4.73: fleetdm/fleet#33447, #33851). A profile handed out without one (the plain enrollment URL without `login`, an invitation's 'Assign to user' left blank) installs up to its MDM Authenticate, refused 401 'Authentication failed' with the server log 'required idp uuid to be set, but none found' (Fleet's NewAuthFailedError; Fleet refuses one request earlier, at its over-the-air profile service, which enrollsim's direct profiles do not have). An invitation's own `userAuth` wins for its link. Default `optional`.",
      },
      profileByBrowser: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        description:
          "The portal offers the enrollment profile of the platform it reads from the browser's User-Agent, as vendor portals do (Hexnode: \"If Safari is in Desktop Site View, only the Device Enrollment profile can be downloaded\"): per platform (Mac: a Macintosh User-Agent, which an iPad on iPadOS 13+ sends by default and any iPhone/iPad with Request Desktop Website; iPhone; iPad) the edits of embedded.apple.profile applied to that platform's profile. A User-Agent naming none of them gets the profile without these edits.",
        properties: Object.fromEntries(["Mac", "iPhone", "iPad"].map((k) => [k, { ...PROFILE_EDITS_SCHEMA, description: `The edits of the profile offered to a ${k} User-Agent (the syntax of embedded.apple.profile).` }])),
      },
      invitations: {
        type: "array",
        maxItems: 1000,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["id"],
          properties: {
            id: { type: "string", pattern: "^[A-Za-z0-9._-]{1,100}$", description: "The invitation's id; its link is the enrollment URL with ?invitation=<id>." },
            expiresAfter: lifetime,
            uses: { type: "integer", minimum: 1, maximum: 1_000_000, description: "Enrollments the invitation allows (absent: any number; Jamf's 'Allow multiple uses' unticked is 1)." },
            requireLogin: { type: "boolean", description: "The user must log in (default: the portal's `login`)." },
            userAuth: {
              enum: ["required", "optional"],
              description: "Enrollments through this invitation's link need a user the portal signed in (default: the portal's `userAuth`): a Fleet team's end user authentication, its enroll link being the invitation's.",
            },
          },
        },
      },
    },
  },
};
