// SPDX-License-Identifier: MIT
/** Shapes of the data generated from Apple's device-management YAML (scripts/gen-apple-schemas.mjs). */
export type SchemaType = "string" | "integer" | "boolean" | "data" | "date" | "array" | "dictionary" | "real" | "any";

export interface OsRule {
  introduced: string | null;
  deprecated?: string;
  removed?: string;
  accessrights?: string;
  supervised?: boolean;
  requiresdep?: boolean;
  devicechannel?: boolean;
  userchannel?: boolean;
  /** "allowed" | "forbidden" | "ignored" */
  userenrollment?: string;
  /** macOS: needs a user-approved MDM enrollment. */
  userapprovedmdm?: boolean;
}

export interface SchemaKey {
  key: string;
  type: SchemaType;
  presence: "required" | "optional";
  os?: { iOS?: OsRule; macOS?: OsRule };
  rangelist?: unknown[];
  subkeys?: SchemaKey[];
}

export interface CommandSchema {
  file: string;
  title: string;
  requestType: string;
  os: { iOS?: OsRule; macOS?: OsRule };
  payloadKeys: SchemaKey[];
  responseKeys: SchemaKey[];
}
