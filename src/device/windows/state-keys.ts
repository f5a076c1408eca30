// SPDX-License-Identifier: MIT
/** The `state:` vocabulary of Windows PCs (JSON Schema data; device/state.ts assembles every family's). */
import { COMMON_STATE, LOCAL_ACCOUNT, type Json } from "../state-common.js";
import { NETWORK_LINK_STATE } from "./network-link-state.js";
import { PROXY_STATE } from "./proxy-state.js";

const WINDOWS_BUILD = "^10\\.0\\.\\d{5}\\.\\d+$";

/** `state:` keys of Windows devices. */
export const WINDOWS_STATE: Json = {
  ...COMMON_STATE,
  enrollments: {
    type: "array",
    maxItems: 8,
    description: "Enrollments already recorded on the PC (EnterpriseMgmt), which the enrollment client checks before anything goes on the wire.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["status"],
      properties: {
        status: {
          enum: ["active", "stale", "in-progress"],
          description: "active: a working MDM enrollment; stale: registry/certificate left over (a cloned image, a failed unenroll); in-progress: another enrollment is running now.",
        },
        owner: { enum: ["this-user", "other-user", "device"], description: "Whose enrollment it is. Default other-user." },
      },
    },
  },
  account: LOCAL_ACCOUNT,
  mdmEnrollmentDisabled: {
    type: "boolean",
    description: 'The Group Policy "Disable MDM Enrollment" (MDM DisableRegistration) is set: every MDM enrollment is blocked (MENROLL_E_DEVICE_MANAGEMENT_BLOCKED).',
  },
  managementAgents: {
    type: "array",
    uniqueItems: true,
    maxItems: 2,
    items: { enum: ["intune-pc-agent", "configmgr-client"] },
    description:
      "Other management agents installed on the PC: the legacy Intune PC software client (intune-pc-agent) or the Configuration Manager client (configmgr-client). An Entra join that carries MDM automatic enrollment then fails locally with 0x80180026 MENROLL_E_DEVICE_MANAGEMENT_BLOCKED (Intune troubleshooting, Error 80180026); fixes: uninstall the agent, or MDM user scope None (the join then carries no enrollment). Default none.",
  },
  mmpcEnrollmentFlag: {
    type: "integer",
    minimum: 0,
    maximum: 4294967295,
    description:
      "The DWORD value MmpcEnrollmentFlag under HKLM\\SOFTWARE\\Microsoft\\Enrollments, left non-zero by an earlier management (Defender for Endpoint security settings management / MMP-C, an Intune or co-management enrollment the PC was migrated from). Default 0 (absent). Non-zero: a windows-byod enrollment's MS-MDE2 Discover POST goes out without a body, which the server refuses (the reference server: HTTP 400; Fleet: HTTP 400, 0x80190190, github.com/fleetdm/fleet/issues/34993). Fix: set it to 0 (timeline `set: { state.mmpcEnrollmentFlag: 0 }`). That the leftover flag empties the request is enrollsim's reading of fleetdm/fleet#34993 and #28240 (scenarios/README-windows.md, 'Leftovers of an earlier management').",
  },
  join: {
    enum: ["none", "entra-registered", "entra-joined", "domain-joined", "hybrid-joined"],
    description:
      "Directory state before the flow. Default: what the flow assumes (windows-gpo: hybrid-joined; others: none). domain-joined: joined to Active Directory only; the GPO flow first runs the hybrid sync join (Automatic-Device-Join), answered from the computer's directory object (embedded.policy.directory.devices).",
  },
  tpm: {
    type: "object",
    additionalProperties: false,
    description:
      "The TPM. Defaults: version, manufacturer and firmwareVersion from the catalog's windows.tpmVersion / tpmManufacturer / tpmFirmwareVersion, kind discrete, attestation succeeds (the server decides). A timeline `set` of state.tpm replaces the whole object (a TPM firmware update: give every field the group had).",
    properties: {
      version: { enum: ["2.0", "1.2", "none"] },
      kind: {
        enum: ["discrete", "firmware", "virtual"],
        description:
          "virtual: a VM's vTPM, which has no manufacturer EK certificate. firmware: a firmware TPM (Intel PTT, AMD fTPM, Qualcomm), which fetches its EK certificate from its manufacturer on first use (step tpm.ek-certificate), so a network that blocks that host fails attestation; a discrete chip has it preinstalled.",
      },
      manufacturer: {
        enum: ["intel", "amd", "qualcomm", "infineon", "nuvoton", "stmicro"],
        description:
          "Who made the TPM (default: the catalog model's windows.tpmManufacturer; a firmware TPM without one: intel). A firmware TPM (intel, amd, qualcomm) fetches its EK certificate from its maker (Microsoft, Windows Autopilot requirements, networking: Intel https://ekop.intel.com/ekcertservice, Qualcomm https://ekcert.spserv.microsoft.com/EKCertificate/GetEKCertificate/v1, AMD https://ftpm.amd.com/pki/aia); discrete chips: infineon, nuvoton, stmicro. The attestation statement of a self-deploying or pre-provisioning join names it by its TCG vendor ID (IFX, INTC, AMD, QCOM, NTC, STM), and the reference server's attestation model refuses firmware on its lists (embedded.policy.attestation).",
      },
      firmwareVersion: {
        type: "string",
        pattern: "^[0-9]{1,5}(\\.[0-9]{1,5}){1,3}$",
        "x-expected": 'the TPM firmware version as Get-Tpm ManufacturerVersion shows it, e.g. "7.61.2785.0"',
        description:
          'The TPM firmware version (Get-Tpm ManufacturerVersion, tpm.msc "Specification Version"/firmware), e.g. "7.61.2785.0". Default: the catalog model\'s windows.tpmFirmwareVersion, else not stated (no firmware rule can match). Sent in the attestation statement of a self-deploying or pre-provisioning join; the reference server\'s attestation model refuses the ranges of its lists (built in: Infineon firmware affected by ADV170012 / ROCA) with 0x801C0003 AuthorizationError MsaTicketTpmValidationFailed; on builds whose Autopilot client checks the TPM itself (devices/windows/builds.yaml tpmVulnerabilityCheck: 20H2 on) the PC refuses the ADV170012 ranges first with 0x81039024, before any attestation. A timeline `set` of state.tpm with a newer version is the firmware update.',
      },
      cleared: {
        type: "boolean",
        description:
          'The TPM was cleared (Clear-Tpm, tpm.msc "Clear TPM", the firmware setup\'s TPM clear) since the PC was made: its storage hierarchy has a new seed and "you will lose all created keys associated with the TPM" (Microsoft Learn, Troubleshoot the TPM). Keys the PC created in it before (the MDM client certificate\'s, kept by the Microsoft Platform Crypto Provider) cannot be opened: the next MDM sync fails with NTE_BAD_KEYSET 0x80090016 "Keyset does not exist"; a new enrollment creates new keys in the cleared TPM. A timeline `set: { state.tpm: { ..., cleared: true } }` is the clear (give the whole object). Default false.',
      },
      attestation: {
        enum: ["succeeds", "times-out", "retries-exceeded", "firmware-rejected"],
        description:
          "A verdict forced on the attestation, not a cause: times-out, retries-exceeded and firmware-rejected fail \"Securing your hardware\" on the device without asking anyone (enrollsim runs no EK/AIK exchange). succeeds (default) forces nothing: the reference server's attestation model decides from the TPM's facts (version, maker, firmwareVersion) at the join. To reproduce a cause, give the facts (manufacturer, firmwareVersion), not the verdict.",
      },
    },
  },
  osEdition: {
    type: "integer",
    minimum: 1,
    maximum: 255,
    description: "The edition installed (GetProductInfo value, MS-MDE2 OSEdition): 4 Enterprise, 48 Pro, 101 Home, 121 Education, 125 Enterprise LTSC. Default: one of the catalog's editions.",
  },
  osVersion: { type: "string", pattern: WINDOWS_BUILD, description: "The Windows version the PC runs (10.0.<build>.<UBR>), any build: Discover/RST versions, DevDetail/SwV, CSR profile, the capability table." },
  networkLink: NETWORK_LINK_STATE,
  ...PROXY_STATE,
  hardwareReplaced: {
    type: "array",
    uniqueItems: true,
    maxItems: 3,
    items: { enum: ["motherboard", "nic", "disk"] },
    description:
      "Parts replaced since the PC's hardware hash was harvested (and imported for Autopilot): the hash it reports now (DevDetail/Ext/DeviceHardwareData, the Autopilot profile request) is a different one, while a hash uploaded with autopilot.uploadHash is the harvested one. motherboard also brings a new TPM: keys created in the old one (the MDM client certificate's, Microsoft Platform Crypto Provider) cannot be opened, and the next MDM sync fails with NTE_BAD_KEYSET 0x80090016 \"Keyset does not exist\" (call4cloud.nl, systemboard-motherboard-replacement-tpm-0x80090016) until the PC enrolls again; a PC without a TPM (tpm.version none) keeps its keys in software and is not affected.",
  },
  recovery: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    description: "The PC's Windows Recovery Environment (reagentc /info \"Windows RE status\"), which every reset runs in: the RemoteWipe wipes, Autopilot Reset (remote and local) and Settings' Reset this PC. Default enabled.",
    properties: {
      winre: {
        enum: ["enabled", "disabled"],
        description:
          'disabled (reagentc /disable, or a recovery partition an imaging tool left out): Autopilot Reset fails its prerequisite check with ERROR_NOT_SUPPORTED (0x80070032) and the RemoteWipe wipes cannot start, except doWipeProtected (scenarios/README-windows.md "Recovery environment"). The fix is reagentc /enable.',
      },
    },
  },
  cspStatus: {
    type: "array",
    maxItems: 100,
    description:
      "OMA-DM commands this PC answers with an error status whatever the tree holds (a node a build or a CSP implements differently from its documentation): a write-only node is `{uri, verb: Get, status: 404}`. Checked before the capability table.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["uri", "status"],
      properties: {
        uri: {
          type: "string",
          minLength: 1,
          maxLength: 500,
          pattern: "^\\./",
          "x-expected": "a LocURI glob starting with ./ (* matches any characters, / included)",
          description: "LocURI glob (* any characters); ./Vendor/MSFT/… and ./Device/Vendor/MSFT/… are the same node.",
        },
        verb: { enum: ["Get", "Add", "Replace", "Delete", "Exec"], description: "Only this command. Default: every command on the node." },
        status: { type: "integer", minimum: 400, maximum: 599, description: "The OMA-DM status the device answers (404 Not found, 405 Command not allowed, 500 Command failed, …)." },
      },
    },
  },
};
