// SPDX-License-Identifier: MIT
/**
 * JSON Schema of `embedded.tls`: the certificate chains the embedded server presents (generated
 * by server/tls-chain.ts; the device judges them by its platform's rules, device/trust.ts).
 */
import type { Json } from "./json.js";

const SIGNED_DURATION = "^[+-]?[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$";

const certificate = (what: string, extra: Json = {}): Json => ({
  type: "object",
  additionalProperties: false,
  description: `Properties of ${what}; each is generated for real (openssl x509 -text shows it).`,
  properties: {
    validityDays: { type: "integer", minimum: 1, maximum: 36_500, description: "Days from notBefore to notAfter. Default 397." },
    notBefore: {
      type: "string",
      pattern: SIGNED_DURATION,
      "x-expected": 'a signed duration such as "-30d" or "+1h"',
      description: 'notBefore relative to the server\'s start on the scenario clock: "-800d" issued long ago, "+1d" issued by a server whose clock is ahead. Default "-1h".',
    },
    key: { enum: ["rsa-1024", "rsa-2048", "rsa-3072", "ec-p256", "ec-p384"], description: "Key type and size. Default ec-p256 (leaf), rsa-2048 (intermediate)." },
    signature: { enum: ["sha1", "sha256", "sha384"], description: "Hash of the issuer's signature on this certificate (sha1: sha1WithRSAEncryption or ecdsa-with-SHA1). Default sha256." },
    ...(extra as object),
  },
});

const leaf = certificate("the server certificate", {
  eku: { type: "array", uniqueItems: true, maxItems: 2, items: { enum: ["serverAuth", "clientAuth"] }, description: "Extended key usages; [] leaves the extension out. Default [serverAuth]." },
  san: { type: "boolean", description: "false: the host names are only in the subject CN, no subjectAltName extension. Default true." },
  ca: { type: "boolean", description: "The server certificate carries basicConstraints CA:true (a CA certificate installed as the server's). Default false." },
  intermediate: certificate("an intermediate CA between the embedded server's root CA and the server certificate (absent: the root issues it directly)"),
});

export const tlsSchema: Json = {
  type: "object",
  additionalProperties: false,
  description: 'TLS certificate chains the embedded server presents. Devices trust its root CA and judge the rest by their platform\'s rules for their OS build and on their own clock (scenarios/README.md "Server certificates and device clocks").',
  properties: {
    certificate: leaf,
    endpoints: {
      type: "array",
      maxItems: 8,
      description:
        "Endpoints served over HTTPS on a listener of their own, each with its own chain: the URLs the server hands out for paths under `path` name that listener (SCEP /scep and /cgi-bin/pkiclient.exe, normally plain HTTP; Apple /apple/mdm and /apple/checkin).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["path"],
        properties: {
          path: { enum: ["/scep", "/cgi-bin/pkiclient.exe", "/apple/mdm", "/apple/checkin"], description: "Path prefix of the endpoint." },
          certificate: leaf,
        },
      },
    },
  },
};
