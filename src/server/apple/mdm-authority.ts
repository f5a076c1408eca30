// SPDX-License-Identifier: MIT
import type { HttpResponse } from "../../ports/http.js";

/**
 * A tenant without an MDM authority (embedded.policy.mdmAuthority: none) enrolls nothing: every
 * Apple enrollment entry point answers 403 `MdmAuthorityNotDefined` (Intune's iOS/iPadOS enrollment
 * troubleshooting, shared/notes/field-failures.md ios-mdm-authority-not-defined). Its own file: the
 * entry points (field-policies.ts, account-driven.ts) and core.ts must not import each other.
 */
export function mdmAuthorityRefusal(cfg: { mdmAuthority?: "intune" | "none" }): HttpResponse | undefined {
  if (cfg.mdmAuthority !== "none") return undefined;
  const body = JSON.stringify({ code: "MdmAuthorityNotDefined", message: "The tenant has no MDM authority; devices cannot enroll." });
  return { status: 403, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(body)), url: "" };
}
