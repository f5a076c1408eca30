// SPDX-License-Identifier: MIT
/** `embedded.policy.attestation`: the attestation model of TPM-attested joins (src/server/policy/tpm-attestation.ts). */
import type { Json } from "./json.js";

export const ATTESTATION_SCHEMA: Json = {
  type: "object",
  additionalProperties: false,
  description:
    'The attestation model of TPM-attested joins (Autopilot self-deploying and pre-provisioning; server/policy/tpm-attestation.ts): the join\'s attestation statement carries the TPM\'s maker (TCG vendor ID) and firmware version (state.tpm.manufacturer, firmwareVersion), and firmware in a refused range fails the TPM validation: 0x801C0003 AuthorizationError MsaTicketTpmValidationFailed, "Attestation statement cannot be verified, rejecting request. TPM firmware needs update.", shown "Securing your hardware (Failed: 0x801c0003)". Built in: the Infineon (IFX) ranges of Microsoft Security Advisory ADV170012 (ROCA).',
  properties: {
    refusedFirmware: {
      type: "array",
      maxItems: 200,
      description: "Refused firmware ranges, checked before the built-in ones; each row names its published source.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["manufacturerId", "from", "to", "source"],
        properties: {
          manufacturerId: { type: "string", pattern: "^[A-Za-z0-9 ]{2,4}$", description: "The TPM maker's TCG vendor ID as the statement carries it: IFX (Infineon), INTC (Intel), AMD, QCOM (Qualcomm), NTC (Nuvoton), STM (STMicroelectronics)." },
          from: { type: "string", pattern: "^[0-9]{1,5}(\\.[0-9]{1,5}){0,3}$", description: 'First refused firmware version; compared on as many components as given ("7.0" compares major.minor).' },
          to: { type: "string", pattern: "^[0-9]{1,5}(\\.[0-9]{1,5}){0,3}$", description: "Last refused firmware version, compared the same way." },
          source: { type: "string", minLength: 1, description: "Where the range is published (an advisory, a vendor bulletin)." },
        },
      },
    },
    builtIn: { type: "boolean", description: "false: only the scenario's rows apply (default true: the built-in ADV170012 rows too)." },
  },
};
