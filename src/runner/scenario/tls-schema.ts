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

const ISO_INSTANT = "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}Z)?$";
const ROOT_NAME = { type: "string", minLength: 1, maxLength: 128 };

const leaf = certificate("the server certificate", {
  root: {
    ...ROOT_NAME,
    description:
      'The named root the chain is issued from: a public root of devices/trust-stores/roots.yaml ("ISRG Root X1", "DigiCert Global Root G2", …) or one of `privateRoots`. Each device trusts it only where its OS release\'s store has it or its state.trustedRoots installed it. Default: the simulator\'s own reference CA, which every device trusts.',
  },
  crossSign: {
    type: "object",
    additionalProperties: false,
    required: ["by"],
    description: "The server also sends `root` cross-signed by another root (the long chain: a device whose store lacks `root` but has `by` builds its path through it). Needs `root`.",
    properties: {
      by: { ...ROOT_NAME, description: 'The root that signs the cross-certificate ("DST Root CA X3").' },
      notBefore: { type: "string", pattern: ISO_INSTANT, "x-expected": 'a UTC date or instant such as "2021-01-20T19:14:03Z"', description: "Default: the later notBefore of the two roots." },
      notAfter: { type: "string", pattern: ISO_INSTANT, "x-expected": 'a UTC date or instant such as "2024-09-30T18:14:03Z"', description: "Default: the notAfter of `by`." },
    },
  },
  eku: { type: "array", uniqueItems: true, maxItems: 2, items: { enum: ["serverAuth", "clientAuth"] }, description: "Extended key usages; [] leaves the extension out. Default [serverAuth]." },
  san: { type: "boolean", description: "false: the host names are only in the subject CN, no subjectAltName extension. Default true." },
  ca: { type: "boolean", description: "The server certificate carries basicConstraints CA:true (a CA certificate installed as the server's). Default false." },
  names: {
    type: "array",
    minItems: 1,
    maxItems: 8,
    items: { type: "string", pattern: "^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$", "x-expected": 'a DNS name such as "sts.contoso.com" or "*.contoso.com"' },
    description:
      'DNS names the server certificate is issued for (subjectAltName and CN): a certificate for another host ("sts.contoso.com") than the one devices address is a wrong-host certificate. Default: the listener\'s own names (localhost, 127.0.0.1).',
  },
  intermediate: certificate("an intermediate CA between the root and the server certificate (absent: the root issues it directly)", {
    name: { type: "string", minLength: 1, maxLength: 64, description: 'Its subject CN ("R3"). Default "enrollsim reference intermediate CA".' },
    send: {
      type: "boolean",
      description:
        'false: the server leaves it out of the chain it sends (an incomplete chain). Windows and Apple devices then fetch it from the leaf\'s AIA caIssuers URL over their network; Android does not and refuses the chain (scenarios/README.md "Incomplete chains and AIA"). Default true.',
    },
    aia: { type: "boolean", description: "false: the server certificate carries no Authority Information Access extension, so no client can fetch this intermediate. Default true." },
    aiaHost: {
      type: "string",
      pattern: "^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$",
      maxLength: 253,
      "x-expected": 'a host name such as "cacerts.digicert.com"',
      description:
        'Host of the AIA caIssuers URL (the CA\'s certificate host: "cacerts.digicert.com", "r3.i.lencr.org"): the host a device\'s network sees when it fetches the intermediate, so `networks.<name>.blocked` can block it. The embedded server serves the URL. Default "aia.enrollsim.test".',
    },
  }),
});

export const tlsSchema: Json = {
  type: "object",
  additionalProperties: false,
  description:
    'TLS certificate chains the embedded server presents. Devices trust its own root CA, and a named root (`root`) only where their OS release\'s store has it or state.trustedRoots installed it; they judge the rest by their platform\'s rules for their OS build and on their own clock (scenarios/README.md "Server certificates and device clocks", "Named roots and trust stores").',
  properties: {
    certificate: leaf,
    privateRoots: {
      type: "array",
      maxItems: 8,
      description: "Roots of the organisation's own PKI, generated for real like the public ones: a chain issued from one is trusted only by devices whose state.trustedRoots lists it.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: { ...ROOT_NAME, description: "The name chains and state.trustedRoots use." },
          subject: { type: "string", minLength: 3, description: 'Subject DN. Default "CN=<name>".' },
          notBefore: { type: "string", pattern: SIGNED_DURATION, "x-expected": 'a signed duration such as "-365d"', description: 'Relative to the server\'s start. Default "-365d".' },
          validityDays: { type: "integer", minimum: 1, maximum: 36_500, description: "Default 3650." },
          key: { enum: ["rsa-2048", "rsa-3072", "ec-p256", "ec-p384"], description: "Default rsa-2048." },
        },
      },
    },
    endpoints: {
      type: "array",
      maxItems: 16,
      description:
        "Endpoints served over HTTPS on a listener of their own, each with its own chain (another host of the service: a federation STS, a download host): every HTTPS request a device sends to the server for a path under `path` is served by that listener, and the URLs the server hands out for those paths name it (SCEP, normally plain HTTP, is then HTTPS). The first entry whose prefix matches wins.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["path"],
        properties: {
          path: {
            type: "string",
            pattern: "^/[^\\s?#]*$",
            maxLength: 256,
            "x-expected": 'a path prefix such as "/EnrollmentServer/Auth", "/android/apk/" or "/apple/mdm"',
            description:
              'Path prefix of the endpoint on the embedded server: e.g. /EnrollmentServer/Discovery.svc, /EnrollmentServer/Policy.svc, /EnrollmentServer/Enrollment.svc, /EnrollmentServer/Auth (the federated sign-in / STS), /ManagementServer/MDM.svc (OMA-DM); /apple/enroll, /apple/ade/, /apple/account/, /apple/portal, /apple/mdm, /apple/checkin; /android/provisioning/, /android/apk/, /android/amapi/; /scep, /cgi-bin/pkiclient.exe. Paths of the services the server stands in for are in scenarios/README.md "Hosts".',
          },
          certificate: leaf,
        },
      },
    },
  },
};
