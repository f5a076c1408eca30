// SPDX-License-Identifier: MIT
/**
 * A named root CA the simulator generates for real (a key and a self-signed certificate per name):
 * a public root of devices/trust-stores/roots.yaml ("ISRG Root X1", with the real root's subject and
 * validity) or a private root a scenario declares (`embedded.tls.privateRoots`). The server issues
 * `embedded.tls` chains from it (server/named-roots.ts); a device trusts it only where its platform's
 * store for its release has it, or its state installed it (device/trust-store.ts).
 */

export type RootKeyType = "rsa-2048" | "rsa-3072" | "ec-p256" | "ec-p384";
export const ROOT_KEY_TYPES: readonly RootKeyType[] = ["rsa-2048", "rsa-3072", "ec-p256", "ec-p384"];

/** What the generator needs of a root. */
export interface RootDefinition {
  name: string;
  /** The real root's subject DN ("C=US,O=Internet Security Research Group,CN=ISRG Root X1"); a private root's is derived from its name. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
  key: RootKeyType;
  /** Declared by the scenario (not in the catalog): trusted only where a device installed it. */
  private?: boolean;
}

/**
 * The OU added to every generated root's subject: the generated key is not the real root's, so the
 * name must never match the host's own copy of that root (OpenSSL looks issuers up by subject).
 */
export const SIMULATED_OU = "enrollsim simulated root";
