// SPDX-License-Identifier: MIT
/** A device's keychain and profile store (per device, in memory). */
import type { PrivateKey } from "../../ports/crypto.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import type { MdmPayload, Profile, SignatureStatus } from "../../wire/apple/profile.js";

export interface KeychainIdentity {
  /** PayloadUUID of the identity payload that produced it. */
  payloadUuid: string;
  certificate: Certificate;
  key: PrivateKey;
  chain: Certificate[];
  source: "scep" | "pkcs12";
  /** Key-pool slot of a SCEP identity's key: what a checkpoint keeps instead of the key (device/apple/resume.ts). */
  keySlot?: number;
}

export interface InstalledProfile {
  profile: Profile;
  signature: SignatureStatus;
  installedAt: number;
  /** Set by the MDM client when this profile enrolled the device. */
  managed: boolean;
}

export class AppleStore {
  /** Trust anchors installed from certificate payloads (and ADE anchor_certs). */
  readonly anchors: Certificate[] = [];
  /**
   * Anchors of `anchors` the device installed without trusting them for TLS: a root from a profile the user
   * installed by hand on iOS/iPadOS 10.3+, until the user enables full trust for it (device/apple/profile-trust.ts).
   */
  readonly needsFullTrust = new Set<Certificate>();
  readonly identities = new Map<string, KeychainIdentity>();
  readonly profiles = new Map<string, InstalledProfile>();

  identity(uuid: string): KeychainIdentity | undefined {
    return this.identities.get(uuid);
  }

  mdmProfile(): { installed: InstalledProfile; mdm: MdmPayload } | undefined {
    for (const p of this.profiles.values()) {
      const mdm = p.profile.payloads.find((x) => x.kind === "mdm");
      if (mdm && mdm.kind === "mdm") return { installed: p, mdm };
    }
    return undefined;
  }

  /** Removes a profile and what it installed (identities, anchors). */
  remove(identifier: string): InstalledProfile | undefined {
    const p = this.profiles.get(identifier);
    if (!p) return undefined;
    this.profiles.delete(identifier);
    for (const x of p.profile.payloads) {
      this.identities.delete(x.uuid);
      if (x.kind === "certificate") {
        const i = this.anchors.indexOf(x.certificate);
        if (i >= 0) this.anchors.splice(i, 1);
        this.needsFullTrust.delete(x.certificate);
      }
    }
    return p;
  }

  clear(): void {
    this.anchors.length = 0;
    this.needsFullTrust.clear();
    this.identities.clear();
    this.profiles.clear();
  }
}
