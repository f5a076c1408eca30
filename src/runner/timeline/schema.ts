// SPDX-License-Identifier: MIT
/** JSON Schema of `timeline:` entries (part of the scenario schema, src/runner/scenario/schema.ts). */
import { PLATFORMS } from "../../device/catalog.js";
import type { Json } from "../scenario/json.js";
import { DURATION_EXPECTED, DURATION_PATTERN } from "./duration.js";
import { HOST_APPS } from "../../protocol/common/context.js";
import { EXPIRABLE, OFFLINE_DETAILS, RESTORED_BACKUPS, REVOCABLE, RECORD_STORES, DEVICE_LIST_IDS } from "./types.js";

const duration = (description: string): Json => ({
  type: ["string", "number"],
  pattern: DURATION_PATTERN,
  minimum: 0,
  maximum: 31_536_000,
  "x-expected": DURATION_EXPECTED,
  description,
});

const STEP_GLOB = "^[A-Za-z0-9_.*?-]+$";
const stepGlob = (description: string): Json => ({ type: "string", pattern: STEP_GLOB, "x-expected": 'a step name or glob such as "enroll.*"', description });
const empty = (description: string): Json => ({ type: "object", additionalProperties: false, properties: {}, description });
const pathGlob: Json = { type: "string", pattern: "^/[^\\s]*$", "x-expected": 'a URL path or glob starting with "/", e.g. "/EnrollmentServer/*"', description: "URL path glob (* any characters, ? one; case-insensitive)." };

export const timelineSchema: Json = {
  type: "array",
  maxItems: 1000,
  description: "Actions during the run, each at a time on the scenario clock (at) or after an event (after). Exactly one action key per entry.",
  items: {
    type: "object",
    additionalProperties: false,
    properties: {
      at: duration("When, from the start of the run (scenario clock)."),
      after: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        description:
          "Fire once an event has happened N times in the run: a step (succeeded/failed), N devices enrolled, or N devices ended with an outcome code (a failure counts when the device shows it, also while it waits at its error for a Try Again, and a failed steady check-in's code counts too; once per device and code).",
        properties: {
          step: { type: "string", pattern: "^[a-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+$", "x-expected": 'a step name such as "enroll.rst"', description: "A step name." },
          succeeded: { type: "integer", minimum: 1, description: "With step: after its Nth successful sample (default 1)." },
          failed: { type: "integer", minimum: 1, description: "With step: after its Nth failed sample." },
          enrolled: { type: "integer", minimum: 1, description: "After N devices enrolled." },
          outcome: { type: "string", pattern: "^[a-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+$", "x-expected": 'an outcome code such as "apple.enrolled"', description: "A device outcome code (success or failure)." },
          count: { type: "integer", minimum: 1, description: "With outcome: after the Nth device with it (default 1)." },
          wait: duration("Then wait this long before firing."),
        },
      },
      group: { type: "string", minLength: 1, description: "Target: devices of this group." },
      devices: { type: "array", minItems: 1, maxItems: 10_000, uniqueItems: true, items: { type: "integer", minimum: 0 }, description: "Target: these run-wide device indices (%INDEX%)." },
      count: { type: "integer", minimum: 1, description: "Target: the first N devices of the selection." },
      platform: { type: "string", enum: [...PLATFORMS], description: "Target: devices of this platform." },
      note: { type: "string", maxLength: 500, description: "Free text, shown in the transcript and the report." },
      set: {
        type: "object",
        minProperties: 1,
        propertyNames: { pattern: "^(embedded(\\.[A-Za-z0-9_-]+)+|state\\.[A-Za-z][A-Za-z0-9]*)$", "x-expected": 'a configuration path such as "embedded.windows.policy.validityDays", or a device state key such as state.networkProxy' },
        description:
          "Embedded server: set configuration values (embedded.* paths of this scenario); the server uses them from then on. Device: state.clockOffset sets the targeted devices' clocks (e.g. \"0s\": the clock was synced); state.trustedRoots replaces the named roots they installed (the user installs the company root), for their next connections; any other state.<key> of the scenario's state: (validated by its schema, e.g. state.networkProxy, state.winhttpProxy, state.mdmEnrollments, state.userInstalledApps) replaces that key on the targeted devices from their next step or check-in. The device's OS release (state.os Apple, state.osVersion Windows, state.apiLevel Android) is an OS update: the device installs it, an enrolled one restarts into it, and it reports the new release from then on; a release the model never ran or a downgrade is refused. Other keys read once when the device is made (serialNumber, imei, tpm, osEdition, …) are refused.",
      },
      deleteRecords: {
        type: "object",
        additionalProperties: false,
        description:
          "Embedded server: delete the targeted devices' records (an admin deleting devices in the console; Apple ADE records come back at the next full sync). `in` says where: mdm (default) the MDM server's records; abm: the admin releases them from Apple Business/School Manager instead (Apple's service answers their cloud configuration 404 DEVICE_RELEASED from then on, and no sync brings them back); directory: their device objects in Microsoft Entra ID (embedded.policy.directory.devices); zero-touch / kme: the devices are removed from the Android zero-touch portal (unclaimed) / the Samsung Knox Mobile Enrollment portal: at their next setup they get no configuration from it and set up as consumer devices (android.provision.not-registered), while a device already enrolled is not touched. A list deletes from several, e.g. `in: [mdm, directory]`.",
        properties: {
          in: {
            description:
              "mdm (default): the MDM server's records; abm: release from Apple Business/School Manager (Apple devices); directory: the Microsoft Entra device objects; zero-touch / kme: remove from the Android zero-touch / Samsung KME portal (Android devices). One, or a list.",
            oneOf: [{ enum: [...RECORD_STORES] }, { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...RECORD_STORES] } }],
            "x-expected": 'mdm, abm, directory, zero-touch, kme, or a list of them such as "[mdm, directory]"',
          },
        },
      },
      allowNextEnrollment: {
        type: "object",
        additionalProperties: false,
        description:
          "Embedded server: Intune's per-device \"Unblock device\" (Microsoft Graph windowsAutopilotDeviceIdentity allowNextEnrollment): the records of the targeted devices (group, devices, count, platform) and of `serials` let their hardware's NEXT enrollment through a one-time re-enrollment rule (the built-in Windows autopilot-userless rule, 0x80180014, or an embedded.policy.reenrollment rule with allow: none); the records are kept, and the enrollment it lets through uses the permission up. The result says per record what its state made of it: unblocked, not blocked (its rule allows re-enrollment), or no record. Without a target or serials it selects every device of the run.",
        properties: {
          serials: {
            type: "array",
            minItems: 1,
            uniqueItems: true,
            items: { type: "string", minLength: 1 },
            description: "Records to unblock by serial number, as the console lists them: devices of the run or records from before the run (embedded.policy.records).",
          },
        },
      },
      resync: empty("Embedded server: the admin re-syncs the device list from its source (Apple: a full ABM sync; records deleted on the server come back)."),
      wipe: {
        type: "object",
        additionalProperties: false,
        description:
          "Embedded server: the admin wipes the targeted devices remotely (Apple: an EraseDevice command; Windows: Exec ./Device/Vendor/MSFT/RemoteWipe/doWipe; Android: Headwind a factoryReset push, AMAPI devices.delete with wipe flags), delivered at the device's next check-in.",
        properties: {
          keepEnrollment: { type: "boolean", description: 'Windows: "Retain enrollment state and user account" — doWipePersistUserData (1709+): the PC resets and stays enrolled.' },
          protected: { type: "boolean", description: 'Windows: "continue to wipe even if the device loses power" — doWipeProtected (1703+).' },
        },
        not: { required: ["keepEnrollment", "protected"], properties: { keepEnrollment: { const: true }, protected: { const: true } } },
        "x-expected": "keepEnrollment or protected, not both",
      },
      autopilotReset: empty(
        "Embedded server, Windows: the admin's remote Autopilot Reset (Intune: Devices › More › Autopilot Reset): Exec ./Device/Vendor/MSFT/RemoteWipe/AutomaticRedeployment/doAutomaticRedeployment (1809+) at the PC's next OMA-DM session, then a Get of AutomaticRedeployment/Status and LastError. The PC resets and keeps its Entra join and MDM enrollment; it needs its recovery environment (device state recovery.winre).",
      ),
      localAutopilotReset: {
        type: "object",
        additionalProperties: false,
        properties: { admin: { type: "boolean", description: "The person gives an administrator account of the PC (default true); false: a user without one." } },
        description:
          "Windows: someone at the PC presses CTRL + Windows key + R at the lock screen to start a local Autopilot Reset (1709+). The PC shows the credential prompt only when the policy it holds sets ./Device/Vendor/MSFT/Policy/Config/CredentialProviders/DisableAutomaticReDeploymentCredentials to 0, and resets only with an administrator account and its recovery environment (device state recovery.winre); it resets, keeps its Entra join and MDM enrollment, and syncs. Decided at its next OMA-DM session; the server is not told.",
      },
      setOwnership: { type: "string", enum: ["corporate", "personal"], description: "Embedded server: the admin changes the targeted devices' ownership in their records." },
      unlockUsers: {
        type: "object",
        additionalProperties: false,
        description:
          "Embedded server: the admin unlocks users the identity provider's lockout holds (embedded.policy.directory.lockout) and clears their failed sign-ins — Entra's admin unlock, Active Directory's Unlock account, Workspace ONE's LoginFailedAttempts reset to 0. Their next sign-in is judged on its password (a user's tryAgain retries).",
        properties: { users: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "User principal names (default: every user the lockout counts)." } },
      },
      editDeviceList: {
        type: "object",
        additionalProperties: false,
        required: ["list"],
        description:
          "Embedded server: the admin edits a device list of embedded.policy.deviceLists — `add: serials` (or imeis, udids, macs, models) adds the targeted devices by that identifier (allowlists them, or denylists them); `remove: true` removes every identifier of theirs the list holds (the admin approves a denylisted device). The next enrollment meets the list as it then is (a user's tryAgain retries).",
        properties: {
          list: { type: "string", minLength: 1, description: "The list's name (embedded.policy.deviceLists[].name)." },
          add: { enum: [...DEVICE_LIST_IDS], description: "Add the targeted devices by this identifier (default serials)." },
          remove: { const: true, description: "Remove the targeted devices from the list." },
        },
        not: { required: ["add", "remove"] },
        "x-expected": "list with add (serials, imeis, udids, macs, models) or remove: true, not both",
      },
      revoke: {
        type: "string",
        enum: [...REVOCABLE],
        description:
          "Embedded server: revoke the targeted devices' certificates, every enrollment token, the ADE server token (a new one was downloaded in ABM), the Windows tenant-attach service certificate (its CRL lists it), or the Apps and Books location token (vpp-token: licence assignments fail with 9625), or the enrollment portal's invitations (enrollment-invitations: cancelled, InvitationRevoked).",
      },
      expire: {
        type: "string",
        enum: [...EXPIRABLE],
        description:
          "Embedded server: the push certificate, the enrollment tokens, the ADE server token or the Apps and Books location token (vpp-token: licence assignments fail with 9621), or the enrollment portal's invitations (enrollment-invitations: InvitationExpired) expire now.",
      },
      restartServer: {
        type: "object",
        additionalProperties: false,
        description: "Embedded server: restart (listeners closed, connections refused for downFor); loseState: its records are gone (CA kept).",
        properties: { loseState: { type: "boolean" }, downFor: duration("How long it is down (default 0).") },
      },
      endpointDown: {
        type: "object",
        additionalProperties: false,
        required: ["path"],
        description: "Take an endpoint down: the server answers 503 (embedded only), or connections are refused (device-side).",
        properties: {
          path: pathGlob,
          answer: { enum: [503, "refuse"], description: "503 (default; embedded server) or refuse (the device's connection is refused)." },
          retryAfter: { type: "integer", minimum: 0, maximum: 86_400, description: "With 503: Retry-After seconds." },
          for: duration("Bring it back after this long (default: until endpointUp)."),
        },
      },
      endpointUp: { type: "object", additionalProperties: false, required: ["path"], properties: { path: pathGlob }, description: "Bring an endpoint back (the same path as endpointDown)." },
      offline: {
        type: "object",
        additionalProperties: false,
        description: "Device: its network goes off (requests fail as on a device without network), now or when it reaches a step.",
        properties: {
          for: duration("Back online after this long (default: until online)."),
          step: stepGlob("Go offline when the device reaches this step (before it starts), not now."),
          as: { enum: [...OFFLINE_DETAILS], description: "What the device's requests fail with (default dns.timeout: names do not resolve)." },
        },
      },
      online: empty("Device: its network comes back."),
      joinNetwork: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$", "x-expected": "the name of a network under networks:", description: "Device: it moves to this network (a key of networks:), e.g. the user switches to another Wi-Fi." },
      portalSignIn: empty("Device: the user signs in to the captive portal of the network the device is on; from then on the portal lets it through."),
      reset: empty("Device: the user erases it (Settings reset; the server is not told). Enrolling: it stops at its next step (device.reset); enrolled: it no longer checks in."),
      restore: {
        type: "object",
        additionalProperties: false,
        description: "Device (Apple): restored from a backup taken while enrolled; it checks in again with the restored identity (the server decides).",
        properties: {
          backup: {
            enum: [...RESTORED_BACKUPS],
            description:
              "latest (default): the backup of its latest enrolment; previous: the backup taken before its last set-up from scratch (reset + setUpAgain), which brings back the identity of the enrolment before, one the server may have replaced.",
          },
        },
      },
      connectHost: {
        type: "object",
        additionalProperties: false,
        required: ["host"],
        description:
          "Device (iOS/iPadOS): the user connects it by USB to a Mac running Finder or Apple Configurator. It pairs once it has finished enrolling, as its installed restrictions allow: a supervised device with allowHostPairing false pairs only with its supervision host (the Mac holding the organization's supervision identity), otherwise the port is charge-only (apple.host.pairing-denied).",
        properties: {
          host: { enum: [...HOST_APPS], description: "What runs on the Mac: finder (Finder, or iTunes/Apple Devices) or configurator (Apple Configurator)." },
          supervisionIdentity: { type: "boolean", description: "configurator: the Mac holds the organization's supervision identity (Apple Configurator › Settings › Organizations), so it is the device's supervision host (default false)." },
        },
      },
      reboot: {
        type: "object",
        additionalProperties: false,
        description:
          "Device: it power-cycles (now, or when it reaches step): its flow stops at the next step boundary (a request in flight is lost), it is off for bootTime, then it resumes as its platform does after a restart (Windows: the ESP phase it was in, or OOBE enrollment again; Apple: Setup Assistant with the enrollment kept, or the cloud configuration fetched again; Android: the provisioning wizard again, or interrupted once the device owner is set).",
        properties: {
          bootTime: duration("How long it is off (default per platform: Windows 2m, iOS/iPadOS 1m, macOS 1m, Android 1m)."),
          step: stepGlob("Reboot when the device reaches this step (before it starts), not now."),
        },
      },
      idle: {
        type: "object",
        additionalProperties: false,
        required: ["for"],
        description: "Device: the user leaves it at a step for a time (at its next step, or at the named step).",
        properties: { for: duration("How long the user is away."), step: stepGlob("Idle when the device reaches this step.") },
      },
      abandon: {
        type: "object",
        additionalProperties: false,
        description: "Device: the user gives up (at its next step, or at the named step); it ends not enrolled (user.abandoned); at a step after enrollment (cp.register) it stays enrolled and that step is left undone.",
        properties: { step: stepGlob("Abandon when the device reaches this step.") },
      },
      tryAgain: {
        type: "object",
        additionalProperties: false,
        description: "Device: the user taps Try Again after a failure (the flow runs again). A failed device waits at its error for a Try Again not yet fired.",
        properties: { wait: duration("Wait before tapping (default 0)."), times: { type: "integer", minimum: 1, maximum: 100, description: "Taps at most (default 1)." } },
      },
      renewEnrollment: {
        type: "object",
        additionalProperties: false,
        description:
          "Device (macos-ade groups): after an ADE enrollment that left the Mac set up unmanaged (set up offline before macOS 13, activated or set up before it was assigned), the user or admin asks the running macOS to enroll through ADE again: `sudo profiles renew -type enrollment` (macOS 10.13+) or the Device Enrollment notification. The flow runs again from the running OS (step ade.renew): no Setup Assistant pane; it asks for its cloud configuration and enrolls under the same server rules, faults and steps. A failed device waits at its error for one not yet fired.",
        properties: { wait: duration("How long after the failure the command is run (default 0)."), times: { type: "integer", minimum: 1, maximum: 100, description: "Renewals at most per device (default 1)." } },
      },
      setUpAgain: {
        type: "object",
        additionalProperties: false,
        description:
          "Device: an erased device (a reset after it enrolled, or an enrollment a reset cut short) is set up again from scratch, as a user or IT redeploys it: the flow runs again from its first step with the same hardware identifiers and a fresh enrollment. A device that has ended its enrollment waits for it while a reset or setUpAgain targeting it has not fired yet.",
        properties: { wait: duration("How long after the device is erased (or after this action fires) the set-up starts (default 0)."), times: { type: "integer", minimum: 1, maximum: 100, description: "Set-ups at most per device (default 1)." } },
      },
      skip: duration("Time passes: the scenario clock jumps ahead (timers due in between fire at once)."),
    },
  },
};
